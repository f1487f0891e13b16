r"""Why EM works: the evidence lower bound (ELBO) and the KL divergence (lesson 6).

For any distribution :math:`q_i` over the component of sample :math:`x_i`
(written as an ``(n, K)`` array ``resp`` with rows summing to 1),

.. math::

    \log p(X \mid \theta)
    = \underbrace{\sum_{i=1}^{n} \sum_{c=1}^{K} q_{ic}
      \log \frac{\pi_c \, \mathcal{N}(x_i \mid \mu_c, \Sigma_c)}{q_{ic}}}_{\mathcal{L}(q, \theta)
      \;=\; \text{ELBO}}
    \; + \;
    \underbrace{\sum_{i=1}^{n} \sum_{c=1}^{K} q_{ic}
      \log \frac{q_{ic}}{p(z_i = c \mid x_i, \theta)}}_{\mathrm{KL}(q \,\|\, p(z \mid X, \theta)) \;\ge\; 0}

so the ELBO is a lower bound on the log-likelihood (Jensen's inequality), with
equality exactly when :math:`q` is the posterior, i.e. the E-step's
responsibilities. The ELBO splits as :math:`\mathcal{L}(q, \theta) = Q(\theta)
+ H(q)`, the expected complete-data log-likelihood (the Q-function of the
M-step) plus the entropy of :math:`q`.

Every function takes the data first, then the distribution over the
components (``z``, ``resp``), then the parameters, as in
:math:`\mathcal{L}(q, \theta)` and :func:`gmmlib.symbolic.q_function`; the
arrays are those of :mod:`gmmlib.core`. The same quantities in SymPy, for a
small 1-D, two-component mixture (so a lesson can show the identity holds
exactly), are :func:`gmmlib.symbolic.mixture_1d` and
:func:`gmmlib.symbolic.elbo_identity`.

Convention: :math:`0 \log 0 = 0` (a component with ``q_ic = 0`` contributes
nothing), as in the limit :math:`q \log q \to 0`.
"""

import numpy as np

from ._validation import check_resp, check_X
from .core import GMMParams, weighted_log_prob

__all__ = [
    "complete_data_log_likelihood",
    "q_function",
    "elbo",
    "kl_divergence",
]


def _xlogy(x, y):
    """``x * log(y)`` elementwise, with ``0 * log(y) = 0`` (also for ``y = 0``)."""
    x = np.asarray(x, dtype=float)
    with np.errstate(divide="ignore"):
        return np.where(x > 0, x * np.log(np.where(x > 0, y, 1.0)), 0.0)


def _check_resp_for(X, resp, params, name="resp"):
    if isinstance(resp, GMMParams) or not isinstance(params, GMMParams):
        raise ValueError(
            f"the arguments are (X, {name}, params): the responsibilities, an (n, K) "
            f"array, come before the GMMParams; received {name} of type "
            f"{type(resp).__name__} and params of type {type(params).__name__}. "
            f"Swap the last two arguments."
        )
    resp = check_resp(resp, X.shape[0], name=name)
    if resp.shape[1] != params.n_components:
        raise ValueError(
            f"{name} must have one column per component: shape ({X.shape[0]}, "
            f"{params.n_components}); received shape {resp.shape}. Pass the "
            f"responsibilities of the same mixture."
        )
    return resp


def complete_data_log_likelihood(X, z, params):
    r"""Log-likelihood of the data *and* known component labels.

    .. math::

        \log p(X, Z \mid \theta) = \sum_{i=1}^{n}
        \left[\log \pi_{z_i} + \log \mathcal{N}(x_i \mid \mu_{z_i}, \Sigma_{z_i})\right]

    With the labels known there is no sum inside the logarithm: each sample
    contributes one term, and maximising over :math:`\theta` is a separate
    Gaussian fit per component.

    Parameters
    ----------
    X : array-like of shape (n, d)
    z : array-like of int, shape (n,)
        Component label ``z_i`` in ``0..K-1`` of every sample.
    params : GMMParams

    Returns
    -------
    float
    """
    X = check_X(X)
    log_prob = weighted_log_prob(X, params)  # (n, K): log pi_c + log N(x_i | c)
    z = np.asarray(z)
    if z.shape != (X.shape[0],) or z.dtype.kind not in "iu":
        raise ValueError(
            f"z must be an integer array of shape ({X.shape[0]},); received "
            f"dtype {z.dtype} and shape {z.shape}. Use labels 0..K-1, one per sample."
        )
    if z.min() < 0 or z.max() >= params.n_components:
        raise ValueError(
            f"z must hold labels in 0..{params.n_components - 1}; received values "
            f"from {z.min()} to {z.max()}."
        )
    return float(np.sum(log_prob[np.arange(X.shape[0]), z]))


def q_function(X, resp, params):
    r"""The Q-function: the expected complete-data log-likelihood.

    .. math::

        Q(\theta, \theta^{(t)}) = \mathbb{E}_{Z \mid X, \theta^{(t)}}
        \left[\log p(X, Z \mid \theta)\right]
        = \sum_{i=1}^{n} \sum_{c=1}^{K} r_{ic}
          \left[\log \pi_c + \log \mathcal{N}(x_i \mid \mu_c, \Sigma_c)\right]

    where ``resp`` holds :math:`r_{ic} = p(z_i = c \mid x_i, \theta^{(t)})`
    (from :func:`gmmlib.e_step` at the *old* parameters) and ``params`` is
    the :math:`\theta` being scored. The M-step maximises this over
    :math:`\theta`.

    :func:`gmmlib.symbolic.q_function` builds the same sum with SymPy.

    Parameters
    ----------
    X : array-like of shape (n, d)
    resp : array-like of shape (n, K)
        Responsibilities :math:`r_{ic}` computed at :math:`\theta^{(t)}`.
    params : GMMParams
        The parameters :math:`\theta`.

    Returns
    -------
    float
    """
    X = check_X(X)
    resp = _check_resp_for(X, resp, params)
    log_prob = weighted_log_prob(X, params)
    # 0 * (-inf) counts as 0: a component with no responsibility adds nothing.
    return float(np.sum(resp * np.where(resp > 0, log_prob, 0.0)))


def elbo(X, resp, params):
    r"""Evidence lower bound :math:`\mathcal{L}(q, \theta)` for the distribution ``resp``.

    .. math::

        \mathcal{L}(q, \theta) = \sum_{i=1}^{n} \sum_{c=1}^{K} q_{ic}
        \log \frac{\pi_c \, \mathcal{N}(x_i \mid \mu_c, \Sigma_c)}{q_{ic}}
        = Q(\theta) + H(q), \qquad
        H(q) = -\sum_{i,c} q_{ic} \log q_{ic}

    By Jensen's inequality (log is concave)
    :math:`\mathcal{L}(q, \theta) \le \log p(X \mid \theta)`, with equality
    when ``resp`` is the posterior ``e_step(X, params)``.

    Parameters
    ----------
    X : array-like of shape (n, d)
    resp : array-like of shape (n, K)
        Any distribution :math:`q` over components for each sample (rows sum to 1).
    params : GMMParams

    Returns
    -------
    float
    """
    X = check_X(X)
    resp = _check_resp_for(X, resp, params)
    entropy = -float(np.sum(_xlogy(resp, resp)))
    return q_function(X, resp, params) + entropy


def kl_divergence(resp, posterior):
    r"""Kullback-Leibler divergence :math:`\mathrm{KL}(q \,\|\, p)`, summed over samples.

    .. math::

        \mathrm{KL}(q \,\|\, p) = \sum_{i=1}^{n} \sum_{c=1}^{K}
        q_{ic} \log \frac{q_{ic}}{p_{ic}} \;\ge\; 0

    with equality if and only if ``resp == posterior`` (Gibbs' inequality).
    It is ``+inf`` when ``resp`` puts mass where ``posterior`` has none.

    Parameters
    ----------
    resp : array-like of shape (n, K)
        The distribution :math:`q` (rows sum to 1).
    posterior : array-like of shape (n, K)
        The distribution :math:`p`, e.g. ``e_step(X, params)``.

    Returns
    -------
    float
    """
    resp = np.asarray(resp, dtype=float)
    n = resp.shape[0] if resp.ndim == 2 else -1
    resp = check_resp(resp, n, name="resp")
    posterior = check_resp(posterior, n, name="posterior")
    if posterior.shape != resp.shape:
        raise ValueError(
            f"posterior must have the shape of resp, {resp.shape}; received shape "
            f"{posterior.shape}. Both are (n_samples, n_components)."
        )
    return float(np.sum(_xlogy(resp, resp) - _xlogy(resp, posterior)))
