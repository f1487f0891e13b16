"""Answers to the exercises of lesson 04 (see tests/answers/__init__.py)."""

from . import Variant

LESSON = "04_m_step"


def _map(exponent="m + alpha - 1"):
    """An answer to 4.1 by the Lagrangian, with the prior's exponent ``exponent``."""
    return (f"L = sum(({exponent}) * sp.log(p_) for m, p_ in zip(counts, pis)) + lam * (1 - sum(pis))\n"
            "solution = sp.solve([sp.diff(L, v) for v in (*pis, lam)], [*pis, lam], dict=True)[0]\n"
            "return [solution[p_] for p_ in pis]")


def _m_step(weights="nk / len(x)", means="resp.T @ x / nk", variances="/ nk"):
    """An answer to 4.2 with one formula changed."""
    return ("nk = resp.sum(axis=0)\n"
            f"means = {means}\n"
            f"variances = np.sum(resp * (x[:, None] - means) ** 2, axis=0) {variances}\n"
            f"return nk, {weights}, means, variances")


def _shift(first="resp", second="np.round(resp)", divide="r.sum(axis=0)[:, None]", sign=""):
    """An answer to 4.3 with one step changed."""
    return (f"means = lambda r: r.T @ X / {divide}\n"
            f"return 'below', {sign}(means({first}) - means({second}))")


VARIANTS = [
    # --- 4.1 map_weights(counts, alpha) ---------------------------------------------------------
    Variant("04-ex1-answer", "wrong", "alpha instead of alpha - 1", code=_map("m + alpha"),
            expect="not alpha"),
    Variant("04-ex1-answer", "wrong", "the prior left out", code=_map("m"), expect="without the prior"),
    Variant("04-ex1-answer", "wrong", "normalised by n",
            code="return [(m + alpha - 1) / sum(counts) for m in counts]",
            expect="do not sum to 1"),
    Variant("04-ex1-answer", "wrong", "alpha - 1 added to the total once",
            code="return [(m + alpha - 1) / (sum(counts) + alpha - 1) for m in counts]",
            expect="Each of the K components"),
    Variant("04-ex1-answer", "copy", "symbolic.derive_weights on the shifted counts",
            code="solution = symbolic.derive_weights([m + alpha - 1 for m in counts])\n"
                 "return list(solution.values())[:len(counts)]",
            expect="uses symbolic"),
    Variant("04-ex1-answer", "copy", "symbolic.derive_weights imported under another name",
            before="from gmmlib.symbolic import derive_weights as lagrange",
            code="return list(lagrange([m + alpha - 1 for m in counts]).values())[:len(counts)]",
            expect=r"gmmlib\.symbolic\.derive_weights"),
    Variant("04-ex1-answer", "correct", "by hand: lambda from the constraint",
            code="total = sum(m + alpha - 1 for m in counts)  # lambda: sum the stationarity conditions\n"
                 "return [(m + alpha - 1) / total for m in counts]"),
    Variant("04-ex1-answer", "correct", "solve for pi_c(lambda), then lambda",
            code="L = sum((m + alpha - 1) * sp.log(p_) for m, p_ in zip(counts, pis))\n"
                 "L = L + lam * (1 - sum(pis))\n"
                 "each = [sp.solve(sp.diff(L, p_), p_)[0] for p_ in pis]\n"
                 "lam_value = sp.solve(sum(each) - 1, lam)[0]\n"
                 "return [sp.simplify(e.subs(lam, lam_value)) for e in each]"),
    # --- 4.2 m_step_1d(x, resp) -----------------------------------------------------------------
    Variant("04-ex2-answer", "wrong", "weights not divided by n", code=_m_step(weights="nk"),
            expect="divide them by n"),
    Variant("04-ex2-answer", "wrong", "unbiased variance (m_c - 1)", code=_m_step(variances="/ (nk - 1)"),
            expect="divides by m_c"),
    Variant("04-ex2-answer", "wrong", "means divided by n", code=_m_step(means="resp.T @ x / len(x)"),
            expect="own count, not by n"),
    Variant("04-ex2-answer", "wrong", "variances divided by n", code=_m_step(variances="/ len(x)"),
            expect="own count, not by n"),
    Variant("04-ex2-answer", "wrong", "standard deviations",
            code=_m_step().replace("means, variances", "means, np.sqrt(variances)"),
            expect="standard deviations"),
    Variant("04-ex2-answer", "wrong", "counts summed over the components (rows)",
            code="nk = resp.sum(axis=1)\nreturn nk, nk / len(x), x * nk, 0 * x",
            expect="expected shape \\(2,\\)"),
    Variant("04-ex2-answer", "copy", "gmmlib.m_step",
            code="p = gmmlib.m_step(x[:, None], resp)\n"
                 "return resp.sum(axis=0), p.weights, p.means[:, 0], p.covariances[:, 0, 0]",
            expect="uses gmmlib"),
    Variant("04-ex2-answer", "copy", "gmmlib.m_step aliased in a cell before",
            before="update = gmmlib.m_step",
            code="p = update(x[:, None], resp)\n"
                 "return resp.sum(axis=0), p.weights, p.means[:, 0], p.covariances[:, 0, 0]",
            expect=r"\(through the global name 'update'"),
    Variant("04-ex2-answer", "correct", "np.average per component",
            code="K = resp.shape[1]\n"
                 "nk = np.array([resp[:, c].sum() for c in range(K)])\n"
                 "means = np.array([np.average(x, weights=resp[:, c]) for c in range(K)])\n"
                 "variances = np.array([np.average((x - means[c]) ** 2, weights=resp[:, c])\n"
                 "                      for c in range(K)])\n"
                 "return nk, nk / nk.sum(), means, variances"),
    Variant("04-ex2-answer", "correct", "variance as E[x^2] - mean^2",
            code="nk = resp.sum(axis=0)\nmeans = resp.T @ x / nk\n"
                 "return nk, nk / len(x), means, resp.T @ x**2 / nk - means**2"),
    # --- 4.3 rounding_effect(X, resp) -----------------------------------------------------------
    Variant("04-ex3-answer", "wrong", "rounded minus exact", code=_shift(sign="-"),
            expect="sign is reversed"),
    Variant("04-ex3-answer", "wrong", "exact responsibilities twice", code=_shift(second="resp"),
            expect="No shift at all"),
    Variant("04-ex3-answer", "wrong", "divided by n", code=_shift(divide="len(X)"), expect="not by n"),
    Variant("04-ex3-answer", "wrong", "right shift, wrong prediction",
            code="means = lambda r: r.T @ X / r.sum(axis=0)[:, None]\n"
                 "return 'above', means(resp) - means(np.round(resp))",
            caught="hidden", why="the prediction is graded only by the hidden tests: a visible check of it "
                                 "would give the answer away"),
    Variant("04-ex3-answer", "copy", "gmmlib.m_step for both sets of means",
            code="return 'below', gmmlib.m_step(X, resp).means - gmmlib.m_step(X, np.round(resp)).means",
            expect="uses gmmlib"),
    Variant("04-ex3-answer", "copy", "the lesson's params1 for the exact means",
            code="r0 = np.round(resp)\n"
                 "return 'below', params1.means - r0.T @ X / r0.sum(axis=0)[:, None]",
            expect="data in other units, 2 X"),
    Variant("04-ex3-answer", "correct", "deviations from the rounded means",
            code="out = []\n"
                 "for c in range(resp.shape[1]):\n"
                 "    r, r0 = resp[:, c], np.round(resp[:, c])\n"
                 "    mu0 = r0 @ X / r0.sum()\n"
                 "    out.append(r @ (X - mu0) / r.sum())\n"
                 "return 'below', np.array(out)"),
]
