"""Input checks shared by the lesson-level functions and the estimator.

Every check raises a ``ValueError`` whose message names the parameter, says
what was expected and what was received, and suggests a fix.  Every check
returns a *new* float64 array, so the caller's arrays are never modified.
"""

import numbers

import numpy as np

__all__ = [
    "check_X",
    "check_weights",
    "check_means",
    "check_covariance",
    "check_resp",
    "cholesky",
    "check_nonnegative_real",
    "check_positive_int",
    "check_choice",
    "check_random_state",
]


class NonNumericError(ValueError, TypeError):
    """Non-numeric entries in an array: a ``ValueError`` (gmmlib's rule for bad input)
    that is also a ``TypeError`` (what NumPy and scikit-learn raise for it)."""


_ALL_REAL = object()


def _as_float_array(value, name):
    """Return ``value`` as a new float64 array, or explain why it is not numeric.

    A ``numpy.matrix`` becomes a plain array; a masked array is accepted only if
    nothing is masked (scikit-learn silently uses the masked values); a SciPy
    sparse matrix is refused with the fix (``.toarray()``).
    """
    if type(value).__module__.startswith("scipy.sparse"):
        raise ValueError(
            f"{name} is a SciPy sparse {type(value).__name__}; gmmlib needs a dense "
            f"array (a Gaussian mixture's covariances are dense anyway). Pass "
            f"{name}.toarray()."
        )
    if isinstance(value, np.ma.MaskedArray):
        masked = int(np.ma.getmaskarray(value).sum())
        if masked:
            raise ValueError(
                f"{name} is a masked array with {masked} masked entr"
                f"{'y' if masked == 1 else 'ies'}; gmmlib does not guess what they hide. "
                f"Drop those rows ({name}[~np.ma.getmaskarray({name}).any(axis=1)]) or fill "
                f"them ({name}.filled(value)) first."
            )
        value = np.ma.getdata(value)
    try:
        array = np.array(value)  # always a copy
    except Exception as exc:  # ragged lists and the like
        raise ValueError(
            f"{name} must be an array of numbers; it could not be converted "
            f"to an array ({exc}). Pass a rectangular list or a NumPy array."
        ) from None
    if array.dtype.kind == "O" and array.size:
        bad = next((v for v in array.flat if not isinstance(v, numbers.Real)), _ALL_REAL)
        if bad is _ALL_REAL:  # an object array of numbers, as scikit-learn accepts
            array = array.astype(np.float64)
        else:
            raise NonNumericError(
                f"{name} must contain real numbers; received an array of dtype object "
                f"holding {bad!r} (float() argument must be a string or a real number, "
                f"not {type(bad).__name__!r}). Remove or convert the non-numeric entries, "
                f"then pass np.asarray({name}, dtype=float)."
            )
    if array.dtype.kind == "c":
        raise ValueError(
            f"{name} must contain real numbers; received an array of dtype "
            f"{array.dtype}. Complex data not supported: pass the real part "
            f"({name}.real) or the real and imaginary parts as separate features."
        )
    if array.dtype.kind not in "biuf":
        raise ValueError(
            f"{name} must contain real numbers; received an array of dtype "
            f"{array.dtype} (e.g. {array.ravel()[:1].tolist()!r}). Convert it "
            f"with np.asarray({name}, dtype=float) after removing non-numeric "
            f"entries."
        )
    return array.astype(np.float64, copy=True)


def column_sums(X, step=4096):
    """Sum of the rows of ``X`` (n, d) -> (d,), as chunked matrix-vector products.

    Several times faster than ``X.sum(axis=0)`` for narrow ``X`` (NumPy reduces
    over a short inner axis row by row), and it needs no (n, d) temporary. NaN
    and inf propagate, so a finite result means every entry is finite.
    """
    ones = np.ones(min(step, X.shape[0]))
    total = np.zeros(X.shape[1])
    with np.errstate(over="ignore", invalid="ignore"):  # huge or non-finite: the caller looks
        for start in range(0, X.shape[0], step):
            block = X[start:start + step]
            total += ones[: block.shape[0]] @ block
    return total


def rescale_error(what, X):
    """The ``ValueError`` for arithmetic on ``X`` (n, d) that left float64's range.

    Used by the lesson functions and the estimator alike: data far too large
    (squares beyond 1e308) or, with ``reg_covar=0``, far too small.
    """
    with np.errstate(over="ignore", invalid="ignore"):
        biggest = float(np.max(np.abs(X)))
        spread = float(np.max(np.abs(X - column_sums(X) / X.shape[0])))
    return ValueError(
        f"{what}: X holds values up to {biggest:.3g} in size (largest |x - mean| "
        f"{spread:.3g}). Squared distances and variances of data on this scale leave "
        f"the range of float64 (about 1e-308 to 1e308), so the result would be NaN. "
        f"Rescale your data first, e.g. X / X.std() or "
        f"sklearn.preprocessing.StandardScaler; the mixture's parameters scale with it "
        f"(and with reg_covar=0, data this small need reg_covar > 0 or rescaling)."
    )


def _check_finite(array, name):
    # a sum is finite only if every term is (NaN and inf propagate): one cheap pass
    # without an (n, d) temporary; only if it is not, look for the culprit (a sum
    # can also overflow from finite terms, which passes below)
    with np.errstate(over="ignore", invalid="ignore"):
        total = column_sums(array) if array.ndim == 2 else np.sum(array)
    if np.isfinite(total).all():
        return
    bad = ~np.isfinite(array)
    if bad.any():
        first = tuple(int(i) for i in np.argwhere(bad)[0])
        kinds = "NaN" if np.isnan(array).any() else "inf"
        raise ValueError(
            f"{name} must contain only finite numbers; received {int(bad.sum())} "
            f"non-finite value(s) ({kinds}), the first at index {first}. Remove "
            f"or impute those rows before fitting."
        )


def check_X(X, name="X", min_samples=1, copy=True):
    """Validate a data matrix.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        The data.
    name : str
        Name used in error messages.
    min_samples : int
        Smallest acceptable number of rows.
    copy : bool, default True
        If False, a float64 ndarray is returned as it is (only read, never
        written), which spares a copy of a large data set.

    Returns
    -------
    X : ndarray of shape (n_samples, n_features), float64
        A new array unless ``copy=False`` and ``X`` is already a float64 array;
        the caller's array is never modified.
    """
    if not (copy is False and type(X) is np.ndarray and X.dtype == np.float64):
        X = _as_float_array(X, name)
    if X.ndim != 2:
        hint = (
            f" Reshape your data: for a single feature use {name}.reshape(-1, 1); "
            f"for a single sample use {name}.reshape(1, -1)."
            if X.ndim == 1
            else ""
        )
        raise ValueError(
            f"{name} must be a 2-D array of shape (n_samples, n_features); "
            f"received an array with {X.ndim} dimension(s), shape {X.shape}.{hint}"
        )
    if X.shape[0] == 0 or X.shape[1] == 0:
        raise ValueError(
            f"{name} must have at least one sample and one feature; received "
            f"an empty array of shape {X.shape}: "
            + (f"0 sample(s) (shape={X.shape}) while a minimum of 1 is required."
               if X.shape[0] == 0 else
               f"0 feature(s) (shape={X.shape}) while a minimum of 1 is required.")
        )
    if X.shape[0] < min_samples:
        raise ValueError(
            f"{name} must have at least {min_samples} samples; received "
            f"{X.shape[0]} (n_samples={X.shape[0]}). Use fewer components or more data."
        )
    _check_finite(X, name)
    return X


def _check_shape(array, expected, name):
    if array.shape != expected:
        raise ValueError(
            f"{name} must have shape {expected}; received shape {array.shape}."
        )


def check_weights(weights, n_components, name="weights"):
    """Validate mixing weights: shape (K,), non-negative, summing to 1.

    Returns
    -------
    weights : ndarray of shape (n_components,)
    """
    weights = _as_float_array(weights, name)
    _check_shape(weights, (n_components,), name)
    _check_finite(weights, name)
    if (weights < 0).any():
        raise ValueError(
            f"{name} must be non-negative; received minimum {weights.min():.6g}. "
            f"Mixing weights are probabilities."
        )
    if not np.isclose(weights.sum(), 1.0, rtol=0, atol=1e-6):
        raise ValueError(
            f"{name} must sum to 1; received a sum of {weights.sum():.10g}. "
            f"Normalise with {name} / {name}.sum()."
        )
    return weights


def check_means(means, n_components, n_features, name="means"):
    """Validate component means of shape (K, d)."""
    means = _as_float_array(means, name)
    _check_shape(means, (n_components, n_features), name)
    _check_finite(means, name)
    return means


def check_covariance(cov, n_features, name="cov"):
    """Validate one covariance matrix: shape (d, d), finite and symmetric.

    Positive definiteness is checked where it is needed, by :func:`cholesky`.
    """
    cov = _as_float_array(cov, name)
    _check_shape(cov, (n_features, n_features), name)
    _check_finite(cov, name)
    if not np.allclose(cov, cov.T, rtol=1e-10, atol=1e-12 * max(1.0, np.abs(cov).max())):
        raise ValueError(
            f"{name} must be symmetric; received a matrix whose largest "
            f"asymmetry |{name} - {name}.T| is {np.abs(cov - cov.T).max():.3g}. "
            f"Use ({name} + {name}.T) / 2."
        )
    return cov


def check_resp(resp, n_samples, name="resp"):
    """Validate responsibilities: shape (n, K), in [0, 1], rows summing to 1."""
    resp = _as_float_array(resp, name)
    if resp.ndim != 2 or resp.shape[0] != n_samples:
        raise ValueError(
            f"{name} must have shape (n_samples, n_components) = ({n_samples}, K); "
            f"received shape {resp.shape}."
        )
    _check_finite(resp, name)
    if (resp < 0).any() or (resp > 1 + 1e-12).any():
        raise ValueError(
            f"{name} must lie in [0, 1]; received values from {resp.min():.6g} "
            f"to {resp.max():.6g}."
        )
    sums = resp.sum(axis=1)
    worst = int(np.argmax(np.abs(sums - 1)))
    if abs(sums[worst] - 1) > 1e-6:
        raise ValueError(
            f"each row of {name} must sum to 1 (a sample's responsibilities are "
            f"a probability distribution over components); row {worst} sums to "
            f"{sums[worst]:.10g}. Normalise with {name} / {name}.sum(axis=1, "
            f"keepdims=True)."
        )
    return resp


def cholesky(cov, name="cov"):
    """Lower Cholesky factor ``L`` of ``cov`` (``cov = L @ L.T``).

    Raises a ``ValueError`` that explains the problem and its cures when the
    matrix is not positive definite (singular or indefinite).
    """
    try:
        L = np.linalg.cholesky(cov)
    except np.linalg.LinAlgError:
        L = None
    if L is None or not np.all(np.diag(L) > 0) or not np.all(np.isfinite(L)):
        eigenvalues = np.linalg.eigvalsh(cov)
        raise ValueError(
            f"{name} is not positive definite (smallest eigenvalue "
            f"{eigenvalues.min():.3g}, determinant {np.linalg.det(cov):.3g}), so "
            f"the Gaussian density is undefined. This happens when a component "
            f"collapses onto too few points or onto a line (e.g. collinear data). "
            f"Cures: add reg_covar * I to the covariance (reg_covar > 0), use "
            f"fewer components, or rescale/standardise the data."
        )
    return L


def check_nonnegative_real(value, name):
    """Validate a real parameter ``>= 0`` such as ``tol`` or ``reg_covar`` (not a bool or a string)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real) or not np.isfinite(value):
        raise ValueError(f"{name} must be a finite real number >= 0; received {value!r}.")
    if value < 0:
        raise ValueError(f"{name} must be >= 0; received {value}.")
    return float(value)


def check_positive_int(value, name, minimum=1):
    """Validate an integer parameter such as ``n_components`` or ``max_iter``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ValueError(
            f"{name} must be an integer >= {minimum}; received {value!r} "
            f"of type {type(value).__name__}."
        )
    if value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}; received {value}.")
    return int(value)


def check_choice(value, name, choices):
    """Validate a string option such as ``covariance_type``."""
    if not isinstance(value, str) or value not in choices:
        raise ValueError(
            f"{name} must be one of {', '.join(repr(c) for c in choices)}; "
            f"received {value!r}."
        )
    return value


def check_random_state(random_state):
    """None (NumPy's global RandomState), an int seed, or a RandomState."""
    if random_state is None:
        return np.random.mtrand._rand
    if isinstance(random_state, numbers.Integral) and not isinstance(random_state, bool):
        if not 0 <= random_state < 2**32:
            raise ValueError(
                f"random_state must be an int between 0 and 2**32 - 1 (a seed); received "
                f"{random_state}. Use e.g. random_state=0 for reproducible fits."
            )
        return np.random.RandomState(int(random_state))
    if isinstance(random_state, np.random.RandomState):
        return random_state
    raise ValueError(
        f"random_state must be None, an int or a numpy.random.RandomState; received "
        f"{random_state!r}. Use an int such as random_state=0 for reproducible fits."
    )
