"""Pydantic models of the catalogue files (one YAML file per scheme, plus `facts.yaml` and `catalogue.yaml`).

Validation happens at load: unknown facts, bad date ranges, overlapping versions of one rule, missing legal
references... all raise an error that the loader prefixes with the file and the rule.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from trajectoire.schemes.facts import FactDefinition, FactValue
from trajectoire.schemes.predicates import Predicate, facts_used, parse_predicate

Confidence = Literal["high", "medium", "low"]
RuleStatus = Literal["in_force", "ended", "transitional", "unverified", "draft"]
RuleKind = Literal[
    "availability",
    "transitional",
    "eligibility",
    "exemption",
    "amount",
    "cap",
    "deadline",
    "duration",
    "obligation",
    "procedure",
    "retention",
    "fact",
]
CONDITION_KINDS = ("eligibility", "exemption")
AMOUNT_KINDS = ("amount", "cap")
NOTICE_KINDS = ("deadline", "duration", "obligation", "procedure", "retention", "fact")
PLACEHOLDER = re.compile(r"\{([a-z0-9_]+)\}")

# Publishers of official texts and of the funders' own rules, by URL domain (a sub-domain counts, e.g.
# circulaires.legifrance.gouv.fr). Any `.gouv.fr` site is official too: only State services can register one
# (vae.gouv.fr, demission-reconversion.gouv.fr...). Everything else — Centre Inffo, OPCO, law firms, blogs,
# training sellers — is a secondary source: useful, but a rule resting on them alone is never above « medium ».
OFFICIAL_DOMAINS = (
    "legifrance.gouv.fr",
    "service-public.fr",
    "service-public.gouv.fr",
    "travail-emploi.gouv.fr",
    "francecompetences.fr",
    "caissedesdepots.fr",
    "moncompteformation.gouv.fr",
    "francetravail.fr",
    "pole-emploi.fr",
    "urssaf.fr",
)
OFFICIAL_SUFFIXES = (".gouv.fr",)


def source_is_official(url: str) -> bool:
    """True when the URL's host is an official publisher (see OFFICIAL_DOMAINS), false for a secondary source."""
    host = (urlsplit(url).hostname or "").lower().rstrip(".")
    if any(host == domain or host.endswith("." + domain) for domain in OFFICIAL_DOMAINS):
        return True
    return host.endswith(OFFICIAL_SUFFIXES)


def _facts(info: ValidationInfo) -> dict[str, FactDefinition]:
    context = info.context or {}
    facts = context.get("facts")
    if facts is None:
        raise ValueError("vocabulaire des faits absent du contexte de validation")
    return facts  # type: ignore[no-any-return]


def _predicate(value: object, info: ValidationInfo) -> Predicate | None:
    if value is None:
        return None
    return parse_predicate(value, _facts(info))


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)


class Texts(_Strict):
    """French sentences for each outcome of a condition (a condition without predicate is always met)."""

    met: str
    not_met: str = ""
    unknown: str = ""


class Prorata(_Strict):
    """An amount proportional to a numeric fact, e.g. 500 € × working_time_ratio, rounded up to the cent."""

    base: float
    fact: str
    rounding: Literal["ceil_cent", "cent"] = "cent"

    @field_validator("fact")
    @classmethod
    def _known_numeric_fact(cls, value: str, info: ValidationInfo) -> str:
        facts = _facts(info)
        if value not in facts:
            raise ValueError(f"fait inconnu « {value} »")
        if facts[value].type not in ("number", "integer"):
            raise ValueError(f"le prorata exige un fait numérique, « {value} » ne l'est pas")
        return value


class Excess(_Strict):
    """What a numeric fact exceeds another amount of the same scheme by, never below 0: e.g. the price of a bilan
    beyond the CPF cap (`{fact: action_price_eur, minus: action_cap_eur}`). A `null` cap gives `null` (no cap)."""

    fact: str
    minus: str

    @field_validator("fact")
    @classmethod
    def _known_numeric_fact(cls, value: str, info: ValidationInfo) -> str:
        facts = _facts(info)
        if value not in facts:
            raise ValueError(f"fait inconnu « {value} »")
        if facts[value].type not in ("number", "integer"):
            raise ValueError(f"un dépassement exige un fait numérique, « {value} » ne l'est pas")
        return value


AmountValue = float | Prorata | Excess | None


class AmountCase(_Strict):
    """One branch of an amount rule: when the predicate holds, these values apply and this sentence explains them."""

    when: Any = None
    values: dict[str, AmountValue]
    text: str

    @field_validator("when", mode="before")
    @classmethod
    def _parse_when(cls, value: object, info: ValidationInfo) -> Predicate | None:
        return _predicate(value, info)

    @model_validator(mode="after")
    def _placeholders(self) -> AmountCase:
        # A text may quote its own amounts and the values of Excess facts (known whenever the amount is).
        quoted_facts = {v.fact for v in self.values.values() if isinstance(v, Excess)}
        unknown = set(PLACEHOLDER.findall(self.text)) - set(self.values) - quoted_facts
        if unknown:
            raise ValueError(f"le texte utilise des montants non définis : {sorted(unknown)}")
        return self


class RuleVersion(_Strict):
    """One dated version of a rule. A change of law closes a version (effective_to) and adds a new one."""

    effective_from: date | None
    effective_to: date | None
    status: RuleStatus
    confidence: Confidence
    last_verified: date
    legal_refs: list[str] = Field(min_length=1)
    source_urls: list[str] = Field(min_length=1)
    notes: str | None = None
    predicate: Any = None
    texts: Texts | None = None
    text: str | None = None
    cases: list[AmountCase] | None = None
    evaluate_as_of: date | None = None

    @field_validator("predicate", mode="before")
    @classmethod
    def _parse_predicate(cls, value: object, info: ValidationInfo) -> Predicate | None:
        return _predicate(value, info)

    @field_validator("source_urls")
    @classmethod
    def _urls(cls, value: list[str]) -> list[str]:
        for url in value:
            if not url.startswith(("http://", "https://")) or not urlsplit(url).hostname:
                raise ValueError(f"adresse de source invalide : {url!r}")
        return value

    @model_validator(mode="after")
    def _secondary_sources_cap_confidence(self) -> RuleVersion:
        if self.confidence == "high" and self.secondary_only:
            raise ValueError(
                "confiance « high » refusée : aucune source officielle (Légifrance, service-public.fr, "
                "travail-emploi.gouv.fr, France compétences, Caisse des Dépôts, France Travail, URSSAF...) parmi "
                f"{self.source_urls} ; ajoutez la source officielle ou indiquez « confidence: medium »"
            )
        return self

    @model_validator(mode="after")
    def _dates(self) -> RuleVersion:
        if self.status != "draft" and self.effective_from is None:
            raise ValueError("une version non « draft » doit avoir une date effective_from")
        if self.effective_from and self.effective_to and self.effective_to < self.effective_from:
            raise ValueError(
                f"plage de dates invalide : effective_to ({self.effective_to}) "
                f"avant effective_from ({self.effective_from})"
            )
        if self.status == "ended" and self.effective_to is None:
            raise ValueError("une version « ended » doit avoir une date effective_to")
        if self.status == "draft" and not self.text:
            raise ValueError("une version « draft » doit porter un texte « text » (affiché « à vérifier »)")
        return self

    @property
    def is_draft(self) -> bool:
        return self.status == "draft"

    @property
    def official_sources(self) -> list[str]:
        return [url for url in self.source_urls if source_is_official(url)]

    @property
    def secondary_only(self) -> bool:
        """No official publisher among the sources: the rule is shown « à vérifier » whatever its confidence."""
        return not self.official_sources

    @property
    def uncertain(self) -> bool:
        """Low confidence, not settled (draft/unverified) or secondary sources only: never silent, always flagged."""
        return self.confidence == "low" or self.status in ("draft", "unverified") or self.secondary_only

    def in_force_on(self, on: date) -> bool:
        if self.is_draft or self.effective_from is None:
            return False
        return self.effective_from <= on and (self.effective_to is None or on <= self.effective_to)


class Rule(_Strict):
    """A rule of a scheme and its dated versions."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    kind: RuleKind
    title: str
    applies_when: Any = None
    outputs: list[str] = []
    outside: AmountCase | None = None
    ref_default: bool | None = None
    not_in_force_before: str | None = None
    not_in_force_after: str | None = None
    versions: list[RuleVersion] = Field(min_length=1)

    @field_validator("applies_when", mode="before")
    @classmethod
    def _parse_applies(cls, value: object, info: ValidationInfo) -> Predicate | None:
        return _predicate(value, info)

    @model_validator(mode="after")
    def _check(self) -> Rule:
        self._check_overlaps()
        for version in self.versions:
            self._check_version_shape(version)
        if self.kind in AMOUNT_KINDS:
            if not self.outputs:
                raise ValueError("une règle de montant doit déclarer ses « outputs »")
            if self.outside is not None:
                self._check_case_keys(self.outside)
        elif self.outputs or self.outside is not None:
            raise ValueError("« outputs » et « outside » sont réservés aux règles de montant")
        if self.kind == "availability" and not self.not_in_force_before:
            raise ValueError("une règle de disponibilité doit porter « not_in_force_before »")
        return self

    def _check_overlaps(self) -> None:
        dated = sorted((v for v in self.versions if not v.is_draft), key=lambda v: v.effective_from or date.min)
        for previous, current in zip(dated, dated[1:], strict=False):
            end = previous.effective_to
            if end is None or current.effective_from is None or current.effective_from <= end:
                raise ValueError(
                    f"versions qui se chevauchent : {previous.effective_from} → {end or '…'} "
                    f"et {current.effective_from} → {current.effective_to or '…'}"
                )

    def _check_version_shape(self, version: RuleVersion) -> None:
        if version.is_draft:
            return
        where = f"version du {version.effective_from}"
        if self.kind in ("eligibility", "transitional") and version.texts is None:
            raise ValueError(f"{where} : une condition doit avoir des « texts » (met, not_met, unknown)")
        if self.kind in ("exemption", "transitional") and version.predicate is None:
            raise ValueError(f"{where} : une règle « {self.kind} » doit avoir un « predicate »")
        if version.predicate is not None and version.texts is not None:
            if not (version.texts.not_met and version.texts.unknown):
                raise ValueError(f"{where} : un prédicat exige les textes « not_met » et « unknown »")
        if self.kind == "transitional" and version.evaluate_as_of is None:
            raise ValueError(f"{where} : une règle transitoire doit avoir « evaluate_as_of »")
        if self.kind in AMOUNT_KINDS:
            if not version.cases:
                raise ValueError(f"{where} : une règle de montant doit avoir des « cases »")
            for case in version.cases:
                self._check_case_keys(case)
        if self.kind in NOTICE_KINDS or self.kind == "availability":
            if version.predicate is not None and version.texts is None:
                raise ValueError(f"{where} : un prédicat d'information exige « texts »")
            if version.predicate is None and not version.text:
                raise ValueError(f"{where} : une information doit avoir un « text »")

    def _check_case_keys(self, case: AmountCase) -> None:
        if set(case.values) != set(self.outputs):
            raise ValueError(
                f"chaque cas doit donner exactement les montants {sorted(self.outputs)}, reçu {sorted(case.values)}"
            )

    def version_on(self, on: date) -> RuleVersion | None:
        for version in self.versions:
            if version.in_force_on(on):
                return version
        return None

    @property
    def drafts(self) -> list[RuleVersion]:
        return [v for v in self.versions if v.is_draft]

    def change_dates(self) -> set[date]:
        """First days on which this rule's applicable version changes."""
        out: set[date] = set()
        for version in self.versions:
            if version.is_draft:
                continue
            if version.effective_from is not None:
                out.add(version.effective_from)
            if version.effective_to is not None:
                out.add(version.effective_to + timedelta(days=1))
        return out

    def facts_read(self) -> set[str]:
        out: set[str] = set()
        if self.applies_when is not None:
            out |= facts_used(self.applies_when)
        for version in self.versions:
            if version.predicate is not None:
                out |= facts_used(version.predicate)
            for case in version.cases or []:
                if case.when is not None:
                    out |= facts_used(case.when)
                out |= {v.fact for v in case.values.values() if isinstance(v, Prorata | Excess)}
        return out

    def excess_keys(self) -> set[str]:
        """Amount keys (of other rules) this rule's `Excess` values subtract: they must be computed first."""
        cases = [c for v in self.versions for c in v.cases or []] + ([self.outside] if self.outside else [])
        return {v.minus for c in cases for v in c.values.values() if isinstance(v, Excess)}


class Import(_Strict):
    """Reuse a rule of another scheme (same versions and sources), with an extra condition and renamed outputs."""

    rule: str
    applies_when: Any = None
    rename: dict[str, str] = {}

    @field_validator("applies_when", mode="before")
    @classmethod
    def _parse_applies(cls, value: object, info: ValidationInfo) -> Predicate | None:
        return _predicate(value, info)


class SchemeFile(_Strict):
    """One `catalogue/<scheme>.yaml` file."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: str
    summary: str
    legal_basis: list[str] = Field(min_length=1)
    existed_before_catalogue: bool
    relevant_when: Any = None
    assumes: dict[str, Any] = {}
    amount_keys: list[str] = []
    imports: list[Import] = []
    rules: list[Any]

    @field_validator("relevant_when", mode="before")
    @classmethod
    def _parse_relevant(cls, value: object, info: ValidationInfo) -> Predicate | None:
        return _predicate(value, info)

    @field_validator("assumes")
    @classmethod
    def _assumes(cls, value: dict[str, Any], info: ValidationInfo) -> dict[str, FactValue]:
        facts = _facts(info)
        out: dict[str, FactValue] = {}
        for name, raw in value.items():
            if name not in facts:
                raise ValueError(f"« assumes » : fait inconnu « {name} »")
            out[name] = facts[name].check_value(raw)
        return out


class CatalogueMeta(_Strict):
    """`catalogue/catalogue.yaml`: version, coverage and the order in which schemes are listed."""

    version: str
    dated: date
    covers_from: date
    sources_up_to: date
    verified_against: str
    schemes: list[str] = Field(min_length=1)
