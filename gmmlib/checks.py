"""Answer checks for the exercises: failures say what is wrong in words a student can act on.

The locked check cells of the exercises use these functions. They hold no
solutions: a check compares an answer with

- a **digest** of the right answer (:func:`expect_digest`): the answer is
  rounded to a stated number of significant figures and hashed, so the check
  cell, which students can read, does not give the value away. Digests of
  known wrong answers carry a hint ("did you invert Sigma?");
- a **property** only a right answer has, or an independent route the lesson
  taught (:func:`expect_close`, :func:`expect_equal`, :func:`expect_shape`);
- and makes sure the answer is the student's own code
  (:func:`expect_own_code`, :func:`run_own_code`).

An instructor computes a digest with :func:`digest`, in the master notebook or
from the shell::

    python -c "import gmmlib.checks as c; print(c.digest(0.0106711, sig=6))"

What these checks cannot stop: a student can read a digest and try candidate
values until one matches, or replace these functions in their own kernel
(nbgrader restores the locked check cells when it grades, not the state of
modules). The hidden tests of the master, which nbgrader runs when it grades,
call the answers on inputs the student has not seen.
"""

import hashlib
import itertools
import sys

import numpy as np

__all__ = [
    "digest",
    "expect_close",
    "expect_digest",
    "expect_equal",
    "expect_own_code",
    "expect_shape",
    "run_own_code",
]

#: Significant figures a digest keeps unless a check says otherwise.
DEFAULT_SIG = 6
#: Relative distance within which two values count as the same computation
#: (last-bit differences between correct routes are ~1e-15).
DEFAULT_RTOL = 1e-9
#: Called by :func:`expect_digest` with keywords ``name``, ``numbers`` (the
#: received value as a float array), ``sig``, ``rtol``, ``expected``, ``wrong``
#: and ``outcome`` (``"right"``, the matching wrong digest, or ``None``); the
#: test of the answer catalogue records the checked values this way.
observers = []


#: Messages are wrapped at this width, so nbgrader's validator (which cuts each
#: line at ``Validator.width``, set to 100 by the course) and narrow windows show
#: them in full.
MESSAGE_WIDTH = 76


def _failure(message):
    """An ``AssertionError`` whose message is wrapped at :data:`MESSAGE_WIDTH`."""
    import textwrap

    return AssertionError(textwrap.fill(message, MESSAGE_WIDTH, break_long_words=False,
                                        break_on_hyphens=False))


def _fmt(value):
    """A short, readable form of a received value (``180.0``, not ``np.float64(180.0)``)."""
    if isinstance(value, np.generic):
        value = value.item()
    if np.ndim(value) == 0 or isinstance(value, (str, bytes)):
        return repr(value)
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        return repr(value)
    with np.printoptions(precision=6, suppress=False, threshold=20):
        return np.array2string(array, separator=", ")


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
        raise _failure(
            f"{name}: expected a number or array close to {_fmt(expected)}; "
            f"received {received!r} of type {type(received).__name__}."
        ) from None
    expected_array = np.asarray(expected, dtype=float)
    if received_array.shape != expected_array.shape:
        raise _failure(
            f"{name}: expected shape {expected_array.shape}, received shape "
            f"{received_array.shape} ({_fmt(received)})."
        )
    if not np.allclose(received_array, expected_array, rtol=rtol, atol=atol):
        raise _failure(
            f"{name}: expected {_fmt(expected)} (relative tolerance {rtol:g}), "
            f"received {_fmt(received)}."
        )


def expect_equal(name, received, expected):
    """Raise ``AssertionError`` unless ``received == expected`` (exactly, e.g. SymPy)."""
    import sympy as sp

    try:
        if received == expected:  # also covers oo == oo, where oo - oo is nan
            same = True
        elif isinstance(expected, (sp.Basic, sp.MatrixBase)):
            difference = sp.sympify(received) - expected
            same = (difference.is_zero_matrix if isinstance(difference, sp.MatrixBase)
                    else sp.simplify(difference) == 0)
            if isinstance(difference, sp.MatrixBase) and not same:
                same = difference.applyfunc(sp.simplify).is_zero_matrix
        else:
            same = bool(received == expected)
    except (sp.SympifyError, TypeError, ValueError, AttributeError, sp.ShapeError):
        same = False
    if not same:
        raise _failure(f"{name}: expected {_fmt(expected)}, received {_fmt(received)}.")


def expect_shape(name, received, shape):
    """Raise ``AssertionError`` unless ``np.shape(received) == shape``."""
    if np.shape(received) != tuple(shape):
        raise _failure(
            f"{name}: expected shape {tuple(shape)}, received shape {np.shape(received)}."
        )


# ---------------------------------------------------------------------------
# Digests: the expected value is not in the check cell
# ---------------------------------------------------------------------------

def _numbers(value, at=None):
    """``value`` as a float array; SymPy objects are evaluated at the points ``at``.

    ``at`` maps symbol names (or symbols) to numbers, or is a list of such
    maps; symbols are matched by name, so their assumptions do not matter.
    """
    import sympy as sp

    if isinstance(value, (sp.Basic, sp.MatrixBase)):
        points = [] if at is None else ([at] if isinstance(at, dict) else list(at))
        if not points:
            points = [{}]
        values = []
        for point in points:
            by_name = {str(k): v for k, v in point.items()}
            free = sorted(value.free_symbols, key=str)
            missing = [str(s) for s in free if str(s) not in by_name]
            if missing:
                raise _failure(
                    f"contains the symbol(s) {', '.join(missing)}, which the exercise "
                    f"does not use (it uses {', '.join(sorted(by_name)) or 'no symbols'})")
            substituted = value.subs({s: sp.nsimplify(by_name[str(s)]) for s in free})
            if isinstance(substituted, sp.MatrixBase):
                entries = [complex(sp.N(e, 30)) for e in substituted]
                shape = substituted.shape
            else:
                entries, shape = [complex(sp.N(substituted, 30))], ()
            if any(abs(e.imag) > 1e-12 * max(1.0, abs(e.real)) for e in entries):
                raise _failure("is not a real number at the test points")
            values.append(np.reshape([e.real for e in entries], shape))
        return np.asarray(values[0] if at is None or isinstance(at, dict) else values, dtype=float)
    if isinstance(value, (str, bytes)) or value is None:
        raise TypeError(type(value).__name__)
    array = np.asarray(value, dtype=float)
    if array.dtype == object:
        raise TypeError(type(value).__name__)
    return array


def _rounded(x, sig):
    """One number rounded to ``sig`` significant figures, as canonical text."""
    if x == 0:
        return "0"
    if not np.isfinite(x):
        return str(float(x))
    return f"{x:.{sig - 1}e}"


def _hash(shape, texts):
    text = f"{tuple(shape)}|{','.join(texts)}"
    return hashlib.sha256(text.encode("ascii")).hexdigest()[:16]


def _candidate_digests(array, sig, rtol, limit=4096):
    """Digests of ``array`` rounded to ``sig`` figures, nudged by ``rtol`` either way.

    A value within ``rtol`` of a rounding boundary may round either way on
    another machine or by another correct route; both roundings are tried
    (at most ``limit`` combinations).
    """
    flat = array.ravel()
    options = []
    for x in flat.tolist():
        choices = {_rounded(x, sig)}
        if rtol and np.isfinite(x) and x != 0:
            choices |= {_rounded(x * (1 - rtol), sig), _rounded(x * (1 + rtol), sig)}
        options.append(sorted(choices))
    combinations = 1
    for choice in options:
        combinations *= len(choice)
    if combinations > limit:  # too many entries on rounding boundaries: use the nearest
        options = [[_rounded(x, sig)] for x in flat.tolist()]
    return {_hash(array.shape, texts) for texts in itertools.product(*options)}


def digest(value, sig=DEFAULT_SIG, at=None):
    """The digest of ``value`` rounded to ``sig`` significant figures.

    This is what a check cell stores instead of the expected value; see
    :func:`expect_digest`. The shape is part of the digest, so a transposed
    array has another one.

    Parameters
    ----------
    value : float, array-like, or SymPy expression/matrix
        The right answer. A SymPy object with symbols is evaluated at the
        points ``at`` first.
    sig : int
        Significant figures kept.
    at : dict or list of dict, optional
        Values of the symbols (by name), e.g. ``{"a": 2, "b": 3}``.

    Returns
    -------
    str
        16 hexadecimal digits.

    Examples
    --------
    >>> digest(0.0106711, sig=4) == digest(0.01067, sig=4)
    True
    """
    array = _numbers(value, at)
    return _hash(array.shape, [_rounded(x, sig) for x in array.ravel().tolist()])


def expect_digest(name, received, expected, sig=DEFAULT_SIG, shape=None, wrong=None, at=None,
                  rtol=DEFAULT_RTOL):
    """Raise ``AssertionError`` unless ``received`` has the digest ``expected``.

    Parameters
    ----------
    name : str
        What is being checked, e.g. ``"N(x | mu, Sigma) at d = 3"``.
    received : float, array-like, or SymPy expression/matrix
        The student's answer.
    expected : str
        :func:`digest` of the right answer at ``sig`` significant figures.
    sig : int
        Significant figures compared (say so in the exercise if it matters).
    shape : tuple, optional
        The expected shape, checked first with its own message.
    wrong : dict, optional
        ``{digest of a known wrong answer: hint}``; a matching answer fails
        with the hint, e.g. ``"too large by a factor of 10: did you invert Sigma?"``.
    at : dict or list of dict, optional
        Values of the symbols at which a SymPy answer is evaluated.
    rtol : float
        Answers within this relative distance of a rounding boundary are
        accepted whichever way they round (different correct computations
        differ in the last bits).
    """
    try:
        numbers = _numbers(received, at)
    except AssertionError as exc:
        raise _failure(f"{name}: {exc}; received {_fmt(received)}.") from None
    except (TypeError, ValueError, AttributeError):
        wanted = "a number" if shape in (None, ()) else f"an array of shape {tuple(shape)}"
        raise _failure(
            f"{name}: expected {wanted}; received {_fmt(received)} of type "
            f"{type(received).__name__}.") from None
    if shape is not None and numbers.shape != tuple(shape):
        raise _failure(
            f"{name}: expected shape {tuple(shape)}, received shape {numbers.shape} "
            f"({_fmt(received)}).")
    candidates = _candidate_digests(numbers, sig, rtol)
    wrong = dict(wrong or {})
    outcome = "right" if expected in candidates else next(
        (d for d in wrong if d in candidates), None)
    for observer in list(observers):
        observer(name=name, numbers=numbers, sig=sig, rtol=rtol, expected=expected,
                 wrong=wrong, outcome=outcome)
    if outcome == "right":
        return
    if outcome is not None:
        raise _failure(f"{name}: received {_fmt(received)}. {wrong[outcome]}")
    if not np.all(np.isfinite(numbers)):
        raise _failure(f"{name}: received {_fmt(received)}, which is not finite.")
    raise _failure(
        f"{name}: received {_fmt(received)}, which is not the expected value (compared to "
        f"{sig} significant figures; the check stores only a digest of the right answer).")


# ---------------------------------------------------------------------------
# Own code: the answer does not call the library's solution
# ---------------------------------------------------------------------------

def _module_of(obj):
    """The name of the module that defines ``obj`` ('' if unknown)."""
    import functools
    import types

    if isinstance(obj, types.ModuleType):
        return obj.__name__
    if isinstance(obj, functools.partial):
        return _module_of(obj.func)
    if isinstance(obj, types.MethodType):
        return _module_of(obj.__func__)
    module = getattr(obj, "__module__", None)
    if isinstance(module, str):
        return module
    return getattr(type(obj), "__module__", "") or ""


def _under(module, prefixes):
    """True if the dotted ``module`` is one of ``prefixes`` or inside one of them."""
    if module == __name__:  # these checks themselves
        return False
    return any(module == p or module.startswith(p + ".") for p in prefixes)


def _code_objects(code):
    """``code`` and the code objects nested in it (inner functions, comprehensions)."""
    yield code
    for const in code.co_consts:
        if hasattr(const, "co_names"):
            yield from _code_objects(const)


def _notebook_function(obj):
    """True for a plain function defined in the notebook (the ``__main__`` namespace)."""
    import types

    return isinstance(obj, types.FunctionType) and obj.__globals__.get("__name__") == "__main__"


def _source_names(func):
    """Dotted names, imports and attribute chains written in ``func``'s source."""
    import ast
    import inspect
    import textwrap

    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(func)))
    except (OSError, TypeError, SyntaxError):
        return set()
    used = set()
    for node in ast.walk(tree):
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
    return used


def _forbidden_uses(func, prefixes, names):
    """What ``func`` (and the notebook functions it uses) takes from forbidden modules.

    Returns ``[(how, what)]``, e.g. ``("the global name 'pdf'", "gmmlib.core.mvn_pdf")``.
    Globals, closure variables and default arguments are resolved, and the
    notebook's own helper functions are followed.
    """
    import dis
    import types

    hits, seen, todo = [], set(), [func]
    while todo:
        current = todo.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        label = getattr(current, "__name__", "?")
        for used in sorted(_source_names(current)):
            if any(used == n or used.startswith(n + ".") for n in names):
                hits.append((f"{label}'s code", used))
        referenced = {}
        for code in _code_objects(current.__code__):
            for instruction in dis.get_instructions(code):
                name = instruction.argval
                if instruction.opname in ("LOAD_GLOBAL", "LOAD_NAME") and name in current.__globals__:
                    referenced[f"the global name '{name}'"] = current.__globals__[name]
                elif instruction.opname == "IMPORT_NAME" and _under(name, prefixes):
                    referenced[f"'import {name}'"] = types.ModuleType(name)
        for var, cell in zip(current.__code__.co_freevars, current.__closure__ or ()):
            try:
                referenced[f"the enclosing variable '{var}'"] = cell.cell_contents
            except ValueError:
                pass
        defaults = (current.__defaults__ or ()) + tuple((current.__kwdefaults__ or {}).values())
        for i, value in enumerate(defaults):
            referenced[f"default argument {i + 1}"] = value
        for how, obj in referenced.items():
            if _notebook_function(obj):
                todo.append(obj)
            elif isinstance(obj, types.ModuleType) or callable(obj):
                module = _module_of(obj)
                if _under(module, prefixes):
                    what = getattr(obj, "__qualname__", getattr(obj, "__name__", ""))
                    full = module if isinstance(obj, types.ModuleType) else f"{module}.{what}"
                    hits.append((f"{how} in {label}", full))
    return hits


def _split_forbidden(forbidden):
    """Module names (``"gmmlib"``, ``"scipy.stats"``) and callables of ``forbidden``."""
    names = tuple(f for f in forbidden if isinstance(f, str))
    return names, tuple(f for f in forbidden if not isinstance(f, str))


def expect_own_code(name, func, forbidden=("gmmlib",)):
    """Raise ``AssertionError`` unless ``func`` is the student's own function.

    The answer must be a function defined in the notebook (``def``) that uses
    nothing from the ``forbidden`` modules: not in its body, not through a
    global name or a helper function defined elsewhere in the notebook
    (``pdf = gmmlib.mvn_pdf``), not as an alias of a library function
    (``inverse_2x2 = symbolic.adjugate_inverse_2x2``). Names written in the
    source are compared too, so ``"symbolic"`` forbids ``symbolic.anything``.
    What a function *calls* at run time is checked by :func:`run_own_code`.

    Parameters
    ----------
    name : str
        What is being checked, e.g. ``"e_step_diag"``.
    func : callable
        The student's function.
    forbidden : tuple of str
        Modules (and their submodules) or names the answer must not use.
    """
    prefixes, _ = _split_forbidden(forbidden)
    if not callable(func):
        raise _failure(f"{name}: expected a function, received {_fmt(func)}.")
    module = _module_of(func)
    if _under(module, prefixes):
        what = getattr(func, "__qualname__", getattr(func, "__name__", repr(func)))
        raise _failure(
            f"{name}: this is {module}.{what}, the library's own function. Write your own "
            "function with `def`, with the steps written out.")
    if not _notebook_function(func):
        what = getattr(func, "__qualname__", type(func).__name__)
        raise _failure(
            f"{name}: expected a function you define in the notebook with `def`; received "
            f"{module + '.' if module else ''}{what}.")
    hits = {}
    for how, what in _forbidden_uses(func, prefixes, prefixes):
        hits.setdefault(what, how)
    if hits:
        listed = "; ".join(f"{what} (through {how})" for what, how in hits.items())
        raise _failure(
            f"{name}: expected your own implementation, but it uses {listed}. Write the "
            "steps out with NumPy/SymPy instead of calling the library's version.")


class _CallWatch:
    """A ``sys.setprofile`` hook that records the first call into forbidden code."""

    def __init__(self, prefixes, callables, home):
        self.prefixes = prefixes
        self.codes, self.builtins = set(), set()
        for target in callables:
            target = getattr(target, "__func__", target)
            code = getattr(target, "__code__", None)
            (self.codes.add(code) if code is not None else self.builtins.add(id(target)))
        self.home = home  # the file (notebook cell) the answer was defined in
        self.hit = None

    def __call__(self, frame, event, arg):
        if self.hit is not None:
            return
        if event == "call":
            code = frame.f_code
            if code in self.codes or _under(frame.f_globals.get("__name__", ""), self.prefixes):
                module = frame.f_globals.get("__name__", "")
                self.hit = (f"{module}.{code.co_qualname}", self._line(frame.f_back))
        elif event == "c_call" and id(arg) in self.builtins:
            module = getattr(arg, "__module__", None) or ""
            self.hit = (f"{module}.{getattr(arg, '__qualname__', arg)}".lstrip("."), self._line(frame))

    def _line(self, frame):
        import linecache

        while frame is not None:
            if frame.f_code.co_filename == self.home:
                text = linecache.getline(frame.f_code.co_filename, frame.f_lineno).strip()
                return text
            frame = frame.f_back
        return None


def run_own_code(name, func, *args, forbidden=("gmmlib",), why="", **kwargs):
    """Call ``func(*args, **kwargs)`` and fail if it reaches forbidden code; return its result.

    First :func:`expect_own_code`; then the call runs under a profiler that
    sees every function it reaches, however it was reached: ``M.inv()``,
    ``M**-1`` and ``sp.Matrix.inv(M)`` all end in SymPy's ``MatrixBase.inv``,
    and ``getattr(gmmlib, "mvn" + "_pdf")`` still calls ``gmmlib.core``.

    Parameters
    ----------
    name : str
        What is being checked, e.g. ``"inverse_2x2"``.
    func : callable
        The student's function.
    *args, **kwargs
        Its arguments.
    forbidden : tuple
        Module names (``"gmmlib"``, ``"scipy.stats"``: the module and its
        submodules) and callables (``sp.Matrix.inv``) the answer must not use.
    why : str
        Appended to the failure message, e.g. "write the adjugate formula out".
    """
    prefixes, callables = _split_forbidden(forbidden)
    expect_own_code(name, func, forbidden=prefixes)
    watch = _CallWatch(prefixes, callables, func.__code__.co_filename)
    previous = sys.getprofile()
    sys.setprofile(watch)
    try:
        result = func(*args, **kwargs)
    except Exception:
        if watch.hit is None:
            raise
        result = None
    finally:
        sys.setprofile(previous)
    if watch.hit is not None:
        called, line = watch.hit
        where = f"`{line}` in your code" if line else "your code"
        raise _failure(f"{name}: {where} calls {called}, which the exercise does not "
                             f"allow.{' ' + why if why else ''}")
    return result
