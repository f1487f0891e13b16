"""Answers to the exercises of lesson 05 (see tests/answers/__init__.py)."""

from . import Variant

LESSON = "05_em_loop"


def _step(log_density="-0.5 * np.log(2 * np.pi * variances) - (x[:, None] - means) ** 2 / (2 * variances)",
          log_joint="np.log(weights) + log_density",
          normalise="log_joint - logsumexp(log_joint, axis=1, keepdims=True)",
          weights_out="nk / len(x)", centre="new_means"):
    """An answer to 5.1 with one step changed (log space, scipy.special.logsumexp)."""
    return ("from scipy.special import logsumexp\n"
            f"log_density = {log_density}\n"
            f"log_joint = {log_joint}\n"
            f"resp = np.exp({normalise})\n"
            "nk = resp.sum(axis=0)\n"
            "new_means = resp.T @ x / nk\n"
            f"new_variances = np.sum(resp * (x[:, None] - {centre}) ** 2, axis=0) / nk\n"
            f"return {weights_out}, new_means, new_variances")


def _linear(epsilon=""):
    """An answer to 5.1 in linear space (densities, then their ratio)."""
    return ("dens = np.exp(-(x[:, None] - means) ** 2 / (2 * variances)) / np.sqrt(2 * np.pi * variances)\n"
            f"joint = weights * dens{epsilon}\n"
            "resp = joint / joint.sum(axis=1, keepdims=True)\n"
            "nk = resp.sum(axis=0)\n"
            "new_means = resp.T @ x / nk\n"
            "return nk / len(x), new_means, np.sum(resp * (x[:, None] - new_means) ** 2, axis=0) / nk")


def _loop(rule="lls[-1] - lls[-2] < tol", first="[gmmlib.log_likelihood(X, params)]", keep="params"):
    """An answer to 5.2 with its stopping rule (or its bookkeeping) changed."""
    return (f"lls = {first}\n"
            "for _ in range(max_iter):\n"
            "    old = params\n"
            "    params = gmmlib.m_step(X, gmmlib.e_step(X, params))\n"
            f"    lls.append(gmmlib.log_likelihood(X, {keep}))\n"
            f"    if {rule}:\n"
            "        break\n"
            "return lls")


def _peak(expr):
    """An answer to 5.3."""
    return f"return {expr}"



VARIANTS = [
    # --- 5.1 em_step_1d(x, weights, means, variances) ----------------------------------------
    Variant("05-ex1-answer", "wrong", "variances around the old means", code=_step(centre="means"),
            expect="around the old means"),
    Variant("05-ex1-answer", "wrong", "weights not divided by n", code=_step(weights_out="nk"),
            expect="divide the effective counts"),
    Variant("05-ex1-answer", "wrong", "E-step without the weights", code=_step(log_joint="log_density"),
            expect="weights pi_c"),
    Variant("05-ex1-answer", "wrong", "normalised over the samples (columns)",
            code=_step(normalise="log_joint - logsumexp(log_joint, axis=0, keepdims=True)"),
            expect="each sample's responsibilities .*sum to 1"),
    Variant("05-ex1-answer", "wrong", "variances used as standard deviations",
            code=_step(log_density="-0.5 * np.log(2 * np.pi * variances**2) - (x[:, None] - means) ** 2"
                                   " / (2 * variances**2)"),
            expect="variances, not standard deviations"),
    Variant("05-ex1-answer", "wrong", "linear space: 0 / 0 at the glitch", code=_linear(),
            expect="underflow to 0 in linear space"),
    Variant("05-ex1-answer", "wrong", "linear space with a tiny epsilon", code=_linear(" + 1e-300"),
            expect="glitch at x = 100 was split"),
    Variant("05-ex1-answer", "copy", "gmmlib's E- and M-step",
            code="params = gmmlib.GMMParams(weights, means[:, None], variances[:, None, None])\n"
                 "new = gmmlib.m_step(x[:, None], gmmlib.e_step(x[:, None], params))\n"
                 "return new.weights, new.means[:, 0], new.covariances[:, 0, 0]",
            expect="expected your own implementation, but it uses gmmlib"),
    Variant("05-ex1-answer", "copy", "gmmlib's E-step aliased in a cell before",
            before="responsibilities = gmmlib.e_step",
            code="resp = responsibilities(x[:, None], gmmlib.GMMParams(weights, means[:, None], "
                 "variances[:, None, None]))\n"
                 "nk = resp.sum(axis=0)\nnew_means = resp.T @ x / nk\n"
                 "return nk / len(x), new_means, np.sum(resp * (x[:, None] - new_means) ** 2, axis=0) / nk",
            expect=r"gmmlib\.core\.e_step \(through the global name 'responsibilities'"),
    Variant("05-ex1-answer", "copy", "scipy.stats for the density",
            code="from scipy.stats import norm\n"
                 + _step(log_density="norm.logpdf(x[:, None], means, np.sqrt(variances))"),
            expect="scipy.stats"),
    Variant("05-ex1-answer", "correct", "loop over the components, max shift by hand",
            code="K = len(weights)\n"
                 "log_joint = np.column_stack([\n"
                 "    np.log(weights[c]) - 0.5 * np.log(2 * np.pi * variances[c])\n"
                 "    - (x - means[c]) ** 2 / (2 * variances[c]) for c in range(K)])\n"
                 "shift = log_joint.max(axis=1, keepdims=True)\n"
                 "resp = np.exp(log_joint - shift)\n"
                 "resp /= resp.sum(axis=1, keepdims=True)\n"
                 "nk = resp.sum(axis=0)\n"
                 "new_means = np.array([resp[:, c] @ x / nk[c] for c in range(K)])\n"
                 "new_variances = np.array([resp[:, c] @ (x - new_means[c]) ** 2 / nk[c]\n"
                 "                          for c in range(K)])\n"
                 "return nk / nk.sum(), new_means, new_variances"),
    Variant("05-ex1-answer", "correct", "scipy.special.logsumexp", code=_step()),
    Variant("05-ex1-answer", "correct", "variance as E[x^2] - mean^2",
            code=_step(centre="new_means").replace(
                "new_variances = np.sum(resp * (x[:, None] - new_means) ** 2, axis=0) / nk",
                "new_variances = resp.T @ x**2 / nk - new_means**2")),
    # --- 5.2 em_until(X, params, tol, max_iter=100) --------------------------------------------
    Variant("05-ex2-answer", "wrong", "change with the wrong sign",
            code=_loop(rule="lls[-2] - lls[-1] < tol"),
            expect="rises, so lls\\[-1\\] - lls\\[-2\\] is positive"),
    Variant("05-ex2-answer", "wrong", "parameters instead of the log-likelihood",
            code=_loop(rule="np.max(np.abs(params.means - old.means)) < tol"),
            expect="means stopped changing"),
    Variant("05-ex2-answer", "wrong", "log p(X | theta0) left out", code=_loop(first="[]",
            rule="len(lls) > 1 and lls[-1] - lls[-2] < tol"),
            expect="the first value, log p\\(X \\| theta\\^\\(0\\)\\): expected"),
    Variant("05-ex2-answer", "wrong", "log-likelihood of the old parameters", code=_loop(keep="old"),
            expect="new parameters"),
    Variant("05-ex2-answer", "wrong", "relative change",
            code=_loop(rule="(lls[-1] - lls[-2]) / abs(lls[-1]) < tol"),
            expect="relative change"),
    Variant("05-ex2-answer", "copy", "gmmlib.em",
            code="return gmmlib.em(X, params, max_iter=max_iter, tol=tol).log_likelihoods",
            expect=r"gmmlib\.core\.em, which the exercise does not allow"),
    Variant("05-ex2-answer", "copy", "gmmlib.em imported under another name in a cell before",
            before="from gmmlib.core import em as fit",
            code="return list(fit(X, params, max_iter=max_iter, tol=tol).log_likelihoods)",
            expect=r"gmmlib\.core\.em"),
    Variant("05-ex2-answer", "copy", "scikit-learn's GaussianMixture",
            code="from sklearn.mixture import GaussianMixture\n"
                 "gm = GaussianMixture(2, tol=tol / len(X), max_iter=max_iter, weights_init=params.weights,\n"
                 "                     means_init=params.means,\n"
                 "                     precisions_init=np.linalg.inv(params.covariances)).fit(X)\n"
                 "return [gm.score(X) * len(X)]",
            expect="sklearn"),
    Variant("05-ex2-answer", "correct", "absolute change, as the lesson's loop",
            code=_loop(rule="abs(lls[-1] - lls[-2]) < tol")),
    Variant("05-ex2-answer", "correct", "while loop",
            code="lls = [gmmlib.log_likelihood(X, params)]\n"
                 "while len(lls) <= max_iter:\n"
                 "    resp = gmmlib.e_step(X, params)\n"
                 "    params = gmmlib.m_step(X, resp)\n"
                 "    lls.append(gmmlib.log_likelihood(X, params))\n"
                 "    if lls[-1] - lls[-2] < tol:\n"
                 "        break\n"
                 "return lls"),
    # --- 5.3 log_peak(s, d) ---------------------------------------------------------------------
    Variant("05-ex3-answer", "wrong", "the seed's 2 pi^(d/2)",
            code=_peak("-sp.log(2 * sp.pi ** (d / 2) * s**d)"), expect="the seed's slip"),
    Variant("05-ex3-answer", "wrong", "covariance s I instead of s^2 I",
            code=_peak("-d / 2 * sp.log(2 * sp.pi) - d / 2 * sp.log(s)"), expect="s\\^2 I"),
    Variant("05-ex3-answer", "wrong", "determinant without the square root",
            code=_peak("-d / 2 * sp.log(2 * sp.pi) - 2 * d * sp.log(s)"), expect="square root"),
    Variant("05-ex3-answer", "wrong", "sign error", code=_peak("d / 2 * sp.log(2 * sp.pi) + d * sp.log(s)"),
            expect="sign"),
    Variant("05-ex3-answer", "wrong", "the d = 2 answer for every d",
            code=_peak("-sp.log(2 * sp.pi) - 2 * sp.log(s)"), expect="only for d = 2"),
    Variant("05-ex3-answer", "copy", "sympy.stats",
            code="from sympy.stats import Normal, density\n"
                 "z = sp.Symbol('z')\n"
                 "return d * sp.log(density(Normal('Z', 0, s))(z).subs(z, 0))",
            expect="sympy.stats"),
    Variant("05-ex3-answer", "copy", "the library's normaliser",
            code="from gmmlib import symbolic\n"
                 "return -sp.log(symbolic.normaliser(s**2 * sp.eye(2), d=d))",
            expect="uses gmmlib"),
    Variant("05-ex3-answer", "correct", "from the density, simplified",
            code="density = 1 / ((2 * sp.pi) ** (d / 2) * sp.sqrt((s**2) ** d))\n"
                 "return sp.expand_log(sp.log(density), force=True)"),
    Variant("05-ex3-answer", "correct", "log of the normaliser, unexpanded",
            code=_peak("-sp.log((2 * sp.pi * s**2) ** (d / 2))")),
]
