"""Tests for gmm_lib.interactive's pinned-component explorer and animation (chapter 5)."""

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from numpy.testing import assert_allclose  # noqa: E402

from gmm_lib import interactive  # noqa: E402
from gmm_lib.interactive import (  # noqa: E402
    FigureExplorer,
    JSAnimation,
    animate_pinned_component,
    pinned_component_explorer,
)
from gmm_lib.mixture import log_likelihood  # noqa: E402

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
DATA = np.array([40, 45, 50, 50, 50, 55, 60, 60, 62, 65, 70, 70, 70, 70, 75, 80], dtype=float)


def expected_log_likelihood(pin, sigma, weight=0.1):
    return log_likelihood(DATA[:, None], [1 - weight, weight], [[DATA.mean()], [pin]],
                          [DATA.var(), sigma**2], "spherical")


def test_explorer_starts_on_the_most_tied_value_and_reports_the_log_likelihood():
    explorer = pinned_component_explorer(DATA)
    assert isinstance(explorer, FigureExplorer)
    assert explorer.controls["pin"].value == 70.0  # four ties
    assert bytes(explorer.image.value).startswith(PNG_SIGNATURE)
    assert repr(explorer).startswith("pinned_component_explorer(log10_sigma=")
    artists = explorer.update(log10_sigma=-2.0, pin=50.0)
    value = expected_log_likelihood(50.0, 1e-2)
    assert artists.current.get_ydata()[0] == pytest.approx(value, rel=1e-12)
    assert artists.current.get_xdata()[0] == pytest.approx(1e-2)
    # The curve rises like -t ln(sigma) with t = 3 ties at 50 for small sigma.
    sigmas, curve = artists.curve.get_xdata(), artists.curve.get_ydata()
    slope = (curve[-1] - curve[-2]) / np.log(sigmas[-1] / sigmas[-2])
    assert slope == pytest.approx(-3.0, rel=1e-4)


def test_explorer_options_list_every_value_with_its_ties():
    explorer = pinned_component_explorer(DATA)
    labels = [label for label, _ in explorer.controls["pin"].options]
    assert "70 (4×)" in labels and "40 (1×)" in labels
    assert len(labels) == len(np.unique(DATA))


def test_animation_frames_follow_the_sigmas(monkeypatch):
    drawn = []
    original = interactive._draw_pinned_component

    def spy(figure, x, pin, sigma, weight, sigmas, curve):
        drawn.append((pin, sigma))
        return original(figure, x, pin, sigma, weight, sigmas, curve)

    monkeypatch.setattr(interactive, "_draw_pinned_component", spy)
    animation = animate_pinned_component(DATA, pin=50.0, sigmas=[1.0, 0.1, 0.01], name="pin_test")
    assert isinstance(animation, JSAnimation)
    assert animation.n_frames == 3
    assert all(frame.startswith(PNG_SIGNATURE) for frame in animation.frames())
    assert {(50.0, 1.0), (50.0, 0.1), (50.0, 0.01)} <= set(drawn)
    assert "_anim_imgpin_test" in animation.html and "<link" not in animation.html


def test_the_frames_show_the_explorer_picture():
    explorer = pinned_component_explorer(DATA)
    artists = explorer.update(log10_sigma=-1.0, pin=70.0)
    figure = interactive._new_figure((9.0, 3.8), 72)
    sigmas = artists.curve.get_xdata()
    frame = interactive._draw_pinned_component(figure, DATA, 70.0, 0.1, 0.1, sigmas,
                                               artists.curve.get_ydata())
    assert_allclose(frame.mixture.mixture.get_ydata(), artists.mixture.mixture.get_ydata())


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(x=np.zeros((4, 2))), "one-dimensional"),
        (dict(x=np.ones(5)), "two distinct"),
        (dict(weight=1.0), "\\(0, 1\\)"),
        (dict(sigmas=[1.0, -1.0]), "positive"),
        (dict(name="1bad"), "name must"),
        (dict(pin="a"), "single real number"),
    ],
)
def test_animation_validation(kwargs, message):
    arguments = dict(x=DATA)
    arguments.update(kwargs)
    with pytest.raises(ValueError, match=message):
        animate_pinned_component(**arguments)


def test_explorer_validation():
    with pytest.raises(ValueError, match="\\(0, 1\\)"):
        pinned_component_explorer(DATA, weight=0.0)
    with pytest.raises(ValueError, match="NaN"):
        pinned_component_explorer(np.array([1.0, np.nan]))
