"""Answers to the exercises of lesson 07 (see tests/answers/__init__.py)."""

from . import Variant

LESSON = "07_old_faithful"


def _criteria(log_lik="gm.score(X) * n", weights="K - 1", covariance="per_covariance[gm.covariance_type]",
              log="np.log", bic_sign="-2", aic_penalty="2 * p", order="bic, aic"):
    """An answer to 7.1 with one step changed."""
    return ("n, d = X.shape\n"
            "K = gm.n_components\n"
            "per_covariance = {'full': K * d * (d + 1) // 2, 'tied': d * (d + 1) // 2,\n"
            "                  'diag': K * d, 'spherical': K}\n"
            f"p = ({weights}) + K * d + {covariance}\n"
            f"log_lik = {log_lik}\n"
            f"bic = {bic_sign} * log_lik + p * {log}(n)\n"
            f"aic = {bic_sign} * log_lik + {aic_penalty}\n"
            f"return {order}")


def _entropy(expr):
    """An answer to 7.2."""
    return f"return {expr}"


def _jitter(body):
    """An answer to 7.3."""
    return body


VARIANTS = [
    # --- 7.1 bic_aic_by_hand(gm, X) ------------------------------------------------------------
    Variant("07-ex1-answer", "wrong", "mean log-likelihood taken as log L",
            code=_criteria(log_lik="gm.score(X)"),
            expect="MEAN log-likelihood per sample"),
    Variant("07-ex1-answer", "wrong", "AIC in place of BIC", code=_criteria(order="aic, bic"),
            expect="These are the AIC values"),
    Variant("07-ex1-answer", "wrong", "log10 n", code=_criteria(log="np.log10"), expect="natural logarithm"),
    Variant("07-ex1-answer", "wrong", "full covariances counted for every type",
            code=_criteria(covariance="per_covariance['full']"), expect="Only the full row is right"),
    Variant("07-ex1-answer", "wrong", "K free weights", code=_criteria(weights="K"), expect="only K - 1"),
    Variant("07-ex1-answer", "wrong", "plus twice the log-likelihood", code=_criteria(bic_sign="2"),
            expect="minus twice the log-likelihood"),
    Variant("07-ex1-answer", "wrong", "AIC penalty p", code=_criteria(aic_penalty="p"),
            expect="AIC's penalty is 2 per parameter"),
    Variant("07-ex1-answer", "copy", "gm.bic and gm.aic", code="return gm.bic(X), gm.aic(X)",
            expect=r"gmmlib\.mixture\.GaussianMixture\.bic, which the exercise does not allow"),
    Variant("07-ex1-answer", "copy", "the estimator's parameter count",
            code="n = len(X)\nlog_lik = gm.score(X) * n\np = gm._n_parameters()\n"
                 "return -2 * log_lik + p * np.log(n), -2 * log_lik + 2 * p",
            expect=r"GaussianMixture\._n_parameters"),
    Variant("07-ex1-answer", "copy", "gm.bic aliased in a cell before",
            before="criterion = gmmlib.GaussianMixture.bic",
            code="n = len(X)\nb = criterion(gm, X)\n"
                 "return b, b - gm._n_parameters() * (np.log(n) - 2)",
            expect=r"GaussianMixture\.bic"),
    Variant("07-ex1-answer", "copy", "gmmlib.selection's grid",
            code="from gmmlib.selection import information_criteria_table\n"
                 "t = information_criteria_table(X, [gm.n_components], [gm.covariance_type])\n"
                 "return t['bic'][0], t['aic'][0]",
            expect=r"gmmlib\.selection"),
    Variant("07-ex1-answer", "copy", "scikit-learn refit",
            code="from sklearn.mixture import GaussianMixture\n"
                 "sk = GaussianMixture(gm.n_components, covariance_type=gm.covariance_type,\n"
                 "                     random_state=0).fit(X)\n"
                 "return sk.bic(X), sk.aic(X)",
            expect="sklearn"),
    Variant("07-ex1-answer", "correct", "counts from the fitted arrays, score_samples",
            code="n, d = X.shape\n"
                 "cov = gm.covariances_\n"
                 "if gm.covariance_type in ('full', 'tied'):\n"
                 "    n_cov = cov.size // (d * d) * d * (d + 1) // 2\n"
                 "else:\n"
                 "    n_cov = cov.size\n"
                 "p = gm.weights_.size - 1 + gm.means_.size + n_cov\n"
                 "log_lik = gm.score_samples(X).sum()\n"
                 "return 2 * (p * np.log(n) / 2 - log_lik), 2 * (p - log_lik)"),
    Variant("07-ex1-answer", "correct", "if/elif chain",
            code="n, d = X.shape\n"
                 "K = gm.n_components\n"
                 "if gm.covariance_type == 'full':\n"
                 "    cov = K * (d * d + d) / 2\n"
                 "elif gm.covariance_type == 'tied':\n"
                 "    cov = (d * d + d) / 2\n"
                 "elif gm.covariance_type == 'diag':\n"
                 "    cov = K * d\n"
                 "else:\n"
                 "    cov = K\n"
                 "p = K * (1 + d) - 1 + cov\n"
                 "minus_2_log_l = -2 * len(X) * gm.score(X)\n"
                 "return minus_2_log_l + np.log(len(X)) * p, minus_2_log_l + 2 * p"),
    # --- 7.2 point_entropy(resp) -----------------------------------------------------------------
    Variant("07-ex2-answer", "wrong", "0 log 0 left as nan",
            code=_entropy("-np.sum(resp * np.log(resp), axis=1)"),
            expect="0 log 0 = 0"),
    Variant("07-ex2-answer", "wrong", "log base 2",
            code=_entropy("-np.sum(resp * np.log2(np.where(resp > 0, resp, 1.0)), axis=1)"),
            expect="entropy in bits"),
    Variant("07-ex2-answer", "wrong", "sign error",
            code=_entropy("np.sum(resp * np.log(np.where(resp > 0, resp, 1.0)), axis=1)"),
            expect="never negative"),
    Variant("07-ex2-answer", "wrong", "summed over the points (axis 0)",
            code=_entropy("-np.sum(resp * np.log(np.where(resp > 0, resp, 1.0)), axis=0)"),
            expect=r"expected shape \(4,\)"),
    Variant("07-ex2-answer", "wrong", "the uncertainty 1 - max r", code=_entropy("1 - resp.max(axis=1)"),
            expect="uncertainty 1 - max_c r_ic"),
    Variant("07-ex2-answer", "copy", "scipy.stats.entropy",
            code="from scipy.stats import entropy\nreturn entropy(resp, axis=1)", expect="scipy.stats"),
    Variant("07-ex2-answer", "copy", "gmmlib's xlogy",
            code=_entropy("-gmmlib.elbo._xlogy(resp, resp).sum(axis=1)"),
            expect="uses gmmlib"),
    Variant("07-ex2-answer", "correct", "scipy.special.xlogy",
            code="from scipy.special import xlogy\nreturn -xlogy(resp, resp).sum(axis=1)"),
    Variant("07-ex2-answer", "correct", "row by row, skipping zeros",
            code="return np.array([-sum(r * np.log(r) for r in row if r > 0) for row in resp])"),
    # --- 7.3 jitter_waiting(X, rng) -----------------------------------------------------------
    Variant("07-ex3-answer", "wrong", "X changed in place",
            code=_jitter("X[:, 1] += rng.uniform(-0.5, 0.5, size=len(X))\nreturn X"),
            expect="X itself changed"),
    Variant("07-ex3-answer", "wrong", "both columns jittered",
            code=_jitter("return X + rng.uniform(-0.5, 0.5, size=np.shape(X))"),
            expect="durations changed too"),
    Variant("07-ex3-answer", "wrong", "noise in [0, 1)",
            code=_jitter("J = np.array(X, dtype=float)\nJ[:, 1] += rng.uniform(0, 1, size=len(J))\nreturn J"),
            expect=r"uniform in \[0, 1\)"),
    Variant("07-ex3-answer", "wrong", "numpy's global generator, not rng",
            code=_jitter("J = np.array(X, dtype=float)\n"
                         "J[:, 1] += np.random.uniform(-0.5, 0.5, size=len(J))\nreturn J"),
            expect="not the expected value"),
    Variant("07-ex3-answer", "copy", "the check's seed hard-coded",
            code=_jitter("J = np.array(X, dtype=float)\n"
                         "J[:, 1] += np.random.default_rng(7).uniform(-0.5, 0.5, size=len(J))\nreturn J"),
            expect="your function ignores rng"),
    Variant("07-ex3-answer", "correct", "rng.random shifted, column stacked",
            code="noise = rng.random(len(X)) - 0.5\n"
                 "return np.column_stack([X[:, 0], X[:, 1] + noise])"),
    Variant("07-ex3-answer", "correct", "copy, then add a noise matrix",
            code="J = X.copy()\nJ += np.column_stack([np.zeros(len(X)), rng.uniform(-0.5, 0.5, len(X))])\n"
                 "return J"),
]
