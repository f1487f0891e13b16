r"""Model choice: which number of components and covariance type to use.

More components and freer covariances always raise the likelihood, so the
likelihood alone cannot choose a model; the functions here score a grid of
:class:`gmmlib.GaussianMixture` fits with criteria that pay for the number of
free parameters :math:`p` (lesson 7):

.. math:: \mathrm{BIC} = -2 \log \hat L + p \log n, \qquad
          \mathrm{AIC} = -2 \log \hat L + 2 p \qquad \text{(lower is better).}
"""

from .mixture import COVARIANCE_TYPES, GaussianMixture

__all__ = ["COVARIANCE_TYPES", "N_COMPONENTS_RANGE", "information_criteria_table"]

#: The default grid of numbers of components, K = 1, ..., 9 (lesson 7's).
N_COMPONENTS_RANGE = tuple(range(1, 10))


def information_criteria_table(X, n_components_range=N_COMPONENTS_RANGE,
                               covariance_types=COVARIANCE_TYPES, random_state=0,
                               return_models=False):
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
                                 random_state=random_state).fit(X)
            table["covariance_type"].append(kind)
            table["n_components"].append(K)
            table["bic"].append(float(gm.bic(X)))
            table["aic"].append(float(gm.aic(X)))
            models[kind, K] = gm
    return (table, models) if return_models else table
