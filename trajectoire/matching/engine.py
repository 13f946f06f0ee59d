"""The matching engine: one object, loaded once, answering `extract` and `recommend`.

Inputs and outputs are plain dataclasses whose `to_dict()` is exactly the JSON of the command line, so the
web API is a thin call. The engine never receives gender, age or origin: a profile only carries skill codes,
current occupations, RIASEC letters and exclusions, and anything else is refused.
"""

import dataclasses
import math
import re
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
from trajectoire.matching.wishes import THEMES, WishReading, fold, fold_lines, read_wishes

RIASEC_ORDER = "RIASEC"
RIASEC_LETTERS = frozenset(RIASEC_ORDER)
PROFILE_KEYS = ("skills", "current_occupations", "riasec", "exclude", "wishes", "avoid_contexts", "distance")
DISTANCES = ("proche", "equilibre", "reconversion")
MAX_WISHES = 5_000  # characters of the person's own words
# How the person's words steer the ranking (chosen on the dev split of bench/data/wishes_eval.jsonl):
# final = base score scaled to [0, 1] + WISH_WEIGHT[distance] x wish score (0-1) + OWN_WEIGHT x expert link.
WISH_WEIGHT = {"proche": 1.0, "equilibre": 2.0, "reconversion": 2.4}
WISH_POWER = 2.0  # a partial answer to a wish counts much less than a full one
OWN_WEIGHT_WITH_WISHES = {"proche": 1.0, "equilibre": 0.0, "reconversion": 0.0}
SAME_DOMAIN = {"proche": 0.25, "equilibre": 0.0, "reconversion": -0.3}  # same ROME domain as a current job
LIKED_CONTEXT_WEIGHT = 0.15
NAMED_OCCUPATION_MIN = 3.0  # extraction score of a job title actually named in the wishes
WISH_CANDIDATES = 40  # occupations answering the wishes best join the candidates of the linear stage
DOMAIN_CAP = 3  # reconversion: at most three suggestions of one ROME domain in the top ten
SET_ASIDE_MAX = 10
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
    wishes: str = ""
    avoid_contexts: tuple[str, ...] = ()
    distance: str = "equilibre"

    @property
    def steers(self) -> bool:
        """Whether the person's words, refusals or distance change anything (else: the plain ranking)."""
        return bool(self.wishes.strip() or self.avoid_contexts or self.distance != "equilibre")

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
            wishes=_wishes(data.get("wishes")),
            avoid_contexts=_codes(data.get("avoid_contexts"), "avoid_contexts"),
            distance=_distance(data.get("distance")),
        )


def _wishes(value) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ProfileError("« wishes » doit être un texte / 'wishes' must be a string")
    if len(value) > MAX_WISHES:
        raise ProfileError(f"« wishes » est trop long (max {MAX_WISHES} caractères) / 'wishes' is too long")
    return value


def _distance(value) -> str:
    if value is None or value == "":
        return "equilibre"
    folded = fold(value) if isinstance(value, str) else None
    if folded not in DISTANCES:
        raise ProfileError(
            "« distance » vaut proche, equilibre ou reconversion / "
            "'distance' must be proche, equilibre or reconversion"
        )
    return folded


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
    wish_match: list[str] = field(default_factory=list)  # the person's words this target answers
    contexts: list[dict] = field(default_factory=list)  # its work contexts the person named (liked/refused)
    labels: dict[str, str] = field(default_factory=dict)  # label of every shared and missing item

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
            "wish_match": self.wish_match,
            "contexts": self.contexts,
            "labels": self.labels,
        }


@dataclass(frozen=True)
class Recommendation:
    suggestions: list[Suggestion]
    unknown_codes: list[str] = field(default_factory=list)  # ignored codes, for the caller to report
    understood: dict = field(default_factory=lambda: {"occupations": [], "skills": [], "avoid_contexts": []})
    set_aside: list[dict] = field(default_factory=list)  # [{code_rome, label, reason}] refused conditions

    def to_dict(self) -> dict:
        return {
            "suggestions": [s.to_dict() for s in self.suggestions],
            "understood": self.understood,
            "set_aside": self.set_aside,
        }


@dataclass
class Steering:
    """What the person's words, refusals and distance do to one recommendation."""

    reading: WishReading
    refused: dict[int, str]  # context column -> words (or "" when given as a code)
    liked: dict[int, str]
    wish: np.ndarray | None  # wish score per occupation (0-1), None without positive wishes
    answers: list[tuple[str, np.ndarray]]  # (words, score per occupation) of each wish
    understood: dict
    distance: str
    refused_mask: np.ndarray | None = None  # occupations carrying a refused context
    liked_mask: np.ndarray | None = None  # occupations carrying a liked context


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
        # Work contexts (`referentiel_contexte_travail` items: night work, loads, publics...) of each occupation.
        kinds = np.array([data.items[c][1] for c in self.item_codes])
        self.is_context = kinds == "context"
        self.is_skill = (kinds == "competence") | (kinds == "savoir")
        self.context_codes = {self.item_codes[j] for j in np.flatnonzero(self.is_context)}
        self._theme_cache: dict[str, np.ndarray] = {}
        self._coherence_csc: sp.csc_matrix | None = None
        self._folded_labels: tuple[str, np.ndarray] | None = None
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
        unknown += [c for c in profile.avoid_contexts if c not in self.context_codes]
        items = np.array(sorted({self.item_index[c] for c in profile.skills if c in self.item_index}), dtype=np.int64)
        current = np.array(
            sorted({self.index[c] for c in profile.current_occupations if c in self.index}), dtype=np.int64
        )
        if not items.size and current.size:
            # Only current occupations: their own coherence items stand for the skills.
            items = np.unique(self.coherence[current].indices)
        return profile, items, current, unknown

    def candidates(
        self, items: np.ndarray, current: np.ndarray, banned: set[int], k: int = CANDIDATES, extra=None
    ) -> Candidates:
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
        if extra is not None and len(extra):
            # Occupations the wishes point to, even when the linear score is low (a reconversion).
            extra = np.asarray(extra, dtype=np.int64)
            extra = extra[~np.isin(extra, list(banned))]
            position[extra[position[extra] >= len(order)]] = len(order)
            chosen = np.union1d(chosen, extra)
        chosen = chosen[np.argsort(position[chosen], kind="stable")]
        return Candidates(chosen, position[chosen], feature_matrix(comp, linear, position, chosen), linear, own)

    def _ranked(self, profile: Profile, items: np.ndarray, current: np.ndarray, top: int, steer=None):
        banned = set(current.tolist()) | {self.index[c] for c in profile.exclude if c in self.index}
        extra = None
        if steer is not None and steer.wish is not None:
            order = np.lexsort((np.arange(len(self.codes)), -steer.wish))[:WISH_CANDIDATES]
            extra = order[steer.wish[order] > 0]
        cand = self.candidates(items, current, banned, max(CANDIDATES, top), extra=extra)
        fits = None
        if profile.riasec:
            fits = np.array([_riasec_fit(profile.riasec, r) for r in self.riasec])
        idx = cand.indices
        if steer is not None:
            # Refused targets are dropped afterwards (`_filter`): keep enough of the list for them.
            score = self._steered_score(cand, current, fits, steer)
            keep = np.lexsort((idx, cand.position, -score))
        elif self.ranker is None:
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

    def _base_score(self, cand: Candidates, current: np.ndarray, fits) -> np.ndarray:
        """The plain score of the candidates, without the expert-link bonus, scaled to [0, 1]."""
        idx = cand.indices
        if self.ranker is None:
            base = cand.linear[idx] + (RIASEC_WEIGHT * fits[idx] if fits is not None else 0)
        else:
            base = self.ranker.probability(cand.features, bool(current.size))
            if fits is not None:
                base = base * (1 + RIASEC_NUDGE * fits[idx])
        top = float(base.max()) if base.size else 0.0
        return base / top if top > 0 else base

    def _steered_score(self, cand: Candidates, current: np.ndarray, fits, steer: "Steering") -> np.ndarray:
        """Base score (0-1) + the wishes + the expert links, weighted by the distance the person asked for."""
        idx = cand.indices
        score = self._base_score(cand, current, fits)
        wish = steer.wish
        own_weight = OWN_WEIGHT_WITH_WISHES[steer.distance] if wish is not None else 1.0
        if steer.distance == "reconversion":
            own_weight = 0.0
        score = score + own_weight * cand.own[idx]
        if wish is not None:
            score = score + WISH_WEIGHT[steer.distance] * wish[idx] ** WISH_POWER
        if steer.liked_mask is not None:
            score = score + LIKED_CONTEXT_WEIGHT * steer.liked_mask[idx]
        if current.size and SAME_DOMAIN[steer.distance]:
            same = np.isin(self.domains[idx], self.domains[current])
            score = score + SAME_DOMAIN[steer.distance] * same
        return score

    def steering(self, profile: Profile) -> "Steering":
        """Read the wishes (refusals, liked conditions, themes, occupations named) once per recommendation."""
        reading = read_wishes(profile.wishes)
        refused: dict[int, str] = {}
        for code in profile.avoid_contexts:
            if code in self.context_codes:
                refused.setdefault(self.item_index[code], "")
        for code, words in reading.refused_contexts.items():
            if code in self.context_codes:
                refused.setdefault(self.item_index[code], words)
        liked = {
            self.item_index[code]: words
            for code, words in reading.liked_contexts.items()
            if code in self.context_codes and self.item_index[code] not in refused
        }
        answers: list[tuple[str, np.ndarray]] = [(t.words, self._theme_vector(t.key)) for t in reading.themes]
        named: list[dict] = []
        skills: list[dict] = []
        if reading.positive_text.strip():
            extraction = self.extract(reading.positive_text, top=3, top_skills=5)
            best = extraction.occupations[0].score if extraction.occupations else 0.0
            vec = np.zeros(len(self.codes))
            for hit in extraction.occupations:
                if hit.score >= NAMED_OCCUPATION_MIN and hit.score >= best / 2:
                    vec[self.index[hit.code_rome]] = min(1.0, hit.score / best)
                    named.append({"code_rome": hit.code_rome, "label": hit.label})
            if named:
                answers.append((_short(reading.positive_text), vec))
            skills = [
                {"code_ogr": s.code_ogr, "label": s.label, "evidence": s.evidence}
                for s in extraction.skills
                if s.score >= 0.1
            ]
        wish = None
        if answers:
            miss = np.ones(len(self.codes))
            for _, vec in answers:
                miss *= 1 - 0.9 * vec
            wish = 1 - miss

        def described(columns: dict[int, str]) -> list[dict]:
            rows = sorted(columns.items(), key=lambda kv: self.item_codes[kv[0]])
            return [{"code": self.item_codes[j], "label": self.item_labels[j], "words": w} for j, w in rows]

        understood = {
            "occupations": named,
            "skills": skills,
            "avoid_contexts": described(refused),
            "liked_contexts": described(liked),
            "themes": [{"theme": t.key, "words": t.words} for t in reading.themes],
        }
        return Steering(
            reading,
            refused,
            liked,
            wish,
            answers,
            understood,
            profile.distance,
            refused_mask=self._carrying(refused),
            liked_mask=self._carrying(liked),
        )

    def _carrying(self, columns: dict[int, str]) -> np.ndarray | None:
        """Occupations whose coherence items include one of these items (column reads of a CSC copy)."""
        if not columns:
            return None
        if self._coherence_csc is None:
            self._coherence_csc = self.coherence.tocsc()
        csc = self._coherence_csc
        mask = np.zeros(len(self.codes), dtype=bool)
        for j in columns:
            mask[csc.indices[csc.indptr[j] : csc.indptr[j + 1]]] = True
        return mask

    def _theme_vector(self, key: str) -> np.ndarray:
        """How much each occupation's skills answer a wish theme, 0-1 (idf share of matching items)."""
        cached = self._theme_cache.get(key)
        if cached is not None:
            return cached
        theme = next(t for t in THEMES if t.key == key)
        if self._folded_labels is None:
            # All labels folded into one text, one per line: one regex scan per theme instead of 15,000.
            text = fold_lines(self.item_labels)
            starts = np.array([0] + [m.end() for m in re.finditer("\n", text)])
            self._folded_labels = (text, starts)
        text, starts = self._folded_labels
        hit = np.zeros(len(self.item_labels))
        found = [m.start() for m in re.finditer(theme.items, text)]
        if found:
            hit[np.searchsorted(starts, np.array(found), side="right") - 1] = 1.0
        hit *= self.is_skill
        weights = self.item_idf * self.is_skill
        total = np.asarray(self.coherence @ weights).ravel()
        share = np.asarray(self.coherence @ (weights * hit)).ravel() / np.where(total > 0, total, 1)
        positive = share[share > 0]
        scale = float(np.quantile(positive, 0.97)) if positive.size else 1.0
        vec = np.clip(share / (scale or 1.0), 0, 1)
        if theme.contexts:
            cols = [self.item_index[c] for c in theme.contexts if c in self.item_index]
            if cols:
                has = np.asarray(self.coherence[:, cols].sum(1)).ravel() > 0
                vec = np.maximum(vec, 0.5 * has)
        self._theme_cache[key] = vec
        return vec

    def rank(self, profile: Profile | Mapping, top: int = MAX_TOP) -> list[tuple[str, float]]:
        """Ranked target codes with scores, without the details (for evaluation and batch work)."""
        profile, items, current, _ = self._resolve(profile)
        if not items.size:
            return []
        if profile.steers:
            steer = self.steering(profile)
            chosen, score, _, _ = self._ranked(profile, items, current, max(0, int(top)), steer)
            chosen, _ = self._filter(chosen, steer, max(0, int(top)))
        else:
            chosen, score, _, _ = self._ranked(profile, items, current, max(0, int(top)))
        return [(self.codes[i], float(score[i])) for i in chosen]

    def recommend(self, profile: Profile | Mapping, top: int = 10) -> Recommendation:
        profile, items, current, unknown = self._resolve(profile)
        top = max(0, min(int(top), MAX_TOP))
        steer = self.steering(profile) if profile.steers else None
        understood = steer.understood if steer else Recommendation([]).understood
        if not items.size or top == 0:
            return Recommendation([], unknown, understood)
        chosen, score, own, fits = self._ranked(profile, items, current, top, steer)
        set_aside: list[dict] = []
        if steer is not None:
            chosen, set_aside = self._filter(chosen, steer, top)
        profile_items = set(items.tolist())
        suggestions = [
            self._suggestion(i, float(score[i]), profile_items, current, own[i], fits, steer) for i in chosen
        ]
        return Recommendation(suggestions, unknown, understood, set_aside)

    def _filter(self, ranked: list[int], steer: "Steering", top: int) -> tuple[list[int], list[dict]]:
        """Drop targets carrying a refused context (kept apart, with the reason); cap domains in reconversion."""
        kept: list[int] = []
        deferred: list[int] = []
        set_aside: list[dict] = []
        per_domain: dict[int, int] = {}
        for i in ranked:
            if steer.refused_mask is not None and steer.refused_mask[i]:
                row = set(_row(self.coherence, i).tolist())
                hit = sorted((j for j in steer.refused if j in row), key=lambda j: self.item_codes[j])
                if hit:
                    if len(kept) < top and len(set_aside) < SET_ASIDE_MAX:
                        code = self.codes[i]
                        reason = self._refusal_reason(hit, steer.refused)
                        set_aside.append({"code_rome": code, "label": self.occupation_label(code), "reason": reason})
                    continue
            if steer.distance == "reconversion" and len(kept) < 10:
                domain = int(self.domains[i])
                if per_domain.get(domain, 0) >= DOMAIN_CAP:
                    deferred.append(i)
                    continue
                per_domain[domain] = per_domain.get(domain, 0) + 1
            kept.append(i)
            if len(kept) >= max(top, 10):
                break
        return (kept[:10] + deferred + kept[10:])[:top] if len(kept) >= 10 else (kept + deferred)[:top], set_aside

    def _refusal_reason(self, columns: list[int], refused: dict[int, str]) -> str:
        parts = []
        for j in columns:
            words = refused[j]
            parts.append(f"{self.item_labels[j]} (« {words} »)" if words else f"{self.item_labels[j]}")
        return "Condition refusée : " + " ; ".join(parts)

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

    def _suggestion(self, i, score, profile_items, current, is_mobility, fits, steer=None) -> Suggestion:
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
        wish_match: list[str] = []
        contexts: list[dict] = []
        if steer is not None:
            wish_match = list(dict.fromkeys(words for words, vec in steer.answers if vec[i] >= 0.3))
            row = set(_row(self.coherence, i).tolist())
            for j, words in sorted(steer.liked.items(), key=lambda kv: self.item_codes[kv[0]]):
                if j in row:
                    label = self.item_labels[j]
                    contexts.append({"code": self.item_codes[j], "label": label, "stance": "liked", "words": words})
        details = [self.item_codes[j] for j in shared[:DETAIL_ITEMS] + missing[:DETAIL_ITEMS]]
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
            wish_match=wish_match,
            contexts=contexts,
            labels={c: self.item_label(c) for c in details},
        )


def _short(text: str, limit: int = 80) -> str:
    words = " ".join(text.split())
    return words if len(words) <= limit else words[:limit].rsplit(" ", 1)[0] + "…"


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
