r"""SymPy derivations behind lessons 2-4 and 6: the density, the E-step, the M-step
and the ELBO.

Every helper *returns* a SymPy object (an expression, a matrix or a dict of
solutions); nothing is printed. The lessons display these objects (so the
formulas shown are the formulas computed) and check them against
:mod:`gmmlib.core` and the seed's hand-computed numbers.

Notation (2-D, as in the seed): a point :math:`x = (x_h, x_w)^\top` (height,
weight), a mean :math:`\mu = (\mu_h, \mu_w)^\top`, a symmetric covariance
:math:`\Sigma = \begin{bmatrix}\Sigma_{hh} & \Sigma_{hw}\\ \Sigma_{hw} & \Sigma_{ww}\end{bmatrix}`,
responsibilities :math:`r_{ic}`, effective counts :math:`m_c = \sum_i r_{ic}`, the
precision :math:`\Lambda = \Sigma^{-1}` with entries :math:`\lambda_{hh}, \lambda_{hw}, \lambda_{ww}`.

Symbols are declared ``real`` / ``positive``: it keeps ``solve`` and
``simplify`` fast (every derivation here takes well under 2 s).

Examples
--------
>>> import sympy as sp
>>> Sigma = 10 * sp.eye(2)
>>> det_2x2(Sigma), normaliser(Sigma)
(100, 20*pi)
>>> quadratic_form(point_symbols(), mean_symbols(), Sigma)
(-mu_h + x_h)**2/10 + (-mu_w + x_w)**2/10
"""

import itertools

import sympy as sp

__all__ = [
    "latex",
    "point_symbols",
    "mean_symbols",
    "covariance_symbols",
    "generic_matrix_2x2",
    "indexed_matrix_2x2",
    "sample_symbols",
    "mvn_density_general",
    "det_2x2",
    "adjugate_inverse_2x2",
    "quadratic_form",
    "normaliser",
    "mvn_density_2d",
    "log_mvn_density_2d",
    "integrate_density_2d",
    "exponential_family_form",
    "bayes_responsibility",
    "responsibility_two",
    "log_odds",
    "logistic_responsibility",
    "decision_line",
    "precision_symbols",
    "complete_data_expectation",
    "deviation_form",
    "q_function",
    "weights_lagrangian",
    "derive_weights",
    "derive_mean",
    "log_mvn_density_precision",
    "derive_covariance",
    "weighted_mean",
    "weighted_scatter",
    "mixture_1d",
    "elbo_identity",
    "elbo_terms",
    "elbo_identity_general",
]

x_h, x_w, mu_h, mu_w = sp.symbols("x_h x_w mu_h mu_w", real=True)
Sigma_hh, Sigma_ww = sp.symbols("Sigma_hh Sigma_ww", positive=True)
Sigma_hw = sp.Symbol("Sigma_hw", real=True)


def latex(expr):
    r"""LaTeX of ``expr`` with terms in the order they were written.

    ``sp.latex`` sorts the terms of a sum (``- \mu_h + x_h``); this keeps
    ``x_h - \mu_h`` as a reader expects. Use with
    ``display(Math(latex(expr)))``.

    Examples
    --------
    >>> latex(x_h - mu_h)
    'x_{h} - \\mu_{h}'
    """
    return sp.latex(expr, order="none")


# ---------------------------------------------------------------------------
# Symbols
# ---------------------------------------------------------------------------


def point_symbols():
    """The point :math:`x = (x_h, x_w)^T` as a 2x1 matrix of real symbols.

    >>> point_symbols().T
    Matrix([[x_h, x_w]])
    """
    return sp.Matrix([x_h, x_w])


def mean_symbols():
    r"""The mean :math:`\mu = (\mu_h, \mu_w)^T` as a 2x1 matrix of real symbols."""
    return sp.Matrix([mu_h, mu_w])


def covariance_symbols():
    r"""A symmetric 2x2 covariance with symbolic entries.

    .. math:: \Sigma = \begin{bmatrix}\Sigma_{hh} & \Sigma_{hw}\\
              \Sigma_{hw} & \Sigma_{ww}\end{bmatrix}

    The variances are positive, the covariance real.
    """
    return sp.Matrix([[Sigma_hh, Sigma_hw], [Sigma_hw, Sigma_ww]])


def generic_matrix_2x2():
    r"""The seed's generic 2x2 matrix :math:`\begin{bmatrix}a & b\\ c & d\end{bmatrix}` (real symbols)."""
    a, b, c, d = sp.symbols("a b c d", real=True)
    return sp.Matrix([[a, b], [c, d]])


def indexed_matrix_2x2():
    r"""A generic 2x2 matrix with indexed entries :math:`a_{jk}` (real symbols).

    The same matrix as :func:`generic_matrix_2x2` (the seed's
    :math:`\begin{bmatrix}a & b\\ c & d\end{bmatrix}`), with no entry named
    :math:`d`, which the course keeps for the dimension.

    >>> indexed_matrix_2x2()
    Matrix([
    [a_11, a_12],
    [a_21, a_22]])
    """
    return sp.Matrix(2, 2, lambda j, k: sp.Symbol(f"a_{j + 1}{k + 1}", real=True))


def sample_symbols(n):
    r"""Symbolic data set of ``n`` 2-D points with weights (responsibilities).

    Returns
    -------
    X : sympy.Matrix of shape (n, 2)
        Row *i* is :math:`(x_{ih}, x_{iw})`, real symbols.
    r : sympy.Matrix of shape (n, 1)
        :math:`r_i`, positive symbols: the responsibilities of one component.

    Examples
    --------
    >>> X, r = sample_symbols(2)
    >>> X, r.T
    (Matrix([
    [x_1h, x_1w],
    [x_2h, x_2w]]), Matrix([[r_1, r_2]]))
    """
    X = sp.Matrix([sp.symbols(f"x_{i}h x_{i}w", real=True) for i in range(1, n + 1)])
    r = sp.Matrix(sp.symbols(f"r_1:{n + 1}", positive=True))
    return X, r


# ---------------------------------------------------------------------------
# Lesson 2: the multivariate normal density
# ---------------------------------------------------------------------------


def mvn_density_general():
    r"""The d-dimensional normal density with symbolic ``d`` (matrix symbols).

    .. math:: \mathcal{N}(x \mid \mu, \Sigma) = \frac{1}{(2\pi)^{d/2} |\Sigma|^{1/2}}
              \exp\left(-\tfrac12 (x-\mu)^\top \Sigma^{-1} (x-\mu)\right)

    Built unevaluated so that it displays as written (use :func:`latex`).

    Returns
    -------
    density : sympy.Expr
    d : sympy.Symbol
        The dimension, a positive integer symbol.

    Examples
    --------
    >>> density, d = mvn_density_general()
    >>> sorted(map(str, density.free_symbols))
    ['Sigma', 'd', 'mu', 'x']
    """
    d = sp.Symbol("d", integer=True, positive=True)
    x = sp.MatrixSymbol("x", d, 1)
    mu = sp.MatrixSymbol("mu", d, 1)
    Sigma = sp.MatrixSymbol("Sigma", d, d)
    diff = sp.MatAdd(x, -mu, evaluate=False)
    quad = sp.MatMul(sp.Transpose(diff), Sigma.I, diff, evaluate=False)
    exponent = sp.MatMul(sp.Rational(-1, 2), quad, evaluate=False)
    norm = sp.Mul((2 * sp.pi) ** (d / 2), sp.sqrt(sp.Determinant(Sigma)), evaluate=False)
    density = sp.Mul(sp.Pow(norm, -1, evaluate=False), sp.exp(exponent, evaluate=False),
                     evaluate=False)
    return density, d


def det_2x2(M):
    r"""Determinant of a 2x2 matrix by the formula :math:`ad - bc`.

    >>> det_2x2(generic_matrix_2x2())
    a*d - b*c
    """
    return M[0, 0] * M[1, 1] - M[0, 1] * M[1, 0]


def adjugate_inverse_2x2(M):
    r"""Inverse of a 2x2 matrix by the adjugate formula.

    .. math:: \begin{bmatrix}a & b\\ c & d\end{bmatrix}^{-1}
              = \frac{1}{ad - bc}\begin{bmatrix}d & -b\\ -c & a\end{bmatrix}

    Raises
    ------
    ValueError
        If the determinant is exactly 0 (the matrix is singular).

    Examples
    --------
    >>> import sympy as sp
    >>> adjugate_inverse_2x2(10 * sp.eye(2))
    Matrix([
    [1/10,    0],
    [   0, 1/10]])
    """
    det = det_2x2(M)
    if det == 0:
        raise ValueError(
            f"M must be invertible; received {M.tolist()} with determinant ad - bc = 0. "
            f"A singular covariance has no inverse (lesson 5: add reg_covar * I)."
        )
    adjugate = sp.Matrix([[M[1, 1], -M[0, 1]], [-M[1, 0], M[0, 0]]])
    return adjugate / det


def quadratic_form(x, mu, cov):
    r"""The quadratic form :math:`(x-\mu)^\top \Sigma^{-1} (x-\mu)` of a 2-D point.

    :math:`\Sigma^{-1}` comes from :func:`adjugate_inverse_2x2`.

    Parameters
    ----------
    x, mu : sympy.Matrix of shape (2, 1)
    cov : sympy.Matrix of shape (2, 2)

    Returns
    -------
    sympy.Expr
        A scalar. For :math:`\Sigma = 10 I`:
        :math:`(x_h-\mu_h)^2/10 + (x_w-\mu_w)^2/10`.

    Examples
    --------
    >>> import sympy as sp
    >>> quadratic_form(sp.Matrix([160, 55]), sp.Matrix([162, 57]), 10 * sp.eye(2))
    4/5
    """
    diff = sp.Matrix(x) - sp.Matrix(mu)
    inv = adjugate_inverse_2x2(cov)
    # sum_jk diff_j inv_jk diff_k, written term by term as the seed expands it
    return (inv[0, 0] * diff[0] ** 2 + (inv[0, 1] + inv[1, 0]) * diff[0] * diff[1]
            + inv[1, 1] * diff[1] ** 2)


def normaliser(cov, d=2):
    r"""The normalising constant :math:`(2\pi)^{d/2} |\Sigma|^{1/2}`.

    >>> import sympy as sp
    >>> normaliser(10 * sp.eye(2))
    20*pi
    """
    return (2 * sp.pi) ** sp.Rational(d, 2) * sp.sqrt(det_2x2(cov))


def mvn_density_2d(x=None, mu=None, cov=None):
    r"""The 2-D normal density :math:`\exp(-q/2) / ((2\pi)|\Sigma|^{1/2})`.

    Here :math:`q` is :func:`quadratic_form`. Arguments left as ``None`` are
    the generic symbols of :func:`point_symbols`, :func:`mean_symbols` and
    :func:`covariance_symbols`.

    Examples
    --------
    >>> import sympy as sp
    >>> mvn_density_2d(sp.Matrix([160, 55]), sp.Matrix([162, 57]), 10 * sp.eye(2))
    exp(-2/5)/(20*pi)
    """
    x = point_symbols() if x is None else sp.Matrix(x)
    mu = mean_symbols() if mu is None else sp.Matrix(mu)
    cov = covariance_symbols() if cov is None else sp.Matrix(cov)
    return sp.exp(-quadratic_form(x, mu, cov) / 2) / normaliser(cov)


def log_mvn_density_2d(x, mu, cov):
    r"""Log of the 2-D normal density.

    .. math:: \log\mathcal{N}(x \mid \mu, \Sigma) = -\log 2\pi - \tfrac12 \log|\Sigma|
              - \tfrac12 (x-\mu)^\top \Sigma^{-1} (x-\mu)

    >>> import sympy as sp
    >>> log_mvn_density_2d(sp.Matrix([160, 55]), sp.Matrix([162, 57]), 10 * sp.eye(2))
    -log(100)/2 - log(2*pi) - 2/5
    """
    cov = sp.Matrix(cov)
    return (-sp.log(2 * sp.pi) - sp.log(det_2x2(cov)) / 2
            - quadratic_form(x, mu, cov) / 2)


def exponential_family_form(x, mu, cov):
    r"""The normal log-density as a linear function of the features of :math:`x`.

    Expanding the quadratic form separates :math:`x` from the parameters
    (:math:`\Lambda = \Sigma^{-1}`):

    .. math::

        \log\mathcal{N}(x \mid \mu, \Sigma)
        = c + \sum_j (\Lambda\mu)_j\, x_j - \tfrac12 \sum_j \Lambda_{jj}\, x_j^2
          - \sum_{j<k} \Lambda_{jk}\, x_j x_k,
        \qquad c = -\tfrac d2 \log 2\pi - \tfrac12 \log|\Sigma|
                   - \tfrac12 \mu^\top \Lambda \mu ,

    a linear function of the features :math:`\phi(x) = (x_j;\ x_j x_k,\ j \le k)`
    (the Gaussian is an exponential family). The features come in the order of
    :mod:`gmmlib._fast`, which computes every component's log-density for a
    block of rows as one matrix product ``phi @ W`` with these coefficients.

    Parameters
    ----------
    x, mu : sympy.Matrix of shape (d, 1)
    cov : sympy.Matrix of shape (d, d), symmetric

    Returns
    -------
    features : list of d + d(d+1)/2 expressions in ``x``
    coefficients : list of as many expressions in ``mu`` and ``cov``
    constant : expression :math:`c`

    >>> import sympy as sp
    >>> features, coefficients, constant = exponential_family_form(
    ...     point_symbols(), sp.Matrix([162, 57]), 10 * sp.eye(2))
    >>> features
    [x_h, x_w, x_h**2, x_h*x_w, x_w**2]
    >>> coefficients
    [81/5, 57/10, -1/20, 0, -1/20]
    """
    x, mu, cov = sp.Matrix(x), sp.Matrix(mu), sp.Matrix(cov)
    d = x.shape[0]
    precision = cov.inv()
    linear = precision * mu
    pairs = [(j, k) for j in range(d) for k in range(j, d)]
    features = list(x) + [x[j] * x[k] for j, k in pairs]
    coefficients = [linear[j] for j in range(d)] + [
        -precision[j, k] / 2 if j == k else -precision[j, k] for j, k in pairs
    ]
    constant = (-sp.Rational(d, 2) * sp.log(2 * sp.pi) - sp.log(cov.det()) / 2
                - (mu.T * precision * mu)[0, 0] / 2)
    return features, coefficients, constant


def integrate_density_2d(mu, cov):
    r"""Integrate the 2-D density over the plane; the answer is 1.

    Substitutes :math:`x = \mu + u` first (integrating with the mean inside
    the square gives erf expressions that do not simplify to 1), then
    integrates over :math:`u_h, u_w \in (-\infty, \infty)`.

    Parameters
    ----------
    mu : sympy.Matrix of shape (2, 1)
    cov : sympy.Matrix of shape (2, 2)
        Numeric, or diagonal with positive symbols.

    Examples
    --------
    >>> import sympy as sp
    >>> integrate_density_2d(sp.Matrix([162, 57]), 10 * sp.eye(2))
    1
    """
    u_h, u_w = sp.symbols("u_h u_w", real=True)
    mu = sp.Matrix(mu)
    density = mvn_density_2d(mu + sp.Matrix([u_h, u_w]), mu, cov)
    return sp.simplify(sp.integrate(density, (u_h, -sp.oo, sp.oo), (u_w, -sp.oo, sp.oo)))


# ---------------------------------------------------------------------------
# Lesson 3: the E-step
# ---------------------------------------------------------------------------


def bayes_responsibility():
    r"""Bayes' rule for the responsibility of component *c* for point *i*.

    .. math:: r_{ic} = \frac{\pi_c \mathcal{N}_{ic}}{\sum_{j=1}^{K} \pi_j \mathcal{N}_{ij}},
              \qquad \mathcal{N}_{ic} = \mathcal{N}(x_i \mid \mu_c, \Sigma_c)

    Returns
    -------
    r : sympy.Expr
        With indexed symbols ``pi[c]``, ``N[i, c]`` and a ``Sum`` over ``j``.
    """
    i, c, j = sp.symbols("i c j", integer=True, positive=True)
    K = sp.Symbol("K", integer=True, positive=True)
    pi = sp.IndexedBase("pi", positive=True)
    N = sp.IndexedBase(r"\mathcal{N}", positive=True)
    return pi[c] * N[i, c] / sp.Sum(pi[j] * N[i, j], (j, 1, K))


def responsibility_two(pi_1, density_1, pi_2, density_2):
    r"""Bayes' rule with two components: :math:`r_1 = \pi_1 N_1 / (\pi_1 N_1 + \pi_2 N_2)`.

    >>> import sympy as sp
    >>> responsibility_two(sp.S.Half, sp.Symbol("N_1"), sp.S.Half, 0)
    1
    """
    return pi_1 * density_1 / (pi_1 * density_1 + pi_2 * density_2)


def log_odds(mu_1, mu_2, cov, pi_1=None, pi_2=None, x=None):
    r"""Log-odds of two components with a shared covariance,
    :math:`\log\frac{\pi_1 \mathcal{N}(x|\mu_1,\Sigma)}{\pi_2 \mathcal{N}(x|\mu_2,\Sigma)}`.

    With equal covariances the quadratic terms in :math:`x` cancel, so the
    result is linear: :math:`w^\top x + w_0` with
    :math:`w = \Sigma^{-1}(\mu_1 - \mu_2)` and
    :math:`w_0 = -\tfrac12\mu_1^\top\Sigma^{-1}\mu_1 + \tfrac12\mu_2^\top\Sigma^{-1}\mu_2
    + \log(\pi_1/\pi_2)`.

    Parameters
    ----------
    mu_1, mu_2 : sympy.Matrix of shape (2, 1)
    cov : sympy.Matrix of shape (2, 2)
    pi_1, pi_2 : sympy.Expr, optional
        Mixing weights; default positive symbols ``pi_1``, ``pi_2``.
    x : sympy.Matrix of shape (2, 1), optional
        Default :func:`point_symbols`.

    Returns
    -------
    sympy.Expr
        Expanded and collected in :math:`x_h, x_w`.

    Examples
    --------
    >>> import sympy as sp
    >>> log_odds(sp.Matrix([162, 57]), sp.Matrix([185, 80]), 10 * sp.eye(2),
    ...          sp.S.Half, sp.S.Half)
    -23*x_h/10 - 23*x_w/10 + 2783/5
    """
    if pi_1 is None or pi_2 is None:
        pi_1, pi_2 = sp.symbols("pi_1 pi_2", positive=True)
    x = point_symbols() if x is None else sp.Matrix(x)
    difference = (log_mvn_density_2d(x, mu_1, cov) - log_mvn_density_2d(x, mu_2, cov)
                  + sp.log(pi_1) - sp.log(pi_2))
    return sp.collect(sp.expand(difference), list(x), func=sp.factor)


def logistic_responsibility(log_odds_expr):
    r"""Responsibility of component 1 as the logistic function of the log-odds.

    .. math:: r_1 = \frac{1}{1 + e^{-a}}, \qquad a = \log\frac{\pi_1 N_1}{\pi_2 N_2}

    >>> import sympy as sp
    >>> logistic_responsibility(sp.Symbol("a"))
    1/(1 + exp(-a))
    """
    return 1 / (1 + sp.exp(-log_odds_expr))


def decision_line(log_odds_expr):
    r"""The line where both components are equally responsible: log-odds = 0, solved for :math:`x_w`.

    Returns
    -------
    sympy.Expr
        :math:`x_w` as a function of :math:`x_h`.

    Examples
    --------
    >>> import sympy as sp
    >>> decision_line(log_odds(sp.Matrix([162, 57]), sp.Matrix([185, 80]),
    ...                        10 * sp.eye(2), sp.S.Half, sp.S.Half))
    242 - x_h
    """
    solutions = sp.solve(sp.Eq(log_odds_expr, 0), x_w)
    if len(solutions) != 1:
        raise ValueError(
            f"log_odds_expr must be linear in x_w with a non-zero coefficient; "
            f"received {log_odds_expr}, which gives {len(solutions)} solutions for x_w."
        )
    return solutions[0]


# ---------------------------------------------------------------------------
# Lessons 3-4 step by step: from the joint p(x, z) to the Q-function, the
# precision matrix, and readable forms of the derived updates. The lessons do
# these steps in visible cells and check them against the functions here.
# ---------------------------------------------------------------------------

lambda_hh, lambda_ww = sp.symbols("lambda_hh lambda_ww", positive=True)
lambda_hw = sp.Symbol("lambda_hw", real=True)


def precision_symbols():
    r"""A symmetric 2x2 precision matrix :math:`\Lambda = \Sigma^{-1}` with symbolic entries.

    .. math:: \Lambda = \begin{bmatrix}\lambda_{hh} & \lambda_{hw}\\
              \lambda_{hw} & \lambda_{ww}\end{bmatrix}

    The diagonal entries are positive (as for every positive definite matrix),
    the off-diagonal entry is real.

    >>> precision_symbols()
    Matrix([
    [lambda_hh, lambda_hw],
    [lambda_hw, lambda_ww]])
    """
    return sp.Matrix([[lambda_hh, lambda_hw], [lambda_hw, lambda_ww]])


def complete_data_expectation(n_points, n_components):
    r"""The Q-function by brute force: :math:`\mathbb{E}[\log p(X, Z)]` over all :math:`K^n` labelings.

    For ``n_points`` samples and ``n_components`` components, with symbols

    - :math:`p_{ic} = p(x_i, z_i = c \mid \theta^{(t)}) = \pi_c^{(t)}\mathcal{N}(x_i \mid
      \mu_c^{(t)}, \Sigma_c^{(t)})`, the joint at the *current* parameters (positive), and
    - :math:`\ell_{ic} = \log p(x_i, z_i = c \mid \theta) = \log\pi_c + \log\mathcal{N}(x_i
      \mid \mu_c, \Sigma_c)`, at the *new* parameters (real),

    it enumerates every labeling :math:`Z = (z_1, \dots, z_n)`, weights
    :math:`\log p(X, Z \mid \theta) = \sum_i \ell_{i z_i}` by the posterior
    :math:`p(Z \mid X, \theta^{(t)}) = \prod_i p_{i z_i} / \sum_{Z'} \prod_i p_{i z'_i}`
    (computed from the joint, no factorisation assumed) and sums:

    .. math:: \mathbb{E}_{Z \mid X, \theta^{(t)}}[\log p(X, Z \mid \theta)]
              = \sum_{i=1}^{n}\sum_{c=1}^{K} r_{ic}\,\ell_{ic},
              \qquad r_{ic} = \frac{p_{ic}}{\sum_j p_{ij}},

    the identity behind the Q-function (indicator variables and linearity of
    expectation). Both sides are returned, so a caller can check it exactly.

    Parameters
    ----------
    n_points : int
        :math:`n \ge 1`.
    n_components : int
        :math:`K \ge 1`. There are :math:`K^n` labelings; keep
        :math:`K^n \le 4096`.

    Returns
    -------
    dict
        ``"joint"`` (n, K) matrix of the :math:`p_{ic}`; ``"log_joint"`` (n, K)
        matrix of the :math:`\ell_{ic}`; ``"labelings"`` list of tuples of
        component indices (0-based); ``"posterior"`` list of :math:`p(Z \mid X)`,
        one per labeling; ``"expectation"`` the posterior-weighted sum;
        ``"resp"`` (n, K) matrix of the :math:`r_{ic}`; ``"weighted_sum"``
        :math:`\sum_i\sum_c r_{ic}\ell_{ic}`.

    Examples
    --------
    >>> import sympy as sp
    >>> q = complete_data_expectation(2, 2)
    >>> len(q["labelings"]), sp.cancel(q["expectation"] - q["weighted_sum"])
    (4, 0)
    """
    for name, value in (("n_points", n_points), ("n_components", n_components)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"{name} must be a positive integer; received {value!r}. "
                             f"Pass e.g. {name}=2.")
    if n_components**n_points > 4096:
        raise ValueError(
            f"n_components ** n_points must be at most 4096 labelings; received "
            f"{n_components}**{n_points} = {n_components**n_points}. Use fewer points or "
            f"components: the identity is the same for every size."
        )
    shape = (n_points, n_components)
    joint = sp.Matrix(*shape, lambda i, c: sp.Symbol(f"p_{i + 1}{c + 1}", positive=True))
    log_joint = sp.Matrix(*shape, lambda i, c: sp.Symbol(f"ell_{i + 1}{c + 1}", real=True))
    labelings = list(itertools.product(range(n_components), repeat=n_points))
    joint_of = [sp.Mul(*[joint[i, z[i]] for i in range(n_points)]) for z in labelings]
    evidence = sp.Add(*joint_of)
    posterior = [p / evidence for p in joint_of]
    expectation = sp.Add(*[p * sp.Add(*[log_joint[i, z[i]] for i in range(n_points)])
                           for p, z in zip(posterior, labelings)])
    resp = sp.Matrix(*shape, lambda i, c: joint[i, c] / sp.Add(*joint[i, :]))
    weighted_sum = sp.Add(*[resp[i, c] * log_joint[i, c]
                            for i in range(n_points) for c in range(n_components)])
    return {"joint": joint, "log_joint": log_joint, "labelings": labelings,
            "posterior": posterior, "expectation": expectation, "resp": resp,
            "weighted_sum": weighted_sum}


def deviation_form(expr, X, mu, unknowns=()):
    r"""Rewrite ``expr`` in the deviations :math:`x_i - \mu`, each kept as one factor.

    Derived expressions come out expanded
    (:math:`x_{1h}x_{1w}r_1 - \mu_h x_{1w} r_1 - \ldots`), which hides the
    products of deviations they are made of. This substitutes
    :math:`x_{ik} = \mu_k + d_{ik}`, simplifies in the :math:`d_{ik}`, and puts
    :math:`d_{ik} = x_{ik} - \mu_k` back without expanding, e.g.
    :math:`r_1 (x_{1h} - \mu_h)(x_{1w} - \mu_w) + \ldots`. The result equals
    ``expr``; only its form changes (for display).

    Parameters
    ----------
    expr : sympy.Expr
        An expression in the entries of ``X`` and ``mu`` (and other symbols).
    X : sympy.Matrix of shape (n, d)
        Symbolic data: every entry a ``Symbol`` (e.g. from :func:`sample_symbols`).
    mu : sympy.Matrix of shape (d, 1)
    unknowns : sequence of sympy.Symbol, optional
        If given, the result is collected in these (with factored coefficients),
        e.g. ``[Sigma_hh]`` shows :math:`\Sigma_{hh}(r_1 + r_2 + r_3)/2 - \ldots`
        Otherwise it is one fraction (``sp.cancel``).

    Returns
    -------
    sympy.Expr

    Examples
    --------
    >>> X, r = sample_symbols(2)
    >>> expr = r[0] * (X[0, 0] * X[0, 1] - mu_h * X[0, 1] - mu_w * X[0, 0] + mu_h * mu_w)
    >>> latex(deviation_form(expr, X, mean_symbols()))
    'r_{1} \\left(x_{1h} - \\mu_{h}\\right) \\left(x_{1w} - \\mu_{w}\\right)'
    """
    X, mu = sp.Matrix(X), sp.Matrix(mu)
    if X.cols != mu.rows or not all(isinstance(v, sp.Symbol) for v in X):
        raise ValueError(
            f"X must be an (n, {mu.rows}) matrix of symbols matching mu of shape ({mu.rows}, 1); "
            f"received X of shape {X.shape} with entries {list(X)[:4]}. Use sample_symbols(n)."
        )
    d = sp.Matrix(*X.shape, lambda i, k: sp.Dummy(f"d_{i}{k}", real=True))
    to_deviations = {X[i, k]: mu[k] + d[i, k] for i in range(X.rows) for k in range(X.cols)}
    back = {d[i, k]: X[i, k] - mu[k] for i in range(X.rows) for k in range(X.cols)}
    in_d = sp.expand(sp.sympify(expr).subs(to_deviations))
    in_d = sp.collect(in_d, list(unknowns), func=sp.factor) if unknowns else sp.cancel(in_d)
    return in_d.subs(back)


# ---------------------------------------------------------------------------
# Lesson 4: the Q-function and the M-step
# ---------------------------------------------------------------------------


def q_function(X, resp, weights, means, covariances):
    r"""The Q-function of a 2-D mixture for fixed responsibilities.

    .. math:: Q(\theta) = \sum_{i=1}^{n} \sum_{c=1}^{K} r_{ic}
              \left[\log \pi_c + \log \mathcal{N}(x_i \mid \mu_c, \Sigma_c)\right]

    The numeric twin is :func:`gmmlib.elbo.q_function` ``(X, resp, params)``:
    the same argument order, with :math:`\theta` as one ``GMMParams``.

    Parameters
    ----------
    X : sympy.Matrix of shape (n, 2)
    resp : sympy.Matrix of shape (n, K)
    weights : sequence of K expressions
    means : sequence of K sympy.Matrix of shape (2, 1)
    covariances : sequence of K sympy.Matrix of shape (2, 2)

    Returns
    -------
    sympy.Expr
    """
    X, resp = sp.Matrix(X), sp.Matrix(resp)
    return sp.Add(*[
        resp[i, c] * (sp.log(weights[c]) + log_mvn_density_2d(X[i, :].T, means[c], covariances[c]))
        for i in range(X.rows) for c in range(resp.cols)
    ])


def weights_lagrangian(nk):
    r"""Lagrangian for the mixing weights: :math:`\sum_c m_c \log\pi_c + \lambda(1 - \sum_c \pi_c)`.

    The terms of Q that contain :math:`\pi` are :math:`\sum_c m_c \log \pi_c`;
    the multiplier :math:`\lambda` enforces :math:`\sum_c \pi_c = 1`.

    Parameters
    ----------
    nk : sequence of K expressions
        Effective counts :math:`m_c`.

    Returns
    -------
    lagrangian : sympy.Expr
    pis : tuple of K positive symbols
    lam : sympy.Symbol
    """
    pis = sp.symbols(f"pi_1:{len(nk) + 1}", positive=True)
    lam = sp.Symbol("lambda", real=True)
    lagrangian = (sp.Add(*[m * sp.log(p) for m, p in zip(nk, pis)])
                  + lam * (1 - sp.Add(*pis)))
    return lagrangian, pis, lam


def derive_weights(nk):
    r"""Maximise :func:`weights_lagrangian`: the stationary point is :math:`\pi_c = m_c / \sum_j m_j`.

    Returns
    -------
    dict
        ``{pi_c: value, ..., lambda: value}``.

    Examples
    --------
    >>> import sympy as sp
    >>> derive_weights([3, 3])
    {lambda: 6, pi_1: 1/2, pi_2: 1/2}
    """
    lagrangian, pis, lam = weights_lagrangian(nk)
    unknowns = list(pis) + [lam]
    equations = [sp.diff(lagrangian, v) for v in unknowns]
    return sp.solve(equations, unknowns, dict=True)[0]


def _solve_linear(equations, unknowns, template):
    """Solve equations that are linear in ``unknowns``; substitute the solution into ``template``.

    ``sp.linsolve`` raises ``NonlinearError`` if an equation is not linear, so the
    claim "the equations are linear" is checked, not assumed.
    """
    solutions = sp.linsolve(equations, unknowns)
    if len(solutions) != 1:
        raise ValueError(
            f"expected exactly one stationary point for {unknowns}; linsolve found "
            f"{solutions}. Check that the weights r are positive and the data not all equal."
        )
    values = dict(zip(unknowns, next(iter(solutions))))
    return template.subs(values).applyfunc(sp.cancel)


def _weighted_log_likelihood(X, r, mu, cov):
    X, r = sp.Matrix(X), sp.Matrix(r)
    return sp.Add(*[r[i] * log_mvn_density_2d(X[i, :].T, mu, cov) for i in range(X.rows)])


def derive_mean(X, r, cov=None):
    r"""Set the gradient of :math:`\sum_i r_i \log\mathcal{N}(x_i|\mu,\Sigma)` w.r.t. :math:`\mu`
    to 0 and solve.

    The solution is the weighted mean :math:`\mu = \sum_i r_i x_i / \sum_i r_i`
    whatever :math:`\Sigma` is.

    Parameters
    ----------
    X : sympy.Matrix of shape (n, 2)
    r : sympy.Matrix of shape (n, 1)
        Responsibilities of one component.
    cov : sympy.Matrix of shape (2, 2), optional
        Default :func:`covariance_symbols` (a general symmetric covariance).

    Returns
    -------
    sympy.Matrix of shape (2, 1)

    Examples
    --------
    >>> import sympy as sp
    >>> X = sp.Matrix([[160, 55], [165, 60], [170, 65], [180, 75]])
    >>> derive_mean(X, sp.Matrix([1, 1, 1, 0])).T
    Matrix([[165, 60]])
    """
    cov = covariance_symbols() if cov is None else sp.Matrix(cov)
    mu = mean_symbols()
    objective = _weighted_log_likelihood(X, r, mu, cov)
    gradient = [sp.diff(objective, m) for m in mu]
    return _solve_linear(gradient, list(mu), mu)


def log_mvn_density_precision(x, mu, precision):
    r"""Log-density written with the precision :math:`\Lambda = \Sigma^{-1}`.

    .. math:: \log\mathcal{N} = -\log 2\pi + \tfrac12\log|\Lambda|
              - \tfrac12 (x-\mu)^\top \Lambda (x-\mu)
    """
    diff = sp.Matrix(x) - sp.Matrix(mu)
    return (-sp.log(2 * sp.pi) + sp.log(det_2x2(precision)) / 2
            - (diff.T * precision * diff)[0, 0] / 2)


def derive_covariance(X, r, mu=None):
    r"""Derive the covariance update by maximising :math:`\sum_i r_i \log\mathcal{N}(x_i|\mu,\Sigma)`.

    Steps (differentiating w.r.t. the entries of :math:`\Sigma` directly
    gives rational equations SymPy does not solve in reasonable time):

    1. write the log-density with the precision
       :math:`\Lambda = \begin{bmatrix}\lambda_{hh} & \lambda_{hw}\\
       \lambda_{hw} & \lambda_{ww}\end{bmatrix}` (:func:`precision_symbols`);
    2. differentiate w.r.t. :math:`\lambda_{hh}, \lambda_{hw}, \lambda_{ww}` and set to 0;
    3. substitute :math:`\Lambda = \Sigma^{-1}` (adjugate formula) and cancel
       the common denominators: the equations become linear in
       :math:`\Sigma_{hh}, \Sigma_{hw}, \Sigma_{ww}`;
    4. solve them with ``sp.linsolve`` (which fails if they are not linear).

    The result is the weighted scatter matrix
    :math:`\Sigma = \frac{1}{m}\sum_i r_i (x_i - \mu)(x_i - \mu)^\top`, :math:`m = \sum_i r_i`
    (an outer product: a 2x2 matrix).

    Parameters
    ----------
    X : sympy.Matrix of shape (n, 2)
    r : sympy.Matrix of shape (n, 1)
    mu : sympy.Matrix of shape (2, 1), optional
        Default :func:`mean_symbols`.

    Returns
    -------
    sympy.Matrix of shape (2, 2)

    Examples
    --------
    >>> import sympy as sp
    >>> X = sp.Matrix([[160, 55], [165, 60], [170, 65]])
    >>> derive_covariance(X, sp.ones(3, 1), sp.Matrix([165, 60]))
    Matrix([
    [50/3, 50/3],
    [50/3, 50/3]])
    """
    mu = mean_symbols() if mu is None else sp.Matrix(mu)
    precision = precision_symbols()
    entries = (lambda_hh, lambda_hw, lambda_ww)
    X, r = sp.Matrix(X), sp.Matrix(r)
    objective = sp.Add(*[r[i] * log_mvn_density_precision(X[i, :].T, mu, precision)
                         for i in range(X.rows)])
    cov = covariance_symbols()
    as_sigma = dict(zip(entries, [adjugate_inverse_2x2(cov)[k] for k in (0, 1, 3)]))
    # cancel() clears the determinant from the denominators: the equations become linear
    equations = [sp.cancel(sp.diff(objective, v).subs(as_sigma)) for v in entries]
    return _solve_linear(equations, [Sigma_hh, Sigma_hw, Sigma_ww], cov)


def weighted_mean(X, r):
    r"""Closed form :math:`\frac{1}{m}\sum_i r_i x_i` with :math:`m = \sum_i r_i`, shape (2, 1)."""
    X, r = sp.Matrix(X), sp.Matrix(r)
    return (X.T * r) / sum(r)


def weighted_scatter(X, r, mu):
    r"""Closed form :math:`\frac{1}{m}\sum_i r_i (x_i-\mu)(x_i-\mu)^\top`, shape (2, 2)."""
    X, r, mu = sp.Matrix(X), sp.Matrix(r), sp.Matrix(mu)
    outer = [r[i] * (X[i, :].T - mu) * (X[i, :].T - mu).T for i in range(X.rows)]
    return sum(outer, sp.zeros(2, 2)) / sum(r)


# ---------------------------------------------------------------------------
# Lesson 6: the ELBO identity for a 1-D, two-component mixture
# ---------------------------------------------------------------------------


def _normal_1d(x, mu, sigma):
    """The 1-D normal density N(x | mu, sigma^2) as a SymPy expression."""
    return sp.exp(-((x - mu) ** 2) / (2 * sigma**2)) / sp.sqrt(2 * sp.pi * sigma**2)


def mixture_1d(n_points=3):
    r"""SymPy symbols and expressions of a 1-D, two-component mixture.

    Component *c* has density :math:`\mathcal{N}(x \mid \mu_c, \sigma_c^2)`
    and weight :math:`\pi_c`; sample *i* has its own distribution
    :math:`(q_{i1}, q_{i2})` over the components. All symbols are declared
    positive (or real), so ``expand_log(..., force=True)`` may split every
    logarithm; the constraint :math:`q_{i2} = 1 - q_{i1}` is applied with the
    returned substitution ``normalise_q``.

    Parameters
    ----------
    n_points : int, default 3
        Number of data points :math:`x_1, \dots, x_n` (symbols).

    Returns
    -------
    dict
        ``x`` (tuple of n symbols), ``q`` (list of n pairs ``(q_i1, q_i2)``),
        ``pi`` (pair), ``mu`` (pair), ``sigma`` (pair), ``joint`` (n pairs
        :math:`\pi_c \mathcal{N}(x_i \mid \mu_c, \sigma_c^2)`),
        ``posterior`` (n pairs :math:`p(z_i = c \mid x_i)`), the scalar
        expressions ``log_p`` (:math:`\sum_i \log \sum_c \pi_c \mathcal{N}_{ic}`),
        ``q_function``, ``entropy``, ``elbo`` and ``kl`` (as the numeric
        :func:`gmmlib.elbo.q_function`, :func:`gmmlib.elbo.elbo` and
        :func:`gmmlib.elbo.kl_divergence`), and ``normalise_q``, the dict
        ``{q_i2: 1 - q_i1}``.
    """
    if isinstance(n_points, bool) or not isinstance(n_points, int) or n_points < 1:
        raise ValueError(
            f"n_points must be an integer >= 1; received {n_points!r}. "
            f"A handful (2-4) keeps the expressions readable."
        )
    x = sp.symbols(f"x_1:{n_points + 1}", real=True)
    q = [sp.symbols(f"q_{i}1 q_{i}2", positive=True) for i in range(1, n_points + 1)]
    pi = sp.symbols("pi_1:3", positive=True)
    mu = sp.symbols("mu_1:3", real=True)
    sigma = sp.symbols("sigma_1:3", positive=True)
    joint = [tuple(pi[c] * _normal_1d(xi, mu[c], sigma[c]) for c in range(2)) for xi in x]
    evidence = [sum(j) for j in joint]
    posterior = [tuple(jc / e for jc in j) for j, e in zip(joint, evidence)]
    pairs = lambda a, b: [(ac, bc) for ai, bi in zip(a, b) for ac, bc in zip(ai, bi)]  # noqa: E731
    q_expr = sum(qc * sp.log(jc) for qc, jc in pairs(q, joint))
    entropy = -sum(qc * sp.log(qc) for qi in q for qc in qi)
    return {
        "x": x, "q": q, "pi": pi, "mu": mu, "sigma": sigma,
        "joint": joint, "posterior": posterior,
        "log_p": sum(sp.log(e) for e in evidence),
        "q_function": q_expr,
        "entropy": entropy,
        "elbo": sum(qc * sp.log(jc / qc) for qc, jc in pairs(q, joint)),
        "kl": sum(qc * sp.log(qc / pc) for qc, pc in pairs(q, posterior)),
        "normalise_q": {qi[1]: 1 - qi[0] for qi in q},
    }


def elbo_identity(n_points=3):
    r"""The exact residual :math:`\mathcal{L}(q, \theta) + \mathrm{KL}(q \,\|\, p) - \log p(X \mid \theta)`.

    With the expressions of :func:`mixture_1d`: split every
    logarithm (``expand_log(..., force=True)``, valid because all symbols are
    positive or real), impose :math:`q_{i2} = 1 - q_{i1}`, and expand.
    SymPy reduces the result to ``0``: the identity
    :math:`\log p(X \mid \theta) = \mathcal{L}(q, \theta) + \mathrm{KL}(q \,\|\, p)`
    holds for *every* data set, parameters and distribution :math:`q`.

    Returns
    -------
    sympy.Expr
        The residual (``sympy.Integer(0)`` when the identity holds).
    """
    m = mixture_1d(n_points)
    residual = sp.expand_log(m["elbo"] + m["kl"] - m["log_p"], force=True)
    return sp.simplify(sp.expand(residual.subs(m["normalise_q"])))


# ---------------------------------------------------------------------------
# Lesson 6: the ELBO identity for any mixture, with named densities
# ---------------------------------------------------------------------------


def elbo_terms(n_components, n_points=1):
    r"""The ELBO, the KL divergence and :math:`\log p` of any mixture, with named symbols.

    Sample :math:`i` and component :math:`c` have the joint probability
    :math:`p(x_i, z_i = c \mid \theta) = \pi_c N_{ic}`, where :math:`N_{ic} > 0`
    is a *symbol* standing for the component density at :math:`x_i` (any
    family: Gaussian, 1-D or d-D, or not Gaussian at all), and every sample has
    a free distribution :math:`q_{i1}, \dots, q_{iK} > 0` over the components:

    .. math::

        \mathcal{L} = \sum_{i}\sum_{c} q_{ic} \log\frac{\pi_c N_{ic}}{q_{ic}}, \qquad
        \mathrm{KL} = \sum_{i}\sum_{c} q_{ic} \log\frac{q_{ic}}{p(z_i = c \mid x_i)}, \qquad
        p(z_i = c \mid x_i) = \frac{\pi_c N_{ic}}{\sum_j \pi_j N_{ij}} .

    Short to display (the structure :math:`\sum q \log(p/q)` stays visible),
    and general: :func:`elbo_identity_general` proves the identity with it for
    every positive :math:`N_{ic}`, hence for every density family.

    Parameters
    ----------
    n_components : int
        :math:`K \ge 1`.
    n_points : int, default 1
        :math:`n \ge 1`.

    Returns
    -------
    dict
        ``pi`` (K symbols), ``N`` and ``q`` ((n, K) matrices of symbols),
        ``joint`` and ``posterior`` ((n, K) matrices), the scalars ``log_p``,
        ``q_function``, ``entropy``, ``elbo``, ``kl``, and ``normalise_q``,
        the substitution :math:`q_{iK} = 1 - \sum_{c<K} q_{ic}`.

    Examples
    --------
    >>> t = elbo_terms(2)
    >>> t["elbo"]
    q_11*log(N_11*pi_1/q_11) + q_12*log(N_12*pi_2/q_12)
    """
    for name, value in (("n_components", n_components), ("n_points", n_points)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"{name} must be a positive integer; received {value!r}. "
                             f"Pass e.g. {name}=2.")
    shape = (n_points, n_components)
    pi = sp.symbols(f"pi_1:{n_components + 1}", positive=True)
    N = sp.Matrix(*shape, lambda i, c: sp.Symbol(f"N_{i + 1}{c + 1}", positive=True))
    q = sp.Matrix(*shape, lambda i, c: sp.Symbol(f"q_{i + 1}{c + 1}", positive=True))
    joint = sp.Matrix(*shape, lambda i, c: pi[c] * N[i, c])
    evidence = [sp.Add(*joint[i, :]) for i in range(n_points)]
    posterior = sp.Matrix(*shape, lambda i, c: joint[i, c] / evidence[i])
    cells = [(i, c) for i in range(n_points) for c in range(n_components)]
    return {
        "pi": pi, "N": N, "q": q, "joint": joint, "posterior": posterior,
        "log_p": sp.Add(*[sp.log(e) for e in evidence]),
        "q_function": sp.Add(*[q[i, c] * sp.log(joint[i, c]) for i, c in cells]),
        "entropy": -sp.Add(*[q[i, c] * sp.log(q[i, c]) for i, c in cells]),
        "elbo": sp.Add(*[q[i, c] * sp.log(joint[i, c] / q[i, c]) for i, c in cells]),
        "kl": sp.Add(*[q[i, c] * sp.log(q[i, c] / posterior[i, c]) for i, c in cells]),
        "normalise_q": {q[i, -1]: 1 - sp.Add(*q[i, :-1]) for i in range(n_points)},
    }


def elbo_identity_general(n_components, n_points=1):
    r"""The exact residual :math:`\mathcal{L} + \mathrm{KL} - \log p` of :func:`elbo_terms`.

    Every logarithm is split (``expand_log(..., force=True)``, valid because
    every symbol is positive), the constraint :math:`\sum_c q_{ic} = 1` is
    imposed by :math:`q_{iK} = 1 - \sum_{c<K} q_{ic}`, and the result is
    expanded. It is ``0`` for every :math:`K` and :math:`n` tried: the
    identity :math:`\log p(X \mid \theta) = \mathcal{L}(q, \theta) +
    \mathrm{KL}(q \,\|\, p(Z \mid X, \theta))` holds for every distribution
    :math:`q`, every weights and every (positive) component densities.

    >>> elbo_identity_general(4, n_points=2)
    0
    """
    t = elbo_terms(n_components, n_points)
    residual = sp.expand_log(t["elbo"] + t["kl"] - t["log_p"], force=True)
    return sp.expand(residual.subs(t["normalise_q"]))
