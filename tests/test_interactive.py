"""Tests for gmm_lib.interactive: widget explorers and offline animations.

The explorers must offer the documented controls and draw the right
geometry for given slider values; the animations must be offline (no URL),
deterministic (no random element id) and leave no figure open.
"""

import matplotlib

matplotlib.use("Agg")

import re  # noqa: E402
import struct  # noqa: E402
import warnings  # noqa: E402
from pathlib import Path  # noqa: E402

import ipywidgets as widgets  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from numpy.testing import assert_allclose, assert_array_equal  # noqa: E402
from scipy import stats  # noqa: E402

from gmm_lib import interactive  # noqa: E402
from gmm_lib.gaussian import covariance_ellipse  # noqa: E402
from gmm_lib.interactive import (  # noqa: E402
    FigureExplorer,
    JSAnimation,
    animate_covariance,
    animate_em,
    animate_kmeans,
    covariance_explorer,
    em_stepper,
    kmeans_stepper,
    kmeans_steps,
    mixture_1d_explorer,
)
from gmm_lib.kmeans import lloyd  # noqa: E402
from gmm_lib.mixture import ConvergenceWarning, GaussianMixture, e_step  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


# ---------------------------------------------------------------------------
# Fixtures and helpers
# ---------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def no_leftover_figures():
    """Nothing in this module may open a pyplot figure (it would be shown as an extra output)."""
    before = set(plt.get_fignums())
    yield
    assert set(plt.get_fignums()) == before


@pytest.fixture(scope="module")
def blobs():
    rng = np.random.RandomState(0)
    centers = np.array([[0.0, 0.0], [5.0, 0.0], [2.5, 4.0]])
    return np.vstack([c + 0.6 * rng.standard_normal((20, 2)) for c in centers])


@pytest.fixture(scope="module")
def fitted_model(blobs):
    # 'random_from_data' starts from single points: theta_0 has covariances of
    # size reg_covar and weights that do not sum to one (as in scikit-learn).
    # tol=0 never converges: exactly max_iter iterations, a history of 13 snapshots.
    model = GaussianMixture(3, record_history=True, init_params="random_from_data",
                            random_state=2, tol=0.0, max_iter=12)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return model.fit(blobs)


@pytest.fixture(scope="module")
def shared_covariance_explorer():
    return covariance_explorer(random_state=3, n_samples=50)


def png_size(data):
    assert data[:8] == PNG_SIGNATURE
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def mask_png(html):
    return re.sub(r"data:image/png;base64,[A-Za-z0-9+/=]+", "data:image/png;base64,<PNG>", html)


def slider_spec(control):
    return (type(control).__name__, control.min, control.max, control.value)


# ---------------------------------------------------------------------------
# covariance_explorer
# ---------------------------------------------------------------------------


def test_covariance_explorer_controls_and_picture():
    explorer = covariance_explorer(random_state=0, n_samples=150)
    assert isinstance(explorer, widgets.VBox) and isinstance(explorer, FigureExplorer)
    specs = {name: slider_spec(c) for name, c in explorer.controls.items()}
    assert specs == {
        "sigma_x": ("FloatSlider", 0.2, 2.5, 2.0),
        "sigma_y": ("FloatSlider", 0.2, 2.5, 1.0),
        "rho": ("FloatSlider", -0.95, 0.95, 0.6),
        "n_std": ("FloatSlider", 0.5, 3.0, 2.0),
    }
    # every control is shown, above the picture
    assert all(c in explorer.children for c in explorer.controls.values())
    assert explorer.children[-1] is explorer.image
    assert png_size(explorer.image.value) == (400, 416)  # 5.0 x 5.2 in at 80 dpi
    assert repr(explorer) == "covariance_explorer(sigma_x=2, sigma_y=1, rho=0.6, n_std=2)"
    assert explorer.artists.gaussian.scatter.get_offsets().shape == (150, 2)


@settings(max_examples=15, deadline=None)
@given(
    sigma_x=st.floats(0.2, 2.5),
    sigma_y=st.floats(0.2, 2.5),
    rho=st.floats(-0.95, 0.95),
    n_std=st.sampled_from([0.5, 1.0, 2.5, 3.0]),
)
def test_covariance_explorer_ellipse_matches_covariance_ellipse(
    shared_covariance_explorer, sigma_x, sigma_y, rho, n_std
):
    explorer = shared_covariance_explorer
    artists = explorer.update(sigma_x=sigma_x, sigma_y=sigma_y, rho=rho, n_std=n_std)
    # the widget may round to its step; use what it actually holds
    values = explorer.values
    sx, sy, r = values["sigma_x"], values["sigma_y"], values["rho"]
    covariance = np.array([[sx * sx, r * sx * sy], [r * sx * sy, sy * sy]])
    assert_allclose(artists.covariance, covariance, rtol=1e-12)
    expected = covariance_ellipse(covariance, n_std=values["n_std"])
    (ellipse,) = artists.gaussian.ellipses
    assert ellipse.width == pytest.approx(2.0 * expected.semi_major, rel=1e-12)
    assert ellipse.height == pytest.approx(2.0 * expected.semi_minor, rel=1e-12)
    assert ellipse.angle == pytest.approx(expected.angle, abs=1e-9)
    assert_allclose(artists.eigenvalues, np.linalg.eigvalsh(covariance)[::-1], rtol=1e-10)
    title = explorer.figure.axes[0].get_title()
    assert f"[[{covariance[0, 0]:.2f}, {covariance[0, 1]:.2f}]" in title
    assert f"λ₁ = {artists.eigenvalues[0]:.2f}" in title


def test_covariance_explorer_reuses_the_same_standard_normal_draws():
    explorer = covariance_explorer(random_state=1, n_samples=80)

    def whitened(artists):
        lower = np.linalg.cholesky(artists.covariance)
        samples = artists.gaussian.scatter.get_offsets()
        return np.linalg.solve(lower, np.asarray(samples).T).T

    first = whitened(explorer.artists)
    second = whitened(explorer.update(sigma_x=0.5, sigma_y=2.2, rho=-0.8))
    assert_allclose(first, second, atol=1e-10)
    # and the draws come from the seed: same seed, same points
    again = covariance_explorer(random_state=1, n_samples=80)
    assert_array_equal(again.artists.gaussian.scatter.get_offsets(),
                       explorer.update(sigma_x=2.0, sigma_y=1.0, rho=0.6).gaussian.scatter.get_offsets())


def test_moving_a_slider_redraws_the_image():
    explorer = covariance_explorer(n_samples=30)
    before = explorer.image.value
    explorer.controls["rho"].value = -0.5  # as a student would
    assert explorer.image.value != before
    assert explorer.artists.covariance[0, 1] == pytest.approx(-0.5 * 2.0 * 1.0)
    assert repr(explorer).endswith("rho=-0.5, n_std=2)")


def test_explorer_rejects_unknown_controls_and_bad_arguments():
    explorer = covariance_explorer(n_samples=10)
    with pytest.raises(ValueError, match="no control named"):
        explorer.update(sigma=1.0)
    with pytest.raises(ValueError, match="n_samples"):
        covariance_explorer(n_samples=0)


def test_explorer_mimebundle_is_widget_view_and_deterministic_text():
    """What a notebook stores: a widget view (ignored by nbval) and a fixed text/plain."""
    bundle = mixture_1d_explorer()._repr_mimebundle_()
    assert set(bundle) == {"text/plain", "application/vnd.jupyter.widget-view+json"}
    assert bundle["text/plain"] == (
        "mixture_1d_explorer(pi=0.4, mu1=-1.5, mu2=1.5, sigma1=0.8, sigma2=1.2)"
    )
    assert bundle["text/plain"] == mixture_1d_explorer()._repr_mimebundle_()["text/plain"]


# ---------------------------------------------------------------------------
# mixture_1d_explorer
# ---------------------------------------------------------------------------


def test_mixture_1d_explorer_controls():
    explorer = mixture_1d_explorer()
    specs = {name: slider_spec(c) for name, c in explorer.controls.items()}
    assert specs == {
        "pi": ("FloatSlider", 0.01, 0.99, 0.4),
        "mu1": ("FloatSlider", -4.0, 4.0, -1.5),
        "mu2": ("FloatSlider", -4.0, 4.0, 1.5),
        "sigma1": ("FloatSlider", 0.2, 3.0, 0.8),
        "sigma2": ("FloatSlider", 0.2, 3.0, 1.2),
    }
    assert len(explorer.figure.axes) == 2


@pytest.mark.parametrize(
    "values",
    [
        dict(pi=0.3, mu1=-2.0, mu2=1.0, sigma1=0.5, sigma2=1.5),
        dict(pi=0.9, mu1=0.5, mu2=0.5, sigma1=1.0, sigma2=0.25),
        dict(pi=0.05, mu1=-4.0, mu2=4.0, sigma1=0.2, sigma2=0.2),  # far tails
    ],
)
def test_mixture_1d_curves(values):
    artists = mixture_1d_explorer().update(**values)
    x = artists.mixture.get_xdata()
    first = values["pi"] * stats.norm.pdf(x, values["mu1"], values["sigma1"])
    second = (1 - values["pi"]) * stats.norm.pdf(x, values["mu2"], values["sigma2"])
    assert_allclose(artists.components[0].get_ydata(), first, rtol=1e-9, atol=1e-300)
    assert_allclose(artists.components[1].get_ydata(), second, rtol=1e-9, atol=1e-300)
    assert_allclose(artists.mixture.get_ydata(), first + second, rtol=1e-9, atol=1e-300)
    gamma = artists.responsibility.get_ydata()
    assert np.all(np.isfinite(gamma)) and gamma.min() >= 0.0 and gamma.max() <= 1.0
    with np.errstate(invalid="ignore", divide="ignore"):
        naive = first / (first + second)
    ok = (first + second) > 1e-250
    assert_allclose(gamma[ok], naive[ok], rtol=1e-9, atol=1e-12)


# ---------------------------------------------------------------------------
# k-means
# ---------------------------------------------------------------------------


def test_kmeans_steps_alternate_and_never_increase_distortion(blobs):
    initial = blobs[[0, 1, 2]]
    steps = kmeans_steps(blobs, initial, max_iter=20)
    kinds = [s.kind for s in steps]
    assert kinds[0] == "init" and kinds[-1] == "converged"
    assert kinds[1:-1] == ["assign", "update"] * ((len(steps) - 2) // 2)
    costs = [s.distortion for s in steps[1:]]
    assert all(b <= a * (1 + 1e-12) for a, b in zip(costs, costs[1:]))
    # the final centres are Lloyd's fixed point
    reference = lloyd(blobs, initial, max_iter=100, tol=0.0)
    assert_allclose(steps[-1].centers, reference.centers, rtol=1e-12)
    assert_array_equal(steps[-1].labels, reference.labels)


def test_kmeans_stepper_slider_play_and_picture(blobs):
    initial = blobs[[0, 1, 2]]
    explorer = kmeans_stepper(blobs, initial, max_iter=20)
    steps = explorer.steps
    slider = explorer.controls["step"]
    assert list(explorer.controls) == ["step"]
    assert (slider.min, slider.max, slider.value) == (0, len(steps) - 1, 0)
    assert isinstance(explorer.play, widgets.Play) and explorer.play.max == slider.max
    assert repr(explorer) == "kmeans_stepper(step=0)"
    # step 0: grey points, initial centres, no J
    left = explorer.figure.axes[0]
    assert "initial centres" in left.get_title() and "J =" not in left.get_title()
    # an update step: clusters coloured by label, centres moved, one arrow per centre
    artists = explorer.update(step=2)
    assert steps[2].kind == "update"
    assert_allclose(artists.clusters.centers.get_offsets(), steps[2].centers)
    assert len(artists.moves) == 3
    colors = artists.clusters.scatter.get_facecolors()
    for label in range(3):
        assert len(np.unique(colors[steps[2].labels == label], axis=0)) == 1
    assert f"J = {steps[2].distortion:.4g}" in explorer.figure.axes[0].get_title()
    assert artists.current.get_xdata()[0] == 2
    assert artists.current.get_ydata()[0] == pytest.approx(steps[2].distortion)


def test_kmeans_inputs_are_validated(blobs):
    with pytest.raises(ValueError, match="2 features"):
        kmeans_stepper(np.ones((10, 3)), np.ones((2, 3)))
    with pytest.raises(ValueError, match="n_samples >= n_clusters"):
        kmeans_steps(blobs[:2], blobs[:3])
    with pytest.raises(ValueError, match="max_iter"):
        animate_kmeans(blobs, blobs[:3], max_iter=0)


# ---------------------------------------------------------------------------
# EM
# ---------------------------------------------------------------------------


def test_em_stepper_from_model_and_from_history(blobs, fitted_model):
    history = fitted_model.history_
    explorer = em_stepper(blobs, fitted_model)
    slider = explorer.controls["iteration"]
    assert (slider.min, slider.max, slider.value) == (0, len(history) - 1, 0)
    assert explorer.play.max == slider.max
    last = len(history) - 1
    artists = explorer.update(iteration=last)
    assert len(artists.mixture.ellipses) == 3 * 2
    assert_allclose(artists.mixture.centers.get_offsets(), history[last]["means"])
    expected, total = e_step(blobs, history[last]["weights"], history[last]["means"],
                             history[last]["covariances"], "full")
    assert_allclose(artists.responsibilities, expected, atol=1e-12)
    assert total == pytest.approx(history[last]["log_likelihood"], rel=1e-9)
    title = explorer.figure.axes[0].get_title()
    assert f"EM iteration {last}" in title and f"{history[last]['log_likelihood']:.6g}" in title
    assert artists.current.get_xdata()[0] == last
    # the same pictures from the bare history list
    from_list = em_stepper(blobs, history)
    assert_allclose(from_list.update(iteration=last).mixture.centers.get_offsets(),
                    history[last]["means"])
    # theta_0 of a 'random_from_data' start (weights not summing to one) is drawable
    assert not np.isclose(np.sum(history[0]["weights"]), 1.0)
    first = explorer.update(iteration=0)
    assert_allclose(first.responsibilities.sum(axis=1), 1.0)


def test_em_stepper_other_covariance_type(blobs):
    model = GaussianMixture(2, covariance_type="diag", record_history=True, random_state=0,
                            max_iter=5).fit(blobs)
    explorer = em_stepper(blobs, model)
    artists = explorer.update(iteration=len(model.history_) - 1)
    ellipse = artists.mixture.ellipses[0]
    # axis-aligned: the ellipse of a diagonal covariance has angle 0 or 90
    assert min(abs(ellipse.angle), abs(abs(ellipse.angle) - 90.0)) < 1e-9


def test_em_stepper_errors(blobs):
    with pytest.raises(ValueError, match="record_history=True"):
        em_stepper(blobs, GaussianMixture(2, random_state=0, max_iter=3).fit(blobs))
    with pytest.raises(ValueError, match="non-empty list"):
        em_stepper(blobs, [])
    with pytest.raises(ValueError, match="keys"):
        em_stepper(blobs, [{"weights": [1.0]}])


# ---------------------------------------------------------------------------
# Animations
# ---------------------------------------------------------------------------


def check_offline_player(animation, n_frames):
    assert isinstance(animation, JSAnimation)
    html = animation._repr_html_()
    assert animation.n_frames == n_frames
    assert f"new Array({n_frames})" in html
    assert html.count('"data:image/png;base64,') == n_frames
    assert len(animation.frames()) == n_frames
    assert "http" not in html and "<link" not in html
    # nothing fetched at all: no src/href attribute, no CSS url(), no import
    assert re.search(r"\s(src|href)\s*=\s*[\"']|url\(|@import", mask_png(html)) is None
    assert 'class="fa' not in html  # no icon font needed
    assert re.search(r"[0-9a-f]{32}", mask_png(html)) is None  # no uuid4 left
    element_id = re.sub(r"[^A-Za-z0-9_]", "_", animation.name)
    assert f'id="_anim_img{element_id}"' in html and f"anim{element_id}.play_animation()" in html
    assert repr(animation) == f"<JSAnimation {animation.name!r}: {n_frames} frames>"
    return html


def test_animate_kmeans_frames_and_determinism(blobs):
    initial = blobs[[0, 1, 2]]
    steps = kmeans_steps(blobs, initial, max_iter=2)
    first = animate_kmeans(blobs, initial, max_iter=2, dpi=30)
    html = check_offline_player(first, len(steps))
    assert first.name.startswith("kmeans_")
    width, height = png_size(first.frames()[0])  # 8.6 x 3.7 in at 30 dpi
    assert abs(width - 8.6 * 30) <= 1 and abs(height - 3.7 * 30) <= 1
    second = animate_kmeans(blobs, initial, max_iter=2, dpi=30)
    assert second.name == first.name
    assert mask_png(second.html) == mask_png(html)
    assert second.html == html  # in one process even the PNG bytes repeat
    # another input gives another default id (two players on one page must not clash)
    other = animate_kmeans(blobs, blobs[[3, 4, 5]], max_iter=1, dpi=30)
    assert other.name != first.name
    named = animate_kmeans(blobs, initial, max_iter=1, dpi=30, name="kmeans-demo")
    check_offline_player(named, 3)  # initial centres, assignment step, update step
    assert 'id="_anim_imgkmeans_demo"' in named.html


def test_animate_em_subsamples_long_histories(blobs, fitted_model):
    history = fitted_model.history_
    assert len(history) == 13
    animation = animate_em(fitted_model, blobs, max_frames=4, dpi=30, name="em_demo")
    check_offline_player(animation, 4)
    # the first max_frames // 2 iterations, where EM moves most, then the last
    assert interactive._frame_indices(len(history), 4) == [0, 1, 2, 12]
    assert interactive._frame_indices(len(history), 7) == [0, 1, 2, 3, 6, 9, 12]
    again = animate_em(history, blobs, max_frames=4, dpi=30, name="em_demo")
    assert mask_png(again.html) == mask_png(animation.html)


def test_animate_covariance(blobs):
    animation = animate_covariance(n_frames=3, n_samples=40, dpi=30)
    check_offline_player(animation, 3)
    assert animation.name.startswith("covariance_")
    assert 'value="loop" id=' in animation.html and re.search(r'value="loop"[^>]*\s+checked', animation.html)
    with pytest.raises(ValueError, match="sigma_minor"):
        animate_covariance(sigma_minor=0.0)


@pytest.mark.parametrize("name", ["", "1abc", "a b", "x" * 80, 3])
def test_animation_names_must_be_safe_ids(blobs, name):
    with pytest.raises(ValueError, match="name"):
        animate_kmeans(blobs, blobs[:2], max_iter=1, name=name)


@given(n=st.integers(1, 300), max_frames=st.integers(2, 40))
@settings(max_examples=40, deadline=None)
def test_frame_indices(n, max_frames):
    shown = interactive._frame_indices(n, max_frames)
    assert shown[0] == 0 and shown[-1] == n - 1
    assert shown == sorted(set(shown)) and len(shown) <= max_frames
    assert len(shown) == min(n, max_frames)


# ---------------------------------------------------------------------------
# The nbval sanitizer
# ---------------------------------------------------------------------------


def test_sanitizer_masks_only_png_frames(blobs):
    pytest.importorskip("nbval")
    from nbval.plugin import get_sanitize_patterns

    rules = get_sanitize_patterns((ROOT / "nbval_sanitize.cfg").read_text(encoding="utf-8"))
    assert len(rules) == 1

    def sanitize(text):
        for regex, replace in rules:
            text = re.sub(regex, replace, text)
        return text

    html = animate_kmeans(blobs, blobs[:2], max_iter=1, dpi=20, name="k").html
    clean = sanitize(html)
    assert clean == mask_png(html).replace("<PNG>", "<PNG-BYTES>")
    assert "base64,<PNG-BYTES>" in clean and "iVBOR" not in clean  # every PNG masked
    for text in ["J = 123.456", "ln p(X | θ) = -374.495", "kmeans_stepper(step=0)",
                 "covariance_explorer(sigma_x=2, sigma_y=1, rho=0.6, n_std=2)"]:
        assert sanitize(text) == text  # numbers are never masked


def test_every_animation_image_has_alt_text():
    from gmm_lib.interactive import animate_covariance, animate_kmeans

    X = np.random.RandomState(0).randn(30, 2)
    for animation in (animate_covariance(n_frames=2), animate_kmeans(X, X[:2], max_iter=1)):
        images = re.findall(r"<img\b[^>]*>", animation.html)
        assert images, "the player has an image element"
        for tag in images:
            alt = re.search(r'alt="([^"]+)"', tag)
            assert alt and len(alt.group(1)) > 30, tag
