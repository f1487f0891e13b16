"""The seed's six people: the worked runs of lessons 1-6.

The data and the initial parameters are :func:`gmmlib.datasets.seed_people`
and :func:`gmmlib.datasets.seed_initial_params`; these are the computations
the lessons (and the lecture figures of :mod:`gmmlib.figures.seed`) run on them.
"""

import functools

import numpy as np

from .. import datasets
from ..core import GMMParams, e_step, em, log_likelihood, m_step, mvn_logpdf

__all__ = [
    "SEED_EM_SETTINGS",
    "SEED_REG_COVARS",
    "NOISY_SEED",
    "seed_first_e_step",
    "seed_first_m_step",
    "seed_em",
    "seed_mstep_objectives",
    "seed_noisy_people",
    "seed_noisy_em",
    "COLLAPSE_START",
    "seed_noisy_collapse",
    "WHY_EM_START",
    "LOWER_BOUND_STEP",
    "KMEANS_LIMIT_MEANS",
    "why_em_start",
    "why_em_run",
    "interpolate_params",
    "lower_bound_along_step",
    "round_params",
    "hardening",
]

#: Stopping rule of lesson 5's EM runs: at most 100 iterations, stop when the
#: log-likelihood changes by less than ``tol``.
SEED_EM_SETTINGS = {"max_iter": 100, "tol": 1e-6}

#: reg_covar values of lesson 5's log-likelihood curves.
SEED_REG_COVARS = (1.0, 0.1, 0.01)

#: Seed of the measurement noise of lesson 5's "noisy six people".
NOISY_SEED = 0


def seed_first_e_step():
    """Responsibilities of the seed's first E-step, shape (6, 2) (lesson 3)."""
    return e_step(datasets.seed_people(), datasets.seed_initial_params())


def seed_first_m_step(reg_covar=0.0):
    """The seed's parameters after one EM iteration from its initial guess (lesson 5).

    With ``reg_covar = 0`` both covariances are singular: the six people lie on
    one line.
    """
    return m_step(datasets.seed_people(), seed_first_e_step(), reg_covar=reg_covar)


def seed_em(reg_covar):
    """EM on the six people from the seed's start with :data:`SEED_EM_SETTINGS` (lesson 5)."""
    return em(datasets.seed_people(), datasets.seed_initial_params(), reg_covar=reg_covar,
              **SEED_EM_SETTINGS)


def seed_mstep_objectives(n_grid=401):
    r"""The parts of :math:`Q` that the first M-step maximises, each along one parameter (lesson 4).

    With the responsibilities :math:`r_{ic}` of the seed's first E-step held
    fixed, and the other parameters at their updates:

    - ``"weight"``: :math:`m_1\log\pi + m_2\log(1 - \pi)` against the women's
      weight :math:`\pi` (the men's is :math:`1 - \pi`), maximal at :math:`m_1/n`;
    - ``"mean"``: :math:`\sum_i r_{i1}\log\mathcal{N}(x_{ih}\mid\mu, \sigma^2_h)`
      against the women's mean height :math:`\mu`, maximal at the weighted mean;
    - ``"variance"``: the same sum against the variance :math:`\sigma^2` of the
      height at the updated mean, maximal at the weighted variance.

    The heights alone are used for the mean and the variance: the seed's full
    covariance update is singular (lesson 4's last section), its height entry is not.

    Returns
    -------
    dict
        ``{name: (grid, values, update)}``: the parameter values, shape
        ``(n_grid,)``, the objective there, and the M-step's update
        (from :func:`gmmlib.m_step`).
    """
    X, resp = datasets.seed_people(), seed_first_e_step()
    new = m_step(X, resp)
    heights, r = X[:, :1], resp[:, 0]
    nk = resp.sum(axis=0)
    mean, variance = new.means[0, 0], new.covariances[0, 0, 0]

    def part(mu, var):
        return float(r @ mvn_logpdf(heights, [mu], [[var]]))

    weights = np.linspace(0.02, 0.98, n_grid)
    means = np.linspace(mean - 15.0, mean + 15.0, n_grid)
    variances = np.linspace(2.0, 6.0 * variance, n_grid)
    return {
        "weight": (weights, nk[0] * np.log(weights) + nk[1] * np.log1p(-weights), new.weights[0]),
        "mean": (means, np.array([part(m, variance) for m in means]), mean),
        "variance": (variances, np.array([part(mean, v) for v in variances]), variance),
    }


def seed_noisy_people(seed=NOISY_SEED, scale=1.0):
    """The six people plus N(0, scale^2) measurement noise (lesson 5, "Cure 2").

    The noise is the first draw of ``numpy.random.default_rng(seed)``, as in
    lesson 5, so the data are no longer exactly on a line.
    """
    X = datasets.seed_people()
    return X + np.random.default_rng(seed).normal(scale=scale, size=X.shape)


@functools.lru_cache(maxsize=None)
def seed_noisy_em():
    """EM on :func:`seed_noisy_people` from the seed's start, ``reg_covar = 0``."""
    return em(seed_noisy_people(), datasets.seed_initial_params(), reg_covar=0.0,
              **SEED_EM_SETTINGS)


#: Lesson 5's start from which EM on :func:`seed_noisy_people` is drawn into
#: the singularity: two nearly equal means between the groups.
COLLAPSE_START = {"weights": (0.5, 0.5), "means": ((175.0, 70.0), (176.0, 71.0)), "variance": 50.0}


def seed_noisy_collapse(max_iter=40):
    """EM (``reg_covar = 0``) on :func:`seed_noisy_people` from :data:`COLLAPSE_START`, until it fails.

    From this start the log-likelihood creeps up for about ten iterations (a
    plateau where a stopping rule with ``tol = 1e-3`` would already stop), then
    one component's covariance shrinks onto two of the six people and becomes
    singular: the next E-step raises ``ValueError`` (lesson 5).

    Returns
    -------
    dict
        ``log_likelihoods`` (list, after each completed iteration, starting
        with the start's), ``determinants`` (list of arrays of shape (K,)),
        ``nk`` (list of the effective counts of each iteration's E-step) and
        ``error`` (the message of the ``ValueError``, or None if none occurred
        within ``max_iter`` iterations).
    """
    X = seed_noisy_people()
    s = COLLAPSE_START
    params = GMMParams(list(s["weights"]), [list(m) for m in s["means"]],
                       [s["variance"] * np.eye(2)] * len(s["weights"]))
    out = {"log_likelihoods": [log_likelihood(X, params)], "determinants": [], "nk": [], "error": None}
    for _ in range(max_iter):
        try:
            resp = e_step(X, params)
            params = m_step(X, resp)
            out["log_likelihoods"].append(log_likelihood(X, params))
        except ValueError as exc:
            out["error"] = str(exc)
            break
        out["nk"].append(resp.sum(axis=0))
        out["determinants"].append(np.linalg.det(params.covariances))
    return out


# ---------------------------------------------------------------------------
# Lesson 6: why EM works (the lower bound along one EM step; k-means as the
# limit of shrinking round covariances)
# ---------------------------------------------------------------------------

#: Lesson 6's deliberately poor start on :func:`seed_noisy_people`: both means
#: in the middle of the data, wide round covariances, so EM needs several
#: iterations.
WHY_EM_START = {"weights": (0.5, 0.5), "means": ((170.0, 65.0), (175.0, 70.0)), "variance": 100.0}

#: The EM step drawn in the lower-bound figure: from theta^(5) to theta^(6),
#: where the bound L(q^(5), theta^(6)) is furthest below log p (KL ~ 0.94).
LOWER_BOUND_STEP = 5

#: The fixed means of lesson 6's k-means limit (equal weights, covariance sigma^2 I).
KMEANS_LIMIT_MEANS = ((170.0, 65.0), (180.0, 75.0))


def why_em_start():
    """:data:`WHY_EM_START` as :class:`~gmmlib.GMMParams` (lesson 6)."""
    s = WHY_EM_START
    return GMMParams(list(s["weights"]), [list(m) for m in s["means"]],
                     [s["variance"] * np.eye(2)] * len(s["weights"]))


@functools.lru_cache(maxsize=None)
def why_em_run():
    """EM on :func:`seed_noisy_people` from :func:`why_em_start`, ``reg_covar = 0`` (lesson 6)."""
    return em(seed_noisy_people(), why_em_start(), reg_covar=0.0, **SEED_EM_SETTINGS)


def interpolate_params(old, new, alpha):
    r"""The parameters :math:`\theta(\alpha) = (1-\alpha)\,\theta_\text{old} + \alpha\,\theta_\text{new}`.

    Weights, means and covariances are interpolated entry by entry, so
    :math:`\alpha = 0` gives ``old`` and :math:`\alpha = 1` gives ``new``. For
    :math:`0 \le \alpha \le 1` the weights stay a distribution and the
    covariances positive definite (a convex combination); outside that range
    the caller must keep :math:`\alpha` close enough for both to hold.
    """
    mix = lambda a, b: (1 - alpha) * np.asarray(a) + alpha * np.asarray(b)  # noqa: E731
    return GMMParams(mix(old.weights, new.weights), mix(old.means, new.means),
                     mix(old.covariances, new.covariances))


def lower_bound_along_step(alphas, step=LOWER_BOUND_STEP):
    r"""log p and two lower bounds along the EM step :math:`\theta^{(t)} \to \theta^{(t+1)}` (lesson 6).

    On the line :math:`\theta(\alpha)` of :func:`interpolate_params` from
    :math:`\theta^{(t)}` (``alpha = 0``) to :math:`\theta^{(t+1)}`
    (``alpha = 1``) of :func:`why_em_run`, with :math:`t` = ``step``:

    - ``log_p``: :math:`\log p(X \mid \theta(\alpha))`;
    - ``bound_old``: :math:`\mathcal{L}(q^{(t)}, \theta(\alpha))`, the bound of the
      E-step at :math:`\theta^{(t)}`; it touches ``log_p`` at ``alpha = 0``
      (tangentially) and is largest at ``alpha = 1`` (the M-step maximises it
      over all :math:`\theta`, so also on this line);
    - ``bound_new``: :math:`\mathcal{L}(q^{(t+1)}, \theta(\alpha))`, the next
      E-step's bound, touching ``log_p`` at ``alpha = 1``.

    Parameters
    ----------
    alphas : array-like of shape (m,)
        Positions on the line; the covariances must stay positive definite.
    step : int
        :math:`t`, with ``0 <= t < why_em_run().n_iter``.

    Returns
    -------
    dict
        ``alphas``, ``log_p``, ``bound_old``, ``bound_new`` (arrays of shape (m,)).
    """
    from ..elbo import elbo

    run, X = why_em_run(), seed_noisy_people()
    if not 0 <= step < run.n_iter:
        raise ValueError(f"step must be in 0..{run.n_iter - 1} (the EM steps of why_em_run()); "
                         f"received {step!r}.")
    old, new = run.history[step], run.history[step + 1]
    q_old, q_new = e_step(X, old), e_step(X, new)
    alphas = np.asarray(alphas, dtype=float)
    path = [interpolate_params(old, new, a) for a in alphas]
    return {"alphas": alphas,
            "log_p": np.array([log_likelihood(X, p) for p in path]),
            "bound_old": np.array([elbo(X, q_old, p) for p in path]),
            "bound_new": np.array([elbo(X, q_new, p) for p in path])}


def round_params(sigma, means=KMEANS_LIMIT_MEANS):
    r"""Equal weights, the given means and one round covariance :math:`\sigma^2 I` (lesson 6)."""
    means = np.asarray(means, dtype=float)
    K = len(means)
    return GMMParams(np.full(K, 1.0 / K), means, [sigma**2 * np.eye(means.shape[1])] * K)


def hardening(sigmas):
    r"""Responsibilities of :func:`seed_noisy_people` under :func:`round_params`, per :math:`\sigma`.

    Returns an array of shape ``(len(sigmas), n, K)``; as :math:`\sigma \to 0`
    each row tends to the one-hot vector of the nearest mean (k-means).
    """
    X = seed_noisy_people()
    return np.array([e_step(X, round_params(s)) for s in sigmas])
