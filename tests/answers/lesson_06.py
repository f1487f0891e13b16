"""Answers to the exercises of lesson 06 (see tests/answers/__init__.py)."""

from . import Variant

LESSON = "06_why_em_works"


def _bound(elbo="q_term + entropy", kl="np.sum(xlogy(q, q) - xlogy(q, post))",
           entropy="-np.sum(xlogy(q, q))"):
    """An answer to 6.1 with one part changed (scipy.special.xlogy: 0 log 0 = 0)."""
    return ("from scipy.special import xlogy\n"
            "log_joint = gmmlib.weighted_log_prob(X, params)\n"
            "post = gmmlib.e_step(X, params)\n"
            "q_term = np.sum(np.where(q > 0, q * log_joint, 0.0))\n"
            f"entropy = {entropy}\n"
            f"return {elbo}, {kl}")


def _maximiser(objective="q1 * sp.log(a / q1) + q2 * sp.log(b / q2) + q3 * sp.log(c / q3)", evaluate=None):
    """An answer to 6.2: the ELBO with q3 = 1 - q1 - q2, its stationary point, its value there."""
    evaluate = evaluate or "objective"
    return ("q1, q2 = sp.symbols('q_1 q_2', positive=True)\n"
            "q3 = 1 - q1 - q2\n"
            f"objective = {objective}\n"
            "sol = sp.solve([sp.diff(objective, q1), sp.diff(objective, q2)], [q1, q2], dict=True)[0]\n"
            "q_star = [sol[q1], sol[q2], sp.simplify(q3.subs(sol))]\n"
            f"return q_star, sp.simplify(sp.expand_log(({evaluate}).subs(sol), force=True))")


def _sigma(gap="np.sum((x_C - means[1]) ** 2) - np.sum((x_C - means[0]) ** 2)",
           result="np.sqrt(gap / (2 * np.log(p / (1 - p))))", person="2"):
    """An answer to 6.3 by the closed form."""
    return f"x_C = X_noisy[{person}]\ngap = {gap}\nreturn {result}"


HARD_CODED = ("The number was obtained elsewhere (a classmate, a grid search in another notebook) and "
              "typed in for the p the visible check uses; only the hidden tests, at other p, see "
              "that the function does not compute anything.")

VARIANTS = [
    # --- 6.1 bound_and_gap(X, q, params) -----------------------------------------------------
    Variant("06-ex1-answer", "wrong", "entropy forgotten", code=_bound(elbo="q_term"),
            expect="Q alone"),
    Variant("06-ex1-answer", "wrong", "entropy with the wrong sign", code=_bound(elbo="q_term - entropy"),
            expect="sign of the entropy"),
    Variant("06-ex1-answer", "wrong", "0 log 0 as NaN",
            code=_bound(entropy="-np.sum(q * np.log(q))", kl="np.sum(q * np.log(q / post))"),
            expect="0 log 0"),
    Variant("06-ex1-answer", "wrong", "KL in the wrong direction",
            code=_bound(kl="np.sum(post * np.log(post / q))"), expect="KL\\(p \\|\\| q\\)"),
    Variant("06-ex1-answer", "wrong", "KL to the prior weights",
            code=_bound(kl="np.sum(xlogy(q, q) - xlogy(q, params.weights))"), expect="prior"),
    Variant("06-ex1-answer", "wrong", "gap with the wrong sign",
            code=_bound(kl="q_term + entropy - gmmlib.log_likelihood(X, params)"), expect="negative"),
    Variant("06-ex1-answer", "copy", "gmmlib.elbo",
            code="return (gmmlib.elbo.elbo(X, q, params),\n"
                 "        gmmlib.elbo.kl_divergence(q, gmmlib.e_step(X, params)))",
            expect="uses gmmlib.elbo"),
    Variant("06-ex1-answer", "copy", "the library's KL imported under another name in a cell before",
            before="from gmmlib.elbo import kl_divergence as divergence",
            code="post = gmmlib.e_step(X, params)\n"
                 "return gmmlib.log_likelihood(X, params) - divergence(q, post), divergence(q, post)",
            expect=r"gmmlib\.elbo\.kl_divergence \(through the global name 'divergence'"),
    Variant("06-ex1-answer", "correct", "scipy.special.xlogy", code=_bound()),
    Variant("06-ex1-answer", "correct", "the gap as log p - ELBO",
            code=_bound(kl="gmmlib.log_likelihood(X, params) - (q_term + entropy)")),
    Variant("06-ex1-answer", "correct", "one sum over the nonzero entries",
            code="log_joint = gmmlib.weighted_log_prob(X, params)\n"
                 "log_post = np.log(gmmlib.e_step(X, params))\n"
                 "nz = q > 0\n"
                 "elbo = np.sum(q[nz] * (log_joint[nz] - np.log(q[nz])))\n"
                 "return elbo, np.sum(q[nz] * (np.log(q[nz]) - log_post[nz]))"),
    # --- 6.2 elbo_maximiser(a, b, c) ---------------------------------------------------------------
    Variant("06-ex2-answer", "wrong", "no constraint: each q_c on its own",
            code="q = sp.Symbol('q', positive=True)\n"
                 "stationary = [sp.solve(sp.diff(q * sp.log(v / q), q), q)[0] for v in (a, b, c)]\n"
                 "return stationary, sum(s * sp.log(v / s) for s, v in zip(stationary, (a, b, c)))",
            expect="constraint"),
    Variant("06-ex2-answer", "wrong", "sign error: q log(q / a)",
            code=_maximiser(objective="q1 * sp.log(q1 / a) + q2 * sp.log(q2 / b) + q3 * sp.log(q3 / c)"),
            expect="minus the ELBO"),
    Variant("06-ex2-answer", "wrong", "entropy forgotten in the value",
            code=_maximiser(evaluate="q1 * sp.log(a) + q2 * sp.log(b) + q3 * sp.log(c)"),
            expect="entropy"),
    Variant("06-ex2-answer", "copy", "the library's posterior",
            code="from gmmlib import symbolic\n"
                 "terms = symbolic.elbo_terms(3)\n"
                 "named = {terms['pi'][k] * terms['N'][0, k]: v for k, v in enumerate((a, b, c))}\n"
                 "q_star = [terms['posterior'][0, k].subs(named) for k in range(3)]\n"
                 "return q_star, sp.log(a + b + c)",
            expect="uses gmmlib"),
    Variant("06-ex2-answer", "correct", "Lagrange multiplier",
            code="q1, q2, q3, lam = sp.symbols('q_1 q_2 q_3 lambda', positive=True)\n"
                 "objective = sum(q_ * sp.log(v / q_) for q_, v in ((q1, a), (q2, b), (q3, c)))\n"
                 "lagrangian = objective + lam * (1 - q1 - q2 - q3)\n"
                 "sol = sp.solve([sp.diff(lagrangian, v) for v in (q1, q2, q3, lam)], [q1, q2, q3, lam],\n"
                 "               dict=True)[0]\n"
                 "value = sp.simplify(sp.expand_log(objective.subs(sol), force=True))\n"
                 "return [sol[q1], sol[q2], sol[q3]], value"),
    Variant("06-ex2-answer", "correct", "the posterior written down, checked by the derivative",
            code="total = a + b + c\n"
                 "q_star = [a / total, b / total, c / total]\n"
                 "return q_star, sum(s * sp.log(v / s) for s, v in zip(q_star, (a, b, c)))"),
    # --- 6.3 sigma_at(p) -------------------------------------------------------------------------------
    Variant("06-ex3-answer", "wrong", "sigma squared",
            code=_sigma(result="gap / (2 * np.log(p / (1 - p)))"),
            expect="sigma\\^2"),
    Variant("06-ex3-answer", "wrong", "factor 2 forgotten",
            code=_sigma(result="np.sqrt(gap / np.log(p / (1 - p)))"),
            expect="2 sigma\\^2"),
    Variant("06-ex3-answer", "wrong", "distances not squared",
            code=_sigma(gap="np.linalg.norm(x_C - means[1]) - np.linalg.norm(x_C - means[0])"),
            expect="squared distances"),
    Variant("06-ex3-answer", "wrong", "log base 10",
            code=_sigma(result="np.sqrt(gap / (2 * np.log10(p / (1 - p))))"),
            expect="natural logarithm"),
    Variant("06-ex3-answer", "wrong", "person B instead of C", code=_sigma(person="1"), expect="row 2"),
    Variant("06-ex3-answer", "copy", "the number typed in", code="return 4.705427", caught="hidden",
            why=HARD_CODED),
    Variant("06-ex3-answer", "correct", "root of the E-step's responsibility",
            code="from scipy.optimize import brentq\n"
                 "r_C = lambda s: gmmlib.e_step(X_noisy, round_params(s))[2, 0] - p\n"
                 "return brentq(r_C, 0.1, 100, xtol=1e-12)"),
    Variant("06-ex3-answer", "correct", "log-odds as a difference of logs",
            code=_sigma(result="np.sqrt(gap / 2 / (np.log(p) - np.log1p(-p)))")),
]
