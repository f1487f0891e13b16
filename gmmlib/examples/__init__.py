"""The named computations of the lessons: worked runs and their settings.

A lesson runs a computation in front of the student; when a lecture figure
draws the same run, or a later cell or lesson needs it again, the computation
gets a name here, so the lesson, the figure and the tests use one definition.
What belongs here: a lesson's fixed settings (a start, a seed, a grid; e.g.
:data:`gmmlib.examples.faithful.FAITHFUL_POOR_START`) and functions of no or
few arguments that return a worked run (e.g.
:func:`gmmlib.examples.faithful.faithful_em`), cached when they are costly.
What does not: general-purpose functions (:mod:`gmmlib.core`,
:mod:`gmmlib.mixture`, :mod:`gmmlib.selection`, data preparation in
:mod:`gmmlib.datasets`) and drawing (:mod:`gmmlib.plotting`,
:mod:`gmmlib.figures`).

One module per topic of the course:

- :mod:`gmmlib.examples.seed`: the seed's six people (lessons 1-6);
- :mod:`gmmlib.examples.faithful`: Old Faithful (lesson 7);
- :mod:`gmmlib.examples.starts`: many starts, local optima (lesson 8);
- :mod:`gmmlib.examples.model_choice`: covariance structures and model choice (lesson 9);
- :mod:`gmmlib.examples.beyond`: Bernoulli mixtures and EM's speed (lesson 10).

A new topic adds ``examples/<topic>.py`` and its import line below.
"""

from . import (
    beyond,  # lesson 10
    faithful,
    model_choice,  # lesson 9
    seed,
    starts,  # lesson 8
)

__all__ = ["faithful", "seed", "starts", "model_choice", "beyond"]
