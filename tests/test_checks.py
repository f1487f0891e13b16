"""gmmlib.checks: the exercise checks fail with 'expected ... received ...' messages."""

import numpy as np
import pytest
import sympy as sp

import gmmlib
from gmmlib import symbolic
from gmmlib.checks import expect_close, expect_equal, expect_own_code, expect_shape


def test_expect_close_passes_and_fails_with_both_values():
    expect_close("N(B | women)", 0.010668, 0.0107, rtol=1e-2)
    with pytest.raises(AssertionError, match=r"N\(B \| women\): expected 0\.0107 .*received 0\.02"):
        expect_close("N(B | women)", 0.02, 0.0107, rtol=1e-3)


def test_expect_close_reports_shape_and_type_problems():
    with pytest.raises(AssertionError, match=r"expected shape \(2,\), received shape \(3,\)"):
        expect_close("means", [1, 2, 3], [1, 2])
    with pytest.raises(AssertionError, match=r"expected 0\.5 .*received None"):
        expect_close("r", None, 0.5)


def test_expect_equal_exact_sympy_and_infinity():
    x = sp.Symbol("x")
    expect_equal("expansion", sp.expand((x + 1) ** 2), x**2 + 2 * x + 1)
    expect_equal("limit", sp.oo, sp.oo)
    with pytest.raises(AssertionError, match=r"expected x\*\*2, received x\*\*3"):
        expect_equal("power", x**3, x**2)
    with pytest.raises(AssertionError, match="expected 'down', received 'up'"):
        expect_equal("prediction", "up", "down")


def test_expect_shape():
    expect_shape("resp", np.zeros((6, 2)), (6, 2))
    with pytest.raises(AssertionError, match=r"expected shape \(6, 2\), received shape \(2, 6\)"):
        expect_shape("resp", np.zeros((2, 6)), (6, 2))


def own_e_step(X, params):
    log_prob = np.log(params.weights) - 0.5 * np.sum((X[:, None, :] - params.means) ** 2, axis=2)
    return np.exp(log_prob - np.logaddexp.reduce(log_prob, axis=1, keepdims=True))


def borrowed_e_step(X, params):
    return gmmlib.e_step(X, params)


def borrowed_inverse(M):
    return symbolic.adjugate_inverse_2x2(M)


def imported_e_step(X, params):
    from gmmlib.core import e_step

    return e_step(X, params)


def test_expect_own_code_accepts_numpy_answers():
    expect_own_code("own_e_step", own_e_step)


@pytest.mark.parametrize("func", [borrowed_e_step, borrowed_inverse, imported_e_step])
def test_expect_own_code_rejects_calls_to_the_library(func):
    with pytest.raises(AssertionError, match="expected your own implementation, but it uses"):
        expect_own_code(func.__name__, func, forbidden=("gmmlib", "symbolic"))


def test_expect_own_code_needs_a_function():
    with pytest.raises(AssertionError, match="expected a function, received 3"):
        expect_own_code("answer", 3)
