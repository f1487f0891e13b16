"""Answer checks for the exercises: failures say what was expected and what was received.

These are used by the locked check cells of the exercises. They contain no
solutions, only comparisons.
"""

import numpy as np

__all__ = ["expect_close", "expect_equal", "expect_shape", "expect_own_code"]


def _fmt(value):
    with np.printoptions(precision=6, suppress=False, threshold=20):
        return repr(np.asarray(value)) if np.ndim(value) else f"{value!r}"


def expect_close(name, received, expected, rtol=1e-6, atol=0.0):
    """Raise ``AssertionError`` unless ``received`` is close to ``expected``.

    Parameters
    ----------
    name : str
        What is being checked, e.g. ``"N(B | women)"``.
    received, expected : float or array-like
    rtol, atol : float
        Tolerances of :func:`numpy.allclose`.
    """
    try:
        received_array = np.asarray(received, dtype=float)
    except (TypeError, ValueError):
        raise AssertionError(
            f"{name}: expected a number or array close to {_fmt(expected)}; "
            f"received {received!r} of type {type(received).__name__}."
        ) from None
    expected_array = np.asarray(expected, dtype=float)
    if received_array.shape != expected_array.shape:
        raise AssertionError(
            f"{name}: expected shape {expected_array.shape}, received shape "
            f"{received_array.shape} ({_fmt(received)})."
        )
    if not np.allclose(received_array, expected_array, rtol=rtol, atol=atol):
        raise AssertionError(
            f"{name}: expected {_fmt(expected)} (relative tolerance {rtol:g}), "
            f"received {_fmt(received)}."
        )


def expect_equal(name, received, expected):
    """Raise ``AssertionError`` unless ``received == expected`` (exactly, e.g. SymPy)."""
    import sympy as sp

    try:
        if received == expected:  # also covers oo == oo, where oo - oo is nan
            same = True
        elif isinstance(expected, sp.Basic):
            same = sp.simplify(sp.sympify(received) - expected) == 0
        else:
            same = bool(received == expected)
    except (sp.SympifyError, TypeError, ValueError):
        same = False
    if not same:
        raise AssertionError(f"{name}: expected {expected!r}, received {received!r}.")


def expect_shape(name, received, shape):
    """Raise ``AssertionError`` unless ``np.shape(received) == shape``."""
    if np.shape(received) != tuple(shape):
        raise AssertionError(
            f"{name}: expected shape {tuple(shape)}, received shape {np.shape(received)}."
        )


def expect_own_code(name, func, forbidden=("gmmlib",)):
    """Raise ``AssertionError`` if ``func`` calls library code that solves the exercise.

    Exercises that ask for an implementation compare the answer with a
    ``gmmlib`` reference; this check makes sure the answer does not simply call
    that reference. It reads the function's source and fails if it refers to
    any of the ``forbidden`` names (modules such as ``"gmmlib"``, or dotted
    names such as ``"symbolic.adjugate_inverse_2x2"``).

    Parameters
    ----------
    name : str
        What is being checked, e.g. ``"e_step_diag"``.
    func : callable
        The student's function.
    forbidden : tuple of str
        Names the answer must not use.
    """
    import ast
    import inspect
    import textwrap

    if not callable(func):
        raise AssertionError(f"{name}: expected a function, received {func!r}.")
    try:
        source = textwrap.dedent(inspect.getsource(func))
    except (OSError, TypeError):
        raise AssertionError(f"{name}: expected a function defined in the notebook; "
                             f"received {func!r}, whose source cannot be read.") from None
    used = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute):
            parts, inner = [node.attr], node.value
            while isinstance(inner, ast.Attribute):
                parts.append(inner.attr)
                inner = inner.value
            if isinstance(inner, ast.Name):
                used.add(".".join([inner.id, *reversed(parts)]))
        elif isinstance(node, ast.Name):
            used.add(node.id)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            used.update(alias.name for alias in node.names)
            if isinstance(node, ast.ImportFrom) and node.module:
                used.add(node.module)
    hits = sorted(u for u in used for f in forbidden if u == f or u.startswith(f + "."))
    if hits:
        raise AssertionError(
            f"{name}: expected your own implementation, but it uses {hits}. Write the "
            f"steps out with NumPy/SymPy instead of calling the library's version."
        )
