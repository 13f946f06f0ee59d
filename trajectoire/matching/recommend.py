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
coarse, so they carry over to later versions. This linear score picks the candidates; the learned ranker
(`ranker.py`) then orders them, reading these signals and a few more that only help in combination (RIASEC
codes, entry levels, coverage of the target's skills, where links from the current domain lead).
"""

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


# Signals that depend on the current occupations; all zero for a profile of skills only.
_CURRENT_SIGNALS = (
    "text",
    "text_cf",
    "siblings",
    "sib_frac",
    "sib_any",
    "n_siblings",
    "cotarget",
    "reverse",
    "same_domain",
    "domain_flow",
    "domain_targets",
    "grand_domain_targets",
    "same_parent",
    "own_mobility",
    "riasec",
    "riasec_major",
    "level_same_or_up",
    "level_down",
)


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
        grand_domains: np.ndarray,  # index of the grand domain (first letter of the code) of each occupation
        coherence: sp.csr_matrix,  # occupations x items, 1 where the item belongs to the occupation
        riasec: np.ndarray,  # occupations x 6 (R, I, A, S, E, C), major 2 and minor 1, rows L2-normalised
        levels: np.ndarray,  # entry qualification level of each occupation (levels.py), 0 when unknown
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
        # Where the visible links of each professional domain, and of each grand domain (first letter), lead.
        self.grand_domains = grand_domains
        self.domain_targets = np.zeros((nd, n), dtype=np.float32)
        np.add.at(self.domain_targets, (domains[src], dst), 1)
        self.grand_domain_targets = np.zeros((int(grand_domains.max()) + 1 if n else 1, n), dtype=np.float32)
        np.add.at(self.grand_domain_targets, (grand_domains[src], dst), 1)
        self.B = coherence.tocsr()
        self.idf_mass = np.asarray(self.B @ item_idf).ravel()
        self.riasec = riasec
        self.riasec_major: np.ndarray = riasec.argmax(1)  # the major letter weighs 2, the minor 1
        self.has_riasec: np.ndarray = np.asarray(riasec.any(1), dtype=bool)
        self.levels = levels

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
        # How much of the target's skills (idf mass) the profile holds, and how much of the profile it uses.
        held = np.zeros(self.B.shape[1])
        held[item_idx] = self.idf[item_idx]
        shared_mass = np.asarray(self.B @ held).ravel()
        comp["cov_target"] = shared_mass / np.maximum(self.idf_mass, 1e-9)
        comp["cov_profile"] = shared_mass / max(float(held.sum()), 1e-9)
        comp["content_max"] = np.full(n, float(content.max()) if n else 0.0)
        comp["n_current"] = np.full(n, float(current.size))
        for name in _CURRENT_SIGNALS:
            comp[name] = np.zeros(n)
        if current.size:
            self._current_components(comp, current)
        comp["cf30_x_text"] = comp["cf30"] * comp["text"]
        return comp

    def _current_components(self, comp: dict[str, np.ndarray], current: np.ndarray) -> None:
        """Signals that read the current occupations (left at zero for a profile of skills only)."""
        n = self.n
        text_cf = np.zeros(n)
        sib = np.zeros(n)
        sib_frac = np.zeros(n)
        sib_any = np.zeros(n)
        cot = np.zeros(n)
        own = np.zeros(n)
        for c in current:
            text_cf += _knn_propagate(self.text_sim[c], self.M, 30)
            siblings = self.siblings[c]
            if siblings.size:
                rows = self.M[siblings].toarray()
                sib += rows.sum(0)
                linked = rows.sum(1) > 0
                if linked.any():
                    sib_frac += rows[linked].mean(0)
                sib_any += rows.max(0)
            pointing = self.MT[c].indices  # occupations that list c as a mobility target
            if pointing.size:
                cot += np.asarray(self.M[pointing].sum(0)).ravel()
            own += self.M[c].toarray().ravel()
        comp["text"] = self.text_sim[current].mean(0).astype(float)
        comp["text_cf"] = _scaled(text_cf)
        comp["siblings"] = _scaled(sib)
        comp["sib_frac"] = sib_frac
        comp["sib_any"] = sib_any
        comp["n_siblings"] = np.full(n, float(np.mean([self.siblings[c].size for c in current])))
        comp["cotarget"] = _scaled(cot)
        comp["reverse"] = (np.asarray(self.MT[current].sum(0)).ravel() > 0).astype(float)
        comp["same_domain"] = np.isin(self.domains, self.domains[current]).astype(float)
        comp["domain_flow"] = self.domain_flow[self.domains[current]].mean(0)[self.domains]
        comp["domain_targets"] = _scaled(self.domain_targets[self.domains[current]].sum(0).astype(float))
        comp["grand_domain_targets"] = _scaled(
            self.grand_domain_targets[self.grand_domains[current]].sum(0).astype(float)
        )
        comp["same_parent"] = np.isin(self.parents, self.parents[current]).astype(float)
        comp["own_mobility"] = (own > 0).astype(float)
        comp["riasec"] = (self.riasec[current] @ self.riasec.T).mean(0)
        with_code = current[self.has_riasec[current]]
        comp["riasec_major"] = (self.has_riasec & np.isin(self.riasec_major, self.riasec_major[with_code])).astype(
            float
        )
        # Entry levels: same level or one step up is where most expert links go.
        lv01 = np.zeros(n)
        lvdown = np.zeros(n)
        known = self.levels > 0
        for c in current:
            if not known[c]:
                continue
            diff = self.levels - self.levels[c]
            lv01 += known & ((diff == 0) | (diff == 1))
            lvdown += known * (diff < 0) * np.minimum(-diff, 3) / 3
        comp["level_same_or_up"] = lv01 / current.size
        comp["level_down"] = lvdown / current.size

    def linear(self, comp: dict[str, np.ndarray]) -> np.ndarray:
        """The linear score without the current occupation's own links (those are ranked first apart)."""
        score = np.zeros(self.n)
        for name, weight in WEIGHTS.items():
            if name != "own_mobility":
                score += weight * comp[name]
        return score
