"""The learned ranker: orders the candidates of the linear score with boosted trees over its signals.

Why: every signal added to the linear score of `recommend.py` was measured flat (docs/matching.md), while
trees that combine the same signals non-linearly gain 0.5 to 0.8 points of recall@10 (four fold seeds) in a
cross-validation where the ranker never sees the links it is asked to find.

The trees are trained with scikit-learn (`training.py`, a development dependency) and shipped as plain
arrays in `models/ranker.npz`; this module evaluates them with numpy alone, so running Trajectoire needs
neither scikit-learn nor its OpenMP runtime. `export_sklearn` reads the fitted model's trees; a test checks
that `TreeEnsemble.raw` gives the same numbers as scikit-learn.
"""

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

# Ordered inputs of the ranker. Changing them needs a new model (`python -m trajectoire.matching train-ranker`).
FEATURES = (
    "content",
    "cf30",
    "cf100",
    "cotarget",
    "reverse",
    "same_domain",
    "domain_flow",
    "text",
    "text_cf",
    "siblings",
    "cf30_x_text",
    "domain_targets",
    "grand_domain_targets",
    "cov_target",
    "cov_profile",
    "riasec",
    "riasec_major",
    "sib_frac",
    "sib_any",
    "level_same_or_up",
    "level_down",
    "n_siblings",
    "content_max",
    "n_current",
    # Filled by `feature_matrix` from the linear stage:
    "linear",
    "linear_rank",
)

DEFAULT_MODEL = Path(__file__).resolve().parent / "models" / "ranker.npz"


def data_fingerprint(version: str, mobility: Iterable[tuple]) -> dict:
    """What a model learned from: the referential version, a hash of the mobility pairs, the feature list.

    A model is only used on data with the same fingerprint: a folder whose links were partly removed (a
    held-out evaluation) must not be ranked by trees that have seen the removed links.
    """
    pairs = sorted({f"{row[0]}>{row[1]}" for row in mobility})
    digest = hashlib.sha256("\n".join(pairs).encode("utf-8")).hexdigest()
    return {
        "rome_version": str(version),
        "mobility_sha256": digest,
        "mobility_pairs": len(pairs),
        "features": list(FEATURES),
    }


class RankerMismatch(ValueError):
    """A model file that was trained on other data than the data read (message in French, then English)."""


def feature_matrix(
    comp: dict[str, np.ndarray], linear: np.ndarray, rank: np.ndarray, candidates: np.ndarray
) -> np.ndarray:
    """Candidates x FEATURES, float64. `rank` is each occupation's position in the linear order."""
    cols = [comp[name][candidates] for name in FEATURES[:-2]]
    cols += [linear[candidates], rank[candidates].astype(float)]
    # Rounded to float32 (then back): the last bits of a float64 sum differ between machines (BLAS, SIMD),
    # and a histogram bin edge sitting on such a bit moved a few splits of a retrained model. Training and
    # ranking read the same rounded values.
    return np.column_stack(cols).astype(np.float32).astype(np.float64)


@dataclass(frozen=True)
class TreeEnsemble:
    """Additive trees in flat arrays: node i splits on `feature[i] <= threshold[i]` unless `leaf[i]`."""

    feature: np.ndarray
    threshold: np.ndarray
    left: np.ndarray
    right: np.ndarray
    leaf: np.ndarray
    value: np.ndarray
    missing_left: np.ndarray
    roots: np.ndarray
    baseline: float
    meta: dict
    depth: int = field(init=False)

    def raw(self, X: np.ndarray) -> np.ndarray:
        """Sum of the trees' leaf values plus the baseline (the log-odds), one value per row of X."""
        flat = np.ascontiguousarray(X, dtype=np.float64).ravel()
        missing = bool(np.isnan(flat).any())
        offsets = (np.arange(X.shape[0]) * X.shape[1])[:, None]
        pos = np.broadcast_to(self.roots, (X.shape[0], self.roots.size))
        # np.take on flat arrays: the hot loop of a recommendation (about 40,000 tree positions per step).
        for _ in range(self.depth):
            x = flat.take(offsets + self.feature.take(pos))
            go_left = x <= self.threshold.take(pos)
            if missing:  # NaN follows the direction scikit-learn learned for it
                go_left = np.where(np.isnan(x), self.missing_left.take(pos), go_left)
            pos = np.where(go_left, self.left.take(pos), self.right.take(pos))
        return self.value.take(pos).sum(1) + self.baseline

    def __post_init__(self) -> None:
        # Leaves point to themselves, so walking every tree `depth` steps is branch-free.
        leaves = np.flatnonzero(self.leaf)
        self.left[leaves] = leaves
        self.right[leaves] = leaves
        depth, frontier = 0, self.roots
        while frontier.size:
            inner = frontier[~self.leaf[frontier]]
            if not inner.size:
                break
            frontier = np.concatenate([self.left[inner], self.right[inner]])
            depth += 1
        object.__setattr__(self, "depth", depth)

    def probability(self, X: np.ndarray) -> np.ndarray:
        return 1 / (1 + np.exp(-self.raw(X)))

    def arrays(self, prefix: str) -> dict[str, np.ndarray]:
        return {
            f"{prefix}{name}": getattr(self, name)
            for name in ("feature", "threshold", "left", "right", "leaf", "value", "missing_left", "roots")
        } | {f"{prefix}baseline": np.array([self.baseline])}

    @classmethod
    def from_arrays(cls, f, prefix: str, meta: dict) -> "TreeEnsemble":
        return cls(
            feature=f[f"{prefix}feature"].astype(np.intp),
            threshold=f[f"{prefix}threshold"].astype(np.float64),
            left=f[f"{prefix}left"].astype(np.intp),
            right=f[f"{prefix}right"].astype(np.intp),
            leaf=f[f"{prefix}leaf"].astype(bool),
            value=f[f"{prefix}value"].astype(np.float64),
            missing_left=f[f"{prefix}missing_left"].astype(bool),
            roots=f[f"{prefix}roots"].astype(np.int64),
            baseline=float(f[f"{prefix}baseline"][0]),
            meta=meta,
        )


@dataclass(frozen=True)
class Ranker:
    """Two ensembles: profiles naming current occupations, and profiles of skills alone.

    Half of the signals read the current occupations and are zero without them; one model for both kinds
    lost 0.2 to 0.3 points of recall on the first kind (measured on two cross-validation seeds).
    """

    with_current: TreeEnsemble
    skills_only: TreeEnsemble
    meta: dict

    def probability(self, X: np.ndarray, has_current: bool) -> np.ndarray:
        return (self.with_current if has_current else self.skills_only).probability(X)

    @property
    def fingerprint(self) -> dict | None:
        """The data it learned from (`data_fingerprint`), None for a model saved before fingerprints."""
        return self.meta.get("fingerprint")

    def fits(self, fingerprint: dict) -> bool:
        return self.fingerprint == fingerprint

    def save(self, path: str | Path) -> None:
        arrays: dict[str, Any] = {
            **self.with_current.arrays("current_"),
            **self.skills_only.arrays("skills_"),
            "meta": np.array(json.dumps(self.meta, sort_keys=True)),
        }
        np.savez_compressed(path, **arrays)

    @classmethod
    def load(cls, path: str | Path = DEFAULT_MODEL) -> "Ranker":
        with np.load(path, allow_pickle=False) as f:
            meta = json.loads(str(f["meta"]))
            if tuple(meta.get("features", ())) != FEATURES:
                raise ValueError(f"{path}: the model was trained on other features; retrain it (train-ranker)")
            return cls(
                with_current=TreeEnsemble.from_arrays(f, "current_", meta),
                skills_only=TreeEnsemble.from_arrays(f, "skills_", meta),
                meta=meta,
            )


def export_sklearn(model, meta: dict) -> TreeEnsemble:
    """Flatten a fitted binary `HistGradientBoostingClassifier` (numerical features only) into arrays."""
    parts: dict[str, list[np.ndarray]] = {k: [] for k in ("feature", "threshold", "left", "right", "leaf", "value")}
    parts["missing_left"] = []
    roots = []
    offset = 0
    for iteration in model._predictors:  # one list per boosting round, one tree per class (one here)
        (tree,) = iteration
        nodes = tree.nodes
        roots.append(offset)
        leaf = nodes["is_leaf"].astype(bool)
        parts["feature"].append(nodes["feature_idx"].astype(np.int64))
        parts["threshold"].append(nodes["num_threshold"].astype(np.float64))
        parts["left"].append(np.where(leaf, 0, nodes["left"].astype(np.int64) + offset))
        parts["right"].append(np.where(leaf, 0, nodes["right"].astype(np.int64) + offset))
        parts["leaf"].append(leaf)
        parts["value"].append(np.where(leaf, nodes["value"], 0.0).astype(np.float64))
        parts["missing_left"].append(nodes["missing_go_to_left"].astype(bool))
        offset += len(nodes)
    baseline = float(np.asarray(model._baseline_prediction).ravel()[0])
    return TreeEnsemble(
        **{k: np.concatenate(v) for k, v in parts.items()},
        roots=np.array(roots, dtype=np.int64),
        baseline=baseline,
        meta=meta,
    )
