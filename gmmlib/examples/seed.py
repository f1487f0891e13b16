"""The seed's six people: the worked runs of lessons 1-6.

The data and the initial parameters are :func:`gmmlib.datasets.seed_people`
and :func:`gmmlib.datasets.seed_initial_params`; these are the computations
the lessons (and the lecture figures of :mod:`gmmlib.figures.seed`) run on them.
"""

import functools

import numpy as np

from .. import datasets
from ..core import e_step, em, m_step

__all__ = [
    "SEED_EM_SETTINGS",
    "SEED_REG_COVARS",
    "NOISY_SEED",
    "seed_first_e_step",
    "seed_first_m_step",
    "seed_em",
    "seed_noisy_people",
    "seed_noisy_em",
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
