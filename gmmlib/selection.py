r"""Model choice: which number of components and covariance type to use.

More components and freer covariances always raise the likelihood, so the
likelihood alone cannot choose a model; the functions here score a grid of
:class:`gmmlib.GaussianMixture` fits with criteria that pay for the number of
free parameters :math:`p` (lessons 7 and 9):

.. math:: \mathrm{BIC} = -2 \log \hat L + p \log n, \qquad
          \mathrm{AIC} = -2 \log \hat L + 2 p \qquad \text{(lower is better),}

with the classification likelihood ICL (:func:`icl`, which adds the cost of
unclear assignments), the held-out log-likelihood of k-fold cross-validation
(:func:`cross_validated_log_likelihood`, higher is better) and mclust's sign
convention for BIC (:func:`mclust_bic`, higher is better).
"""

import numpy as np

from .mixture import COVARIANCE_TYPES, GaussianMixture

__all__ = [
    "COVARIANCE_TYPES",
    "N_COMPONENTS_RANGE",
    "MCLUST_NAMES",
    "information_criteria_table",
    "mclust_bic",
    "bic_from_mclust",
    "icl",
    "kfold_indices",
    "cross_validated_log_likelihood",
]

#: The default grid of numbers of components, K = 1, ..., 9 (lesson 7's).
N_COMPONENTS_RANGE = tuple(range(1, 10))

#: mclust's name of each scikit-learn covariance type (volume, shape,
#: orientation of the components: E = equal, V = variable, I = identity, i.e.
#: spherical shape or axis-aligned orientation). See ``?mclustModelNames`` in R.
MCLUST_NAMES = {"spherical": "VII", "diag": "VVI", "tied": "EEE", "full": "VVV"}


def information_criteria_table(X, n_components_range=N_COMPONENTS_RANGE,
                               covariance_types=COVARIANCE_TYPES, random_state=0,
                               return_models=False, fit_params=None):
    r"""BIC and AIC of :class:`gmmlib.GaussianMixture` fits for a grid of models.

    .. math:: \mathrm{BIC} = -2 \log \hat L + p \log n, \qquad
              \mathrm{AIC} = -2 \log \hat L + 2 p

    Parameters
    ----------
    X : array-like of shape (n, d)
    n_components_range : sequence of int
    covariance_types : sequence of str
    random_state : int
        Seed of every fit's initialisation.
    return_models : bool
        Also return the fitted estimators, keyed by ``(covariance_type, K)``.
    fit_params : dict, optional
        Further settings of every fit (e.g. ``{"tol": 1e-7, "max_iter": 3000}``);
        default: the estimator's defaults.

    Returns
    -------
    table : dict of lists
        Columns ``covariance_type``, ``n_components``, ``bic``, ``aic``
        (one row per fit; ``pandas.DataFrame(table)`` makes a data frame).
    models : dict, only if ``return_models``
    """
    table = {"covariance_type": [], "n_components": [], "bic": [], "aic": []}
    models = {}
    for kind in covariance_types:
        for K in n_components_range:
            gm = GaussianMixture(n_components=K, covariance_type=kind,
                                 random_state=random_state, **(fit_params or {})).fit(X)
            table["covariance_type"].append(kind)
            table["n_components"].append(K)
            table["bic"].append(float(gm.bic(X)))
            table["aic"].append(float(gm.aic(X)))
            models[kind, K] = gm
    return (table, models) if return_models else table


def _finite(value, name):
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number or an array of numbers; received "
                         f"{value!r}.") from None
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} must be finite; received {value!r}. A BIC is -2 log L + "
                         "p log n of a fitted model: check the fit.")
    return array


def mclust_bic(bic):
    r"""BIC in mclust's convention (higher is better), from the usual one.

    R's mclust reports

    .. math:: \mathrm{BIC}_\text{mclust} = 2 \log \hat L - p \log n = -\mathrm{BIC},

    the same number with the opposite sign, so mclust *maximises* it.

    Parameters
    ----------
    bic : float or array-like
        BIC as :meth:`gmmlib.GaussianMixture.bic` or scikit-learn compute it
        (lower is better).

    Returns
    -------
    float or ndarray
    """
    array = -_finite(bic, "bic")
    return float(array) if array.ndim == 0 else array


def bic_from_mclust(bic_mclust):
    r"""The usual BIC (lower is better) from mclust's: :math:`\mathrm{BIC} = -\mathrm{BIC}_\text{mclust}`.

    Parameters
    ----------
    bic_mclust : float or array-like

    Returns
    -------
    float or ndarray
    """
    array = -_finite(bic_mclust, "bic_mclust")
    return float(array) if array.ndim == 0 else array


def icl(gm, X, assignment="map"):
    r"""Integrated completed likelihood criterion (ICL) of a fitted mixture (lower is better).

    BIC scores the mixture as a density. Biernacki, Celeux and Govaert (2000)
    score it as a *clustering*: they approximate the log of the integrated
    *complete*-data likelihood :math:`p(X, Z)`, whose log-likelihood part is
    :math:`\log p(X, Z \mid \hat\theta) = \log p(X \mid \hat\theta) +
    \sum_i \log p(z_i \mid x_i, \hat\theta)`. With the labels :math:`Z`
    unknown, they are replaced by the most probable ones
    (:math:`\hat c_i = \arg\max_c r_{ic}`, ``assignment="map"``, as R's mclust
    does), or averaged over the responsibilities (``assignment="soft"``,
    McLachlan and Peel's ICL-BIC), which gives

    .. math:: \mathrm{ICL} = \mathrm{BIC} - 2 \sum_{i=1}^n \log r_{i \hat c_i}
              \quad\text{or}\quad
              \mathrm{ICL} = \mathrm{BIC} + 2\,\mathrm{EN}(r), \quad
              \mathrm{EN}(r) = -\sum_{i=1}^n \sum_{c=1}^K r_{ic} \log r_{ic}

    (with :math:`0 \log 0 = 0`). Both terms are :math:`\ge 0`: ICL exceeds BIC
    by the cost of unclear assignments, and prefers well-separated clusters.
    Since :math:`-\log \max_c r_{ic} \le -\sum_c r_{ic} \log r_{ic}`, the MAP
    version never exceeds the soft one.

    Parameters
    ----------
    gm : fitted :class:`gmmlib.GaussianMixture` (or scikit-learn's)
    X : array-like of shape (n, d)
    assignment : {'map', 'soft'}
        The labels used: most probable (mclust's ``icl``) or the
        responsibilities themselves (the entropy).

    Returns
    -------
    float

    References
    ----------
    C. Biernacki, G. Celeux and G. Govaert, "Assessing a mixture model for
    clustering with the integrated completed likelihood", IEEE TPAMI 22 (2000)
    719-725. G. McLachlan and D. Peel, *Finite Mixture Models*, Wiley (2000),
    section 6.10.
    """
    if assignment not in ("map", "soft"):
        raise ValueError(f"assignment must be 'map' or 'soft'; received {assignment!r}.")
    resp = np.asarray(gm.predict_proba(X), dtype=float)
    safe = np.where(resp > 0, resp, 1.0)  # 0 log 0 = 0
    if assignment == "map":
        cost = -np.sum(np.log(safe[np.arange(len(resp)), np.argmax(resp, axis=1)]))
    else:
        cost = -np.sum(resp * np.log(safe))
    return float(gm.bic(X) + 2 * cost)


def _check_int(value, name, minimum):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}; received {value!r}.")
    return int(value)


def kfold_indices(n_samples, n_splits=5, random_state=0):
    r"""Shuffled k-fold split of ``range(n_samples)``: list of ``(train, test)`` index arrays.

    The indices are shuffled with ``numpy.random.RandomState(random_state)``
    and cut into ``n_splits`` consecutive folds, the first
    :math:`n \bmod k` of them one longer; each fold is the test set once.
    These are the splits of scikit-learn's
    ``KFold(n_splits, shuffle=True, random_state=random_state)``.

    Parameters
    ----------
    n_samples : int
    n_splits : int, at least 2 and at most ``n_samples``
    random_state : int

    Returns
    -------
    list of (ndarray, ndarray)
        Sorted train and test indices of each fold.
    """
    n_samples = _check_int(n_samples, "n_samples", 2)
    n_splits = _check_int(n_splits, "n_splits", 2)
    if n_splits > n_samples:
        raise ValueError(f"n_splits must be at most n_samples = {n_samples}; received "
                         f"{n_splits}. Use fewer folds.")
    indices = np.arange(n_samples)
    np.random.RandomState(random_state).shuffle(indices)
    sizes = np.full(n_splits, n_samples // n_splits)
    sizes[: n_samples % n_splits] += 1
    folds, start = [], 0
    for size in sizes:
        test = np.sort(indices[start:start + size])
        start += size
        mask = np.ones(n_samples, dtype=bool)
        mask[test] = False
        folds.append((np.flatnonzero(mask), test))
    return folds


def cross_validated_log_likelihood(X, n_components_range=N_COMPONENTS_RANGE,
                                   covariance_types=COVARIANCE_TYPES, n_splits=5,
                                   random_state=0, fit_params=None):
    r"""Held-out log-likelihood of a grid of models by k-fold cross-validation (higher is better).

    For every fold :math:`F_j` of :func:`kfold_indices`, a mixture is fitted
    to the other folds and scores the points of :math:`F_j` it has not seen:

    .. math:: \mathrm{CV} = \sum_{j=1}^{k} \sum_{i \in F_j}
              \log p\bigl(x_i \mid \hat\theta_{-j}\bigr),

    an estimate of how well the model predicts new data (no penalty needed:
    a model that over-fits the training folds predicts the held-out ones
    worse). ``-2 CV`` is on the scale of BIC and AIC.

    Parameters
    ----------
    X : array-like of shape (n, d)
    n_components_range : sequence of int
    covariance_types : sequence of str
    n_splits : int
        Number of folds ``k``.
    random_state : int
        Seed of the folds and of every fit's initialisation.
    fit_params : dict, optional
        Further settings of every fit (as in :func:`information_criteria_table`).

    Returns
    -------
    table : dict of lists
        Columns ``covariance_type``, ``n_components``, ``cv`` (the sum
        above) and ``cv_folds`` (its ``k`` terms, one per fold).
    """
    X = np.asarray(X, dtype=float)
    if X.ndim != 2:
        raise ValueError(f"X must be a 2-D array of shape (n, d); received shape {X.shape}.")
    folds = kfold_indices(len(X), n_splits, random_state)
    table = {"covariance_type": [], "n_components": [], "cv": [], "cv_folds": []}
    for kind in covariance_types:
        for K in n_components_range:
            per_fold = []
            for train, test in folds:
                gm = GaussianMixture(n_components=K, covariance_type=kind,
                                     random_state=random_state,
                                     **(fit_params or {})).fit(X[train])
                per_fold.append(float(np.sum(gm.score_samples(X[test]))))
            table["covariance_type"].append(kind)
            table["n_components"].append(K)
            table["cv"].append(float(np.sum(per_fold)))
            table["cv_folds"].append(per_fold)
    return table
