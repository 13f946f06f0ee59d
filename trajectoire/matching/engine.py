"""The matching engine: one object, loaded once, answering `extract` and `recommend`.

Inputs and outputs are plain dataclasses whose `to_dict()` is exactly the JSON of the command line, so the
web API is a thin call. The engine never receives gender, age or origin: a profile only carries skill codes,
current occupations, RIASEC letters and exclusions, and anything else is refused.
"""

import dataclasses
import math
import sys
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from trajectoire.matching.explain import both_genders, explain_suggestion
from trajectoire.matching.extract import Extractor
from trajectoire.matching.levels import entry_level
from trajectoire.matching.loader import RomeData, default_data_dir, load
from trajectoire.matching.ranker import DEFAULT_MODEL, Ranker, RankerMismatch, data_fingerprint, feature_matrix
from trajectoire.matching.recommend import WEIGHTS, Recommender
from trajectoire.matching.text import Normaliser

RIASEC_ORDER = "RIASEC"
RIASEC_LETTERS = frozenset(RIASEC_ORDER)
PROFILE_KEYS = ("skills", "current_occupations", "riasec", "exclude")
MAX_LIST_ITEMS = 5_000  # a profile listing more codes than the referential holds is a mistake
MAX_TOP = 200
RIASEC_WEIGHT = 0.3  # interests nudge the ranking; the expert links and skills decide it (linear score)
RIASEC_NUDGE = 0.15  # the same nudge on the learned ranker's probability: at most +15 %
OWN_MOBILITY_WEIGHT = WEIGHTS["own_mobility"]
CANDIDATES = 150  # the learned ranker orders the first 150 occupations of the linear score
DETAIL_ITEMS = 10  # shared and missing skills listed per suggestion


class ProfileError(ValueError):
    """A profile that cannot be read (message in French, then English)."""


_NOTIFIED: set[str] = set()


def _stderr_once(message: str) -> None:
    """Default notice channel: standard error, once per process (each web worker says it once)."""
    if message not in _NOTIFIED:
        _NOTIFIED.add(message)
        sys.stderr.write(f"attention : {message}\n")


@dataclass(frozen=True)
class Profile:
    skills: tuple[str, ...] = ()
    current_occupations: tuple[str, ...] = ()
    riasec: str = ""
    exclude: tuple[str, ...] = ()

    @classmethod
    def from_mapping(cls, data: Mapping, *, strict: bool = True) -> "Profile":
        """Build a profile from a dict. Unknown keys are refused (strict) or dropped, never used."""
        if not isinstance(data, Mapping):
            raise ProfileError("le profil doit être un objet JSON / the profile must be a JSON object")
        extra = sorted(str(k) for k in data if k not in PROFILE_KEYS)
        if extra and strict:
            raise ProfileError(
                f"clés non admises dans le profil : {', '.join(extra)} (seules {', '.join(PROFILE_KEYS)} le sont) "
                f"/ keys not allowed in a profile: {', '.join(extra)}"
            )
        return cls(
            skills=_codes(data.get("skills"), "skills"),
            current_occupations=_codes(data.get("current_occupations"), "current_occupations"),
            riasec=_riasec(data.get("riasec")),
            exclude=_codes(data.get("exclude"), "exclude"),
        )


def _codes(value, name: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str) or not isinstance(value, list | tuple):
        raise ProfileError(f"« {name} » doit être une liste de codes / '{name}' must be a list of codes")
    if len(value) > MAX_LIST_ITEMS:
        raise ProfileError(f"« {name} » est trop long / '{name}' is too long (max {MAX_LIST_ITEMS})")
    out = []
    for v in value:
        if isinstance(v, bool) or not isinstance(v, str | int):
            raise ProfileError(f"« {name} » ne doit contenir que des codes / '{name}' must only hold codes")
        out.append(str(v).strip())
    return tuple(dict.fromkeys(out))


def _riasec(value) -> str:
    if value is None or value == "":
        return ""
    if not isinstance(value, str):
        raise ProfileError('« riasec » doit être une chaîne comme "SA" / \'riasec\' must be a string like "SA"')
    letters = value.strip().upper()
    if not letters or len(letters) > 6 or set(letters) - RIASEC_LETTERS:
        raise ProfileError(
            "« riasec » ne peut contenir que les lettres R, I, A, S, E, C / 'riasec' may only hold R, I, A, S, E, C"
        )
    return "".join(dict.fromkeys(letters))


@dataclass(frozen=True)
class OccupationHit:
    code_rome: str
    score: float
    label: str

    def to_dict(self) -> dict:
        return {"code_rome": self.code_rome, "score": self.score, "label": self.label}


@dataclass(frozen=True)
class SkillHit:
    code_ogr: str
    score: float
    evidence: str
    label: str

    def to_dict(self) -> dict:
        return {"code_ogr": self.code_ogr, "score": self.score, "evidence": self.evidence, "label": self.label}


@dataclass(frozen=True)
class Extraction:
    occupations: list[OccupationHit]
    skills: list[SkillHit]

    def to_dict(self) -> dict:
        return {"occupations": [o.to_dict() for o in self.occupations], "skills": [s.to_dict() for s in self.skills]}


@dataclass(frozen=True)
class Suggestion:
    code_rome: str
    label: str
    score: float
    shared_skills: list[str]
    missing_skills: list[str]
    mobility: bool
    riasec_fit: float | None
    explanation: str

    def to_dict(self) -> dict:
        return {
            "code_rome": self.code_rome,
            "label": self.label,
            "score": self.score,
            "shared_skills": self.shared_skills,
            "missing_skills": self.missing_skills,
            "mobility": self.mobility,
            "riasec_fit": self.riasec_fit,
            "explanation": self.explanation,
        }


@dataclass(frozen=True)
class Recommendation:
    suggestions: list[Suggestion]
    unknown_codes: list[str] = field(default_factory=list)  # ignored codes, for the caller to report

    def to_dict(self) -> dict:
        return {"suggestions": [s.to_dict() for s in self.suggestions]}


@dataclass(frozen=True)
class Candidates:
    """Output of the linear stage for one profile."""

    indices: np.ndarray  # candidate occupations, best linear score first
    position: np.ndarray  # their position in the linear order
    features: np.ndarray  # candidates x ranker.FEATURES
    linear: np.ndarray  # linear score of every occupation
    own: np.ndarray  # True where the target is an expert link of a current occupation


class Engine:
    """Loaded once from a ROME folder; `extract` and `recommend` are then pure, fast and deterministic."""

    def __init__(
        self,
        data: RomeData,
        *,
        exclude_mobility_sources: Iterable[str] = (),
        ranker: Ranker | None | str | Path = "shipped",
        notify: Callable[[str], None] | None = None,
    ) -> None:
        self.data = data
        self.version = data.version
        self.norm = Normaliser()
        self.codes = [c for c, _ in data.occupations]
        self.labels = {c: lab for c, lab in data.occupations}
        self.index = {c: i for i, c in enumerate(self.codes)}
        n = len(self.codes)

        # Items used by occupations (coherence), in a fixed order.
        self.item_codes = sorted({ogr for _, ogr, _ in data.coherence if ogr in data.items})
        self.item_index = {c: i for i, c in enumerate(self.item_codes)}
        self.item_labels = [data.items[c][0] for c in self.item_codes]
        rows, cols, core = [], [], []
        for code, ogr, is_core in data.coherence:
            if code in self.index and ogr in self.item_index:
                rows.append(self.index[code])
                cols.append(self.item_index[ogr])
                core.append(is_core)
        binary = sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, len(self.item_codes)))
        binary.data[:] = 1.0
        self.coherence = binary
        self.core = sp.csr_matrix(
            (np.array(core, dtype=float) + 0.0, (rows, cols)), shape=(n, len(self.item_codes))
        ).tocsr()
        self.core.eliminate_zeros()
        df = np.asarray(binary.sum(0)).ravel()
        self.item_idf = np.log(max(n, 1) / np.maximum(df, 1))
        tfidf = binary.multiply(self.item_idf).tocsr()
        norms = np.sqrt(np.asarray(tfidf.multiply(tfidf).sum(1)).ravel())
        self.item_matrix = (sp.diags(1 / np.where(norms > 0, norms, 1)) @ tfidf).tocsr()

        self.riasec = [data.riasec.get(c, ("", "")) for c in self.codes]
        self.text_sim = self._text_similarity()
        domain_ids: dict[str, int] = {}
        parent_ids: dict[str, int] = {}
        self.domains = np.array([domain_ids.setdefault(c[:3], len(domain_ids)) for c in self.codes])
        self.parents = np.array([parent_ids.setdefault(data.parents.get(c, c), len(parent_ids)) for c in self.codes])
        letters = sorted({c[0] for c in self.codes})
        self.grand_domains = np.array([letters.index(c[0]) for c in self.codes], dtype=np.int64)
        self.levels = np.array([entry_level(data.access.get(c, "")) for c in self.codes], dtype=np.int64)
        self.extractor = self._build_extractor()
        self._exclude_sources = frozenset(exclude_mobility_sources)
        self.recommender = self._build_recommender(self._exclude_sources)
        self.fingerprint = data_fingerprint(data.version, data.mobility)
        self.notices: list[str] = []
        self.ranker: Ranker | None = self._choose_ranker(ranker, notify or _stderr_once)
        self._item_order: dict[int, tuple[list[int], frozenset[int]]] = {}

    def _choose_ranker(self, ranker, notify: Callable[[str], None]) -> Ranker | None:
        """The learned ranker to use, only if it learned from the data read (its fingerprint).

        "shipped": the shipped model when its fingerprint matches, else the linear stage with one notice;
        a path: that model, refused (RankerMismatch) when its fingerprint does not match; a Ranker object:
        used as given (benchmarks build their own); None: the linear stage.
        """
        if ranker is None or isinstance(ranker, Ranker):
            return ranker
        if self._exclude_sources:
            return None  # a cross-validation view: every model has seen the links it hides
        if ranker == "shipped":
            if not DEFAULT_MODEL.exists():
                return None
            model = Ranker.load(DEFAULT_MODEL)
            if model.fits(self.fingerprint):
                return model
            message = (
                "le classement appris livré n'a pas été entraîné sur ces données ROME (version ou liens de "
                "mobilité différents) : classement linéaire utilisé ; entraînez-en un avec « train-ranker "
                "--data-dir DOSSIER --out FICHIER » puis « --ranker FICHIER » / the shipped ranker was not "
                "trained on this ROME data: ranking with the linear stage"
            )
            self.notices.append(message)
            notify(message)
            return None
        path = Path(ranker)
        try:
            model = Ranker.load(path)
        except (OSError, ValueError, KeyError) as exc:
            raise RankerMismatch(
                f"modèle de classement illisible : {path} / unreadable ranker model: {path} ({exc})"
            ) from None
        if not model.fits(self.fingerprint):
            raise RankerMismatch(
                f"le modèle {path} n'a pas été entraîné sur ces données ROME (empreinte différente) ; "
                f"entraînez-le avec « train-ranker --data-dir DOSSIER --out {path} » / the model {path} was not "
                "trained on this ROME data (fingerprint differs)"
            )
        return model

    # -- construction
    @classmethod
    def from_dir(
        cls,
        path: str | Path | None = None,
        *,
        exclude_mobility_sources: Iterable[str] = (),
        ranker: Ranker | None | str | Path = "shipped",
        notify: Callable[[str], None] | None = None,
    ) -> "Engine":
        """Load from a ROME folder (plain or .gz files, any v4NN version); default: the shipped data.

        `ranker`: "shipped" (default: the shipped model if it learned from these data, else the linear stage
        and one notice through `notify`, standard error by default), the path of a model file (refused with
        RankerMismatch unless its fingerprint matches), a `Ranker`, or None for the linear score.
        """
        return cls(
            load(path or default_data_dir()),
            exclude_mobility_sources=exclude_mobility_sources,
            ranker=ranker,
            notify=notify,
        )

    def without_mobility_from(self, sources: Iterable[str], ranker: Ranker | None = None) -> "Engine":
        """A copy that does not see the expert mobility links leaving `sources` (for cross-validation).

        It ranks with the linear score unless given a ranker trained without those links.
        """
        clone = object.__new__(Engine)
        clone.__dict__.update(self.__dict__)
        clone._exclude_sources = frozenset(sources)
        clone.recommender = clone._build_recommender(clone._exclude_sources)
        clone.ranker = ranker
        return clone

    def with_mobility_removed_from(self, sources: Iterable[str], ranker: Ranker | None = None) -> "Engine":
        """A copy reading the data as if the mobility rows leaving `sources` were absent from the files.

        Unlike `without_mobility_from`, the rows are gone from `data` too: training on this copy (`train-ranker
        --data-dir` on a reduced folder) learns nothing from them, and its fingerprint is the reduced folder's.
        """
        gone = frozenset(sources)
        clone = object.__new__(Engine)
        clone.__dict__.update(self.__dict__)
        clone.data = dataclasses.replace(self.data, mobility=[r for r in self.data.mobility if r[0] not in gone])
        clone._exclude_sources = frozenset()
        clone.recommender = clone._build_recommender(clone._exclude_sources)
        clone.fingerprint = data_fingerprint(clone.data.version, clone.data.mobility)
        clone.notices = []
        clone.ranker = ranker
        clone._item_order = {}
        return clone

    def _build_recommender(self, exclude_sources: frozenset[str]) -> Recommender:
        n = len(self.codes)
        rows, cols = [], []
        self.mobility_pairs: set[tuple[int, int]] = set()
        for src, dst, _ in self.data.mobility:
            if src in exclude_sources or src not in self.index or dst not in self.index or src == dst:
                continue
            rows.append(self.index[src])
            cols.append(self.index[dst])
        links = sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, n))
        links.data[:] = 1.0
        return Recommender(
            item_matrix=self.item_matrix,
            item_idf=self.item_idf,
            text_sim=self.text_sim,
            mobility=links,
            domains=self.domains,
            parents=self.parents,
            grand_domains=self.grand_domains,
            coherence=self.coherence,
            riasec=_riasec_vectors(self.riasec),
            levels=self.levels,
        )

    def _text_similarity(self) -> np.ndarray:
        """Cosine of TF-IDF vectors over titles, appellations, definition and access texts."""
        docs: dict[str, list[str]] = {c: [self.labels[c]] for c in self.codes}
        for _, label, code in self.data.appellations:
            if code in docs:
                docs[code].append(label)
        for source in (self.data.definitions, self.data.access):
            for code, text in source.items():
                if code in docs:
                    docs[code].append(text)
        vocab: dict[str, int] = {}
        rows, cols = [], []
        for i, code in enumerate(self.codes):
            for stem in self.norm.stems(" ".join(docs[code])):
                rows.append(i)
                cols.append(vocab.setdefault(stem, len(vocab)))
        n = len(self.codes)
        m = sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, len(vocab)))
        m.sum_duplicates()
        m.data = np.log1p(m.data)
        df = np.asarray((m > 0).sum(0)).ravel()
        m = m.multiply(np.log(max(n, 1) / np.maximum(df, 1))).tocsr()
        norms = np.sqrt(np.asarray(m.multiply(m).sum(1)).ravel())
        m = sp.diags(1 / np.where(norms > 0, norms, 1)) @ m
        sim = (m @ m.T).toarray().astype(np.float32)
        np.fill_diagonal(sim, 0)
        return sim

    def _build_extractor(self) -> Extractor:
        kinds = [self.data.items[c][1] for c in self.item_codes]
        keep = np.array([k in ("competence", "savoir") for k in kinds])
        kept = np.nonzero(keep)[0]
        return Extractor(
            normaliser=self.norm,
            occupation_codes=self.codes,
            occupation_labels=[self.labels[c] for c in self.codes],
            appellations=[(label, code) for _, label, code in self.data.appellations],
            definitions=self.data.definitions,
            item_codes=[self.item_codes[i] for i in kept],
            item_labels=[self.item_labels[i] for i in kept],
            coherence=self.coherence[:, kept],
        )

    # -- labels
    def occupation_label(self, code: str) -> str:
        """Both-gender label of an occupation ("Aide-soignant / Aide-soignante")."""
        return both_genders(self.labels[code])

    def item_label(self, code: str) -> str:
        return self.data.items[code][0]

    # -- extraction
    def extract(self, text: str, top: int = 5, top_skills: int = 10) -> Extraction:
        if not isinstance(text, str):
            raise TypeError("text must be a string")
        top = max(0, min(int(top), MAX_TOP))
        top_skills = max(0, min(int(top_skills), MAX_TOP))
        if not text.strip() or top + top_skills == 0:
            return Extraction([], [])
        occupations, skills = self.extractor.run(text, max(top, 1), top_skills)
        return Extraction(
            occupations=[OccupationHit(c, round(s, 4), self.occupation_label(c)) for c, s in occupations[:top]],
            skills=[SkillHit(c, round(s, 4), ev, self.item_label(c)) for c, s, ev in skills],
        )

    # -- recommendation
    def _resolve(self, profile: Profile | Mapping) -> tuple[Profile, np.ndarray, np.ndarray, list[str]]:
        if not isinstance(profile, Profile):
            profile = Profile.from_mapping(profile)
        unknown = [c for c in profile.skills if c not in self.item_index]
        unknown += [c for c in profile.current_occupations + profile.exclude if c not in self.index]
        items = np.array(sorted({self.item_index[c] for c in profile.skills if c in self.item_index}), dtype=np.int64)
        current = np.array(
            sorted({self.index[c] for c in profile.current_occupations if c in self.index}), dtype=np.int64
        )
        if not items.size and current.size:
            # Only current occupations: their own coherence items stand for the skills.
            items = np.unique(self.coherence[current].indices)
        return profile, items, current, unknown

    def candidates(self, items: np.ndarray, current: np.ndarray, banned: set[int], k: int = CANDIDATES) -> Candidates:
        """The linear stage: the k best occupations by the linear score, plus the current ones' own links."""
        comp = self.recommender.components(items, current)
        linear = self.recommender.linear(comp)
        own = comp["own_mobility"] > 0
        allowed = (linear > 0) | own
        allowed[list(banned)] = False
        # Stable tie-breaking: equal scores keep the referential's code order.
        order = np.lexsort((np.arange(len(linear)), -linear))
        order = order[allowed[order]]
        position = np.full(len(linear), len(order))
        position[order] = np.arange(len(order))
        chosen = np.union1d(order[:k], np.flatnonzero(own & allowed))
        chosen = chosen[np.argsort(position[chosen], kind="stable")]
        return Candidates(chosen, position[chosen], feature_matrix(comp, linear, position, chosen), linear, own)

    def _ranked(self, profile: Profile, items: np.ndarray, current: np.ndarray, top: int):
        banned = set(current.tolist()) | {self.index[c] for c in profile.exclude if c in self.index}
        cand = self.candidates(items, current, banned, max(CANDIDATES, top))
        fits = None
        if profile.riasec:
            fits = np.array([_riasec_fit(profile.riasec, r) for r in self.riasec])
        idx = cand.indices
        if self.ranker is None:
            score = cand.linear[idx] + OWN_MOBILITY_WEIGHT * cand.own[idx]
            if fits is not None:
                score = score + RIASEC_WEIGHT * fits[idx]
            keep = np.lexsort((idx, -score))[:top]
        else:
            # A probability-like score; the expert's own links of a current occupation come first (+1).
            score = self.ranker.probability(cand.features, bool(current.size))
            if fits is not None:
                score = score * (1 + RIASEC_NUDGE * fits[idx])
            score = score + cand.own[idx]
            # The ranker was trained on the first CANDIDATES only: a longer list continues in linear order,
            # with a score of 0 (not ranked).
            score[(cand.position >= CANDIDATES) & ~cand.own[idx]] = 0.0
            keep = np.lexsort((idx, cand.position, -score))[:top]
        full = np.zeros(len(self.codes))
        full[idx] = score
        return [int(i) for i in idx[keep]], full, cand.own, fits

    def rank(self, profile: Profile | Mapping, top: int = MAX_TOP) -> list[tuple[str, float]]:
        """Ranked target codes with scores, without the details (for evaluation and batch work)."""
        profile, items, current, _ = self._resolve(profile)
        if not items.size:
            return []
        chosen, score, _, _ = self._ranked(profile, items, current, max(0, int(top)))
        return [(self.codes[i], float(score[i])) for i in chosen]

    def recommend(self, profile: Profile | Mapping, top: int = 10) -> Recommendation:
        profile, items, current, unknown = self._resolve(profile)
        top = max(0, min(int(top), MAX_TOP))
        if not items.size or top == 0:
            return Recommendation([], unknown)
        chosen, score, own, fits = self._ranked(profile, items, current, top)
        profile_items = set(items.tolist())
        suggestions = [self._suggestion(i, float(score[i]), profile_items, current, own[i], fits) for i in chosen]
        return Recommendation(suggestions, unknown)

    def _items_in_order(self, i: int) -> tuple[list[int], frozenset[int]]:
        """Items of occupation i, core items first, then rarer (more specific) ones; ties by code."""
        cached = self._item_order.get(i)
        if cached is None:
            core = frozenset(_row(self.core, i).tolist())
            ordered = sorted(
                _row(self.coherence, i).tolist(), key=lambda j: (j not in core, -self.item_idf[j], self.item_codes[j])
            )
            cached = self._item_order[i] = (ordered, core)
        return cached

    def _suggestion(self, i, score, profile_items, current, is_mobility, fits) -> Suggestion:
        ordered, core = self._items_in_order(i)
        target_items = ordered
        shared = [j for j in ordered if j in profile_items]
        missing = [j for j in ordered if j not in profile_items]
        source = None
        if is_mobility:
            for c in current:
                if i in _row(self.recommender.M, c):
                    source = self.labels[self.codes[c]]
                    break
        fit = None if fits is None else round(float(fits[i]), 2)
        code = self.codes[i]
        return Suggestion(
            code_rome=code,
            label=self.occupation_label(code),
            score=round(score, 4),
            shared_skills=[self.item_codes[j] for j in shared[:DETAIL_ITEMS]],
            missing_skills=[self.item_codes[j] for j in missing[:DETAIL_ITEMS]],
            mobility=bool(is_mobility),
            riasec_fit=fit,
            explanation=explain_suggestion(
                target_label=self.labels[code],
                n_shared=len(shared),
                n_target_items=len(target_items),
                shared_examples=[self.item_labels[j] for j in shared[:2]],
                missing_core_examples=[self.item_labels[j] for j in missing if j in core][:2],
                mobility_from=source,
                riasec_fit=fit,
            ),
        )


def _row(matrix: sp.csr_matrix, i: int) -> np.ndarray:
    """Column indices of row i of a CSR matrix (scipy's row indexing costs tens of microseconds)."""
    return matrix.indices[matrix.indptr[i] : matrix.indptr[i + 1]]


def _riasec_vectors(codes: list[tuple[str, str]]) -> np.ndarray:
    """One row per occupation over R, I, A, S, E, C: major 2, minor 1, L2-normalised (zero when unknown)."""
    out = np.zeros((len(codes), 6))
    for i, (major, minor) in enumerate(codes):
        # `"" in "RIASEC"` is true: an empty minor letter must not count as R.
        if major and major in RIASEC_ORDER:
            out[i, RIASEC_ORDER.index(major)] += 2
        if minor and minor in RIASEC_ORDER:
            out[i, RIASEC_ORDER.index(minor)] += 1
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    return out / np.where(norms > 0, norms, 1)


def _riasec_fit(letters: str, code: tuple[str, str]) -> float:
    """Share of the occupation's RIASEC code (major counts double) found in the person's letters."""
    major, minor = code
    total = (2 if major else 0) + (1 if minor else 0)
    if not total:
        return 0.0
    got = (2 if major and major in letters else 0) + (1 if minor and minor in letters else 0)
    return math.floor(100 * got / total) / 100
