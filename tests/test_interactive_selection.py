"""Tests for gmm_lib.interactive's model-selection explorer and animation (chapter 6)."""

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from gmm_lib import datasets  # noqa: E402
from gmm_lib.interactive import (  # noqa: E402
    FigureExplorer,
    JSAnimation,
    animate_model_selection,
    model_selection_explorer,
)
from gmm_lib.selection import select_model  # noqa: E402

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
OLD_FAITHFUL = datasets.load_old_faithful()


@pytest.fixture(scope="module")
def spurious():
    """The grid whose plain BIC winner is a collapsed (5, 'diag') fit."""
    return select_model(OLD_FAITHFUL, range(1, 6), init_params="random_from_data", n_init=5,
                        random_state=13)


@pytest.fixture(scope="module")
def small():
    X = datasets.make_blobs(60, random_state=0).X
    return X, select_model(X, [1, 2, 3], ["full", "spherical"], random_state=0)


def test_explorer_starts_on_the_selected_model(spurious):
    explorer = model_selection_explorer(OLD_FAITHFUL, spurious)
    assert isinstance(explorer, FigureExplorer)
    assert repr(explorer) == "model_selection_explorer(n_components=2, covariance_type='full')"
    assert bytes(explorer.image.value).startswith(PNG_SIGNATURE)
    assert list(explorer.controls["n_components"].options) == [1, 2, 3, 4, 5]
    assert list(explorer.controls["covariance_type"].options) == ["full", "tied", "diag",
                                                                   "spherical"]
    artists = explorer.artists
    assert "healthy fit" in explorer.figure.axes[0].get_title()
    assert artists.current.get_ydata()[0] == pytest.approx(spurious.best.bic)


def test_moving_the_controls_shows_the_collapsed_fit(spurious):
    explorer = model_selection_explorer(OLD_FAITHFUL, spurious)
    artists = explorer.update(n_components=5, covariance_type="diag")
    title = explorer.figure.axes[0].get_title()
    assert "degenerate" in title and "2139.43" in title
    assert artists.current.get_xdata()[0] == 5
    assert artists.current.get_ydata()[0] == pytest.approx(spurious.unguarded_best().bic)
    assert len(artists.mixture.ellipses) == 10
    # The crosses on the right mark the four degenerate fits of this grid.
    assert len(artists.criterion.degenerate.get_offsets()) == int(spurious.mask().sum()) == 4
    assert repr(explorer) == "model_selection_explorer(n_components=5, covariance_type='diag')"


def test_animation_has_one_frame_per_k():
    X = datasets.make_blobs(40, random_state=1).X
    selection = select_model(X, [1, 2], ["full", "spherical"], random_state=0)
    animation = animate_model_selection(X, selection, covariance_type="full", name="sel_test",
                                        dpi=40)
    assert isinstance(animation, JSAnimation)
    assert animation.n_frames == 2
    assert all(frame.startswith(PNG_SIGNATURE) for frame in animation.frames())
    assert "_anim_imgsel_test" in animation.html and "<link" not in animation.html
    one = select_model(X, [2], ["spherical"], random_state=0)
    default = animate_model_selection(X, one, dpi=40)
    assert default.n_frames == 1 and default.name.startswith("selection_")
    assert "spherical-covariance fits" in default.html  # the alt text names the type


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(covariance_type="tied"), "not in the selection's grid"),
        (dict(covariance_type="round"), "covariance_type"),
        (dict(name="has space"), "name must be"),
        (dict(interval=0), "interval"),
    ],
)
def test_animation_rejects_bad_arguments(small, kwargs, message):
    X, selection = small
    with pytest.raises(ValueError, match=message):
        animate_model_selection(X, selection, **kwargs)


def test_explorer_rejects_a_wrong_selection_or_data(small):
    X, selection = small
    with pytest.raises(ValueError, match="ModelSelection"):
        model_selection_explorer(X, {"best": None})
    with pytest.raises(ValueError, match="X"):
        model_selection_explorer(np.hstack([X, X]), selection)
    three_features = np.random.RandomState(0).randn(30, 3)
    other = select_model(three_features, [1, 2], ["full"], random_state=0)
    with pytest.raises(ValueError, match="2-D|features|columns"):
        model_selection_explorer(three_features, other)
