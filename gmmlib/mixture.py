r"""A fast Gaussian mixture estimator with scikit-learn's interface.

:class:`GaussianMixture` fits

.. math:: p(x) = \sum_{c=1}^{K} \pi_c \, \mathcal{N}(x \mid \mu_c, \Sigma_c)

by EM, with scikit-learn 1.9's semantics (same parameters, attributes,
stopping rule and ``lower_bound_``), plus ``lower_bounds_``: the lower bound
(mean log-likelihood per sample) after every iteration of the best
initialisation, which the lessons plot.

One EM iteration runs one of two ways:

- the *plain path*: the per-component maths of :mod:`gmmlib._gaussian`, the
  same code as the lesson functions of :mod:`gmmlib.core`, written like the
  maths (``_estimate_gaussian_parameters`` adds scikit-learn's ``10 eps`` to
  every ``m_c``, ``_compute_precision_cholesky`` words the error);
- the *fast path* (:mod:`gmmlib._fast`, the default): the E- and M-step fused
  into one chunked pass, with the log-densities of all components as a single
  matrix product (exponential-family form), or, for full covariances with
  large ``d`` and few components, one whitening product per component (a cost
  model in :func:`gmmlib._fast.use_per_component` picks). Where its
  sums-of-products form would lose digits (components far from the data's
  centre, or a variance tiny next to its mean's square) it hands the
  iteration to the plain path. The tests check that all paths agree, with
  scikit-learn and with the lesson functions.

The covariance shapes (``full``, ``tied``, ``diag``, ``spherical``) are
scikit-learn's; :mod:`gmmlib._gaussian` tabulates them.
"""

import inspect
import math
import numbers
import sys
import time
import warnings

import numpy as np

from . import _fast, _gaussian
from ._kmeans import kmeans, kmeans_plusplus
from ._validation import (
    _as_float_array,
    check_choice,
    check_nonnegative_real,
    check_random_state,
    check_weights,
    check_X,
    column_sums,
    rescale_error,
)
from ._validation import (
    check_positive_int as _check_int,
)

__all__ = ["GaussianMixture", "ConvergenceWarning", "NotFittedError", "collapsed_components"]

COVARIANCE_TYPES = tuple(_gaussian.COVARIANCE_TYPES)  # 'full', 'tied', 'diag', 'spherical'
INIT_PARAMS = ("kmeans", "k-means++", "random", "random_from_data")


class ConvergenceWarning(UserWarning):
    """EM stopped at ``max_iter`` before the lower bound changed by less than ``tol``.

    When scikit-learn is loaded, the warning issued is also a
    ``sklearn.exceptions.ConvergenceWarning`` (see :func:`_as_sklearn`), so
    scikit-learn's warning filters silence it.
    """


class NotFittedError(ValueError, AttributeError):
    """The estimator is used before :meth:`GaussianMixture.fit`.

    When scikit-learn is loaded, the error raised is also a
    ``sklearn.exceptions.NotFittedError`` (see :func:`_as_sklearn`).
    """


_SKLEARN_TWINS = {}


def _as_sklearn(cls):
    """``cls``, or its subclass that is also scikit-learn's class of the same name.

    gmmlib never imports scikit-learn (it takes ~0.8 s); but if the user's
    program has imported it, code that catches ``sklearn.exceptions.NotFittedError``
    or filters ``sklearn.exceptions.ConvergenceWarning`` must see gmmlib's too.
    So the class is chosen when the error or warning is raised: a subclass of
    both, made once, whenever ``sklearn`` is in ``sys.modules``.
    """
    return _sklearn_twin(cls) if "sklearn" in sys.modules else cls


def _sklearn_twin(cls):
    if cls not in _SKLEARN_TWINS:
        from sklearn import exceptions

        twin = type(cls.__name__, (cls, getattr(exceptions, cls.__name__)), {"__doc__": cls.__doc__})
        twin.__module__, twin.__qualname__ = __name__, "_Sklearn" + cls.__name__
        _SKLEARN_TWINS[cls] = twin
    return _SKLEARN_TWINS[cls]


def __getattr__(name):
    # the twins are found by name when unpickled (e.g. an error sent back by a joblib worker)
    for cls in (NotFittedError, ConvergenceWarning):
        if name == "_Sklearn" + cls.__name__:
            return _sklearn_twin(cls)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# ############################################################################
# Input checks


def _check_data(X, name="X", n_features=None, min_samples=1):
    """Validate data *without copying* float64 input (the caller's array is only read).

    Returns the data as float64 and the dtype results are returned in:
    float32 for float32 input (as scikit-learn), float64 otherwise. The
    arithmetic is always float64.
    """
    dtype = np.float32 if getattr(X, "dtype", None) == np.float32 else np.float64
    array = check_X(X, name, min_samples=min_samples, copy=False)
    if n_features is not None and array.shape[1] != n_features:
        raise ValueError(
            f"{name} has {array.shape[1]} feature(s), but this GaussianMixture was "
            f"fitted with {n_features}; pass data with the same columns as in fit "
            f"(X has {array.shape[1]} features, but GaussianMixture is expecting "
            f"{n_features} features as input)."
        )
    return array, dtype


def _check_precisions(precisions, covariance_type, n_components, n_features):
    """Validate ``precisions_init`` (shape depends on ``covariance_type``)."""
    kind = _gaussian.COVARIANCE_TYPES[covariance_type]
    precisions = _as_float_array(precisions, "precisions_init")
    expected = kind.precision_shape(n_components, n_features)
    if precisions.shape != expected:
        raise ValueError(
            f"precisions_init must have shape {expected} for covariance_type="
            f"'{covariance_type}' (n_components={n_components}, n_features="
            f"{n_features}); received shape {precisions.shape}."
        )
    if not np.isfinite(precisions).all():
        raise ValueError("precisions_init must contain only finite numbers.")
    kind.check_precisions(precisions, "precisions_init")
    return precisions


# ############################################################################
# Errors of a fit


def _estimate_gaussian_parameters(X, resp, reg_covar, covariance_type):
    r"""The estimator's M-step: :func:`gmmlib._gaussian.m_step` with :math:`m_c + 10\epsilon`.

    The guard keeps an emptied component from dividing by 0 (as scikit-learn).

    Returns
    -------
    nk : ndarray of shape (K,)
    means : ndarray of shape (K, d)
    covariances : ndarray, shape depends on ``covariance_type``
    """
    nk = resp.sum(axis=0) + 10 * np.finfo(float).eps
    means, covariances = _gaussian.m_step(_gaussian.COVARIANCE_TYPES[covariance_type], X, resp, nk, reg_covar)
    return nk, means, covariances


def _compute_precision_cholesky(covariances, covariance_type, reg_covar=0.0):
    r"""Cholesky factors ``U`` of the precisions, :math:`\Sigma^{-1} = U U^\top`.

    Raises a ``ValueError`` naming the component, the cause and the cures if a
    covariance is not positive definite.
    """
    try:
        return _gaussian.COVARIANCE_TYPES[covariance_type].precision_cholesky(covariances)
    except _gaussian.NotPositiveDefinite as exc:
        who = "the tied covariance" if exc.component is None else f"component {exc.component}"
        raise ValueError(
            f"EM failed: {who} (covariance_type='{covariance_type}') has a covariance "
            f"that is not positive definite ({exc.detail}). Its samples have collapsed onto "
            f"a point or a line (singleton or collinear samples, or repeated values), so "
            f"the Gaussian density is undefined. Try: increase reg_covar (now "
            f"{reg_covar:g}; e.g. 1e-6 times the data's variance or more), decrease "
            f"n_components, or rescale/standardise the features."
        ) from None


def _estimate_log_prob_resp(X, weights, means, precisions_chol, covariance_type):
    r"""E-step: :math:`\log p(x_i)` (n,) and :math:`\log r_{ic}` (n, K) (:func:`gmmlib._gaussian.e_step`)."""
    kind = _gaussian.COVARIANCE_TYPES[covariance_type]
    return _gaussian.e_step(kind, X, weights, means, precisions_chol)


def _far_sample_error(X, is_far, centre):
    """The ValueError for samples whose responsibilities would be 0/0 (prediction, not fit).

    ``is_far`` (n,) marks them; ``centre`` (d,) is the fitted mixture's mean.
    """
    i = int(np.flatnonzero(is_far)[0])
    with np.errstate(over="ignore"):
        distance = float(np.max(np.abs(X[i] - centre)))
    return ValueError(
        f"{int(is_far.sum())} sample(s) of X lie so far from every component that all "
        f"their densities are 0 in float64, so their responsibilities would be 0/0; the "
        f"first is sample {i} of X, {distance:.3g} from the fitted mixture's mean along "
        f"some feature. score_samples gives them log-density -inf. Rescale your data "
        f"as the data the model was fitted on, or remove such outliers."
    )


def _check_finite_state(lower_bound, state, X):
    """Raise :func:`gmmlib._validation.rescale_error` if an EM iteration produced NaN or inf."""
    if not np.isfinite(lower_bound):
        raise rescale_error(f"EM failed: the lower bound is {lower_bound}", X)
    for name, value in zip(("weights", "means", "covariances", "precisions_cholesky"), state):
        if value is not None and not np.isfinite(value).all():
            raise rescale_error(f"EM failed: the {name} are not finite", X)


# ############################################################################
# The estimator


class GaussianMixture:
    r"""Gaussian mixture fitted by EM, with scikit-learn's interface.

    .. math:: p(x) = \sum_{c=1}^{K} \pi_c \, \mathcal{N}(x \mid \mu_c, \Sigma_c)

    Parameters
    ----------
    n_components : int, default 1
        Number of components ``K``.
    covariance_type : {'full', 'tied', 'diag', 'spherical'}, default 'full'
        Shape of the covariances (see the module docstring).
    tol : float, default 1e-3
        EM stops when the lower bound (mean log-likelihood per sample) changes
        by less than ``tol`` in one iteration.
    reg_covar : float, default 1e-6
        Added to the diagonal of every covariance, to keep it positive definite.
    max_iter : int, default 100
        Number of EM iterations per initialisation.
    n_init : int, default 1
        Number of initialisations; the one with the largest lower bound is kept.
    init_params : {'kmeans', 'k-means++', 'random', 'random_from_data'}, default 'kmeans'
        How the initial responsibilities are chosen: labels of k-means; one
        sample per component by k-means++ seeding; uniform random; one random
        sample per component.
    weights_init : array-like of shape (K,), optional
    means_init : array-like of shape (K, d), optional
    precisions_init : array-like, optional
        Initial precisions (inverse covariances), shaped like ``covariances_``.
        If all three ``*_init`` are given, ``init_params`` is not used.
    random_state : None, int or numpy.random.RandomState
    warm_start : bool, default False
        If True, every ``fit`` after the first starts from the previous
        solution (and ``n_init`` is ignored).
    verbose : int or bool, default 0
        1 (or True) prints the initialisations and every ``verbose_interval``-th
        iteration, 2 also the time and the change of the lower bound.
    verbose_interval : int, default 10
        Iterations between two progress lines.

    Attributes
    ----------
    weights_ : ndarray of shape (K,)
    means_ : ndarray of shape (K, d)
    covariances_, precisions_, precisions_cholesky_ : ndarray
    converged_ : bool
    n_iter_ : int
    lower_bound_ : float
        Lower bound (mean log-likelihood per sample, from the last E-step) of
        the best initialisation.
    lower_bounds_ : list of float
        The lower bound after each iteration of the best initialisation.
    n_features_in_ : int

    Notes
    -----
    With scikit-learn installed the estimator works in its tools (``Pipeline``,
    ``GridSearchCV``, ``cross_val_score``, ``clone``, ``check_is_fitted``) and
    passes its ``check_estimator``; gmmlib itself never imports scikit-learn.
    Deliberate differences from ``sklearn.mixture.GaussianMixture``:

    - stricter validation, always a ``ValueError`` naming the parameter and a
      fix: bools are refused for numbers (``reg_covar=True``, ``tol=True``,
      ``max_iter=True``; ``verbose=True`` is accepted); a bad hyper-parameter
      raises a plain ``ValueError`` (scikit-learn's ``InvalidParameterError``
      is also a ``TypeError``); non-numeric entries of ``X`` (e.g. ``None`` in
      an object array) raise a ``ValueError`` that is also a ``TypeError``
      (scikit-learn: ``TypeError``);
    - ``np.matrix`` input is accepted as an array (scikit-learn refuses it);
      a masked array is accepted only if nothing is masked (scikit-learn
      silently uses the hidden values); sparse input is refused with
      ``.toarray()`` as the fix (scikit-learn refuses it too);
    - a ``warm_start`` refit after changing ``n_components``,
      ``covariance_type`` or the number of features raises a ``ValueError``
      (scikit-learn silently keeps the old shapes or fails inside NumPy);
    - arithmetic is float64 even for float32 input; the fitted attributes and
      the results of ``score_samples`` / ``predict_proba`` are float32 then, as
      scikit-learn's (which also keeps float64 where ``*_init`` arrays are
      float64);
    - a fit whose numbers leave float64's range (data near 1e155 or beyond, or
      near 1e-160 with ``reg_covar=0``) raises a ``ValueError`` saying to
      rescale, never returns a NaN model; ``predict_proba`` / ``predict`` of
      a sample so far from every component that all its densities are 0 in
      float64 raise it too, naming the sample (scikit-learn returns NaN
      responsibilities), while its log-density is ``-inf`` as scikit-learn's;
    - the ``NotFittedError`` and ``ConvergenceWarning`` raised are gmmlib's
      classes, and also scikit-learn's when scikit-learn is loaded;
    - ``lower_bounds_`` (the lower bound after every iteration) is extra; no
      array API support (scikit-learn's ``check_array_api_input`` is skipped);
    - the default ``init_params='kmeans'`` uses gmmlib's own k-means, so fits
      from it can reach a different local optimum than scikit-learn's.

    Examples
    --------
    >>> from gmmlib import datasets
    >>> X = datasets.old_faithful()
    >>> gm = GaussianMixture(2, random_state=0).fit(X)
    >>> gm.means_.round(1)
    array([[ 4.3, 80. ],
           [ 2. , 54.5]])
    """

    #: "fast" (fused chunked pass) or "plain" (per-component); tests compare them
    _engine = "fast"

    def __init__(
        self,
        n_components=1,
        *,
        covariance_type="full",
        tol=1e-3,
        reg_covar=1e-6,
        max_iter=100,
        n_init=1,
        init_params="kmeans",
        weights_init=None,
        means_init=None,
        precisions_init=None,
        random_state=None,
        warm_start=False,
        verbose=0,
        verbose_interval=10,
    ):
        self.n_components = n_components
        self.covariance_type = covariance_type
        self.tol = tol
        self.reg_covar = reg_covar
        self.max_iter = max_iter
        self.n_init = n_init
        self.init_params = init_params
        self.weights_init = weights_init
        self.means_init = means_init
        self.precisions_init = precisions_init
        self.random_state = random_state
        self.warm_start = warm_start
        self.verbose = verbose
        self.verbose_interval = verbose_interval

    # -- scikit-learn protocol ---------------------------------------------------
    def __sklearn_tags__(self):
        """Tags for scikit-learn's tools (a density estimator); only scikit-learn calls this."""
        from sklearn.utils import Tags, TargetTags

        return Tags(
            estimator_type="density_estimator",
            target_tags=TargetTags(required=False),
            transformer_tags=None,
            regressor_tags=None,
            classifier_tags=None,
        )

    def __sklearn_is_fitted__(self):
        return hasattr(self, "precisions_cholesky_")

    # -- get_params / set_params / repr --------------------------------------
    @classmethod
    def _param_names(cls):
        signature = inspect.signature(cls.__init__)
        return sorted(p for p in signature.parameters if p != "self")

    def get_params(self, deep=True):
        """Parameters of this estimator (the arguments of ``__init__``), as a dict."""
        return {name: getattr(self, name) for name in self._param_names()}

    def set_params(self, **params):
        """Set parameters by name; returns ``self``. Unknown names raise ``ValueError``."""
        valid = self._param_names()
        for name, value in params.items():
            if name not in valid:
                raise ValueError(
                    f"Invalid parameter {name!r} for estimator GaussianMixture. "
                    f"Valid parameters are: {valid}."
                )
            setattr(self, name, value)
        return self

    def __repr__(self):
        parameters = inspect.signature(type(self).__init__).parameters
        changed = []
        for name, parameter in parameters.items():
            if name == "self":
                continue
            value, default = getattr(self, name), parameter.default
            is_default = value is default or (
                not isinstance(value, np.ndarray) and type(value) is type(default) and value == default
            )
            if not is_default:
                changed.append(f"{name}={value!r}")
        return f"GaussianMixture({', '.join(changed)})"

    # -- validation -----------------------------------------------------------
    def _check_parameters(self, X):
        """Validate the hyper-parameters and ``*_init`` arrays (copies, never the caller's)."""
        K = _check_int(self.n_components, "n_components", 1)
        check_choice(self.covariance_type, "covariance_type", COVARIANCE_TYPES)
        check_nonnegative_real(self.tol, "tol")
        check_nonnegative_real(self.reg_covar, "reg_covar")
        _check_int(self.max_iter, "max_iter", 0)
        _check_int(self.n_init, "n_init", 1)
        check_choice(self.init_params, "init_params", INIT_PARAMS)
        verbose = int(self.verbose) if isinstance(self.verbose, (bool, np.bool_)) else self.verbose
        _check_int(verbose, "verbose", 0)
        _check_int(self.verbose_interval, "verbose_interval", 1)
        if not isinstance(self.warm_start, (bool, np.bool_)):
            raise ValueError(f"warm_start must be True or False; received {self.warm_start!r}.")
        n, d = X.shape
        if n < K:
            raise ValueError(
                f"X has {n} samples but n_components={K}: a mixture needs at least as "
                f"many samples as components (n_samples >= n_components). Use fewer "
                f"components or more data."
            )
        weights = means = precisions = None
        if self.weights_init is not None:
            weights = check_weights(self.weights_init, K, name="weights_init")
            if (weights > 1).any():
                raise ValueError(f"weights_init must lie in [0, 1]; received max {weights.max():.6g}.")
        if self.means_init is not None:
            means = _as_float_array(self.means_init, "means_init")
            if means.shape != (K, d):
                raise ValueError(
                    f"means_init must have shape (n_components, n_features) = ({K}, {d}); "
                    f"received shape {means.shape}."
                )
            if not np.isfinite(means).all():
                raise ValueError("means_init must contain only finite numbers.")
        if self.precisions_init is not None:
            precisions = _check_precisions(self.precisions_init, self.covariance_type, K, d)
        return weights, means, precisions

    @property
    def _kind(self):
        """The covariance type's maths (:mod:`gmmlib._gaussian`), for the fit under way."""
        return _gaussian.COVARIANCE_TYPES[self.covariance_type]

    def _check_is_fitted(self):
        if not self.__sklearn_is_fitted__():
            raise _as_sklearn(NotFittedError)(
                "This GaussianMixture instance is not fitted yet. Call fit(X) before "
                "using predict, predict_proba, score, score_samples, sample, bic or aic."
            )

    # -- initialisation -------------------------------------------------------
    def _initial_resp(self, X, random_state):
        n, K = X.shape[0], self.n_components
        if self.init_params == "kmeans":
            labels, _ = kmeans(X, K, random_state)
            resp = np.zeros((n, K))
            resp[np.arange(n), labels] = 1
        elif self.init_params == "random":
            resp = random_state.uniform(size=(n, K))
            resp /= resp.sum(axis=1)[:, np.newaxis]
        elif self.init_params == "random_from_data":
            resp = np.zeros((n, K))
            indices = random_state.choice(n, size=K, replace=False)
            resp[indices, np.arange(K)] = 1
        else:  # k-means++
            resp = np.zeros((n, K))
            _, indices = kmeans_plusplus(X, K, random_state)
            resp[indices, np.arange(K)] = 1
        return resp

    def _initialize(self, X, random_state, inits):
        """Initial (weights, means, covariances, precisions_chol); covariances may be None."""
        weights_init, means_init, precisions_init = inits
        covariances = None
        if weights_init is None or means_init is None or precisions_init is None:
            resp = self._initial_resp(X, random_state)
            nk, means, covariances = _estimate_gaussian_parameters(
                X, resp, self.reg_covar, self.covariance_type
            )
            weights = nk / X.shape[0]
            _check_finite_state(0.0, (weights, means, covariances), X)
        weights = weights if weights_init is None else weights_init
        means = means if means_init is None else means_init
        if precisions_init is None:
            precisions_chol = _compute_precision_cholesky(
                covariances, self.covariance_type, self.reg_covar
            )
        else:
            precisions_chol = self._kind.precision_cholesky_from_precisions(precisions_init)
            covariances = None
        return weights, means, covariances, precisions_chol

    # -- one EM iteration, two ways -------------------------------------------
    def _em_iteration_plain(self, X, state, context):
        weights, means, _, precisions_chol = state
        log_prob_norm, log_resp = _estimate_log_prob_resp(
            X, weights, means, precisions_chol, self.covariance_type
        )
        nk, means, covariances = _estimate_gaussian_parameters(
            X, np.exp(log_resp), self.reg_covar, self.covariance_type
        )
        weights = nk / nk.sum()
        precisions_chol = _compute_precision_cholesky(
            covariances, self.covariance_type, self.reg_covar
        )
        return float(np.mean(log_prob_norm)), (weights, means, covariances, precisions_chol)

    def _em_iteration_fast(self, X, state, context):
        weights, means, _, precisions_chol = state
        shift, executor, gram_matrix, cache = context
        design = _fast.Design(self.covariance_type, weights, means - shift, precisions_chol)
        if design.kappa(weights) > _fast.KAPPA_MAX:  # extreme separation: plain path
            return self._em_iteration_plain(X, state, context)
        log_prob_norm_sum, nk_raw, S = _fast.em_pass(X, shift, design, executor=executor, cache=cache)
        nk, means_c, covariances = _fast.m_step_from_stats(
            self.covariance_type, nk_raw, S, X.shape[1], self.reg_covar, gram_matrix
        )
        weights = nk / nk.sum()
        # The sums-of-products M-step loses a variance that is tiny next to its mean's
        # square (a tight cluster far from the centre): then, or if the covariance comes
        # out not positive definite, the plain path redoes this iteration and decides.
        if _fast.m_step_kappa(self.covariance_type, weights, means_c, covariances) > _fast.KAPPA_MAX:
            return self._em_iteration_plain(X, state, context)
        try:
            precisions_chol = _compute_precision_cholesky(
                covariances, self.covariance_type, self.reg_covar
            )
        except ValueError:
            return self._em_iteration_plain(X, state, context)
        state = (weights, means_c + shift, covariances, precisions_chol)
        return log_prob_norm_sum / X.shape[0], state

    # -- fit ------------------------------------------------------------------
    def fit(self, X, y=None):
        """Estimate the parameters by EM (``n_init`` initialisations, keep the best).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : ignored

        Returns
        -------
        self
        """
        self._fit(X)
        return self

    def fit_predict(self, X, y=None):
        """Fit, then return the most probable component of each sample, shape (n,)."""
        X, _ = self._fit(X)
        return self.predict(X)

    def _warm_state(self, X):
        """The previous fit's parameters, if ``warm_start`` continues from them, else None."""
        if not (self.warm_start and self.__sklearn_is_fitted__()):
            return None
        fitted = {
            "n_components": self.weights_.shape[0],
            "covariance_type": self._fitted_covariance_type,
            "n_features": self.means_.shape[1],
        }
        now = {"n_components": self.n_components, "covariance_type": self.covariance_type,
               "n_features": X.shape[1]}
        for name, value in fitted.items():
            if now[name] != value:
                raise ValueError(
                    f"warm_start=True continues the previous fit, which has {name}="
                    f"{value!r}; now {name}={now[name]!r}. Set warm_start=False to "
                    f"start afresh (or use the same {name})."
                )
        as64 = [np.asarray(a, dtype=np.float64) for a in
                (self.weights_, self.means_, self.covariances_, self.precisions_cholesky_)]
        return tuple(as64)

    def _fit(self, X):
        # overflow is looked for explicitly (_check_finite_state), not left to warnings
        with np.errstate(over="ignore", invalid="ignore"):
            return self._fit_em(X)

    def _fit_em(self, X):
        X, dtype = _check_data(X, min_samples=2)
        inits = self._check_parameters(X)
        warm = self._warm_state(X)
        n_init = self.n_init if warm is None else 1
        random_state = check_random_state(self.random_state)
        iterate = self._em_iteration_fast if self._engine == "fast" else self._em_iteration_plain

        best = None
        max_lower_bound = -np.inf
        best_converged = False
        with _fast.single_threaded_blas(), _fast.maybe_executor(X.shape[0]) as executor:
            shift = column_sums(X) / X.shape[0]
            gram_matrix = _fast.gram(X, shift) if self.covariance_type == "tied" else None
            cache = _fast.phi_cache_for(self.covariance_type, *X.shape, self.n_components)
            context = (shift, executor, gram_matrix, cache)
            for init in range(n_init):
                self._print_verbose_init_begin(init)
                state = self._initialize(X, random_state, inits) if warm is None else warm
                lower_bound = -np.inf if warm is None else self.lower_bound_
                lower_bounds = []
                converged = False
                n_iter = 0
                for n_iter in range(1, self.max_iter + 1):
                    previous = lower_bound
                    try:
                        lower_bound, state = iterate(X, state, context)
                        _check_finite_state(lower_bound, state, X)
                    except ValueError as exc:
                        raise ValueError(
                            f"{exc} (initialisation {init}, EM iteration {n_iter})"
                        ) from None
                    lower_bounds.append(lower_bound)
                    change = lower_bound - previous
                    self._print_verbose_iter_end(n_iter, change)
                    if abs(change) < self.tol:
                        converged = True
                        break
                if self.max_iter > 0:
                    self._print_verbose_init_end(lower_bound, converged)
                if self.max_iter == 0:  # as scikit-learn: keep the last initialisation
                    best = (state, 0, [])
                elif best is None or lower_bound > max_lower_bound:
                    max_lower_bound = lower_bound
                    best = (state, n_iter, lower_bounds)
                    best_converged = converged

        if not best_converged and self.max_iter > 0:
            warnings.warn(
                f"Best performing initialisation did not converge: the lower bound "
                f"still changed by more than tol={self.tol:g} after max_iter="
                f"{self.max_iter} iterations. Try increasing max_iter or tol, another "
                f"initialisation (init_params, n_init, random_state), or check for "
                f"degenerate data (increase reg_covar, use fewer components, rescale).",
                _as_sklearn(ConvergenceWarning),
                stacklevel=4,  # fit or fit_predict -> _fit -> _fit_em: the caller
            )
        (weights, means, covariances, precisions_chol), n_iter, lower_bounds = best
        if covariances is None:  # max_iter=0 with precisions_init
            covariances = self._kind.covariances_from_precision_cholesky(precisions_chol)
        precisions = self._kind.precisions_from_cholesky(precisions_chol)
        fitted = (weights, means, covariances, precisions_chol, precisions)
        if not all(np.isfinite(a).all() for a in fitted):
            raise rescale_error("EM failed: the fitted precisions overflow", X)
        self.weights_, self.means_, self.covariances_, self.precisions_cholesky_, self.precisions_ = (
            a.astype(dtype, copy=False) for a in fitted
        )
        self.converged_ = best_converged
        self.n_iter_ = n_iter
        self.lower_bound_ = max_lower_bound
        self.lower_bounds_ = [float(b) for b in lower_bounds]
        self.n_features_in_ = X.shape[1]
        self._fitted_covariance_type = self.covariance_type
        return X, dtype

    # -- verbose output (scikit-learn's format) --------------------------------
    def _print_verbose_init_begin(self, init):
        if self.verbose == 1:
            print(f"Initialization {init}")
        elif self.verbose >= 2:
            print(f"Initialization {init}")
            self._init_time = self._iter_time = time.time()

    def _print_verbose_iter_end(self, n_iter, change):
        if n_iter % self.verbose_interval:
            return
        if self.verbose == 1:
            print(f"  Iteration {n_iter}")
        elif self.verbose >= 2:
            now = time.time()
            print(f"  Iteration {n_iter}\t time lapse {now - self._iter_time:.5f}s\t ll change {change:.5f}")
            self._iter_time = now

    def _print_verbose_init_end(self, lower_bound, converged):
        word = "converged" if converged else "did not converge"
        if self.verbose == 1:
            print(f"Initialization {word}.")
        elif self.verbose >= 2:
            elapsed = time.time() - self._init_time
            print(f"Initialization {word}. time lapse {elapsed:.5f}s\t lower bound {lower_bound:.5f}.")
        sys.stdout.flush()

    # -- using a fitted model -------------------------------------------------
    def _check_predict_X(self, X):
        self._check_is_fitted()
        return _check_data(X, n_features=self.means_.shape[1])

    def _pass(self, X, out_log_prob_norm=None, out_resp=None):
        """E-step only, on the fast path (or the plain one).

        The data are centred on the fitted mixture's mean (a fitted quantity,
        not the batch's mean), so a sample's score does not depend on the other
        samples passed with it.
        """
        weights, means = self.weights_.astype(np.float64), self.means_.astype(np.float64)
        precisions_chol = self.precisions_cholesky_.astype(np.float64)
        shift = weights @ means
        design = _fast.Design(self._fitted_covariance_type, weights, means - shift, precisions_chol)
        if self._engine == "plain" or design.kappa(weights) > _fast.KAPPA_MAX:
            with np.errstate(over="ignore", invalid="ignore", divide="ignore"):  # looked for below
                log_prob_norm, log_resp = _estimate_log_prob_resp(
                    X, weights, means, precisions_chol, self._fitted_covariance_type
                )
            if out_log_prob_norm is not None:
                out_log_prob_norm[:] = log_prob_norm
            if out_resp is not None:
                out_resp[:] = np.exp(log_resp)
        else:
            with _fast.single_threaded_blas(), _fast.maybe_executor(X.shape[0]) as executor, \
                    np.errstate(over="ignore", invalid="ignore", divide="ignore"):
                _fast.em_pass(X, shift, design, want_stats=False, executor=executor,
                              out_log_prob_norm=out_log_prob_norm, out_resp=out_resp)
        for out in (out_log_prob_norm, out_resp):
            if out is not None and np.isnan(out).any():  # -inf (density 0) is honest; NaN is not
                raise _far_sample_error(X, np.isnan(out).reshape(X.shape[0], -1).any(axis=1), shift)

    def score_samples(self, X):
        r"""Log-density of each sample, :math:`\log p(x_i)`, shape (n,)."""
        X, dtype = self._check_predict_X(X)
        out = np.empty(X.shape[0])
        self._pass(X, out_log_prob_norm=out)
        return out.astype(dtype, copy=False)

    def score(self, X, y=None):
        """Mean log-likelihood per sample (float)."""
        return float(np.mean(self.score_samples(X), dtype=np.float64))

    def predict_proba(self, X):
        r"""Responsibilities :math:`r_{ic}`, shape (n, K): rows sum to 1."""
        X, dtype = self._check_predict_X(X)
        out = np.empty((X.shape[0], self.weights_.shape[0]))
        self._pass(X, out_resp=out)
        return out.astype(dtype, copy=False)

    def predict(self, X):
        """Most probable component of each sample, shape (n,)."""
        return np.argmax(self.predict_proba(X), axis=1)

    def sample(self, n_samples=1):
        """Draw samples from the fitted mixture (same draws as scikit-learn for a seed).

        Returns
        -------
        X : ndarray of shape (n_samples, d)
        y : ndarray of shape (n_samples,)
            The component of each sample (samples are grouped by component).
        """
        self._check_is_fitted()
        _check_int(n_samples, "n_samples", 1)
        rng = check_random_state(self.random_state)
        counts = rng.multinomial(n_samples, self.weights_)
        kind = _gaussian.COVARIANCE_TYPES[self._fitted_covariance_type]
        parts = kind.sample(rng, self.means_, self.covariances_, counts)
        labels = np.concatenate([np.full(k, c, dtype=int) for c, k in enumerate(counts)])
        return np.vstack(parts), labels

    def _n_parameters(self):
        """Number of free parameters: means, covariances and K - 1 weights."""
        K, d = self.means_.shape
        kind = _gaussian.COVARIANCE_TYPES[self._fitted_covariance_type]
        return kind.n_parameters(K, d) + K * d + K - 1

    def bic(self, X):
        r"""Bayesian information criterion :math:`-2\log L + p\log n` (lower is better)."""
        X, _ = self._check_predict_X(X)
        return -2 * self.score(X) * X.shape[0] + self._n_parameters() * math.log(X.shape[0])

    def aic(self, X):
        r"""Akaike information criterion :math:`-2\log L + 2p` (lower is better)."""
        X, _ = self._check_predict_X(X)
        return -2 * self.score(X) * X.shape[0] + 2 * self._n_parameters()


# ############################################################################
# Diagnostics


def collapsed_components(gm, X, *, variance_factor=10.0, min_samples=2):
    r"""Indices of components that collapsed onto (nearly) one value of a feature.

    EM can "cheat": when several samples share exactly the same value of a
    feature (Old Faithful's waiting times are whole minutes), a component can
    sit on those samples with a variance along that feature shrinking towards
    0, so its density -- and the likelihood -- grows without bound. Only
    ``reg_covar`` stops it. Such a component describes a rounding artefact,
    not a cluster.

    Criterion: component ``c`` is reported if for some feature ``j``

    1. its variance is at the regularisation floor,
       :math:`\Sigma_{c,jj} \le \text{variance\_factor} \cdot \text{reg\_covar}`
       (with ``reg_covar`` the fitted model's; for reg_covar = 0 the floor is
       :math:`10^{-12}` times the variance of feature ``j`` in ``X``), and
    2. at least ``min_samples`` samples of ``X`` are assigned to ``c``
       (``gm.predict``) *and* lie within :math:`3\sqrt{\Sigma_{c,jj}}` of
       :math:`\mu_{c,j}` along ``j`` -- i.e. they share (almost) one value.

    For ``covariance_type='full'`` and ``'tied'`` the diagonal of the covariance
    is used (variance along each feature axis).

    Parameters
    ----------
    gm : GaussianMixture
        A fitted model (gmmlib's or scikit-learn's).
    X : array-like of shape (n, d)
        The data it was fitted on.
    variance_factor : float, default 10.0
    min_samples : int, default 2

    Returns
    -------
    list of int
        Sorted component indices (empty if none collapsed).
    """
    if not hasattr(gm, "covariances_"):
        raise NotFittedError("collapsed_components needs a fitted GaussianMixture (call fit first).")
    X, _ = _check_data(X, n_features=gm.means_.shape[1])
    _check_int(min_samples, "min_samples", 1)
    if not (isinstance(variance_factor, numbers.Real) and variance_factor > 0):
        raise ValueError(f"variance_factor must be a number > 0; received {variance_factor!r}.")
    # the fitted type (a later set_params(covariance_type=...) must not change the reading);
    # scikit-learn's model records none, so its covariances_ is checked against its shape
    covariance_type = getattr(gm, "_fitted_covariance_type", gm.covariance_type)
    kind = _gaussian.COVARIANCE_TYPES[covariance_type]
    covariances = np.asarray(gm.covariances_)
    if covariances.shape != kind.precision_shape(*gm.means_.shape):
        raise ValueError(
            f"gm.covariances_ has shape {covariances.shape}, not the shape "
            f"{kind.precision_shape(*gm.means_.shape)} of covariance_type="
            f"{covariance_type!r}: was covariance_type changed after fit? Set it back "
            f"or refit the model."
        )
    variances = kind.feature_variances(covariances, *gm.means_.shape)
    floor = variance_factor * max(float(gm.reg_covar), 0.0) + 1e-12 * X.var(axis=0)
    labels = gm.predict(X)
    collapsed = []
    for c in range(gm.means_.shape[0]):
        members = X[labels == c]
        for j in np.flatnonzero(variances[c] <= floor):
            near = np.abs(members[:, j] - gm.means_[c, j]) <= 3 * np.sqrt(variances[c, j])
            if near.sum() >= min_samples:
                collapsed.append(c)
                break
    return collapsed
