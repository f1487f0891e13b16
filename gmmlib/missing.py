r"""EM for one multivariate normal with missing entries (lesson 10, last section).

The data ``X`` (n, d) mark a missing entry with NaN. Row :math:`x_n` splits into
its observed part :math:`x_{o}` and missing part :math:`x_{m}`; the latent
variables of EM are the missing entries themselves. For a normal
:math:`\mathcal{N}(\mu, \Sigma)` the complete-data log-likelihood depends on
the data only through :math:`\sum_n x_n` and :math:`\sum_n x_n x_n^\top`, so the
Q-function needs their conditional expectations given the observed entries:

.. math::

    \hat x_{m} = \mathbb{E}[x_{m} \mid x_{o}]
               = \mu_{m} + \Sigma_{mo}\Sigma_{oo}^{-1}(x_{o} - \mu_{o}),
    \qquad
    C_n = \operatorname{Cov}[x_{m} \mid x_{o}]
        = \Sigma_{mm} - \Sigma_{mo}\Sigma_{oo}^{-1}\Sigma_{om}

(E-step; :math:`C_n` is placed in the missing rows and columns of a d x d
zero matrix). The M-step is the full-data maximum-likelihood fit of the filled
rows :math:`\hat x_n` plus the average conditional covariance:

.. math::

    \mu = \frac1n\sum_n \hat x_n, \qquad
    \Sigma = \frac1n\sum_n \left[(\hat x_n - \mu)(\hat x_n - \mu)^\top + C_n\right].

Without the :math:`C_n` term this would be "impute, then fit", which
underestimates the variances. EM increases the *observed-data* log-likelihood
:func:`observed_log_likelihood` at every step.
"""

from dataclasses import dataclass

import numpy as np

from ._validation import _as_float_array, check_covariance, check_means
from .core import mvn_logpdf

__all__ = ["check_missing", "e_step", "m_step", "observed_log_likelihood", "MissingEMResult", "em"]


def check_missing(X, name="X"):
    """``X`` as a float (n, d) array, NaN where missing; every row needs an observed value."""
    X = _as_float_array(X, name)
    if X.ndim != 2 or X.shape[0] < 1:
        raise ValueError(f"{name} must be a 2-D array (n_samples, n_features); received shape {X.shape}.")
    if np.isinf(X).any():
        raise ValueError(f"{name} must not contain inf; mark missing entries with NaN, not inf.")
    empty = np.flatnonzero(np.isnan(X).all(axis=1))
    if empty.size:
        raise ValueError(
            f"row {int(empty[0])} of {name} has no observed entry (all NaN); it carries no "
            f"information about the parameters. Drop such rows first."
        )
    return X


def _check_params(mean, cov, d):
    mean = check_means(np.atleast_2d(np.asarray(mean, dtype=float)), 1, d, name="mean")[0]
    cov = check_covariance(cov, d, name="cov")
    return mean, cov


def e_step(X, mean, cov):
    r"""Filled rows :math:`\hat x_n` and the summed conditional covariance :math:`\sum_n C_n`.

    Parameters
    ----------
    X : array-like of shape (n, d), NaN where missing
    mean : array-like of shape (d,)
    cov : array-like of shape (d, d), positive definite

    Returns
    -------
    filled : ndarray of shape (n, d)
        Observed entries unchanged, missing ones replaced by their conditional mean.
    correction : ndarray of shape (d, d)
        :math:`\sum_n C_n`, each :math:`C_n` in the rows and columns of row n's missing entries.
    """
    X = check_missing(X)
    mean, cov = _check_params(mean, cov, X.shape[1])
    filled = X.copy()
    correction = np.zeros_like(cov)
    missing = np.isnan(X)
    patterns, inverse = np.unique(missing, axis=0, return_inverse=True)
    for j, pattern in enumerate(patterns):  # rows with the same missing entries share Sigma_oo^-1
        if not pattern.any():
            continue
        rows, m, o = np.flatnonzero(inverse.ravel() == j), pattern, ~pattern
        gain = np.linalg.solve(cov[np.ix_(o, o)], cov[np.ix_(o, m)]).T  # Sigma_mo Sigma_oo^-1
        filled[np.ix_(rows, m)] = mean[m] + (X[np.ix_(rows, o)] - mean[o]) @ gain.T
        correction[np.ix_(m, m)] += rows.size * (cov[np.ix_(m, m)] - gain @ cov[np.ix_(o, m)])
    return filled, correction


def m_step(filled, correction):
    r"""Mean and covariance from the filled rows and the conditional covariances.

    .. math:: \mu = \frac1n\sum_n \hat x_n, \qquad
              \Sigma = \frac1n\Bigl[\sum_n (\hat x_n - \mu)(\hat x_n - \mu)^\top + \sum_n C_n\Bigr]

    Returns
    -------
    mean : ndarray of shape (d,)
    cov : ndarray of shape (d, d)
    """
    filled = _as_float_array(filled, "filled")
    if filled.ndim != 2 or np.isnan(filled).any():
        raise ValueError("filled must be a 2-D array without NaN (the output of gmmlib.missing.e_step).")
    correction = _as_float_array(correction, "correction")
    n, d = filled.shape
    if correction.shape != (d, d):
        raise ValueError(f"correction must have shape ({d}, {d}); received {correction.shape}.")
    mean = filled.mean(axis=0)
    centred = filled - mean
    cov = (centred.T @ centred + correction) / n
    return mean, (cov + cov.T) / 2


def observed_log_likelihood(X, mean, cov):
    r"""The observed-data log-likelihood :math:`\sum_n \log \mathcal{N}(x_{n,o} \mid \mu_o, \Sigma_{oo})`.

    Each row contributes the marginal density of its observed entries (the
    missing ones integrated out). Returns a float.
    """
    X = check_missing(X)
    mean, cov = _check_params(mean, cov, X.shape[1])
    missing = np.isnan(X)
    patterns, inverse = np.unique(missing, axis=0, return_inverse=True)
    total = 0.0
    for j, pattern in enumerate(patterns):
        rows, o = np.flatnonzero(inverse.ravel() == j), ~pattern
        total += float(np.sum(mvn_logpdf(X[np.ix_(rows, o)], mean[o], cov[np.ix_(o, o)])))
    return total


@dataclass(frozen=True, eq=False)
class MissingEMResult:
    """What :func:`em` returns: ``mean``, ``cov``, the observed-data ``log_likelihoods``, ``converged``."""

    mean: np.ndarray
    cov: np.ndarray
    log_likelihoods: list
    converged: bool


def em(X, mean=None, cov=None, max_iter=500, tol=1e-8):
    """EM for a normal with missing entries, from ``mean``, ``cov`` (default: the available-case estimates).

    Stops when the observed-data log-likelihood rises by less than ``tol``.

    Parameters
    ----------
    X : array-like of shape (n, d), NaN where missing
    mean : array-like of shape (d,), optional
        Default: the mean of each column's observed entries.
    cov : array-like of shape (d, d), optional
        Default: diagonal, each column's variance of its observed entries.
    max_iter : int
    tol : float

    Returns
    -------
    MissingEMResult
    """
    X = check_missing(X)
    if mean is None:
        mean = np.nanmean(X, axis=0)
    if cov is None:
        cov = np.diag(np.nanvar(X, axis=0))
    mean, cov = _check_params(mean, cov, X.shape[1])
    lls = [observed_log_likelihood(X, mean, cov)]
    converged = False
    for _ in range(max_iter):
        mean, cov = m_step(*e_step(X, mean, cov))
        lls.append(observed_log_likelihood(X, mean, cov))
        if abs(lls[-1] - lls[-2]) < tol:
            converged = True
            break
    return MissingEMResult(mean, cov, lls, converged)
