"""Import of a ROME 4.0 set (`unix_*_v4NN_utf8.csv`, plain or gzipped) as France Travail publishes it.

Steps:
1. `find_rome_files` locates one complete set of files of a single version in a folder and checks it
   against its `MANIFEST.json` when there is one (`trajectoire.manifest`).
2. `parse_rome` reads and validates every file into plain dictionaries (no database); a malformed
   file (a required one with no data row included) raises `ImportFileError` naming file, line and column.
   Capitals that lost their accent are restored from the referential's own words (`labels.AccentRestorer`).
3. `rome_import` compares what it would deactivate with what is active and refuses (`ShrinkRefused`)
   when a table would lose more than `max_shrink` % of its rows or its last ones; then it writes in one
   transaction: upsert by code, compare with the stored rows to count unchanged ones, and deactivate
   (never delete) the codes that disappeared.
"""

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from trajectoire.manifest import check_manifest
from trajectoire.referentials.enums import (
    CoreFlag,
    EcologicalTransition,
    ItemKind,
    ReferentialSource,
    Riasec,
    SkillCategory,
    SkillNature,
)
from trajectoire.referentials.importers.csvfiles import ImportFileError, Row, read_rows, read_text
from trajectoire.referentials.importers.labels import SEPARATOR, AccentRestorer
from trajectoire.referentials.importers.sync import (
    DEFAULT_MAX_SHRINK,
    Shrink,
    ShrinkRefused,
    SyncStats,
    check_shrink,
    measure_shrink,
    pk_map,
    sync_rows,
)
from trajectoire.referentials.models import (
    JobTitle,
    Knowledge,
    MajorDomain,
    Mobility,
    Occupation,
    OccupationItem,
    ProfessionalDomain,
    ReferentialVersion,
    Skill,
    WorkContext,
)
from trajectoire.referentials.text import split_genders

FILE_PATTERN = re.compile(r"^unix_(?P<name>[a-z_]+)_v(?P<version>4\d\d)_utf8\.csv(?:\.gz)?$")
ROME_CODE = re.compile(r"^[A-N]\d{4}$")

# File (without prefix and version) → columns the importer reads. Extra columns are ignored.
REQUIRED_FILES: dict[str, tuple[str, ...]] = {
    "referentiel_code_rome": (
        "code_rome",
        "code_ogr",
        "libelle_rome",
        "transition_eco",
        "transition_num",
        "transition_demo",
        "emploi_reglemente",
        "emploi_cadre",
        "code_rome_parent",
    ),
    "cr_gd_dp": (
        "code_rome",
        "code_grand_domaine",
        "libelle_grand_domaine",
        "code_domaine_professionel",
        "libelle_domaine_professionel",
    ),
    "referentiel_code_rome_riasec": ("code_rome", "riasec_majeur", "riasec_mineur"),
    "texte": ("code_rome", "libelle_type_texte", "position_phrase", "libelle_texte"),
    "referentiel_appellation": (
        "code_ogr",
        "libelle_appellation_long",
        "libelle_appellation_court",
        "code_rome",
        "emploi_reglemente",
        "emploi_cadre",
        "classification",
        "peu_usite",
    ),
    "referentiel_competence": (
        "code_ogr",
        "nature",
        "libelle_competence",
        "definition",
        "code_ogr_macro_comp",
        "code_macro_comp",
        "cat_comp",
        "sous_cat_comp",
        "transition_eco",
        "transition_num",
    ),
    "referentiel_savoir": (
        "code_ogr_savoir",
        "libelle_savoir",
        "categorie_savoir",
        "sous_categorie_savoir",
        "transition_eco",
        "transition_num",
    ),
    "referentiel_contexte_travail": (
        "code_ogr",
        "libelle_cont_travail",
        "code_type_cont_trav",
        "libelle_type_cont_trav",
    ),
    "coherence_item": ("code_rome", "code_ogr", "coeur_metier"),
    "rubrique_mobilite": ("code_rome", "code_rome_cible", "numero_ordre"),
}
OPTIONAL_FILES: dict[str, tuple[str, ...]] = {
    "referentiel_macro_competence_riasec": ("code_ogr", "riasec_majeur", "riasec_mineur"),
}

ECO_TRANSITION = {
    "": EcologicalTransition.NONE,
    "emploi blanc": EcologicalTransition.WHITE,
    "emploi vert": EcologicalTransition.GREEN,
    "emploi brun": EcologicalTransition.BROWN,
    "emploi stratégique pour la transition écologique": EcologicalTransition.STRATEGIC,
}
CORE = {"": CoreFlag.NONE, "principale": CoreFlag.MAIN, "émergente": CoreFlag.EMERGING, "emergente": CoreFlag.EMERGING}
NATURE = {"compétence": SkillNature.COMPETENCE, "macro-compétence": SkillNature.MACRO}
CATEGORY = {"savoir-faire": SkillCategory.KNOW_HOW, "savoir-être professionnel": SkillCategory.SOFT_SKILL}
BATCH_SIZE = 2000


@dataclass
class RomeFiles:
    directory: Path
    version: str
    paths: dict[str, Path]
    published_on: date | None = None
    warnings: list[str] = field(default_factory=list)


@dataclass
class RomeData:
    version: str
    published_on: date | None
    major_domains: dict[str, dict] = field(default_factory=dict)
    domains: dict[str, dict] = field(default_factory=dict)
    occupations: dict[str, dict] = field(default_factory=dict)
    job_titles: dict[int, dict] = field(default_factory=dict)
    skills: dict[int, dict] = field(default_factory=dict)
    knowledge: dict[int, dict] = field(default_factory=dict)
    work_contexts: dict[int, dict] = field(default_factory=dict)
    # (ROME code, OGR code) → (kind, core flag)
    items: dict[tuple[str, int], tuple[str, str]] = field(default_factory=dict)
    # (source code, target code) → rank
    mobilities: dict[tuple[str, str], int] = field(default_factory=dict)


# --- 1. Files ------------------------------------------------------------------------------------------


def default_rome_dir() -> Path:
    """The newest shipped version: data/rome/v4NN with the highest NN."""
    base = Path(settings.BASE_DIR) / "data" / "rome"
    candidates = sorted(
        (p for p in base.glob("v4*") if p.is_dir() and re.fullmatch(r"v4\d\d", p.name)), key=lambda p: p.name
    )
    if not candidates:
        raise ImportFileError(base, "aucun dossier de version ROME (v4NN) n'a été trouvé.")
    return candidates[-1]


def find_rome_files(directory: Path) -> RomeFiles:
    if not directory.is_dir():
        raise ImportFileError(directory, "ce dossier n'existe pas.")
    found: dict[str, dict[str, Path]] = defaultdict(dict)
    for path in sorted(directory.iterdir()):
        match = FILE_PATTERN.match(path.name)
        if match:
            # A plain file wins over its gzipped twin (someone unpacked it to edit it).
            found[match["version"]].setdefault(match["name"], path)
            if path.suffix == ".csv":
                found[match["version"]][match["name"]] = path
    if not found:
        raise ImportFileError(directory, "aucun fichier unix_*_v4NN_utf8.csv dans ce dossier.")
    if len(found) > 1:
        versions = ", ".join(sorted(found))
        raise ImportFileError(directory, f"plusieurs versions mélangées dans ce dossier ({versions}) : gardez-en une.")
    version, paths = next(iter(found.items()))
    missing = [name for name in REQUIRED_FILES if name not in paths]
    if missing:
        names = ", ".join(f"unix_{name}_v{version}_utf8.csv" for name in missing)
        raise ImportFileError(directory, f"fichier(s) manquant(s) pour la version {version} : {names}.")
    return RomeFiles(directory, version, paths, _published_on(directory / "version.txt"), manifest_warnings(directory))


def manifest_warnings(directory: Path) -> list[str]:
    """Check `directory` against its MANIFEST.json (if any): errors raise, warnings are returned."""
    report = check_manifest(directory)
    if report.errors:
        raise ImportFileError(
            directory / "MANIFEST.json", "le dossier ne correspond pas à son manifeste — " + " ; ".join(report.errors)
        )
    return report.warnings


def _published_on(path: Path) -> date | None:
    if not path.exists():
        return None
    for encoding in ("utf-8", "cp1252"):
        try:
            text = read_text(path, encoding)
            break
        except ImportFileError:
            continue
    else:
        return None
    match = re.search(r"Date de publication\s*:\s*(\d{2})/(\d{2})/(\d{4})", text)
    if not match:
        return None
    day, month, year = (int(g) for g in match.groups())
    return date(year, month, day)


# --- 2. Parsing ------------------------------------------------------------------------------------------


def _clean(text: str) -> str:
    # This copy doubles apostrophes in the texts (« L''aide-soignant »): see data/rome/README.md.
    return text.replace("''", "'").strip()


def _flag(row: Row, column: str, path: Path) -> bool | None:
    value = row[column].strip().upper()
    if value in ("", "NULL"):
        return None
    if value in ("O", "OUI"):
        return True
    if value in ("N", "NON"):
        return False
    raise ImportFileError(
        path, f"valeur « {row[column]} » inattendue (O, N ou vide).", line=row.line, column=row.column_ref(column)
    )


def _int(row: Row, column: str, path: Path) -> int:
    value = row[column].strip()
    if not value.isdigit():
        raise ImportFileError(
            path, f"nombre entier attendu, « {row[column]} » trouvé.", line=row.line, column=row.column_ref(column)
        )
    return int(value)


def _rome_code(row: Row, column: str, path: Path, *, blank: bool = False) -> str:
    value = row[column].strip()
    if blank and not value:
        return ""
    if not ROME_CODE.match(value):
        raise ImportFileError(
            path,
            f"code ROME « {row[column]} » invalide (une lettre A à N puis quatre chiffres).",
            line=row.line,
            column=row.column_ref(column),
        )
    return value


def _riasec(row: Row, column: str, path: Path) -> str:
    value = row[column].strip().upper()
    if value and value not in Riasec.values:
        raise ImportFileError(
            path, f"code RIASEC « {row[column]} » inconnu.", line=row.line, column=row.column_ref(column)
        )
    return value


def _choice(row: Row, column: str, path: Path, mapping: dict[str, str]) -> str:
    value = row[column].strip().lower()
    if value not in mapping:
        expected = ", ".join(f"« {k} »" for k in mapping if k)
        raise ImportFileError(
            path,
            f"valeur « {row[column]} » inconnue (attendu : {expected}).",
            line=row.line,
            column=row.column_ref(column),
        )
    return mapping[value]


def _duplicate(path: Path, row: Row, column: str, key) -> ImportFileError:
    return ImportFileError(
        path, f"clé « {key} » en double (déjà vue plus haut).", line=row.line, column=row.column_ref(column)
    )


def _unknown(path: Path, row: Row, column: str, what: str) -> ImportFileError:
    return ImportFileError(
        path,
        f"{what} « {row[column]} » inconnu(e) du référentiel de cette version.",
        line=row.line,
        column=row.column_ref(column),
    )


def parse_rome(files: RomeFiles) -> RomeData:
    """Read and check every file of the set; nothing touches the database."""
    data = RomeData(files.version, files.published_on)
    paths = files.paths

    def rows(name: str):
        columns = REQUIRED_FILES.get(name) or OPTIONAL_FILES[name]
        count = 0
        for row in read_rows(paths[name], columns):
            count += 1
            yield row
        if not count:
            # A header with nothing under it is a cut download, never a referential.
            raise ImportFileError(paths[name], "aucune ligne de données sous l'en-tête (fichier tronqué ?).", line=2)

    path = paths["referentiel_code_rome"]
    for row in rows("referentiel_code_rome"):
        code = _rome_code(row, "code_rome", path)
        if code in data.occupations:
            raise _duplicate(path, row, "code_rome", code)
        data.occupations[code] = {
            "ogr_code": _int(row, "code_ogr", path),
            "label": _clean(row["libelle_rome"]),
            "parent_code": _rome_code(row, "code_rome_parent", path, blank=True),
            "domain_code": code[:3],
            "transition_eco": ECO_TRANSITION.get(row["transition_eco"].strip().lower(), EcologicalTransition.NONE),
            "transition_num": _flag(row, "transition_num", path),
            "transition_demo": _flag(row, "transition_demo", path),
            "regulated": _flag(row, "emploi_reglemente", path),
            "executive": _flag(row, "emploi_cadre", path),
            "riasec_major": "",
            "riasec_minor": "",
            "definition": "",
            "access": "",
        }

    path = paths["cr_gd_dp"]
    for row in rows("cr_gd_dp"):
        code = _rome_code(row, "code_rome", path)
        if code not in data.occupations:
            raise _unknown(path, row, "code_rome", "code ROME")
        major = row["code_grand_domaine"].strip()
        domain = row["code_domaine_professionel"].strip()
        if not re.fullmatch(r"[A-N]", major):
            raise ImportFileError(
                path,
                f"grand domaine « {major} » invalide.",
                line=row.line,
                column=row.column_ref("code_grand_domaine"),
            )
        if not re.fullmatch(r"[A-N]\d\d", domain) or domain[0] != major:
            raise ImportFileError(
                path,
                f"domaine professionnel « {domain} » invalide.",
                line=row.line,
                column=row.column_ref("code_domaine_professionel"),
            )
        data.major_domains[major] = {"label": _clean(row["libelle_grand_domaine"])}
        data.domains[domain] = {"label": _clean(row["libelle_domaine_professionel"]), "major_code": major}
        data.occupations[code]["domain_code"] = domain
    for code, occupation in data.occupations.items():
        if occupation["domain_code"] not in data.domains:
            raise ImportFileError(
                paths["cr_gd_dp"], f"la fiche {code} n'a pas de domaine professionnel dans ce fichier."
            )

    path = paths["referentiel_code_rome_riasec"]
    for row in rows("referentiel_code_rome_riasec"):
        code = _rome_code(row, "code_rome", path)
        if code not in data.occupations:
            raise _unknown(path, row, "code_rome", "code ROME")
        data.occupations[code]["riasec_major"] = _riasec(row, "riasec_majeur", path)
        data.occupations[code]["riasec_minor"] = _riasec(row, "riasec_mineur", path)

    path = paths["texte"]
    texts: dict[tuple[str, str], list[tuple[int, str]]] = defaultdict(list)
    for row in rows("texte"):
        code = _rome_code(row, "code_rome", path)
        if code not in data.occupations:
            raise _unknown(path, row, "code_rome", "code ROME")
        kind = row["libelle_type_texte"].strip()
        if kind in ("definition", "acces_metier"):
            texts[(code, kind)].append((_int(row, "position_phrase", path), _clean(row["libelle_texte"])))
    for (code, kind), sentences in texts.items():
        target = "definition" if kind == "definition" else "access"
        data.occupations[code][target] = "\n".join(text for _, text in sorted(sentences))

    path = paths["referentiel_appellation"]
    for row in rows("referentiel_appellation"):
        ogr = _int(row, "code_ogr", path)
        if ogr in data.job_titles:
            raise _duplicate(path, row, "code_ogr", ogr)
        code = _rome_code(row, "code_rome", path)
        if code not in data.occupations:
            raise _unknown(path, row, "code_rome", "code ROME")
        label = _clean(row["libelle_appellation_long"])
        if not label:
            raise ImportFileError(
                path, "libellé vide.", line=row.line, column=row.column_ref("libelle_appellation_long")
            )
        masculine, feminine = split_genders(label)
        data.job_titles[ogr] = {
            "label": label,
            "short_label": _clean(row["libelle_appellation_court"]),
            "label_masculine": masculine,
            "label_feminine": feminine,
            "occupation_code": code,
            "is_main": row["classification"].strip().upper() == "PRINCIPALE",
            "rarely_used": _flag(row, "peu_usite", path) is True,
            "regulated": _flag(row, "emploi_reglemente", path),
            "executive": _flag(row, "emploi_cadre", path),
        }

    path = paths["referentiel_competence"]
    macro_links: dict[int, tuple[int, Row]] = {}
    for row in rows("referentiel_competence"):
        ogr = _int(row, "code_ogr", path)
        if ogr in data.skills:
            raise _duplicate(path, row, "code_ogr", ogr)
        macro = row["code_ogr_macro_comp"].strip()
        if macro:
            macro_links[ogr] = (_int(row, "code_ogr_macro_comp", path), row)
        data.skills[ogr] = {
            "label": _clean(row["libelle_competence"]),
            "nature": _choice(row, "nature", path, NATURE),
            "category": _choice(row, "cat_comp", path, CATEGORY),
            "sub_category": _clean(row["sous_cat_comp"]),
            "macro_code": row["code_macro_comp"].strip(),
            "macro_ogr": None,
            "definition": _clean(row["definition"]),
            "transition_eco": _flag(row, "transition_eco", path),
            "transition_num": _flag(row, "transition_num", path),
            "riasec_major": "",
            "riasec_minor": "",
        }
    for ogr, (macro, row) in macro_links.items():
        if data.skills.get(macro, {}).get("nature") != SkillNature.MACRO:
            raise _unknown(path, row, "code_ogr_macro_comp", "macro-compétence")
        data.skills[ogr]["macro_ogr"] = macro

    if "referentiel_macro_competence_riasec" in paths:
        path = paths["referentiel_macro_competence_riasec"]
        for row in rows("referentiel_macro_competence_riasec"):
            ogr = _int(row, "code_ogr", path)
            if ogr not in data.skills:
                raise _unknown(path, row, "code_ogr", "macro-compétence")
            data.skills[ogr]["riasec_major"] = _riasec(row, "riasec_majeur", path)
            data.skills[ogr]["riasec_minor"] = _riasec(row, "riasec_mineur", path)

    path = paths["referentiel_savoir"]
    for row in rows("referentiel_savoir"):
        ogr = _int(row, "code_ogr_savoir", path)
        if ogr in data.knowledge or ogr in data.skills:
            raise _duplicate(path, row, "code_ogr_savoir", ogr)
        data.knowledge[ogr] = {
            "label": _clean(row["libelle_savoir"]),
            "category": _clean(row["categorie_savoir"]),
            "sub_category": _clean(row["sous_categorie_savoir"]),
            "transition_eco": _flag(row, "transition_eco", path),
            "transition_num": _flag(row, "transition_num", path),
        }

    path = paths["referentiel_contexte_travail"]
    for row in rows("referentiel_contexte_travail"):
        ogr = _int(row, "code_ogr", path)
        if ogr in data.work_contexts or ogr in data.skills or ogr in data.knowledge:
            raise _duplicate(path, row, "code_ogr", ogr)
        data.work_contexts[ogr] = {
            "label": _clean(row["libelle_cont_travail"]),
            "type_code": row["code_type_cont_trav"].strip(),
            "type_label": _clean(row["libelle_type_cont_trav"]),
        }

    path = paths["coherence_item"]
    for row in rows("coherence_item"):
        code = _rome_code(row, "code_rome", path)
        if code not in data.occupations:
            raise _unknown(path, row, "code_rome", "code ROME")
        ogr = _int(row, "code_ogr", path)
        if ogr in data.skills:
            kind = ItemKind.SKILL
        elif ogr in data.knowledge:
            kind = ItemKind.KNOWLEDGE
        elif ogr in data.work_contexts:
            kind = ItemKind.WORK_CONTEXT
        else:
            raise _unknown(path, row, "code_ogr", "élément (compétence, savoir ou contexte)")
        if (code, ogr) in data.items:
            raise _duplicate(path, row, "code_ogr", f"{code} / {ogr}")
        data.items[(code, ogr)] = (kind, _choice(row, "coeur_metier", path, CORE))

    path = paths["rubrique_mobilite"]
    for row in rows("rubrique_mobilite"):
        source = _rome_code(row, "code_rome", path)
        target = _rome_code(row, "code_rome_cible", path)
        for column, code in (("code_rome", source), ("code_rome_cible", target)):
            if code not in data.occupations:
                raise _unknown(path, row, column, "code ROME")
        if (source, target) in data.mobilities:
            raise _duplicate(path, row, "code_rome_cible", f"{source} → {target}")
        data.mobilities[(source, target)] = _int(row, "numero_ordre", path)
    restore_accents(data)
    return data


# Text fields of each table, where capitals may have lost their accent.
TEXT_FIELDS = {
    "major_domains": ("label",),
    "domains": ("label",),
    "occupations": ("label", "definition", "access"),
    "job_titles": ("label", "short_label", "label_masculine", "label_feminine"),
    "skills": ("label", "sub_category", "definition"),
    "knowledge": ("label", "category", "sub_category"),
    "work_contexts": ("label", "type_label"),
}


def restore_accents(data: RomeData) -> int:
    """« Elaborer » → « Élaborer » in every text field, from the lower-case words of the same set; returns how
    many fields changed. Idempotent: a second pass changes nothing (see `labels.AccentRestorer`)."""
    cells = [
        (row, name)
        for table, fields in TEXT_FIELDS.items()
        for row in getattr(data, table).values()
        for name in fields
    ]
    values = [row[name].replace(SEPARATOR, " ") for row, name in cells]
    restorer = AccentRestorer()
    restorer.learn(values)
    # One pass over every field joined (0.3 s instead of 2 s field by field); each field is a start.
    fixed = restorer.text(SEPARATOR.join(values)).split(SEPARATOR)
    changed = 0
    for (row, name), old, new in zip(cells, values, fixed, strict=True):
        if new != old or row[name] != old:
            row[name] = new
            changed += 1
    return changed


# --- 3. Writing ------------------------------------------------------------------------------------------


@dataclass
class ImportResult:
    version: str
    counts: dict[str, int]
    stats: dict[str, SyncStats]
    skipped: bool = False
    warnings: list[str] = field(default_factory=list)

    @property
    def totals(self) -> SyncStats:
        total = SyncStats()
        for stats in self.stats.values():
            total += stats
        return total

    def as_json(self) -> dict:
        totals = self.totals
        return {
            "version": self.version,
            **self.counts,
            "created": totals.created,
            "updated": totals.updated,
            "unchanged": totals.unchanged,
            "deactivated": totals.deactivated,
        }


def rome_counts() -> dict[str, int]:
    """What the database holds as the current referential (active rows)."""
    return {
        "occupations": Occupation.objects.active().count(),
        "job_titles": JobTitle.objects.active().count(),
        "skills": Skill.objects.active().count(),
        "knowledge": Knowledge.objects.active().count(),
        "work_contexts": WorkContext.objects.active().count(),
        "mobilities": Mobility.objects.active().count(),
    }


def rome_import(
    *,
    directory: Path | None = None,
    now=None,
    max_shrink: float = DEFAULT_MAX_SHRINK,
    allow_shrink: bool = False,
) -> ImportResult:
    """Import the ROME set found in `directory` (default: the newest shipped one), all or nothing.

    Raises ImportFileError for a malformed set and ShrinkRefused, before writing anything, when a table would
    lose more than `max_shrink` % of its active rows or all of them (unless `allow_shrink`).
    """
    files = find_rome_files(directory or default_rome_dir())
    data = parse_rome(files)
    with transaction.atomic():
        try:
            check_shrink(rome_shrinks(data), max_shrink=max_shrink, allow=allow_shrink)
        except ShrinkRefused as exc:
            exc.version = files.version
            raise
        stats = _write(data)
        counts = rome_counts()
        result = ImportResult(files.version, counts, stats, warnings=files.warnings)
        ReferentialVersion.objects.update_or_create(
            source=ReferentialSource.ROME,
            version=files.version,
            defaults={
                "published_on": files.published_on,
                "imported_at": now or timezone.now(),
                "summary": result.as_json(),
            },
        )
    return result


def rome_shrinks(data: RomeData) -> list[Shrink]:
    """For every table, its active rows now and how many of them this set would deactivate."""

    def active(model, *fields: str) -> set:
        rows = model.objects.filter(is_active=True).values_list(*fields)
        return {row if len(fields) > 1 else row[0] for row in rows.iterator(chunk_size=BATCH_SIZE)}

    return [
        measure_shrink("major_domains", "grands domaines", active(MajorDomain, "code"), set(data.major_domains)),
        measure_shrink(
            "professional_domains", "domaines professionnels", active(ProfessionalDomain, "code"), set(data.domains)
        ),
        measure_shrink("occupations", "fiches métiers", active(Occupation, "code"), set(data.occupations)),
        measure_shrink("job_titles", "appellations", active(JobTitle, "ogr_code"), set(data.job_titles)),
        measure_shrink("skills", "compétences", active(Skill, "ogr_code"), set(data.skills)),
        measure_shrink("knowledge", "savoirs", active(Knowledge, "ogr_code"), set(data.knowledge)),
        measure_shrink(
            "work_contexts", "contextes de travail", active(WorkContext, "ogr_code"), set(data.work_contexts)
        ),
        measure_shrink(
            "occupation_items",
            "éléments de fiches",
            active(OccupationItem, "occupation__code", "ogr_code"),
            set(data.items),
        ),
        measure_shrink(
            "mobilities", "mobilités", active(Mobility, "source__code", "target__code"), set(data.mobilities)
        ),
    ]


def _write(data: RomeData) -> dict[str, SyncStats]:
    stats: dict[str, SyncStats] = {}
    stats["grands domaines"] = sync_rows(MajorDomain, ("code",), {(k,): v for k, v in data.major_domains.items()})
    majors = pk_map(MajorDomain, "code")
    stats["domaines professionnels"] = sync_rows(
        ProfessionalDomain,
        ("code",),
        {
            (code,): {"label": d["label"], "major_domain_id": majors[d["major_code"]]}
            for code, d in data.domains.items()
        },
    )
    domains = pk_map(ProfessionalDomain, "code")
    stats["fiches métiers"] = sync_rows(
        Occupation,
        ("code",),
        {
            (code,): {**_without(o, "domain_code"), "domain_id": domains[o["domain_code"]]}
            for code, o in data.occupations.items()
        },
    )
    occupations = pk_map(Occupation, "code")
    stats["appellations"] = sync_rows(
        JobTitle,
        ("ogr_code",),
        {
            (ogr,): {**_without(j, "occupation_code"), "occupation_id": occupations[j["occupation_code"]]}
            for ogr, j in data.job_titles.items()
        },
    )
    # Macro-competences first so that competences can point to them.
    macros = {
        (ogr,): {**_without(s, "macro_ogr"), "macro_competence_id": None}
        for ogr, s in data.skills.items()
        if s["nature"] == SkillNature.MACRO
    }
    skill_stats = sync_rows(Skill, ("ogr_code",), macros, deactivate=False)
    macro_pks = pk_map(Skill, "ogr_code")
    competences = {
        (ogr,): {
            **_without(s, "macro_ogr"),
            "macro_competence_id": macro_pks[s["macro_ogr"]] if s["macro_ogr"] else None,
        }
        for ogr, s in data.skills.items()
        if s["nature"] != SkillNature.MACRO
    }
    skill_stats += sync_rows(Skill, ("ogr_code",), competences, deactivate=False)
    skill_stats += _deactivate_missing(Skill, "ogr_code", set(data.skills))
    stats["compétences"] = skill_stats
    stats["savoirs"] = sync_rows(Knowledge, ("ogr_code",), {(k,): v for k, v in data.knowledge.items()})
    stats["contextes de travail"] = sync_rows(
        WorkContext, ("ogr_code",), {(k,): v for k, v in data.work_contexts.items()}
    )
    skills = pk_map(Skill, "ogr_code")
    knowledge = pk_map(Knowledge, "ogr_code")
    contexts = pk_map(WorkContext, "ogr_code")
    items = {}
    for (code, ogr), (kind, core) in data.items.items():
        items[(occupations[code], ogr)] = {
            "kind": kind,
            "skill_id": skills[ogr] if kind == ItemKind.SKILL else None,
            "knowledge_id": knowledge[ogr] if kind == ItemKind.KNOWLEDGE else None,
            "work_context_id": contexts[ogr] if kind == ItemKind.WORK_CONTEXT else None,
            "core": core,
        }
    stats["éléments de fiches"] = sync_rows(OccupationItem, ("occupation_id", "ogr_code"), items)
    stats["mobilités"] = sync_rows(
        Mobility,
        ("source_id", "target_id"),
        {(occupations[s], occupations[t]): {"rank": rank} for (s, t), rank in data.mobilities.items()},
    )
    return stats


def _without(row: dict, *keys: str) -> dict:
    return {k: v for k, v in row.items() if k not in keys}


def _deactivate_missing(model, key_field: str, keys: set) -> SyncStats:
    stale = [pk for pk, key in model.objects.filter(is_active=True).values_list("pk", key_field) if key not in keys]
    for start in range(0, len(stale), BATCH_SIZE):
        model.objects.filter(pk__in=stale[start : start + BATCH_SIZE]).update(is_active=False)
    return SyncStats(deactivated=len(stale))


def counts_by_kind(data: RomeData) -> Counter:
    """Row counts of a parsed set (used by tests and the documentation)."""
    return Counter(
        occupations=len(data.occupations),
        job_titles=len(data.job_titles),
        skills=len(data.skills),
        knowledge=len(data.knowledge),
        work_contexts=len(data.work_contexts),
        mobilities=len(data.mobilities),
    )
