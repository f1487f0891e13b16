"""Answers to the exercises of lesson 02 (see tests/answers/__init__.py)."""

from . import Variant

LESSON = "02_multivariate_normal"


def _steps(quad="diff @ np.linalg.solve(Sigma, diff)",
           normaliser="(2 * np.pi) ** (len(x) / 2) * np.sqrt(np.linalg.det(Sigma))",
           density="np.exp(-quad / 2) / normaliser", diff="x - mu"):
    """An answer to 2.1 with one step changed."""
    return (f"diff = {diff}\nquad = {quad}\nnormaliser = {normaliser}\n"
            f"return quad, normaliser, {density}")


def _adjugate(top="[M[1, 1], -M[0, 1]]", bottom="[-M[1, 0], M[0, 0]]",
              det="M[0, 0] * M[1, 1] - M[0, 1] * M[1, 0]"):
    """An answer to 2.2 with one part changed."""
    return f"det = {det}\nreturn sp.Matrix([{top}, {bottom}]) / det"


def _wider(prediction='"down"', density="gmmlib.mvn_pdf([[160, 55]], [162, 57], 20 * np.eye(2))[0]",
           r_equal="np.sqrt(40 * np.log(2))"):
    """An answer to 2.3 with one part changed."""
    return f"return {prediction}, {density}, {r_equal}"


INVERSE = "MatrixBase.inv, which the exercise does not allow"

VARIANTS = [
    # --- 2.1 mvn_density_steps(x, mu, Sigma) ------------------------------------------------
    Variant("02-ex1-answer", "wrong", "Sigma not inverted", code=_steps(quad="diff @ Sigma @ diff"),
            expect="did you invert Sigma"),
    Variant("02-ex1-answer", "wrong", "diagonal of Sigma only",
            code=_steps(quad="np.sum(diff**2 / np.diag(Sigma))"), expect="Only the diagonal of Sigma"),
    Variant("02-ex1-answer", "wrong", "the seed's 2 pi^(d/2)",
            code=_steps(normaliser="2 * np.pi ** (len(x) / 2) * np.sqrt(np.linalg.det(Sigma))"),
            expect="the seed's slip"),
    Variant("02-ex1-answer", "wrong", "the d = 2 normaliser",
            code=_steps(normaliser="2 * np.pi * np.sqrt(np.linalg.det(Sigma))"),
            expect="normaliser for d = 2"),
    Variant("02-ex1-answer", "wrong", "integer division d // 2",
            code=_steps(normaliser="(2 * np.pi) ** (len(x) // 2) * np.sqrt(np.linalg.det(Sigma))"),
            expect="normaliser for d = 2"),
    Variant("02-ex1-answer", "wrong", "no square root of the determinant",
            code=_steps(normaliser="(2 * np.pi) ** (len(x) / 2) * np.linalg.det(Sigma)"),
            expect="square root of the determinant"),
    Variant("02-ex1-answer", "wrong", "exp(-q)", code=_steps(density="np.exp(-quad) / normaliser"),
            expect="minus HALF the quadratic form"),
    Variant("02-ex1-answer", "copy", "gmmlib.mvn_pdf for the density",
            code=_steps(density="gmmlib.mvn_pdf(x[None, :], mu, Sigma)[0]"),
            expect="expected your own implementation, but it uses gmmlib"),
    Variant("02-ex1-answer", "copy", "gmmlib.mvn_pdf aliased in a cell before", before="pdf = gmmlib.mvn_pdf",
            code=_steps(density="pdf(x[None, :], mu, Sigma)[0]"),
            expect=r"gmmlib\.core\.mvn_pdf \(through the global name 'pdf'"),
    Variant("02-ex1-answer", "copy", "scipy.stats",
            code="from scipy.stats import multivariate_normal\n"
                 + _steps(density="multivariate_normal(mu, Sigma).pdf(x)"),
            expect="scipy.stats"),
    Variant("02-ex1-answer", "copy", "gmmlib reached by a computed name",
            code=_steps(density='__import__("gmm" + "lib").mvn_pdf(x[None, :], mu, Sigma)[0]'),
            expect=r"calls gmmlib\.core\.mvn_pdf"),
    Variant("02-ex1-answer", "copy", "the lesson's normaliser", code=_steps(normaliser="float(norm)"),
            expect="not the expected value"),
    Variant("02-ex1-answer", "correct", "explicit inverse",
            code=_steps(quad="diff @ np.linalg.inv(Sigma) @ diff")),
    Variant("02-ex1-answer", "correct", "mu - x", code=_steps(diff="mu - x")),
    Variant("02-ex1-answer", "correct", "Cholesky factor in log space",
            code="L = np.linalg.cholesky(Sigma)\n"
                 "z = np.linalg.solve(L, x - mu)\n"
                 "log_normaliser = len(x) / 2 * np.log(2 * np.pi) + np.sum(np.log(np.diag(L)))\n"
                 "return z @ z, np.exp(log_normaliser), np.exp(-(z @ z) / 2 - log_normaliser)"),
    # --- 2.2 inverse_2x2(M) ------------------------------------------------------------------
    Variant("02-ex2-answer", "wrong", "adjugate not divided",
            code="return sp.Matrix([[M[1, 1], -M[0, 1]], [-M[1, 0], M[0, 0]]])",
            expect="divide it by the determinant"),
    Variant("02-ex2-answer", "wrong", "transposed adjugate",
            code=_adjugate(top="[M[1, 1], -M[1, 0]]", bottom="[-M[0, 1], M[0, 0]]"), expect="Transposed"),
    Variant("02-ex2-answer", "wrong", "determinant ad + bc",
            code=_adjugate(det="M[0, 0] * M[1, 1] + M[0, 1] * M[1, 0]"), expect="ad - bc, not ad \\+ bc"),
    Variant("02-ex2-answer", "wrong", "a and d not swapped",
            code=_adjugate(top="[M[0, 0], -M[0, 1]]", bottom="[-M[1, 0], M[1, 1]]"), expect="swaps a and d"),
    Variant("02-ex2-answer", "wrong", "signs of b and c kept",
            code=_adjugate(top="[M[1, 1], M[0, 1]]", bottom="[M[1, 0], M[0, 0]]"), expect="signs of b and c"),
    Variant("02-ex2-answer", "wrong", "reciprocal of each entry", code="return M.applyfunc(lambda e: 1 / e)",
            expect="not the expected value"),
    Variant("02-ex2-answer", "copy", "M.inv()", code="return M.inv()", expect=INVERSE),
    Variant("02-ex2-answer", "copy", "M**-1", code="return M**-1", expect=INVERSE),
    Variant("02-ex2-answer", "copy", "sp.Matrix.inv(M)", code="return sp.Matrix.inv(M)", expect=INVERSE),
    Variant("02-ex2-answer", "copy", "inv by a computed name", code='return getattr(M, "i" + "nv")()',
            expect=INVERSE),
    Variant("02-ex2-answer", "copy", "inverse_ADJ", code="return M.inverse_ADJ()",
            expect="sympy.matrices.inverse"),
    Variant("02-ex2-answer", "copy", "SymPy's adjugate", code="return M.adjugate() / M.det()",
            expect="MatrixBase.adjugate"),
    Variant("02-ex2-answer", "copy", "NumPy's inverse",
            code="return sp.Matrix(np.linalg.inv(np.array(M, dtype=float)))", expect="numpy.linalg"),
    Variant("02-ex2-answer", "copy", "alias of the library's function",
            cell="inverse_2x2 = symbolic.adjugate_inverse_2x2", expect="the library's own function"),
    Variant("02-ex2-answer", "copy", "library function aliased in a cell before",
            before="helper = symbolic.adjugate_inverse_2x2", code="return helper(M)",
            expect="through the global name 'helper'"),
    Variant("02-ex2-answer", "copy", "library function imported inside",
            code="from gmmlib.symbolic import adjugate_inverse_2x2\nreturn adjugate_inverse_2x2(M)",
            expect=r"uses gmmlib\.symbolic"),
    Variant("02-ex2-answer", "copy", "lambda around the library's function",
            cell="inverse_2x2 = lambda M: symbolic.adjugate_inverse_2x2(M)",
            expect="expected your own implementation"),
    Variant("02-ex2-answer", "correct", "entries unpacked",
            code="a, b, c, d = M\nreturn sp.Matrix([[d, -b], [-c, a]]) * (1 / (a * d - b * c))"),
    Variant("02-ex2-answer", "correct", "determinant by M.det()",
            code="return sp.Matrix(2, 2, [M[1, 1], -M[0, 1], -M[1, 0], M[0, 0]]) / M.det()"),
    Variant("02-ex2-answer", "correct", "entry by entry",
            code="det = M[0, 0] * M[1, 1] - M[0, 1] * M[1, 0]\n"
                 "return sp.Matrix(2, 2, lambda i, j: (-1) ** (i + j) * M[1 - j, 1 - i] / det)"),
    # --- 2.3 wider_component() -----------------------------------------------------------------
    Variant("02-ex3-answer", "wrong", "predicts up", code=_wider(prediction='"up"'), caught="hidden",
            why="There are two possible predictions: a visible check would tell the student which is right."),
    Variant("02-ex3-answer", "wrong", "standard deviation for the covariance",
            code=_wider(density="gmmlib.mvn_pdf([[160, 55]], [162, 57], np.sqrt(20) * np.eye(2))[0]"),
            expect="not its square root"),
    Variant("02-ex3-answer", "wrong", "old normaliser", code=_wider(density="np.exp(-0.2) / (20 * np.pi)"),
            expect="doubles too"),
    Variant("02-ex3-answer", "wrong", "r squared", code=_wider(r_equal="40 * np.log(2)"),
            expect=r"That is r\^2"),
    Variant("02-ex3-answer", "wrong", "Mahalanobis distance for r", code=_wider(r_equal="4 * np.log(2)"),
            expect="quadratic form r\\^2 / 10"),
    Variant("02-ex3-answer", "wrong", "normaliser ratio sqrt 2",
            code=_wider(r_equal="np.sqrt(20 * np.log(2))"),
            expect=r"multiplies \|Sigma\| by 4"),
    Variant("02-ex3-answer", "wrong", "normalisers forgotten", code=_wider(r_equal="0.0"), expect="At r = 0"),
    Variant("02-ex3-answer", "copy", "the lesson's N(A | women)", code=_wider(density="float(N_A_women)"),
            expect=r"the lesson's N\(A \| women\)"),
    Variant("02-ex3-answer", "copy", "the lesson's pdf_A", code=_wider(density="pdf_A"),
            expect=r"the lesson's N\(A \| women\)"),
    Variant("02-ex3-answer", "correct", "by the formula",
            code=_wider(density="np.exp(-8 / 40) / (2 * np.pi * 20)", r_equal="np.sqrt(-40 * np.log(0.5))")),
    Variant("02-ex3-answer", "correct", "crossing found numerically",
            code="from scipy.optimize import brentq\n"
                 "gap = lambda r: (gmmlib.mvn_pdf([[162 + r, 57]], [162, 57], 20 * np.eye(2))[0]\n"
                 "                 - gmmlib.mvn_pdf([[162 + r, 57]], [162, 57], 10 * np.eye(2))[0])\n"
                 + _wider(r_equal="brentq(gap, 1, 20, xtol=1e-13)")),
]
