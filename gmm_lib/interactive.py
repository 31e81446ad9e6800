"""Interactive figures for the chapters: widget explorers and offline animations.

Two kinds of interactivity, for the two ways the book is read:

* **Widget explorers** (a live kernel: JupyterLab, Binder, Colab) --
  :func:`covariance_explorer`, :func:`mixture_1d_explorer`,
  :func:`kmeans_stepper` and :func:`em_stepper` return a
  :class:`FigureExplorer`, an ``ipywidgets.VBox`` of sliders above the
  picture.  A chapter cell is one line, e.g. ``covariance_explorer()``.
* **JavaScript animations** (the static HTML book, no kernel) --
  :func:`animate_kmeans`, :func:`animate_em` and :func:`animate_covariance`
  return a :class:`JSAnimation`, which displays as matplotlib's
  ``FuncAnimation.to_jshtml()`` player: every frame is an inline PNG and the
  buttons are plain JavaScript, so it plays in any browser, offline.

Both draw with the same private functions, so the animation of a chapter
shows exactly the pictures its explorer shows.

How a notebook cell showing these passes ``pytest --nbval``
-----------------------------------------------------------
The chapters are stored executed and re-run in CI, which compares every
text output::

    jupyter-execute --inplace chapter.ipynb      # nbclient; saves the widget state
    pytest --nbval --nbval-current-env --nbval-sanitize-with nbval_sanitize.cfg chapter.ipynb

Measured with nbval 0.11, nbclient 0.11, ipywidgets 8.1.9, matplotlib 3.11:
cells ``covariance_explorer()``, ``kmeans_stepper(X, X[:3])``,
``em_stepper(X, model)``, ``animate_em(model, X)``, ... pass twice in a row
after one ``jupyter-execute``, with no ``nbval-ignore-output``/``nbval-skip``
tag, because:

1. **A widget cell** stores a single ``execute_result`` with two mime types:
   ``application/vnd.jupyter.widget-view+json`` (a random model id, which
   nbval never compares) and ``text/plain``, the widget's ``repr``
   (truncated to 110 characters by ipywidgets).  :class:`FigureExplorer`
   has a short deterministic ``repr`` -- its builder and slider values,
   e.g. ``covariance_explorer(sigma_x=2, sigma_y=1, rho=0.6, n_std=2)``
   -- so that text matches.  What does *not* pass is the usual
   ``ipywidgets.interactive`` with a pyplot figure inside its ``Output``
   widget: the kernel publishes that figure as ``display_data`` on iopub;
   nbclient routes it into the ``Output`` widget's saved state, but nbval
   collects it as a cell output, so nbval sees two ``text/plain`` outputs
   (``<Figure size ...>`` and the widget) where the notebook stored one
   ("dissimilar number of outputs").  The explorers therefore never display
   anything: they draw on a ``matplotlib.figure.Figure`` that pyplot does
   not know about, render it to PNG bytes and put them in an
   ``ipywidgets.Image``.  The picture lives in the widget state (saved by
   nbclient, so the static book shows the initial picture) and the cell's
   outputs are the widget alone.
2. **An animation cell** stores ``text/html`` (the player) and
   ``text/plain`` (``<JSAnimation 'name': n frames>``).  matplotlib puts a
   random ``uuid4`` in the player's element ids; :class:`JSAnimation`
   replaces it with an id derived from ``name`` (or from a hash of the
   inputs), so the HTML is identical run to run except for the base64 PNG
   frames, which the sanitizer masks (one rule, ``data:image/png;base64,...``;
   nbval does not compare images anyway; on one machine the frames are even
   byte-identical, the rule guards against other machines' rasteriser or
   zlib).  The font-awesome CDN
   ``<link>`` is removed and the button icons become plain Unicode
   characters, so the player needs no network.  No pyplot figure is created,
   so no extra ``<Figure size ...>`` output appears.

Only this module and :mod:`gmm_lib.plotting` import matplotlib; only this
module imports ipywidgets.
"""

import base64
import hashlib
from html import escape
import io
import re
from collections import namedtuple
from collections.abc import Mapping

import ipywidgets as widgets
import numpy as np
from matplotlib.animation import FuncAnimation
from matplotlib.figure import Figure
from scipy.special import logsumexp

from ._validation import (
    check_array,
    check_covariance_type,
    check_n_components,
    check_positive_int,
    check_random_state,
)
from .gaussian import (
    _check_real_scalar,
    sample_gaussian,
    univariate_log_density,
)
from .kmeans import assign_clusters, distortion, update_centers
from .mixture import e_step, log_likelihood
from .anomaly import detection_table, flag_anomalies, threshold_from_scores
from .kmeans import KMeans
from .mixture import GaussianMixture
from .quantization import (
    image_to_pixels,
    pixels_to_image,
    quantization_error,
    quantize,
    uncertainty_map,
)
from .plotting import (
    NEUTRAL_COLOR,
    OKABE_ITO,
    _check_mixture_2d,
    _check_points_2d,
    component_colors,
    plot_clusters,
    plot_detections,
    plot_image,
    plot_image_map,
    plot_log_density_level,
    plot_score_histograms,
    plot_criterion_grid,
    plot_gaussian_2d,
    plot_history,
    plot_log_likelihood_vs_scale,
    plot_mixture,
    plot_traces,
    plot_pinned_mixture_1d,
)

__all__ = [
    "FigureExplorer",
    "JSAnimation",
    "KMeansStep",
    "animate_covariance",
    "animate_em",
    "animate_kmeans",
    "animate_mixture_1d",
    "animate_pinned_component",
    "covariance_explorer",
    "em_stepper",
    "kmeans_steps",
    "kmeans_stepper",
    "mixture_1d_explorer",
    "pinned_component_explorer",
    # chapter 8: applications
    "anomaly_threshold_explorer",
    "animate_anomaly_threshold",
    "animate_quantization",
    "quantization_explorer",
    # chapter 6: model selection
    "animate_model_selection",
    "model_selection_explorer",
    # chapter 7: beyond plain EM
    "animate_em_variants",
    "em_variants_stepper",
]

#: Resolution of the explorers' pictures (pixels per inch).
WIDGET_DPI = 80
#: Resolution of the animation frames: small enough to keep a player near 1 MB.
ANIMATION_DPI = 72

KMeansStep = namedtuple(
    "KMeansStep", ["kind", "iteration", "centers", "labels", "previous_centers", "distortion"]
)
KMeansStep.__doc__ = """\
One picture of Lloyd's algorithm (see :func:`kmeans_steps`).

Attributes
----------
kind : {'init', 'assign', 'update', 'converged'}
    The step just taken.
iteration : int
    Lloyd iteration the step belongs to (0 for the initial centres).
centers : ndarray of shape (K, D)
    The centres after the step.
labels : ndarray of shape (N,) or None
    The assignment after the step (None before the first assignment).
previous_centers : ndarray of shape (K, D) or None
    For an update step, the centres before it.
distortion : float or None
    ``J`` of ``centers`` and ``labels`` (None before the first assignment).
"""

CovarianceArtists = namedtuple("CovarianceArtists", ["gaussian", "covariance", "eigenvalues"])
KMeansArtists = namedtuple("KMeansArtists", ["clusters", "moves", "distortion_line", "current"])
EMArtists = namedtuple("EMArtists", ["mixture", "history", "current", "responsibilities"])
Mixture1DArtists = namedtuple("Mixture1DArtists", ["mixture", "components", "responsibility"])


# ---------------------------------------------------------------------------
# Small private helpers
# ---------------------------------------------------------------------------


def _new_figure(figsize, dpi):
    """A figure pyplot does not manage: never shown by the inline backend."""
    return Figure(figsize=figsize, dpi=dpi, facecolor="white")


class _LayoutOnce:
    """Constrained layout for the first picture, the same axes positions afterwards.

    Constrained layout costs a full extra draw per ``savefig``, about half
    the time of a frame.  The pictures of one explorer or animation have the
    same axes and fixed (or nearly fixed) limits, so the positions computed
    for the first one suit them all.
    """

    def __init__(self):
        self.positions = None

    def apply(self, figure):
        if self.positions is None:
            figure.set_layout_engine("constrained")
            figure.draw_without_rendering()
            self.positions = [ax.get_position(original=True).frozen() for ax in figure.axes]
            figure.set_layout_engine("none")
        else:
            for ax, position in zip(figure.axes, self.positions):
                ax.set_position(position)


def _figure_png(figure):
    """The figure as PNG bytes (no version string, so bytes depend on pixels only)."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=figure.dpi, facecolor="white",
                   metadata={"Software": None})
    return buffer.getvalue()


def _check_name(name):
    if not isinstance(name, str) or not re.fullmatch(r"[A-Za-z][A-Za-z0-9_-]{0,63}", name):
        raise ValueError(
            f"name must be a short string of letters, digits, '_' or '-' starting "
            f"with a letter (it becomes an HTML element id), got {name!r}."
        )
    return name


def _digest(*parts):
    """A short hash of numbers and strings that ignores rounding noise below 1e-6."""
    hasher = hashlib.sha1()
    for part in parts:
        if isinstance(part, str):
            hasher.update(part.encode("utf-8"))
        else:
            values = np.round(np.asarray(part, dtype=np.float64), 6) + 0.0  # -0.0 -> 0.0
            hasher.update(str(values.shape).encode("ascii"))
            hasher.update(values.tobytes())
    return hasher.hexdigest()[:10]


def _check_seed(random_state):
    """An int seed, so that every redraw reuses the same standard-normal draws."""
    return int(check_random_state(random_state).randint(np.iinfo(np.int32).max))


def _padded_limits(points, margin=0.08):
    """(xlim, ylim) holding every point, with a relative margin."""
    low = points.min(axis=0)
    high = points.max(axis=0)
    span = np.maximum(high - low, 1e-9)
    low, high = low - margin * span, high + margin * span
    return (low[0], high[0]), (low[1], high[1])


def _slider(value, low, high, step, description, integer=False, continuous_update=True):
    kind = widgets.IntSlider if integer else widgets.FloatSlider
    return kind(
        value=value, min=low, max=high, step=step, description=description,
        continuous_update=continuous_update, style={"description_width": "initial"},
    )


def _format_value(value):
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value))
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    return f"{float(value):.6g}"


# ---------------------------------------------------------------------------
# Widget explorers
# ---------------------------------------------------------------------------


class FigureExplorer(widgets.VBox):
    """Controls above a matplotlib picture, redrawn whenever a control moves.

    The picture is drawn on a :class:`matplotlib.figure.Figure` that pyplot
    does not manage and shown as PNG bytes in an ``ipywidgets.Image``, so the
    explorer emits no output of its own (see the module docstring for why
    this matters to nbval) and the saved widget state holds the picture.

    Parameters
    ----------
    name : str
        Shown in the ``repr``, normally the builder's name.
    controls : dict of str to ipywidgets.ValueWidget
        The inputs of ``draw``, by keyword.
    draw : callable
        ``draw(figure, **values) -> artists`` draws on the cleared figure.
    figsize : pair of float
        Size of the picture in inches.
    dpi : int, default=WIDGET_DPI
    header : list of widgets, optional
        Shown above the controls instead of them (e.g. a Play button linked
        to a slider); the controls must then appear in it.

    Attributes
    ----------
    controls : dict of str to ipywidgets.ValueWidget
    figure : matplotlib.figure.Figure
    image : ipywidgets.Image
        The rendered picture (``image.value`` holds the PNG bytes).
    artists : namedtuple
        What ``draw`` returned for the current values.
    """

    def __init__(self, name, controls, draw, figsize, dpi=WIDGET_DPI, header=None):
        figure = _new_figure(figsize, dpi)
        image = widgets.Image(format="png", layout=widgets.Layout(max_width="100%"))
        rows = list(header) if header is not None else list(controls.values())
        super().__init__(children=[*rows, image])
        self.name = name
        self.controls = dict(controls)
        self.figure = figure
        self.image = image
        self.artists = None
        self._draw = draw
        self._holding = False
        self._layout = _LayoutOnce()
        for control in self.controls.values():
            control.observe(self._on_change, names="value")
        self.redraw()

    @property
    def values(self):
        """The current value of every control, by name."""
        return {name: control.value for name, control in self.controls.items()}

    def _on_change(self, change):
        if not self._holding:
            self.redraw()

    def redraw(self):
        """Draw the picture for the current values and refresh the image.

        Returns
        -------
        artists : namedtuple
            What was drawn (also stored in :attr:`artists`).
        """
        self.figure.clear()
        self.artists = self._draw(self.figure, **self.values)
        self._layout.apply(self.figure)
        self.image.value = _figure_png(self.figure)
        return self.artists

    def update(self, **values):
        """Set several controls at once (one redraw), as a student moving sliders would.

        Values outside a slider's range are clipped to it, as ipywidgets does.

        Returns
        -------
        artists : namedtuple
        """
        unknown = sorted(set(values) - set(self.controls))
        if unknown:
            raise ValueError(
                f"{self.name} has no control named {unknown}; its controls are "
                f"{sorted(self.controls)}."
            )
        self._holding = True
        try:
            for name, value in values.items():
                self.controls[name].value = value
        finally:
            self._holding = False
        return self.redraw()

    def __repr__(self):
        arguments = ", ".join(f"{name}={_format_value(v)}" for name, v in self.values.items())
        return f"{self.name}({arguments})"


# -- the covariance of a 2-D Gaussian ------------------------------------------


def _covariance_from(sigma_x, sigma_y, rho):
    off_diagonal = rho * sigma_x * sigma_y
    return np.array([[sigma_x ** 2, off_diagonal], [off_diagonal, sigma_y ** 2]])


def _draw_covariance(figure, covariance, n_std, seed, n_samples, extent, title_prefix=""):
    ax = figure.add_subplot()
    samples = sample_gaussian(np.zeros(2), covariance, n_samples, random_state=seed)
    gaussian = plot_gaussian_2d(np.zeros(2), covariance, samples, ax=ax, n_std=(n_std,))
    eigenvalues = np.linalg.eigvalsh(covariance)[::-1]
    ax.set_aspect("equal", adjustable="box")
    ax.set_xlim(-extent, extent)
    ax.set_ylim(-extent, extent)
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    (a, b), (_, c) = covariance
    ax.set_title(
        f"{title_prefix}Σ = [[{a:.2f}, {b:.2f}], [{b:.2f}, {c:.2f}]]\n"
        f"eigenvalues λ₁ = {eigenvalues[0]:.2f}, λ₂ = {eigenvalues[1]:.2f}",
        fontsize=10,
    )
    return CovarianceArtists(gaussian, covariance, eigenvalues)


def covariance_explorer(random_state=0, n_samples=300):
    """Sliders for a 2-D covariance: its ellipse, principal axes and samples.

    The covariance is ``[[sigma_x^2, rho sigma_x sigma_y], [rho sigma_x
    sigma_y, sigma_y^2]]``.  The picture shows the ``n_std`` contour ellipse,
    the principal axes ``sqrt(lambda_i) v_i`` and ``n_samples`` points drawn
    through the Cholesky factor (:func:`gmm_lib.gaussian.sample_gaussian`);
    the standard-normal draws stay the same while the sliders move, so the
    cloud visibly stretches and turns with the matrix.  The title shows the
    matrix and its eigenvalues.

    Parameters
    ----------
    random_state : None, int or numpy.random.RandomState, default=0
    n_samples : int, default=300

    Returns
    -------
    explorer : FigureExplorer
        Controls ``sigma_x``, ``sigma_y`` in [0.2, 2.5], ``rho`` in
        [-0.95, 0.95] and ``n_std`` in [0.5, 3].
    """
    seed = _check_seed(random_state)
    n_samples = check_positive_int(n_samples, "n_samples")
    controls = {
        "sigma_x": _slider(2.0, 0.2, 2.5, 0.05, "σ_x"),
        "sigma_y": _slider(1.0, 0.2, 2.5, 0.05, "σ_y"),
        "rho": _slider(0.6, -0.95, 0.95, 0.05, "ρ"),
        "n_std": _slider(2.0, 0.5, 3.0, 0.5, "ellipse at n_std"),
    }

    def draw(figure, sigma_x, sigma_y, rho, n_std):
        covariance = _covariance_from(sigma_x, sigma_y, rho)
        return _draw_covariance(figure, covariance, n_std, seed, n_samples, extent=7.5)

    return FigureExplorer("covariance_explorer", controls, draw, figsize=(5.0, 5.2))


# -- a two-component mixture in one dimension ----------------------------------


def _draw_mixture_1d(figure, pi, mu1, mu2, sigma1, sigma2, x_range=(-8.0, 8.0)):
    grid = np.linspace(x_range[0], x_range[1], 400)
    weights = np.array([pi, 1.0 - pi])
    log_weighted = np.column_stack([
        np.log(weights[0]) + univariate_log_density(grid, mu1, sigma1 ** 2),
        np.log(weights[1]) + univariate_log_density(grid, mu2, sigma2 ** 2),
    ])
    log_mixture = logsumexp(log_weighted, axis=1)
    gamma_1 = np.exp(log_weighted[:, 0] - log_mixture)
    top, bottom = figure.subplots(2, 1, sharex=True, height_ratios=[2, 1])
    colors = component_colors(2)
    (mixture,) = top.plot(grid, np.exp(log_mixture), color="black", linewidth=2.2,
                          label="p(x)")
    components = []
    for k, label in enumerate(["π₁ N(x | μ₁, σ₁²)", "(1 − π₁) N(x | μ₂, σ₂²)"]):
        (line,) = top.plot(grid, np.exp(log_weighted[:, k]), color=colors[k],
                           linestyle="--", linewidth=1.6, label=label)
        components.append(line)
    top.set_ylabel("density")
    top.legend(loc="upper right", fontsize=8)
    top.set_title(
        f"π₁ = {pi:.2f}, μ₁ = {mu1:.2f}, μ₂ = {mu2:.2f}, σ₁ = {sigma1:.2f}, σ₂ = {sigma2:.2f}",
        fontsize=10,
    )
    (responsibility,) = bottom.plot(grid, gamma_1, color=colors[0], linewidth=2.0)
    bottom.axhline(0.5, color=NEUTRAL_COLOR, linewidth=0.8, linestyle=":")
    bottom.set_ylim(-0.03, 1.03)
    bottom.set_xlim(*x_range)
    bottom.set_xlabel("x")
    bottom.set_ylabel("γ(z₁ | x)")
    return Mixture1DArtists(mixture, components, responsibility)


def mixture_1d_explorer():
    """Sliders for a two-component 1-D mixture: density, components, responsibility.

    ``p(x) = pi_1 N(x | mu_1, sigma_1^2) + (1 - pi_1) N(x | mu_2, sigma_2^2)``.
    The top panel shows ``p(x)`` and the two weighted components (whose sum
    it is); the bottom panel the responsibility of the first component,
    ``gamma(z_1 | x) = pi_1 N(x | mu_1, sigma_1^2) / p(x)``, computed in log
    space so that it stays exact far in the tails.

    Returns
    -------
    explorer : FigureExplorer
        Controls ``pi`` in [0.01, 0.99], ``mu1``, ``mu2`` in [-4, 4] and
        ``sigma1``, ``sigma2`` in [0.2, 3].
    """
    controls = {
        "pi": _slider(0.4, 0.01, 0.99, 0.01, "π₁"),
        "mu1": _slider(-1.5, -4.0, 4.0, 0.1, "μ₁"),
        "mu2": _slider(1.5, -4.0, 4.0, 0.1, "μ₂"),
        "sigma1": _slider(0.8, 0.2, 3.0, 0.05, "σ₁"),
        "sigma2": _slider(1.2, 0.2, 3.0, 0.05, "σ₂"),
    }
    return FigureExplorer("mixture_1d_explorer", controls, _draw_mixture_1d, figsize=(6.4, 4.8))


# -- k-means -------------------------------------------------------------------


def _check_kmeans_inputs(X, initial_centers, max_iter):
    X = _check_points_2d(X)
    centers = _check_points_2d(initial_centers, name="initial_centers")
    check_n_components(centers.shape[0], X.shape[0], name="n_clusters")
    max_iter = check_positive_int(max_iter, "max_iter")
    return X, centers, max_iter


def _kmeans_steps(X, centers, max_iter):
    n_clusters = centers.shape[0]
    steps = [KMeansStep("init", 0, centers, None, None, None)]
    previous_labels = None
    for iteration in range(1, max_iter + 1):
        labels = assign_clusters(X, centers)
        cost = distortion(X, centers, labels)
        if previous_labels is not None and np.array_equal(labels, previous_labels):
            steps.append(KMeansStep("converged", iteration, centers, labels, None, cost))
            break
        steps.append(KMeansStep("assign", iteration, centers, labels, None, cost))
        new_centers, labels = update_centers(
            X, labels, n_clusters, previous_centers=centers, return_labels=True
        )
        steps.append(KMeansStep("update", iteration, new_centers, labels, centers,
                                distortion(X, new_centers, labels)))
        centers, previous_labels = new_centers, labels
    return steps


def kmeans_steps(X, initial_centers, max_iter=10):
    """Lloyd's algorithm unrolled into its half steps, for pictures.

    The sequence is: the initial centres; then, for every iteration, the
    assignment step (:func:`gmm_lib.kmeans.assign_clusters`) and the update
    step (:func:`gmm_lib.kmeans.update_centers`).  It ends with a
    ``'converged'`` step when an assignment changes nothing, or after
    ``max_iter`` iterations.  Each step lowers (or keeps) the distortion ``J``.

    Parameters
    ----------
    X : array-like of shape (N, 2)
    initial_centers : array-like of shape (K, 2)
    max_iter : int, default=10

    Returns
    -------
    steps : list of KMeansStep
    """
    X, centers, max_iter = _check_kmeans_inputs(X, initial_centers, max_iter)
    return _kmeans_steps(X, centers, max_iter)


_STEP_TITLES = {
    "init": "initial centres",
    "assign": "assignment step",
    "update": "update step",
    "converged": "assignment unchanged: converged",
}


def _draw_kmeans_step(figure, X, steps, index, limits):
    step = steps[index]
    n_clusters = step.centers.shape[0]
    left, right = figure.subplots(1, 2, width_ratios=[1.35, 1])
    moves = []
    if step.labels is None:
        scatter = left.scatter(X[:, 0], X[:, 1], s=14, color=NEUTRAL_COLOR, alpha=0.6,
                               linewidths=0)
        centers = left.scatter(step.centers[:, 0], step.centers[:, 1], s=220,
                               c=component_colors(n_clusters), marker="*",
                               edgecolors="black", linewidths=1.2, zorder=3)
        clusters = (scatter, centers)
    else:
        clusters = plot_clusters(X, step.labels, step.centers, ax=left)
    if step.previous_centers is not None:
        left.scatter(step.previous_centers[:, 0], step.previous_centers[:, 1], s=120,
                     facecolors="none", edgecolors="black", linewidths=1.0, zorder=3)
        for old, new in zip(step.previous_centers, step.centers):
            moves.append(left.annotate(
                "", xy=tuple(new), xytext=tuple(old),
                arrowprops={"arrowstyle": "->", "color": "black", "linewidth": 1.2,
                            "shrinkA": 0, "shrinkB": 6},
            ))
    left.set_xlim(*limits[0])
    left.set_ylim(*limits[1])
    cost = "" if step.distortion is None else f", J = {step.distortion:.4g}"
    left.set_title(f"iteration {step.iteration}: {_STEP_TITLES[step.kind]}{cost}", fontsize=10)

    positions = [i for i, s in enumerate(steps) if s.distortion is not None]
    values = [steps[i].distortion for i in positions]
    (distortion_line,) = right.plot(positions, values, color=OKABE_ITO[0], marker="o",
                                    markersize=4, linewidth=1.2)
    current = None
    if step.distortion is not None:
        (current,) = right.plot([index], [step.distortion], linestyle="none", marker="o",
                                markersize=10, markerfacecolor="none",
                                markeredgecolor=OKABE_ITO[3], markeredgewidth=2.0)
    right.set_xlim(-0.5, len(steps) - 0.5)
    right.set_xlabel("step (assignment, update, ...)")
    right.set_ylabel("distortion J")
    right.set_title("J never increases", fontsize=10)
    return KMeansArtists(clusters, moves, distortion_line, current)


def kmeans_stepper(X, initial_centers, max_iter=10):
    """Step through Lloyd's algorithm with a slider (and a play button).

    The steps are those of :func:`kmeans_steps` (assignment and update steps
    shown separately), computed once when the explorer is built.  Left: the
    points coloured by cluster, the centres (stars) and, after an update
    step, arrows from the old centres (circles) to the new ones; the title
    gives the distortion ``J``.  Right: ``J`` at every step, the current one
    circled.

    Parameters
    ----------
    X : array-like of shape (N, 2)
    initial_centers : array-like of shape (K, 2)
    max_iter : int, default=10

    Returns
    -------
    explorer : FigureExplorer
        Control ``step`` in ``[0, len(steps) - 1]``, linked to a Play widget
        (:attr:`FigureExplorer.play`); the steps are in ``explorer.steps``.
    """
    X, centers, max_iter = _check_kmeans_inputs(X, initial_centers, max_iter)
    steps = _kmeans_steps(X, centers, max_iter)
    limits = _padded_limits(np.vstack([X] + [s.centers for s in steps]))
    slider = _slider(0, 0, len(steps) - 1, 1, "step", integer=True)
    play = widgets.Play(value=0, min=0, max=len(steps) - 1, step=1, interval=900,
                        description="play")
    widgets.jslink((play, "value"), (slider, "value"))

    def draw(figure, step):
        return _draw_kmeans_step(figure, X, steps, step, limits)

    explorer = FigureExplorer("kmeans_stepper", {"step": slider}, draw, figsize=(8.6, 3.7),
                              header=[widgets.HBox([play, slider])])
    explorer.steps = steps
    explorer.play = play
    return explorer


# -- EM ------------------------------------------------------------------------


def _check_history(model_or_history, covariance_type):
    """The recorded EM history as a list of validated snapshots, and its covariance type."""
    if hasattr(model_or_history, "history_") and hasattr(model_or_history, "covariance_type"):
        history = model_or_history.history_
        if history is None:
            raise ValueError(
                "This GaussianMixture has no history: create it with "
                "record_history=True and fit it before stepping through EM."
            )
        covariance_type = model_or_history.covariance_type
    else:
        history = model_or_history
    check_covariance_type(covariance_type)
    if isinstance(history, Mapping) or not isinstance(history, (list, tuple)) or not history:
        raise ValueError(
            "Expected a fitted GaussianMixture(record_history=True) or its history_, "
            "a non-empty list of dicts with keys 'weights', 'means', 'covariances' "
            f"and 'log_likelihood'; got {type(history).__name__}."
        )
    snapshots = []
    for t, snapshot in enumerate(history):
        missing = [key for key in ("weights", "means", "covariances")
                   if not isinstance(snapshot, Mapping) or key not in snapshot]
        if missing:
            raise ValueError(f"history[{t}] must be a dict with keys {missing}.")
        weights = check_array(snapshot["weights"], name=f"history[{t}]['weights']", ndim=1)
        if weights.size == 0 or weights.min() < 0.0 or weights.sum() <= 0.0:
            raise ValueError(
                f"history[{t}]['weights'] must be non-negative mixing weights, got "
                f"{weights.tolist()}."
            )
        # The initial weights of the 'random_from_data' and 'k-means++' starts
        # do not sum to one (as in scikit-learn); the responsibilities and the
        # picture depend only on their ratios, so normalise them for display.
        weights, means, full = _check_mixture_2d(
            weights / weights.sum(), snapshot["means"], snapshot["covariances"], covariance_type
        )
        snapshots.append({
            "weights": weights, "means": means, "covariances": snapshot["covariances"],
            "full": full, "log_likelihood": snapshot.get("log_likelihood"),
        })
    n_components = snapshots[0]["means"].shape[0]
    if any(s["means"].shape[0] != n_components for s in snapshots):
        raise ValueError("Every snapshot of the history must have the same number of components.")
    return snapshots, covariance_type


def _em_frames(X, snapshots, covariance_type):
    """Responsibilities and log-likelihood of every snapshot."""
    frames = []
    for snapshot in snapshots:
        responsibilities, total = e_step(
            X, snapshot["weights"], snapshot["means"], snapshot["covariances"], covariance_type
        )
        value = snapshot["log_likelihood"]
        value = total if value is None else _check_real_scalar(value, "log_likelihood")
        frames.append((responsibilities, value))
    return frames


def _draw_em_step(figure, X, snapshots, frames, t, limits):
    snapshot = snapshots[t]
    responsibilities, value = frames[t]
    left, right = figure.subplots(1, 2, width_ratios=[1.35, 1])
    mixture = plot_mixture(X, snapshot["weights"], snapshot["means"], snapshot["full"], "full",
                           ax=left, responsibilities=responsibilities)
    left.set_xlim(*limits[0])
    left.set_ylim(*limits[1])
    left.set_title(f"EM iteration {t}: ln p(X | θ) = {value:.6g}", fontsize=10)
    values = np.array([v for _, v in frames])
    history = plot_history(values, ax=right, ylabel="ln p(X | θ)", xlabel="iteration",
                           tolerance=1e-8 * max(1.0, np.abs(values).max()))
    (current,) = right.plot([t], [value], linestyle="none", marker="o", markersize=11,
                            markerfacecolor="none", markeredgecolor="black",
                            markeredgewidth=2.0)
    _zoom_past_outlying_start(right, values)
    right.set_title("the log-likelihood never decreases", fontsize=10)
    return EMArtists(mixture, history, current, responsibilities)


def _zoom_past_outlying_start(ax, values):
    """Keep a far-off ln p(X | theta_0) from flattening the rest of the curve.

    A start from single data points ('random_from_data', 'k-means++') has
    covariances of size ``reg_covar``, hence a hugely negative first
    log-likelihood; the axis then shows iterations 1..T and notes theta_0.
    """
    rest = values[1:]
    if rest.size < 2:
        return
    span = max(rest.max() - rest.min(), 1e-9 * max(1.0, abs(rest.max())))
    if values[0] >= rest.min() - 3.0 * span:
        return
    ax.set_ylim(rest.min() - 0.1 * span, rest.max() + 0.1 * span)
    ax.text(0.98, 0.04, f"θ₀ off scale: ln p = {values[0]:.4g}", transform=ax.transAxes,
            ha="right", va="bottom", fontsize=8, color=NEUTRAL_COLOR)


def _em_limits(X, snapshots):
    return _padded_limits(np.vstack([X] + [s["means"] for s in snapshots]))


def em_stepper(X, model_or_history, covariance_type="full"):
    """Step through the iterations of EM with a slider (and a play button).

    Iteration ``t`` shows theta_t from the recorded history: the points
    coloured by their responsibilities ``gamma(z_nk)`` under theta_t (a blend
    of the component colours), each component's 1- and 2-sigma ellipses and
    mean (via :func:`gmm_lib.plotting.plot_mixture`), and the log-likelihood
    ``ln p(X | theta_t)`` in the title and, for every iteration, on the right.

    Parameters
    ----------
    X : array-like of shape (N, 2)
        The data the model was fitted on.
    model_or_history : GaussianMixture or list of dict
        A :class:`gmm_lib.GaussianMixture` fitted with
        ``record_history=True``, or its ``history_``: dicts with keys
        ``'weights'``, ``'means'``, ``'covariances'`` (in the layout of
        ``covariance_type``) and ``'log_likelihood'`` for theta_0 ... theta_T.
    covariance_type : {'full', 'tied', 'diag', 'spherical'}, default='full'
        Layout of the covariances of a history; ignored for a model, which
        knows its own.

    Returns
    -------
    explorer : FigureExplorer
        Control ``iteration`` in ``[0, T]``, linked to a Play widget
        (:attr:`FigureExplorer.play`).
    """
    X = _check_points_2d(X)
    snapshots, covariance_type = _check_history(model_or_history, covariance_type)
    frames = _em_frames(X, snapshots, covariance_type)
    limits = _em_limits(X, snapshots)
    last = len(snapshots) - 1
    slider = _slider(0, 0, last, 1, "iteration", integer=True)
    play = widgets.Play(value=0, min=0, max=last, step=1, interval=700, description="play")
    widgets.jslink((play, "value"), (slider, "value"))

    def draw(figure, iteration):
        return _draw_em_step(figure, X, snapshots, frames, iteration, limits)

    explorer = FigureExplorer("em_stepper", {"iteration": slider}, draw, figsize=(8.6, 3.7),
                              header=[widgets.HBox([play, slider])])
    explorer.play = play
    return explorer


# ---------------------------------------------------------------------------
# Offline JavaScript animations
# ---------------------------------------------------------------------------

#: Unicode stand-ins for the font-awesome icons of matplotlib's player
#: (U+FE0E asks for the text, not the emoji, rendering of the triangles).
_ICONS = {
    "fa-minus": "\u2212",
    "fa-fast-backward": "|\u25c0\ufe0e\u25c0\ufe0e",
    "fa-step-backward": "|\u25c0\ufe0e",
    "fa-play fa-flip-horizontal": "\u25c0\ufe0e",
    "fa-pause": "\u275a\u275a",
    "fa-play": "\u25b6\ufe0e",
    "fa-step-forward": "\u25b6\ufe0e|",
    "fa-fast-forward": "\u25b6\ufe0e\u25b6\ufe0e|",
    "fa-plus": "+",
}

_FRAME_PATTERN = re.compile(r'"data:image/png;base64,([A-Za-z0-9+/=\\\n]*)"')


class JSAnimation:
    """A self-contained HTML animation player that needs no kernel and no network.

    Displayed in a notebook through ``_repr_html_``; its ``repr`` (the
    notebook's ``text/plain``) is ``<JSAnimation 'name': n frames>``.

    Attributes
    ----------
    html : str
        The player: matplotlib's ``to_jshtml()`` with a deterministic element
        id, no CDN link and Unicode button labels.  Each frame is one
        ``data:image/png;base64,...`` string.
    name : str
        The id of the player's elements (``_anim_img<name>`` ...).
    n_frames : int
    """

    def __init__(self, html, name, n_frames):
        self.html = html
        self.name = name
        self.n_frames = n_frames

    def _repr_html_(self):
        return self.html

    def __repr__(self):
        return f"<JSAnimation {self.name!r}: {self.n_frames} frames>"

    def frames(self):
        """The PNG bytes of every frame, in order."""
        return [base64.b64decode(data) for data in re.findall(
            r'"data:image/png;base64,([A-Za-z0-9+/=]*)"', self.html)]


def _offline_player(html, element_id, alt):
    """Make matplotlib's to_jshtml output deterministic, offline and described.

    ``alt`` becomes the alt text of the player's image, for screen readers.
    """
    match = re.search(r'id="_anim_img([0-9a-f]+)"', html)
    if match is None:  # pragma: no cover - only if matplotlib changes its template
        raise RuntimeError("Unexpected to_jshtml output: no _anim_img element.")
    html = html.replace(match.group(1), element_id)
    html = html.replace(
        f'<img id="_anim_img{element_id}"',
        f'<img id="_anim_img{element_id}" alt="{escape(alt, quote=True)}"',
    )
    html = re.sub(r"<link\b[^>]*>\s*", "", html)  # the font-awesome CDN stylesheet
    for icon, text in _ICONS.items():
        html = html.replace(f'<i class="fa {icon}"></i>', f'<span aria-hidden="true">{text}</span>')
    # One base64 string per frame, without the JavaScript line continuations.
    return _FRAME_PATTERN.sub(
        lambda m: '"data:image/png;base64,' + m.group(1).replace("\\\n", "") + '"', html
    )


def _animate(figure, draw_frame, n_frames, name, interval, default_mode, alt=None):
    """Render ``draw_frame(i)`` for every frame into an offline :class:`JSAnimation`.

    ``alt`` describes the animation for screen readers; by default a generic
    sentence naming it and its number of frames.
    """
    if alt is None:
        alt = (f"Animation {name} with {n_frames} frames; the buttons below the "
               "picture play it or step through it frame by frame.")

    layout = _LayoutOnce()

    def update(index):
        figure.clear()
        draw_frame(figure, index)
        layout.apply(figure)
        return []

    animation = FuncAnimation(figure, update, frames=n_frames, interval=interval,
                              repeat=default_mode == "loop", cache_frame_data=False)
    html = animation.to_jshtml(default_mode=default_mode)
    del animation
    figure.clear()
    element_id = re.sub(r"[^A-Za-z0-9_]", "_", name)
    return JSAnimation(_offline_player(html, element_id, alt), name, n_frames)


def _check_animation_options(name, default_name, interval, dpi):
    name = default_name if name is None else _check_name(name)
    interval = check_positive_int(interval, "interval")
    dpi = check_positive_int(dpi, "dpi", minimum=20)
    return name, interval, dpi


def animate_kmeans(X, initial_centers, max_iter=10, interval=900, dpi=ANIMATION_DPI, name=None):
    """Lloyd's algorithm as an offline animation, one frame per half step.

    The frames are the steps of :func:`kmeans_steps` drawn as in
    :func:`kmeans_stepper`: the initial centres, then an assignment frame and
    an update frame per iteration, and a final "converged" frame if an
    assignment changed nothing.

    Parameters
    ----------
    X : array-like of shape (N, 2)
    initial_centers : array-like of shape (K, 2)
    max_iter : int, default=10
        At most ``2 * max_iter + 2`` frames.
    interval : int, default=900
        Milliseconds between frames when playing.
    dpi : int, default=ANIMATION_DPI
    name : str, optional
        The player's element id; must be unique on a page.  By default
        ``kmeans_`` plus a hash of the inputs.

    Returns
    -------
    animation : JSAnimation
    """
    X, centers, max_iter = _check_kmeans_inputs(X, initial_centers, max_iter)
    name, interval, dpi = _check_animation_options(
        name, f"kmeans_{_digest('kmeans', X, centers, [max_iter])}", interval, dpi
    )
    steps = _kmeans_steps(X, centers, max_iter)
    limits = _padded_limits(np.vstack([X] + [s.centers for s in steps]))
    figure = _new_figure((8.6, 3.7), dpi)
    return _animate(
        figure, lambda fig, i: _draw_kmeans_step(fig, X, steps, i, limits), len(steps),
        name, interval, "once",
        alt="Animation of Lloyd's algorithm for k-means: each frame is one assignment "
            "step or one update step, with the points coloured by cluster, the centres "
            "marked and the distortion J in the title.",
    )


def _frame_indices(n_snapshots, max_frames):
    """Which iterations to show: all if they fit, else the early ones and an even spread."""
    if n_snapshots <= max_frames:
        return list(range(n_snapshots))
    n_early = max_frames // 2
    # counted down from the end, so that a single late frame is the last one
    late = np.linspace(n_snapshots - 1, n_early, max_frames - n_early)
    return list(range(n_early)) + sorted(set(int(round(v)) for v in late))


def animate_em(history, X, covariance_type="full", max_frames=20, interval=700,
               dpi=ANIMATION_DPI, name=None):
    """EM iterations as an offline animation, drawn as in :func:`em_stepper`.

    Parameters
    ----------
    history : GaussianMixture or list of dict
        A model fitted with ``record_history=True``, or its ``history_``.
    X : array-like of shape (N, 2)
    covariance_type : {'full', 'tied', 'diag', 'spherical'}, default='full'
        Layout of the covariances of a history (a model knows its own).
    max_frames : int, default=20
        If the history is longer, the first ``max_frames // 2`` iterations
        (where EM moves most) and an even spread of the rest, always
        including the last, are shown.
    interval : int, default=700
        Milliseconds between frames when playing.
    dpi : int, default=ANIMATION_DPI
    name : str, optional
        The player's element id; must be unique on a page.  By default
        ``em_`` plus a hash of the inputs.

    Returns
    -------
    animation : JSAnimation
    """
    X = _check_points_2d(X)
    snapshots, covariance_type = _check_history(history, covariance_type)
    max_frames = check_positive_int(max_frames, "max_frames", minimum=2)
    default_name = "em_" + _digest(
        "em", covariance_type, X, *[s["means"] for s in snapshots], [max_frames]
    )
    name, interval, dpi = _check_animation_options(name, default_name, interval, dpi)
    frames = _em_frames(X, snapshots, covariance_type)
    limits = _em_limits(X, snapshots)
    shown = _frame_indices(len(snapshots), max_frames)
    figure = _new_figure((8.6, 3.7), dpi)
    return _animate(
        figure, lambda fig, i: _draw_em_step(fig, X, snapshots, frames, shown[i], limits),
        len(shown), name, interval, "once",
        alt="Animation of the EM algorithm: each frame is one iteration, with the "
            "component ellipses, the points coloured by their responsibilities and "
            "the log-likelihood so far.",
    )


def animate_covariance(sigma_major=2.0, sigma_minor=0.6, n_frames=24, n_samples=200,
                       random_state=0, interval=150, dpi=ANIMATION_DPI, name=None):
    """A covariance ellipse turning half a circle, with its samples, as an offline animation.

    Frame ``i`` shows ``Sigma = R(theta) diag(sigma_major^2, sigma_minor^2)
    R(theta)^T`` with ``theta = 180 i / n_frames`` degrees: its 2-sigma
    ellipse, principal axes and samples drawn through its Cholesky factor
    from the same standard-normal draws, and the matrix in the title (watch
    the off-diagonal entry change sign while the eigenvalues stay put).

    Parameters
    ----------
    sigma_major, sigma_minor : float, default=2.0, 0.6
        Standard deviations along the principal axes (positive).
    n_frames : int, default=24
    n_samples : int, default=200
    random_state : None, int or numpy.random.RandomState, default=0
    interval : int, default=150
        Milliseconds between frames when playing (it loops).
    dpi : int, default=ANIMATION_DPI
    name : str, optional
        The player's element id; by default ``covariance_`` plus a hash of
        the inputs.

    Returns
    -------
    animation : JSAnimation
    """
    stds = []
    for value, label in ((sigma_major, "sigma_major"), (sigma_minor, "sigma_minor")):
        value = _check_real_scalar(value, label)
        if value <= 0.0:
            raise ValueError(f"{label} is a standard deviation and must be positive, got {value}.")
        stds.append(value)
    n_frames = check_positive_int(n_frames, "n_frames")
    n_samples = check_positive_int(n_samples, "n_samples")
    seed = _check_seed(random_state)
    name, interval, dpi = _check_animation_options(
        name, f"covariance_{_digest('covariance', stds, [n_frames, n_samples, seed])}",
        interval, dpi,
    )
    variances = np.array(stds) ** 2
    extent = 2.7 * max(stds)

    def draw(figure, index):
        theta = np.pi * index / n_frames
        rotation = np.array([[np.cos(theta), -np.sin(theta)], [np.sin(theta), np.cos(theta)]])
        covariance = rotation @ np.diag(variances) @ rotation.T
        covariance = 0.5 * (covariance + covariance.T)
        _draw_covariance(figure, covariance, 2.0, seed, n_samples, extent,
                         title_prefix=f"θ = {np.degrees(theta):.0f}°:  ")

    figure = _new_figure((4.6, 4.8), dpi)
    return _animate(
        figure, draw, n_frames, name, interval, "loop",
        alt="Animation of a two-dimensional Gaussian whose covariance ellipse turns "
            "half a circle, with samples drawn through the Cholesky factor.",
    )


# -- a two-component mixture in one dimension, as an animation -------------------

#: Allowed range of every parameter of :func:`_draw_mixture_1d` (the sliders'
#: ranges of :func:`mixture_1d_explorer`), for :func:`animate_mixture_1d`.
_MIXTURE_1D_RANGES = {
    "pi": (0.01, 0.99),
    "mu1": (-4.0, 4.0),
    "mu2": (-4.0, 4.0),
    "sigma1": (0.2, 3.0),
    "sigma2": (0.2, 3.0),
}


def _check_mixture_1d_value(name, value):
    value = _check_real_scalar(value, name)
    low, high = _MIXTURE_1D_RANGES[name]
    if not low <= value <= high:
        raise ValueError(
            f"{name} must lie in [{low:g}, {high:g}] (the range of the explorer's "
            f"slider), got {value:g}."
        )
    return value


def animate_mixture_1d(parameter="mu2", values=None, pi=0.4, mu1=-1.5, mu2=1.5, sigma1=0.8,
                       sigma2=1.2, interval=350, dpi=ANIMATION_DPI, name=None):
    """The picture of :func:`mixture_1d_explorer` while one parameter sweeps, offline.

    Frame ``i`` draws exactly what the explorer shows for the given
    parameters with ``parameter`` set to ``values[i]``: the density
    ``p(x) = pi N(x | mu1, sigma1^2) + (1 - pi) N(x | mu2, sigma2^2)``, its two
    weighted components, and below them the responsibility of the first
    component, ``gamma(z_1 | x)``.  The player runs back and forth.

    Parameters
    ----------
    parameter : {'pi', 'mu1', 'mu2', 'sigma1', 'sigma2'}, default='mu2'
        The parameter that moves.
    values : array-like of shape (n_frames,), optional
        Its value in each frame, within the explorer's slider range.  By
        default 17 evenly spaced values across that range.
    pi, mu1, mu2, sigma1, sigma2 : float
        The fixed parameters (the explorer's initial values by default);
        the one named by ``parameter`` is ignored.
    interval : int, default=350
        Milliseconds between frames when playing.
    dpi : int, default=ANIMATION_DPI
    name : str, optional
        The player's element id; must be unique on a page.  By default
        ``mixture1d_`` plus a hash of the inputs.

    Returns
    -------
    animation : JSAnimation
    """
    if parameter not in _MIXTURE_1D_RANGES:
        raise ValueError(
            f"parameter must be one of {', '.join(repr(p) for p in _MIXTURE_1D_RANGES)}, "
            f"got {parameter!r}."
        )
    fixed = {
        key: _check_mixture_1d_value(key, value)
        for key, value in (("pi", pi), ("mu1", mu1), ("mu2", mu2), ("sigma1", sigma1),
                           ("sigma2", sigma2))
        if key != parameter
    }
    if values is None:
        values = np.linspace(*_MIXTURE_1D_RANGES[parameter], 17)
    values = check_array(values, name="values", ndim=1)
    values = np.array([_check_mixture_1d_value(parameter, v) for v in values])
    name, interval, dpi = _check_animation_options(
        name,
        "mixture1d_" + _digest("mixture1d", parameter, values,
                               [fixed[key] for key in sorted(fixed)]),
        interval, dpi,
    )

    def draw(figure, index):
        _draw_mixture_1d(figure, **fixed, **{parameter: float(values[index])})

    figure = _new_figure((6.4, 4.8), dpi)
    return _animate(
        figure, draw, len(values), name, interval, "reflect",
        alt=f"Animation of a one-dimensional two-component mixture as {parameter} "
            "changes: the mixture density, its weighted components and the "
            "responsibility curve.",
    )


# -- a component pinned on a data point (chapter 5) ------------------------------

PinnedComponentArtists = namedtuple("PinnedComponentArtists", ["mixture", "curve", "current"])


def _check_pinned_data(x):
    x = check_array(x, name="x", ndim=(1, 2))
    if x.ndim == 2:
        if x.shape[1] != 1:
            raise ValueError(
                f"x must be one-dimensional data, shape (N,) or (N, 1), but has shape {x.shape}."
            )
        x = x[:, 0]
    if np.unique(x).size < 2:
        raise ValueError("x must contain at least two distinct values.")
    return x


def _check_pinned_weight(weight):
    weight = _check_real_scalar(weight, "weight")
    if not 0.0 < weight < 1.0:
        raise ValueError(f"weight (of the pinned component) must lie in (0, 1), got {weight}.")
    return weight


def _pinned_mixture(x, pin, sigma, weight):
    """The broad component (all the data's mean and variance) and the pinned one."""
    weights = np.array([1.0 - weight, weight])
    means = np.array([x.mean(), pin])
    variances = np.array([x.var(), sigma ** 2])
    return weights, means, variances


def _pinned_log_likelihoods(x, pin, sigmas, weight):
    column = x[:, np.newaxis]
    values = []
    for sigma in sigmas:
        weights, means, variances = _pinned_mixture(x, pin, sigma, weight)
        values.append(log_likelihood(column, weights, means[:, np.newaxis], variances,
                                     "spherical"))
    return np.array(values)


def _draw_pinned_component(figure, x, pin, sigma, weight, sigmas, curve):
    weights, means, variances = _pinned_mixture(x, pin, sigma, weight)
    left, right = figure.subplots(1, 2, width_ratios=[1.3, 1])
    mixture = plot_pinned_mixture_1d(x, weights, means, variances, ax=left)
    ties = int(np.sum(x == pin))
    left.legend(fontsize=7, loc="upper left", frameon=False)
    left.set_title(f"component 1 pinned at x = {pin:g} ({ties} tied point"
                   f"{'' if ties == 1 else 's'}), σ = {sigma:.3g}", fontsize=10)
    value = float(_pinned_log_likelihoods(x, pin, [sigma], weight)[0])
    (line,) = plot_log_likelihood_vs_scale(sigmas, {"ln p(X | θ)": curve}, ax=right)
    right.minorticks_off()  # six decades of minor ticks cost more than the rest of the frame
    (current,) = right.plot([sigma], [value], linestyle="none", marker="o", markersize=11,
                            markerfacecolor="none", markeredgecolor="black",
                            markeredgewidth=2.0)
    right.set_title(f"ln p(X | θ) = {value:.2f}", fontsize=10)
    return PinnedComponentArtists(mixture, line, current)


def _default_sigmas(x, n_values):
    top = np.log10(x.std())
    return np.logspace(top, top - 6.0, n_values)


def pinned_component_explorer(x, weight=0.1):
    """Sliders for a component pinned on a data value: watch ln p(X | θ) grow without limit.

    The mixture has two components: a broad one with the mean and variance
    of all the data, weight ``1 - weight``, and a "pinned" one with mean at
    the chosen data value and standard deviation σ.  Left: the data
    (one histogram bar per recorded value) and the mixture density, with
    the spike drawn at its true height or labelled when it leaves the
    axes.  Right: ``ln p(X | θ)`` (:func:`gmm_lib.mixture.log_likelihood`)
    against σ, the current σ circled; as σ shrinks it rises like
    ``-t ln σ`` where ``t`` is the number of points tied at the pin.

    Parameters
    ----------
    x : array-like of shape (N,) or (N, 1)
        One-dimensional data, e.g. Old Faithful's waiting times.
    weight : float in (0, 1), default=0.1
        Mixing weight of the pinned component.

    Returns
    -------
    explorer : FigureExplorer
        Controls ``log10_sigma`` (log10 of σ, from log10 of the data's
        standard deviation down by 6) and ``pin`` (a selection slider over
        the distinct data values, labelled with their tie counts; initially
        the most tied value).
    """
    x = _check_pinned_data(x)
    weight = _check_pinned_weight(weight)
    values, counts = np.unique(x, return_counts=True)
    top = float(np.round(np.log10(x.std()), 2))
    sigmas = _default_sigmas(x, 49)
    options = [(f"{v:g} ({c}×)", float(v)) for v, c in zip(values, counts)]
    controls = {
        "log10_sigma": _slider(round(top - 1.0, 2), round(top - 6.0, 2), top, 0.05, "log₁₀ σ"),
        "pin": widgets.SelectionSlider(
            options=options, value=float(values[np.argmax(counts)]), description="pinned at",
            continuous_update=False, style={"description_width": "initial"},
        ),
    }
    curves = {}

    def draw(figure, log10_sigma, pin):
        if pin not in curves:
            curves[pin] = _pinned_log_likelihoods(x, pin, sigmas, weight)
        return _draw_pinned_component(figure, x, pin, 10.0 ** log10_sigma, weight, sigmas,
                                      curves[pin])

    return FigureExplorer("pinned_component_explorer", controls, draw, figsize=(9.0, 3.8))


def animate_pinned_component(x, pin=None, sigmas=None, weight=0.1, interval=600,
                             dpi=ANIMATION_DPI, name=None):
    """The picture of :func:`pinned_component_explorer` as σ shrinks, offline.

    Parameters
    ----------
    x : array-like of shape (N,) or (N, 1)
    pin : float, optional
        Where the component sits; by default the most tied data value.
    sigmas : array-like of shape (n_frames,), optional
        Standard deviations of the pinned component, one per frame; by
        default 10 values from the data's standard deviation down by a
        factor ``10^6`` (logarithmically spaced).
    weight : float in (0, 1), default=0.1
    interval : int, default=600
        Milliseconds between frames when playing.
    dpi : int, default=ANIMATION_DPI
    name : str, optional
        The player's element id; by default ``pinned_`` plus a hash of the
        inputs.

    Returns
    -------
    animation : JSAnimation
    """
    x = _check_pinned_data(x)
    weight = _check_pinned_weight(weight)
    if pin is None:
        values, counts = np.unique(x, return_counts=True)
        pin = float(values[np.argmax(counts)])
    else:
        pin = _check_real_scalar(pin, "pin")
    curve_sigmas = _default_sigmas(x, 49)
    if sigmas is None:
        sigmas = _default_sigmas(x, 10)
    sigmas = check_array(sigmas, name="sigmas", ndim=1)
    if np.any(sigmas <= 0.0):
        raise ValueError("sigmas are standard deviations and must be positive.")
    curve_sigmas = np.unique(np.concatenate([curve_sigmas, sigmas]))[::-1]
    name, interval, dpi = _check_animation_options(
        name, "pinned_" + _digest("pinned", x, sigmas, [pin, weight]), interval, dpi
    )
    curve = _pinned_log_likelihoods(x, pin, curve_sigmas, weight)

    def draw(figure, index):
        _draw_pinned_component(figure, x, pin, float(sigmas[index]), weight, curve_sigmas, curve)

    figure = _new_figure((9.0, 3.8), dpi)
    return _animate(figure, draw, len(sigmas), name, interval, "once")


# ---------------------------------------------------------------------------
# Model selection: one fit of a grid at a time (chapter 6)
# ---------------------------------------------------------------------------

ModelSelectionArtists = namedtuple("ModelSelectionArtists", ["mixture", "criterion", "current"])


def _check_selection(X, selection):
    """The grid of a ModelSelection: (K values, covariance types, table, mask)."""
    if not all(hasattr(selection, name) for name in ("rows", "models", "criterion", "best")):
        raise ValueError(
            "selection must be the result of gmm_lib.selection.select_model (a "
            f"ModelSelection), got {type(selection).__name__}."
        )
    ks = sorted({row.n_components for row in selection.rows})
    types = list(dict.fromkeys(row.covariance_type for row in selection.rows))
    for model in selection.models.values():
        if model is not None and model.means_.shape[1] != X.shape[1]:
            raise ValueError(
                f"X has {X.shape[1]} features but the selection's models were fitted on "
                f"{model.means_.shape[1]}: pass the data the selection was made on."
            )
    return ks, types, selection.table(), selection.mask()


def _draw_model_selection(figure, X, selection, grid, limits, n_components, covariance_type):
    ks, types, table, mask = grid
    row = next(r for r in selection.rows
               if (r.n_components, r.covariance_type) == (n_components, covariance_type))
    model = selection.models[(n_components, covariance_type)]
    criterion = selection.criterion
    value = getattr(row, criterion)
    left, right = figure.subplots(1, 2, width_ratios=[1, 1.15])
    if model is None:
        left.scatter(X[:, 0], X[:, 1], s=10, color=NEUTRAL_COLOR, alpha=0.5, linewidths=0)
        mixture = None
        left.set_title(f"K = {n_components}, {covariance_type}: fit failed", fontsize=10)
    else:
        mixture = plot_mixture(X, model.weights_, model.means_, model.covariances_,
                               model.covariance_type, ax=left,
                               responsibilities=model.predict_proba(X))
        status = "degenerate: not eligible" if row.degenerate else "healthy fit"
        left.set_title(f"K = {n_components}, {covariance_type}: {criterion.upper()} = "
                       f"{value:.2f}\n{status}", fontsize=10,
                       color=NEUTRAL_COLOR if not row.degenerate else "#D55E00")
    left.set_xlim(*limits[0])
    left.set_ylim(*limits[1])
    best = selection.best
    criterion_artists = plot_criterion_grid(
        ks, table, types, ax=right, ylabel=f"{criterion.upper()} (lower is better)",
        degenerate=mask, best=(best.n_components, best.covariance_type),
    )
    current = None
    if np.isfinite(value):
        (current,) = right.plot([n_components], [value], linestyle="none", marker="s",
                                markersize=13, markerfacecolor="none",
                                markeredgecolor=NEUTRAL_COLOR, markeredgewidth=2.0)
    right.set_title("every candidate (square: the one shown)", fontsize=10)
    return ModelSelectionArtists(mixture, criterion_artists, current)


class _ModelSelectionExplorer(FigureExplorer):
    """A FigureExplorer whose repr quotes the covariance type (a string control)."""

    def __repr__(self):
        values = self.values
        return (f"{self.name}(n_components={values['n_components']}, "
                f"covariance_type={values['covariance_type']!r})")


def model_selection_explorer(X, selection):
    """Browse the fits of a model-selection grid: K and covariance type as controls.

    Left: the data coloured by their responsibilities under the chosen
    candidate, with its ellipses, its criterion value and whether it is
    degenerate.  Right: the criterion of every candidate against K, one line
    per covariance type (:func:`gmm_lib.plotting.plot_criterion_grid`),
    degenerate fits crossed out, the selected model ringed and the shown one
    boxed.  Nothing is refitted: the explorer shows the models stored in
    ``selection``.

    Parameters
    ----------
    X : array-like of shape (N, 2)
        The data the selection was made on.
    selection : ModelSelection
        The result of :func:`gmm_lib.selection.select_model`.

    Returns
    -------
    explorer : FigureExplorer
        Controls ``n_components`` (a slider over the grid's K values) and
        ``covariance_type`` (toggle buttons); both start at the selected model.
    """
    X = _check_points_2d(X)
    grid = _check_selection(X, selection)
    ks, types = grid[0], grid[1]
    limits = _padded_limits(X)
    best = selection.best
    controls = {
        "n_components": widgets.SelectionSlider(
            options=ks, value=best.n_components, description="K",
            continuous_update=False, style={"description_width": "initial"},
        ),
        "covariance_type": widgets.ToggleButtons(
            options=types, value=best.covariance_type, description="covariance",
            style={"description_width": "initial", "button_width": "70px"},
        ),
    }

    def draw(figure, n_components, covariance_type):
        return _draw_model_selection(figure, X, selection, grid, limits, n_components,
                                     covariance_type)

    return _ModelSelectionExplorer("model_selection_explorer", controls, draw,
                                   figsize=(9.6, 3.9))


def animate_model_selection(X, selection, covariance_type=None, interval=1000,
                            dpi=ANIMATION_DPI, name=None):
    """The picture of :func:`model_selection_explorer` for K = 1, 2, ..., offline.

    Parameters
    ----------
    X : array-like of shape (N, 2)
        The data the selection was made on.
    selection : ModelSelection
    covariance_type : {'full', 'tied', 'diag', 'spherical'}, optional
        The covariance type whose fits are shown, one frame per K; by default
        that of the selected model.
    interval : int, default=1000
        Milliseconds between frames when playing.
    dpi : int, default=ANIMATION_DPI
    name : str, optional
        The player's element id; by default ``selection_`` plus a hash of the
        inputs.

    Returns
    -------
    animation : JSAnimation
    """
    X = _check_points_2d(X)
    grid = _check_selection(X, selection)
    ks, types, table = grid[0], grid[1], grid[2]
    if covariance_type is None:
        covariance_type = selection.best.covariance_type
    check_covariance_type(covariance_type)
    if covariance_type not in types:
        raise ValueError(
            f"covariance_type={covariance_type!r} is not in the selection's grid ({types})."
        )
    name, interval, dpi = _check_animation_options(
        name, "selection_" + _digest("selection", covariance_type, X, table[np.isfinite(table)]),
        interval, dpi,
    )
    limits = _padded_limits(X)
    figure = _new_figure((9.6, 3.9), dpi)
    return _animate(
        figure,
        lambda fig, i: _draw_model_selection(fig, X, selection, grid, limits, ks[i],
                                             covariance_type),
        len(ks), name, interval, "once",
        alt=f"Animation of the {covariance_type}-covariance fits for K = {ks[0]} to {ks[-1]}: "
            "each frame shows one fitted mixture on the data and its place on the curve "
            "of the criterion against K.",
    )


# ---------------------------------------------------------------------------
# Chapter 7: EM and its hard and stochastic variants, side by side
# ---------------------------------------------------------------------------


EMVariantsArtists = namedtuple("EMVariantsArtists", ["mixtures", "traces", "current"])


def _check_variant_runs(runs, covariance_type):
    """Validated snapshots of every run: dict name -> (snapshots, covariance_type)."""
    if not isinstance(runs, Mapping) or not runs:
        raise ValueError(
            "runs must be a non-empty dict of name -> recorded history (e.g. "
            "{'EM': run_em(..., record_history=True)['history'], ...})."
        )
    if len(runs) > 4:
        raise ValueError(f"At most 4 runs can be shown side by side, got {len(runs)}.")
    checked = {}
    for name, run in runs.items():
        history = run.get("history") if isinstance(run, Mapping) else run
        if history is None:
            raise ValueError(
                f"runs[{name!r}] has no history: run it with record_history=True."
            )
        snapshots, _ = _check_history(history, covariance_type)
        checked[str(name)] = snapshots
    sizes = {snapshots[0]["means"].shape[0] for snapshots in checked.values()}
    if len(sizes) != 1:
        raise ValueError("Every run must have the same number of components.")
    return checked


def _variant_frames(X, runs, covariance_type):
    return {name: _em_frames(X, snapshots, covariance_type) for name, snapshots in runs.items()}


def _draw_em_variants_step(figure, X, runs, frames, t, limits):
    names = list(runs)
    if len(names) == 1:
        axes = figure.subplot_mosaic([[names[0], "trace"]], width_ratios=[1, 1.25])
    else:
        axes = figure.subplot_mosaic([names, ["trace"] * len(names)], height_ratios=[1.25, 1])
    mixtures = []
    for name in names:
        snapshots, run_frames = runs[name], frames[name]
        shown = min(t, len(snapshots) - 1)
        snapshot = snapshots[shown]
        responsibilities, value = run_frames[shown]
        ax = axes[name]
        mixtures.append(plot_mixture(X, snapshot["weights"], snapshot["means"], snapshot["full"],
                                     "full", ax=ax, responsibilities=responsibilities))
        ax.set_xlim(*limits[0])
        ax.set_ylim(*limits[1])
        stopped = " (stopped)" if t > len(snapshots) - 1 else ""
        ax.set_title(f"{name}, t = {shown}{stopped}\nln p(X | θ) = {value:.2f}", fontsize=9)
    trace_ax = axes["trace"]
    traces = {name: np.array([v for _, v in frames[name]]) for name in names}
    lines = plot_traces(traces, ax=trace_ax, xlabel="iteration t", markers=False)
    every = np.concatenate([values[1:] if values.size > 1 else values
                            for values in traces.values()])
    span = max(float(every.max() - every.min()), 1e-9)
    trace_ax.set_ylim(every.min() - 0.05 * span, every.max() + 0.05 * span)
    current = trace_ax.axvline(t, color="black", linewidth=1.0)
    return EMVariantsArtists(mixtures, lines, current)



def _variants_figsize(n_runs):
    return (7.6, 3.3) if n_runs == 1 else (3.1 * n_runs, 5.6)


def _variants_limits(X, runs):
    return _padded_limits(np.vstack([X] + [s["means"] for snapshots in runs.values()
                                           for s in snapshots]))


def em_variants_stepper(X, runs, covariance_type="full"):
    """Step through EM and its hard and stochastic variants side by side, with a slider.

    Iteration ``t`` shows, for every run, theta_t (or its last state if it
    stopped earlier) as in :func:`em_stepper`: points coloured by their
    responsibilities, the component ellipses and ``ln p(X | theta_t)``; below,
    the log-likelihood traces of all runs with a line at ``t``.

    Parameters
    ----------
    X : array-like of shape (N, 2)
    runs : dict of str to history or result dict
        Up to four runs, each a recorded history (list of dicts with keys
        ``'weights'``, ``'means'``, ``'covariances'``, ``'log_likelihood'``)
        or a result dict holding one under ``'history'``, e.g. from
        :func:`gmm_lib.mixture.run_em`, :func:`gmm_lib.em_variants.run_hard_em`
        and :func:`gmm_lib.em_variants.run_stochastic_em` with
        ``record_history=True``.
    covariance_type : {'full', 'tied', 'diag', 'spherical'}, default='full'
        Layout of the covariances of every history.

    Returns
    -------
    explorer : FigureExplorer
        Control ``iteration`` in ``[0, T]`` (T the longest run), linked to a
        Play widget (:attr:`FigureExplorer.play`).
    """
    X = _check_points_2d(X)
    checked = _check_variant_runs(runs, covariance_type)
    frames = _variant_frames(X, checked, covariance_type)
    limits = _variants_limits(X, checked)
    last = max(len(snapshots) for snapshots in checked.values()) - 1
    slider = _slider(0, 0, last, 1, "iteration", integer=True)
    play = widgets.Play(value=0, min=0, max=last, step=1, interval=600, description="play")
    widgets.jslink((play, "value"), (slider, "value"))

    def draw(figure, iteration):
        return _draw_em_variants_step(figure, X, checked, frames, iteration, limits)

    explorer = FigureExplorer("em_variants_stepper", {"iteration": slider}, draw,
                              figsize=_variants_figsize(len(checked)),
                              header=[widgets.HBox([play, slider])])
    explorer.play = play
    return explorer


def animate_em_variants(X, runs, covariance_type="full", max_frames=24, interval=600,
                        dpi=ANIMATION_DPI, name=None):
    """EM and its variants side by side as an offline animation, as in :func:`em_variants_stepper`.

    Parameters
    ----------
    X : array-like of shape (N, 2)
    runs : dict of str to history or result dict
        As for :func:`em_variants_stepper`.
    covariance_type : {'full', 'tied', 'diag', 'spherical'}, default='full'
    max_frames : int, default=24
        If the longest run is longer, the first ``max_frames // 2``
        iterations and an even spread of the rest (always the last) are shown.
    interval : int, default=600
        Milliseconds between frames when playing.
    dpi : int, default=ANIMATION_DPI
    name : str, optional
        The player's element id; by default ``variants_`` plus a hash of the inputs.

    Returns
    -------
    animation : JSAnimation
    """
    X = _check_points_2d(X)
    checked = _check_variant_runs(runs, covariance_type)
    max_frames = check_positive_int(max_frames, "max_frames", minimum=2)
    default_name = "variants_" + _digest(
        "variants", covariance_type, X, *list(checked),
        *[s["means"] for snapshots in checked.values() for s in snapshots], [max_frames],
    )
    name, interval, dpi = _check_animation_options(name, default_name, interval, dpi)
    frames = _variant_frames(X, checked, covariance_type)
    limits = _variants_limits(X, checked)
    n_snapshots = max(len(snapshots) for snapshots in checked.values())
    shown = _frame_indices(n_snapshots, max_frames)
    figure = _new_figure(_variants_figsize(len(checked)), dpi)
    names = ", ".join(checked)
    return _animate(
        figure,
        lambda fig, i: _draw_em_variants_step(fig, X, checked, frames, shown[i], limits),
        len(shown), name, interval, "once",
        alt=f"Animation of {names} run side by side from the same start: each frame is one "
            "iteration, with every run's component ellipses and the points coloured by "
            "their responsibilities above, and the log-likelihood traces of all runs below.",
    )


# ---------------------------------------------------------------------------
# Applications (chapter 8): colour quantisation and anomaly thresholds
# ---------------------------------------------------------------------------

QuantizationArtists = namedtuple("QuantizationArtists", ["kmeans", "mixture", "uncertainty"])
AnomalyThresholdArtists = namedtuple(
    "AnomalyThresholdArtists", ["detections", "level", "histograms", "threshold"]
)


def _check_colour_image(image):
    """A small colour image as float pixels in [0, 1] and its shape."""
    image = np.asarray(image)
    if image.ndim != 3 or image.shape[2] != 3:
        raise ValueError(
            f"image must be an RGB image of shape (H, W, 3), got shape {image.shape}."
        )
    pixels = image_to_pixels(image)
    if pixels.shape[0] > 200_000:
        raise ValueError(
            f"image has {pixels.shape[0]} pixels; shrink it first (e.g. "
            f"gmm_lib.quantization.downsample_image) so that every redraw stays fast."
        )
    return pixels, image.shape[:2] + (3,)


class _QuantizationFits:
    """k-means and mixture fits of the pixels, one per K, computed on first use."""

    def __init__(self, pixels, random_state):
        self.pixels = pixels
        self.seed = random_state
        self.cache = {}

    def __call__(self, n_colors):
        if n_colors not in self.cache:
            kmeans = KMeans(n_clusters=n_colors, random_state=self.seed).fit(self.pixels)
            mixture = GaussianMixture(n_components=n_colors, random_state=self.seed).fit(
                self.pixels)
            self.cache[n_colors] = (kmeans, mixture, mixture.predict_proba(self.pixels))
        return self.cache[n_colors]


def _draw_quantization(figure, pixels, shape, fits, n_colors):
    kmeans, mixture, responsibilities = fits(n_colors)
    axes = figure.subplots(1, 3)
    kmeans_pixels = quantize(pixels, kmeans.cluster_centers_, kmeans.labels_)
    mixture_pixels = quantize(pixels, mixture.means_, np.argmax(responsibilities, axis=1))
    drawn = []
    for ax, quantized, method in zip(axes, (kmeans_pixels, mixture_pixels),
                                     ("k-means", "GMM, hard labels")):
        drawn.append(plot_image(pixels_to_image(quantized, shape), ax=ax))
        ax.set_title(f"{method}, K = {n_colors}\nerror J/N = "
                     f"{quantization_error(pixels, quantized):.4f}", fontsize=9)
    uncertainty = plot_image_map(uncertainty_map(responsibilities, shape), ax=axes[2],
                                 cmap="magma", vmin=0.0, vmax=max(np.log(n_colors), 1e-9),
                                 label="entropy (nats)")
    unsure = float(np.mean(1.0 - responsibilities.max(axis=1) > 0.1))
    axes[2].set_title(f"GMM uncertainty\n{100 * unsure:.1f}% of pixels with max γ < 0.9",
                      fontsize=9)
    return QuantizationArtists(drawn[0], drawn[1], uncertainty)


def quantization_explorer(image, max_colors=12, random_state=0):
    """A slider for the number of colours K: k-means and GMM quantisation side by side.

    For the chosen K the picture shows the image quantised with the k-means
    palette (:class:`gmm_lib.KMeans`), quantised with the mixture means and
    hard labels (:class:`gmm_lib.GaussianMixture`), and the mixture's
    uncertainty map (entropy of the responsibilities,
    :func:`gmm_lib.quantization.uncertainty_map`); titles give the mean
    squared colour error per pixel.  Each K is fitted once, the first time
    the slider reaches it.

    Parameters
    ----------
    image : array-like of shape (H, W, 3)
        A small image (at most 200 000 pixels; downsample a photograph
        first), uint8 or floats in [0, 1].
    max_colors : int, default=12
        The slider's range is 1 to ``max_colors`` (at most the number of pixels).
    random_state : int, default=0
        Seed of every fit.

    Returns
    -------
    explorer : FigureExplorer
        Control ``n_colors`` (initially 4, or ``max_colors`` if smaller).
    """
    pixels, shape = _check_colour_image(image)
    max_colors = check_n_components(max_colors, pixels.shape[0], name="max_colors")
    fits = _QuantizationFits(pixels, _check_seed(random_state))
    controls = {
        "n_colors": _slider(min(4, max_colors), 1, max_colors, 1, "number of colours K",
                            integer=True, continuous_update=False),
    }

    def draw(figure, n_colors):
        return _draw_quantization(figure, pixels, shape, fits, n_colors)

    explorer = FigureExplorer("quantization_explorer", controls, draw, figsize=(10.0, 4.2))
    explorer.fits = fits
    return explorer


def animate_quantization(image, n_colors=(2, 3, 4, 6, 8, 12), random_state=0, interval=1200,
                         dpi=ANIMATION_DPI, name=None):
    """The picture of :func:`quantization_explorer` for several K, offline.

    Parameters
    ----------
    image : array-like of shape (H, W, 3)
    n_colors : sequence of int, default=(2, 3, 4, 6, 8, 12)
        One frame per value.
    random_state : int, default=0
    interval : int, default=1200
        Milliseconds between frames when playing.
    dpi : int, default=ANIMATION_DPI
    name : str, optional
        The player's element id; by default ``quantization_`` plus a hash of
        the inputs.

    Returns
    -------
    animation : JSAnimation
    """
    pixels, shape = _check_colour_image(image)
    values = [check_n_components(k, pixels.shape[0], name="n_colors") for k in n_colors]
    if not values:
        raise ValueError("n_colors must hold at least one number of colours.")
    seed = _check_seed(random_state)
    name, interval, dpi = _check_animation_options(
        name, "quantization_" + _digest("quantization", pixels, values, [seed]), interval, dpi
    )
    fits = _QuantizationFits(pixels, seed)
    figure = _new_figure((10.0, 4.2), dpi)
    return _animate(
        figure, lambda fig, i: _draw_quantization(fig, pixels, shape, fits, values[i]),
        len(values), name, interval, "once",
        alt="Animation of colour quantisation as the number of colours K grows: in each "
            "frame the image quantised by k-means, the image quantised by a Gaussian "
            "mixture, and the mixture's map of uncertain pixels.",
    )


def _check_density_model(model):
    needed = ("weights_", "means_", "covariances_", "covariance_type", "score_samples")
    missing = [attribute for attribute in needed if not hasattr(model, attribute)]
    if missing:
        raise ValueError(
            f"model must be a fitted GaussianMixture (missing {', '.join(missing)}); "
            f"call fit first."
        )
    if np.asarray(model.means_).shape[1] != 2:
        raise ValueError("the anomaly-threshold pictures need a mixture of 2-D data.")
    return model


def _anomaly_setup(model, X_calibration, X_test, is_anomaly):
    model = _check_density_model(model)
    X_calibration = _check_points_2d(X_calibration, name="X_calibration")
    X_test = _check_points_2d(X_test, name="X_test")
    truth = np.asarray(is_anomaly)
    calibration_scores = model.score_samples(X_calibration)
    test_scores = model.score_samples(X_test)
    detection_table(test_scores, truth, [0.0])  # validates is_anomaly (both kinds present)
    truth = truth.astype(bool)
    limits = _padded_limits(np.vstack([X_calibration, X_test]), margin=0.05)
    return model, X_test, truth, calibration_scores, test_scores, limits


def _draw_anomaly_threshold(figure, model, X_test, truth, calibration_scores, test_scores,
                            limits, rate, clip):
    threshold = threshold_from_scores(calibration_scores, rate)
    flagged = flag_anomalies(test_scores, threshold)
    table = detection_table(test_scores, truth, [threshold])
    left, right = figure.subplots(1, 2, width_ratios=[1.1, 1])
    left.set_xlim(*limits[0])
    left.set_ylim(*limits[1])
    detections = plot_detections(X_test, truth, flagged, ax=left)
    level = None
    if np.isfinite(threshold):
        level = plot_log_density_level(model.weights_, model.means_, model.covariances_,
                                       model.covariance_type, threshold, ax=left)
    left.set_title(f"target false-positive rate α = {rate:.2f}\nthreshold τ = {threshold:.2f}",
                   fontsize=9)
    histograms = plot_score_histograms(
        {"normal (test)": test_scores[~truth], "anomalies (test)": test_scores[truth]},
        {"τ": threshold}, ax=right, clip=clip,
    )
    precision = table.precision[0]
    right.set_title(
        f"recall {table.recall[0]:.2f}, false-positive rate {table.false_positive_rate[0]:.2f}"
        f", precision {'undefined' if np.isnan(precision) else f'{precision:.2f}'}",
        fontsize=9,
    )
    return AnomalyThresholdArtists(detections, level, histograms,
                                   histograms.thresholds[0] if histograms.thresholds else None)


def _score_clip(calibration_scores, test_scores):
    """Show the normal scores' range and as much again below it; pile the rest at the ends."""
    low, high = float(calibration_scores.min()), float(calibration_scores.max())
    spread = max(high - low, 1e-6)
    return (low - spread, max(high, float(test_scores.max())) + 0.05 * spread)


def anomaly_threshold_explorer(model, X_calibration, X_test, is_anomaly):
    """A slider for the target false-positive rate of a density-based anomaly detector.

    The threshold is :func:`gmm_lib.anomaly.threshold_from_scores` of the
    model's log-densities on ``X_calibration`` (normal points the model was
    not fitted on).  Left: the test points by outcome
    (:func:`gmm_lib.plotting.plot_detections`) and the curve
    ``ln p(x) = tau``; right: the test scores of both kinds with ``tau``,
    and the recall, false-positive rate and precision in the title.

    Parameters
    ----------
    model : fitted GaussianMixture on 2-D data
    X_calibration : array-like of shape (m, 2)
        Held-out normal points.
    X_test : array-like of shape (N, 2)
    is_anomaly : array-like of bool, shape (N,)

    Returns
    -------
    explorer : FigureExplorer
        Control ``rate`` in [0.01, 0.3] (initially 0.05).
    """
    model, X_test, truth, calibration_scores, test_scores, limits = _anomaly_setup(
        model, X_calibration, X_test, is_anomaly)
    clip = _score_clip(calibration_scores, test_scores)
    controls = {"rate": _slider(0.05, 0.01, 0.3, 0.01, "target false-positive rate α",
                                continuous_update=False)}

    def draw(figure, rate):
        return _draw_anomaly_threshold(figure, model, X_test, truth, calibration_scores,
                                       test_scores, limits, rate, clip)

    return FigureExplorer("anomaly_threshold_explorer", controls, draw, figsize=(10.0, 4.2))


def animate_anomaly_threshold(model, X_calibration, X_test, is_anomaly,
                              rates=(0.02, 0.05, 0.1, 0.2, 0.3), interval=1200,
                              dpi=ANIMATION_DPI, name=None):
    """The picture of :func:`anomaly_threshold_explorer` for several target rates, offline.

    Parameters
    ----------
    model, X_calibration, X_test, is_anomaly
        As in :func:`anomaly_threshold_explorer`.
    rates : sequence of float in (0, 1), default=(0.02, 0.05, 0.1, 0.2, 0.3)
        One frame per target false-positive rate.
    interval : int, default=1200
    dpi : int, default=ANIMATION_DPI
    name : str, optional
        By default ``anomaly_`` plus a hash of the inputs.

    Returns
    -------
    animation : JSAnimation
    """
    model, X_test, truth, calibration_scores, test_scores, limits = _anomaly_setup(
        model, X_calibration, X_test, is_anomaly)
    rates = check_array(rates, name="rates", ndim=1)
    if rates.size == 0 or rates.min() <= 0.0 or rates.max() >= 1.0:
        raise ValueError("rates must be a non-empty sequence of numbers strictly between 0 and 1.")
    clip = _score_clip(calibration_scores, test_scores)
    name, interval, dpi = _check_animation_options(
        name, "anomaly_" + _digest("anomaly", calibration_scores, test_scores, rates),
        interval, dpi,
    )
    figure = _new_figure((10.0, 4.2), dpi)
    return _animate(
        figure,
        lambda fig, i: _draw_anomaly_threshold(fig, model, X_test, truth, calibration_scores,
                                               test_scores, limits, float(rates[i]), clip),
        rates.size, name, interval, "once",
        alt="Animation of an anomaly detector as its target false-positive rate grows: "
            "in each frame the test points marked as caught, missed or falsely flagged "
            "around the threshold curve of the density, and the histograms of the scores "
            "with the threshold.",
    )
