r"""The Gaussian maths of EM, once: one readable implementation per covariance type.

Both the lesson functions (:mod:`gmmlib.core`: ``mvn_logpdf``, ``e_step``,
``m_step``) and the estimator's *plain path* (:class:`gmmlib.GaussianMixture`
with ``_engine = "plain"``, and on the fast path whenever that path hands an
iteration over) run the code below; :mod:`gmmlib._fast` is the optimised
version of the same E- and M-step, tested against it.

A covariance type is an object of :data:`COVARIANCE_TYPES` (``FULL``, ``TIED``,
``DIAG``, ``SPHERICAL``) with the same methods, so callers never branch on the
type. Covariance shapes, as in scikit-learn:

=========  ==========================  =====================================
type       ``covariances`` shape         meaning
=========  ==========================  =====================================
full       (K, d, d)                     one full matrix per component
tied       (d, d)                        one matrix shared by all components
diag       (K, d)                        a diagonal per component
spherical  (K,)                          one variance per component
=========  ==========================  =====================================

The precisions are kept as the upper-triangular Cholesky factor ``U`` of the
precision matrix (scikit-learn's ``precisions_cholesky_``):
:math:`\Sigma^{-1} = U U^\top`, :math:`U = L^{-\top}` for :math:`\Sigma = L L^\top`,
so :math:`(x-\mu)^\top\Sigma^{-1}(x-\mu) = \lVert (x-\mu)^\top U \rVert^2` and
:math:`\log|U| = -\tfrac12\log|\Sigma|`; for ``diag`` and ``spherical``
:math:`U` is :math:`1/\sigma`.

Conventions (the callers choose, these functions take what they are given):

- *empty component*: the M-step divides by the ``nk`` it is passed. The lesson
  function :func:`gmmlib.m_step` raises a ``ValueError`` when some
  :math:`m_c = 0` (a lesson point: the mean is undefined); the estimator passes
  :math:`m_c + 10\epsilon`, as scikit-learn, so an emptied component keeps
  running (it then sits at its old mean with the ``reg_covar`` variance).
- *symmetry*: full and tied covariances are symmetrised, :math:`(\Sigma +
  \Sigma^\top)/2`, so they are exactly symmetric (the fast path does the same).
"""

import math

import numpy as np

__all__ = [
    "LOG_2PI", "logsumexp", "log_resp", "m_step", "log_gaussian_prob", "e_step",
    "NotPositiveDefinite", "COVARIANCE_TYPES", "FULL", "TIED", "DIAG", "SPHERICAL",
]

LOG_2PI = math.log(2 * math.pi)


def logsumexp(a, axis=None):
    r"""Stable :math:`\log \sum_j \exp(a_j)`.

    Uses :math:`\log\sum_j e^{a_j} = m + \log\sum_j e^{a_j - m}` with
    :math:`m = \max_j a_j`, so the largest term is :math:`e^0 = 1` and nothing
    overflows or underflows to an all-zero sum.

    Parameters
    ----------
    a : array-like
    axis : int or None
        Axis to reduce over; ``None`` reduces over everything.

    Returns
    -------
    ndarray or float
        ``-inf`` for an empty sum (as :func:`scipy.special.logsumexp`).
    """
    a = np.asarray(a, dtype=float)
    if a.size == 0:  # the log of an empty sum: log 0
        if axis is None:
            return -np.inf
        return np.squeeze(np.full(np.sum(a, axis=axis, keepdims=True).shape, -np.inf), axis=axis)
    m = np.max(a, axis=axis, keepdims=True)
    m = np.where(np.isfinite(m), m, 0.0)
    out = m + np.log(np.sum(np.exp(a - m), axis=axis, keepdims=True))
    return np.squeeze(out, axis=axis) if axis is not None else out.reshape(())[()]


def log_resp(weighted_log_prob):
    r"""E-step normalisation: :math:`\log p(x_i)` (n,) and :math:`\log r_{ic}` (n, K).

    .. math:: \log r_{ic} = \log\pi_c + \log\mathcal{N}_{ic}
              - \operatorname{logsumexp}_j(\log\pi_j + \log\mathcal{N}_{ij})
    """
    log_prob_norm = logsumexp(weighted_log_prob, axis=1)
    with np.errstate(under="ignore", invalid="ignore"):
        return log_prob_norm, weighted_log_prob - log_prob_norm[:, np.newaxis]


class NotPositiveDefinite(ValueError):
    """A covariance that is not positive definite; the caller words the message.

    Attributes ``component`` (int, or None for the tied covariance) and
    ``detail`` (e.g. "smallest eigenvalue -2.8e-13").
    """

    def __init__(self, component, detail):
        super().__init__(f"component {component}: covariance not positive definite ({detail})")
        self.component, self.detail = component, detail


def _cholesky_upper_of_inverse(covariance):
    """``U`` with ``inv(covariance) = U U^T``, or None if ``covariance`` is not positive definite."""
    try:
        L = np.linalg.cholesky(covariance)
    except np.linalg.LinAlgError:
        return None
    return np.linalg.solve(L, np.eye(covariance.shape[0])).T


def _cholesky_upper(precision):
    r"""``U`` upper triangular with :math:`\Lambda = U U^\top` (flip, Cholesky, flip)."""
    return np.linalg.cholesky(precision[::-1, ::-1])[::-1, ::-1]


class _Matrices:
    """Full and tied: each covariance is a (d, d) matrix; ``stack`` gives them as (K', d, d)."""

    def _scatter(self, resp_c, X, nk_c, mean):
        r""":math:`\frac{1}{m_c}\sum_i r_{ic}(x_i-\mu_c)(x_i-\mu_c)^\top`, symmetrised."""
        diff = X - mean  # rows are (x_i - mu_c)^T
        covariance = (resp_c * diff.T) @ diff / nk_c
        return (covariance + covariance.T) / 2  # exact symmetry

    def precision_cholesky(self, covariances):
        """``U`` of every covariance; raises :class:`NotPositiveDefinite` for the first that is not."""
        stack = self.stack(covariances)
        factors = np.empty_like(stack)
        for c, covariance in enumerate(stack):
            U = _cholesky_upper_of_inverse(covariance)
            if U is None:
                smallest = np.linalg.eigvalsh(covariance).min()
                raise NotPositiveDefinite(None if self.name == "tied" else c,
                                          f"smallest eigenvalue {smallest:.3g}")
            factors[c] = U
        return self.unstack(factors)

    def precision_cholesky_from_precisions(self, precisions):
        r"""``U`` upper triangular with :math:`\Lambda = U U^\top`, for each precision :math:`\Lambda`."""
        return self.unstack(np.stack([_cholesky_upper(p) for p in self.stack(precisions)]))

    def covariances_from_precision_cholesky(self, precisions_chol):
        r""":math:`\Sigma = (U U^\top)^{-1}` for each factor ``U``."""
        return self.unstack(np.stack([np.linalg.inv(U @ U.T) for U in self.stack(precisions_chol)]))

    def precisions_from_cholesky(self, precisions_chol):
        r""":math:`\Lambda = U U^\top` for each factor ``U`` (shape of ``precisions_chol``)."""
        stack = self.stack(precisions_chol)
        return self.unstack(stack @ np.transpose(stack, (0, 2, 1)))

    def check_precisions(self, precisions, name):
        """Raise a ``ValueError`` naming ``name`` unless every precision is symmetric positive definite."""
        stack = self.stack(precisions)
        for c, precision in enumerate(stack):
            who = name if stack.shape[0] == 1 and self.name == "tied" else f"{name}[{c}]"
            if not np.allclose(precision, precision.T, rtol=1e-5, atol=1e-8):
                raise ValueError(
                    f"{who} must be symmetric; received a matrix whose largest asymmetry "
                    f"is {np.abs(precision - precision.T).max():.3g}. Use (P + P.T) / 2."
                )
            smallest = np.linalg.eigvalsh(precision).min()
            if not smallest > 0:
                raise ValueError(
                    f"{who} must be positive definite (a precision is the inverse of a "
                    f"covariance); received a matrix with smallest eigenvalue {smallest:.3g}."
                )


class _Full(_Matrices):
    r"""One full covariance :math:`\Sigma_c` per component, shape (K, d, d)."""

    name = "full"

    def precision_shape(self, K, d):
        """Shape of the covariances, precisions and their factors: (K, d, d)."""
        return (K, d, d)

    def n_parameters(self, K, d):
        r"""Free covariance parameters: :math:`K\,d(d+1)/2`."""
        return K * d * (d + 1) // 2

    def stack(self, covariances):
        """The matrices as (K', d, d): here they already are."""
        return covariances

    def unstack(self, stack):
        """Inverse of :meth:`stack`."""
        return stack

    def covariances(self, resp, X, nk, means, reg_covar):
        r""":math:`\Sigma_c = \frac{1}{m_c}\sum_i r_{ic}(x_i-\mu_c)(x_i-\mu_c)^\top + \text{reg}\,I`."""
        K, d = means.shape
        covariances = np.empty((K, d, d))
        for c in range(K):
            covariances[c] = self._scatter(resp[:, c], X, nk[c], means[c])
            covariances[c].flat[:: d + 1] += reg_covar
        return covariances

    def log_det(self, precisions_chol, d):
        r""":math:`\log|U_c| = \sum_j \log U_{c,jj} = -\tfrac12\log|\Sigma_c|`, shape (K,)."""
        return np.log(np.diagonal(precisions_chol, axis1=1, axis2=2)).sum(axis=1)

    def whiten(self, X, mean, precisions_chol, c):
        r"""Rows :math:`(x_i - \mu_c)^\top U_c`, shape (n, d); squared norms: Mahalanobis."""
        return (X - mean) @ precisions_chol[c]

    def feature_variances(self, covariances, K, d):
        r"""The variance along each feature axis, :math:`\Sigma_{c,jj}`, shape (K, d)."""
        return np.diagonal(covariances, axis1=1, axis2=2).copy()

    def sample(self, rng, means, covariances, counts):
        """``counts[c]`` draws from component ``c``: a list of K arrays of shape (counts[c], d)."""
        return [rng.multivariate_normal(m, S, int(k)) for m, S, k in zip(means, covariances, counts)]


class _Tied(_Matrices):
    r"""One covariance :math:`\Sigma` shared by all components, shape (d, d)."""

    name = "tied"

    def precision_shape(self, K, d):
        """Shape of the covariance, precision and its factor: (d, d)."""
        return (d, d)

    def n_parameters(self, K, d):
        """Free covariance parameters: :math:`d(d+1)/2`."""
        return d * (d + 1) // 2

    def stack(self, covariance):
        """The one matrix as (1, d, d)."""
        return covariance[np.newaxis]

    def unstack(self, stack):
        """Inverse of :meth:`stack`."""
        return stack[0]

    def covariances(self, resp, X, nk, means, reg_covar):
        r""":math:`\Sigma = \big(X^\top X - \sum_c m_c \mu_c\mu_c^\top\big) / \sum_c m_c + \text{reg}\,I`.

        This is the components' scatter pooled, :math:`\sum_c m_c \Sigma_c / n`,
        whenever every row of ``resp`` sums to 1 (every E-step, and k-means'
        labels); then it is computed with :math:`x_i` and :math:`\mu_c` centred on
        the data's mean, :math:`\bar x`, which leaves it unchanged but keeps the
        two terms from cancelling to noise for data far from the origin (as the
        fast path does). scikit-learn uses the form above also for the one-hot
        initial responsibilities of ``k-means++`` and ``random_from_data`` (one
        sample per component), where it gives a broad start rather than
        ``reg_covar``; gmmlib keeps that.
        """
        d = X.shape[1]
        centre = X.mean(axis=0) if np.allclose(resp.sum(axis=1), 1.0) else np.zeros(d)
        X, means = X - centre, means - centre
        covariance = (X.T @ X - (nk * means.T) @ means) / nk.sum()
        covariance = (covariance + covariance.T) / 2  # exact symmetry
        covariance.flat[:: d + 1] += reg_covar
        return covariance

    def log_det(self, precisions_chol, d):
        r""":math:`\log|U| = -\tfrac12\log|\Sigma|`, a scalar shared by the components."""
        return np.log(np.diagonal(precisions_chol)).sum()

    def whiten(self, X, mean, precisions_chol, c):
        r"""Rows :math:`(x_i - \mu_c)^\top U`, shape (n, d)."""
        return (X - mean) @ precisions_chol

    def feature_variances(self, covariance, K, d):
        r""":math:`\Sigma_{jj}` repeated for each component, shape (K, d)."""
        return np.tile(np.diagonal(covariance), (K, 1))

    def sample(self, rng, means, covariance, counts):
        """``counts[c]`` draws from component ``c``: a list of K arrays of shape (counts[c], d)."""
        return [rng.multivariate_normal(m, covariance, int(k)) for m, k in zip(means, counts)]


class _Variances:
    """Diag and spherical: variances, no matrices; ``U`` is ``1 / sigma``."""

    def precision_cholesky(self, covariances):
        """``1 / sigma``; raises :class:`NotPositiveDefinite` for a variance <= 0."""
        if not (covariances > 0).all():
            c = int(np.argwhere(~(covariances > 0))[0][0])
            raise NotPositiveDefinite(c, f"variance {covariances.min():.3g}")
        return 1.0 / np.sqrt(covariances)

    def precision_cholesky_from_precisions(self, precisions):
        r""":math:`1/\sigma = \sqrt{\lambda}`, elementwise."""
        return np.sqrt(precisions)

    def covariances_from_precision_cholesky(self, precisions_chol):
        r""":math:`\sigma^2 = 1 / U^2`, elementwise."""
        return 1.0 / precisions_chol**2

    def precisions_from_cholesky(self, precisions_chol):
        r""":math:`\lambda = U^2 = 1/\sigma^2`, elementwise."""
        return precisions_chol**2

    def check_precisions(self, precisions, name):
        """Raise a ``ValueError`` naming ``name`` unless every precision is > 0."""
        if (precisions <= 0).any():
            c = int(np.argwhere(precisions <= 0)[0][0])
            raise ValueError(
                f"{name} must be positive for covariance_type='{self.name}'"
                f"; received {precisions.min():.6g} (component {c})."
            )

    def whiten(self, X, mean, precisions_chol, c):
        r"""Rows :math:`(x_{ij} - \mu_{cj}) / \sigma_{cj}`, shape (n, d)."""
        return (X - mean) * precisions_chol[c]  # a vector of 1/sigma_j, or one 1/sigma

    def sample(self, rng, means, covariances, counts):
        """``counts[c]`` draws from component ``c``: a list of K arrays of shape (counts[c], d)."""
        d = means.shape[1]
        return [m + rng.standard_normal(size=(k, d)) * np.sqrt(v)
                for m, v, k in zip(means, covariances, counts)]


class _Diag(_Variances):
    r"""A diagonal covariance per component, the variances :math:`\sigma^2_{cj}`, shape (K, d)."""

    name = "diag"

    def precision_shape(self, K, d):
        """Shape of the variances, precisions and their square roots: (K, d)."""
        return (K, d)

    def n_parameters(self, K, d):
        """Free covariance parameters: :math:`K d`."""
        return K * d

    def covariances(self, resp, X, nk, means, reg_covar):
        r""":math:`\sigma^2_{cj} = \frac{1}{m_c}\sum_i r_{ic} (x_{ij} - \mu_{cj})^2 + \text{reg}`.

        Computed as :math:`E[x^2] - \mu^2` (one matrix product, as scikit-learn),
        which loses about :math:`\epsilon\,\mu^2` of a variance; a component
        where that could exceed ~2e-9 of its variance plus ``reg_covar`` (a
        variance tiny next to its mean's square) is summed again in the form above.
        """
        variances = resp.T @ (X * X) / nk[:, np.newaxis] - means**2
        for c in np.flatnonzero((means**2 > 1e7 * (np.abs(variances) + reg_covar)).any(axis=1)):
            rows = np.flatnonzero(resp[:, c])  # its samples: one, after a one-hot initialisation
            variances[c] = resp[rows, c] @ (X[rows] - means[c]) ** 2 / nk[c]
        return variances + reg_covar

    def log_det(self, precisions_chol, d):
        r""":math:`-\sum_j \log\sigma_{cj}`, shape (K,)."""
        return np.log(precisions_chol).sum(axis=1)

    def feature_variances(self, covariances, K, d):
        r""":math:`\sigma^2_{cj}`, shape (K, d)."""
        return covariances.copy()


class _Spherical(_Variances):
    r"""One variance :math:`\sigma^2_c` per component, shape (K,)."""

    name = "spherical"

    def precision_shape(self, K, d):
        """Shape of the variances, precisions and their square roots: (K,)."""
        return (K,)

    def n_parameters(self, K, d):
        """Free covariance parameters: :math:`K`."""
        return K

    def covariances(self, resp, X, nk, means, reg_covar):
        r""":math:`\sigma^2_c = \frac1d \sum_j \sigma^2_{cj}` (the mean of the diagonal variances)."""
        return DIAG.covariances(resp, X, nk, means, reg_covar).mean(axis=1)

    def log_det(self, precisions_chol, d):
        r""":math:`-d\log\sigma_c`, shape (K,)."""
        return d * np.log(precisions_chol)

    def feature_variances(self, covariances, K, d):
        r""":math:`\sigma^2_c` for every feature, shape (K, d)."""
        return np.repeat(covariances[:, np.newaxis], d, axis=1)


FULL, TIED, DIAG, SPHERICAL = _Full(), _Tied(), _Diag(), _Spherical()
#: the four covariance types by name, in scikit-learn's order
COVARIANCE_TYPES = {t.name: t for t in (FULL, TIED, DIAG, SPHERICAL)}


def m_step(kind, X, resp, nk, reg_covar):
    r"""M-step: :math:`\mu_c = \frac{1}{m_c}\sum_i r_{ic} x_i` and the covariances.

    ``nk`` (K,) is :math:`m_c = \sum_i r_{ic}` as the caller wants it (see the
    module docstring). Returns ``means`` (K, d) and ``covariances``.
    """
    means = resp.T @ X / nk[:, np.newaxis]
    return means, kind.covariances(resp, X, nk, means, reg_covar)


def log_gaussian_prob(kind, X, means, precisions_chol):
    r""":math:`\log\mathcal{N}(x_i\mid\mu_c,\Sigma_c)`, shape (n, K), one component at a time.

    .. math::

        \log\mathcal{N}(x \mid \mu, \Sigma) = -\tfrac12\big[d\log 2\pi
        + \lVert (x-\mu)^\top U\rVert^2\big] + \log|U|

    since :math:`-\tfrac12\log|\Sigma| = \log|U|` for :math:`\Sigma^{-1} = UU^\top`.
    """
    n, d = X.shape
    mahalanobis_sq = np.empty((n, means.shape[0]))
    for c, mean in enumerate(means):
        y = kind.whiten(X, mean, precisions_chol, c)
        mahalanobis_sq[:, c] = np.sum(y**2, axis=1)
    return -0.5 * (d * LOG_2PI + mahalanobis_sq) + kind.log_det(precisions_chol, d)


def e_step(kind, X, weights, means, precisions_chol):
    r"""E-step: :math:`\log p(x_i)` (n,) and :math:`\log r_{ic}` (n, K), by log-sum-exp."""
    with np.errstate(divide="ignore"):  # log(0) = -inf for an empty component
        log_weights = np.log(weights)
    return log_resp(log_weights + log_gaussian_prob(kind, X, means, precisions_chol))
