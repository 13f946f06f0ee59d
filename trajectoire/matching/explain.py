"""Labels shown to people (both genders) and the one-sentence French explanation of a suggestion."""

import re

_SLASH = " / "


def gender_forms(label: str) -> tuple[str, str]:
    """Split a ROME label "Conducteur / Conductrice d'engins agricoles" into its masculine and feminine forms.

    ROME writes the masculine title, " / ", then the feminine title followed by the shared complement.
    The feminine title has as many words as the masculine one, which tells where the complement starts.
    An epicene label ("Comptable") gives the same form twice.
    """
    label = " ".join(label.split())
    if _SLASH not in label:
        return label, label
    masc, rest = label.split(_SLASH, 1)
    n = len(masc.split())
    rest_words = rest.split()
    fem_title = " ".join(rest_words[:n])
    complement = " ".join(rest_words[n:])
    masc_full = f"{masc} {complement}".strip()
    fem_full = f"{fem_title} {complement}".strip()
    return masc_full, fem_full


def both_genders(label: str) -> str:
    """ "Aide-soignant / Aide-soignante" style label, whatever the input form; epicene labels unchanged."""
    masc, fem = gender_forms(label)
    if masc == fem:
        return masc
    return f"{masc}{_SLASH}{fem}"


def _join_fr(words: list[str]) -> str:
    if not words:
        return ""
    if len(words) == 1:
        return words[0]
    return ", ".join(words[:-1]) + " et " + words[-1]


def _short(label: str, limit: int = 70) -> str:
    label = re.sub(r"\s+", " ", label).strip()
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


def explain_suggestion(
    *,
    target_label: str,
    n_shared: int,
    n_target_items: int,
    shared_examples: list[str],
    missing_core_examples: list[str],
    mobility_from: str | None,
    riasec_fit: float | None,
) -> str:
    """One French sentence saying why an occupation is suggested (no personal data in it)."""
    parts = []
    title = both_genders(target_label)
    if mobility_from:
        parts.append(f"{title} est une mobilité reconnue par les experts du ROME depuis {both_genders(mobility_from)}")
    else:
        parts.append(f"{title} est proche de votre profil")
    if n_shared:
        share = f"vous avez déjà {n_shared} des {n_target_items} compétences et savoirs du métier"
        if shared_examples:
            share += f" (dont {_join_fr([_short(s, 50) for s in shared_examples[:2]])})"
        parts.append(share)
    if missing_core_examples:
        parts.append(
            f"il resterait à acquérir surtout : {_join_fr([_short(s, 50) for s in missing_core_examples[:2]])}"
        )
    if riasec_fit is not None and riasec_fit >= 0.5:
        parts.append("vos intérêts (RIASEC) y correspondent")
    sentence = " ; ".join(parts)
    return sentence[0].upper() + sentence[1:] + "."
