r"""The fast EM pass behind :class:`gmmlib.GaussianMixture`.

The idea: a Gaussian is an exponential family. Its log-density is *linear* in
the features :math:`\phi(x) = [x, \operatorname{triu}(x x^\top)]`:

.. math::

    \log \pi_c + \log \mathcal{N}(x \mid \mu_c, \Lambda_c^{-1})
    = \underbrace{\log\pi_c - \tfrac{d}{2}\log 2\pi + \tfrac12\log|\Lambda_c|
      - \tfrac12 \mu_c^\top \Lambda_c \mu_c}_{\text{const}_c}
      + x^\top \Lambda_c \mu_c - \tfrac12 x^\top \Lambda_c x ,

so the log-densities of *all* components for a block of rows are one matrix
product ``phi @ W + const`` (``W`` has shape (n_features_phi, K)). The M-step
needs the weighted sums :math:`m_c = \sum_i r_{ic}`,
:math:`\sum_i r_{ic} x_i` and :math:`\sum_i r_{ic} x_i x_i^\top`, which are one
more product, ``resp.T @ phi``, with the *same* feature block. One pass over
the rows, in chunks, therefore does an E-step and collects everything the next
M-step needs ("fused E+M pass"); memory is bounded by the chunk size, not by
``n``.

Feature maps per covariance type (``Lambda = U U^T``, ``U`` the precision
Cholesky factor):

=========  ==========================  ===========================================
type       features ``phi(x)``          weights ``W`` (columns are components)
=========  ==========================  ===========================================
full       ``[x, x_j x_k (j <= k)]``   ``[Lambda mu, -Lambda_jj / 2 | -Lambda_jk]``
tied       ``[x, |x U|^2]``             ``[Lambda mu, -1/2]``
diag       ``[x, x**2]``                ``[lambda * mu, -lambda / 2]``
spherical  ``[x, |x|^2]``               ``[lambda * mu, -lambda / 2]``
=========  ==========================  ===========================================

Numerical and speed care:

- the data are centred (chunk by chunk, so X is never copied) to keep
  :math:`x^\top\Lambda x` and :math:`\mu^\top\Lambda\mu` from cancelling
  catastrophically; if the components' means still lie, on average (weighted
  by mass), more than ``sqrt(KAPPA_MAX)`` = 1000 of their standard deviations
  from the data's centre (``Design.kappa(weights) > KAPPA_MAX``), the
  cancellation could cost more than ~1e-10 and the estimator runs its plain
  path for that iteration instead;
- responsibilities below ``exp(-667)`` (~1e-290) are flushed to exactly 0,
  or inside a fit (statistics wanted, responsibilities not returned) raised
  to that floor, which is cheaper (subnormal numbers make the next matrix
  product several times slower and change nothing measurable);
- with at most 3 components the two products with the feature block run as
  one matrix-vector product per component (faster in OpenBLAS than a matrix
  product with so few columns);
- blocks are stored transposed, (features, rows) and (K, rows), in buffers
  reused for every chunk, so each operation runs on contiguous vectors;
- when all feature blocks fit in ``PHI_CACHE_BYTES`` (32 MiB; 64 MiB if they are
  at most 4 times as large as X) they are built once per fit instead of once
  per iteration (not for tied covariances, whose
  feature ``|x U|^2`` changes with ``U``);
- rows are split over two threads, each running single-threaded BLAS;
- for full covariances with large ``d`` and few components the feature block
  (``d + d(d+1)/2`` columns: 560 at ``d = 32``) is too wide: streaming it
  through two skinny (``K``-column) products is memory-bound. There a
  *per-component* fused pass is used instead (:func:`use_per_component`, a cost
  model): for each component one product gives the whitened residuals
  :math:`y_i = U_c^\top (x_i - \mu_c)` (``log N = const_c - |y_i|^2 / 2``), and
  after the responsibilities one more gives the weighted scatter
  :math:`\sum_i r_{ic} x_i x_i^\top = Z Z^\top` with :math:`Z = x \sqrt{r_c}`
  (a symmetric rank-k update). It returns the same statistics ``nk, S``.

:mod:`gmmlib._gaussian` holds the plainly written per-component maths (the
estimator's plain path, and the lesson functions of :mod:`gmmlib.core`) that
this module is tested against.
"""

import os
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, nullcontext

import numpy as np

from ._gaussian import COVARIANCE_TYPES, LOG_2PI

try:  # optional: installed with scikit-learn, but gmmlib does not require it
    from threadpoolctl import ThreadpoolController
except ImportError:  # pragma: no cover
    ThreadpoolController = None

#: log-responsibilities below this are flushed to 0 (exp(-667) ~ 1e-290)
LOG_FLUSH = -667.0
#: target size in bytes of one chunk's work arrays (feature block, centred rows,
#: responsibilities). Measured on the benchmark machine at n = 1M: with 2 MiB each
#: chunk had too few rows for the ~20 NumPy calls made on it, and the Python between
#: those calls (which holds the GIL) kept the two threads waiting for each other;
#: 4 MiB made a pass 5-25 % faster, and 6 or 12 MiB were no faster than 4
CHUNK_BYTES = 2**22
#: fewest and most rows per chunk
MIN_CHUNK_ROWS, MAX_CHUNK_ROWS = 256, 65536
#: largest sum_c pi_c mu_c^T Lambda_c mu_c (centred frame) for which the fast path
#: is used; beyond it the cancellation in x^T Lambda x - 2 x^T Lambda mu + mu^T Lambda mu
#: could cost more than ~1e-10 (eps * KAPPA_MAX), and the plain path runs instead
KAPPA_MAX = 1e6
#: largest total size in bytes of the feature blocks kept between iterations; twice
#: that if the blocks are at most PHI_CACHE_MAX_RATIO times as large as X (a block much
#: wider than X is no cheaper to stream from memory than to rebuild from X)
PHI_CACHE_BYTES = 2**25
PHI_CACHE_MAX_RATIO = 4
#: smallest number of rows for which a second thread is worth starting
MIN_ROWS_FOR_THREADS = 20_000
#: up to this many components the products with the feature block run one component
#: at a time (matrix-vector): OpenBLAS's matrix product is slow with 3 or fewer
#: columns (measured: about 2x slower than three matrix-vector products at d = 8..32)
MAX_K_PER_ROW_PRODUCTS = 3
#: rows per chunk of the per-component pass (three (d, rows) blocks of work space)
PER_COMPONENT_ROWS = 4096


def n_phi(covariance_type, n_features):
    """Number of feature columns of ``phi(x)``."""
    d = n_features
    return {"full": d + d * (d + 1) // 2, "tied": d + 1, "diag": 2 * d, "spherical": d + 1}[
        covariance_type
    ]


def chunk_rows(covariance_type, n_features, n_components):
    """Rows per chunk so that a chunk's work arrays stay near ``CHUNK_BYTES``."""
    width = n_phi(covariance_type, n_features) + 2 * n_components + n_features
    return min(max(CHUNK_BYTES // (8 * width), MIN_CHUNK_ROWS), MAX_CHUNK_ROWS)


def use_per_component(covariance_type, n_features, n_components):
    """Whether the per-component pass is cheaper than the feature block (full only).

    A cost model in rough nanoseconds per row, fitted on this project's
    benchmark machine (single-threaded OpenBLAS): the feature pass pays for
    building and streaming ``n_phi`` columns (memory-bound, ~2.5 ns each) plus
    ``~0.1 ns`` per column and component in the two skinny products; the
    per-component pass does ``3 d^2`` flops per component in ``d x d`` products
    (~0.25 ns per ``d^2``) plus ~40 ns of per-component vector work. The
    per-component pass is picked for ``K <= 2`` at ``d = 8``, ``K <= 4`` at
    ``d = 16``, ``K <= 5`` at ``d = 32`` (and ``K <= 6`` at ``d = 64``).
    """
    if covariance_type != "full":
        return False
    d, K = n_features, n_components
    width = n_phi("full", d)
    cost_features = width * (2.5 + 0.1 * K)
    cost_per_component = K * (0.25 * d * d + 40.0)
    return cost_per_component < cost_features


class Design:
    """Feature map ``phi`` and its coefficients for one covariance type.

    Parameters
    ----------
    covariance_type : {'full', 'tied', 'diag', 'spherical'}
    weights : ndarray of shape (K,)
    means : ndarray of shape (K, d)
        Means in the *centred* frame (``mu - shift``).
    precisions_chol : ndarray
        Cholesky factors of the precisions, shaped as in scikit-learn.
    """

    def __init__(self, covariance_type, weights, means, precisions_chol):
        self.covariance_type = covariance_type
        self.precisions_chol = precisions_chol
        K, d = means.shape
        self.n_features = d
        if covariance_type == "full":
            self.triu = np.triu_indices(d)
        with np.errstate(divide="ignore"):  # log(0) = -inf for an empty component
            log_weights = np.log(weights)
        W, const, mu_Lambda_mu = getattr(self, "_coefficients_" + covariance_type)(
            means, precisions_chol
        )
        #: squared Mahalanobis distance of each component mean from the centre, (K,)
        self.mu_Lambda_mu = mu_Lambda_mu
        self.W = np.ascontiguousarray(W)
        self.W_T = np.ascontiguousarray(W.T)
        self.const = log_weights - 0.5 * d * LOG_2PI + const
        if covariance_type == "full":  # for the per-component pass
            #: U_c^T, shape (K, d, d), and U_c^T mu_c, shape (K, d)
            self.U_T = np.ascontiguousarray(np.transpose(precisions_chol, (0, 2, 1)))
            self.mu_U = np.einsum("kj,kjl->kl", means, precisions_chol)
            log_det = np.log(np.diagonal(precisions_chol, axis1=1, axis2=2)).sum(axis=1)
            #: log pi_c - d/2 log 2 pi + log|U_c|
            self.const_whitened = log_weights - 0.5 * d * LOG_2PI + log_det

    # -- coefficients: W of shape (n_phi, K) and const of shape (K,) ---------
    def kappa(self, weights):
        r"""Cancellation factor :math:`\kappa = \sum_c \pi_c \, \mu_c^\top \Lambda_c \mu_c`.

        Rounding in the exponential-family form costs about ``eps * kappa`` in
        the mean log-likelihood, each component weighted by its mass (so an
        empty or single-sample component at the ``reg_covar`` floor does not
        force the slow path).
        """
        return float(np.dot(weights, self.mu_Lambda_mu))

    def _coefficients_full(self, means, precisions_chol):
        K, d = means.shape
        mu_U = np.einsum("kj,kjl->kl", means, precisions_chol)  # mu^T U, shape (K, d)
        precisions = precisions_chol @ np.transpose(precisions_chol, (0, 2, 1))  # U U^T
        linear = np.einsum("kl,kjl->kj", mu_U, precisions_chol)  # Lambda mu = U (U^T mu)
        j, k = self.triu
        quadratic = -precisions[:, j, k]  # off-diagonal x_j x_k appears twice ...
        quadratic[:, j == k] *= 0.5  # ... the diagonal once: -Lambda_jj / 2
        log_det = np.log(np.diagonal(precisions_chol, axis1=1, axis2=2)).sum(axis=1)
        mu_Lambda_mu = np.einsum("kl,kl->k", mu_U, mu_U)
        return np.hstack([linear, quadratic]).T, log_det - 0.5 * mu_Lambda_mu, mu_Lambda_mu

    def _coefficients_tied(self, means, precisions_chol):
        K, d = means.shape
        mu_U = means @ precisions_chol
        linear = mu_U @ precisions_chol.T  # Lambda mu_c as rows
        log_det = np.log(np.diagonal(precisions_chol)).sum()
        mu_Lambda_mu = np.einsum("kl,kl->k", mu_U, mu_U)
        W = np.vstack([linear.T, np.full((1, K), -0.5)])
        return W, log_det - 0.5 * mu_Lambda_mu, mu_Lambda_mu

    def _coefficients_diag(self, means, precisions_chol):
        precisions = precisions_chol**2
        log_det = np.log(precisions_chol).sum(axis=1)
        mu_Lambda_mu = np.sum(means**2 * precisions, axis=1)
        W = np.vstack([(means * precisions).T, -0.5 * precisions.T])
        return W, log_det - 0.5 * mu_Lambda_mu, mu_Lambda_mu

    def _coefficients_spherical(self, means, precisions_chol):
        precisions = precisions_chol**2
        d = means.shape[1]
        log_det = d * np.log(precisions_chol)
        mu_Lambda_mu = precisions * np.sum(means**2, axis=1)
        W = np.vstack([(means * precisions[:, np.newaxis]).T, -0.5 * precisions[np.newaxis, :]])
        return W, log_det - 0.5 * mu_Lambda_mu, mu_Lambda_mu

    # -- features ------------------------------------------------------------
    def phi_T(self, XcT, out):
        """Write the transposed feature block ``phi(x)^T`` (n_phi, m) into ``out``.

        ``XcT`` holds centred rows as columns, shape (d, m). Rows of ``out`` are
        features, so each is built by one contiguous vector operation.
        """
        t, d = self.covariance_type, self.n_features
        out[:d] = XcT
        if t == "full":
            position = d
            for j in range(d):  # x_j * x_k for k >= j
                width = d - j
                np.multiply(XcT[j], XcT[j:], out=out[position:position + width])
                position += width
        elif t == "diag":
            np.multiply(XcT, XcT, out=out[d:])
        elif t == "spherical":
            np.einsum("jm,jm->m", XcT, XcT, out=out[d])
        else:  # tied: |x^T U|^2
            Y = self.precisions_chol.T @ XcT
            np.einsum("jm,jm->m", Y, Y, out=out[d])
        return out


class _Buffers:
    """Work arrays of one thread, allocated once and reused for every chunk.

    Views of the first ``rows * m`` entries of flat arrays, so that a short
    last chunk still gets C-contiguous operands (fast BLAS, no copies).
    """

    def __init__(self, design, step, per_component=False):
        d, width, K = design.n_features, design.W.shape[0], design.W.shape[1]
        self.shapes = (d, d if per_component else width, K)
        self.flat = [np.empty(rows * step) for rows in self.shapes]

    def views(self, m):
        return [flat[: rows * m].reshape(rows, m) for flat, rows in zip(self.flat, self.shapes)]


def _chunk_phi(design, X_chunk, shift, buffers):
    """Centre a chunk of rows on the fly and build its feature block ``phi_T``."""
    XcT, phi_T, _ = buffers.views(X_chunk.shape[0])
    np.subtract(X_chunk.T, shift[:, np.newaxis], out=XcT)
    return design.phi_T(XcT, phi_T)


def _chunk_e_step(design, phi_T, buffers, exact_zeros=True):
    """Responsibilities and log p(x_i) for one chunk of ``m`` rows.

    Everything is laid out with the rows of ``X`` along the last axis, so each
    reduction over components is an element-wise operation between K
    contiguous vectors. Returns ``resp_T`` (K, m), a view of the thread's
    buffer, and ``log_prob_norm`` (m,).
    """
    log_prob_T = buffers.views(phi_T.shape[1])[2]
    if log_prob_T.shape[0] <= MAX_K_PER_ROW_PRODUCTS:
        for c in range(log_prob_T.shape[0]):  # log(pi_c N_ic) minus const_c
            np.matmul(design.W_T[c], phi_T, out=log_prob_T[c])
    else:
        np.matmul(design.W_T, phi_T, out=log_prob_T)
    log_prob_T += design.const[:, np.newaxis]
    return _normalise(log_prob_T, exact_zeros)


def _chunk_stats(resp_T, phi_T, S):
    """Add ``resp_T @ phi_T.T`` = sum_i r_ic phi(x_i), shape (K, n_phi), to ``S``."""
    if resp_T.shape[0] <= MAX_K_PER_ROW_PRODUCTS:
        for c in range(resp_T.shape[0]):
            S[c] += phi_T @ resp_T[c]
    else:
        S += resp_T @ phi_T.T


def _normalise(log_prob_T, exact_zeros=True):
    """In place: log(pi_c N_ic) (K, m) -> responsibilities; also returns log p(x_i).

    Responsibilities below ``exp(LOG_FLUSH)`` (~1e-290) are set to exactly 0
    (``exact_zeros``, for responsibilities the caller sees) or raised to that
    floor (inside a fit only: ``exp(-inf)`` costs ~4 times a normal ``exp``, and
    the floor moves each M-step sum by at most ``n * 1e-290`` times the data's
    scale). Either way no subnormal number reaches the next matrix product. A
    row that no component can explain (every entry -inf: density 0) keeps
    ``log p(x_i) = -inf`` either way.
    """
    top = np.max(log_prob_T, axis=0)
    impossible = top == -np.inf
    top[~np.isfinite(top)] = 0.0
    log_prob_T -= top  # log(pi_c N_ic) - max_j log(pi_j N_ij) <= 0
    if exact_zeros:
        np.copyto(log_prob_T, -np.inf, where=log_prob_T < LOG_FLUSH)
    else:
        np.maximum(log_prob_T, LOG_FLUSH, out=log_prob_T)
        if impossible.any():
            log_prob_T[:, impossible] = -np.inf
    resp_T = np.exp(log_prob_T, out=log_prob_T)
    total = np.sum(resp_T, axis=0)
    resp_T /= total
    log_prob_norm = np.log(total)
    log_prob_norm += top
    return resp_T, log_prob_norm


def _chunk_e_step_per_component(design, XcT, buffers, exact_zeros=True):
    """As :func:`_chunk_e_step`, with one whitening product per component.

    ``log(pi_c N_ic) = const_whitened_c - |U_c^T x_i - U_c^T mu_c|^2 / 2``.
    """
    _, Y, log_prob_T = buffers.views(XcT.shape[1])
    for c in range(log_prob_T.shape[0]):
        np.matmul(design.U_T[c], XcT, out=Y)  # whitened residuals, (d, m)
        Y -= design.mu_U[c][:, np.newaxis]
        np.square(Y, out=Y)
        np.sum(Y, axis=0, out=log_prob_T[c])
    log_prob_T *= -0.5
    log_prob_T += design.const_whitened[:, np.newaxis]
    return _normalise(log_prob_T, exact_zeros)


def _scatter_per_component(XcT, resp_T, Z, S):
    """Add ``sum_i r_ic [x_i, triu(x_i x_i^T)]`` to ``S`` (K, n_phi), per component.

    The scatter is ``Z Z^T`` with ``Z = x sqrt(r_c)``, which NumPy hands to
    BLAS as a symmetric rank-k update (half the flops of a general product).
    """
    d = XcT.shape[0]
    j, k = np.triu_indices(d)
    S[:, :d] += resp_T @ XcT.T
    root = np.sqrt(resp_T)
    for c in range(resp_T.shape[0]):
        np.multiply(XcT, root[c], out=Z)
        S[c, d:] += (Z @ Z.T)[j, k]


def _work(X, shift, design, rows, want_stats, out_log_prob_norm, out_resp, step, cache,
          per_component=False):
    """Process rows[0]:rows[1] chunk by chunk; return partial sums."""
    K = design.W.shape[1]
    buffers = _Buffers(design, min(step, max(rows[1] - rows[0], 1)), per_component)
    floor = want_stats and out_resp is None  # inside a fit: floor, not exact zeros
    log_prob_norm_sum = 0.0
    nk = np.zeros(K)
    S = np.zeros((K, design.W.shape[0])) if want_stats else None
    for start in range(rows[0], rows[1], step):
        stop = min(start + step, rows[1])
        if per_component:
            XcT, Z, _ = buffers.views(stop - start)
            np.subtract(X[start:stop].T, shift[:, np.newaxis], out=XcT)
            resp_T, log_prob_norm = _chunk_e_step_per_component(design, XcT, buffers,
                                                                exact_zeros=not floor)
            log_prob_norm_sum += _record(start, stop, resp_T, log_prob_norm, out_resp, out_log_prob_norm)
            if want_stats:
                nk += resp_T.sum(axis=1)
                _scatter_per_component(XcT, resp_T, Z, S)
            continue
        if cache is not None and start in cache:
            phi_T = cache[start]
        elif cache is not None:  # first pass: build the block straight into the cache
            phi_T = np.empty((design.W.shape[0], stop - start))
            XcT = buffers.views(stop - start)[0]
            np.subtract(X[start:stop].T, shift[:, np.newaxis], out=XcT)
            cache[start] = design.phi_T(XcT, phi_T)
        else:
            phi_T = _chunk_phi(design, X[start:stop], shift, buffers)
        resp_T, log_prob_norm = _chunk_e_step(design, phi_T, buffers, exact_zeros=not floor)
        log_prob_norm_sum += _record(start, stop, resp_T, log_prob_norm, out_resp, out_log_prob_norm)
        if want_stats:
            nk += resp_T.sum(axis=1)
            _chunk_stats(resp_T, phi_T, S)
    return log_prob_norm_sum, nk, S


def _record(start, stop, resp_T, log_prob_norm, out_resp, out_log_prob_norm):
    """Store one chunk's outputs where the caller asked for them; return its log-likelihood sum."""
    if out_log_prob_norm is not None:
        out_log_prob_norm[start:stop] = log_prob_norm
    if out_resp is not None:
        out_resp[start:stop] = resp_T.T
    return log_prob_norm.sum()


def phi_cache_for(covariance_type, n_samples, n_features, n_components=None):
    """An empty cache for the feature blocks if they fit in ``PHI_CACHE_BYTES``, else None.

    ``phi(x)`` does not change between EM iterations (except for tied
    covariances, whose feature depends on the precision), so small problems
    build it once. No cache either when the per-component pass will run
    (measured: it beats even a cached feature block where the cost model picks it).
    """
    if covariance_type == "tied":
        return None
    if n_components is not None and use_per_component(covariance_type, n_features, n_components):
        return None
    width = n_phi(covariance_type, n_features)
    limit = PHI_CACHE_BYTES
    if width <= PHI_CACHE_MAX_RATIO * n_features:
        limit = 2 * PHI_CACHE_BYTES
    if 8 * width * n_samples > limit:
        return None
    return {}


_controller = []


@contextmanager
def single_threaded_blas():
    """Limit BLAS to one thread (if threadpoolctl is available).

    The controller (which scans the loaded libraries, ~1 ms) is made once.
    """
    if ThreadpoolController is None:  # pragma: no cover
        yield
        return
    if not _controller:
        _controller.append(ThreadpoolController())
    with _controller[0].limit(limits=1, user_api="blas"):
        yield


def n_threads_for(n_samples):
    """Two threads for large data, one otherwise."""
    cpus = os.cpu_count() or 1
    return 2 if (cpus >= 2 and n_samples >= MIN_ROWS_FOR_THREADS) else 1


def em_pass(X, shift, design, *, want_stats=True, out_log_prob_norm=None, out_resp=None,
            step=None, n_threads=None, executor=None, cache=None, per_component=None):
    """One pass over ``X``: E-step, and (``want_stats``) the M-step statistics.

    Parameters
    ----------
    X : ndarray of shape (n, d)
        Data, *not* centred (each chunk is centred on the fly, so no copy of X).
    shift : ndarray of shape (d,)
        The centre subtracted from every row.
    design : Design
    want_stats : bool
        Also accumulate ``nk`` (K,) and ``S = resp.T @ phi`` (K, n_phi).
    out_log_prob_norm, out_resp : ndarray, optional
        If given, receive ``log p(x_i)`` (n,) and the responsibilities (n, K).
    cache : dict, optional
        Feature blocks by chunk start (see :func:`phi_cache_for`); filled on the
        first pass, reused on the next ones (same ``X``, ``shift`` and ``step``).
    per_component : bool, optional
        Force (True) or forbid (False) the per-component pass (full covariances
        only); by default :func:`use_per_component` decides. The per-component
        pass ignores ``cache``.

    Returns
    -------
    log_prob_norm_sum : float
        :math:`\\sum_i \\log p(x_i)`.
    nk, S : ndarray or None
    """
    n = X.shape[0]
    if per_component is None:
        per_component = use_per_component(design.covariance_type, design.n_features,
                                          design.W.shape[1])
    if per_component:
        cache = None
    if step is None:
        step = (PER_COMPONENT_ROWS if per_component else
                chunk_rows(design.covariance_type, design.n_features, design.W.shape[1]))
    if n_threads is None:
        n_threads = n_threads_for(n)
    if n_threads == 1 or executor is None:
        return _work(X, shift, design, (0, n), want_stats, out_log_prob_norm, out_resp, step,
                     cache, per_component)
    bounds = np.linspace(0, n, n_threads + 1).astype(int)
    futures = [
        executor.submit(_work, X, shift, design, (bounds[t], bounds[t + 1]), want_stats,
                        out_log_prob_norm, out_resp, step, cache, per_component)
        for t in range(n_threads)
    ]
    parts = [f.result() for f in futures]  # summed in a fixed order: deterministic
    log_prob_norm_sum = sum(p[0] for p in parts)
    nk = sum(p[1] for p in parts)
    S = sum(p[2] for p in parts) if want_stats else None
    return log_prob_norm_sum, nk, S


def gram(X, shift, step=16384):
    """:math:`\\sum_i (x_i - s)(x_i - s)^\\top`, chunked (for tied covariances)."""
    d = X.shape[1]
    G = np.zeros((d, d))
    for start in range(0, X.shape[0], step):
        Xc = X[start:start + step] - shift
        G += Xc.T @ Xc
    return G


def m_step_from_stats(covariance_type, nk_raw, S, n_features, reg_covar, gram_matrix=None):
    """The M-step of scikit-learn's ``_estimate_gaussian_parameters`` from sums.

    With ``nk = m_c + 10 eps`` (scikit-learn's guard against empty components):
    ``mu_c = sum_i r_ic x_i / nk`` and, for full covariances,

    .. math::

        \\Sigma_c = \\frac{1}{nk}\\Big[\\sum_i r_{ic} x_i x_i^\\top
        - \\mu_c s_c^\\top - s_c \\mu_c^\\top + m_c \\mu_c \\mu_c^\\top\\Big]
        + \\text{reg\\_covar}\\, I, \\qquad s_c = \\sum_i r_{ic} x_i ,

    which equals :math:`\\frac1{nk}\\sum_i r_{ic}(x_i-\\mu_c)(x_i-\\mu_c)^\\top`.

    Returns
    -------
    nk, means, covariances  (means in the centred frame)
    """
    d = n_features
    K = nk_raw.shape[0]
    nk = nk_raw + 10 * np.finfo(float).eps
    sx = S[:, :d]
    means = sx / nk[:, np.newaxis]
    if covariance_type == "full":
        j, k = np.triu_indices(d)
        sxx = np.empty((K, d, d))
        sxx[:, j, k] = S[:, d:]
        sxx[:, k, j] = S[:, d:]
        cross = sx[:, :, np.newaxis] * means[:, np.newaxis, :]  # s_c mu_c^T
        outer = means[:, :, np.newaxis] * means[:, np.newaxis, :]
        covariances = sxx - cross - np.transpose(cross, (0, 2, 1)) + nk_raw[:, None, None] * outer
        covariances /= nk[:, np.newaxis, np.newaxis]
        covariances = 0.5 * (covariances + np.transpose(covariances, (0, 2, 1)))
        covariances[:, np.arange(d), np.arange(d)] += reg_covar
    elif covariance_type == "tied":
        covariances = (gram_matrix - (nk * means.T) @ means) / nk.sum()
        covariances = 0.5 * (covariances + covariances.T)
        covariances.flat[:: d + 1] += reg_covar
    elif covariance_type == "diag":
        covariances = S[:, d:] / nk[:, np.newaxis] - means**2 + reg_covar
    else:
        covariances = (S[:, d] / nk - np.sum(means**2, axis=1)) / d + reg_covar
    return nk, means, covariances


def m_step_kappa(covariance_type, weights, means, covariances):
    r"""The cancellation factor of an M-step's result (means in the centred frame).

    :math:`\sum_c \pi_c \max_j \mu_{cj}^2 / \Sigma_{c,jj}`, a lower bound of
    :meth:`Design.kappa` for the new parameters (:math:`\mu^\top\Sigma^{-1}\mu
    \ge \mu_j^2/\Sigma_{jj}`). :func:`m_step_from_stats` computes a variance as
    :math:`E[x^2] - \mu^2`, which loses about ``eps * kappa`` of it; beyond
    ``KAPPA_MAX`` the estimator redoes the iteration on its plain path.
    """
    variances = COVARIANCE_TYPES[covariance_type].feature_variances(covariances, *means.shape)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.max(means**2 / variances, axis=1)
    if not np.isfinite(ratio).all():  # a variance <= 0: let the plain path decide
        return np.inf
    return float(np.dot(weights, ratio))


def maybe_executor(n_samples):
    """A 2-thread pool for large data, else ``None`` (used as a context)."""
    if n_threads_for(n_samples) > 1:
        return ThreadPoolExecutor(max_workers=2)
    return nullcontext()
