"""How an engine result (the `to_dict()` JSON, live or stored) is shown to a counsellor: French labels only."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlsplit

from trajectoire.formatting import euros
from trajectoire.schemes import Catalogue
from trajectoire.schemes.evaluator import format_amount
from trajectoire.schemes.models import source_is_official

# Remaining-cost amounts and the cap they are computed from (both from the engine, never recomputed here).
REMAINING_COSTS = {
    "cpf_remaining_cost_eur": ("cpf_cap_eur", "plafond CPF"),
    "remaining_cost_eur": ("action_cap_eur", "plafond CPF"),
}

STATUS_LABELS = {
    "eligible": "Possible",
    "not_eligible": "Pas possible",
    "undetermined": "À préciser",
    "not_in_force": "Pas en vigueur à cette date",
}
STATUS_CSS = {
    "eligible": "text-bg-success",
    "not_eligible": "text-bg-secondary",
    "undetermined": "text-bg-warning",
    "not_in_force": "text-bg-light border",
}
AMOUNT_LABELS = {
    "annual_credit_eur": "Crédit CPF annuel",
    "ceiling_eur": "Plafond du compte CPF",
    "annual_credit_hours": "Crédit CPF annuel (heures)",
    "ceiling_hours": "Plafond du compte CPF (heures)",
    "participation_forfaitaire_eur": "Participation forfaitaire à payer",
    "action_cap_eur": "Plafond CPF pour cette action",
    "cpf_cap_eur": "Plafond CPF pour un bilan",
    "max_duration_hours": "Durée maximale",
    "document_retention_max_years": "Conservation maximale des documents",
    "conge_vae_max_hours": "Congé VAE (au plus)",
    "remuneration_rate": "Taux de rémunération pendant la formation",
    "opco_hourly_rate_eur": "Prise en charge OPCO par heure",
    "opco_average_amount_eur": "Prise en charge OPCO moyenne",
    "cpf_share_cap_rate": "Part des droits CPF mobilisable au plus",
    "cpf_remaining_cost_eur": "Reste à charge au-delà du plafond CPF",
    "remaining_cost_eur": "Reste à charge au-delà du plafond CPF",
}
CONFIDENCE_LABELS = {"high": "élevée", "medium": "moyenne", "low": "faible"}
RULE_STATUS_LABELS = {
    "in_force": "en vigueur",
    "ended": "terminée",
    "transitional": "transitoire",
    "unverified": "non vérifiée",
    "draft": "projet",
}
KIND_LABELS = {
    "availability": "mise en vigueur",
    "transitional": "régime transitoire",
    "eligibility": "condition",
    "exemption": "exonération",
    "amount": "montant",
    "cap": "plafond",
    "deadline": "délai",
    "duration": "durée",
    "obligation": "obligation",
    "procedure": "démarche",
    "retention": "conservation",
    "fact": "information",
}


@dataclass
class Source:
    url: str
    label: str
    official: bool = True


@dataclass
class ReasonView:
    text: str
    legal_refs: list[str]
    sources: list[Source]
    uncertain: bool
    confidence: str
    secondary_only: bool = False


@dataclass
class SchemeView:
    id: str
    name: str
    status: str
    status_label: str
    status_css: str
    uncertain: bool
    reasons: list[ReasonView]
    amounts: list[tuple[str, str]]
    missing_questions: list[str] = field(default_factory=list)
    headline: str = (
        ""  # « Possible — reste à charge : 290,00 € (plafond CPF 1 600 € ; confiance moyenne, à vérifier) »
    )


def source(url: str) -> Source:
    """A link labelled by its site (« legifrance.gouv.fr »), internationalised names decoded."""
    host = urlsplit(url).netloc.removeprefix("www.")
    try:
        host = host.encode("ascii").decode("idna")
    except (UnicodeError, ValueError):
        pass
    return Source(url=url, label=host or url, official=source_is_official(url))


def fact_question(catalogue: Catalogue, name: str) -> str:
    definition = catalogue.facts.get(name)
    return definition.question if definition is not None else name


def scheme_views(result: Mapping, catalogue: Catalogue) -> list[SchemeView]:
    """One view per scheme of a result dict (the engine's JSON, possibly stored under an older catalogue)."""
    views = []
    for scheme in result.get("schemes", []):
        undetermined = set(scheme.get("undetermined_amounts", []))
        amounts = []
        for key, value in scheme.get("amounts", {}).items():
            label = AMOUNT_LABELS.get(key, key)
            if value is not None:
                amounts.append((label, format_amount(key, value)))
            elif key in undetermined:
                amounts.append((label, "à préciser"))
        views.append(
            SchemeView(
                id=scheme["id"],
                name=scheme.get("name", scheme["id"]),
                status=scheme["status"],
                status_label=STATUS_LABELS.get(scheme["status"], scheme["status"]),
                status_css=STATUS_CSS.get(scheme["status"], "text-bg-light"),
                uncertain=bool(scheme.get("uncertain")),
                reasons=[
                    ReasonView(
                        text=reason["text"],
                        legal_refs=list(reason.get("legal_refs", [])),
                        sources=[source(url) for url in reason.get("source_urls", [])],
                        uncertain=bool(reason.get("uncertain")),
                        confidence=CONFIDENCE_LABELS.get(reason.get("confidence", ""), ""),
                        secondary_only=reason.get("official_source") is False,
                    )
                    for reason in scheme.get("reasons", [])
                ],
                amounts=amounts,
                missing_questions=[fact_question(catalogue, name) for name in scheme.get("missing_facts", [])],
                headline=headline(scheme),
            )
        )
    return views


def headline(scheme: Mapping) -> str:
    """The status, and for a capped funding the remaining cost the engine computed, with the rule's confidence."""
    label = STATUS_LABELS.get(scheme["status"], scheme["status"])
    if scheme["status"] not in ("eligible", "undetermined"):
        return label
    amounts = scheme.get("amounts", {})
    for key, (cap_key, cap_label) in REMAINING_COSTS.items():
        if key not in amounts:
            continue
        cap = amounts.get(cap_key)
        if cap is None:
            continue
        origin = scheme.get("amount_sources", {}).get(key) or scheme.get("amount_sources", {}).get(cap_key) or {}
        trust = _trust(origin)
        cap_text = f"{cap_label} {euros(cap, decimals=0)}"
        remaining = amounts.get(key)
        if remaining is None:
            if key in scheme.get("undetermined_amounts", []):
                return f"{label} — reste à charge à préciser (prix de l'action inconnu ; {cap_text}{trust})"
            continue
        return f"{label} — reste à charge : {euros(remaining)} ({cap_text}{trust})"
    return label


def _trust(origin: Mapping) -> str:
    confidence = CONFIDENCE_LABELS.get(str(origin.get("confidence", "")), "")
    if not confidence:
        return ""
    return f" ; confiance {confidence}" + (", à vérifier" if origin.get("uncertain") else "")


def catalogue_label(result: Mapping, catalogue: Catalogue) -> str:
    """A readable catalogue version for a result (live or stored); the exact version string goes in a title."""
    if result.get("catalogue_label"):
        return str(result["catalogue_label"])
    if result.get("catalogue_version") == catalogue.version:
        return catalogue.label
    return f"catalogue {result.get('catalogue_version', '')}".strip()


def answer_label(catalogue: Catalogue, name: str, value: object) -> str:
    """A stored fact's value in plain French (« oui », the enum's label, 0,5, 12/03/2026...)."""
    definition = catalogue.facts.get(name)
    if isinstance(value, bool):
        return "oui" if value else "non"
    if definition is not None and definition.type == "enum":
        return definition.value_labels.get(str(value), str(value))
    if definition is not None and definition.type == "date":
        return date.fromisoformat(str(value)).strftime("%d/%m/%Y")
    if isinstance(value, int | float) and definition is not None and definition.unit == "EUR":
        return euros(value)
    if isinstance(value, int | float):
        text = f"{value:g}".replace(".", ",")
        unit = definition.unit if definition is not None and definition.unit not in (None, "ratio") else ""
        return f"{text} {unit}".strip()
    return str(value)


def facts_table(catalogue: Catalogue, facts: Mapping[str, object]) -> list[tuple[str, str]]:
    """(question, answer) rows in vocabulary order; facts unknown to the current catalogue come last."""
    order = list(catalogue.facts)
    names: Iterable[str] = sorted(facts, key=lambda n: (order.index(n) if n in order else len(order), n))
    return [(fact_question(catalogue, name), answer_label(catalogue, name, facts[name])) for name in names]
