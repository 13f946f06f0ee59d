"""Rank target occupations for a skills profile, learning from ROME's expert mobility links.

The score of a target occupation is a weighted sum of a few signals (see docs/matching.md for the
measurements behind each one):

1. content: TF-IDF cosine between the profile's items and the target's coherence items;
2. neighbours' mobility (collaborative filtering): the expert mobility targets of the occupations whose
   items look most like the profile, weighted by that likeness (k=30 and k=100 neighbours);
3. for each current occupation: text similarity (titles, definitions, access texts) with the target,
   the mobility targets of its textual neighbours, of its ROME v3 siblings (same `code_rome_parent`), and of
   the occupations that list it as a mobility target ("co-targets"); whether the target itself lists it;
   same professional domain; how often its domain leads to the target's domain;
4. the expert mobility links of the current occupation itself, when the engine knows them.

Weights were chosen by 5-fold cross-validation on ROME v460 (bench/matching_quality.py); they are few and
coarse, so they carry over to later versions.
"""

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

# Weights of the linear score. Signals are scaled to [0, 1] per query before weighting.
WEIGHTS = {
    "content": 1.4,
    "cf30": 0.8,
    "cf100": 0.5,
    "cotarget": 0.9,
    "reverse": 0.3,
    "same_domain": 0.2,
    "domain_flow": -0.1,
    "text": 1.6,
    "text_cf": 0.8,
    "siblings": 0.8,
    "same_parent": 0.0,
    "cf30_x_text": 0.5,
    # Not measurable by the cross-validation (those links are hidden there); in real use the expert's own
    # mobility links of the current occupation come first.
    "own_mobility": 3.0,
}


def _scaled(v: np.ndarray) -> np.ndarray:
    top = float(v.max()) if v.size else 0.0
    return v / top if top > 0 else v


def _knn_propagate(sim: np.ndarray, links: sp.csr_matrix, k: int) -> np.ndarray:
    """Sum of the mobility rows of the k most similar occupations, weighted by similarity."""
    if k < len(sim):
        idx = np.argpartition(-sim, k)[:k]
    else:
        idx = np.arange(len(sim))
    idx = idx[sim[idx] > 0]
    if not len(idx):
        return np.zeros(links.shape[1])
    return np.asarray(links[idx].T @ sim[idx]).ravel()


@dataclass
class Signals:
    """Raw signals for one profile (used for scoring and for explanations)."""

    content: np.ndarray
    score: np.ndarray
    own_mobility: np.ndarray


class Recommender:
    """Pure numpy/scipy scorer. Built once per engine from its occupation-item matrix and mobility links."""

    def __init__(
        self,
        *,
        item_matrix: sp.csr_matrix,  # occupations x items, TF-IDF weighted, rows L2-normalised
        item_idf: np.ndarray,
        text_sim: np.ndarray,  # occupations x occupations, text cosine, zero diagonal
        mobility: sp.csr_matrix,  # occupations x occupations, 1 where an expert link is visible
        domains: np.ndarray,  # index of the professional domain (3-char code) of each occupation
        parents: np.ndarray,  # index of the ROME v3 parent code of each occupation
    ) -> None:
        self.T = item_matrix
        self.idf = item_idf
        self.text_sim = text_sim
        self.M = mobility.tocsr()
        self.MT = self.M.T.tocsr()
        self.domains = domains
        self.parents = parents
        n = self.T.shape[0]
        self.n = n
        self.occ_sim = (self.T @ self.T.T).toarray().astype(np.float32)
        np.fill_diagonal(self.occ_sim, 0)
        # Domain-to-domain flow of the visible links, row-normalised.
        nd = int(domains.max()) + 1 if n else 1
        src, dst = self.M.nonzero()
        flow = np.zeros((nd, nd))
        np.add.at(flow, (domains[src], domains[dst]), 1)
        self.domain_flow = flow / np.maximum(flow.sum(1, keepdims=True), 1)
        # Siblings: occupations sharing the ROME v3 parent code.
        groups: dict[int, list[int]] = {}
        for i, p in enumerate(parents):
            groups.setdefault(int(p), []).append(i)
        self.siblings = [np.array([j for j in groups[int(parents[i])] if j != i], dtype=np.int64) for i in range(n)]

    def profile_vector(self, item_idx: np.ndarray) -> np.ndarray:
        q = np.zeros(self.T.shape[1])
        q[item_idx] = self.idf[item_idx]
        norm = np.linalg.norm(q)
        return q / norm if norm else q

    def components(self, item_idx: np.ndarray, current: np.ndarray) -> dict[str, np.ndarray]:
        """Each signal as a vector over occupations, scaled to [0, 1] where it is a count or a sum."""
        n = self.n
        q = self.profile_vector(item_idx)
        content = np.asarray(self.T @ q).ravel() if item_idx.size else np.zeros(n)
        # The current occupations are never suggested: leave them out of the scaling and of the neighbours
        # (their own links are a separate signal, "own_mobility").
        content[current] = 0
        comp = {
            "content": _scaled(content),
            "cf30": _scaled(_knn_propagate(content, self.M, 30)),
            "cf100": _scaled(_knn_propagate(content, self.M, 100)),
        }
        zero = np.zeros(n)
        if not current.size:
            for name in ("text", "text_cf", "siblings", "cotarget", "reverse", "same_domain", "domain_flow"):
                comp[name] = zero
            comp["same_parent"] = comp["own_mobility"] = zero
        else:
            text_cf = np.zeros(n)
            sib = np.zeros(n)
            cot = np.zeros(n)
            own = np.zeros(n)
            for c in current:
                text_cf += _knn_propagate(self.text_sim[c], self.M, 30)
                if self.siblings[c].size:
                    sib += np.asarray(self.M[self.siblings[c]].sum(0)).ravel()
                pointing = self.MT[c].indices  # occupations that list c as a mobility target
                if pointing.size:
                    cot += np.asarray(self.M[pointing].sum(0)).ravel()
                own += self.M[c].toarray().ravel()
            comp["text"] = self.text_sim[current].mean(0).astype(float)
            comp["text_cf"] = _scaled(text_cf)
            comp["siblings"] = _scaled(sib)
            comp["cotarget"] = _scaled(cot)
            comp["reverse"] = (np.asarray(self.MT[current].sum(0)).ravel() > 0).astype(float)
            comp["same_domain"] = np.isin(self.domains, self.domains[current]).astype(float)
            comp["domain_flow"] = self.domain_flow[self.domains[current]].mean(0)[self.domains]
            comp["same_parent"] = np.isin(self.parents, self.parents[current]).astype(float)
            comp["own_mobility"] = (own > 0).astype(float)
        comp["cf30_x_text"] = comp["cf30"] * comp["text"]
        return comp

    def signals(self, item_idx: np.ndarray, current: np.ndarray) -> Signals:
        comp = self.components(item_idx, current)
        score = np.zeros(self.n)
        for name, weight in WEIGHTS.items():
            score += weight * comp[name]
        return Signals(content=comp["content"], score=score, own_mobility=comp["own_mobility"] > 0)
