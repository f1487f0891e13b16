"""The runs of gmmlib.examples.faithful are the runs lesson 7 shows.

Lesson 7 fits its models in plain sight (``gmmlib.em`` from a poor start,
``GaussianMixture`` calls, the 36-model grid); the lecture figures draw the same
runs from :mod:`gmmlib.examples.faithful`. These tests compare the two through the
numbers the lesson *printed* (its stored outputs, which nbval keeps equal to a fresh
run), so changing a start, a seed or a setting in one place and not the other fails
here, and the figures cannot silently show another run than the lesson's text.
"""

import re
from pathlib import Path

import nbformat
import numpy as np
import pytest

from gmmlib import datasets
from gmmlib.examples import faithful
from gmmlib.mixture import collapsed_components

LESSON = Path(__file__).resolve().parent.parent / "notebooks" / "07_old_faithful.ipynb"


@pytest.fixture(scope="module")
def printed():
    """Everything the lesson's code cells printed, one string."""
    nb = nbformat.read(LESSON, as_version=4)
    texts = [out.get("text", "") for cell in nb.cells if cell.cell_type == "code"
             for out in cell.get("outputs", []) if out.get("output_type") == "stream"]
    return "\n".join(texts)


def _line(printed, prefix):
    lines = [ln for ln in printed.splitlines() if ln.startswith(prefix)]
    assert len(lines) == 1, f"the lesson should print exactly one line starting {prefix!r}; found {lines}"
    return lines[0][len(prefix):]


def _numbers(text):
    return [float(x) for x in re.findall(r"-?\d+\.\d+|-?\d+", text)]


def test_the_figures_em_run_is_the_lessons(printed):
    run = faithful.faithful_em()
    shown = _numbers(_line(printed, "log-likelihood at iterations 0, 1, 2, 5, 10 and the end:"))
    lls = np.asarray(run.log_likelihoods)
    np.testing.assert_allclose(shown, lls[[0, 1, 2, 5, 10, -1]], atol=1e-4)
    assert f"{run.n_iter} iterations, converged = {run.converged}" in printed
    assert run.n_iter >= 10  # the progression figure shows iteration 10 as well as the last


def test_the_figures_chosen_fit_is_the_lessons(printed):
    gm = faithful.faithful_chosen_fit()
    shown = _numbers(_line(printed, "lower_bounds_:"))
    np.testing.assert_allclose(shown, gm.lower_bounds_, atol=1e-6)
    assert (gm.n_components, gm.covariance_type, gm.random_state) == (2, "full", faithful.RANDOM_STATE)


def test_the_figures_criteria_are_the_lessons_grid(printed):
    table, _ = faithful.faithful_criteria()
    rows = {}
    block = printed[printed.index("BIC  K"):]
    for which in ("BIC", "AIC"):
        part = block[block.index(f"{which}  K"):].splitlines()[1:10]
        rows[which] = np.array([_numbers(line)[1:] for line in part])
    kinds = ["full", "tied", "diag", "spherical"]
    for which, column in (("BIC", "bic"), ("AIC", "aic")):
        ours = np.array([[table[column][i] for i in range(len(table[column]))
                          if table["covariance_type"][i] == kind] for kind in kinds]).T
        np.testing.assert_allclose(rows[which], ours, atol=0.051)


def test_the_figures_collapsed_fit_is_the_lessons(printed):
    gm, collapsed = faithful.faithful_collapsed_fit()
    assert {k: gm.get_params()[k] for k in faithful.COLLAPSED_FIT} == faithful.COLLAPSED_FIT
    assert f"K = {gm.n_components}: collapsed components {collapsed}" in printed
    X = datasets.old_faithful()
    on_it = gm.predict(X) == collapsed[0]
    assert np.unique(X[on_it, 1]).size == 1  # a single waiting time: the rounding artefact
    assert collapsed_components(gm, X) == collapsed


def test_the_poor_start_is_on_the_empty_diagonal():
    """The start of the progression figure: no eruption within half a unit of either mean."""
    Z = datasets.standardise(datasets.old_faithful())
    start = faithful.FAITHFUL_POOR_START
    distances = np.linalg.norm(Z[:, None, :] - start.means[None], axis=2)
    assert distances.min() > 0.5
    np.testing.assert_array_equal(start.covariances, [0.5 * np.eye(2)] * 2)
