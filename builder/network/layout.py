"""Where the explorer places each entity: a deterministic force-directed layout."""

from __future__ import annotations

import random

import igraph


def layout(ids: list[str], pairs: list[tuple[str, str]], scale: float = 1000.0) -> dict[str, tuple[int, int]]:
    """igraph's Fruchterman-Reingold (grid-accelerated above 1,000 nodes), seeded, scaled to
    vis-network coordinates."""
    if not ids:
        return {}
    index = {entity_id: i for i, entity_id in enumerate(ids)}
    graph = igraph.Graph(n=len(ids), edges=sorted({(index[a], index[b]) for a, b in pairs}), directed=False)
    state = random.getstate()
    random.seed(20251209)
    igraph.set_random_number_generator(random)
    try:
        coords = graph.layout_fruchterman_reingold(niter=500, grid="auto").coords
    finally:
        random.setstate(state)
    xs = [c[0] for c in coords] or [0.0]
    ys = [c[1] for c in coords] or [0.0]
    span = max(max(xs) - min(xs), max(ys) - min(ys), 1e-9)
    factor = scale * max(1.0, (len(ids) / 100) ** 0.5) / span
    return {entity_id: (round((coords[i][0] - min(xs)) * factor), round((coords[i][1] - min(ys)) * factor))
            for entity_id, i in index.items()}
