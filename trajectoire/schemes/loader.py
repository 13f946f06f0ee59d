"""Load and validate the YAML catalogue into an immutable `Catalogue`.

Steps:
1. read `catalogue.yaml` (version, coverage, scheme order) and `facts.yaml` (vocabulary);
2. validate each scheme file, then each rule on its own, so that an error names the file and the rule;
3. check what crosses files: unique rule ids, `ref` and `imports` targets, reference cycles, amount keys;
4. derive `catalogue_version` = declared version + short hash of every file's bytes (deterministic).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from trajectoire.schemes.errors import CatalogueError, SchemesError
from trajectoire.schemes.facts import FactDefinition, FactValue
from trajectoire.schemes.models import (
    AMOUNT_KINDS,
    CONDITION_KINDS,
    CatalogueMeta,
    Rule,
    RuleVersion,
    SchemeFile,
)
from trajectoire.schemes.predicates import All, Predicate, referenced_rules

DEFAULT_PATH = Path(__file__).resolve().parent / "catalogue"
_YamlLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when available: about ten times faster
META_FILE = "catalogue.yaml"
FACTS_FILE = "facts.yaml"


@dataclass(frozen=True, slots=True)
class BoundRule:
    """A rule as used by one scheme: its own rules, or imported ones with an extra condition and renamed outputs."""

    rule: Rule
    applies_when: Predicate | None
    rename: Mapping[str, str]
    origin: str

    def output(self, key: str) -> str:
        return self.rename.get(key, key)


@dataclass(frozen=True, slots=True)
class Scheme:
    id: str
    name: str
    summary: str
    legal_basis: tuple[str, ...]
    existed_before_catalogue: bool
    relevant_when: Predicate | None
    assumes: Mapping[str, FactValue]
    amount_keys: tuple[str, ...]
    rules: tuple[BoundRule, ...]
    file: str

    @property
    def availability(self) -> Rule:
        return next(b.rule for b in self.rules if b.rule.kind == "availability")

    @property
    def transitional(self) -> Rule | None:
        return next((b.rule for b in self.rules if b.rule.kind == "transitional"), None)


@dataclass(frozen=True)
class RuleRow:
    """One version of one rule, flat: what a « rules » page lists."""

    scheme_id: str
    rule_id: str
    kind: str
    title: str
    effective_from: date | None
    effective_to: date | None
    status: str
    confidence: str
    last_verified: date
    legal_refs: tuple[str, ...]
    source_urls: tuple[str, ...]
    notes: str | None
    to_verify: bool
    secondary_only: bool = False

    def to_dict(self) -> dict[str, object]:
        return {
            "scheme": self.scheme_id,
            "rule": self.rule_id,
            "kind": self.kind,
            "title": self.title,
            "effective_from": self.effective_from.isoformat() if self.effective_from else None,
            "effective_to": self.effective_to.isoformat() if self.effective_to else None,
            "status": self.status,
            "confidence": self.confidence,
            "last_verified": self.last_verified.isoformat(),
            "legal_refs": list(self.legal_refs),
            "source_urls": list(self.source_urls),
            "notes": self.notes,
            "to_verify": self.to_verify,
            "secondary_only": self.secondary_only,
        }


@dataclass(frozen=True)
class Catalogue:
    """The validated catalogue. Build it with `load_catalogue()`; it is immutable and safe to share."""

    meta: CatalogueMeta
    version: str
    facts: Mapping[str, FactDefinition]
    schemes: tuple[Scheme, ...]
    rules: Mapping[str, Rule]
    rule_scheme: Mapping[str, str]
    path: Path
    _by_id: dict[str, Scheme] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self._by_id.update({s.id: s for s in self.schemes})

    @property
    def label(self) -> str:
        """The version as a counsellor reads it, e.g. « catalogue du 1er décembre 2026, 77 règles »; the exact
        `version` (with its content hash) stays the reproducibility key."""
        count = len(self.rules)
        return f"catalogue du {fr_date(self.meta.dated)}, {count} règle{'s' if count > 1 else ''}"

    def scheme(self, scheme_id: str) -> Scheme:
        try:
            return self._by_id[scheme_id]
        except KeyError:
            raise SchemesError(f"dispositif inconnu : {scheme_id}")

    def fact_definitions(self, names: Iterable[str] | None = None) -> list[FactDefinition]:
        """Definitions in vocabulary order; with `names`, only those (e.g. an evaluation's missing facts)."""
        if names is None:
            return list(self.facts.values())
        wanted = set(names)
        return [d for d in self.facts.values() if d.name in wanted]

    def rule_rows(self) -> list[RuleRow]:
        rows = []
        for scheme in self.schemes:
            for bound in scheme.rules:
                if bound.origin != scheme.id:
                    continue
                for version in bound.rule.versions:
                    rows.append(_row(scheme.id, bound.rule, version))
        return rows

    def to_verify(self) -> list[RuleRow]:
        """Rule versions that are draft, unverified or of low confidence: shown « à vérifier », never silent."""
        return [row for row in self.rule_rows() if row.to_verify]

    def change_dates(self) -> dict[str, set[date]]:
        """Per scheme, the days on which one of its rules changes (coverage start included)."""
        out: dict[str, set[date]] = {}
        for scheme in self.schemes:
            dates: set[date] = set()
            for bound in scheme.rules:
                dates |= bound.rule.change_dates()
            out[scheme.id] = {d for d in dates if d >= self.meta.covers_from}
        return out


MONTHS_FR = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)


def fr_date(value: date) -> str:
    """« 1er mars 2026 », « 26 février 2026 »: the catalogue's dates as counsellors read them."""
    return f"{'1er' if value.day == 1 else value.day} {MONTHS_FR[value.month - 1]} {value.year}"


def _row(scheme_id: str, rule: Rule, version: RuleVersion) -> RuleRow:
    return RuleRow(
        scheme_id=scheme_id,
        rule_id=rule.id,
        kind=rule.kind,
        title=rule.title,
        effective_from=version.effective_from,
        effective_to=version.effective_to,
        status=version.status,
        confidence=version.confidence,
        last_verified=version.last_verified,
        legal_refs=tuple(version.legal_refs),
        source_urls=tuple(version.source_urls),
        notes=version.notes,
        to_verify=version.uncertain,
        secondary_only=version.secondary_only,
    )


_CACHE: dict[tuple[Path, str], Catalogue] = {}


def load_catalogue(path: str | Path | None = None) -> Catalogue:
    """Load and validate the catalogue directory (default: the one shipped in the package).

    Raises CatalogueError whose message names the file and, when relevant, the rule. Results are cached per
    directory and content hash, so repeated calls are cheap and a changed file is always re-read.
    """
    directory = Path(path).resolve() if path is not None else DEFAULT_PATH
    if not directory.is_dir():
        raise CatalogueError(f"{directory} : dossier de catalogue introuvable")
    files = {p.name: p.read_bytes() for p in sorted(directory.glob("*.yaml"))}
    digest = hashlib.sha256()
    for name, content in files.items():
        digest.update(name.encode() + b"\0" + content + b"\0")
    key = (directory, digest.hexdigest())
    if key not in _CACHE:
        _CACHE[key] = _build(directory, files, digest.hexdigest()[:10])
    return _CACHE[key]


def _read(name: str, files: Mapping[str, bytes]) -> Any:
    if name not in files:
        raise CatalogueError(f"{name} : fichier manquant")
    try:
        return yaml.load(files[name], Loader=_YamlLoader)  # noqa: S506 (a safe loader)
    except yaml.YAMLError as exc:
        raise CatalogueError(f"{name} : YAML illisible ({exc})")


def _validate(model: type[BaseModel], data: object, where: str, context: dict[str, Any] | None = None) -> Any:
    try:
        return model.model_validate(data, context=context)
    except ValidationError as exc:
        raise CatalogueError(f"{where} : {_explain(exc)}")


def _explain(exc: ValidationError) -> str:
    parts = []
    for error in exc.errors():
        message = error["msg"].removeprefix("Value error, ")
        if error["type"] == "missing":
            message = "champ obligatoire manquant"
        elif error["type"] == "extra_forbidden":
            message = "champ inconnu"
        location = ".".join(str(x) for x in error["loc"])
        parts.append(f"{location} : {message}" if location else message)
    return " ; ".join(parts)


def _build(directory: Path, files: Mapping[str, bytes], short_hash: str) -> Catalogue:
    meta: CatalogueMeta = _validate(CatalogueMeta, _read(META_FILE, files), META_FILE)
    facts = _load_facts(files)
    context = {"facts": facts}

    expected = {f"{scheme_id}.yaml" for scheme_id in meta.schemes}
    stray = set(files) - expected - {META_FILE, FACTS_FILE}
    if stray:
        raise CatalogueError(f"{sorted(stray)[0]} : fichier absent de la liste « schemes » de {META_FILE}")

    files_models: list[tuple[str, SchemeFile, list[Rule]]] = []
    rules: dict[str, Rule] = {}
    rule_scheme: dict[str, str] = {}
    for scheme_id in meta.schemes:
        filename = f"{scheme_id}.yaml"
        raw = _read(filename, files)
        scheme_file: SchemeFile = _validate(SchemeFile, raw, filename, context)
        if scheme_file.id != scheme_id:
            raise CatalogueError(
                f"{filename} : l'identifiant « {scheme_file.id} » ne correspond pas au nom du fichier"
            )
        own: list[Rule] = []
        for index, raw_rule in enumerate(scheme_file.rules):
            rule_id = raw_rule.get("id", f"#{index + 1}") if isinstance(raw_rule, dict) else f"#{index + 1}"
            rule: Rule = _validate(Rule, raw_rule, f"{filename}, règle « {rule_id} »", context)
            if rule.id in rules:
                raise CatalogueError(
                    f"{filename}, règle « {rule.id} » : identifiant déjà utilisé dans {rule_scheme[rule.id]}.yaml"
                )
            rules[rule.id] = rule
            rule_scheme[rule.id] = scheme_id
            own.append(rule)
        files_models.append((filename, scheme_file, own))

    schemes = tuple(_bind(filename, sf, own, rules, rule_scheme) for filename, sf, own in files_models)
    _check_refs(rules, rule_scheme, schemes)
    return Catalogue(
        meta=meta,
        version=f"{meta.version}+{short_hash}",
        facts=facts,
        schemes=schemes,
        rules=rules,
        rule_scheme=rule_scheme,
        path=directory,
    )


def _load_facts(files: Mapping[str, bytes]) -> dict[str, FactDefinition]:
    raw = _read(FACTS_FILE, files)
    if not isinstance(raw, dict) or not isinstance(raw.get("facts"), dict):
        raise CatalogueError(f"{FACTS_FILE} : une clé « facts » (fait → définition) est attendue")
    facts: dict[str, FactDefinition] = {}
    for name, definition in raw["facts"].items():
        data = {"name": name, **definition} if isinstance(definition, dict) else definition
        facts[name] = _validate(FactDefinition, data, f"{FACTS_FILE}, fait « {name} »")
    if "as_of_date" not in facts:
        raise CatalogueError(f"{FACTS_FILE} : le fait « as_of_date » (date d'évaluation) est obligatoire")
    return facts


def _bind(
    filename: str, scheme_file: SchemeFile, own: list[Rule], rules: Mapping[str, Rule], rule_scheme: Mapping[str, str]
) -> Scheme:
    bound = [BoundRule(rule, rule.applies_when, {}, scheme_file.id) for rule in own]
    for imported in scheme_file.imports:
        rule = rules.get(imported.rule)
        if rule is None:
            raise CatalogueError(f"{filename}, import « {imported.rule} » : règle inconnue")
        bad = set(imported.rename) - set(rule.outputs) - rule.excess_keys()
        if bad:
            raise CatalogueError(
                f"{filename}, import « {imported.rule} » : renomme des montants inconnus {sorted(bad)}"
            )
        conditions = [p for p in (rule.applies_when, imported.applies_when) if p is not None]
        applies: Predicate | None = All(tuple(conditions)) if len(conditions) > 1 else (conditions or [None])[0]
        bound.append(BoundRule(rule, applies, dict(imported.rename), rule_scheme[rule.id]))

    kinds = [b.rule.kind for b in bound if b.origin == scheme_file.id]
    if kinds.count("availability") != 1:
        raise CatalogueError(f"{filename} : il faut exactement une règle « availability » (période d'existence)")
    if kinds.count("transitional") > 1:
        raise CatalogueError(f"{filename} : au plus une règle « transitional »")

    produced = {b.output(key) for b in bound if b.rule.kind in AMOUNT_KINDS for key in b.rule.outputs}
    for b in bound:
        if b.rule.kind in AMOUNT_KINDS:
            unknown_minus = {b.output(k) for k in b.rule.excess_keys()} - produced
            if unknown_minus:
                raise CatalogueError(
                    f"{filename}, règle « {b.rule.id} » : un dépassement soustrait des montants que le dispositif ne "
                    f"calcule pas : {sorted(unknown_minus)}"
                )
    # An amount that subtracts another one (Excess) is computed after every rule without such a dependency.
    bound.sort(key=lambda b: b.rule.kind in AMOUNT_KINDS and bool(b.rule.excess_keys()))
    for b in bound:
        if b.rule.kind in AMOUNT_KINDS:
            stray = {b.output(k) for k in b.rule.outputs} - set(scheme_file.amount_keys)
            if stray:
                raise CatalogueError(
                    f"{filename}, règle « {b.rule.id} » : montants absents de « amount_keys » : {sorted(stray)}"
                )
    unused = set(scheme_file.amount_keys) - produced
    if unused:
        raise CatalogueError(f"{filename} : « amount_keys » sans règle qui les calcule : {sorted(unused)}")

    return Scheme(
        id=scheme_file.id,
        name=scheme_file.name,
        summary=scheme_file.summary,
        legal_basis=tuple(scheme_file.legal_basis),
        existed_before_catalogue=scheme_file.existed_before_catalogue,
        relevant_when=scheme_file.relevant_when,
        assumes=dict(scheme_file.assumes),
        amount_keys=tuple(scheme_file.amount_keys),
        rules=tuple(bound),
        file=filename,
    )


def _predicates_of(rule: Rule) -> list[Predicate]:
    out = [rule.applies_when] if rule.applies_when is not None else []
    for version in rule.versions:
        if version.predicate is not None:
            out.append(version.predicate)
        out.extend(case.when for case in version.cases or [] if case.when is not None)
    return out


def _check_refs(rules: Mapping[str, Rule], rule_scheme: Mapping[str, str], schemes: Iterable[Scheme]) -> None:
    graph: dict[str, set[str]] = {}
    for rule_id, rule in rules.items():
        where = f"{rule_scheme[rule_id]}.yaml, règle « {rule_id} »"
        targets: set[str] = set()
        for predicate in _predicates_of(rule):
            targets |= referenced_rules(predicate)
        for target in targets:
            if target not in rules:
                raise CatalogueError(f"{where} : « ref » vers une règle inconnue « {target} »")
            if rules[target].kind not in CONDITION_KINDS:
                raise CatalogueError(f"{where} : « ref » vers « {target} » qui n'est pas une condition")
        graph[rule_id] = targets
    for scheme in schemes:
        for bound in scheme.rules:
            if bound.applies_when is not None:
                for target in referenced_rules(bound.applies_when):
                    if target not in rules:
                        raise CatalogueError(f"{scheme.file} : « ref » vers une règle inconnue « {target} »")
    state: dict[str, int] = {}

    def visit(node: str, trail: list[str]) -> None:
        if state.get(node) == 2:
            return
        if state.get(node) == 1:
            cycle = " → ".join([*trail[trail.index(node) :], node])
            raise CatalogueError(f"{rule_scheme[node]}.yaml, règle « {node} » : références circulaires ({cycle})")
        state[node] = 1
        for target in sorted(graph[node]):
            visit(target, [*trail, node])
        state[node] = 2

    for node in sorted(graph):
        visit(node, [])
