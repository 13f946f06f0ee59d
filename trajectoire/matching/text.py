"""French text normalisation: accents, case, elision, plural and masculine/feminine folding, stemming.

Every label of the referential and every text to analyse go through the same `Normaliser`, so that
"Infirmière", "infirmieres" and "INFIRMIER" all become the same stem. Folding the feminine onto the
masculine happens before stemming because the Snowball stemmer keeps them apart ("vendeuse" -> "vendeux",
"vendeur" -> "vendeur").
"""

import re
from dataclasses import dataclass

import snowballstemmer
from unidecode import unidecode

# Function words and words that carry no occupational meaning in an account of work.
STOPWORDS = frozenset(
    """
    a ai aie aient aies ait al alors as au aucun aucune aupres aussi autre autres aux avaient avais avait avant
    avec avez aviez avions avoir avons ayant bah bcp beaucoup bien bon bref c ca car ce ceci cela celle celles
    celui cependant certain certaines certains ces cet cette ceux chaque chez ci comme comment d dans de depuis
    des deja donc dont du elle elles en encore entre es est et etaient etais etait etant ete etre eu eux fait
    faire fais faisais faisait fois font genre ici il ils j je jusqu l la le les leur leurs lors lorsque lui m
    ma mais me meme memes mes moi mon n ne ni non nos notre nous on ont ou par parce pas peu peut plus plusieurs
    pour pourquoi puis qu quand que quel quelle quelles quels qui quoi s sa sans se selon ses si sien soi soit
    son sont sous suis sur t ta tant te tel tels tes toi ton toujours tous tout toute toutes tres trop tu un
    une vers via voila vos votre vous vraiment y ans an annee annees mois jour jours semaine semaines etc
    ensuite aussi egalement notamment surtout boulot
    poste emploi job experience experiences metier metiers suis j'ai ete chose choses truc trucs pendant
    apres fin debut dernier derniere derniers dernieres premier premiere actuellement aujourd hui
    """.split()
)

# Irregular feminine forms that suffix rules would miss or get wrong.
IRREGULAR = {
    "cheffe": "chef",
    "cheffes": "chef",
    "maitresse": "maitre",
    "maitresses": "maitre",
    "hotesse": "hote",
    "hotesses": "hote",
    "ambassadrice": "ambassadeur",
    "defenderesse": "defendeur",
    "pecheresse": "pecheur",
    "doctoresse": "docteur",
    "mairesse": "maire",
    "princesse": "prince",
    "copine": "copain",
    "sage-femme": "sage-femme",
}
# Words ending like a feminine form but which are not one.
NOT_FEMININE = frozenset(
    """
    matrice cicatrice motrice vente ventes tente entente attente rente pente plante plantes sente
    chaise boite atmosphere sphere riviere matiere matieres premiere derniere frontiere carriere carrieres
    lumiere filiere filieres poussiere charniere manutentionnaire
    """.split()
)
_WORD_RE = re.compile(r"[a-z0-9]+")


def _fold_char(ch: str) -> str:
    # One character for one character: the first letter or digit unidecode gives, else a space.
    f = unidecode(ch)
    return f[0] if f and f[0].isalnum() and f[0].isascii() else " "


# Precomputed folding of the Latin-1 and Latin Extended blocks (all French letters, œ, æ, typographic quotes).
_FOLD_TABLE = {cp: _fold_char(chr(cp)) for cp in range(0x80, 0x250)}
_FOLD_TABLE.update({0x2019: " ", 0x2018: " ", 0x02BC: " ", 0x0153: "o", 0x0152: "O"})


def fold_gender(word: str) -> str:
    """Map a feminine (or plural) unaccented word onto its masculine singular form, conservatively."""
    if word in IRREGULAR:
        return IRREGULAR[word]
    if len(word) > 4 and word.endswith("s") and not word.endswith("ss"):
        word = word[:-1]
    if word in NOT_FEMININE or len(word) < 5:
        return word
    if word.endswith("euse"):
        return word[:-4] + "eur"
    if word.endswith("trice") and len(word) >= 7:
        return word[:-5] + "teur"
    if word.endswith("iere"):
        return word[:-4] + "ier"
    if word.endswith("ere") and len(word) >= 6:
        return word[:-3] + "er"
    if word.endswith("enne") or word.endswith("onne"):
        return word[:-2]
    if word.endswith("elle") and len(word) >= 7:
        return word[:-2]
    if word.endswith(("ante", "ente")):
        return word[:-1]
    if word.endswith("ee") and len(word) >= 5:
        return word[:-1]
    return word


@dataclass(frozen=True)
class Token:
    stem: str
    start: int  # character offsets in the original text, for evidence
    end: int


class Normaliser:
    """Turns text into stems; keeps a cache because the same words come back all the time."""

    def __init__(self) -> None:
        self._stemmer = snowballstemmer.stemmer("french")
        self._cache: dict[str, str] = {}
        self._label_cache: dict[str, list[str]] = {}

    def stem(self, word: str) -> str:
        """Stem one already lower-cased, unaccented word (gender folding included)."""
        cached = self._cache.get(word)
        if cached is not None:
            return cached
        folded = fold_gender(word)
        # Hyphenated compounds ("aide-soignant") are split by `words`; a lone piece is stemmed whole.
        result = self._stemmer.stemWord(folded) if len(folded) > 3 else folded
        if len(self._cache) < 200_000:
            self._cache[word] = result
        return result

    @staticmethod
    def fold(text: str) -> str:
        """Lower case, no accents, one output character per input character (so offsets stay valid)."""
        folded = text.translate(_FOLD_TABLE)
        if not folded.isascii():
            folded = "".join(ch if ch.isascii() else _fold_char(ch) for ch in folded)
        return folded.lower()

    def words(self, text: str) -> list[tuple[str, int, int]]:
        """Unaccented lower-case words with their offsets in `text`.

        Apostrophes and hyphens split words: elided articles ("l'", "d'") become one-letter words that the
        stopword filter drops, and compounds ("aide-soignante") become their parts, as in ROME labels.
        """
        return [(m.group(), m.start(), m.end()) for m in _WORD_RE.finditer(self.fold(text))]

    def tokens(self, text: str, keep_stopwords: bool = False) -> list[Token]:
        out = []
        for word, start, end in self.words(text):
            if not keep_stopwords and (word in STOPWORDS or len(word) < 2):
                continue
            out.append(Token(self.stem(word), start, end))
        return out

    def stems(self, text: str) -> list[str]:
        """Stems of the content words of `text`; short texts (labels) are cached, they come back often."""
        cached = self._label_cache.get(text)
        if cached is not None:
            return cached
        stem = self.stem
        result = [stem(w) for w in _WORD_RE.findall(self.fold(text)) if len(w) > 1 and w not in STOPWORDS]
        if len(text) < 200 and len(self._label_cache) < 100_000:
            self._label_cache[text] = result
        return result

    def known_words(self) -> dict[str, str]:
        """Every word stemmed so far, with its stem (the referential's vocabulary once it is loaded)."""
        return dict(self._cache)
