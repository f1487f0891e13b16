"""Answers to the exercises of lesson 10 (see tests/answers/__init__.py)."""

from . import Variant

LESSON = "10_beyond_gaussians"


def _estep(log_joint="np.log(weights) + log_p", finish="resp / resp.sum()"):
    """An answer to 10.1 in log space with one step changed."""
    return ("with np.errstate(divide='ignore'):\n"
            "    log_p = np.where(x == 1, np.log(means), np.log(1 - means)).sum(axis=1)\n"
            f"    log_joint = {log_joint}\n"
            "resp = np.exp(log_joint - log_joint.max())\n"
            f"return {finish}")


def _mstep(numerator="resp.T @ X + alpha", denominator="resp.sum(axis=0)[:, None] + 2 * alpha"):
    """An answer to 10.2."""
    return f"return ({numerator}) / ({denominator})"


def _more(rate="steps[-1] / steps[-2]", rounding="np.ceil", extra=""):
    """An answer to 10.3 in closed form: the smallest m with steps[-1] * rate**m < tol."""
    return ("steps = np.diff(lls)\n"
            f"rate = {rate}\n"
            "if steps[-1] < tol:\n"
            "    return 0\n"
            f"return int({rounding}(np.log(tol / steps[-1]) / np.log(rate))){extra}")


VARIANTS = [
    # --- 10.1 digit_responsibilities(x, weights, means) ---------------------------------------
    Variant("10-ex1-answer", "wrong", "without the weights", code=_estep(log_joint="log_p"),
            expect="weight pi_k"),
    Variant("10-ex1-answer", "wrong", "not normalised",
            code="return weights * np.prod(np.where(x == 1, means, 1 - means), axis=1)",
            expect="divide by their sum"),
    Variant("10-ex1-answer", "wrong", "log responsibilities",
            code=_estep(finish="log_joint - log_joint.max() - np.log(resp.sum())"),
            expect="logarithms of the responsibilities"),
    Variant("10-ex1-answer", "wrong", "x log mu + (1 - x) log(1 - mu): NaN at mu = 0",
            code="with np.errstate(divide='ignore', invalid='ignore'):\n"
                 "    log_p = (x * np.log(means) + (1 - x) * np.log(1 - means)).sum(axis=1)\n"
                 "log_joint = np.log(weights) + log_p\n"
                 "resp = np.exp(log_joint - log_joint.max())\n"
                 "return resp / resp.sum()",
            expect="0 \\* \\(-inf\\) = NaN"),
    Variant("10-ex1-answer", "copy", "gmmlib.bernoulli.e_step",
            code="params = gmmlib.bernoulli.BernoulliParams(weights, means)\n"
                 "return gmmlib.bernoulli.e_step(x[None, :], params)[0]",
            expect="gmmlib"),
    Variant("10-ex1-answer", "copy", "gmmlib's log_bernoulli aliased in a cell before",
            before="log_pixels = bernoulli.log_bernoulli",
            code="log_joint = np.log(weights) + log_pixels(x[None, :], means)[0]\n"
                 "resp = np.exp(log_joint - log_joint.max())\n"
                 "return resp / resp.sum()",
            expect="through the global name 'log_pixels'"),
    Variant("10-ex1-answer", "copy", "scipy.stats.bernoulli",
            code="from scipy.stats import bernoulli as coin\n"
                 "log_joint = np.log(weights) + coin.logpmf(x, means).sum(axis=1)\n"
                 "resp = np.exp(log_joint - log_joint.max())\n"
                 "return resp / resp.sum()",
            expect="scipy.stats"),
    Variant("10-ex1-answer", "copy", "gmmlib's e_step wrapped in a lambda in a cell before",
            before="es = lambda x, w, m: bernoulli.e_step(x[None, :], bernoulli.BernoulliParams(w, m))[0]",
            code="return es(x, weights, means)", expect="gmmlib"),
    Variant("10-ex1-answer", "copy", "scipy.stats.bernoulli through the lesson's own `stats`",
            code="log_joint = np.log(weights) + stats.bernoulli.logpmf(x, means).sum(axis=1)\n"
                 "resp = np.exp(log_joint - log_joint.max())\n"
                 "return resp / resp.sum()",
            expect="scipy.stats"),
    Variant("10-ex1-answer", "copy", "the lesson's responsibilities of image 839, reweighted",
            code="resp = summary['resp'][839] / best.params.weights * weights\n"
                 "return resp / resp.sum()",
            caught="hidden",
            why="r_k is proportional to pi_k p(x | mu_k), so reweighting the lesson's computed "
                "responsibilities of the check's image is right for that image; the hidden tests use "
                "other images and means"),
    Variant("10-ex1-answer", "correct", "linear space, product of probabilities",
            code="joint = weights * np.prod(np.where(x == 1, means, 1 - means), axis=1)\n"
                 "return joint / joint.sum()"),
    Variant("10-ex1-answer", "correct", "scipy.special.xlogy and logsumexp",
            code="from scipy.special import logsumexp, xlogy\n"
                 "with np.errstate(divide='ignore'):\n"
                 "    log_p = (xlogy(x, means) + xlogy(1 - x, 1 - means)).sum(axis=1)\n"
                 "log_joint = np.log(weights) + log_p\n"
                 "return np.exp(log_joint - logsumexp(log_joint))"),
    # --- 10.2 mean_images(X, resp, alpha) ---------------------------------------------------------
    Variant("10-ex2-answer", "wrong", "divided by N", code=_mstep(denominator="len(X) + 2 * alpha"),
            expect="not by N"),
    Variant("10-ex2-answer", "wrong", "alpha in the numerator only",
            code=_mstep(denominator="resp.sum(axis=0)[:, None]"),
            expect="add 2 alpha to the denominator too"),
    Variant("10-ex2-answer", "wrong", "alpha once in the denominator",
            code=_mstep(denominator="resp.sum(axis=0)[:, None] + alpha"), expect="not alpha"),
    Variant("10-ex2-answer", "wrong", "alpha ignored",
            code=_mstep(numerator="resp.T @ X", denominator="resp.sum(axis=0)[:, None]"),
            expect="maximum-likelihood update"),
    Variant("10-ex2-answer", "wrong", "resp not transposed",
            code="return (X.T @ resp + alpha) / (resp.sum(axis=0) + 2 * alpha)",
            expect="expected shape \\(4, 64\\)"),
    Variant("10-ex2-answer", "copy", "gmmlib.bernoulli.m_step",
            code="return gmmlib.bernoulli.m_step(X, resp, alpha=alpha).means", expect="gmmlib"),
    Variant("10-ex2-answer", "copy", "m_step imported under another name in a cell before",
            before="from gmmlib.bernoulli import m_step as update",
            code="return update(X, resp, alpha).means", expect="gmmlib\\.bernoulli\\.m_step"),
    Variant("10-ex2-answer", "correct", "a loop over the components",
            code="K = resp.shape[1]\n"
                 "return np.array([(resp[:, k] @ X + alpha) / (resp[:, k].sum() + 2 * alpha)\n"
                 "                 for k in range(K)])"),
    Variant("10-ex2-answer", "correct", "einsum",
            code="counts = np.einsum('nk,nd->kd', resp, X)\n"
                 "return (counts + alpha) / (np.einsum('nk->k', resp)[:, None] + 2 * alpha)"),
    # --- 10.3 more_iterations(lls, tol) -------------------------------------------------------------
    Variant("10-ex3-answer", "wrong", "rounded down", code=_more(rounding="np.floor"), expect="One short"),
    Variant("10-ex3-answer", "wrong", "one too many", code=_more(extra=" + 1"), expect="One too many"),
    Variant("10-ex3-answer", "wrong", "ratio of log-likelihoods", code=_more(rate="lls[-1] / lls[-2]"),
            expect="not of the\\s+log-likelihoods"),
    Variant("10-ex3-answer", "wrong", "rate from the first two improvements",
            code=_more(rate="steps[1] / steps[0]"),
            expect="have not settled"),
    Variant("10-ex3-answer", "wrong", "the whole run T + m", code=_more(extra=" + len(lls) - 1"),
            expect="T \\+ m"),
    Variant("10-ex3-answer", "copy", "the real count read off the lesson's sweep",
            code="return int(sweep['iterations'][1]) - (len(lls) - 1)", expect="read off the sweep"),
    Variant("10-ex3-answer", "copy", "gmmlib's improvement_ratios",
            code="from gmmlib.examples.beyond import improvement_ratios\n"
                 + _more(rate="improvement_ratios(lls)[-1]"),
            expect="gmmlib"),
    Variant("10-ex3-answer", "correct", "closed form, rounded up", code=_more()),
    Variant("10-ex3-answer", "correct", "a loop on the predicted improvements",
            code="step, previous = lls[-1] - lls[-2], lls[-2] - lls[-3]\n"
                 "rate, m = step / previous, 0\n"
                 "while step >= tol:\n"
                 "    step, m = step * rate, m + 1\n"
                 "return m"),
]
