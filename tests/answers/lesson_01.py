"""Answers to the exercises of lesson 01 (see tests/answers/__init__.py)."""

from . import Variant

LESSON = "01_data_and_initialisation"


def _standardise(scale="1 / X.std(axis=0)", centre="np.asarray(mean) - X.mean(axis=0)",
                 cov="D_inv @ np.asarray(cov) @ D_inv"):
    """An answer to 1.1 with one step changed."""
    return (f"D_inv = np.diag({scale})\n"
            f"return D_inv @ ({centre}), {cov}")


def _classify(term="(x - m) @ np.linalg.inv(S) @ (x - m)", pick="np.argmin(d2)"):
    """An answer to 1.2 with one step changed."""
    return (f"d2 = np.array([{term} for m, S in zip(means, covariances)])\n"
            f"return d2, names[int({pick})]")


def _line(a="(w_2 - w_1) / (h_2 - h_1)", b="w_1 - slope * h_1", order="slope, intercept"):
    """An answer to 1.3 by the slope formula, with one step changed."""
    return ("(h_1, w_1), (h_2, w_2) = p, q\n"
            f"slope = {a}\n"
            f"intercept = {b}\n"
            f"return {order}")


VARIANTS = [
    # --- 1.1 standardise_gaussian(mean, cov, X) -------------------------------------------------
    Variant("01-ex1-answer", "wrong", "mean not centred", code=_standardise(centre="np.asarray(mean)"),
            expect="Subtract the column means"),
    Variant("01-ex1-answer", "wrong", "variances instead of standard deviations",
            code=_standardise(scale="1 / X.var(axis=0)"), expect="not the variances"),
    Variant("01-ex1-answer", "wrong", "sample standard deviation (ddof=1)",
            code=_standardise(scale="1 / X.std(axis=0, ddof=1)"), expect="ddof=0"),
    Variant("01-ex1-answer", "wrong", "covariance scaled on one side", code=_standardise(cov="D_inv @ cov"),
            expect="on both sides"),
    Variant("01-ex1-answer", "wrong", "D Sigma D", code=_standardise(cov="np.diag(X.std(axis=0)) @ cov "
                                                                         "@ np.diag(X.std(axis=0))"),
            expect="not D Sigma D"),
    Variant("01-ex1-answer", "copy", "scikit-learn's StandardScaler",
            code="from sklearn.preprocessing import StandardScaler\n"
                 "scaler = StandardScaler().fit(X)\n"
                 "return scaler.transform([mean])[0], cov / np.outer(scaler.scale_, scaler.scale_)",
            expect="sklearn"),
    Variant("01-ex1-answer", "copy", "gmmlib.datasets.standardise for the centre and scale",
            code="Z = gmmlib.datasets.standardise(X)\n"
                 "s = (X[0] - X[1]) / (Z[0] - Z[1])\n"
                 "return (mean - (X[0] - Z[0] * s)) / s, cov / np.outer(s, s)",
            expect="uses gmmlib"),
    Variant("01-ex1-answer", "correct", "divide by the outer product of the sds",
            code="s = np.sqrt(np.mean((X - X.mean(axis=0)) ** 2, axis=0))\n"
                 "return (mean - X.mean(axis=0)) / s, cov / np.outer(s, s)"),
    # --- 1.2 classify(x, means, covariances) ----------------------------------------------------
    Variant("01-ex2-answer", "wrong", "Euclidean distance (no Sigma^-1)", code=_classify("(x - m) @ (x - m)"),
            expect="squared Euclidean distances"),
    Variant("01-ex2-answer", "wrong", "Sigma instead of its inverse", code=_classify("(x - m) @ S @ (x - m)"),
            expect="inverse Sigma\\^-1, not"),
    Variant("01-ex2-answer", "wrong", "distances, not squared",
            code=_classify("np.sqrt((x - m) @ np.linalg.inv(S) @ (x - m))"), expect="their squares"),
    Variant("01-ex2-answer", "wrong", "one over the diagonal",
            code=_classify("np.sum((x - m) ** 2 / np.diag(S))"),
            expect="whole inverse"),
    Variant("01-ex2-answer", "wrong", "the farther component", code=_classify(pick="np.argmax(d2)"),
            expect="smaller squared distance"),
    Variant("01-ex2-answer", "copy", "scipy.spatial.distance.mahalanobis",
            code="from scipy.spatial.distance import mahalanobis\n"
                 + _classify("mahalanobis(x, m, np.linalg.inv(S)) ** 2"),
            expect="scipy\\.spatial"),
    Variant("01-ex2-answer", "copy", "back from gmmlib.mvn_logpdf",
            code=_classify("-2 * gmmlib.mvn_logpdf(x[None], m, S)[0] - np.log(np.linalg.det(S)) "
                           "- len(x) * np.log(2 * np.pi)"),
            expect="uses gmmlib"),
    Variant("01-ex2-answer", "correct", "solve instead of inverse, then the smaller by comparison",
            code="d2 = np.array([(x - m) @ np.linalg.solve(S, x - m) for m, S in zip(means, covariances)])\n"
                 "return d2, names[0] if d2[0] <= d2[1] else names[1]"),
    # --- 1.3 line_through(p, q) -----------------------------------------------------------------
    Variant("01-ex3-answer", "wrong", "slope upside down", code=_line(a="(h_2 - h_1) / (w_2 - w_1)"),
            expect="change in weight per change in height"),
    Variant("01-ex3-answer", "wrong", "intercept with the wrong sign", code=_line(b="w_1 + slope * h_1"),
            expect="sign of the intercept"),
    Variant("01-ex3-answer", "wrong", "intercept first", code=_line(order="intercept, slope"),
            expect="slope first"),
    Variant("01-ex3-answer", "copy", "the lesson's line, weight = height - 105",
            code="return sp.Integer(1), sp.Integer(-105)", expect="seed's line"),
    Variant("01-ex3-answer", "copy", "sympy.geometry",
            code="from sympy.geometry import Line, Point\n"
                 "slope = Line(Point(*p), Point(*q)).slope\n"
                 "return slope, p[1] - slope * p[0]",
            expect="sympy\\.geometry"),
    Variant("01-ex3-answer", "correct", "slope formula", code=_line()),
    Variant("01-ex3-answer", "correct", "sp.linsolve",
            code="(h_1, w_1), (h_2, w_2) = p, q\n"
                 "(sol,) = sp.linsolve([a * h_1 + b - w_1, a * h_2 + b - w_2], [a, b])\n"
                 "return tuple(sol)"),
]
