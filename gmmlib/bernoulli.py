r"""A mixture of Bernoulli distributions: EM beyond Gaussians (lesson 10).

Each sample is a binary vector :math:`x_n \in \{0, 1\}^D` (a binarised image,
one entry per pixel). Component *k* of ``K`` has mixing weight
:math:`\pi_k` and a vector of pixel probabilities :math:`\mu_k \in [0, 1]^D`;
within a component the pixels are independent:

.. math::

    p(x_n \mid \mu_k) = \prod_{d=1}^{D} \mu_{kd}^{x_{nd}} (1 - \mu_{kd})^{1 - x_{nd}},
    \qquad
    p(x_n \mid \theta) = \sum_{k=1}^{K} \pi_k \, p(x_n \mid \mu_k).

The E-step and M-step follow from the Q-function of the seed's general recipe
(lesson 10 derives them with SymPy), exactly as for the Gaussian mixture of
lessons 3-4: responsibilities by Bayes' rule, then weighted averages.

Notation as in :mod:`gmmlib.core`: ``resp`` (n, K), ``nk`` = :math:`N_k =
\sum_n r_{nk}`, ``weights`` (K,), ``means`` (K, D) (the :math:`\mu_{kd}`).

A mean of exactly 0 or 1 is allowed: :math:`p(x_n \mid \mu_k)` is then 0 for an
image that has the impossible pixel value, and its log is :math:`-\infty`
(the component simply cannot explain that image). To keep every
:math:`\mu_{kd}` strictly inside (0, 1), pass ``alpha > 0`` to :func:`m_step`
(pseudo-counts, below).
"""

from dataclasses import dataclass

import numpy as np

from ._validation import _as_float_array, check_resp

__all__ = [
    "BernoulliParams",
    "log_bernoulli",
    "weighted_log_prob",
    "e_step",
    "m_step",
    "log_likelihood",
    "log_prior",
    "random_params",
    "BernoulliEMResult",
    "em",
]


def check_binary(X, name="X"):
    """``X`` as a float (n, D) array of zeros and ones, or a ValueError saying what is wrong."""
    X = _as_float_array(X, name)
    if X.ndim != 2 or X.shape[0] < 1 or X.shape[1] < 1:
        raise ValueError(
            f"{name} must be a 2-D array of shape (n_samples, n_pixels) with at least one "
            f"row and column; received shape {X.shape}. Use X.reshape(len(X), -1) for images."
        )
    bad = (X != 0) & (X != 1)
    if bad.any():
        first = tuple(int(i) for i in np.argwhere(bad)[0])
        raise ValueError(
            f"{name} must contain only 0 and 1 (a Bernoulli mixture models binary data); "
            f"received {X[first]!r} at index {first}. Binarise first, e.g. (images > 7)."
        )
    return X


@dataclass(frozen=True, eq=False)
class BernoulliParams:
    """Parameters of a mixture of ``K`` products of ``D`` Bernoulli distributions.

    Attributes
    ----------
    weights : ndarray of shape (K,)
        Mixing weights :math:`\\pi_k`, positive and summing to 1.
    means : ndarray of shape (K, D)
        Pixel probabilities :math:`\\mu_{kd} = p(x_d = 1 \\mid z = k)`, in [0, 1].
    """

    weights: np.ndarray
    means: np.ndarray

    def __post_init__(self):
        weights = _as_float_array(self.weights, "weights")
        means = _as_float_array(self.means, "means")
        if weights.ndim != 1 or weights.size < 1:
            raise ValueError(f"weights must be a 1-D array of shape (K,); received shape {weights.shape}.")
        if means.ndim != 2 or means.shape[0] != weights.size:
            raise ValueError(
                f"means must have shape (K, D) = ({weights.size}, D), one row per weight; "
                f"received shape {means.shape}."
            )
        if not np.all(np.isfinite(weights)) or (weights < 0).any() or abs(weights.sum() - 1) > 1e-8:
            raise ValueError(
                f"weights must be non-negative and sum to 1; received {weights.tolist()} "
                f"(sum {weights.sum():.6g}). Divide them by their sum."
            )
        if not np.all(np.isfinite(means)) or (means < 0).any() or (means > 1).any():
            raise ValueError(
                f"means must be probabilities in [0, 1]; received values from {np.nanmin(means):.6g} "
                f"to {np.nanmax(means):.6g}. Each mu_kd is p(pixel d = 1 | component k)."
            )
        weights.setflags(write=False)
        means.setflags(write=False)
        object.__setattr__(self, "weights", weights)
        object.__setattr__(self, "means", means)

    @property
    def n_components(self):
        """K, the number of components."""
        return self.weights.size

    @property
    def n_features(self):
        """D, the number of pixels."""
        return self.means.shape[1]


def _check_params(params, n_features):
    if not isinstance(params, BernoulliParams):
        raise ValueError(
            f"params must be a gmmlib.bernoulli.BernoulliParams; received {type(params).__name__}. "
            f"Build one with BernoulliParams(weights, means)."
        )
    if params.n_features != n_features:
        raise ValueError(
            f"X has {n_features} pixel(s) but params.means has {params.n_features} columns; "
            f"pass data and parameters with the same number of pixels."
        )


def _safe_log(p):
    """log p with log 0 = -inf silently, and 0 where p is 0 (for the masked product below)."""
    with np.errstate(divide="ignore"):
        return np.where(p > 0, np.log(np.where(p > 0, p, 1.0)), 0.0)


def log_bernoulli(X, means):
    r"""Log-probability of every image under every component, shape (n, K).

    .. math::

        \log p(x_n \mid \mu_k) = \sum_{d=1}^{D} \bigl[x_{nd} \log \mu_{kd}
        + (1 - x_{nd}) \log (1 - \mu_{kd})\bigr]

    computed as two matrix products; an image with a pixel that component *k*
    cannot produce (:math:`x_{nd} = 1` where :math:`\mu_{kd} = 0`, or 0 where it
    is 1) gets exactly :math:`-\infty` (never NaN from :math:`0 \cdot \log 0`).

    Parameters
    ----------
    X : array-like of shape (n, D), entries 0 or 1
    means : array-like of shape (K, D), entries in [0, 1]

    Returns
    -------
    ndarray of shape (n, K)
    """
    X = check_binary(X)
    means = _as_float_array(means, "means")
    if means.ndim != 2:
        raise ValueError(f"means must have shape (K, D); received shape {means.shape}.")
    _check_params(BernoulliParams(np.full(len(means), 1 / len(means)), means), X.shape[1])
    log_prob = X @ _safe_log(means).T + (1 - X) @ _safe_log(1 - means).T
    impossible = X @ (means == 0).T + (1 - X) @ (means == 1).T
    return np.where(impossible > 0, -np.inf, log_prob)


def weighted_log_prob(X, params):
    r""":math:`\log \pi_k + \log p(x_n \mid \mu_k)`, shape (n, K).

    Parameters
    ----------
    X : array-like of shape (n, D)
    params : BernoulliParams
    """
    X = check_binary(X)
    _check_params(params, X.shape[1])
    with np.errstate(divide="ignore"):  # log(0) = -inf for an empty component
        return np.log(params.weights) + log_bernoulli(X, params.means)


def _log_evidence(log_prob):
    """log sum_k exp(log_prob[:, k]) per row; a ValueError if some image has probability 0."""
    shift = log_prob.max(axis=1, keepdims=True)
    if not np.all(np.isfinite(shift)):
        n = int(np.argmin(np.isfinite(shift[:, 0])))
        raise ValueError(
            f"image {n} has probability 0 under every component (a pixel value that each "
            f"component's mean of exactly 0 or 1 forbids). Start from means strictly inside "
            f"(0, 1), or smooth the M-step with alpha > 0."
        )
    return shift[:, 0] + np.log(np.exp(log_prob - shift).sum(axis=1))


def e_step(X, params):
    r"""E-step: responsibilities by Bayes' rule, in log space.

    .. math::

        r_{nk} = \frac{\pi_k \, p(x_n \mid \mu_k)}{\sum_{j=1}^{K} \pi_j \, p(x_n \mid \mu_j)}

    Parameters
    ----------
    X : array-like of shape (n, D), entries 0 or 1
    params : BernoulliParams

    Returns
    -------
    resp : ndarray of shape (n, K)
        Each row sums to 1.
    """
    log_prob = weighted_log_prob(X, params)
    return np.exp(log_prob - _log_evidence(log_prob)[:, np.newaxis])


def m_step(X, resp, alpha=0.0):
    r"""M-step: the parameters that maximise the Q-function for fixed ``resp``.

    .. math::

        N_k = \sum_{n=1}^{N} r_{nk}, \qquad \pi_k = \frac{N_k}{N}, \qquad
        \mu_{kd} = \frac{\sum_{n} r_{nk} x_{nd} + \alpha}{N_k + 2\alpha}

    With ``alpha = 0`` this is the maximum-likelihood update
    :math:`\mu_k = \frac{1}{N_k}\sum_n r_{nk} x_n` (the responsibility-weighted
    average image). ``alpha > 0`` adds, for every component and pixel, the
    pseudo-count of :math:`\alpha` imagined images with the pixel on and
    :math:`\alpha` with it off: it is the MAP
    update under a :math:`\mathrm{Beta}(1 + \alpha, 1 + \alpha)` prior on each
    :math:`\mu_{kd}` (see :func:`log_prior`), and keeps every :math:`\mu_{kd}`
    strictly inside (0, 1), so no log-probability is :math:`-\infty`.

    Parameters
    ----------
    X : array-like of shape (n, D), entries 0 or 1
    resp : array-like of shape (n, K)
        Responsibilities, rows summing to 1.
    alpha : float, default 0.0
        Non-negative pseudo-count.

    Returns
    -------
    BernoulliParams
    """
    X = check_binary(X)
    resp = check_resp(resp, X.shape[0])
    if not np.isscalar(alpha) or not np.isfinite(alpha) or alpha < 0:
        raise ValueError(f"alpha must be a finite number >= 0 (a pseudo-count); received {alpha!r}.")
    nk = resp.sum(axis=0)
    if (nk <= 0).any():
        k = int(np.argmin(nk))
        raise ValueError(
            f"component {k} has no responsibility mass (N_k = 0), so its mean image is "
            f"undefined. Re-initialise it, or use fewer components."
        )
    means = (resp.T @ X + alpha) / (nk[:, np.newaxis] + 2 * alpha)
    weights = nk / nk.sum()
    return BernoulliParams(weights, np.clip(means, 0.0, 1.0))  # clip: rounding only


def log_likelihood(X, params):
    r"""Total log-likelihood :math:`\sum_n \log \sum_k \pi_k \, p(x_n \mid \mu_k)`.

    Returns
    -------
    float
    """
    return float(np.sum(_log_evidence(weighted_log_prob(X, params))))


def log_prior(params, alpha):
    r"""Log-density of the :math:`\mathrm{Beta}(1 + \alpha, 1 + \alpha)` prior of :func:`m_step`.

    .. math::

        \log p(\mu) = \alpha \sum_{k, d} \bigl[\log \mu_{kd} + \log(1 - \mu_{kd})\bigr] + \text{const}

    without the constant (0 for ``alpha = 0``). With ``alpha > 0`` EM increases
    the log-likelihood *plus* this term at every step, not the log-likelihood
    alone.
    """
    if alpha == 0:
        return 0.0
    with np.errstate(divide="ignore"):
        return float(alpha * np.sum(np.log(params.means) + np.log1p(-params.means)))


def random_params(n_components, n_features, seed, low=0.25, high=0.75):
    """A start: equal weights and means drawn uniformly from [low, high] (Bishop, section 9.3.3).

    Parameters
    ----------
    n_components, n_features : int
    seed : int
        Seed of ``numpy.random.default_rng``.
    low, high : float
        Range of the starting pixel probabilities, inside (0, 1).

    Returns
    -------
    BernoulliParams
    """
    if not 0 < low < high < 1:
        raise ValueError(f"need 0 < low < high < 1; received low={low!r}, high={high!r}.")
    for name, value in (("n_components", n_components), ("n_features", n_features)):
        if not isinstance(value, (int, np.integer)) or value < 1:
            raise ValueError(f"{name} must be a positive integer; received {value!r}.")
    rng = np.random.default_rng(seed)
    means = rng.uniform(low, high, size=(n_components, n_features))
    return BernoulliParams(np.full(n_components, 1 / n_components), means)


@dataclass(frozen=True, eq=False)
class BernoulliEMResult:
    """What :func:`em` returns.

    Attributes
    ----------
    params : BernoulliParams
        The last parameters.
    log_likelihoods : list of float
        :math:`\\log p(X \\mid \\theta^{(t)})` for t = 0, 1, ..., T.
    objectives : list of float
        What EM increases: the log-likelihood plus :func:`log_prior` (equal to
        ``log_likelihoods`` when ``alpha = 0``).
    converged : bool
    """

    params: BernoulliParams
    log_likelihoods: list
    objectives: list
    converged: bool

    @property
    def n_iter(self):
        """T, the number of EM iterations run."""
        return len(self.log_likelihoods) - 1


def em(X, params, max_iter=200, tol=1e-6, alpha=0.0):
    """EM for a Bernoulli mixture from ``params``: alternate :func:`e_step` and :func:`m_step`.

    Stops when the objective (the log-likelihood, plus :func:`log_prior` when
    ``alpha > 0``) changes by less than ``tol`` in one iteration, the same
    rule as :func:`gmmlib.core.em`, or after ``max_iter`` iterations.

    Parameters
    ----------
    X : array-like of shape (n, D), entries 0 or 1
    params : BernoulliParams
        The start :math:`\\theta^{(0)}`.
    max_iter : int, default 200
    tol : float, default 1e-6
        Threshold on the change of the total objective.
    alpha : float, default 0.0
        Pseudo-count of :func:`m_step`.

    Returns
    -------
    BernoulliEMResult
    """
    X = check_binary(X)
    if not isinstance(max_iter, (int, np.integer)) or max_iter < 0:
        raise ValueError(f"max_iter must be an integer >= 0; received {max_iter!r}.")
    if not np.isscalar(tol) or not tol >= 0:
        raise ValueError(f"tol must be a number >= 0; received {tol!r}.")
    lls = [log_likelihood(X, params)]
    objectives = [lls[0] + log_prior(params, alpha)]
    converged = False
    for _ in range(max_iter):
        params = m_step(X, e_step(X, params), alpha=alpha)
        lls.append(log_likelihood(X, params))
        objectives.append(lls[-1] + log_prior(params, alpha))
        if abs(objectives[-1] - objectives[-2]) < tol:
            converged = True
            break
    return BernoulliEMResult(params, lls, objectives, converged)
