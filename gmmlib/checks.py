"""Answer checks for the exercises: failures say what was expected and what was received.

These are used by the locked check cells of the exercises. They contain no
solutions, only comparisons.
"""

import numpy as np

__all__ = ["expect_close", "expect_equal", "expect_shape"]


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
