"""Text helpers shared by the importers and the search index (pure Python)."""

import re

from unidecode import unidecode

_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def normalize(text: str) -> str:
    """Lower case, accents and punctuation removed, single spaces: « Aide-soignant(e) » → « aide soignant e »."""
    return _NON_ALNUM.sub(" ", unidecode(text).lower()).strip()


def split_genders(label: str) -> tuple[str, str]:
    """Masculine and feminine forms of a ROME label written « masc / fém suffixe commun ».

    « Agent magasinier / Agente magasinière gestionnaire de stocks » gives
    (« Agent magasinier gestionnaire de stocks », « Agente magasinière gestionnaire de stocks »): the left
    part has n words, the first n words on the right are the feminine, the rest is shared.
    A label without « / » is both forms.
    """
    if " / " not in label:
        return label, label
    left, right = (part.strip() for part in label.split(" / ", 1))
    left_words = left.split()
    right_words = right.split()
    if len(right_words) <= len(left_words):
        return left, right
    suffix = " ".join(right_words[len(left_words) :])
    return f"{left} {suffix}", right
