"""Tests for gmm_lib.interactive.animate_mixture_1d (the static twin of mixture_1d_explorer)."""

import matplotlib

matplotlib.use("Agg")

import re  # noqa: E402

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from numpy.testing import assert_allclose  # noqa: E402

from gmm_lib import interactive  # noqa: E402
from gmm_lib.interactive import JSAnimation, animate_mixture_1d, mixture_1d_explorer  # noqa: E402

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def recorded_draws(monkeypatch):
    """Record the parameters of every picture instead of drawing it."""
    calls = []
    original = interactive._draw_mixture_1d

    def spy(figure, **values):
        calls.append(values)
        return original(figure, **values)

    monkeypatch.setattr(interactive, "_draw_mixture_1d", spy)
    return calls


def test_frames_sweep_the_parameter_and_keep_the_others(recorded_draws):
    values = [-1.0, 0.5, 2.0]
    animation = animate_mixture_1d("mu2", values, pi=0.3, mu1=-2.0, sigma1=0.5, sigma2=1.0)
    assert isinstance(animation, JSAnimation)
    assert animation.n_frames == 3
    frames = animation.frames()
    assert len(frames) == 3 and all(frame.startswith(PNG_SIGNATURE) for frame in frames)
    # Every frame was drawn with the fixed parameters and the swept value.
    drawn = {tuple(sorted(call.items())) for call in recorded_draws}
    for value in values:
        expected = dict(pi=0.3, mu1=-2.0, mu2=value, sigma1=0.5, sigma2=1.0)
        assert tuple(sorted(expected.items())) in drawn
    assert "fa-play" not in animation.html and "<link" not in animation.html
    # The player starts in "reflect" mode (back and forth through the sweep).
    assert re.search(r'value="reflect"[^>]*\s+checked>', animation.html)


def test_the_frames_show_the_explorer_picture():
    # Same drawing function: the artists of a frame equal the explorer's for the same values.
    explorer = mixture_1d_explorer()
    artists = explorer.update(pi=0.4, mu1=-1.5, mu2=0.5, sigma1=0.8, sigma2=1.2)
    figure = interactive._new_figure((6.4, 4.8), 72)
    frame = interactive._draw_mixture_1d(figure, pi=0.4, mu1=-1.5, mu2=0.5, sigma1=0.8, sigma2=1.2)
    assert_allclose(frame.mixture.get_ydata(), artists.mixture.get_ydata())
    assert_allclose(frame.responsibility.get_ydata(), artists.responsibility.get_ydata())


def test_default_values_span_the_slider_range(monkeypatch):
    captured = {}

    def fake_animate(figure, draw_frame, n_frames, name, interval, default_mode, alt=None):
        captured.update(n_frames=n_frames, name=name, mode=default_mode, alt=alt)
        return JSAnimation("", name, n_frames)

    monkeypatch.setattr(interactive, "_animate", fake_animate)
    animation = animate_mixture_1d("sigma1")
    assert animation.n_frames == 17
    assert captured["mode"] == "reflect"
    assert captured["name"].startswith("mixture1d_")


def test_names_are_deterministic_and_depend_on_the_inputs(monkeypatch):
    monkeypatch.setattr(
        interactive, "_animate",
        lambda figure, draw, n, name, interval, mode, alt=None: JSAnimation("", name, n),
    )
    first = animate_mixture_1d("mu2", [0.0, 1.0])
    again = animate_mixture_1d("mu2", [0.0, 1.0])
    other = animate_mixture_1d("mu2", [0.0, 1.5])
    moved = animate_mixture_1d("mu2", [0.0, 1.0], mu1=-1.0)
    assert first.name == again.name
    assert len({first.name, other.name, moved.name}) == 3
    assert animate_mixture_1d("mu2", [0.0], name="sweep").name == "sweep"


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(parameter="mu3"), "parameter must be one of"),
        (dict(parameter="mu2", values=[0.0, 5.0]), r"mu2 must lie in \[-4, 4\]"),
        (dict(parameter="pi", values=[0.0]), "pi must lie in"),
        (dict(parameter="mu2", values=[[0.0]]), "1-D"),
        (dict(parameter="mu2", values=[np.nan]), "NaN"),
        (dict(parameter="mu2", sigma1=0.0), "sigma1 must lie in"),
        (dict(parameter="mu2", values=[0.0], name="has space"), "name must be"),
        (dict(parameter="mu2", values=[0.0], interval=0), "interval"),
    ],
)
def test_bad_arguments_give_clear_errors(kwargs, message):
    with pytest.raises(ValueError, match=message):
        animate_mixture_1d(**kwargs)
