"""French free text -> ranked occupations and skills, each skill with the words that matched.

Steps (all lexical, on the stems produced by `text.Normaliser`):
1. analyse the text: words, acronyms and colloquial words expanded with `synonyms.ACRONYMS`, unknown words
   corrected against the referential's vocabulary with rapidfuzz, stems and adjacent-stem bigrams;
2. job titles: every appellation (13,000+, both genders) is scored by how much of its weighted vocabulary
   the text covers; an occupation takes the score of its best appellation;
3. occupation documents (titles, definition, item labels) are scored with BM25;
4. skills (competences and knowledge items) are scored by coverage of their label, then boosted when they
   belong to the occupations found in steps 2-3; occupations also get a share of their matched skills.
"""

import math
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from rapidfuzz import fuzz, process

from trajectoire.matching.explain import gender_forms
from trajectoire.matching.synonyms import ACRONYMS, CASE_SENSITIVE
from trajectoire.matching.text import STOPWORDS, Normaliser

MAX_TEXT_CHARS = 20_000  # longer texts are cut: an account of work is never that long, and speed stays bounded
FUZZY_MIN_LEN = 5
FUZZY_CUTOFF = 86.0

# Weights of the occupation score (tuned on the dev split of bench/data/extraction_eval.jsonl).
W_TITLE = 1.0
W_DOC = 0.35
W_SKILLS = 0.25
CONTEXT_OCCUPATIONS = 3  # skills are read in the context of the best occupations found
OUT_OF_CONTEXT = 0.02  # weight of a skill that belongs to none of them (kept, but ranked last)
SPECIFIC_IDF = 1.5  # one matched word is enough for an item of a context occupation if it is this rare


@dataclass(frozen=True)
class Analysed:
    stems: list[str]  # one per kept word, in order (acronym expansions included)
    spans: list[tuple[int, int]]  # evidence span in the original text for each stem
    text: str


class Extractor:
    def __init__(
        self,
        *,
        normaliser: Normaliser,
        occupation_codes: list[str],
        occupation_labels: list[str],
        appellations: list[tuple[str, str]],  # (label, code_rome)
        definitions: dict[str, str],
        item_codes: list[str],
        item_labels: list[str],
        coherence: sp.csr_matrix,  # occupations x items (binary), same item order as item_codes
    ) -> None:
        self.norm = normaliser
        self.occ_codes = occupation_codes
        occ_index = {c: i for i, c in enumerate(occupation_codes)}
        n_occ = len(occupation_codes)

        # Titles: ROME label + every appellation, both genders.
        title_occ: list[int] = []
        title_tokens: list[list[str]] = []
        for label, code in [(lab, c) for c, lab in zip(occupation_codes, occupation_labels, strict=True)] + list(
            appellations
        ):
            if code not in occ_index:
                continue
            masc, fem = gender_forms(label)
            stems = self._label_stems(masc)
            fem_stems = self._label_stems(fem)
            feats = _features(stems) | _features(fem_stems)
            if not feats:
                continue
            title_occ.append(occ_index[code])
            title_tokens.append(sorted(feats))
        item_tokens = [sorted(_features(self._label_stems(lab))) for lab in item_labels]
        def_tokens = {
            occ_index[code]: sorted(_features(self.norm.stems(text)))
            for code, text in definitions.items()
            if code in occ_index
        }

        vocab: dict[str, int] = {}
        for token_list in title_tokens + item_tokens + list(def_tokens.values()):
            for f in token_list:
                vocab.setdefault(f, len(vocab))
        self.vocab = vocab
        n_feat = len(vocab)
        # Occupation documents = its titles + the labels of its items + its definition, as sparse counts.
        b_title = _binary(title_tokens, vocab)
        b_item = _binary(item_tokens, vocab)
        assign = sp.csr_matrix(
            (np.ones(len(title_occ)), (title_occ, np.arange(len(title_occ)))), shape=(n_occ, len(title_occ))
        )
        def_rows = sorted(def_tokens)
        b_def = sp.csr_matrix((n_occ, n_feat))
        if def_rows:
            place = sp.csr_matrix(
                (np.ones(len(def_rows)), (def_rows, np.arange(len(def_rows)))), shape=(n_occ, len(def_rows))
            )
            b_def = place @ _binary([def_tokens[r] for r in def_rows], vocab)
        counts = (assign @ b_title + coherence.tocsr().astype(np.float64) @ b_item + b_def).tocsr()
        df = np.bincount(counts.indices, minlength=n_feat).astype(float)
        # Features absent from occupation documents get the rarest weight.
        self.idf = np.log(1 + n_occ / np.maximum(df, 0.5))

        self.title_occ = np.array(title_occ, dtype=np.int64)
        self.A_title = (b_title @ sp.diags(self.idf)).tocsr()
        self.title_mass = np.asarray(self.A_title.sum(1)).ravel()
        self.item_codes = item_codes
        self.item_labels = item_labels
        self.item_tokens = item_tokens
        self.A_item = (b_item @ sp.diags(self.idf)).tocsr()
        self.B_item = b_item
        self.item_mass = np.asarray(self.A_item.sum(1)).ravel()
        self.item_nfeat = np.array([len(t) for t in item_tokens])

        # BM25 weights of occupation documents.
        k1, b = 1.2, 0.75
        lengths = np.asarray(counts.sum(1)).ravel()
        avg = lengths.mean() if n_occ else 1.0
        row_of = np.repeat(np.arange(n_occ), np.diff(counts.indptr))
        tf = counts.data
        norm_len = k1 * (1 - b + b * lengths[row_of] / max(avg, 1e-9))
        bm25 = self.idf[counts.indices] * tf * (k1 + 1) / (tf + norm_len)
        self.A_doc = sp.csr_matrix((bm25, counts.indices, counts.indptr), shape=counts.shape)
        self.coherence = coherence.tocsr().astype(np.float64)
        self.occ_size = np.maximum(np.asarray(self.coherence.sum(1)).ravel(), 1)

        # Surface words of the referential (all words stemmed while loading) for typo correction.
        self._surface = {
            w: st for w, st in self.norm.known_words().items() if len(w) >= FUZZY_MIN_LEN and w not in STOPWORDS
        }
        self._surface_words = sorted(self._surface)
        self._by_length: dict[int, list[str]] = {}
        for w in self._surface_words:
            self._by_length.setdefault(len(w), []).append(w)
        self._typo_cache: dict[str, str | None] = {}
        self._phrases = _compile_synonyms(self.norm)

    # -- building helpers
    def _label_stems(self, label: str) -> list[str]:
        return self.norm.stems(label)

    # -- analysis
    def correct(self, word: str) -> str | None:
        """Closest referential word for an unknown word (typo), or None."""
        if word in self._typo_cache:
            return self._typo_cache[word]
        candidates: list[str] = []
        for n in (len(word) - 1, len(word), len(word) + 1):
            candidates.extend(self._by_length.get(n, ()))
        best = process.extractOne(word, candidates, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF)
        result = best[0] if best else None
        if len(self._typo_cache) < 100_000:
            self._typo_cache[word] = result
        return result

    def analyse(self, text: str) -> Analysed:
        text = text[:MAX_TEXT_CHARS]
        words = self.norm.words(text)
        stems: list[str] = []
        spans: list[tuple[int, int]] = []
        i = 0
        while i < len(words):
            matched = False
            for n in (3, 2, 1):
                if i + n > len(words):
                    continue
                key = " ".join(w for w, _, _ in words[i : i + n])
                expansion = self._phrases.get(key)
                if expansion is None:
                    continue
                start, end = words[i][1], words[i + n - 1][2]
                if key in CASE_SENSITIVE and not text[start:end].isupper():
                    continue
                for stem in expansion:
                    stems.append(stem)
                    spans.append((start, end))
                if n > 1 or not expansion:
                    i += n
                    matched = True
                break
            if matched:
                continue
            word, start, end = words[i]
            i += 1
            if word in STOPWORDS or len(word) < 2:
                continue
            stem = self.norm.stem(word)
            if stem not in self.vocab and len(word) >= FUZZY_MIN_LEN and not word.isdigit():
                fixed = self.correct(word)
                if fixed is not None:
                    stem = self._surface[fixed]
            stems.append(stem)
            spans.append((start, end))
        return Analysed(stems=stems, spans=spans, text=text)

    def query(self, analysed: Analysed) -> tuple[np.ndarray, dict[int, list[int]]]:
        """Indices of the vocabulary features present, and for each the positions of the stems behind it."""
        positions: dict[int, list[int]] = {}
        stems = analysed.stems
        for k, s in enumerate(stems):
            j = self.vocab.get(s)
            if j is not None:
                positions.setdefault(j, []).append(k)
            if k + 1 < len(stems):
                j2 = self.vocab.get(f"{s} {stems[k + 1]}")
                if j2 is not None:
                    positions.setdefault(j2, []).extend((k, k + 1))
        return np.array(sorted(positions), dtype=np.int64), positions

    def run(self, text: str, top_occupations: int, top_skills: int):
        analysed = self.analyse(text)
        feats, positions = self.query(analysed)
        if not feats.size:
            return [], []
        q = np.zeros(len(self.vocab))
        q[feats] = 1.0

        # Titles: coverage of each appellation, sharpened so that full matches dominate.
        matched = self.A_title @ q
        cover = matched / np.maximum(self.title_mass, 1e-9)
        title_scores = cover**2 * matched
        title = np.zeros(len(self.occ_codes))
        np.maximum.at(title, self.title_occ, title_scores)

        doc = self.A_doc @ q
        item_matched = self.A_item @ q
        item_cover = item_matched / np.maximum(self.item_mass, 1e-9)
        # A skill needs two matched words, or a one-word label matched entirely.
        n_hit = self.B_item @ q
        ok = (n_hit >= 2) | ((self.item_nfeat == 1) & (n_hit >= 1))
        lexical = item_cover**1.5 * item_matched
        skill = np.where(ok, lexical, 0.0)
        from_skills = (self.coherence @ skill) / np.sqrt(self.occ_size)

        occ = W_TITLE * title + W_DOC * doc / max(math.sqrt(len(feats)), 1.0) + W_SKILLS * from_skills
        order = np.lexsort((np.arange(len(occ)), -occ))
        top = [i for i in order[:top_occupations] if occ[i] > 0]
        occupations = [(self.occ_codes[i], float(occ[i])) for i in top]

        # Skills are read in the context of the occupations found: an item of a top occupation keeps its
        # score (and may then match on a single specific word), other items are damped. Labels of ROME
        # items repeat across occupations ("Gestion des retours de ..."), the context picks the right one.
        # in_context[item] = the best context weight among the (at most three) context occupations holding it;
        # read row by row (the sparse max over all occupations cost 1.4 ms for the same numbers).
        in_context = np.zeros(self.coherence.shape[1])
        if top:
            best = occ[top[0]]
            c = self.coherence
            for i in top[:CONTEXT_OCCUPATIONS]:
                row = c.indices[c.indptr[i] : c.indptr[i + 1]]
                in_context[row] = np.maximum(in_context[row], occ[i] / best)
        specific = (n_hit >= 1) & (item_matched >= SPECIFIC_IDF)
        skill = np.where(ok | ((in_context > 0) & specific), lexical, 0.0) * (OUT_OF_CONTEXT + in_context)
        sorder = np.lexsort((np.arange(len(skill)), -skill))
        skills = []
        for it in sorder[:top_skills]:
            if skill[it] <= 0:
                break
            skills.append((self.item_codes[it], float(skill[it]), self._evidence(it, analysed, positions)))
        return occupations, skills

    def _evidence(self, item: int, analysed: Analysed, positions: dict[int, list[int]]) -> str:
        spans: set[tuple[int, int]] = set()
        for f in self.item_tokens[item]:
            for k in positions.get(self.vocab[f], ()):
                spans.add(analysed.spans[k])
        return ", ".join(dict.fromkeys(analysed.text[s:e] for s, e in sorted(spans)))


def _binary(token_lists: list[list[str]], vocab: dict[str, int]) -> sp.csr_matrix:
    indptr = np.cumsum([0] + [len(t) for t in token_lists])
    indices = np.fromiter((vocab[f] for t in token_lists for f in t), dtype=np.int64, count=int(indptr[-1]))
    return sp.csr_matrix((np.ones(len(indices)), indices, indptr), shape=(len(token_lists), len(vocab)))


def _features(stems: list[str]) -> set[str]:
    feats = set(stems)
    feats.update(f"{a} {b}" for a, b in zip(stems, stems[1:], strict=False) if a != b)
    return feats


def _compile_synonyms(norm: Normaliser) -> dict[str, list[str]]:
    """Synonym keys as folded word sequences -> stems of their expansion (empty list: drop the word)."""
    out: dict[str, list[str]] = {}
    for key, expansion in ACRONYMS.items():
        folded = " ".join(w for w, _, _ in norm.words(key))
        if folded:
            out[folded] = [t.stem for t in norm.tokens(expansion)]
    return out
