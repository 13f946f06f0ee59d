"""Training the learned ranker from ROME's expert mobility links (development only: needs scikit-learn).

Each occupation with expert links becomes a training query: its coherence items as the skills, with and
without the occupation as current one, and its expert targets as the answers. Its features are computed by
an engine that does not see its links (cross-fitting over folds, as in the benchmark), so the ranker learns
how the signals behave for an occupation whose links are unknown, the situation of a real person.

    python -m trajectoire.matching train-ranker [--data-dir DIR] [--out trajectoire/matching/models/ranker.npz]
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from trajectoire.matching.ranker import FEATURES, Ranker, TreeEnsemble, data_fingerprint, export_sklearn

if TYPE_CHECKING:
    from trajectoire.matching.engine import Engine

FOLDS = 5
SEED = 42
VARIANTS = ("current", "skills")  # profile with the occupation as current one; skills alone (one model each)
# Early stopping holds out 10 % of the rows and stops when their loss no longer improves (about 220 trees).
PARAMS = {
    "max_iter": 300,
    "learning_rate": 0.05,
    "max_leaf_nodes": 15,
    "min_samples_leaf": 50,
    "early_stopping": True,
    "random_state": 0,
}


@dataclass(frozen=True)
class Query:
    source: str
    variant: str
    candidates: np.ndarray  # occupation indices, linear order
    features: np.ndarray  # candidates x FEATURES
    labels: np.ndarray  # True where the candidate is an expert target of the source


def mobility_targets(engine: "Engine") -> dict[str, set[str]]:
    """Expert targets of each source occupation (codes the engine knows, no self-links)."""
    targets: dict[str, set[str]] = {}
    for src, dst, _ in engine.data.mobility:
        if src in engine.index and dst in engine.index and src != dst:
            targets.setdefault(src, set()).add(dst)
    return targets


def fold_split(sources: Iterable[str], folds: int = FOLDS, seed: int = SEED) -> list[set[str]]:
    """Sources shuffled with a fixed seed, then dealt into folds (the benchmark's split)."""
    ordered = sorted(sources)
    perm = np.random.default_rng(seed).permutation(len(ordered))
    return [{ordered[j] for j in perm[k::folds]} for k in range(folds)]


def profile_arrays(view: "Engine", source: str, variant: str) -> tuple[np.ndarray, np.ndarray]:
    """Items and current occupations of the query made from `source`."""
    i = view.index[source]
    items = view.coherence[i].indices
    current = np.array([i] if variant == "current" else [], dtype=np.int64)
    return items, current


def queries_for_fold(
    view: "Engine", fold: Iterable[str], targets: dict[str, set[str]], variants: Sequence[str] = VARIANTS
) -> list[Query]:
    """Queries of the sources in `fold`, computed by `view`, which must not see their links."""
    queries = []
    for source in sorted(fold):
        i = view.index[source]
        if view.recommender.M[i].nnz:
            raise ValueError(f"{source}: the view sees the links it should learn to find")
        wanted = np.array(sorted(view.index[t] for t in targets[source]))
        for variant in variants:
            items, current = profile_arrays(view, source, variant)
            cand = view.candidates(items, current, banned={i})
            queries.append(Query(source, variant, cand.indices, cand.features, np.isin(cand.indices, wanted)))
    return queries


def cross_fitted_queries(
    engine: "Engine", folds: int = FOLDS, seed: int = SEED, variants: Sequence[str] = VARIANTS
) -> list[list[Query]]:
    """Queries of every source, fold by fold, each computed without the links of its own fold."""
    targets = mobility_targets(engine)
    return [
        queries_for_fold(engine.without_mobility_from(fold), fold, targets, variants)
        for fold in fold_split(targets, folds, seed)
    ]


NO_SKLEARN = (
    "L'entraînement du classement demande scikit-learn (requirements/dev.txt). / "
    "Training the ranker needs scikit-learn (requirements/dev.txt)."
)


def _fit(queries: Sequence[Query], meta: dict) -> TreeEnsemble:
    from sklearn.ensemble import HistGradientBoostingClassifier

    X = np.vstack([q.features for q in queries])
    y = np.concatenate([q.labels for q in queries]).astype(int)
    model = HistGradientBoostingClassifier(**PARAMS)
    model.fit(X, y)
    return export_sklearn(model, {**meta, "queries": len(queries), "rows": int(len(y)), "positives": int(y.sum())})


def train(queries: Sequence[Query], meta: dict | None = None) -> Ranker:
    """Boosted trees (logistic loss) over the candidates, one model per kind of profile, flattened for numpy."""
    try:
        import sklearn
    except ImportError as exc:  # pragma: no cover - depends on the installation
        raise RuntimeError(NO_SKLEARN) from exc

    info = {"features": list(FEATURES), "params": PARAMS, "sklearn": sklearn.__version__, **(meta or {})}
    current = [q for q in queries if q.variant == "current"]
    skills = [q for q in queries if q.variant == "skills"]
    # A benchmark that only ranks profiles with a current occupation trains that model alone (half the time);
    # the other slot then holds the same trees.
    with_current = _fit(current or skills, info)
    return Ranker(with_current=with_current, skills_only=_fit(skills, info) if skills else with_current, meta=info)


def train_shipped(
    engine: "Engine", folds: int = FOLDS, seed: int = SEED, variants: Sequence[str] = VARIANTS
) -> Ranker:
    """The model shipped with Trajectoire: every cross-fitted query of the engine's referential."""
    queries = [q for fold in cross_fitted_queries(engine, folds, seed, variants) for q in fold]
    fingerprint = data_fingerprint(engine.version, engine.data.mobility)
    return train(queries, {"rome_version": engine.version, "folds": folds, "seed": seed, "fingerprint": fingerprint})


def write_reduced_folder(data_dir: str | Path, out_dir: str | Path, sources: Iterable[str]) -> Path:
    """Copy a ROME folder without the mobility rows whose source is in `sources` (the held-out protocol).

    The other files are linked, not copied; MANIFEST.json is left out, since the folder no longer matches it.
    `train-ranker --data-dir OUT` then learns nothing from the removed rows.
    """
    import csv
    import gzip
    import io

    data_dir, out_dir = Path(data_dir), Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    gone = frozenset(sources)
    for path in sorted(data_dir.iterdir()):
        if not path.is_file() or path.name == "MANIFEST.json":
            continue
        target = out_dir / path.name
        if "_rubrique_mobilite_" not in path.name:
            target.symlink_to(path.resolve())
            continue
        raw = path.read_bytes()
        text = (gzip.decompress(raw) if path.suffix == ".gz" else raw).decode("utf-8")
        rows = list(csv.reader(io.StringIO(text)))
        at = rows[0].index("code_rome")
        kept = io.StringIO()
        csv.writer(kept, quoting=csv.QUOTE_ALL, lineterminator="\n").writerows(
            [rows[0], *(r for r in rows[1:] if r and r[at] not in gone)]
        )
        body = kept.getvalue().encode("utf-8")
        target.write_bytes(gzip.compress(body, mtime=0) if path.suffix == ".gz" else body)
    return out_dir
