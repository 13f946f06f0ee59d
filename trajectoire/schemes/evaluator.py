"""Evaluate every scheme for one situation on one date.

Semantics (documented for counsellors in docs/schemes.md):
1. A scheme is `not_in_force` when its availability rule has no version on the date (except a transitional rule,
   e.g. Pro-A avenants signed before 2026, which evaluates the old rules as of their last day). Before the
   catalogue's coverage start, a scheme that already existed is `undetermined`.
2. Each eligibility rule in force gives met / not met / unknown (three-valued logic); `applies_when` limits a rule
   to some situations. Any « not met » → `not_eligible`; otherwise any « unknown » → `undetermined`, with the
   facts that would settle it; otherwise `eligible`.
3. Amount rules pick the first case that holds; when unknown facts leave several possible values the amount is
   `null` and the facts are listed as missing.
4. Informative rules (deadlines, durations, procedures...) add reasons; draft versions are never applied: they
   add a reason marked « à vérifier ». Any reason from a draft, unverified or low-confidence rule is flagged.
The date is always an argument; nothing here reads the clock.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from trajectoire.schemes.facts import FactValue, validate_facts
from trajectoire.schemes.loader import BoundRule, Catalogue, Scheme, fr_date
from trajectoire.schemes.models import (
    AMOUNT_KINDS,
    NOTICE_KINDS,
    PLACEHOLDER,
    AmountCase,
    Excess,
    Prorata,
    Rule,
    RuleVersion,
)
from trajectoire.schemes.predicates import NO_MISSING, All, AnyOf, Leaf, Not, Predicate, Ref, Truth, compare

STATUSES = ("eligible", "not_eligible", "undetermined", "not_in_force")
TO_VERIFY = "À vérifier : "
Amount = int | float | None


@dataclass(frozen=True, slots=True)
class Reason:
    """One French sentence explaining part of an answer, with its legal references and how sure it is."""

    text: str
    legal_refs: tuple[str, ...]
    rule_id: str
    kind: str
    outcome: str
    confidence: str
    rule_status: str
    uncertain: bool
    source_urls: tuple[str, ...]
    last_verified: date | None
    official_source: bool = True

    def to_dict(self) -> dict[str, object]:
        return {
            "text": self.text,
            "legal_refs": list(self.legal_refs),
            "rule": self.rule_id,
            "kind": self.kind,
            "outcome": self.outcome,
            "confidence": self.confidence,
            "rule_status": self.rule_status,
            "uncertain": self.uncertain,
            "flag": "à vérifier" if self.uncertain else None,
            "source_urls": list(self.source_urls),
            "last_verified": self.last_verified.isoformat() if self.last_verified else None,
            "official_source": self.official_source,
        }


@dataclass(frozen=True, slots=True)
class SchemeResult:
    id: str
    name: str
    status: str
    reasons: tuple[Reason, ...]
    missing_facts: tuple[str, ...]
    amounts: Mapping[str, Amount]
    undetermined_amounts: tuple[str, ...]
    # Per settled amount: the rule that gave it, its confidence and whether it is « à vérifier ».
    amount_sources: Mapping[str, Mapping[str, object]] = field(default_factory=dict)

    @property
    def uncertain(self) -> bool:
        return any(r.uncertain for r in self.reasons)

    def to_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "name": self.name,
            "status": self.status,
            "reasons": [r.to_dict() for r in self.reasons],
            "missing_facts": list(self.missing_facts),
            "amounts": dict(self.amounts),
            "undetermined_amounts": list(self.undetermined_amounts),
            "uncertain": self.uncertain,
            "amount_sources": {key: dict(value) for key, value in self.amount_sources.items()},
        }


@dataclass(frozen=True, slots=True)
class Evaluation:
    on: date
    catalogue_version: str
    schemes: tuple[SchemeResult, ...]
    warnings: tuple[str, ...]
    facts: Mapping[str, FactValue] = field(repr=False)
    catalogue_label: str = ""

    def scheme(self, scheme_id: str) -> SchemeResult:
        for result in self.schemes:
            if result.id == scheme_id:
                return result
        raise KeyError(scheme_id)

    @property
    def missing_facts(self) -> tuple[str, ...]:
        """Union of every scheme's missing facts, without duplicates, in first-seen order."""
        seen: dict[str, None] = {}
        for result in self.schemes:
            seen.update(dict.fromkeys(result.missing_facts))
        return tuple(seen)

    def to_dict(self) -> dict[str, object]:
        """Exactly the JSON printed by `python -m trajectoire.schemes evaluate`."""
        return {
            "on": self.on.isoformat(),
            "catalogue_version": self.catalogue_version,
            "catalogue_label": self.catalogue_label,
            "schemes": [s.to_dict() for s in self.schemes],
            "warnings": list(self.warnings),
        }


def evaluate(
    catalogue: Catalogue,
    facts: Mapping[str, object],
    on: date,
    *,
    schemes: Iterable[str] | None = None,
) -> Evaluation:
    """Evaluate the schemes (all, or those named) for these facts on this date.

    Raises FactError for unknown facts or bad values; never reads the clock.
    """
    if not isinstance(on, date):
        raise TypeError("on doit être une date")
    checked = validate_facts(catalogue.facts, facts, on=on)
    selected = catalogue.schemes if schemes is None else tuple(catalogue.scheme(s) for s in schemes)
    results = tuple(_Evaluator(catalogue, scheme, checked, on).run() for scheme in selected)
    warnings: tuple[str, ...] = ()
    if on > catalogue.meta.sources_up_to:
        warnings = (
            f"Les sources du catalogue s'arrêtent au {fr_date(catalogue.meta.sources_up_to)} : un texte publié "
            "depuis peut modifier ces réponses. Vérifiez les règles signalées et la date de dernière vérification.",
        )
    return Evaluation(
        on=on,
        catalogue_version=catalogue.version,
        schemes=results,
        warnings=warnings,
        facts=checked,
        catalogue_label=catalogue.label,
    )


def predicate_truth(catalogue: Catalogue, predicate: Predicate, facts: Mapping[str, object], on: date) -> bool | None:
    """Three-valued truth of a predicate for raw facts on a date (e.g. a scheme's `relevant_when`)."""
    checked = validate_facts(catalogue.facts, facts, on=on)
    value, _ = _Evaluator(catalogue, catalogue.schemes[0], checked, on, assumes=False).truth(predicate)
    return value


class _Evaluator:
    """Evaluates one scheme; holds the facts, the date and the rules for `ref` lookups."""

    __slots__ = ("catalogue", "scheme", "facts", "on", "touched_uncertain", "amount_sources")

    def __init__(
        self, catalogue: Catalogue, scheme: Scheme, facts: Mapping[str, FactValue], on: date, *, assumes: bool = True
    ) -> None:
        self.catalogue = catalogue
        self.scheme = scheme
        self.facts = {**facts, **scheme.assumes} if scheme.assumes and assumes else facts
        self.on = on
        self.touched_uncertain = False
        self.amount_sources: dict[str, dict[str, object]] = {}

    # -- three-valued logic ---------------------------------------------------------------------------------------

    def truth(self, predicate: Predicate | None) -> tuple[Truth, frozenset[str]]:
        if predicate is None:
            return True, NO_MISSING
        if isinstance(predicate, Leaf):
            if predicate.op == "is_known":
                return predicate.fact in self.facts, NO_MISSING
            value = self.facts.get(predicate.fact)
            if value is None:
                return None, frozenset((predicate.fact,))
            return compare(predicate.op, value, predicate.value), NO_MISSING
        if isinstance(predicate, All | AnyOf):
            decisive = isinstance(predicate, AnyOf)  # the child value that settles the combinator
            missing: set[str] = set()
            unknown = False
            for child in predicate.children:
                value, child_missing = self.truth(child)
                if value is decisive:
                    return decisive, NO_MISSING
                if value is None:
                    unknown = True
                    missing |= child_missing
            return (None, frozenset(missing)) if unknown else (not decisive, NO_MISSING)
        if isinstance(predicate, Not):
            value, missing_ = self.truth(predicate.child)
            return (None if value is None else not value), missing_
        if isinstance(predicate, Ref):
            rule = self.catalogue.rules[predicate.rule_id]
            version = rule.version_on(self.on)
            if version is None:
                default = rule.ref_default if rule.ref_default is not None else rule.kind != "exemption"
                return default, NO_MISSING
            if version.uncertain:
                self.touched_uncertain = True
            return self.truth(version.predicate)
        return None, NO_MISSING  # Undetermined: knowingly not settled by the catalogue

    def applies(self, bound: BoundRule) -> tuple[Truth, frozenset[str]]:
        return self.truth(bound.applies_when)

    # -- reasons --------------------------------------------------------------------------------------------------

    def reason(self, rule: Rule, version: RuleVersion, text: str, outcome: str, uncertain: bool = False) -> Reason:
        uncertain = uncertain or version.uncertain
        if uncertain and not text.startswith(TO_VERIFY):
            text = TO_VERIFY + text
        return Reason(
            text=text,
            legal_refs=tuple(version.legal_refs),
            rule_id=rule.id,
            kind=rule.kind,
            outcome=outcome,
            confidence=version.confidence,
            rule_status=version.status,
            uncertain=uncertain,
            source_urls=tuple(version.source_urls),
            last_verified=version.last_verified,
            official_source=not version.secondary_only,
        )

    # -- the scheme -----------------------------------------------------------------------------------------------

    def run(self) -> SchemeResult:
        scheme = self.scheme
        availability = scheme.availability
        opening: list[Reason] = []
        if availability.version_on(self.on) is None:
            dated = [v for v in availability.versions if not v.is_draft]
            first = min(dated, key=lambda v: v.effective_from or date.min)
            before = first.effective_from is not None and self.on < first.effective_from
            if self.on < self.catalogue.meta.covers_from and scheme.existed_before_catalogue:
                return self._out_of_coverage(first)
            if before:
                opening.append(
                    self.reason(availability, first, availability.not_in_force_before or "", "not_in_force")
                )
            else:
                last = max((v for v in dated if v.effective_to and v.effective_to < self.on), key=_end)
                text = availability.not_in_force_after or availability.not_in_force_before or ""
                opening.append(self.reason(availability, last, text, "not_in_force"))
            transitional = scheme.transitional
            version = transitional.version_on(self.on) if transitional else None
            if transitional is None or version is None or version.texts is None:
                return self._result("not_in_force", opening, (), {}, ())
            value, _ = self.truth(version.predicate)
            text = version.texts.met if value else version.texts.not_met if value is False else version.texts.unknown
            opening.append(self.reason(transitional, version, text, "met" if value else "transitional"))
            if not value or version.evaluate_as_of is None:
                return self._result("not_in_force", opening, (), {}, ())
            self.on = version.evaluate_as_of

        status, condition_reasons, status_missing = self._conditions()
        amounts, undetermined, amount_reasons, amount_missing = self._amounts()
        missing = set(status_missing) if status == "undetermined" else set()
        if status in ("eligible", "undetermined"):
            missing |= amount_missing
        reasons = opening + condition_reasons + amount_reasons + self._notices() + self._drafts()
        return self._result(status, reasons, missing, amounts, undetermined)

    def _result(
        self,
        status: str,
        reasons: list[Reason],
        missing: Iterable[str],
        amounts: Mapping[str, Amount],
        undetermined: Iterable[str],
    ) -> SchemeResult:
        wanted = set(missing)
        ordered = tuple(name for name in self.catalogue.facts if name in wanted and name not in self.facts)
        all_amounts = {key: amounts.get(key) for key in self.scheme.amount_keys}
        return SchemeResult(
            id=self.scheme.id,
            name=self.scheme.name,
            status=status,
            reasons=tuple(reasons),
            missing_facts=ordered,
            amounts=all_amounts,
            undetermined_amounts=tuple(k for k in self.scheme.amount_keys if k in set(undetermined)),
            amount_sources={k: v for k, v in self.amount_sources.items() if all_amounts.get(k) is not None},
        )

    def _out_of_coverage(self, first: RuleVersion) -> SchemeResult:
        meta = self.catalogue.meta
        reason = Reason(
            text=(
                f"{TO_VERIFY}le catalogue ne couvre pas les dates antérieures au {fr_date(meta.covers_from)} ; "
                f"le dispositif « {self.scheme.name} » existait déjà : consultez les textes applicables à cette date."
            ),
            legal_refs=self.scheme.legal_basis,
            rule_id="catalogue_coverage",
            kind="availability",
            outcome="unknown",
            confidence="low",
            rule_status="unverified",
            uncertain=True,
            source_urls=tuple(first.source_urls),
            last_verified=None,
        )
        return self._result("undetermined", [reason], (), {}, self.scheme.amount_keys)

    def _conditions(self) -> tuple[str, list[Reason], set[str]]:
        order = {"not_met": 0, "unknown": 1, "met": 2}
        found: list[tuple[int, int, Reason]] = []
        missing: set[str] = set()
        any_false = any_unknown = False
        for index, bound in enumerate(self.scheme.rules):
            rule = bound.rule
            if rule.kind != "eligibility":
                continue
            version = rule.version_on(self.on)
            if version is None or version.texts is None:
                continue
            self.touched_uncertain = False
            applies, applies_missing = self.applies(bound)
            if applies is False:
                continue
            value, value_missing = self.truth(version.predicate)
            if applies is None and value is not True:
                value, value_missing = None, value_missing | applies_missing
            if value is False:
                any_false, outcome, text = True, "not_met", version.texts.not_met
            elif value is None:
                any_unknown, outcome, text = True, "unknown", version.texts.unknown
                missing |= value_missing
            else:
                outcome, text = "met", version.texts.met
            reason = self.reason(rule, version, text, outcome, self.touched_uncertain)
            found.append((order[outcome], index, reason))
        status = "not_eligible" if any_false else "undetermined" if any_unknown else "eligible"
        return status, [r for _, _, r in sorted(found, key=lambda x: (x[0], x[1]))], missing

    def _amounts(self) -> tuple[dict[str, Amount], set[str], list[Reason], set[str]]:
        """Per amount key, walk the rules in order, first settled case wins.

        A case that may apply (unknown facts) before the settling one adds its value to the possible values; the
        amount stays settled only if all possible values agree, otherwise it is `null` and its facts are missing.
        """
        settled: dict[str, Amount] = {}
        undetermined: set[str] = set()
        possible: dict[str, set[Amount]] = {}
        missing_by_key: dict[str, set[str]] = {}
        walked: list[tuple[BoundRule, RuleVersion, AmountCase | None, dict[str, Amount], bool, bool]] = []
        for bound in self.scheme.rules:
            rule = bound.rule
            if rule.kind not in AMOUNT_KINDS:
                continue
            keys = [bound.output(k) for k in rule.outputs]
            if all(k in settled or k in undetermined for k in keys):
                continue
            self.touched_uncertain = False
            applies, applies_missing = self.applies(bound)
            if applies is False:
                continue
            version = rule.version_on(self.on)
            if version is not None:
                cases, source = list(version.cases or []), version
            elif rule.outside is not None:
                cases, source = [rule.outside], _nearest(rule, self.on)
            else:
                continue
            chosen: AmountCase | None = None
            maybe: list[tuple[AmountCase, frozenset[str]]] = []
            for case in cases:
                value, case_missing = self.truth(case.when)
                if applies is None and value is not False:
                    value, case_missing = None, case_missing | applies_missing
                if value is True:
                    chosen = case
                    break
                if value is None:
                    maybe.append((case, case_missing))
            computed: dict[str, Amount] = {}
            complete = True
            for raw_key in rule.outputs:
                key = bound.output(raw_key)
                if key in settled or key in undetermined:
                    continue
                bucket = possible.setdefault(key, set())
                key_missing = missing_by_key.setdefault(key, set())
                for case, case_missing in maybe:
                    amount, value_missing = self._amount(case.values.get(raw_key), bound, settled, missing_by_key)
                    bucket.add(amount if not value_missing else _UNKNOWN)
                    key_missing |= case_missing | value_missing
                if chosen is None:
                    continue
                amount, value_missing = self._amount(chosen.values.get(raw_key), bound, settled, missing_by_key)
                if value_missing:
                    key_missing |= value_missing
                    undetermined.add(key)
                    complete = False
                elif bucket <= {amount}:
                    settled[key] = computed[raw_key] = amount
                else:
                    undetermined.add(key)
                    complete = False
            walked.append((bound, source, chosen, computed, complete and not maybe, self.touched_uncertain))
        for key, bucket in possible.items():
            if key in settled or key in undetermined:
                continue
            if bucket <= {None}:
                settled[key] = None
            else:
                undetermined.add(key)
        reasons: list[Reason] = []
        for bound, source, chosen, computed, complete, touched in walked:
            output_keys = {bound.output(k) for k in bound.rule.outputs}
            if chosen is not None and complete:
                values = {k: format_amount(k, v) for k, v in computed.items()}
                for name in _placeholders(chosen.text) - set(values):  # a quoted fact (numeric: checked at load)
                    fact = self.facts.get(name)
                    values[name] = format_amount(name, fact if isinstance(fact, int | float) else None)
                text = chosen.text.format_map(values)
                reasons.append(self.reason(bound.rule, source, text, "amount", touched))
                for raw_key in computed:
                    self.amount_sources[bound.output(raw_key)] = {
                        "rule": bound.rule.id,
                        "confidence": source.confidence,
                        "uncertain": bool(touched or source.uncertain),
                    }
            elif output_keys & undetermined:
                text = f"{bound.rule.title} : montant à préciser, des informations manquent."
                reasons.append(self.reason(bound.rule, source, text, "unknown", touched))
        for key in self.scheme.amount_keys:
            settled.setdefault(key, None)
        missing: set[str] = set()
        for key in undetermined:
            missing |= missing_by_key.get(key, set())
            settled[key] = None
        return settled, undetermined, reasons, missing

    def _amount(
        self,
        raw: float | Prorata | Excess | None,
        bound: BoundRule,
        settled: Mapping[str, Amount],
        missing_by_key: Mapping[str, set[str]],
    ) -> tuple[Amount, frozenset[str]]:
        if raw is None:
            return None, NO_MISSING
        if isinstance(raw, Excess):
            # Subtracted amounts are settled first (the loader orders such rules last). No cap → nothing exceeds it.
            minus_key = bound.output(raw.minus)
            if minus_key not in settled:
                return None, frozenset(missing_by_key.get(minus_key) or {raw.fact})
            cap = settled[minus_key]
            if cap is None:
                return None, NO_MISSING
            price = self.facts.get(raw.fact)
            if not isinstance(price, int | float) or isinstance(price, bool):
                return None, frozenset((raw.fact,))
            return _tidy(max(0.0, float(price) - float(cap))), NO_MISSING
        if isinstance(raw, Prorata):
            factor = self.facts.get(raw.fact)
            if not isinstance(factor, int | float) or isinstance(factor, bool):
                return None, frozenset((raw.fact,))
            amount = raw.base * factor
            amount = math.ceil(round(amount * 100, 6)) / 100 if raw.rounding == "ceil_cent" else round(amount, 2)
            return _tidy(amount), NO_MISSING
        return _tidy(raw), NO_MISSING

    def _notices(self) -> list[Reason]:
        reasons = []
        for bound in self.scheme.rules:
            rule = bound.rule
            if rule.kind not in NOTICE_KINDS:
                continue
            version = rule.version_on(self.on)
            if version is None:
                continue
            self.touched_uncertain = False
            applies, _ = self.applies(bound)
            if applies is not True:
                continue
            if version.predicate is not None and version.texts is not None:
                value, _ = self.truth(version.predicate)
                text = (
                    version.texts.met if value else version.texts.not_met if value is False else version.texts.unknown
                )
            else:
                text = version.text or ""
            reasons.append(self.reason(rule, version, text, "info", self.touched_uncertain))
        return reasons

    def _drafts(self) -> list[Reason]:
        reasons = []
        for bound in self.scheme.rules:
            rule = bound.rule
            for version in rule.drafts:
                if version.effective_from is not None and self.on < version.effective_from:
                    continue
                if version.effective_to is not None and self.on > version.effective_to:
                    continue
                applies, _ = self.applies(bound)
                if applies is False:
                    continue
                reasons.append(self.reason(rule, version, version.text or "", "draft", True))
        return reasons


def _placeholders(text: str) -> set[str]:
    """Facts quoted in an amount text (e.g. the price, « {action_price_eur} »), beside the computed amounts."""
    return set(PLACEHOLDER.findall(text))


_UNKNOWN = float("nan")  # a possible amount that depends on an unknown fact (never equal to anything)


def _end(version: RuleVersion) -> date:
    return version.effective_to or date.max


def _nearest(rule: Rule, on: date) -> RuleVersion:
    dated = sorted((v for v in rule.versions if not v.is_draft), key=lambda v: v.effective_from or date.min)
    earlier = [v for v in dated if v.effective_to is not None and v.effective_to < on]
    return earlier[-1] if earlier else dated[0]


def _tidy(value: float) -> Amount:
    value = round(float(value), 2)
    return int(value) if value.is_integer() else value


NBSP = "\u00a0"
NNBSP = "\u202f"  # narrow no-break space: the French thousands separator (« 1 890 »)


def fr_number(value: float) -> str:
    if float(value).is_integer():
        whole, decimals = f"{int(value):,}", ""
    else:
        whole, _, decimals = f"{value:,.2f}".partition(".")
        decimals = "," + decimals
    return whole.replace(",", NNBSP) + decimals


def format_amount(key: str, value: Amount) -> str:
    """French rendering of an amount according to its key's suffix (_eur, _hours, _years, _rate)."""
    if value is None:
        return "—"
    if key.endswith("_eur"):
        return f"{fr_number(value)}{NBSP}€"
    if key.endswith("_hours"):
        return f"{fr_number(value)}{NBSP}h"
    if key.endswith("_years"):
        return f"{fr_number(value)}{NBSP}an" + ("s" if value > 1 else "")
    if key.endswith("_rate") or key.endswith("_share"):
        return f"{fr_number(round(value * 100, 2))}{NBSP}%"
    return fr_number(value)
