"""Repairing labels at import: accents lost on capitals (ROME) and all-caps bassin names (tension).

Pure Python (no Django). Both repairs learn their words from the data being imported, never from a hand list:

- **Accented capitals** (`AccentRestorer`). The ROME files write capitals without accents (« Elaborer un plan »,
  « Etre à l'écoute ») but keep them on lower-case letters (« élaborer » appears inside other labels). A word
  starting with an unaccented capital is rewritten when the same word in lower case, with an accent on its first
  letter, occurs somewhere in the referential and its unaccented lower-case form never does: « Elaborer » →
  « Élaborer » because « élaborer » occurs and « elaborer » does not; « Cote » is kept if « cote » occurs. One
  grammatical rule completes it: a label or sentence that starts with the single word « A » starts with the
  preposition « À » (the verb « a » needs a subject before it).
- **Bassin d'emploi names** (`AreaNamer`), from the commune names of the same file. A bassin named like a
  commune takes the commune's spelling (« SAINT ETIENNE » → « Saint-Étienne », « BOURG EN BRESSE » →
  « Bourg-en-Bresse »). Otherwise each word takes its most frequent spelling among the commune names
  (« ALBI CARMAUX » → « Albi Carmaux », « LURE / HERICOURT » → « Lure / Héricourt »), in French title case:
  small words (de, la, sur, en...) in lower case except at the start, « D OLONNES » → « d'Olonnes ». Names
  already written in mixed case (« Marne la Vallée ») are kept as published.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable

_WORD = re.compile(r"[^\W\d_]+")
_UNACCENTED_CAPITALS = set("AEIOUYC")
SEPARATOR = "\x00"  # joins many texts into one for a single regex pass (`text` treats it as a start)
_STARTS_WITH_A = re.compile(r"(?m)(?:^|(?<=\x00))A(?=\s)")
# Whole words starting with a capital that may have lost its accent (the only ones `word` can change).
_CAPITALISED = re.compile(r"(?<![^\W\d_])[AEIOUYC][^\W\d_]*")


def strip_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))


class AccentRestorer:
    """Learns from lower-case words, then restores the accent of capitalised words (see the module docstring)."""

    def __init__(self) -> None:
        self._accented: dict[str, Counter] = defaultdict(Counter)
        self._plain: set[str] = set()

    def learn(self, texts: Iterable[str]) -> None:
        # One regex pass over all the texts, counted in C; the loop below sees each distinct word once.
        counts = Counter(_WORD.findall(SEPARATOR.join(texts)))
        for word, count in counts.items():
            if not word.islower():
                continue
            first = word[0]
            base = strip_accents(first)
            if base != first and base.isascii():
                self._accented[base + word[1:]][word] += count
            else:
                self._plain.add(word)

    def word(self, word: str) -> str:
        """« Elaborer » → « Élaborer » if the referential supports it, else the word unchanged."""
        first, rest = word[0], word[1:]
        if first not in _UNACCENTED_CAPITALS or not (rest == "" or rest.islower()):
            return word
        key = first.lower() + rest
        if key in self._plain:
            return word
        candidates = self._accented.get(key)
        if not candidates:
            return word
        accented = candidates.most_common(1)[0][0]
        return accented[0].upper() + accented[1:]

    def text(self, text: str) -> str:
        """The text with accents restored; each line (and each part between SEPARATORs) is a start."""
        if not text:
            return text
        restored = _CAPITALISED.sub(lambda m: self.word(m.group()), text)
        # « A » alone at the start of a line or text: the preposition (see the module docstring).
        return _STARTS_WITH_A.sub("À", restored)


SMALL_WORDS = frozenset(
    {"de", "du", "des", "la", "le", "les", "l", "d", "en", "sur", "sous", "et", "à", "aux", "lès", "lez", "au"}
)
_TOKEN = re.compile(r"[^\W\d_]+|[^\w]+|\d+|_")


def _key(name: str) -> str:
    return " ".join(_WORD.findall(strip_accents(name).lower()))


def _first_words(name: str, count: int) -> str:
    """« Saint-Dié-des-Vosges », 2 → « Saint-Dié »."""
    spans = list(_WORD.finditer(name))
    return name[: spans[count - 1].end()]


class AreaNamer:
    """French title case for all-caps bassin names, spelled like the commune names of the same table.

    `communes` are (commune name, bassin code) pairs: the namesake commune of a bassin lies in that bassin, which
    settles homonyms (« VIRE » is Vire in Calvados, not Viré in Saône-et-Loire).
    """

    def __init__(self, communes: Iterable[tuple[str, str]] = ()) -> None:
        self._spellings: dict[str, Counter] = defaultdict(Counter)
        self._whole: dict[str, Counter] = defaultdict(Counter)
        self._by_area: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for raw_name, area in communes:
            name = re.sub(r"(['’]) +", r"\1", " ".join(raw_name.split()))  # « L' Isle-Jourdain » → « L'Isle-… »
            key = _key(name)
            self._whole[key][name] += 1
            self._by_area[area].append((key, name))
            for word in _WORD.findall(name):
                lower = word.lower()
                self._spellings[strip_accents(lower)][lower] += 1

    def _namesake(self, key: str, area: str | None) -> str | None:
        """The spelling of the commune the bassin is named after: same words, or the first words of its name."""
        size = len(key.split())
        local = self._by_area.get(area or "", [])
        for wanted in (lambda k: k == key, lambda k: k.startswith(key + " ")):
            found = Counter(_first_words(name, size) for k, name in local if wanted(k))
            if found:
                return found.most_common(1)[0][0]
        return None

    def _spell(self, lower: str) -> str:
        key = strip_accents(lower)
        counts = self._spellings.get(key)
        if not counts:
            return lower
        # Most frequent spelling; on a tie, the one a commune bears as its whole name (« Abbeville »).
        whole = {name.lower() for name in self._whole.get(key, ())}
        return max(counts, key=lambda spelling: (counts[spelling], spelling in whole))

    def name(self, raw: str, area: str | None = None) -> str:
        raw = " ".join(raw.split())
        if not raw or any(c.islower() for c in raw):
            return raw
        namesake = self._namesake(_key(raw), area)
        if namesake:
            return namesake
        tokens = _TOKEN.findall(raw)
        out: list[str] = []
        first_word = True
        i = 0
        while i < len(tokens):
            token = tokens[i]
            if not token.isalpha():
                out.append(token)
                i += 1
                continue
            lower = self._spell(token.lower())
            following = tokens[i + 1] if i + 1 < len(tokens) else ""
            elided = lower in ("d", "l") and following in (" ", "'", "’") and i + 2 < len(tokens)
            if elided:
                # « D OLONNES » / « L AIGLE » → « d'Olonnes » / « l'Aigle ».
                out.append((lower.upper() if first_word else lower) + "'")
                i += 2
                first_word = False
                continue
            if lower in SMALL_WORDS and not first_word:
                out.append(lower)
            else:
                out.append(lower[0].upper() + lower[1:])
            first_word = False
            i += 1
        return "".join(out)
