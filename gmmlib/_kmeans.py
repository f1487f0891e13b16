"""A small k-means (Lloyd's algorithm with k-means++ seeding).

Used only to initialise :class:`gmmlib.GaussianMixture` (``init_params='kmeans'``
and ``'k-means++'``), so that scikit-learn stays a test-time reference and not
a runtime dependency.

Squared distances are computed as
:math:`\\lVert x - c \\rVert^2 = \\lVert x \\rVert^2 - 2 x^\\top c + \\lVert c \\rVert^2`
(one matrix product), in row chunks so that memory does not grow with ``n``,
on data centred on their mean (as scikit-learn's ``KMeans``): for data far from
the origin (an offset of 1e8 next to a spread of 1) the three terms would
otherwise cancel to noise and the clusters be lost.
"""

import numpy as np

__all__ = ["kmeans_plusplus", "kmeans"]

_CHUNK_ROWS = 8192


def _sq_distances(X, centers, x_sq, centre):
    """Squared Euclidean distances of the rows of ``X - centre`` to ``centers`` (k, d), shape (n, k).

    ``centers`` are centred (on ``centre``) too and ``x_sq`` (n,) holds
    :math:`\\lVert x - \\text{centre} \\rVert^2`; clipped at 0.
    """
    c_sq = np.einsum("ij,ij->i", centers, centers)
    dist = x_sq[:, np.newaxis] - 2.0 * ((X - centre) @ centers.T) + c_sq
    return np.maximum(dist, 0.0, out=dist)


def _centred_sq_norms(X, centre):
    r""":math:`\lVert x_i - \text{centre} \rVert^2`, shape (n,), chunked over rows."""
    x_sq = np.empty(X.shape[0])
    for start in range(0, X.shape[0], _CHUNK_ROWS):
        rows = X[start:start + _CHUNK_ROWS] - centre
        x_sq[start:start + _CHUNK_ROWS] = np.einsum("ij,ij->i", rows, rows)
    return x_sq


def kmeans_plusplus(X, n_clusters, random_state, n_local_trials=None):
    """Greedy k-means++ seeding (Arthur & Vassilvitskii, 2007).

    The first centre is a uniformly random sample; each next one is the best
    (lowest total inertia) of ``n_local_trials`` candidates drawn with
    probability proportional to the squared distance to the nearest centre
    chosen so far.

    Parameters
    ----------
    X : ndarray of shape (n, d)
    n_clusters : int
    random_state : numpy.random.RandomState
    n_local_trials : int, optional
        Default ``2 + int(log(n_clusters))``.

    Returns
    -------
    centers : ndarray of shape (n_clusters, d)
    indices : ndarray of shape (n_clusters,)
        Row of ``X`` chosen as each centre.
    """
    n = X.shape[0]
    if n_local_trials is None:
        n_local_trials = 2 + int(np.log(n_clusters))
    centre = X.mean(axis=0)
    x_sq = _centred_sq_norms(X, centre)
    indices = np.empty(n_clusters, dtype=int)
    indices[0] = random_state.randint(n)
    closest_sq = _sq_distances(X, X[indices[:1]] - centre, x_sq, centre)[:, 0]
    for c in range(1, n_clusters):
        total = closest_sq.sum()
        if total > 0:
            cumulative = np.cumsum(closest_sq)
            draws = random_state.uniform(size=n_local_trials) * total
            candidates = np.clip(np.searchsorted(cumulative, draws), 0, n - 1)
        else:  # all remaining points coincide with a centre
            candidates = random_state.randint(n, size=n_local_trials)
        candidate_sq = np.minimum(
            closest_sq[:, np.newaxis], _sq_distances(X, X[candidates] - centre, x_sq, centre)
        )
        best = int(np.argmin(candidate_sq.sum(axis=0)))
        indices[c] = candidates[best]
        closest_sq = candidate_sq[:, best]
    return X[indices].copy(), indices


def _assign(X, centers, x_sq, centre):
    """Label of the nearest centre and its squared distance, chunked over rows (see :func:`_sq_distances`)."""
    n = X.shape[0]
    labels = np.empty(n, dtype=int)
    min_sq = np.empty(n)
    for start in range(0, n, _CHUNK_ROWS):
        rows = slice(start, start + _CHUNK_ROWS)
        dist = _sq_distances(X[rows], centers, x_sq[rows], centre)
        labels[rows] = np.argmin(dist, axis=1)
        min_sq[rows] = dist[np.arange(dist.shape[0]), labels[rows]]
    return labels, min_sq


def kmeans(X, n_clusters, random_state, max_iter=300, tol=1e-4):
    """Lloyd's k-means from a k-means++ seeding.

    Stops when the centres move by less than ``tol`` times the mean feature
    variance (squared Frobenius norm of the shift), as scikit-learn does, or
    after ``max_iter`` iterations. An empty cluster is re-seeded with the
    point farthest from its centre.

    Returns
    -------
    labels : ndarray of shape (n,)
    centers : ndarray of shape (n_clusters, d)
    """
    _, indices = kmeans_plusplus(X, n_clusters, random_state)
    centre = X.mean(axis=0)
    centers = X[indices] - centre  # centred, like the data in every distance
    x_sq = _centred_sq_norms(X, centre)
    threshold = tol * np.mean(np.var(X, axis=0))
    for _ in range(max_iter):
        labels, min_sq = _assign(X, centers, x_sq, centre)
        counts = np.bincount(labels, minlength=n_clusters)
        sums = np.column_stack(
            [np.bincount(labels, weights=X[:, j] - centre[j], minlength=n_clusters)
             for j in range(X.shape[1])]
        )
        new_centers = centers.copy()
        filled = counts > 0
        new_centers[filled] = sums[filled] / counts[filled, np.newaxis]
        for c in np.flatnonzero(~filled):  # re-seed empty clusters
            far = int(np.argmax(min_sq))
            new_centers[c] = X[far] - centre
            min_sq[far] = 0.0
        shift = np.sum((new_centers - centers) ** 2)
        centers = new_centers
        if shift <= threshold:
            break
    labels, _ = _assign(X, centers, x_sq, centre)
    return labels, centers + centre
