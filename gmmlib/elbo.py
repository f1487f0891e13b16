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

The numeric functions take the same ``X``/``GMMParams``/``resp`` as
:mod:`gmmlib.core`; the ``symbolic_*`` functions build the same quantities
with SymPy for a small 1-D, two-component mixture, so a lesson can show the
identity holds exactly.

Convention: :math:`0 \log 0 = 0` (a component with ``q_ic = 0`` contributes
nothing), as in the limit :math:`q \log q \to 0`.
"""

import numpy as np
import sympy as sp

from ._validation import check_resp, check_X
from .core import e_step, weighted_log_prob

__all__ = [
    "complete_data_log_likelihood",
    "q_function",
    "elbo",
    "kl_divergence",
    "symbolic_mixture_1d",
    "symbolic_elbo_identity",
]


def _xlogy(x, y):
    """``x * log(y)`` elementwise, with ``0 * log(y) = 0`` (also for ``y = 0``)."""
    x = np.asarray(x, dtype=float)
    with np.errstate(divide="ignore"):
        return np.where(x > 0, x * np.log(np.where(x > 0, y, 1.0)), 0.0)


def _check_resp_for(X, params, resp, name="resp"):
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


def q_function(X, params, resp):
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

    Parameters
    ----------
    X : array-like of shape (n, d)
    params : GMMParams
        The parameters :math:`\theta`.
    resp : array-like of shape (n, K)
        Responsibilities :math:`r_{ic}` computed at :math:`\theta^{(t)}`.

    Returns
    -------
    float
    """
    X = check_X(X)
    log_prob = weighted_log_prob(X, params)
    resp = _check_resp_for(X, params, resp)
    # 0 * (-inf) counts as 0: a component with no responsibility adds nothing.
    return float(np.sum(resp * np.where(resp > 0, log_prob, 0.0)))


def elbo(X, params, resp):
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
    params : GMMParams
    resp : array-like of shape (n, K)
        Any distribution over components for each sample (rows sum to 1).

    Returns
    -------
    float
    """
    X = check_X(X)
    resp = _check_resp_for(X, params, resp)
    entropy = -float(np.sum(_xlogy(resp, resp)))
    return q_function(X, params, resp) + entropy


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


def _normal_1d(x, mu, sigma):
    """The 1-D normal density N(x | mu, sigma^2) as a SymPy expression."""
    return sp.exp(-((x - mu) ** 2) / (2 * sigma**2)) / sp.sqrt(2 * sp.pi * sigma**2)


def symbolic_mixture_1d(n_points=3):
    r"""SymPy symbols and expressions of a 1-D, two-component mixture.

    Component *c* has density :math:`\mathcal{N}(x \mid \mu_c, \sigma_c^2)`
    and weight :math:`\pi_c`; sample *i* has its own distribution
    :math:`(q_{i1}, q_{i2})` over the components. All symbols are declared
    positive (or real), so ``expand_log(..., force=True)`` may split every
    logarithm; the constraint :math:`q_{i2} = 1 - q_{i1}` is applied with the
    returned substitution ``normalise_q``.

    Parameters
    ----------
    n_points : int, default 3
        Number of data points :math:`x_1, \dots, x_n` (symbols).

    Returns
    -------
    dict
        ``x`` (tuple of n symbols), ``q`` (list of n pairs ``(q_i1, q_i2)``),
        ``pi`` (pair), ``mu`` (pair), ``sigma`` (pair), ``joint`` (n pairs
        :math:`\pi_c \mathcal{N}(x_i \mid \mu_c, \sigma_c^2)`),
        ``posterior`` (n pairs :math:`p(z_i = c \mid x_i)`), the scalar
        expressions ``log_p`` (:math:`\sum_i \log \sum_c \pi_c \mathcal{N}_{ic}`),
        ``q_function``, ``entropy``, ``elbo`` and ``kl`` (as in :func:`elbo`,
        :func:`kl_divergence`), and ``normalise_q``, the dict
        ``{q_i2: 1 - q_i1}``.
    """
    if isinstance(n_points, bool) or not isinstance(n_points, int) or n_points < 1:
        raise ValueError(
            f"n_points must be an integer >= 1; received {n_points!r}. "
            f"A handful (2-4) keeps the expressions readable."
        )
    x = sp.symbols(f"x_1:{n_points + 1}", real=True)
    q = [sp.symbols(f"q_{i}1 q_{i}2", positive=True) for i in range(1, n_points + 1)]
    pi = sp.symbols("pi_1:3", positive=True)
    mu = sp.symbols("mu_1:3", real=True)
    sigma = sp.symbols("sigma_1:3", positive=True)
    joint = [tuple(pi[c] * _normal_1d(xi, mu[c], sigma[c]) for c in range(2)) for xi in x]
    evidence = [sum(j) for j in joint]
    posterior = [tuple(jc / e for jc in j) for j, e in zip(joint, evidence)]
    pairs = lambda a, b: [(ac, bc) for ai, bi in zip(a, b) for ac, bc in zip(ai, bi)]  # noqa: E731
    q_expr = sum(qc * sp.log(jc) for qc, jc in pairs(q, joint))
    entropy = -sum(qc * sp.log(qc) for qi in q for qc in qi)
    return {
        "x": x, "q": q, "pi": pi, "mu": mu, "sigma": sigma,
        "joint": joint, "posterior": posterior,
        "log_p": sum(sp.log(e) for e in evidence),
        "q_function": q_expr,
        "entropy": entropy,
        "elbo": sum(qc * sp.log(jc / qc) for qc, jc in pairs(q, joint)),
        "kl": sum(qc * sp.log(qc / pc) for qc, pc in pairs(q, posterior)),
        "normalise_q": {qi[1]: 1 - qi[0] for qi in q},
    }


def symbolic_elbo_identity(n_points=3):
    r"""The exact residual :math:`\mathcal{L}(q, \theta) + \mathrm{KL}(q \,\|\, p) - \log p(X \mid \theta)`.

    With the expressions of :func:`symbolic_mixture_1d`: split every
    logarithm (``expand_log(..., force=True)``, valid because all symbols are
    positive or real), impose :math:`q_{i2} = 1 - q_{i1}`, and expand.
    SymPy reduces the result to ``0``: the identity
    :math:`\log p(X \mid \theta) = \mathcal{L}(q, \theta) + \mathrm{KL}(q \,\|\, p)`
    holds for *every* data set, parameters and distribution :math:`q`.

    Returns
    -------
    sympy.Expr
        The residual (``sympy.Integer(0)`` when the identity holds).
    """
    m = symbolic_mixture_1d(n_points)
    residual = sp.expand_log(m["elbo"] + m["kl"] - m["log_p"], force=True)
    return sp.simplify(sp.expand(residual.subs(m["normalise_q"])))
