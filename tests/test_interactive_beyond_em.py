"""Tests for gmm_lib.interactive's EM-variants stepper and animation (chapter 7)."""

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from gmm_lib import interactive  # noqa: E402
from gmm_lib.datasets import load_old_faithful  # noqa: E402
from gmm_lib.em_variants import run_hard_em, run_stochastic_em  # noqa: E402
from gmm_lib.gaussian import standardize  # noqa: E402
from gmm_lib.interactive import (  # noqa: E402
    FigureExplorer,
    JSAnimation,
    animate_em_variants,
    em_variants_stepper,
)
from gmm_lib.mixture import run_em  # noqa: E402

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def runs():
    X, _, _ = standardize(load_old_faithful())
    start = ([0.5, 0.5], [[-1.0, 0.5], [1.0, -0.5]], [np.eye(2), np.eye(2)])
    return X, {
        "EM": run_em(X, *start, record_history=True),
        "hard EM": run_hard_em(X, *start, record_history=True),
        "stochastic EM": run_stochastic_em(X, *start, n_iter=8, random_state=0,
                                           record_history=True),
    }


def test_stepper_shows_every_run_at_the_chosen_iteration(runs):
    X, results = runs
    explorer = em_variants_stepper(X, results)
    assert isinstance(explorer, FigureExplorer)
    assert repr(explorer) == "em_variants_stepper(iteration=0)"
    assert bytes(explorer.image.value).startswith(PNG_SIGNATURE)
    longest = max(len(r["history"]) for r in results.values())
    assert explorer.controls["iteration"].max == longest - 1
    hard_last = len(results["hard EM"]["history"]) - 1
    artists = explorer.update(iteration=hard_last + 1)
    assert len(artists.mixtures) == 3 and len(artists.traces) == 3
    assert artists.current.get_xdata()[0] == hard_last + 1
    # The traces are the recorded log-likelihoods.
    for line, result in zip(artists.traces, results.values()):
        np.testing.assert_allclose(line.get_ydata(),
                                   [h["log_likelihood"] for h in result["history"]])
    titles = [ax.get_title() for ax in explorer.figure.axes[:3]]
    assert titles[2].startswith(f"stochastic EM, t = {hard_last + 1}")
    # hard EM stopped earlier: its last state is shown
    assert titles[1].startswith(f"hard EM, t = {hard_last} (stopped)")


def test_a_single_run_is_drawn_beside_its_trace(runs):
    X, results = runs
    explorer = em_variants_stepper(X, {"stochastic EM": results["stochastic EM"]["history"]})
    mixture_ax, trace_ax = explorer.figure.axes[:2]
    assert mixture_ax.get_position().x1 <= trace_ax.get_position().x0


def test_animation_has_one_frame_per_shown_iteration(runs):
    X, results = runs
    animation = animate_em_variants(X, {"EM": results["EM"], "SEM": results["stochastic EM"]},
                                    max_frames=4, name="variants_test", dpi=30)
    assert isinstance(animation, JSAnimation)
    assert animation.n_frames == 4
    assert all(frame.startswith(PNG_SIGNATURE) for frame in animation.frames())
    assert "_anim_imgvariants_test" in animation.html and "<link" not in animation.html
    assert 'alt="Animation of EM, SEM run side by side' in animation.html


def test_default_animation_name_depends_on_the_runs(runs):
    X, results = runs
    one = animate_em_variants(X, {"EM": results["EM"]}, max_frames=2, dpi=30)
    two = animate_em_variants(X, {"hard EM": results["hard EM"]}, max_frames=2, dpi=30)
    assert one.name.startswith("variants_") and one.name != two.name


@pytest.mark.parametrize(
    "bad, message",
    [
        ({}, "non-empty dict"),
        ({"EM": {"history": None}}, "record_history=True"),
        ({str(i): None for i in range(5)}, "At most 4"),
    ],
)
def test_stepper_rejects_bad_runs(runs, bad, message):
    X, _ = runs
    with pytest.raises(ValueError, match=message):
        em_variants_stepper(X, bad)


def test_stepper_rejects_runs_with_different_numbers_of_components(runs):
    X, results = runs
    three = run_em(X, [0.3, 0.3, 0.4], [[-1, 0], [0, 0], [1, 0]], [np.eye(2)] * 3,
                   max_iter=2, record_history=True)
    with pytest.raises(ValueError, match="same number of components"):
        em_variants_stepper(X, {"EM": results["EM"], "three": three})


def test_the_frames_show_the_stepper_picture(runs):
    X, results = runs
    explorer = em_variants_stepper(X, results)
    artists = explorer.update(iteration=2)
    checked = interactive._check_variant_runs(results, "full")
    frames = interactive._variant_frames(X, checked, "full")
    figure = interactive._new_figure(interactive._variants_figsize(3), 30)
    frame = interactive._draw_em_variants_step(figure, X, checked, frames, 2,
                                               interactive._variants_limits(X, checked))
    for mine, theirs in zip(frame.mixtures, artists.mixtures):
        np.testing.assert_allclose(mine.centers.get_offsets(), theirs.centers.get_offsets())
