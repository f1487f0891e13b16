"""gmmlib.GaussianMixture against scikit-learn's GaussianMixture.

Both estimators start from identical parameters (``weights_init``,
``means_init``, ``precisions_init``), so every iteration must agree to
rounding error. The fast path (fused, chunked, threaded) is also compared
with the plain per-component path.
"""

import warnings

import numpy as np
import pytest
from sklearn import base as sk_base
from sklearn.cluster import KMeans
from sklearn.metrics import adjusted_rand_score
from sklearn.mixture import GaussianMixture as SkGaussianMixture

from gmmlib import _fast, datasets
from gmmlib.mixture import (
    ConvergenceWarning,
    GaussianMixture,
    NotFittedError,
    collapsed_components,
)

COVARIANCE_TYPES = ["full", "tied", "diag", "spherical"]
ATTRIBUTES = ["weights_", "means_", "covariances_", "precisions_", "precisions_cholesky_"]
RTOL = 1e-8


def make_blobs(seed=0, n=600, d=3, K=3, offset=10.0):
    """K elongated clusters, away from the origin (tests the centring)."""
    rng = np.random.default_rng(seed)
    sizes = rng.multinomial(n, np.full(K, 1 / K))
    blocks = [
        rng.normal(size=(m, d)) @ rng.normal(size=(d, d)) + 4 * rng.normal(size=d)
        for m in sizes
    ]
    return np.vstack(blocks) + offset


def initial_params(X, K, covariance_type, seed=1):
    """Deliberately rough initial parameters, shaped for ``covariance_type``."""
    rng = np.random.default_rng(seed)
    variances = X.var(axis=0)
    precisions = {
        "full": np.stack([np.diag(1 / variances)] * K),
        "tied": np.diag(1 / variances),
        "diag": np.tile(1 / variances, (K, 1)),
        "spherical": np.full(K, 1 / variances.mean()),
    }[covariance_type]
    return dict(
        weights_init=rng.dirichlet(np.full(K, 5.0)),
        means_init=X[rng.choice(len(X), K, replace=False)],
        precisions_init=precisions,
    )


def fit_both(X, K, covariance_type, max_iter, engine="fast", **kwargs):
    kwargs = {**initial_params(X, K, covariance_type), **kwargs}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # ConvergenceWarning with tol=0
        ref = SkGaussianMixture(K, covariance_type=covariance_type, max_iter=max_iter, **kwargs).fit(X)
        ours = GaussianMixture(K, covariance_type=covariance_type, max_iter=max_iter, **kwargs)
        ours._engine = engine
        ours.fit(X)
    return ours, ref


def assert_same_model(ours, ref, rtol=RTOL):
    for name in ATTRIBUTES:
        a, b = getattr(ours, name), getattr(ref, name)
        assert a.shape == b.shape, name
        # relative to the attribute's scale (entries can be ~0, e.g. off-diagonals)
        np.testing.assert_allclose(a, b, rtol=rtol, atol=rtol * np.abs(b).max(), err_msg=name)
    assert ours.lower_bound_ == pytest.approx(ref.lower_bound_, rel=rtol)
    np.testing.assert_allclose(ours.lower_bounds_, ref.lower_bounds_, rtol=rtol)
    assert ours.n_iter_ == ref.n_iter_
    assert ours.converged_ == ref.converged_


@pytest.fixture(scope="module")
def X():
    return make_blobs()


@pytest.mark.parametrize("engine", ["fast", "plain"])
@pytest.mark.parametrize("max_iter", [1, 10, 100])
@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_em_iterations_match_sklearn(X, covariance_type, max_iter, engine):
    ours, ref = fit_both(X, 3, covariance_type, max_iter, engine=engine, tol=0)
    assert ours.n_iter_ == max_iter
    assert len(ours.lower_bounds_) == max_iter
    assert_same_model(ours, ref)


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_convergence_matches_sklearn_with_default_tol(X, covariance_type):
    ours, ref = fit_both(X, 3, covariance_type, max_iter=500)
    assert ours.converged_ and ref.converged_
    assert_same_model(ours, ref)
    assert ours.lower_bound_ == ours.lower_bounds_[-1]


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_scores_and_predictions_match_sklearn(X, covariance_type):
    ours, ref = fit_both(X, 3, covariance_type, max_iter=10, tol=0)
    X_new = make_blobs(seed=5, n=200)
    np.testing.assert_allclose(ours.score_samples(X_new), ref.score_samples(X_new), rtol=RTOL)
    np.testing.assert_allclose(ours.predict_proba(X_new), ref.predict_proba(X_new), rtol=RTOL, atol=1e-12)
    np.testing.assert_array_equal(ours.predict(X_new), ref.predict(X_new))
    assert ours.score(X_new) == pytest.approx(ref.score(X_new), rel=RTOL)
    assert ours.bic(X) == pytest.approx(ref.bic(X), rel=RTOL)
    assert ours.aic(X) == pytest.approx(ref.aic(X), rel=RTOL)
    assert isinstance(ours.score(X_new), float)


def test_far_apart_components_underflow_safely():
    # cross-group responsibilities are ~exp(-1e7): far below 1e-300, flushed to 0
    rng = np.random.default_rng(3)
    centres = np.array([[0.0, 0.0], [1e4, 0.0], [0.0, 1e4]])
    X = np.vstack([c + rng.normal(size=(300, 2)) for c in centres])
    init = dict(
        weights_init=[0.2, 0.3, 0.5],
        means_init=centres + 0.5,
        precisions_init=np.stack([np.eye(2) * s for s in (0.5, 1.0, 2.0)]),
    )
    for covariance_type in COVARIANCE_TYPES:
        init["precisions_init"] = initial_params(X, 3, covariance_type)["precisions_init"] * 1e7
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ref = SkGaussianMixture(3, covariance_type=covariance_type, max_iter=20, tol=0, **init).fit(X)
            ours = GaussianMixture(3, covariance_type=covariance_type, max_iter=20, tol=0, **init).fit(X)
        # scikit-learn's diagonal variances are E[x^2] - mu^2, which loses eps * (1e4)^2 ~ 2e-8
        # of a unit variance here; gmmlib's plain path sums (x - mu)^2 (see _gaussian)
        assert_same_model(ours, ref, rtol=RTOL if covariance_type in ("full", "tied") else 1e-6)
        resp = ours.predict_proba(X)
        assert np.isfinite(resp).all() and resp.min() >= 0
        assert np.sum(resp == 0) >= 2 * len(X)  # the flushed entries are exact zeros
        # components ~7000 standard deviations from the data's centre: the plain path ran
        shift = X.mean(axis=0)
        design = _fast.Design(covariance_type, ours.weights_, ours.means_ - shift, ours.precisions_cholesky_)
        assert design.kappa(ours.weights_) > _fast.KAPPA_MAX


# --------------------------------------------------------------------------
# fast path vs plain path


@pytest.mark.parametrize("K", [3, 4], ids=["K3-matrix-vector", "K4-matrix"])
@pytest.mark.parametrize("phi_cache", [True, False], ids=["cached", "uncached"])
@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_fast_path_matches_plain_path_with_chunks_and_threads(monkeypatch, covariance_type, phi_cache, K):
    # 30k rows: two threads; a tiny chunk size: many chunks per thread; K = 3 runs
    # the products one component at a time, K = 4 as matrix products
    assert (K <= _fast.MAX_K_PER_ROW_PRODUCTS) == (K == 3)
    monkeypatch.setattr(_fast, "CHUNK_BYTES", 2**14)
    if not phi_cache:  # large data: features rebuilt every iteration
        monkeypatch.setattr(_fast, "PHI_CACHE_BYTES", 0)
    X = make_blobs(seed=11, n=30_000, d=4, K=K, offset=50.0)
    assert _fast.n_threads_for(len(X)) == 2 or _fast.os.cpu_count() == 1
    fast, _ = fit_both(X, K, covariance_type, max_iter=8, tol=0)
    plain, _ = fit_both(X, K, covariance_type, max_iter=8, engine="plain", tol=0)
    for name in ATTRIBUTES:
        a, b = getattr(fast, name), getattr(plain, name)
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-10 * np.abs(b).max(), err_msg=name)
    # rounding differences of ~1e-16 grow by EM's own dynamics (to 3.6e-12 after 8
    # iterations of the spherical K = 3 fit, first iteration 2e-16; at most 3.5e-13
    # in the other cases, and the same before the fast path's K <= 3 products)
    np.testing.assert_allclose(fast.lower_bounds_[0], plain.lower_bounds_[0], rtol=1e-14)
    np.testing.assert_allclose(fast.lower_bounds_, plain.lower_bounds_, rtol=1e-11)
    X_new = X[::7]
    np.testing.assert_allclose(fast.score_samples(X_new), plain.score_samples(X_new), rtol=1e-9)
    np.testing.assert_allclose(fast.predict_proba(X_new), plain.predict_proba(X_new), atol=1e-11)


def test_normalise_flushes_tiny_responsibilities_without_subnormals():
    # column 0: a far second component (exp(-700) ~ 1e-304: flushed); column 1: an
    # empty component (log weight -inf); column 2: a close call
    log_prob = np.array([[0.0, 0.0, -1.0], [-700.0, -np.inf, -1.5]])
    tiny = np.finfo(float).tiny  # smallest normal number
    exact, log_norm_exact = _fast._normalise(log_prob.copy(), exact_zeros=True)
    floored, log_norm_floored = _fast._normalise(log_prob.copy(), exact_zeros=False)
    np.testing.assert_array_equal(exact[1, :2], 0.0)  # exact zeros for callers
    assert np.all(floored[1, :2] >= tiny) and np.all(floored[1, :2] < 1e-289)  # the floor, normal
    np.testing.assert_allclose(floored.sum(axis=0), 1.0, rtol=1e-15)
    np.testing.assert_allclose(exact[:, 2], [1 / (1 + np.exp(-0.5)), 1 - 1 / (1 + np.exp(-0.5))])
    np.testing.assert_allclose(floored[:, 2], exact[:, 2], rtol=1e-15)
    np.testing.assert_allclose(log_norm_floored, log_norm_exact, rtol=1e-15)
    np.testing.assert_allclose(log_norm_exact, [0.0, 0.0, np.logaddexp(-1.0, -1.5)])
    # a row no component explains keeps density 0 under the floor, too
    impossible = np.array([[0.0, -np.inf], [-700.0, -np.inf]])
    with np.errstate(divide="ignore", invalid="ignore"):  # 0 / 0 responsibilities, log 0
        _, log_norm = _fast._normalise(impossible, exact_zeros=False)
    assert log_norm[0] == 0.0 and log_norm[1] == -np.inf


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
@pytest.mark.parametrize("K", [1, 3, 4])
def test_points_no_component_can_explain_get_density_zero(covariance_type, K):
    # x = +-1e200 overflows every component's log-density to -inf: log p(x) = -inf on
    # the fast path as on the plain one (the fit's floor must not make it finite)
    X = make_blobs(seed=5, n=300, d=2, K=K)
    fast, _ = fit_both(X, K, covariance_type, max_iter=5)
    plain, _ = fit_both(X, K, covariance_type, max_iter=5, engine="plain")
    X_new = np.array([[1e200, 0.0], [-1e200, 0.0], X[0]])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # the overflow itself
        ours, reference = fast.score_samples(X_new), plain.score_samples(X_new)
    assert ours[0] == ours[1] == -np.inf
    np.testing.assert_array_equal(ours[:2], reference[:2])
    assert ours[2] == pytest.approx(reference[2], rel=1e-12)


def test_cost_model_picks_the_per_component_pass_for_wide_full_covariances():
    assert _fast.use_per_component("full", 32, 3)  # 560 feature columns, 3 components
    assert _fast.use_per_component("full", 16, 2)
    assert not _fast.use_per_component("full", 32, 16)  # many components: one wide product
    assert not _fast.use_per_component("full", 2, 3)
    assert not _fast.use_per_component("full", 8, 8)
    for covariance_type in ("tied", "diag", "spherical"):
        assert not _fast.use_per_component(covariance_type, 32, 3)


def test_feature_cache_is_bounded_by_a_constant_not_by_n():
    assert _fast.phi_cache_for("full", 10_000, 8, 3) == {}  # 3.5 MB
    assert _fast.phi_cache_for("diag", 100_000, 32, 3) == {}  # 51 MB, twice the size of X
    assert _fast.phi_cache_for("full", 10_000, 32, 8) is None  # 45 MB, 17.5 times X
    assert _fast.phi_cache_for("diag", 1_000_000, 8, 3) is None  # 128 MB
    assert _fast.phi_cache_for("full", 10_000, 32, 3) is None  # per-component pass
    assert _fast.phi_cache_for("tied", 100, 2) is None  # feature depends on U


@pytest.mark.parametrize("n, d, K", [(30_000, 32, 3), (9_000, 16, 2)])
def test_per_component_path_matches_plain_path(monkeypatch, n, d, K):
    # shapes the cost model sends to the per-component pass; small chunks so that
    # each thread sees several (and a short last one)
    assert _fast.use_per_component("full", d, K)
    monkeypatch.setattr(_fast, "PER_COMPONENT_ROWS", 1000)
    monkeypatch.setattr(_fast, "PHI_CACHE_BYTES", 0)  # no cached feature block
    calls = []
    original = _fast._chunk_e_step_per_component
    monkeypatch.setattr(_fast, "_chunk_e_step_per_component",
                        lambda *args, **kwargs: calls.append(1) or original(*args, **kwargs))
    X = make_blobs(seed=12, n=n, d=d, K=K, offset=20.0)
    fast, _ = fit_both(X, K, "full", max_iter=6, tol=0)
    assert calls, "the per-component pass did not run"
    plain, _ = fit_both(X, K, "full", max_iter=6, engine="plain", tol=0)
    for name in ATTRIBUTES:
        a, b = getattr(fast, name), getattr(plain, name)
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-10 * np.abs(b).max(), err_msg=name)
    np.testing.assert_allclose(fast.lower_bounds_, plain.lower_bounds_, rtol=1e-12)
    calls.clear()
    X_new = X[::7]
    np.testing.assert_allclose(fast.score_samples(X_new), plain.score_samples(X_new), rtol=1e-10)
    np.testing.assert_allclose(fast.predict_proba(X_new), plain.predict_proba(X_new), atol=1e-10)
    assert calls, "prediction did not use the per-component pass"


@pytest.mark.parametrize("d", [1, 3, 32])
def test_per_component_pass_statistics_equal_feature_pass(d):
    rng = np.random.default_rng(d)
    K = 3
    X = rng.normal(size=(2_500, d)) * rng.uniform(0.5, 2, size=d) + 3
    A = rng.normal(size=(K, d, d))
    covariances = A @ np.transpose(A, (0, 2, 1)) + d * np.eye(d)
    U = np.linalg.inv(np.linalg.cholesky(covariances)).transpose(0, 2, 1)  # upper, U U^T = inv(cov)
    weights = np.array([0.2, 0.5, 0.3])
    shift = X.mean(axis=0)
    design = _fast.Design("full", weights, X[:K] - shift, U)
    results = {}
    for per_component in (True, False):
        log_prob_norm, resp = np.empty(len(X)), np.empty((len(X), K))
        total, nk, S = _fast.em_pass(X, shift, design, step=300, per_component=per_component,
                                     out_log_prob_norm=log_prob_norm, out_resp=resp)
        results[per_component] = (total, nk, S, log_prob_norm, resp)
    for a, b in zip(results[True], results[False]):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-10 * np.abs(b).max())


def test_fast_pass_statistics_match_direct_sums():
    rng = np.random.default_rng(7)
    X = rng.normal(size=(500, 3)) + 5
    weights = np.array([0.2, 0.5, 0.3])
    means = X[[0, 1, 2]]
    U = np.stack([np.linalg.cholesky(np.linalg.inv(np.eye(3) * s))[:, ::-1][::-1] for s in (1, 2, 3)])
    U = np.stack([np.triu(u) for u in U])  # any upper-triangular factor with positive diagonal
    U[:, np.arange(3), np.arange(3)] = np.abs(U[:, np.arange(3), np.arange(3)]) + 0.1
    shift = X.mean(axis=0)
    design = _fast.Design("full", weights, means - shift, U)
    log_prob_norm_sum, nk, S = _fast.em_pass(X, shift, design, step=64)
    # direct: responsibilities from the plain path, then the sums
    from gmmlib.mixture import _estimate_log_prob_resp

    log_prob_norm, log_resp = _estimate_log_prob_resp(X, weights, means, U, "full")
    resp = np.exp(log_resp)
    Xc = X - shift
    assert log_prob_norm_sum == pytest.approx(log_prob_norm.sum(), rel=1e-12)
    np.testing.assert_allclose(nk, resp.sum(axis=0), rtol=1e-12)
    np.testing.assert_allclose(S[:, :3], resp.T @ Xc, rtol=1e-10, atol=1e-10)
    j, k = np.triu_indices(3)
    np.testing.assert_allclose(S[:, 3:], resp.T @ (Xc[:, j] * Xc[:, k]), rtol=1e-10, atol=1e-10)


# --------------------------------------------------------------------------
# fit semantics


def test_lower_bounds_are_recorded_per_iteration(X):
    gm = GaussianMixture(3, random_state=0, tol=1e-6, max_iter=500).fit(X)
    assert len(gm.lower_bounds_) == gm.n_iter_
    assert gm.lower_bounds_[-1] == gm.lower_bound_
    assert all(isinstance(b, float) for b in gm.lower_bounds_)
    assert np.all(np.diff(gm.lower_bounds_) >= -1e-12)


def test_convergence_warning_gives_advice(X):
    with pytest.warns(ConvergenceWarning, match=r"max_iter=2 .*increasing max_iter") as record:
        gm = GaussianMixture(3, random_state=0, max_iter=2, tol=0).fit(X)
    assert issubclass(record[0].category, UserWarning)
    assert not gm.converged_ and gm.n_iter_ == 2


def test_max_iter_zero_keeps_the_initial_parameters(X):
    init = initial_params(X, 3, "full")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no ConvergenceWarning for max_iter=0
        gm = GaussianMixture(3, max_iter=0, **init).fit(X)
    np.testing.assert_array_equal(gm.means_, init["means_init"])
    np.testing.assert_allclose(gm.precisions_, init["precisions_init"], rtol=1e-12)
    assert gm.lower_bound_ == -np.inf and gm.lower_bounds_ == [] and gm.n_iter_ == 0


def test_fit_predict_equals_fit_then_predict(X):
    labels = GaussianMixture(3, random_state=0).fit_predict(X)
    np.testing.assert_array_equal(labels, GaussianMixture(3, random_state=0).fit(X).predict(X))


def test_n_init_keeps_the_best_of_the_initialisations(X):
    # one RandomState shared by successive fits reproduces n_init's draws
    rs = np.random.RandomState(0)
    singles = [
        GaussianMixture(3, init_params="random_from_data", random_state=rs).fit(X).lower_bound_
        for _ in range(4)
    ]
    best = GaussianMixture(3, init_params="random_from_data", n_init=4, random_state=0).fit(X)
    assert best.lower_bound_ == pytest.approx(max(singles), rel=1e-12)
    assert len(set(np.round(singles, 8))) > 1  # the initialisations did differ


def test_warm_start_continues_from_the_previous_fit(X):
    init = initial_params(X, 3, "full")
    once = GaussianMixture(3, max_iter=10, tol=0, **init)
    with pytest.warns(ConvergenceWarning):
        once.fit(X)
    twice = GaussianMixture(3, max_iter=5, tol=0, warm_start=True, n_init=3, **init)
    with pytest.warns(ConvergenceWarning):
        twice.fit(X)
    first_bounds = list(twice.lower_bounds_)
    with pytest.warns(ConvergenceWarning):
        twice.fit(X)
    for name in ATTRIBUTES:
        np.testing.assert_allclose(getattr(twice, name), getattr(once, name), rtol=1e-12)
    np.testing.assert_allclose(first_bounds + twice.lower_bounds_, once.lower_bounds_, rtol=1e-12)


@pytest.mark.parametrize("init_params", ["kmeans", "k-means++", "random", "random_from_data"])
@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_every_initialisation_reaches_sklearns_optimum(covariance_type, init_params):
    # 'random' and 'random_from_data' draw exactly as scikit-learn does; k-means and
    # k-means++ are gmmlib's own but land on the same optimum on these clusters.
    # (Tied covariances from one-sample initialisations get stuck in a poor optimum
    # in both libraries: that is EM, not a bug.)
    rng = np.random.default_rng(0)
    centres = np.array([[0.0, 0.0], [20.0, 0.0], [0.0, 20.0]])
    X = np.vstack([c + rng.normal(size=(100, 2)) for c in centres])
    kwargs = dict(covariance_type=covariance_type, init_params=init_params, random_state=0,
                  n_init=3, max_iter=300)
    ours = GaussianMixture(3, **kwargs).fit(X)
    ref = SkGaussianMixture(3, **kwargs).fit(X)
    assert ours.converged_
    assert ours.lower_bound_ == pytest.approx(ref.lower_bound_, rel=1e-6)
    if init_params == "kmeans":  # k-means finds the three clusters
        order = np.lexsort(ours.means_.T[::-1])
        np.testing.assert_allclose(ours.means_[order], centres[[0, 2, 1]], atol=0.5)


def test_own_kmeans_agrees_with_sklearn_kmeans():
    from gmmlib._kmeans import kmeans

    X = make_blobs(seed=2, n=600, d=2)
    labels, _ = kmeans(X, 3, np.random.RandomState(0))
    reference = KMeans(3, n_init=10, random_state=0).fit(X).labels_
    assert adjusted_rand_score(labels, reference) > 0.99


@pytest.mark.parametrize("offset", [1e8, 1e9])
def test_own_kmeans_is_unmoved_by_an_offset(offset):
    # before: |x|^2 - 2 x.c + |c|^2 on uncentred data cancelled to noise (ARI 0.99
    # at 1e8, 0.00001 at 1e9); scikit-learn's KMeans centres the data and finds them
    from gmmlib._kmeans import kmeans

    X = make_blobs(seed=2, n=600, d=2)
    labels, centers = kmeans(X + offset, 3, np.random.RandomState(0))
    reference = KMeans(3, n_init=10, random_state=0).fit(X + offset).labels_
    assert adjusted_rand_score(labels, reference) > 0.99
    np.testing.assert_array_equal(labels, kmeans(X, 3, np.random.RandomState(0))[0])


@pytest.mark.parametrize("engine", ["fast", "plain"])
@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_fit_is_unmoved_by_an_offset(covariance_type, engine, monkeypatch):
    # before: tied failed at X + 1e8 ("not positive definite", smallest eigenvalue -2):
    # its initial M-step X^T X - sum_c m_c mu_c mu_c^T cancelled; scikit-learn fails
    # there too (and for diag/spherical), the fit is the same problem shifted
    monkeypatch.setattr(GaussianMixture, "_engine", engine)
    X = make_blobs(seed=3, n=300, d=2, K=3, offset=0.0)
    kwargs = dict(covariance_type=covariance_type, random_state=0, tol=1e-8, max_iter=500)
    near = GaussianMixture(3, **kwargs).fit(X)
    far = GaussianMixture(3, **kwargs).fit(X + 1e8)
    assert far.lower_bound_ == pytest.approx(near.lower_bound_, rel=1e-6)
    np.testing.assert_allclose(far.means_ - 1e8, near.means_, atol=1e-5)
    np.testing.assert_allclose(far.covariances_, near.covariances_, rtol=1e-4, atol=1e-6)


def test_random_state_makes_fits_reproducible(X):
    a = GaussianMixture(3, init_params="random", random_state=42).fit(X)
    b = GaussianMixture(3, init_params="random", random_state=42).fit(X)
    np.testing.assert_array_equal(a.means_, b.means_)


# --------------------------------------------------------------------------
# sample


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_sample_shapes_seeding_and_sklearn_draws(X, covariance_type):
    ours, ref = fit_both(X, 3, covariance_type, max_iter=10, tol=0, random_state=3)
    samples, labels = ours.sample(250)
    assert samples.shape == (250, 3) and labels.shape == (250,)
    assert set(labels) <= {0, 1, 2} and np.all(np.diff(labels) >= 0)
    again, _ = ours.sample(250)
    np.testing.assert_array_equal(samples, again)  # an int random_state repeats the draws
    ref_samples, ref_labels = ref.sample(250)
    np.testing.assert_array_equal(labels, ref_labels)
    np.testing.assert_allclose(samples, ref_samples, rtol=1e-7)


def test_sample_moments():
    gm = GaussianMixture(
        2, max_iter=0,
        weights_init=[0.3, 0.7],
        means_init=[[0.0, 0.0], [10.0, 5.0]],
        precisions_init=[np.eye(2), np.linalg.inv([[2.0, 0.5], [0.5, 1.0]])],
        random_state=0,
    ).fit(np.zeros((5, 2)) + np.arange(5)[:, None])
    samples, labels = gm.sample(20_000)
    assert abs(np.mean(labels == 1) - 0.7) < 0.01
    np.testing.assert_allclose(np.cov(samples[labels == 1].T), [[2.0, 0.5], [0.5, 1.0]], atol=0.06)


# --------------------------------------------------------------------------
# estimator protocol


def test_get_params_set_params_repr_and_sklearn_clone():
    gm = GaussianMixture(2, covariance_type="diag", random_state=0)
    params = gm.get_params()
    assert sorted(params) == sorted(SkGaussianMixture().get_params())  # scikit-learn's parameters
    assert params["n_components"] == 2 and params["covariance_type"] == "diag"
    assert gm.set_params(n_components=4, tol=1e-4) is gm
    assert gm.n_components == 4 and gm.tol == 1e-4
    assert repr(gm) == "GaussianMixture(n_components=4, covariance_type='diag', tol=0.0001, random_state=0)"
    with pytest.raises(ValueError, match="Invalid parameter 'n_clusters'"):
        gm.set_params(n_clusters=3)
    clone = sk_base.clone(gm)
    assert clone.get_params() == gm.get_params() and clone is not gm


def test_defaults_match_sklearn():
    assert GaussianMixture().get_params() == SkGaussianMixture().get_params()


def test_unfitted_model_raises():
    with pytest.raises(NotFittedError, match="not fitted yet"):
        GaussianMixture(2).predict(np.zeros((3, 2)))


# --------------------------------------------------------------------------
# collapsed components (lesson 7)


def test_collapsed_component_on_old_faithful():
    X = datasets.old_faithful()
    gm = GaussianMixture(6, init_params="random_from_data", random_state=7, max_iter=1000).fit(X)
    collapsed = collapsed_components(gm, X)
    assert collapsed == [0]
    c = collapsed[0]
    # it sits on the eruptions with a waiting time of exactly 80 minutes
    assert gm.means_[c, 1] == pytest.approx(80.0, abs=1e-6)
    assert gm.covariances_[c, 1, 1] == pytest.approx(gm.reg_covar, rel=1e-3)
    assert np.sum(X[:, 1] == 80) == 8


@pytest.mark.parametrize("covariance_type", ["tied", "diag", "spherical"])
def test_collapsed_components_reads_the_fitted_covariance_type(covariance_type):
    # before: it read gm.covariance_type, so after set_params(covariance_type=...) it
    # misread covariances_ (an AxisError for diag -> full, a wrong answer otherwise);
    # predict and bic already use the fitted type
    X = datasets.old_faithful()
    gm = GaussianMixture(6, init_params="random_from_data", random_state=7, max_iter=1000).fit(X)
    gm.set_params(covariance_type=covariance_type)
    assert collapsed_components(gm, X) == [0]
    diag = GaussianMixture(2, covariance_type="diag", random_state=0).fit(X)
    assert collapsed_components(diag.set_params(covariance_type="full"), X) == []
    # a scikit-learn model records no fitted type: a clear error, not a NumPy one
    ref = SkGaussianMixture(2, covariance_type="diag", random_state=0).fit(X)
    with pytest.raises(ValueError, match=r"covariances_ has shape \(2, 2\).*changed after fit"):
        collapsed_components(ref.set_params(covariance_type="spherical"), X)


def test_no_collapse_on_a_sensible_fit():
    X = datasets.old_faithful()
    gm = GaussianMixture(2, random_state=0).fit(X)
    assert collapsed_components(gm, X) == []


def test_collapse_needs_several_samples_on_one_value():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 2)) * [1.0, 3.0]
    X[:6, 1] = 2.0  # six samples share feature 1 exactly
    init = dict(
        weights_init=[0.9, 0.1],
        means_init=[[0.0, 0.0], [X[:6, 0].mean(), 2.0]],
        precisions_init=[np.diag([1.0, 1 / 9]), np.diag([1.0, 1e4])],
    )
    gm = GaussianMixture(2, max_iter=1000, tol=1e-10, **init).fit(X)
    assert collapsed_components(gm, X) == [1]
    assert collapsed_components(gm, X, min_samples=7) == []
    # scikit-learn's model is accepted too, and collapses the same way
    ref = SkGaussianMixture(2, max_iter=1000, tol=1e-10, **init).fit(X)
    assert collapsed_components(ref, X) == [1]


@pytest.mark.parametrize("method", ["fit", "fit_predict"])
def test_convergence_warning_points_at_the_callers_line(X, method):
    # before: stacklevel=3 blamed gmmlib/mixture.py (the line in fit that calls _fit)
    gm = GaussianMixture(3, random_state=0, max_iter=1)
    with pytest.warns(ConvergenceWarning) as record:
        getattr(gm, method)(X)
    assert record[0].filename == __file__


def test_verbose_output(X, capsys):
    GaussianMixture(3, random_state=0, verbose=1, n_init=2, max_iter=500).fit(X)
    out = capsys.readouterr().out
    assert "Initialization 0" in out and "Initialization 1" in out
    assert "Initialization converged." in out
    with pytest.warns(ConvergenceWarning):
        GaussianMixture(3, random_state=0, verbose=2, max_iter=20, tol=0).fit(X)
    out = capsys.readouterr().out
    assert "  Iteration 10\t time lapse" in out and "ll change" in out
    assert "Initialization did not converge. time lapse" in out and "lower bound" in out
    GaussianMixture(3, random_state=0).fit(X)
    assert capsys.readouterr().out == ""  # verbose=0 prints nothing


# --------------------------------------------------------------------------
# issue 13: defects a peer test suite found (each test failed before its fix)


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_defect_2_changing_n_components_after_fit_keeps_the_fitted_model(covariance_type):
    X = make_blobs()
    gm = GaussianMixture(2, covariance_type=covariance_type, random_state=0).fit(X)
    expected = gm.predict_proba(X), gm.predict(X), gm.score_samples(X), gm.bic(X)
    gm.set_params(n_components=3, covariance_type="spherical" if covariance_type != "spherical" else "full")
    # as scikit-learn: the fitted components are used until the next fit
    np.testing.assert_array_equal(gm.predict_proba(X), expected[0])
    np.testing.assert_array_equal(gm.predict(X), expected[1])
    np.testing.assert_array_equal(gm.score_samples(X), expected[2])
    assert gm.bic(X) == expected[3]
    assert gm.sample(4)[0].shape == (4, X.shape[1])


def tight_far_cluster(seed=0):
    rng = np.random.default_rng(seed)
    broad = rng.normal(size=(300, 2))
    tight = 100.0 + 1e-6 * rng.normal(size=(40, 2))
    return np.vstack([broad, tight])


@pytest.mark.parametrize("engine", ["fast", "plain"])
def test_defect_3_tight_cluster_far_away_with_reg_covar_0(engine, monkeypatch):
    # before: the fast M-step's sums-of-products form lost the 1e-12 variance to
    # cancellation and reported "not positive definite" (eigenvalue -2.8e-13)
    X = tight_far_cluster()
    init = dict(weights_init=[0.5, 0.5], means_init=[[0.0, 0.0], [100.0, 100.0]],
                precisions_init=np.stack([np.eye(2)] * 2))
    monkeypatch.setattr(GaussianMixture, "_engine", engine)
    ours = GaussianMixture(2, reg_covar=0.0, max_iter=20, tol=0, **init)
    theirs = SkGaussianMixture(2, reg_covar=0.0, max_iter=20, tol=0, **init)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ours.fit(X)
        theirs.fit(X)
    tight_variances = np.linalg.eigvalsh(ours.covariances_[1])
    np.testing.assert_allclose(tight_variances, np.linalg.eigvalsh(np.cov(X[300:].T, bias=True)), rtol=1e-3)
    np.testing.assert_allclose(ours.covariances_[1], theirs.covariances_[1], rtol=1e-6, atol=1e-18)
    np.testing.assert_allclose(ours.means_, theirs.means_, rtol=1e-12)


def test_defect_6_a_samples_score_does_not_depend_on_the_other_rows():
    # before: the batch was centred on its own mean, so a far outlier in the same
    # call moved every other row's log-density (by up to 5e-10)
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 3)) + 50.0
    for covariance_type in COVARIANCE_TYPES:
        gm = GaussianMixture(3, covariance_type=covariance_type, random_state=0).fit(X)
        alone = np.concatenate([gm.score_samples(X[i:i + 1]) for i in range(20)])
        with_outlier = gm.score_samples(np.vstack([X[:20], [[3e3, -3e3, 3e3]]]))[:20]  # main: 5e-12
        np.testing.assert_allclose(with_outlier, alone, rtol=1e-15, atol=0)


@pytest.mark.parametrize("engine", ["fast", "plain"])
@pytest.mark.parametrize("covariance_type", ["diag", "spherical"])
def test_defect_3_tight_cluster_far_away_diagonal(engine, covariance_type, monkeypatch):
    # the diagonal M-step's E[x^2] - mu^2 loses a variance 1e-12 next to mu^2 ~ 1e4:
    # such a component is summed again as (x - mu)^2 (gmmlib._gaussian)
    X = tight_far_cluster()
    precisions = np.ones((2, 2)) if covariance_type == "diag" else np.ones(2)
    monkeypatch.setattr(GaussianMixture, "_engine", engine)
    gm = GaussianMixture(2, covariance_type=covariance_type, reg_covar=0.0, max_iter=20, tol=0,
                         weights_init=[0.5, 0.5], means_init=[[0.0, 0.0], [100.0, 100.0]],
                         precisions_init=precisions)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        gm.fit(X)
    exact = X[300:].var(axis=0)  # NumPy's two-pass variance of the tight cluster
    expected = exact if covariance_type == "diag" else exact.mean()
    np.testing.assert_allclose(gm.covariances_[1], expected, rtol=1e-6)
