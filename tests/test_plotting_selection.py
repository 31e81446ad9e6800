"""Tests for the chapter-6 plotting helpers: criterion curves and small multiples."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from numpy.testing import assert_allclose  # noqa: E402

from gmm_lib import datasets  # noqa: E402
from gmm_lib.mixture import GaussianMixture  # noqa: E402
from gmm_lib.plotting import plot_criterion_grid, plot_mixture_panels  # noqa: E402

KS = np.arange(1, 5)
VALUES = np.array([
    [10.0, 12.0, 15.0],
    [8.0, 9.0, 14.0],
    [7.5, np.nan, 13.0],
    [7.8, 6.0, 12.0],
])
LABELS = ["full", "tied", "diag"]
BLOBS = datasets.make_blobs(90, random_state=0).X


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


@pytest.fixture
def ax():
    _, axes = plt.subplots()
    return axes


###############################################################################
# plot_criterion_grid


def test_one_line_per_column_through_the_healthy_values(ax):
    degenerate = np.zeros(VALUES.shape, dtype=bool)
    degenerate[3, 1] = True
    artists = plot_criterion_grid(KS, VALUES, LABELS, ax=ax, degenerate=degenerate,
                                  best=(3, "full"))
    assert len(artists.lines) == 3
    assert [line.get_label() for line in artists.lines] == LABELS
    assert_allclose(artists.lines[0].get_ydata(), VALUES[:, 0])
    tied = artists.lines[1].get_ydata()
    assert np.isnan(tied[2]) and np.isnan(tied[3])  # failed fit and degenerate fit left out
    assert_allclose(artists.degenerate.get_offsets(), [[4.0, 6.0]])
    assert_allclose(np.column_stack([artists.best.get_xdata(), artists.best.get_ydata()]),
                    [[3.0, 7.5]])
    assert "K = 3, full" in artists.best.get_label()
    assert ax.get_xlabel() == "number of components K"


def test_no_degenerate_or_best_marks_unless_asked(ax):
    artists = plot_criterion_grid(KS, VALUES[:, 0], ["full"], ax=ax, ylabel="AIC")
    assert artists.degenerate is None and artists.best is None
    assert len(artists.lines) == 1
    assert ax.get_ylabel() == "AIC"


def test_error_bars_and_zoom(ax):
    errors = np.full(VALUES.shape, 0.5)
    artists = plot_criterion_grid(KS, VALUES, LABELS, ax=ax, errors=errors, ylim=(5, 11))
    assert len(artists.lines) == 3
    assert hasattr(artists.lines[0], "lines")  # an ErrorbarContainer
    assert ax.get_ylim() == pytest.approx((5.0, 11.0))


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(n_components=[1, 1, 2, 3]), "strictly increasing"),
        (dict(n_components=[0, 1, 2, 3]), "strictly increasing positive"),
        (dict(values=VALUES[:3]), "one row per value of K"),
        (dict(labels=["full"]), "labels must name"),
        (dict(degenerate=np.zeros((4, 2), dtype=bool)), "degenerate must have the shape"),
        (dict(best=(5, "full")), "not one of the plotted"),
        (dict(best=(2, "spherical")), "not one of the plotted"),
        (dict(errors=-np.ones(VALUES.shape)), "errors must be non-negative"),
        (dict(ylim=(3, 1)), "ylim"),
        (dict(values=np.where(np.isnan(VALUES), np.inf, VALUES)), "finite"),
    ],
)
def test_bad_arguments_are_rejected(ax, kwargs, message):
    arguments = dict(n_components=KS, values=VALUES, labels=LABELS, ax=ax)
    arguments.update(kwargs)
    with pytest.raises(ValueError, match=message):
        plot_criterion_grid(**arguments)


###############################################################################
# plot_mixture_panels


def test_one_panel_per_mixture_and_extra_cells_hidden():
    models = [GaussianMixture(k, covariance_type=t, random_state=0).fit(BLOBS)
              for k, t in [(1, "full"), (2, "tied"), (3, "diag"), (3, "spherical"), (2, "full")]]
    panels = plot_mixture_panels(BLOBS, models, titles=list("abcde"), ncols=3)
    assert len(panels.axes) == 5
    assert [ax.get_title() for ax in panels.axes] == list("abcde")
    assert len(panels.figure.axes) == 6 and not panels.figure.axes[5].get_visible()
    for model, drawn in zip(models, panels.mixtures):
        assert len(drawn.ellipses) == 2 * model.n_components
        assert_allclose(drawn.centers.get_offsets(), model.means_)
    # Points are coloured by the responsibilities: a blend of component colours.
    assert panels.mixtures[2].scatter.get_facecolors().shape == (len(BLOBS), 4)


def test_parameter_tuples_and_failed_fits_are_accepted():
    model = GaussianMixture(2, covariance_type="diag", random_state=0).fit(BLOBS)
    as_tuple = (model.weights_, model.means_, model.covariances_, "diag")
    panels = plot_mixture_panels(BLOBS, [as_tuple, None], ncols=4)
    assert len(panels.axes) == 2
    assert panels.mixtures[1] is None
    assert any(text.get_text() == "fit failed" for text in panels.axes[1].texts)
    assert panels.figure.get_size_inches()[0] == pytest.approx(2 * 3.0)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(mixtures=[]), "mixtures is empty"),
        (dict(mixtures=["model"]), "fitted GaussianMixture"),
        (dict(titles=["one", "two"]), "one entry per mixture"),
        (dict(ncols=0), "ncols"),
        (dict(X=np.zeros((5, 3))), "X"),
    ],
)
def test_panels_reject_bad_arguments(kwargs, message):
    model = GaussianMixture(1, random_state=0).fit(BLOBS)
    arguments = dict(X=BLOBS, mixtures=[model])
    arguments.update(kwargs)
    with pytest.raises(ValueError, match=message):
        plot_mixture_panels(**arguments)


def test_panels_are_framed_on_the_data_not_on_wide_ellipses():
    wide = (np.array([1.0]), np.array([[0.0, 0.0]]), np.array([400.0]), "spherical")
    X = np.array([[0.0, 0.0], [1.0, 2.0], [2.0, 1.0]])
    panels = plot_mixture_panels(X, [wide, wide], ncols=2)
    for ax in panels.axes:
        assert ax.get_xlim() == pytest.approx((-0.16, 2.16))
        assert ax.get_ylim() == pytest.approx((-0.16, 2.16))
