"""Answers to the exercises of lesson 09 (see tests/answers/__init__.py)."""

from . import Variant

LESSON = "09_model_choice"


def _count(eii="1", eei="d", vei="K + (d - 1)", evi="1 + K * (d - 1)", weights="K - 1",
           eee="d * (d + 1) // 2", vvv="K * d * (d + 1) // 2"):
    """An answer to 9.1 by a table of covariance counts, with one entry changed."""
    return ("covariance = {"
            f"'EII': {eii}, 'VII': K, 'EEI': {eei}, 'VEI': {vei}, 'EVI': {evi},\n"
            f"              'VVI': K * d, 'EEE': {eee}, 'VVV': {vvv}}}[model]\n"
            f"return ({weights}) + K * d + covariance")


def _icl(entropy="-np.sum(resp * np.log(safe))", combine="gm.bic(X) + 2 * entropy"):
    """An answer to 9.2 with one part changed."""
    return ("resp = gm.predict_proba(X)\n"
            "safe = np.where(resp > 0, resp, 1.0)\n"
            f"entropy = {entropy}\n"
            f"return {combine}")


VARIANTS = [
    # --- 9.1 n_free_parameters(model, K, d) ----------------------------------------------------
    Variant("09-ex1-answer", "wrong", "shape with d free entries (determinant 1 forgotten)",
            code=_count(eei="1 + d", vei="K + d", evi="1 + K * d"), expect="determinant 1"),
    Variant("09-ex1-answer", "wrong", "volume and shape letters swapped",
            code=_count(vei="1 + K * (d - 1)", evi="K + (d - 1)"), expect="first letter is the volume"),
    Variant("09-ex1-answer", "wrong", "EII has nothing to estimate", code=_count(eii="0"),
            expect="EII still has a covariance"),
    Variant("09-ex1-answer", "wrong", "K free weights", code=_count(weights="K"),
            expect=r"VII \(scikit-learn's spherical\)"),
    Variant("09-ex1-answer", "wrong", "symmetric matrix counted with d^2 entries",
            code=_count(eee="d * d", vvv="K * d * d"), expect=r"EEE \(scikit-learn's tied\)"),
    Variant("09-ex1-answer", "copy", "the estimator's count for scikit-learn's four types",
            code="kinds = {'VII': 'spherical', 'VVI': 'diag', 'EEE': 'tied', 'VVV': 'full'}\n"
                 "if model in kinds:\n"
                 "    gm = gmmlib.GaussianMixture(K, covariance_type=kinds[model])\n"
                 "    gm.fit(np.random.default_rng(0).normal(size=(10 * K * d + 10, d)))\n"
                 "    return gm._n_parameters()\n"
                 + _count(),
            expect="gmmlib"),
    Variant("09-ex1-answer", "copy", "the estimator aliased in a cell before",
            before="Mixture = gmmlib.GaussianMixture",
            code="if model == 'VVV':\n"
                 "    return Mixture(K).fit(np.random.default_rng(0).normal(size=(50, d)))._n_parameters()\n"
                 + _count(),
            expect="through the global name 'Mixture'"),
    Variant("09-ex1-answer", "correct", "volume, shape and orientation counted letter by letter",
            code="volume = {'E': 1, 'V': K, 'I': 0}[model[0]]\n"
                 "shape = {'E': d - 1, 'V': K * (d - 1), 'I': 0}[model[1]]\n"
                 "orientation = {'E': d * (d - 1) // 2, 'V': K * d * (d - 1) // 2, 'I': 0}[model[2]]\n"
                 "return K - 1 + K * d + volume + shape + orientation"),
    Variant("09-ex1-answer", "wrong", "diagonal shapes without their volume",
            code=_count(eei="d - 1", vei="d - 1", evi="K * (d - 1)"), expect="expected value"),
    Variant("09-ex1-answer", "correct", "true division (floats)",
            code=_count(eee="d * (d + 1) / 2", vvv="K * d * (d + 1) / 2")),
    Variant("09-ex1-answer", "correct", "if-chain", code=(
        "p = K - 1 + K * d\n"
        "if model == 'EII':\n    return p + 1\n"
        "if model == 'VII':\n    return p + K\n"
        "if model == 'EEI':\n    return p + d\n"
        "if model == 'VEI':\n    return p + K + d - 1\n"
        "if model == 'EVI':\n    return p + 1 + K * (d - 1)\n"
        "if model == 'VVI':\n    return p + K * d\n"
        "if model == 'EEE':\n    return p + d * (d + 1) // 2\n"
        "return p + K * d * (d + 1) // 2")),
    # --- 9.2 icl_entropy(gm, X) -----------------------------------------------------------------
    Variant("09-ex2-answer", "wrong", "most probable component (the lesson's ICL)",
            code=_icl(entropy="-np.sum(np.log(resp.max(axis=1)))"), expect="most probable component"),
    Variant("09-ex2-answer", "wrong", "sign of the entropy", code=_icl(combine="gm.bic(X) - 2 * entropy"),
            expect="Check the sign"),
    Variant("09-ex2-answer", "wrong", "factor 2 forgotten", code=_icl(combine="gm.bic(X) + entropy"),
            expect="factor 2"),
    Variant("09-ex2-answer", "wrong", "mean entropy per point",
            code=_icl(entropy="-np.mean(np.sum(resp * np.log(safe), axis=1))"), expect="not the mean"),
    Variant("09-ex2-answer", "wrong", "0 log 0 as NaN", code=_icl(entropy="-np.sum(resp * np.log(resp))"),
            expect="0 \\* log 0 = nan"),
    Variant("09-ex2-answer", "wrong", "entropy in bits",
            code=_icl(entropy="-np.sum(resp * np.log2(safe))"), expect="entropy in bits"),
    Variant("09-ex2-answer", "wrong", "log10", code=_icl(entropy="-np.sum(resp * np.log10(safe))"),
            expect="not log10"),
    Variant("09-ex2-answer", "copy", "gmmlib.selection.icl reached through model_choice",
            code="return model_choice.icl(gm, X, assignment='soft')", expect="gmmlib.selection"),
    Variant("09-ex2-answer", "correct", "scipy.stats.entropy per row",
            code="from scipy.stats import entropy\n"
                 "return gm.bic(X) + 2 * entropy(gm.predict_proba(X), axis=1).sum()"),
    Variant("09-ex2-answer", "copy", "gmmlib.selection.icl",
            code="return gmmlib.selection.icl(gm, X, assignment='soft')", expect="gmmlib.selection"),
    Variant("09-ex2-answer", "copy", "gmmlib.selection.icl under another name in a cell before",
            before="from gmmlib.selection import icl as criterion",
            code="return criterion(gm, X, 'soft')", expect="through the global name 'criterion'"),
    Variant("09-ex2-answer", "correct", "scipy.special.entr",
            code="from scipy.special import entr\nreturn gm.bic(X) + 2 * entr(gm.predict_proba(X)).sum()"),
    Variant("09-ex2-answer", "correct", "nansum over the terms",
            code="resp = gm.predict_proba(X)\n"
                 "with np.errstate(divide='ignore', invalid='ignore'):\n"
                 "    terms = resp * np.log(resp)\n"
                 "return gm.bic(X) - 2 * np.nansum(terms)"),
]

VARIANTS += [
    # --- 9.3 bic_after_rescaling(bic, n, scales) -------------------------------------------------
    Variant("09-ex3-answer", "wrong", "sign: BIC rises", code="return bic + 2 * n * np.sum(np.log(scales))",
            expect="Check the sign"),
    Variant("09-ex3-answer", "wrong", "multiplied instead of divided",
            code="return bic - 2 * n * np.sum(np.log(1 / np.asarray(scales)))", expect="Check the sign"),
    Variant("09-ex3-answer", "wrong", "factor 2 forgotten", code="return bic - n * np.sum(np.log(scales))",
            expect="enters twice"),
    Variant("09-ex3-answer", "wrong", "log10", code="return bic - 2 * n * np.sum(np.log10(scales))",
            expect="natural logarithm"),
    Variant("09-ex3-answer", "wrong", "n forgotten", code="return bic - 2 * np.sum(np.log(scales))",
            expect="multiply by n"),
    Variant("09-ex3-answer", "wrong", "mean of the log-scales instead of the sum",
            code="return bic - 2 * n * np.mean(np.log(scales))", expect="not their mean"),
    Variant("09-ex3-answer", "copy", "refit in the new units with gmmlib",
            code="gm = gmmlib.GaussianMixture(2, random_state=0, tol=1e-6).fit(X / scales)\n"
                 "return gm.bic(X / scales)", expect="gmmlib"),
    Variant("09-ex3-answer", "copy", "refit with scikit-learn",
            code="from sklearn.mixture import GaussianMixture\n"
                 "return GaussianMixture(2, random_state=0).fit(X / scales).bic(X / scales)",
            expect="sklearn"),
    Variant("09-ex3-answer", "correct", "log of the product of the scales",
            code="return bic - 2 * n * np.log(np.prod(scales))"),
    Variant("09-ex3-answer", "correct", "log-likelihood first",
            code="log_l = -bic / 2  # up to the penalty, which does not change\n"
                 "for s in scales:\n"
                 "    log_l += n * np.log(s)\n"
                 "return -2 * log_l"),
]
