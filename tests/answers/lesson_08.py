"""Answers to the exercises of lesson 08 (see tests/answers/__init__.py)."""

from . import Variant

LESSON = "08_initialisation"


def _search(pick="min", dist="((reference_means[:, None, :] - means[None, :, :]) ** 2).sum(axis=2)"):
    """An answer to 8.1 that tries every ordering (or, with pick='greedy', none)."""
    lines = [f"sq_dist = {dist}", "K = len(means)"]
    if pick == "greedy":
        lines.append("return np.argmin(sq_dist, axis=1)")
    else:
        lines += ["best = min(itertools.permutations(range(K)), key=lambda o: sq_dist[range(K), o].sum())",
                  "return np.array(best)" if pick == "min" else "return np.argsort(np.array(best))"]
    return "\n".join(lines)


def _needed(expr):
    """An answer to 8.2 (p < 1 in the visible check)."""
    return f"if p >= 1:\n    return 1\nreturn {expr}"


VARIANTS = [
    # --- 8.1 best_permutation(reference_means, means) -------------------------------------------
    Variant("08-ex1-answer", "wrong", "nearest mean for each reference component", code=_search("greedy"),
            expect="exactly once"),
    Variant("08-ex1-answer", "wrong", "the inverse permutation", code=_search("inverse"),
            expect="inverse permutation"),
    Variant("08-ex1-answer", "wrong", "sorted by the first coordinate",
            code="return np.argsort(means[:, 0])", expect="ignores reference_means"),
    Variant("08-ex1-answer", "copy", "scipy.optimize.linear_sum_assignment",
            code="from scipy.optimize import linear_sum_assignment\n"
                 "cost = ((reference_means[:, None, :] - means[None, :, :]) ** 2).sum(axis=2)\n"
                 "return linear_sum_assignment(cost)[1]",
            expect="scipy.optimize"),
    Variant("08-ex1-answer", "copy", "linear_sum_assignment imported in a cell before",
            before="from scipy.optimize import linear_sum_assignment as match",
            code="cost = ((reference_means[:, None, :] - means[None, :, :]) ** 2).sum(axis=2)\n"
                 "return match(cost)[1]",
            expect="scipy.optimize"),
    Variant("08-ex1-answer", "wrong", "ranks of the first coordinate matched",
            code="return np.argsort(means[:, 0])[np.argsort(np.argsort(reference_means[:, 0]))]",
            expect="order of one coordinate"),
    Variant("08-ex1-answer", "wrong", "greedy, each component used once",
            code="order, free = [], list(range(len(means)))\n"
                 "for c in range(len(reference_means)):\n"
                 "    j = min(free, key=lambda j: np.sum((reference_means[c] - means[j]) ** 2))\n"
                 "    order.append(j)\n"
                 "    free.remove(j)\n"
                 "return np.array(order)",
            expect="greedy"),
    Variant("08-ex1-answer", "copy", "the lesson's sort_key, ranks matched",
            code="return sort_key(means)[np.argsort(sort_key(reference_means))]", expect="sort key"),
    Variant("08-ex1-answer", "copy", "scipy.sparse.csgraph matching",
            code="from scipy.sparse import csr_matrix\n"
                 "from scipy.sparse.csgraph import min_weight_full_bipartite_matching\n"
                 "cost = ((reference_means[:, None, :] - means[None, :, :]) ** 2).sum(axis=2) + 1.0\n"
                 "return min_weight_full_bipartite_matching(csr_matrix(cost))[1]",
            expect="scipy"),
    Variant("08-ex1-answer", "copy", "the visible cases hard-coded",
            code="if len(means) == 4:\n    return np.array([3, 0, 1, 2])\n"
                 "if len(means) == 5:\n    return np.array([2, 4, 3, 1, 0])\n"
                 "return np.array([0, 4, 1, 2, 3, 5])",
            caught="hidden", why="Every visible case is answered from a table; only unseen inputs catch it."),
    Variant("08-ex1-answer", "correct", "all orderings at once, vectorised",
            code="K = len(means)\n"
                 "orders = np.array(list(itertools.permutations(range(K))))\n"
                 "sq_dist = ((reference_means[:, None, :] - means[None, :, :]) ** 2).sum(axis=2)\n"
                 "return orders[np.argmin(sq_dist[np.arange(K), orders].sum(axis=1))]"),
    Variant("08-ex1-answer", "correct", "explicit loop over the orderings",
            code="best, best_cost = None, np.inf\n"
                 "for order in itertools.permutations(range(len(means))):\n"
                 "    cost = sum(np.sum((reference_means[c] - means[o]) ** 2) for c, o in enumerate(order))\n"
                 "    if cost < best_cost:\n"
                 "        best, best_cost = list(order), cost\n"
                 "return best"),
    # --- 8.2 starts_needed(p, target) -------------------------------------------------------------
    Variant("08-ex2-answer", "wrong", "rounded down",
            code=_needed("math.floor(math.log(1 - target) / math.log(1 - p))"), expect="Rounded down"),
    Variant("08-ex2-answer", "wrong", "rounded to the nearest integer",
            code=_needed("round(math.log(1 - target) / math.log(1 - p))"), expect="nearest integer"),
    Variant("08-ex2-answer", "wrong", "not rounded at all",
            code=_needed("math.log(1 - target) / math.log(1 - p)"), expect="whole number"),
    Variant("08-ex2-answer", "wrong", "linear in n", code=_needed("math.ceil(target / p)"),
            expect="not linear"),
    Variant("08-ex2-answer", "wrong", "the complement forgotten",
            code=_needed("math.ceil(math.log(target) / math.log(1 - p))"), expect="all n starts MISS"),
    Variant("08-ex2-answer", "wrong", "p as the probability of a miss",
            code=_needed("math.ceil(math.log(1 - target) / math.log(p))"),
            expect="misses with probability 1 - p"),
    Variant("08-ex2-answer", "wrong", "p = 1 not handled", caught="hidden",
            code="return math.ceil(math.log(1 - target) / math.log(1 - p))",
            why="The visible check uses the measured shares, all below 1; p = 1 (log 0) is a hidden test."),
    Variant("08-ex2-answer", "copy", "gmmlib's formula in a loop",
            code="from gmmlib.examples.starts import prob_at_least_one\n"
                 "n = 1\nwhile prob_at_least_one(p, n) < target:\n    n += 1\nreturn n",
            expect="gmmlib"),
    Variant("08-ex2-answer", "copy", "the four visible answers hard-coded",
            code="return {0.64: 3, 0.5: 5, 0.02: 149, 0.08: 36}[round(p, 2)]", caught="hidden",
            why="The visible check has only the four measured shares; the hidden tests use other values."),
    Variant("08-ex2-answer", "copy", "gmmlib's formula aliased in a cell before",
            before="from gmmlib.examples.starts import prob_at_least_one as at_least_one",
            code="n = 1\nwhile at_least_one(p, n) < target:\n    n += 1\nreturn n",
            expect="gmmlib"),
    Variant("08-ex2-answer", "correct", "count up until the target is met",
            code="n = 1\nwhile 1 - (1 - p) ** n < target:\n    n += 1\nreturn n"),
    Variant("08-ex2-answer", "correct", "NumPy, log1p",
            code="if p == 1:\n    return 1\nreturn int(max(1, np.ceil(np.log1p(-target) / np.log1p(-p))))"),
]
