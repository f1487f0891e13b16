"""gmmlib: the helper library of the Gaussian mixture models and EM course.

The lessons derive every step with SymPy (:mod:`gmmlib.symbolic`) and compute
it with the functions here:

- :class:`GMMParams`, :func:`mvn_logpdf`, :func:`mvn_pdf`, :func:`e_step`,
  :func:`m_step`, :func:`log_likelihood`: the lesson-level building blocks,
  written to read like the maths;
- :class:`GaussianMixture`: a fast estimator with scikit-learn's interface;
- :mod:`gmmlib.datasets`: the seed's six people and Old Faithful;
- :mod:`gmmlib.examples`: the lessons' worked runs (one module per topic), which
  the lecture figures of :mod:`gmmlib.figures` draw with :mod:`gmmlib.plotting`.

The jobs behind ``python -m gmmlib <job>`` live in :mod:`gmmlib.tools`; the
library never imports them.
"""

__version__ = "0.1.0"

from . import checks, datasets
from .core import (
    EMResult,
    GMMParams,
    e_step,
    em,
    log_likelihood,
    logsumexp,
    m_step,
    mvn_logpdf,
    mvn_pdf,
    weighted_log_prob,
)

__all__ = [
    "__version__",
    "datasets",
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
    "checks",
    "GaussianMixture",
]


_LAZY_SUBMODULES = ("mixture", "symbolic", "plotting", "figures", "elbo", "examples", "selection",
                    "bernoulli", "missing")


def __getattr__(name):
    # Heavier parts (SymPy, matplotlib) load on first use, so `import gmmlib` stays light.
    import importlib

    if name == "GaussianMixture":
        return importlib.import_module(".mixture", __name__).GaussianMixture
    if name in _LAZY_SUBMODULES:
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'gmmlib' has no attribute {name!r}")
