"""Answers to the exercises of lesson 03 (see tests/answers/__init__.py)."""

from . import Variant

LESSON = "03_e_step"


def _diag(variances="variances", weights="np.log(weights)[None, :] + ", axis=1,
          norm="np.log(2 * np.pi * {v})"):
    """An answer to 3.1 in log space with one step changed."""
    return (f"log_norm = {norm.format(v=variances)}\n"
            f"diff2 = (X[:, None, :] - means[None, :, :]) ** 2 / {variances}\n"
            "log_dens = -0.5 * np.sum(log_norm + diff2, axis=2)\n"
            f"ell = {weights}log_dens\n"
            f"top = ell.max(axis={axis}, keepdims=True)\n"
            f"return np.exp(ell - top - np.log(np.exp(ell - top).sum(axis={axis}, keepdims=True)))")


def _linear(epsilon=""):
    """An answer to 3.1 in linear space."""
    return ("dens = np.prod(np.exp(-(X[:, None, :] - means) ** 2 / (2 * variances))\n"
            "               / np.sqrt(2 * np.pi * variances), axis=2)\n"
            f"joint = np.asarray(weights) * dens{epsilon}\n"
            "return joint / joint.sum(axis=1, keepdims=True)")


def _odds(numerator="p1 * normal_1d(x, m1, s)", denominator="p2 * normal_1d(x, m2, s)"):
    """An answer to 3.2."""
    return (f"ratio = {numerator} / ({denominator})\n"
            "return sp.expand(sp.expand_log(sp.log(ratio), force=True))")


def _line(p_women="sp.Rational(9, 10)", p_men="sp.Rational(1, 10)", prediction="men", end=""):
    """An answer to 3.3."""
    return (f"a = symbolic.log_odds(muW, muM, Sigma, {p_women}, {p_men})\n"
            f"return {prediction!r}, float(symbolic.decision_line(a) + symbolic.x_h{end})")


VARIANTS = [
    # --- 3.1 e_step_diag(X, weights, means, variances) ------------------------------------------
    Variant("03-ex1-answer", "wrong", "linear space: 0 / 0 far away", code=_linear(),
            expect="underflow to 0 in linear space"),
    Variant("03-ex1-answer", "wrong", "linear space with a tiny epsilon", code=_linear(" + 1e-300"),
            expect="split evenly"),
    Variant("03-ex1-answer", "wrong", "variances used as standard deviations",
            code=_diag(variances="variances**2"), expect="not standard deviations"),
    Variant("03-ex1-answer", "wrong", "normalised over the people (columns)", code=_diag(axis=0),
            expect="a row\\) to sum to 1"),
    Variant("03-ex1-answer", "wrong", "E-step without the weights", code=_diag(weights=""),
            expect="weight pi_c"),
    Variant("03-ex1-answer", "wrong", "normaliser dropped as if it cancelled", code=_diag(norm="0"),
            expect="does not cancel"),
    Variant("03-ex1-answer", "copy", "gmmlib.e_step with diagonal covariances",
            code="params = gmmlib.GMMParams(weights, means, [np.diag(v) for v in variances])\n"
                 "return gmmlib.e_step(X, params)",
            expect="expected your own implementation, but it uses gmmlib"),
    Variant("03-ex1-answer", "copy", "gmmlib.e_step aliased in a cell before",
            before="posterior = gmmlib.e_step",
            code="return posterior(X, gmmlib.GMMParams(weights, means, [np.diag(v) for v in variances]))",
            expect=r"gmmlib\.core\.e_step \(through the global name 'posterior'"),
    Variant("03-ex1-answer", "copy", "scipy.stats for the densities",
            code="from scipy.stats import multivariate_normal\n"
                 "from scipy.special import logsumexp\n"
                 "ell = np.column_stack([np.log(w) + multivariate_normal(m, np.diag(v)).logpdf(X)\n"
                 "                       for w, m, v in zip(weights, means, variances)])\n"
                 "return np.exp(ell - logsumexp(ell, axis=1, keepdims=True))",
            expect="scipy.stats"),
    Variant("03-ex1-answer", "correct", "scipy.special.logsumexp",
            code="from scipy.special import logsumexp\n"
                 "ell = np.log(weights) - 0.5 * np.sum(np.log(2 * np.pi * variances), axis=1) \\\n"
                 "    - 0.5 * np.sum((X[:, None, :] - means) ** 2 / variances, axis=2)\n"
                 "return np.exp(ell - logsumexp(ell, axis=1, keepdims=True))"),
    Variant("03-ex1-answer", "correct", "loop over the components",
            code="cols = []\n"
                 "for c in range(len(weights)):\n"
                 "    ll = np.log(weights[c])\n"
                 "    for j in range(X.shape[1]):\n"
                 "        ll = ll - 0.5 * np.log(2 * np.pi * variances[c, j]) \\\n"
                 "            - (X[:, j] - means[c, j]) ** 2 / (2 * variances[c, j])\n"
                 "    cols.append(ll)\n"
                 "ell = np.column_stack(cols)\n"
                 "ell = ell - ell.max(axis=1, keepdims=True)\n"
                 "return np.exp(ell) / np.exp(ell).sum(axis=1, keepdims=True)"),
    # --- 3.2 log_odds_1d(x, m1, m2, s, p1, p2) --------------------------------------------------
    Variant("03-ex2-answer", "wrong", "ratio upside down",
            code=_odds("p2 * normal_1d(x, m2, s)", "p1 * normal_1d(x, m1, s)"),
            expect="component 1 belongs in the numerator"),
    Variant("03-ex2-answer", "wrong", "priors left out",
            code=_odds("normal_1d(x, m1, s)", "normal_1d(x, m2, s)"),
            expect="priors are missing"),
    Variant("03-ex2-answer", "wrong", "s used as the variance",
            code="n = lambda x, m: sp.exp(-(x - m) ** 2 / (2 * s)) / sp.sqrt(2 * sp.pi * s)\n"
                 "return sp.expand(sp.expand_log(sp.log(p1 * n(x, m1) / (p2 * n(x, m2))), force=True))",
            expect="not s\\."),
    Variant("03-ex2-answer", "copy", "sympy.stats densities",
            code="from sympy.stats import Normal, density\n"
                 "n1, n2 = density(Normal('Z1', m1, s))(x), density(Normal('Z2', m2, s))(x)\n"
                 "return sp.expand(sp.expand_log(sp.log(p1 * n1 / (p2 * n2)), force=True))",
            expect="sympy\\.stats"),
    Variant("03-ex2-answer", "correct", "by hand: the normalisers cancel",
            code="return sp.log(p1 / p2) + ((x - m2) ** 2 - (x - m1) ** 2) / (2 * s**2)"),
    Variant("03-ex2-answer", "correct", "log of the ratio, not expanded",
            code="return sp.log(p1 * normal_1d(x, m1, s) / (p2 * normal_1d(x, m2, s)))"),
    # --- 3.3 moved_decision_line() --------------------------------------------------------------
    Variant("03-ex3-answer", "wrong", "priors swapped",
            code=_line("sp.Rational(1, 10)", "sp.Rational(9, 10)"),
            expect="priors are swapped"),
    Variant("03-ex3-answer", "wrong", "the shift instead of c", code=_line(end=" - 242"),
            expect="how far the line moved"),
    Variant("03-ex3-answer", "wrong", "log 0.9 instead of log 9",
            code="return 'men', 242 + float(sp.log(sp.Rational(9, 10))) / 2.3", expect="not log 0.9"),
    Variant("03-ex3-answer", "wrong", "right line, wrong prediction", code=_line(prediction="women"),
            caught="hidden", why="the prediction is graded only by the hidden tests: a visible check of it "
                                 "would give the answer away"),
    Variant("03-ex3-answer", "copy", "the lesson's line for equal priors (a_seed)",
            code="return 'men', float(symbolic.decision_line(a_seed) + symbolic.x_h)",
            expect="the seed's line, for equal priors"),
    Variant("03-ex3-answer", "correct", "float priors", code=_line("0.9", "0.1")),
    Variant("03-ex3-answer", "correct", "by hand: w = Sigma^-1 (mu_women - mu_men) = -2.3 (1, 1)",
            code="return 'men', 242 + 10 * np.log(0.9 / 0.1) / 23"),
]
