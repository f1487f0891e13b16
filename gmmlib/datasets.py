"""Data sets used by the course.

- :func:`seed_people` and :func:`seed_initial_params`: the worked example of
  the course's seed document (six people, two clusters, one EM iteration).
- :func:`old_faithful`: the classic real data set for Gaussian mixtures.
- :func:`standardise`: each column to mean 0 and standard deviation 1.
"""

import csv
import hashlib
from importlib import resources

import numpy as np

from .core import GMMParams

__all__ = [
    "PEOPLE",
    "COMPONENTS",
    "seed_people",
    "seed_initial_params",
    "old_faithful",
    "standardise",
]

#: Names of the six people of the seed example, in the seed's order.
PEOPLE = ("A", "B", "C", "D", "E", "F")

#: Names of the two components of the seed example, in the seed's order.
COMPONENTS = ("women", "men")

_OLD_FAITHFUL_SHA256 = "35755e109446ec911891b1eae5cb33bc2f18367ce712145e4f9d27d19f575bad"


def seed_people():
    """Height (cm) and weight (kg) of the seed's persons A-F.

    ======  ======  ======
    person  height  weight
    ======  ======  ======
    A       160     55
    B       165     60
    C       170     65
    D       180     75
    E       185     80
    F       190     85
    ======  ======  ======

    Note that every point satisfies ``weight = height - 105``: the six points
    lie on one line, which is why the seed's first M-step produces singular
    covariances (lesson 5).

    Returns
    -------
    X : ndarray of shape (6, 2)
        Rows in the order of :data:`PEOPLE`; columns height, weight.
    """
    return np.array(
        [[160, 55], [165, 60], [170, 65], [180, 75], [185, 80], [190, 85]],
        dtype=float,
    )


def seed_initial_params():
    """The seed's initial parameters, components in the order of :data:`COMPONENTS`.

    ========  ==========  ===================  =====
    cluster   mean        covariance           prior
    ========  ==========  ===================  =====
    women     [162, 57]   [[10, 0], [0, 10]]   0.5
    men       [185, 80]   [[10, 0], [0, 10]]   0.5
    ========  ==========  ===================  =====

    Returns
    -------
    GMMParams
    """
    return GMMParams(
        weights=[0.5, 0.5],
        means=[[162.0, 57.0], [185.0, 80.0]],
        covariances=[10.0 * np.eye(2), 10.0 * np.eye(2)],
    )


def old_faithful():
    """Eruptions of the Old Faithful geyser (Yellowstone National Park).

    272 eruptions: column 0 is the eruption duration in minutes, column 1 the
    waiting time to the next eruption in minutes (recorded in whole minutes).

    Provenance: the ``faithful`` data set of R's base ``datasets`` package,
    rows in R's order, row names dropped. Sources named there:
    W. Härdle, *Smoothing Techniques with Implementation in S*, Springer, 1991;
    A. Azzalini and A. W. Bowman, "A look at some data on the Old Faithful
    geyser", *Applied Statistics* 39 (1990) 357-365. It is the data set of
    Bishop, *Pattern Recognition and Machine Learning* (2006), section 9.2.
    The vendored file is ``gmmlib/data/old_faithful.csv`` (sha256
    ``35755e10...5bad``, checked on load).

    Returns
    -------
    X : ndarray of shape (272, 2)
        Columns: eruptions (min), waiting (min).
    """
    raw = resources.files("gmmlib").joinpath("data", "old_faithful.csv").read_bytes()
    digest = hashlib.sha256(raw).hexdigest()
    if digest != _OLD_FAITHFUL_SHA256:
        raise ValueError(
            f"gmmlib/data/old_faithful.csv has sha256 {digest}, expected "
            f"{_OLD_FAITHFUL_SHA256}; the vendored file was modified. Restore it "
            f"with git checkout gmmlib/data/old_faithful.csv."
        )
    rows = list(csv.reader(raw.decode("utf-8").splitlines()))
    if rows[0] != ["eruptions", "waiting"]:
        raise ValueError(f"unexpected header in old_faithful.csv: {rows[0]}")
    return np.array(rows[1:], dtype=float)


def standardise(X):
    r"""Standardised data :math:`z_{ij} = (x_{ij} - \bar x_j) / s_j` (``s``: population sd).

    Each column gets mean 0 and standard deviation 1, so features in different
    units count equally in round or diagonal covariances (lesson 7).

    Parameters
    ----------
    X : array-like of shape (n, d)

    Returns
    -------
    Z : ndarray of shape (n, d)
    """
    X = np.asarray(X, dtype=float)
    return (X - X.mean(axis=0)) / X.std(axis=0)
