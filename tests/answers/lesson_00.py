"""Answers to the warm-up exercises of lesson 00 (see tests/answers/__init__.py)."""

from . import Variant

LESSON = "00_course_map"

def _count(weights="K - 1", means="K * d", covariances="K * d * (d + 1) // 2"):
    """An answer to 0.1 with one term changed."""
    return f"return {weights} + {means} + {covariances}"


def _by_type(weights="K - 1", **changed):
    """An answer to 0.2 with the covariance count of some types changed."""
    per = {"full": "K * d * (d + 1) // 2", "tied": "d * (d + 1) // 2", "diag": "K * d", "spherical": "K",
           **changed}
    table = ", ".join(f"'{kind}': {count}" for kind, count in per.items())
    return f"per = {{{table}}}[covariance_type]\nreturn {weights} + K * d + per"


def _library_count(cls, *options):
    """Counting with a library's BIC helper (a fitted model only needs its means)."""
    return (f"gm = {cls}(n_components=K{''.join(', ' + o for o in options)})\n"
            "gm.means_ = np.zeros((K, d))\nreturn gm._n_parameters()")


HARD_CODED = ("The counts were obtained elsewhere (gmmlib in a scratch cell, a classmate) and typed "
              "in for exactly the inputs the visible check uses; only inputs the student has not "
              "seen, in the hidden tests, reveal a lookup table.")

VARIANTS = [
    # --- 0.1 n_free_parameters(K, d) ------------------------------------------------------
    Variant("00-ex1-answer", "wrong", "all K weights free", code=_count(weights="K"),
            expect="1 too large: the weights sum to 1"),
    Variant("00-ex1-answer", "wrong", "covariance not symmetric", code=_count(covariances="K * d * d"),
            expect="Sigma_c is symmetric"),
    Variant("00-ex1-answer", "wrong", "variances left out", code=_count(covariances="K * d * (d - 1) // 2"),
            expect=r"Too small by K\*d"),
    Variant("00-ex1-answer", "wrong", "means left out", code=_count(means="0"), expect=r"Too small by K\*d"),
    Variant("00-ex1-answer", "wrong", "one covariance for all", code=_count(covariances="d * (d + 1) // 2"),
            expect="one covariance matrix for all"),
    Variant("00-ex1-answer", "wrong", "the seed's count for any K and d",
            code="return 11", expect="not the expected value"),
    Variant("00-ex1-answer", "copy", "gmmlib's BIC count", code=_library_count("gmmlib.GaussianMixture"),
            expect="expected your own implementation, but it uses gmmlib"),
    Variant("00-ex1-answer", "copy", "scikit-learn's BIC count",
            code="from sklearn.mixture import GaussianMixture\n" + _library_count("GaussianMixture"),
            expect="sklearn"),
    Variant("00-ex1-answer", "copy", "table of the checked counts",
            code="return {(1, 1): 2, (2, 2): 11, (3, 5): 62, (4, 3): 39, (10, 7): 359}[(K, d)]",
            caught="hidden", why=HARD_CODED),
    Variant("00-ex1-answer", "correct", "float division", code=_count(covariances="K * d * (d + 1) / 2")),
    Variant("00-ex1-answer", "correct", "counted entry by entry",
            code="total = K - 1\n"
                 "for _ in range(K):\n"
                 "    total += d + sum(1 for i in range(d) for j in range(i, d))\n"
                 "return total"),
    # --- 0.2 n_free_parameters_of(K, d, covariance_type) ------------------------------------
    Variant("00-ex2-answer", "wrong", "tied counted per component",
            code=_by_type(tied="K * d * (d + 1) // 2"),
            expect="tied ones share one"),
    Variant("00-ex2-answer", "wrong", "spherical with d variances", code=_by_type(spherical="K * d"),
            expect="has one variance"),
    Variant("00-ex2-answer", "wrong", "diagonal counted as full", code=_by_type(diag="K * d * (d + 1) // 2"),
            expect="only its d variances free"),
    Variant("00-ex2-answer", "wrong", "all K weights free", code=_by_type(weights="K"),
            expect="only K - 1 of the weights are free"),
    Variant("00-ex2-answer", "copy", "gmmlib's BIC count",
            code=_library_count("gmmlib.GaussianMixture", "covariance_type=covariance_type"),
            expect="expected your own implementation, but it uses gmmlib"),
    Variant("00-ex2-answer", "copy", "the library's class imported in a cell before",
            before="from gmmlib.mixture import GaussianMixture as Mixture",
            code=_library_count("Mixture", "covariance_type=covariance_type"),
            expect=r"gmmlib\.mixture\.GaussianMixture \(through the global name 'Mixture'"),
    Variant("00-ex2-answer", "copy", "table of the checked counts",
            code="table = {'diag': [2, 9, 32, 27, 149], 'spherical': [2, 7, 20, 19, 89],\n"
                 "         'tied': [2, 8, 32, 21, 107], 'full': [2, 11, 62, 39, 359]}\n"
                 "shapes = [(1, 1), (2, 2), (3, 5), (4, 3), (10, 7)]\n"
                 "return table[covariance_type][shapes.index((K, d))]",
            caught="hidden", why=HARD_CODED),
    Variant("00-ex2-answer", "correct", "full from exercise 0.1",
            code="if covariance_type == 'full':\n"
                 "    return n_free_parameters(K, d)\n"
                 "per = {'tied': d * (d + 1) / 2, 'diag': K * d, 'spherical': K}[covariance_type]\n"
                 "return K - 1 + K * d + per"),
    Variant("00-ex2-answer", "correct", "variances and correlations counted apart",
            code="variances = {'full': K * d, 'tied': d, 'diag': K * d, 'spherical': K}[covariance_type]\n"
                 "pairs = d * (d - 1) // 2\n"
                 "correlations = {'full': K * pairs, 'tied': pairs}.get(covariance_type, 0)\n"
                 "return (K - 1) + K * d + variances + correlations"),
]
