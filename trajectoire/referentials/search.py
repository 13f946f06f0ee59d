"""Search over ROME job titles, occupations and skills: one function, `search()`, for the UI and the API.

Why in-process rather than SQL: results must be identical on SQLite and PostgreSQL, typo-tolerant and
fast. The index (≈ 50,000 labels) is built once per process from the database (or straight from the
CSV files in tests and benchmarks), cached, and rebuilt when a new ROME import is recorded
(`ReferentialVersion`).

How a query is matched:
1. Labels and query are normalised (lower case, no accents or punctuation); stop words (de, la...)
   are ignored. Job titles are indexed in both genders (« aide soignant », « aide soignante »).
2. Each query word expands to index words: identical (1.0), same French stem (0.95), word starting with
   the query word (0.9, « prepa » → « preparateur »), close spelling (0.8 / 0.7, Levenshtein with
   transpositions; one edit up to 5 letters, two beyond), or, for the word being typed, close prefix.
3. A label is ranked by tier: 0 same words as the query, 1 starts with the query, 2 contains every
   word (exactly or by prefix), 3 contains every word with a typo, 4 contains some words; then by the
   mean weight minus a small penalty per extra word, then job titles before occupations before skills,
   then shorter labels.
"""

import bisect
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import snowballstemmer
from rapidfuzz import process
from rapidfuzz.distance import OSA

from trajectoire.referentials.text import normalize, split_genders

JOB_TITLE = "job_title"
OCCUPATION = "occupation"
SKILL = "skill"
ALL_KINDS = (JOB_TITLE, OCCUPATION, SKILL)
KIND_ORDER = {JOB_TITLE: 0, OCCUPATION: 1, SKILL: 2}

MIN_QUERY_LENGTH = 2
MAX_QUERY_LENGTH = 100
MAX_QUERY_WORDS = 8
MAX_PREFIX_EXPANSION = 3000

STOP_WORDS = frozenset("a au aux avec d dans de des du en et l la le les ou par pour sur un une".split())

_stemmer = snowballstemmer.stemmer("french")


@lru_cache(maxsize=100_000)
def _stem(word: str) -> str:
    return _stemmer.stemWord(word)


def words_of(text: str) -> tuple[str, ...]:
    """Normalised words that count for matching (no stop words, no lone letters such as « (e) »)."""
    return tuple(w for w in normalize(text).split() if w not in STOP_WORDS and (len(w) > 1 or w.isdigit()))


@dataclass(frozen=True)
class Document:
    """One searchable object: a job title, an occupation or a skill."""

    kind: str
    code: str
    label: str
    forms: tuple[str, ...]
    occupation_code: str = ""
    occupation_label: str = ""
    detail: str = ""
    bonus: float = 0.0


@dataclass(frozen=True)
class SearchHit:
    kind: str
    code: str
    label: str
    occupation_code: str
    occupation_label: str
    detail: str
    score: float
    match: str

    @property
    def kind_label(self) -> str:
        return {JOB_TITLE: "appellation", OCCUPATION: "fiche métier", SKILL: "compétence"}[self.kind]


MATCH_NAMES = ("exact", "debut", "mots", "approche", "partiel")


class SearchIndex:
    def __init__(self, documents: Iterable[Document]):
        self.documents: list[Document] = []
        self.entry_doc: list[int] = []
        self.entry_words: list[tuple[str, ...]] = []
        postings: dict[str, list[int]] = {}
        seen_forms: set[tuple[int, tuple[str, ...]]] = set()
        for document in documents:
            doc_id = len(self.documents)
            self.documents.append(document)
            for form in document.forms:
                words = words_of(form)
                if not words or (doc_id, words) in seen_forms:
                    continue
                seen_forms.add((doc_id, words))
                entry_id = len(self.entry_doc)
                self.entry_doc.append(doc_id)
                self.entry_words.append(words)
                for word in set(words):
                    postings.setdefault(word, []).append(entry_id)
        self.postings = postings
        self.vocabulary = sorted(postings)
        self.by_stem: dict[str, list[str]] = {}
        self.by_length: dict[int, list[str]] = {}
        for word in self.vocabulary:
            self.by_stem.setdefault(_stem(word), []).append(word)
            self.by_length.setdefault(len(word), []).append(word)
        self._prefixes: dict[int, dict[str, list[str]]] = {}
        self._expansions: dict[tuple[str, bool], dict[str, float]] = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self.documents)

    # --- word expansion ---------------------------------------------------------------------------------

    def expand(self, word: str, *, last: bool) -> dict[str, float]:
        """Index words matching a query word, with their weight (cached: autocomplete repeats itself)."""
        key = (word, last)
        cached = self._expansions.get(key)
        if cached is not None:
            return cached
        weights: dict[str, float] = {}
        if word in self.postings:
            weights[word] = 1.0
        for other in self.by_stem.get(_stem(word), ()):
            weights.setdefault(other, 0.95)
        start = bisect.bisect_left(self.vocabulary, word)
        for other in self.vocabulary[start : start + MAX_PREFIX_EXPANSION]:
            if not other.startswith(word):
                break
            weights.setdefault(other, 0.9)
        if word not in self.postings and len(word) >= 4:
            max_distance = 1 if len(word) <= 5 else 2
            for length in range(len(word) - max_distance, len(word) + max_distance + 1):
                candidates = self.by_length.get(length)
                if not candidates:
                    continue
                for other, distance, _ in process.extract(
                    word, candidates, scorer=OSA.distance, score_cutoff=max_distance, limit=None
                ):
                    weights.setdefault(other, 0.8 if distance <= 1 else 0.7)
            if last and len(weights) < 3:
                # The word being typed may hold a typo before its end: « electricie » → « electricien ».
                for prefix, _distance, _ in process.extract(
                    word, list(self._prefix_table(len(word))), scorer=OSA.distance, score_cutoff=1, limit=None
                ):
                    for other in self._prefix_table(len(word))[prefix]:
                        weights.setdefault(other, 0.7)
        with self._lock:
            if len(self._expansions) > 50_000:
                self._expansions.clear()
            self._expansions[key] = weights
        return weights

    def _prefix_table(self, length: int) -> dict[str, list[str]]:
        table = self._prefixes.get(length)
        if table is None:
            table = {}
            for word in self.vocabulary:
                if len(word) > length:
                    table.setdefault(word[:length], []).append(word)
            self._prefixes[length] = table
        return table

    # --- query ------------------------------------------------------------------------------------------

    def search(self, query: str, *, kinds: Iterable[str] = ALL_KINDS, limit: int = 10) -> list[SearchHit]:
        kinds = frozenset(kinds)
        words = words_of(query[:MAX_QUERY_LENGTH])[:MAX_QUERY_WORDS]
        if not words or limit <= 0:
            return []
        expansions = [self.expand(word, last=i == len(words) - 1) for i, word in enumerate(words)]
        sizes = [sum(len(self.postings[w]) for w in expansion) for expansion in expansions]
        order = sorted(range(len(words)), key=sizes.__getitem__)
        # Every full match contains the rarest word: start from its postings.
        candidates = self._entries_of(expansions[order[0]])
        best = self._rank(words, expansions, candidates, kinds, partial=False)
        if len(best) < limit and len(words) > 1:
            # Not enough labels hold every word: accept labels holding some of them.
            others = set()
            for index in order[1:3]:
                others |= self._entries_of(expansions[index])
            partial = self._rank(words, expansions, others - candidates, kinds, partial=True)
            for doc_id, key in partial.items():
                if doc_id not in best:
                    best[doc_id] = key
        ranked = sorted(best.items(), key=lambda item: item[1])[:limit]
        hits = []
        for doc_id, (tier, negative_score, _, _, _) in ranked:
            document = self.documents[doc_id]
            hits.append(
                SearchHit(
                    kind=document.kind,
                    code=document.code,
                    label=document.label,
                    occupation_code=document.occupation_code,
                    occupation_label=document.occupation_label,
                    detail=document.detail,
                    score=round(-negative_score, 4),
                    match=MATCH_NAMES[tier],
                )
            )
        return hits

    def _entries_of(self, expansion: dict[str, float]) -> set[int]:
        entries: set[int] = set()
        for word in expansion:
            entries.update(self.postings[word])
        return entries

    def _rank(self, words, expansions, entries, kinds, *, partial: bool) -> dict[int, tuple]:
        best: dict[int, tuple] = {}
        n = len(words)
        for entry_id in entries:
            doc_id = self.entry_doc[entry_id]
            document = self.documents[doc_id]
            if document.kind not in kinds:
                continue
            entry_words = self.entry_words[entry_id]
            weights = []
            for expansion in expansions:
                weight = 0.0
                for entry_word in entry_words:
                    value = expansion.get(entry_word)
                    if value is not None and value > weight:
                        weight = value
                weights.append(weight)
            matched = sum(1 for w in weights if w > 0)
            if matched < n and not partial:
                continue
            if matched == 0:
                continue
            if matched < n:
                tier = 4
            elif entry_words == words:
                tier = 0
            elif (
                entry_words[: n - 1] == words[:-1]
                and len(entry_words) >= n
                and entry_words[n - 1].startswith(words[-1])
            ):
                tier = 1
            elif min(weights) >= 0.9:
                tier = 2
            else:
                tier = 3
            score = sum(weights) / n - 0.02 * max(len(entry_words) - matched, 0) + document.bonus
            key = (tier, -score, KIND_ORDER[document.kind], len(document.label), document.label)
            current = best.get(doc_id)
            if current is None or key < current:
                best[doc_id] = key
        return best


# --- building the index ----------------------------------------------------------------------------------


def job_title_document(
    *, ogr_code, label, short_label, masculine, feminine, occupation_code, occupation_label, rarely_used, is_main
) -> Document:
    return Document(
        kind=JOB_TITLE,
        code=str(ogr_code),
        label=label,
        forms=tuple(dict.fromkeys(f for f in (masculine, feminine, short_label, label) if f)),
        occupation_code=occupation_code,
        occupation_label=occupation_label,
        detail=occupation_code,
        bonus=(-0.05 if rarely_used else 0.0) + (0.01 if is_main else 0.0),
    )


def occupation_document(*, code, label) -> Document:
    masculine, feminine = split_genders(label)
    return Document(
        kind=OCCUPATION,
        code=code,
        label=label,
        forms=tuple(dict.fromkeys((masculine, feminine, code))),
        occupation_code=code,
        occupation_label=label,
        detail=code,
    )


def skill_document(*, ogr_code, label, detail) -> Document:
    return Document(kind=SKILL, code=str(ogr_code), label=label, forms=(label,), detail=detail)


def index_from_rome_data(data) -> SearchIndex:
    """Index straight from a parsed ROME set (`importers.rome.parse_rome`), without a database."""
    from trajectoire.referentials.enums import SkillCategory, SkillNature

    documents = []
    for ogr, j in data.job_titles.items():
        documents.append(
            job_title_document(
                ogr_code=ogr,
                label=j["label"],
                short_label=j["short_label"],
                masculine=j["label_masculine"],
                feminine=j["label_feminine"],
                occupation_code=j["occupation_code"],
                occupation_label=data.occupations[j["occupation_code"]]["label"],
                rarely_used=j["rarely_used"],
                is_main=j["is_main"],
            )
        )
    for code, o in data.occupations.items():
        documents.append(occupation_document(code=code, label=o["label"]))
    for ogr, s in data.skills.items():
        documents.append(
            skill_document(
                ogr_code=ogr,
                label=s["label"],
                detail=_skill_detail(
                    SkillCategory(s["category"]).label, s["sub_category"], s["nature"] == SkillNature.MACRO
                ),
            )
        )
    return SearchIndex(documents)


def _skill_detail(category: str, sub_category: str, is_macro: bool) -> str:
    parts = [category]
    if sub_category and category == "savoir-faire":
        parts.append(sub_category.lower())
    if is_macro:
        parts.append("macro-compétence")
    return " · ".join(parts)


def index_from_database() -> SearchIndex:
    from trajectoire.referentials.enums import SkillCategory, SkillNature
    from trajectoire.referentials.models import JobTitle, Occupation, Skill

    documents = []
    rows = JobTitle.objects.active().values_list(
        "ogr_code",
        "label",
        "short_label",
        "label_masculine",
        "label_feminine",
        "occupation__code",
        "occupation__label",
        "rarely_used",
        "is_main",
    )
    for ogr, label, short, masculine, feminine, code, occupation_label, rarely_used, is_main in rows.iterator(
        chunk_size=5000
    ):
        documents.append(
            job_title_document(
                ogr_code=ogr,
                label=label,
                short_label=short,
                masculine=masculine,
                feminine=feminine,
                occupation_code=code,
                occupation_label=occupation_label,
                rarely_used=rarely_used,
                is_main=is_main,
            )
        )
    for code, label in Occupation.objects.active().values_list("code", "label"):
        documents.append(occupation_document(code=code, label=label))
    categories = dict(SkillCategory.choices)
    for ogr, label, category, sub_category, nature in (
        Skill.objects.active()
        .values_list("ogr_code", "label", "category", "sub_category", "nature")
        .iterator(chunk_size=5000)
    ):
        documents.append(
            skill_document(
                ogr_code=ogr,
                label=label,
                detail=_skill_detail(categories.get(category, ""), sub_category, nature == SkillNature.MACRO),
            )
        )
    return SearchIndex(documents)


_cache_lock = threading.Lock()
_cache: dict[str, object] = {"key": None, "index": None}


def _current_key():
    from trajectoire.referentials.enums import ReferentialSource
    from trajectoire.referentials.models import ReferentialVersion

    return (
        ReferentialVersion.objects.filter(source=ReferentialSource.ROME)
        .order_by("-imported_at", "-id")
        .values_list("id", "imported_at")
        .first()
    )


def get_index() -> SearchIndex:
    """The process-wide index, rebuilt when a ROME import is recorded after it was built."""
    key = _current_key()
    index = _cache["index"]
    if index is not None and _cache["key"] == key:
        return index  # type: ignore[return-value]
    with _cache_lock:
        if _cache["index"] is None or _cache["key"] != key:
            _cache["index"] = index_from_database()
            _cache["key"] = key
        return _cache["index"]  # type: ignore[return-value]


def clear_index_cache() -> None:
    with _cache_lock:
        _cache["index"] = None
        _cache["key"] = None


def search(
    query: str, *, kinds: Iterable[str] = ALL_KINDS, limit: int = 10, index: SearchIndex | None = None
) -> list[SearchHit]:
    """Job titles, occupations and/or skills matching `query`, best first.

    `kinds` restricts the result (e.g. `(JOB_TITLE, OCCUPATION)`); `index` defaults to the cached index
    of the database. Queries shorter than MIN_QUERY_LENGTH letters give nothing; longer than
    MAX_QUERY_LENGTH are cut (the API refuses them before).
    """
    if len(query.strip()) < MIN_QUERY_LENGTH:
        return []
    return (index or get_index()).search(query, kinds=kinds, limit=limit)


def without_duplicate_labels(hits: Iterable[SearchHit]) -> list[SearchHit]:
    """Drop a hit showing the same label for the same occupation as a better one (an occupation and its
    main job title usually share their label)."""
    seen: set[tuple[str, str]] = set()
    kept = []
    for hit in hits:
        key = (hit.occupation_code or hit.kind, hit.label)
        if key not in seen:
            seen.add(key)
            kept.append(hit)
    return kept


def occupations_from_hits(hits: Iterable[SearchHit]) -> list[tuple[str, SearchHit]]:
    """One line per occupation, in the order of its best hit: (ROME code, best hit)."""
    seen: dict[str, SearchHit] = {}
    for hit in hits:
        if hit.occupation_code and hit.occupation_code not in seen:
            seen[hit.occupation_code] = hit
    return list(seen.items())
