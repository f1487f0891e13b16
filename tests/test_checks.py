"""gmmlib.checks: the exercise checks say what is wrong, keep the answer out of sight,
and reject answers that are not the student's own code.

Answers are defined here as a notebook defines them: in a namespace whose
``__name__`` is ``"__main__"`` (see :func:`notebook`).
"""

import contextlib
import re
import sys
import textwrap

import numpy as np
import pytest
import sympy as sp

import gmmlib
from gmmlib import checks
from gmmlib.checks import (
    digest,
    expect_close,
    expect_digest,
    expect_equal,
    expect_own_code,
    expect_shape,
    run_own_code,
)


@contextlib.contextmanager
def fails(pattern):
    """Like ``pytest.raises(AssertionError, match=pattern)``; the message's wrapping is ignored."""
    with pytest.raises(AssertionError) as caught:
        yield caught
    text = " ".join(str(caught.value).split())
    assert re.search(pattern, text), text


def notebook(source, **names):
    """Run ``source`` as a notebook cell would: in module ``__main__``, with its text in
    ``linecache`` (as IPython keeps it); return the namespace."""
    import linecache

    source = textwrap.dedent(source)
    filename = f"<notebook cell {next(_CELLS)}>"
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    namespace = {"__name__": "__main__", "np": np, "sp": sp, "gmmlib": gmmlib, **names}
    exec(compile(source, filename, "exec"), namespace)
    return namespace


_CELLS = __import__("itertools").count()


# --- comparisons that show both values ------------------------------------------------

def test_expect_close_passes_and_fails_with_both_values():
    expect_close("N(B | women)", 0.010668, 0.0107, rtol=1e-2)
    with fails(r"N\(B \| women\): expected 0\.0107 .*received 0\.02"):
        expect_close("N(B | women)", 0.02, 0.0107, rtol=1e-3)


def test_messages_show_numbers_not_numpy_reprs():
    with pytest.raises(AssertionError) as caught:
        expect_close("angle", np.float64(180.0), np.float64(90.0))
    assert "received 180.0" in str(caught.value) and "np.float64" not in str(caught.value)
    with pytest.raises(AssertionError) as caught:
        expect_equal("count", np.int64(3), 2)
    assert str(caught.value) == "count: expected 2, received 3."


def test_expect_close_reports_shape_and_type_problems():
    with fails(r"expected shape \(2,\), received shape \(3,\)"):
        expect_close("means", [1, 2, 3], [1, 2])
    with fails(r"expected 0\.5 .*received None"):
        expect_close("r", None, 0.5)


def test_expect_equal_exact_sympy_matrices_and_infinity():
    x = sp.Symbol("x")
    expect_equal("expansion", sp.expand((x + 1) ** 2), x**2 + 2 * x + 1)
    expect_equal("limit", sp.oo, sp.oo)
    expect_equal("inverse", sp.Matrix([[x, 0], [0, 1]]) ** -1, sp.Matrix([[1 / x, 0], [0, 1]]))
    with fails(r"expected x\*\*2, received x\*\*3"):
        expect_equal("power", x**3, x**2)
    with fails("expected 'down', received 'up'"):
        expect_equal("prediction", "up", "down")
    with fails("product"):
        expect_equal("product", sp.Matrix([[2, 0], [0, 2]]), sp.eye(2))


def test_expect_shape():
    expect_shape("resp", np.zeros((6, 2)), (6, 2))
    with fails(r"expected shape \(6, 2\), received shape \(2, 6\)"):
        expect_shape("resp", np.zeros((2, 6)), (6, 2))


# --- digests -----------------------------------------------------------------------------

def test_digest_keeps_the_stated_figures_and_the_shape():
    assert digest(0.0106711, sig=4) == digest(0.01067, sig=4) != digest(0.01068, sig=4)
    assert digest(0.0106711) != digest(0.01067)  # 6 figures by default
    assert digest([1, 2]) == digest(np.array([1.0, 2.0])) != digest([[1, 2]]) != digest([2, 1])
    assert digest(-0.0) == digest(0.0)
    assert len(digest(1.0)) == 16 and int(digest(1.0), 16) >= 0


def test_a_correct_answer_near_a_rounding_boundary_passes_whichever_way_it_rounds():
    right = 0.012345  # exactly on the boundary between 0.01234 and 0.01235 at 4 figures
    below, above = np.nextafter(right, 0) * (1 - 1e-13), np.nextafter(right, 1) * (1 + 1e-13)
    assert digest(below, sig=4) != digest(above, sig=4)
    for stored in (digest(below, sig=4), digest(above, sig=4)):
        for received in (below, above):
            expect_digest("on the boundary", received, stored, sig=4)
    with pytest.raises(AssertionError):  # but a value off by more than the rounding unit fails
        expect_digest("off", right * (1 + 1e-3), digest(right, sig=4), sig=4)


def test_expect_digest_names_known_mistakes_and_otherwise_says_what_it_received():
    right, forgot_half = np.exp(-0.9) / (20 * np.pi), np.exp(-1.8) / (20 * np.pi)
    hints = {digest(forgot_half): "The exponent is minus HALF the quadratic form."}
    expect_digest("N(B | women)", right, digest(right), wrong=hints)
    with fails(r"^N\(B \| women\): received 0\.00263.*minus HALF"):
        expect_digest("N(B | women)", forgot_half, digest(right), wrong=hints)
    with fails(r"received 0\.5, which is not the expected value "
                                             r"\(compared to 6 significant figures"):
        expect_digest("N(B | women)", 0.5, digest(right), wrong=hints)
    with fails(r"expected shape \(3,\), received shape \(2,\)"):
        expect_digest("means", [1.0, 2.0], digest([1.0, 2.0, 3.0]), shape=(3,))
    with fails("expected a number; received 'up' of type str"):
        expect_digest("density", "up", digest(right))
    with fails("which is not finite"):
        expect_digest("density", np.nan, digest(right))


def test_sympy_answers_are_compared_at_points_whatever_the_symbols_assumptions():
    a, b = sp.symbols("a b", positive=True)
    stored = digest(a / (a + b), at={"a": 2, "b": 3})
    plain_a, plain_b = sp.symbols("a b")
    expect_digest("q*", plain_a / (plain_a + plain_b), stored, at={"a": 2, "b": 3})
    expect_digest("q*", 1 / (1 + b / a), stored, at={"a": 2, "b": 3})  # another form, same function
    with fails("not the expected value"):
        expect_digest("q*", b / (a + b), stored, at={"a": 2, "b": 3})
    with fails(r"contains the symbol\(s\) c, which the exercise does not use"):
        expect_digest("q*", sp.Symbol("c"), stored, at={"a": 2, "b": 3})
    assert digest(sp.Matrix([[sp.Rational(3, 10)]])) == digest([[0.3]])


def test_observers_see_what_is_checked_and_the_outcome():
    seen = []
    checks.observers.append(lambda **info: seen.append(info))
    try:
        expect_digest("x", 2.0, digest(2.0), wrong={digest(3.0): "hint"})
        with pytest.raises(AssertionError):
            expect_digest("x", 3.0, digest(2.0), wrong={digest(3.0): "hint"})
    finally:
        checks.observers.pop()
    assert [(s["name"], s["outcome"]) for s in seen] == [("x", "right"), ("x", digest(3.0))]
    assert seen[0]["numbers"].tolist() == 2.0 and seen[0]["sig"] == 6


# --- own code ------------------------------------------------------------------------------

OWN = """
def own_e_step(X, params):
    log_prob = np.log(params.weights) - 0.5 * np.sum((X[:, None, :] - params.means) ** 2, axis=2)
    return np.exp(log_prob - np.logaddexp.reduce(log_prob, axis=1, keepdims=True))
"""


def test_expect_own_code_accepts_numpy_answers_and_the_notebooks_own_helpers():
    ns = notebook(OWN + "\ndef helper(x):\n    return own_e_step(x, None)\n")
    expect_own_code("own_e_step", ns["own_e_step"])
    expect_own_code("helper", ns["helper"])


@pytest.mark.parametrize("source, name, message", [
    ("def f(X, p):\n    return gmmlib.e_step(X, p)", "f", r"uses gmmlib \(through"),
    ("def f(X, p):\n    from gmmlib.core import e_step\n    return e_step(X, p)", "f", r"uses gmmlib\.core"),
    ("step = gmmlib.e_step\ndef f(X, p):\n    return step(X, p)", "f",
     r"gmmlib\.core\.e_step \(through the global name 'step' in f\)"),
    ("def helper(X, p):\n    return gmmlib.e_step(X, p)\ndef f(X, p):\n    return helper(X, p)", "f",
     r"uses gmmlib .*through helper's code"),
    ("def make(step):\n    def f(X, p):\n        return step(X, p)\n    return f\n"
     "f = make(gmmlib.e_step)", "f",
     r"through the enclosing variable 'step'"),
    ("def f(X, p, step=gmmlib.e_step):\n    return step(X, p)", "f", r"through default argument 1"),
    ("f = lambda X, p: gmmlib.e_step(X, p)", "f", r"expected your own implementation"),
    ("from gmmlib.symbolic import adjugate_inverse_2x2 as f", "f",
     r"this is gmmlib\.symbolic\.adjugate_inverse_2x2, the library's own function"),
    ("import functools\nf = functools.partial(gmmlib.e_step)", "f", r"the library's own function"),
    ("f = np.linalg.inv", "f", r"a function you define in the notebook with `def`; received numpy"),
])
def test_expect_own_code_rejects_the_library_however_it_is_reached(source, name, message):
    func = notebook(source)[name]
    with fails(message):
        expect_own_code("answer", func, forbidden=("gmmlib",))


def test_expect_own_code_keeps_the_source_name_rule_and_needs_a_function():
    borrowed = notebook("def f(M):\n    return symbolic.adjugate_inverse_2x2(M)", symbolic=object())["f"]
    with fails(r"symbolic\.adjugate_inverse_2x2"):
        expect_own_code("f", borrowed, forbidden=("gmmlib", "symbolic"))
    with fails("expected a function, received 3"):
        expect_own_code("answer", 3)


INVERSE = """
def adjugate(M):
    det = M[0, 0] * M[1, 1] - M[0, 1] * M[1, 0]
    return sp.Matrix([[M[1, 1], -M[0, 1]], [-M[1, 0], M[0, 0]]]) / det
def method(M):
    return M.inv()
def power(M):
    return M**-1
def unbound(M):
    return sp.Matrix.inv(M)
def computed_name(M):
    return getattr(M, "i" + "nv")()
def computed_module(M):
    return __import__("gmm" + "lib").symbolic.adjugate_inverse_2x2(M)
def raises(M):
    raise NotImplementedError()
"""
NO_INVERSE = ("gmmlib", "sympy.matrices.inverse", sp.Matrix.inv)


def test_run_own_code_returns_the_answer_of_own_code():
    ns = notebook(INVERSE)
    M = sp.Matrix([[4, 1], [2, 3]])
    assert run_own_code("inverse_2x2", ns["adjugate"], M, forbidden=NO_INVERSE) == M.inv()
    assert sys.getprofile() is None


@pytest.mark.parametrize("name, called", [
    ("method", "MatrixBase.inv"), ("power", "MatrixBase.inv"), ("unbound", "MatrixBase.inv"),
    ("computed_name", "MatrixBase.inv"), ("computed_module", "gmmlib.symbolic.adjugate_inverse_2x2")])
def test_run_own_code_sees_every_route_to_forbidden_code(name, called):
    func = notebook(INVERSE)[name]
    with pytest.raises(AssertionError) as caught:
        run_own_code("inverse_2x2", func, sp.Matrix([[4, 1], [2, 3]]), forbidden=NO_INVERSE,
                     why="Write the adjugate formula out.")
    message = " ".join(str(caught.value).split())
    assert called in message and message.endswith("which the exercise does not allow. Write the "
                                                  "adjugate formula out.")
    assert "in your code calls" in message and "`return" in message  # the student's line
    assert sys.getprofile() is None


def test_run_own_code_lets_the_students_own_errors_through():
    with pytest.raises(NotImplementedError):
        run_own_code("inverse_2x2", notebook(INVERSE)["raises"], sp.eye(2), forbidden=NO_INVERSE)
    assert sys.getprofile() is None


def test_the_digest_one_liner_of_the_docs():
    """docs/instructors.md tells instructors to compute a digest with this command."""
    import subprocess
    from pathlib import Path

    docs = (Path(__file__).resolve().parent.parent / "docs" / "instructors.md").read_text()
    line = next(ln.strip() for ln in docs.splitlines() if "print(c.digest(" in ln)
    command = re.match(r'\.venv/bin/python -c "(.*)"$', line).group(1)
    value, sig = re.search(r"c\.digest\(([-\d.e]+), sig=(\d+)\)", command).groups()
    out = subprocess.run([sys.executable, "-c", command], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == digest(float(value), sig=int(sig))
