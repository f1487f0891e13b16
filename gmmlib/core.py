"""The lesson-level EM building blocks, written to read like the maths.

Notation (as in the lessons): ``x_i`` is sample *i* of ``n`` (a row of ``X``),
component *c* of ``K`` has mixing weight ``pi_c``, mean ``mu_c`` and
covariance ``Sigma_c``; ``r_ic`` is the responsibility of component *c* for
sample *i* and ``m_c = sum_i r_ic`` its effective number of samples.

Everything runs in log space: covariances are factored by Cholesky,
``log|Sigma|`` comes from the Cholesky diagonal, and responsibilities are
normalised with log-sum-exp, so densities as small as ``1e-29`` (the seed's
``N(A | men)``) and far below survive as numbers instead of underflowing to 0.

The maths itself lives once, in :mod:`gmmlib._gaussian`: the normalisation
behind :func:`e_step`, the mean and covariance update behind :func:`m_step`
and :func:`logsumexp` are the code the estimator
:class:`gmmlib.GaussianMixture` runs on its plain path (:func:`mvn_logpdf`
works with the covariance's Cholesky factor, the estimator with the
precision's, as scikit-learn: one formula, two parametrisations); its fast path
(:mod:`gmmlib._fast`) is tested against them, and one estimator iteration
from given parameters equals one :func:`e_step` + :func:`m_step`
(``tests/test_core.py``). The functions here add what a lesson needs: checks
with advice, a ``ValueError`` for an empty component (the estimator instead
adds ``10 eps`` to every ``m_c``, as scikit-learn), and the run's history.
"""

from dataclasses import dataclass

import numpy as np

from . import _gaussian
from ._gaussian import LOG_2PI, logsumexp  # noqa: F401  (public here: gmmlib.logsumexp)
from ._validation import (
    _as_float_array,
    check_covariance,
    check_means,
    check_nonnegative_real,
    check_positive_int,
    check_resp,
    check_weights,
    check_X,
    cholesky,
    rescale_error,
)

__all__ = [
    "GMMParams",
    "mvn_logpdf",
    "mvn_pdf",
    "logsumexp",
    "weighted_log_prob",
    "e_step",
    "m_step",
    "log_likelihood",
    "EMResult",
    "em",
]



@dataclass(frozen=True, eq=False)
class GMMParams:
    r"""Parameters of a Gaussian mixture with full covariances.

    .. math:: p(x) = \sum_{c=1}^{K} \pi_c \, \mathcal{N}(x \mid \mu_c, \Sigma_c)

    Parameters
    ----------
    weights : array-like of shape (K,)
        Mixing weights ``pi_c``: non-negative, summing to 1.
    means : array-like of shape (K, d)
        Component means ``mu_c``.
    covariances : array-like of shape (K, d, d)
        Symmetric component covariances ``Sigma_c``. They need not be positive
        definite here (the seed's first M-step produces singular ones, and the
        lessons inspect them); evaluating a density with one raises a
        ``ValueError``.

    The arrays are copied and made read-only, so a ``GMMParams`` never changes
    after it is made and never shares memory with the caller.

    Examples
    --------
    >>> p = GMMParams([0.5, 0.5], [[162, 57], [185, 80]], [10 * np.eye(2)] * 2)
    >>> p.n_components, p.n_features
    (2, 2)
    """

    weights: np.ndarray
    means: np.ndarray
    covariances: np.ndarray

    def __post_init__(self):
        means = _as_float_array(self.means, "means")
        if means.ndim != 2:
            raise ValueError(
                f"means must have shape (K, d); received shape {means.shape}. "
                f"For one component in 2-D use [[mu_1, mu_2]]."
            )
        K, d = means.shape
        means = check_means(means, K, d)
        weights = check_weights(self.weights, K)
        covariances = _as_float_array(self.covariances, "covariances")
        if covariances.shape != (K, d, d):
            raise ValueError(
                f"covariances must have shape (K, d, d) = ({K}, {d}, {d}); "
                f"received shape {covariances.shape}."
            )
        covariances = np.stack(
            [check_covariance(cov, d, name=f"covariances[{c}]") for c, cov in enumerate(covariances)]
        )
        for name, value in (("weights", weights), ("means", means), ("covariances", covariances)):
            value.setflags(write=False)
            object.__setattr__(self, name, value)

    @property
    def n_components(self):
        """Number of components ``K``."""
        return self.means.shape[0]

    @property
    def n_features(self):
        """Dimension ``d`` of the data."""
        return self.means.shape[1]

    def __repr__(self):
        with np.printoptions(precision=4, suppress=True):
            return (
                f"GMMParams(weights={self.weights.tolist()!r},\n"
                f"          means={self.means.tolist()!r},\n"
                f"          covariances={self.covariances.tolist()!r})"
            )


def mvn_logpdf(X, mean, cov):
    r"""Log-density of the multivariate normal distribution, row by row.

    .. math::

        \log \mathcal{N}(x \mid \mu, \Sigma) = -\tfrac12 \left[ d \log 2\pi
        + \log|\Sigma| + (x-\mu)^\top \Sigma^{-1} (x-\mu) \right]

    With the Cholesky factor :math:`\Sigma = L L^\top`:
    :math:`\log|\Sigma| = 2 \sum_j \log L_{jj}` and the quadratic form is
    :math:`\lVert z \rVert^2` with :math:`z = L^{-1}(x - \mu)`. (The
    estimator keeps the precision's factor :math:`U = L^{-\top}` instead, as
    scikit-learn, and computes :math:`z = U^\top(x - \mu)` in
    :func:`gmmlib._gaussian.log_gaussian_prob`: the same formula, the other
    parametrisation; ``tests/test_core.py`` checks that they agree.)

    Parameters
    ----------
    X : array-like of shape (n, d)
        Points at which to evaluate the density.
    mean : array-like of shape (d,)
        Mean vector ``mu``.
    cov : array-like of shape (d, d)
        Covariance matrix ``Sigma``; must be positive definite.

    Returns
    -------
    logpdf : ndarray of shape (n,)

    Raises
    ------
    ValueError
        For bad shapes, non-finite values, or a covariance that is not
        positive definite (with the cures in the message).

    Examples
    --------
    >>> mvn_logpdf([[160, 55]], [162, 57], 10 * np.eye(2)).round(4)
    array([-4.5405])
    """
    X = check_X(X)
    d = X.shape[1]
    mean = check_means(np.reshape(mean, (1, -1)), 1, d, name="mean")[0]
    cov = check_covariance(cov, d)
    L = cholesky(cov)
    log_det = 2 * np.sum(np.log(np.diag(L)))
    z = np.linalg.solve(L, (X - mean).T)  # z = L^{-1} (x - mu), shape (d, n)
    with np.errstate(over="ignore"):
        mahalanobis_sq = np.sum(z**2, axis=0)
    if not np.isfinite(mahalanobis_sq).all():
        raise rescale_error("the squared distance of a sample from the mean overflows", X)
    return -0.5 * (d * LOG_2PI + log_det + mahalanobis_sq)


def mvn_pdf(X, mean, cov):
    r"""Density of the multivariate normal distribution, row by row.

    .. math::

        \mathcal{N}(x \mid \mu, \Sigma) = \frac{1}{(2\pi)^{d/2} |\Sigma|^{1/2}}
        \exp\left(-\tfrac12 (x-\mu)^\top \Sigma^{-1} (x-\mu)\right)

    Computed as ``exp(mvn_logpdf(X, mean, cov))``; see :func:`mvn_logpdf`.

    Returns
    -------
    pdf : ndarray of shape (n,)

    Examples
    --------
    The seed's person A under the initial "women" component:

    >>> float(mvn_pdf([[160, 55]], [162, 57], 10 * np.eye(2))[0])  # doctest: +ELLIPSIS
    0.01066...
    """
    return np.exp(mvn_logpdf(X, mean, cov))


def _check_params(params, n_features):
    if not isinstance(params, GMMParams):
        raise ValueError(
            f"params must be a gmmlib.GMMParams; received {type(params).__name__}. "
            f"Build one with GMMParams(weights, means, covariances)."
        )
    if params.n_features != n_features:
        raise ValueError(
            f"X has {n_features} feature(s) but params describe {params.n_features}-"
            f"dimensional components; pass data and parameters of the same dimension."
        )


def weighted_log_prob(X, params):
    r"""Joint log-probabilities :math:`\log \pi_c + \log \mathcal{N}(x_i \mid \mu_c, \Sigma_c)`.

    Parameters
    ----------
    X : array-like of shape (n, d)
    params : GMMParams

    Returns
    -------
    weighted_log_prob : ndarray of shape (n, K)
    """
    X = check_X(X)
    _check_params(params, X.shape[1])
    columns = []
    for c in range(params.n_components):
        try:
            log_density = mvn_logpdf(X, params.means[c], params.covariances[c])
        except ValueError as exc:
            raise ValueError(f"component {c}: {exc}") from None
        with np.errstate(divide="ignore"):  # log(0) = -inf for an empty component
            columns.append(np.log(params.weights[c]) + log_density)
    return np.column_stack(columns)


def e_step(X, params):
    r"""E-step: responsibilities by Bayes' rule, computed in log space.

    .. math::

        r_{ic} = \frac{\pi_c \, \mathcal{N}(x_i \mid \mu_c, \Sigma_c)}
                      {\sum_{j=1}^{K} \pi_j \, \mathcal{N}(x_i \mid \mu_j, \Sigma_j)},
        \qquad
        \log r_{ic} = \log \pi_c + \log \mathcal{N}_{ic}
                      - \operatorname{logsumexp}_j (\log \pi_j + \log \mathcal{N}_{ij})

    Parameters
    ----------
    X : array-like of shape (n, d)
    params : GMMParams

    Returns
    -------
    resp : ndarray of shape (n, K)
        Each row is a probability distribution over the components.
    """
    _, log_resp = _gaussian.log_resp(weighted_log_prob(X, params))
    return np.exp(log_resp)


def m_step(X, resp, reg_covar=0.0):
    r"""M-step: the parameters that maximise the Q-function for fixed ``resp``.

    .. math::

        m_c = \sum_{i=1}^{n} r_{ic}, \qquad
        \pi_c = \frac{m_c}{n}, \qquad
        \mu_c = \frac{1}{m_c} \sum_{i=1}^{n} r_{ic} \, x_i,

        \Sigma_c = \frac{1}{m_c} \sum_{i=1}^{n} r_{ic} \,
                   (x_i - \mu_c)(x_i - \mu_c)^\top + \text{reg\_covar} \cdot I

    Note the *outer* product :math:`(x-\mu)(x-\mu)^\top` (a d x d matrix); the
    seed writes :math:`(x-\mu)^\top(x-\mu)`, which is a scalar.

    Parameters
    ----------
    X : array-like of shape (n, d)
    resp : array-like of shape (n, K)
        Responsibilities, rows summing to 1.
    reg_covar : float, default 0.0
        Non-negative amount added to each covariance diagonal; 0 reproduces
        the textbook update exactly (and the seed's singular covariances).

    Returns
    -------
    GMMParams
    """
    X = check_X(X)
    resp = check_resp(resp, X.shape[0])
    check_nonnegative_real(reg_covar, "reg_covar")
    n = X.shape[0]
    nk = resp.sum(axis=0)  # m_c, shape (K,)
    if (nk <= 0).any():
        c = int(np.argmin(nk))
        raise ValueError(
            f"component {c} has no responsibility mass (m_c = 0), so its mean "
            f"is undefined. Re-initialise it, or use fewer components."
        )
    weights = nk / n
    with np.errstate(over="ignore", invalid="ignore"):  # looked for below
        # the estimator's M-step too (gmmlib._gaussian); it symmetrises the covariances
        means, covariances = _gaussian.m_step(_gaussian.FULL, X, resp, nk, reg_covar)
    if not np.isfinite(covariances).all():
        raise rescale_error("the covariances overflow", X)
    return GMMParams(weights / weights.sum(), means, covariances)


def log_likelihood(X, params):
    r"""Total log-likelihood of the data under the mixture.

    .. math::

        \log p(X \mid \theta) = \sum_{i=1}^{n} \log \sum_{c=1}^{K}
        \pi_c \, \mathcal{N}(x_i \mid \mu_c, \Sigma_c)

    Returns
    -------
    float
    """
    return float(np.sum(logsumexp(weighted_log_prob(X, params), axis=1)))


@dataclass(frozen=True, eq=False)
class EMResult:
    """What :func:`em` returns.

    Attributes
    ----------
    params : GMMParams
        The parameters after the last M-step.
    history : list of GMMParams
        ``history[0]`` is the initial guess, ``history[t]`` the parameters
        after ``t`` iterations (so ``history[-1] is params``).
    log_likelihoods : list of float
        ``log_likelihoods[t]`` is ``log p(X | history[t])``.
    converged : bool
        Whether the log-likelihood changed by less than ``tol`` in the last step.
    """

    params: GMMParams
    history: list
    log_likelihoods: list
    converged: bool

    @property
    def n_iter(self):
        """Number of EM iterations (E-step + M-step pairs) carried out."""
        return len(self.history) - 1


def em(X, params, max_iter=100, tol=1e-6, reg_covar=0.0):
    r"""Run EM from ``params``: alternate :func:`e_step` and :func:`m_step`.

    Stops when the log-likelihood changes by less than ``tol`` in one
    iteration (the convergence check of the course's EM description), or after
    ``max_iter`` iterations. With ``reg_covar = 0`` EM never lowers the
    log-likelihood (lesson 6); with ``reg_covar > 0`` the M-step no longer
    maximises the Q-function exactly, so tiny decreases are possible (lesson 5).

    Parameters
    ----------
    X : array-like of shape (n, d)
    params : GMMParams
        Initial guess ``theta^(0)``.
    max_iter : int, default 100
    tol : float, default 1e-6
        Threshold on the change of the total log-likelihood.
    reg_covar : float, default 0.0
        Passed to :func:`m_step`.

    Returns
    -------
    EMResult
    """
    X = check_X(X)
    check_positive_int(max_iter, "max_iter", 0)
    check_nonnegative_real(tol, "tol")
    check_nonnegative_real(reg_covar, "reg_covar")
    history = [params]
    log_likelihoods = [log_likelihood(X, params)]
    converged = False
    for _ in range(max_iter):
        resp = e_step(X, history[-1])
        history.append(m_step(X, resp, reg_covar=reg_covar))
        log_likelihoods.append(log_likelihood(X, history[-1]))
        if abs(log_likelihoods[-1] - log_likelihoods[-2]) < tol:
            converged = True
            break
    return EMResult(history[-1], history, log_likelihoods, converged)
