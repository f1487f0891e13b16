"""Model choice (lesson 9): gmmlib.selection against independent references.

References: scikit-learn's GaussianMixture (bic, aic, score_samples, the
parameter count) and KFold; ICL computed by hand, point by point; the numbers
R's mclust publishes for Old Faithful (mclust vignette, ``summary(Mclust(faithful))``).
"""

import math
import warnings

import matplotlib.pyplot as plt
import numpy as np
import pytest
from sklearn.mixture import GaussianMixture as SkGaussianMixture
from sklearn.model_selection import KFold

from gmmlib import datasets, plotting, selection
from gmmlib.examples import model_choice
from gmmlib.mixture import GaussianMixture

X = datasets.old_faithful()
Z = datasets.standardise(X)
N = len(X)


def blobs(seed=0, n=150):
    rng = np.random.default_rng(seed)
    return np.vstack([rng.normal([0, 0, 0], 1, (n // 3, 3)), rng.normal([4, 0, 2], 0.7, (n // 3, 3)),
                      rng.normal([0, 5, -2], 1.5, (n - 2 * (n // 3), 3))])


# ---------------------------------------------------------------------------
# Parameter counts, BIC and AIC against scikit-learn
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("kind", selection.COVARIANCE_TYPES)
@pytest.mark.parametrize("K", [1, 2, 4])
def test_parameter_count_bic_and_aic_agree_with_scikit_learn(kind, K):
    """scikit-learn evaluates its own count and log-likelihood at our fitted parameters."""
    data = blobs()
    ours = GaussianMixture(K, covariance_type=kind, random_state=0).fit(data)
    theirs = SkGaussianMixture(K, covariance_type=kind)
    for attr in ("weights_", "means_", "covariances_", "precisions_cholesky_"):
        setattr(theirs, attr, getattr(ours, attr))
    theirs.n_features_in_ = data.shape[1]
    assert ours._n_parameters() == theirs._n_parameters()
    np.testing.assert_allclose([ours.bic(data), ours.aic(data)], [theirs.bic(data), theirs.aic(data)],
                               rtol=1e-8)


def test_mclust_names_are_the_documented_models():
    # ?mclustModelNames: VII spherical unequal volume, VVI diagonal varying volume and shape,
    # EEE ellipsoidal equal volume shape and orientation, VVV ellipsoidal varying all three
    assert selection.MCLUST_NAMES == {"spherical": "VII", "diag": "VVI", "tied": "EEE", "full": "VVV"}


def test_information_criteria_table_passes_fit_params():
    settings = {"tol": 1e-6, "max_iter": 500}
    table = selection.information_criteria_table(Z, [2, 3], ["tied"], fit_params=settings)
    expected = [SkGaussianMixture(K, covariance_type="tied", random_state=0, **settings).fit(Z).bic(Z)
                for K in (2, 3)]
    np.testing.assert_allclose(table["bic"], expected, rtol=1e-7)
    # the default stays lesson 7's (the estimator's defaults)
    default = selection.information_criteria_table(X, [3], ["tied"])
    np.testing.assert_allclose(default["bic"], [SkGaussianMixture(3, covariance_type="tied",
                                                                  random_state=0).fit(X).bic(X)], rtol=1e-8)


# ---------------------------------------------------------------------------
# mclust's sign convention and its published numbers
# ---------------------------------------------------------------------------

def test_mclust_bic_is_the_negated_bic_and_round_trips():
    assert selection.mclust_bic(2314.316) == -2314.316
    np.testing.assert_array_equal(selection.bic_from_mclust(selection.mclust_bic([1.5, -2.0])), [1.5, -2.0])
    # mclust's published numbers obey BIC_mclust = 2 log L - df log n (independent of our code)
    ref = model_choice.MCLUST_FAITHFUL
    np.testing.assert_allclose(2 * ref["log_likelihood"] - ref["df"] * math.log(N), ref["bic"], atol=1e-3)


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), "high", None])
def test_mclust_bic_rejects_what_is_not_a_finite_number(bad):
    with pytest.raises(ValueError, match="bic"):
        selection.mclust_bic(bad)


def test_mclust_fit_of_old_faithful_is_reproduced():
    """EEE (tied), K = 3 on faithful: log-likelihood -1126.326, df 11, BIC -2314.316,
    ICL -2357.824, sizes 40/97/135 (mclust). mclust stops at a relative change of 1e-5
    (0.011 here): log L within 0.05, BIC within 0.1; ICL and the sizes move more near the
    optimum (see test_icl_and_sizes_move_near_the_optimum): within 1.5 and one eruption."""
    ref = model_choice.MCLUST_FAITHFUL
    gm = model_choice.mclust_comparison_fit()
    assert (gm.covariance_type, gm.n_components) == ("tied", ref["n_components"])
    assert gm._n_parameters() == ref["df"]
    assert abs(gm.score(X) * N - ref["log_likelihood"]) < 0.05
    assert abs(selection.mclust_bic(gm.bic(X)) - ref["bic"]) < 0.1
    assert abs(selection.mclust_bic(selection.icl(gm, X)) - ref["icl"]) < 1.5
    sizes = np.sort(np.bincount(gm.predict(X)))
    assert np.abs(sizes - np.array(ref["sizes"])).sum() <= 2


def test_icl_and_sizes_move_near_the_optimum():
    gm, stopped = model_choice.mclust_comparison_fit(), model_choice.mclust_like_stop()
    best = SkGaussianMixture(3, covariance_type="tied", random_state=0, tol=1e-10, max_iter=5000).fit(X)
    top = best.score(X) * N
    assert 0.04 < top - stopped.score(X) * N < 0.05       # a rule on the change stops short
    assert abs(selection.icl(stopped, X) - selection.icl(gm, X)) > 2


def test_mclust_rule_stops_at_40_iterations():
    """mclust's rule |L_t - L_(t-1)| / (1 + |L_t|) < 1e-5, on scikit-learn's EM path."""
    stopped = model_choice.mclust_like_stop()
    assert stopped.n_iter_ == model_choice.MCLUST_LIKE_ITERATIONS == 40
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        L = {t: SkGaussianMixture(3, covariance_type="tied", tol=0.0, max_iter=t,
                                  random_state=0).fit(X).score(X) * N for t in (38, 39, 40)}

    def relative_change(t):
        return abs(L[t] - L[t - 1]) / (1 + abs(L[t]))

    assert relative_change(40) < model_choice.MCLUST_TOL <= relative_change(39)
    np.testing.assert_allclose(stopped.score(X) * N, L[40], atol=1e-6)


# ---------------------------------------------------------------------------
# ICL by hand
# ---------------------------------------------------------------------------

def _icl_by_hand(gm, data, soft):
    resp = gm.predict_proba(data)
    cost = 0.0
    for row in resp:
        if soft:
            cost -= sum(r * math.log(r) for r in row if r > 0)
        else:
            cost -= math.log(max(row))
    return gm.bic(data) + 2 * cost


@pytest.mark.parametrize("kind", selection.COVARIANCE_TYPES)
def test_icl_is_bic_plus_the_assignment_cost_computed_by_hand(kind):
    data = blobs(1)
    sk = SkGaussianMixture(3, covariance_type=kind, random_state=0).fit(data)   # an independent fit
    for soft in (False, True):
        assignment = "soft" if soft else "map"
        np.testing.assert_allclose(selection.icl(sk, data, assignment), _icl_by_hand(sk, data, soft),
                                   rtol=1e-12)
    assert sk.bic(data) <= selection.icl(sk, data) <= selection.icl(sk, data, "soft")


class _Fixed:
    def __init__(self, resp):
        self.resp = np.asarray(resp, dtype=float)

    def bic(self, data):
        return 50.0

    def predict_proba(self, data):
        return self.resp


def test_icl_hand_values_with_certain_and_uncertain_points():
    model = _Fixed([[1.0, 0.0], [0.5, 0.5], [0.0, 1.0]])
    assert selection.icl(model, None) == pytest.approx(50 + 2 * math.log(2), rel=1e-15)
    assert selection.icl(model, None, "soft") == pytest.approx(50 + 2 * math.log(2), rel=1e-15)
    certain = _Fixed(np.eye(3))
    assert selection.icl(certain, None) == selection.icl(certain, None, "soft") == 50.0
    three = _Fixed([[0.2, 0.3, 0.5]])
    assert selection.icl(three, None) == pytest.approx(50 - 2 * math.log(0.5))
    assert selection.icl(three, None, "soft") == pytest.approx(
        50 - 2 * (0.2 * math.log(0.2) + 0.3 * math.log(0.3) + 0.5 * math.log(0.5)))


def test_icl_rejects_an_unknown_assignment():
    with pytest.raises(ValueError, match="assignment must be 'map' or 'soft'; received 'hard'"):
        selection.icl(_Fixed([[1.0]]), None, "hard")


# ---------------------------------------------------------------------------
# k-fold cross-validation against scikit-learn
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("n, k, seed", [(272, 5, 0), (10, 3, 7), (101, 10, 42), (4, 4, 1)])
def test_kfold_indices_are_scikit_learns_shuffled_kfold(n, k, seed):
    ours = selection.kfold_indices(n, k, seed)
    theirs = list(KFold(n_splits=k, shuffle=True, random_state=seed).split(np.zeros((n, 1))))
    assert len(ours) == len(theirs) == k
    for (train, test), (sk_train, sk_test) in zip(ours, theirs):
        np.testing.assert_array_equal(train, sk_train)
        np.testing.assert_array_equal(test, sk_test)


@pytest.mark.parametrize("n, k, message", [(5, 6, "n_splits must be at most n_samples = 5; received 6"),
                                           (5, 1, "n_splits must be an integer >= 2; received 1"),
                                           (5, 2.5, "n_splits must be an integer >= 2; received 2.5"),
                                           (1, 2, "n_samples must be an integer >= 2; received 1")])
def test_kfold_indices_errors_name_the_parameter(n, k, message):
    with pytest.raises(ValueError, match=message.replace(".", r"\.")):
        selection.kfold_indices(n, k)


def _mixture_log_density(gm, data):
    """log sum_c pi_c N(x | mu_c, Sigma_c) with SciPy's densities, from the fitted parameters."""
    from scipy.special import logsumexp
    from scipy.stats import multivariate_normal

    full = plotting.params_from_estimator(gm)
    logs = [np.log(w) + multivariate_normal(m, c).logpdf(data)
            for w, m, c in zip(full.weights, full.means, full.covariances)]
    return logsumexp(np.column_stack(logs), axis=1)


def test_cross_validated_log_likelihood_matches_a_reference_on_scikit_learns_folds():
    """The folds are scikit-learn's KFold, the held-out densities SciPy's (evaluated at the
    fits to the training folds; the estimator itself is tested against scikit-learn in
    test_mixture.py)."""
    table = selection.cross_validated_log_likelihood(Z, [1, 2, 3], ["full", "spherical"], n_splits=4,
                                                     random_state=3)
    rows = 0
    for kind in ("full", "spherical"):
        for K in (1, 2, 3):
            folds = []
            for train, test in KFold(4, shuffle=True, random_state=3).split(Z):
                gm = GaussianMixture(K, covariance_type=kind, random_state=3).fit(Z[train])
                folds.append(_mixture_log_density(gm, Z[test]).sum())
            assert (table["covariance_type"][rows], table["n_components"][rows]) == (kind, K)
            np.testing.assert_allclose(table["cv_folds"][rows], folds, rtol=1e-10)
            np.testing.assert_allclose(table["cv"][rows], sum(folds), rtol=1e-10)
            rows += 1


def test_cross_validated_log_likelihood_rejects_1d_data():
    with pytest.raises(ValueError, match="X must be a 2-D array"):
        selection.cross_validated_log_likelihood(np.arange(10.0), [1])


# ---------------------------------------------------------------------------
# The lesson's numbers (also quoted in the figures' alt texts)
# ---------------------------------------------------------------------------

def _best(table, column, kind, rule=np.argmin):
    rows = [r for r, k in enumerate(table["covariance_type"]) if k == kind]
    r = rows[rule([table[column][r] for r in rows])]
    return table["n_components"][r], round(table[column][r], 1)


def test_lesson_9_choices():
    minutes, standardised = (model_choice.criteria_grid(s) for s in ("minutes", "standardised"))
    assert [_best(standardised, "bic", k) for k in selection.COVARIANCE_TYPES] == [
        (2, 832.6), (3, 824.7), (3, 852.5), (4, 855.2)]
    assert [_best(standardised, "icl", k)[0] for k in selection.COVARIANCE_TYPES] == [2, 2, 2, 2]
    assert _best(minutes, "bic", "tied") == (3, 2314.3)
    spherical = model_choice.spherical_minutes_bic()
    assert int(np.argmin(spherical)) + 1 == 46 and round(float(spherical.min())) == 2688
    assert round(float(spherical[0])) == 4025
    cv = model_choice.cv_grid()
    assert _best(cv, "cv", "tied", np.argmax) == (4, -396.3)
    rows = zip(standardised["aic"], standardised["covariance_type"], standardised["n_components"])
    assert min(rows)[1:] == ("diag", 6)


def test_lesson_9_figure_alt_texts_quote_the_numbers():
    from gmmlib import figures

    alt = figures.get("faithful-bic-units").alt
    assert "2688, at K = 46" in alt and "starts at 4025" in alt and "tied K = 3 at 824.7" in alt
    caption = figures.get("faithful-covariance-types").caption
    fits = model_choice.covariance_type_fits()
    for kind, gm in fits.items():
        assert f"{kind} ({selection.MCLUST_NAMES[kind]}, p = {gm._n_parameters()})" in caption


def test_plot_criteria_panels_checks_its_input():
    table = {"covariance_type": ["full"], "n_components": [1], "bic": [1.0]}
    with pytest.raises(ValueError, match="same positive length"):
        plotting.plot_criteria_panels([table], ["bic", "aic"], ["BIC"])
    with pytest.raises(ValueError, match="best must hold 'min' or 'max'"):
        plotting.plot_criteria_panels([table], ["bic"], ["BIC"], best=["lowest"])
    with pytest.raises(ValueError, match="columns covariance_type, n_components and 'aic'"):
        plotting.plot_criteria_panels([table], ["aic"], ["AIC"])
    assert plt.get_fignums() == []  # a refused input leaves no open figure behind


def test_lesson_9_spherical_minutes_collapse():
    """From K = 19 on, spherical fits in minutes put components on single eruptions.

    Independent of the counting function: a collapsed component's variance is
    the estimator's floor reg_covar, and the points it takes are one point.
    """
    collapsed = model_choice.spherical_minutes_collapsed()
    assert np.flatnonzero(collapsed)[0] + 1 == 19 and collapsed[45] == 3
    assert np.flatnonzero(collapsed == 0).max() + 1 == 21
    X = model_choice.faithful_scaled("minutes")
    gm = model_choice._spherical_minutes_fits()[45]
    labels = gm.predict(X)
    for c in np.flatnonzero(gm.covariances_ < model_choice.COLLAPSED_VARIANCE):
        np.testing.assert_allclose(gm.covariances_[c], gm.reg_covar, rtol=1e-6)
        assert len(np.unique(X[labels == c], axis=0)) == 1
    for c in np.flatnonzero(gm.covariances_ >= model_choice.COLLAPSED_VARIANCE):
        assert gm.covariances_[c] > 100 * gm.reg_covar


def _mclust_n_params(model, G, d):
    """mclust's nMclustParams (no noise, unequal proportions), transcribed from its nVarParams:
    covariance parameters + G d means + G - 1 weights."""
    variance = {"EII": 1, "VII": G, "EEI": d, "VEI": G + (d - 1), "EVI": 1 + G * (d - 1),
                "VVI": G * d, "EEE": d * (d + 1) // 2, "VVV": G * d * (d + 1) // 2}[model]
    return variance + G * d + G - 1


def test_exercise_9_1_digest_is_mclusts_count():
    """The digest the check of exercise 9.1 stores encodes mclust's own parameter counts,
    and mclust's counts of VII, VVI, EEE, VVV are scikit-learn's of its four types."""
    import json
    from pathlib import Path

    from gmmlib.checks import digest

    models = ["EII", "VII", "EEI", "VEI", "EVI", "VVI", "EEE", "VVV"]
    counts = np.array([[_mclust_n_params(m, G, d) for G, d in [(3, 4), (6, 10)]] for m in models])
    nb = json.loads((Path(__file__).parent.parent / "notebooks" / "09_model_choice.ipynb").read_text())
    check = next("".join(c["source"]) for c in nb["cells"]
                 if c.get("metadata", {}).get("nbgrader", {}).get("grade_id") == "09-ex1-check")
    assert f'"{digest(counts)}"' in check
    rng = np.random.default_rng(0)
    for model, kind in [("VII", "spherical"), ("VVI", "diag"), ("EEE", "tied"), ("VVV", "full")]:
        for G, d in [(1, 2), (3, 4), (2, 6)]:
            sk = SkGaussianMixture(G, covariance_type=kind, random_state=0).fit(rng.normal(size=(60, d)))
            assert sk._n_parameters() == _mclust_n_params(model, G, d)
