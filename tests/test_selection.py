"""Tests for gmm_lib.selection: criteria, degeneracy flags, grid search."""

import warnings

import numpy as np
import pytest
from sklearn.mixture import GaussianMixture as SkGaussianMixture

from gmm_lib import datasets
from gmm_lib.mixture import GaussianMixture, n_parameters
from gmm_lib.selection import (
    aic_score,
    bic_score,
    classification_entropy,
    degeneracy_report,
    icl_score,
    mclust_bic,
    select_model,
)

OLD_FAITHFUL = datasets.load_old_faithful()


@pytest.mark.parametrize("covariance_type", ["full", "tied", "diag", "spherical"])
def test_scores_match_the_estimator_and_scikit_learn(covariance_type):
    X = datasets.make_blobs(200, random_state=3).X
    ours = GaussianMixture(3, covariance_type=covariance_type, random_state=0).fit(X)
    theirs = SkGaussianMixture(3, covariance_type=covariance_type)
    # Give scikit-learn our fitted parameters, so both are the same mixture.
    for name in ("weights_", "means_", "covariances_", "precisions_cholesky_", "n_features_in_"):
        setattr(theirs, name, getattr(ours, name))
    total = ours.score(X) * X.shape[0]
    p = n_parameters(3, 2, covariance_type)
    assert p == theirs._n_parameters()
    assert bic_score(total, p, X.shape[0]) == pytest.approx(theirs.bic(X), rel=1e-10)
    assert aic_score(total, p) == pytest.approx(theirs.aic(X), rel=1e-10)
    assert ours.bic(X) == pytest.approx(theirs.bic(X), rel=1e-10)
    assert mclust_bic(ours.bic(X)) == -ours.bic(X)


def test_icl_adds_twice_the_classification_entropy():
    X = datasets.make_unequal_variances(300, random_state=1).X
    model = GaussianMixture(3, random_state=0).fit(X)
    resp = model.predict_proba(X)
    entropy = -np.sum(np.log(resp[np.arange(len(X)), resp.argmax(axis=1)]))
    assert classification_entropy(resp) == pytest.approx(entropy)
    assert icl_score(model, X) == pytest.approx(model.bic(X) + 2 * entropy)
    assert icl_score(model, X) >= model.bic(X)


def test_icl_equals_bic_for_perfectly_separated_clusters():
    X = np.concatenate([np.random.RandomState(0).randn(50, 2), 1000 + np.random.RandomState(1).randn(50, 2)])
    model = GaussianMixture(2, random_state=0).fit(X)
    assert icl_score(model, X) == pytest.approx(model.bic(X), abs=1e-6)


def test_healthy_fit_has_no_degeneracy():
    model = GaussianMixture(2, random_state=0).fit(OLD_FAITHFUL)
    assert degeneracy_report(model, OLD_FAITHFUL) == []


def test_component_on_tied_points_is_flagged():
    # Ten points sharing one waiting time: a component placed on them keeps a
    # variance at the reg_covar floor in that direction.
    tied = OLD_FAITHFUL[OLD_FAITHFUL[:, 1] == 78.0]
    assert len(tied) >= 10
    means = np.array([[2.0, 54.0], [4.3, 80.0], [tied[:, 0].mean(), 78.0]])
    model = GaussianMixture(
        3, covariance_type="diag", means_init=means, random_state=0, max_iter=200
    ).fit(OLD_FAITHFUL)
    reasons = degeneracy_report(model, OLD_FAITHFUL)
    collapsed = model.covariances_.min()
    if collapsed <= 2 * model.reg_covar:
        assert any("reg_covar floor" in reason for reason in reasons)
    else:  # the component escaped: then nothing may be flagged
        assert reasons == []


def test_too_few_points_and_ill_conditioning_are_flagged():
    class Stub:
        covariance_type = "full"
        reg_covar = 1e-9
        means_ = np.zeros((2, 2))
        covariances_ = np.array([np.eye(2), np.diag([1.0, 1e-7])])

        def predict_proba(self, X):
            resp = np.zeros((len(X), 2))
            resp[:, 0] = 1.0
            resp[:2] = [0.0, 1.0]
            return resp

    X = np.random.RandomState(0).randn(40, 2)
    reasons = degeneracy_report(Stub(), X)
    assert len(reasons) == 1
    assert "component 1" in reasons[0]
    assert "eigenvalue ratio" in reasons[0]
    assert "only 2 effective points" in reasons[0]


def test_old_faithful_grid_picks_two_full_components_by_bic():
    selection = select_model(OLD_FAITHFUL, range(1, 6), random_state=0)
    assert (selection.best.n_components, selection.best.covariance_type) == (2, "full")
    # Exact maximum likelihood for K=2, full: -1130.264 (see test_mixture).
    assert selection.best.log_likelihood == pytest.approx(-1130.264, abs=1e-2)
    assert selection.best.bic == pytest.approx(2322.19, abs=1e-2)
    assert selection.table().shape == (5, 4)
    assert "**2322.19**" in selection.to_markdown()


def test_unguarded_bic_is_fooled_by_tied_waiting_times_but_select_model_is_not():
    """scikit-learn's plain BIC picks a collapsed 5-component diag model; we do not.

    With random data points as starting means (init_params='random_from_data')
    and 5 restarts, scikit-learn's best K=5 'diag' fit sits one component on
    Old Faithful eruptions that share a whole-minute waiting time; its variance
    in that direction is the reg_covar floor and its BIC beats every honest fit.
    """
    options = dict(init_params="random_from_data", n_init=5, random_state=13)
    grid = [(k, t) for k in range(1, 6) for t in ("full", "tied", "diag", "spherical")]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sklearn_fits = {
            (k, t): SkGaussianMixture(k, covariance_type=t, **options).fit(OLD_FAITHFUL)
            for k, t in grid
        }
    sklearn_pick = min(grid, key=lambda key: sklearn_fits[key].bic(OLD_FAITHFUL))
    assert sklearn_pick == (5, "diag")
    picked = sklearn_fits[sklearn_pick]
    assert picked.covariances_.min() < 2e-6
    assert degeneracy_report(picked, OLD_FAITHFUL), "scikit-learn's pick should be flagged"

    selection = select_model(OLD_FAITHFUL, range(1, 6), **options)
    assert (selection.unguarded_best().n_components, selection.unguarded_best().covariance_type) == (5, "diag")
    # A variance at the 1e-6 floor turns rounding differences of 1e-12 in the
    # covariances into relative changes of 1e-6 in that component's density:
    # the collapsed fit is ill-conditioned, so agree to 1e-6 relative here.
    assert selection.unguarded_best().bic == pytest.approx(
        sklearn_fits[(5, "diag")].bic(OLD_FAITHFUL), rel=1e-6
    )
    assert not selection.best.degenerate
    assert (selection.best.n_components, selection.best.covariance_type) == (2, "full")
    assert selection.mask()[4, 2]


def test_select_model_is_reproducible_and_keeps_failed_fits():
    X = datasets.make_blobs(60, random_state=0).X
    first = select_model(X, [1, 2, 3], ["full", "spherical"], random_state=4)
    second = select_model(X, [1, 2, 3], ["full", "spherical"], random_state=4)
    assert first.rows == second.rows
    assert (first.best.n_components, first.best.covariance_type) == (3, "spherical")
    # reg_covar=0 on data with exact duplicates: some fits fail, none crash.
    duplicated = np.repeat(np.array([[0.0, 0.0], [1.0, 1.0], [5.0, 5.0], [5.0, 6.0]]), 3, axis=0)
    result = select_model(duplicated, [1, 2, 3, 4], ["full"], reg_covar=0.0, random_state=0)
    assert any(row.reason.startswith("fit failed") for row in result.rows)
    assert not result.best.degenerate


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(criterion="deviance"), "criterion must be one of"),
        (dict(n_components_range=[]), "empty"),
        (dict(n_components_range=[0, 1]), "at least 1"),
        (dict(n_components_range=[500]), "only 272 samples"),
        (dict(covariance_types=["full", "diagonal"]), "covariance_type"),
        (dict(reg_covar=-1.0), "reg_covar"),
    ],
)
def test_select_model_rejects_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        select_model(OLD_FAITHFUL, **kwargs)


def test_markdown_bolds_the_winner_of_the_criterion_shown():
    selection = select_model(OLD_FAITHFUL, range(1, 6), n_init=10, random_state=0)
    by_aic = min(
        (row for row in selection.rows if not row.degenerate), key=lambda row: row.aic
    )
    assert f"**{by_aic.aic:.2f}" in selection.to_markdown("aic")
    assert f"**{selection.best.bic:.2f}" in selection.to_markdown()
    assert selection.to_markdown("aic").count("**") == 2
