"""Import of the recruitment-tension table (DARES method, ROME v3 codes × bassins d'emploi) and of the
commune → bassin d'emploi table.

Steps:
1. Read `lexique-bassins.csv` (commune → BE19 area) and `cities-tension-utf8.csv` (one row per ROME v3
   code × area × year), both plain or gzipped, after checking the folder against its `MANIFEST.json` when
   there is one; a malformed file (or one with no data row) raises `ImportFileError`. Bassin names are put
   in French title case, spelled like the communes of the same table (`labels.AreaNamer`).
2. Join each v3 code to the ROME 4.0 occupations whose `parent_code` is that code (import ROME first).
3. Refuse (`ShrinkRefused`, nothing written) when a table would lose more than `max_shrink` % of its rows
   or its last ones; otherwise write in one transaction. Areas and communes that disappear are deactivated;
   tension figures that disappear are deleted (nothing points to them) and counted as deactivated.
"""

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from trajectoire.referentials.enums import ReferentialSource
from trajectoire.referentials.importers.csvfiles import ImportFileError, Row, read_rows
from trajectoire.referentials.importers.labels import AreaNamer
from trajectoire.referentials.importers.rome import manifest_warnings
from trajectoire.referentials.importers.sync import (
    DEFAULT_MAX_SHRINK,
    SyncStats,
    check_shrink,
    measure_shrink,
    pk_map,
    sync_rows,
)
from trajectoire.referentials.models import Commune, EmploymentArea, LabourTension, Occupation, ReferentialVersion

AREAS_FILE = "lexique-bassins.csv"
TENSION_FILE = "cities-tension-utf8.csv"
AREA_COLUMNS = ("CODE_COMMUNE_INSEE", "REG", "DEP", "NOMCOM", "BE19", "NOMBE19")
TENSION_COLUMNS = (
    "annee",
    "ROME",
    "cbassin",
    "oee",
    "defm_abc",
    "ind_tension_d",
    "ind_int_emb_d",
    "ind_main_oeuvre_d",
    "ind_dur_empl_d",
    "ind_cond_travail_d",
    "ind_mismatch_geo_d",
    "ind_specif_form_empl_d",
)
COMPONENT_COLUMNS = {
    "hiring_intensity": "ind_int_emb_d",
    "labour_shortage": "ind_main_oeuvre_d",
    "job_durability": "ind_dur_empl_d",
    "working_conditions": "ind_cond_travail_d",
    "geographic_mismatch": "ind_mismatch_geo_d",
    "training_link": "ind_specif_form_empl_d",
}
ROME_V3_CODE = re.compile(r"^[A-N]\d{4}$")


@dataclass
class TensionResult:
    version: str
    counts: dict[str, int]
    stats: dict[str, SyncStats]
    unmatched_codes: list[str]
    warnings: list[str] = field(default_factory=list)

    def as_json(self) -> dict:
        total = SyncStats()
        for stats in self.stats.values():
            total += stats
        return {
            "version": self.version,
            **self.counts,
            "unmatched_rome_v3_codes": len(self.unmatched_codes),
            "created": total.created,
            "updated": total.updated,
            "unchanged": total.unchanged,
            "deactivated": total.deactivated,
        }


def tension_counts() -> dict[str, int]:
    """What the database holds (active areas and communes, tension rows)."""
    return {
        "areas": EmploymentArea.objects.active().count(),
        "communes": Commune.objects.active().count(),
        "tensions": LabourTension.objects.count(),
    }


def default_tension_dir() -> Path:
    return Path(settings.BASE_DIR) / "data" / "tension"


def _find(directory: Path, name: str) -> Path:
    for candidate in (directory / name, directory / f"{name}.gz"):
        if candidate.exists():
            return candidate
    raise ImportFileError(directory / name, f"fichier manquant dans {directory} (ni {name} ni {name}.gz).")


def _quintile(row: Row, column: str, path: Path, *, required: bool = False) -> int | None:
    value = row[column].strip()
    if not value and not required:
        return None
    if value not in ("1", "2", "3", "4", "5"):
        raise ImportFileError(
            path,
            f"indicateur de 1 à 5 attendu, « {row[column]} » trouvé.",
            line=row.line,
            column=row.column_ref(column),
        )
    return int(value)


def _number(row: Row, column: str, path: Path) -> float | None:
    value = row[column].strip().replace(",", ".")
    if not value or value.upper() == "NA":
        return None
    try:
        return round(float(value), 4)
    except ValueError:
        raise ImportFileError(
            path, f"nombre attendu, « {row[column]} » trouvé.", line=row.line, column=row.column_ref(column)
        ) from None


def parse_areas(path: Path) -> tuple[dict[str, dict], dict[str, dict]]:
    """(areas by code, communes by INSEE code)."""
    areas: dict[str, dict] = {}
    departments: dict[str, Counter] = defaultdict(Counter)
    communes: dict[str, dict] = {}
    for row in read_rows(path, AREA_COLUMNS):
        insee = row["CODE_COMMUNE_INSEE"].strip()
        area = row["BE19"].strip()
        if not re.fullmatch(r"[0-9AB]{5}", insee):
            raise ImportFileError(
                path,
                f"code commune INSEE « {insee} » invalide.",
                line=row.line,
                column=row.column_ref("CODE_COMMUNE_INSEE"),
            )
        if not area:
            raise ImportFileError(path, "bassin d'emploi vide.", line=row.line, column=row.column_ref("BE19"))
        if insee in communes:
            raise ImportFileError(
                path,
                f"clé « {insee} » en double (déjà vue plus haut).",
                line=row.line,
                column=row.column_ref("CODE_COMMUNE_INSEE"),
            )
        areas.setdefault(area, {"label": row["NOMBE19"].strip(), "region": row["REG"].strip()})
        departments[area][row["DEP"].strip()] += 1
        communes[insee] = {"name": row["NOMCOM"].strip(), "department": row["DEP"].strip(), "area_code": area}
    if not communes:
        raise ImportFileError(path, "aucune ligne de données sous l'en-tête (fichier tronqué ?).", line=2)
    namer = AreaNamer((c["name"], c["area_code"]) for c in communes.values())
    for code, area in areas.items():
        area["department"] = departments[code].most_common(1)[0][0]
        area["label"] = namer.name(area["label"], code)
    return areas, communes


def parse_tension(path: Path) -> dict[tuple[str, str, int], dict]:
    """(ROME v3 code, area code, year) → figures."""
    rows: dict[tuple[str, str, int], dict] = {}
    for row in read_rows(path, TENSION_COLUMNS, delimiter=";"):
        code = row["ROME"].strip()
        if not ROME_V3_CODE.match(code):
            raise ImportFileError(
                path, f"code ROME « {code} » invalide.", line=row.line, column=row.column_ref("ROME")
            )
        year = row["annee"].strip()
        if not re.fullmatch(r"20\d\d", year):
            raise ImportFileError(path, f"année « {year} » invalide.", line=row.line, column=row.column_ref("annee"))
        key = (code, row["cbassin"].strip(), int(year))
        if key in rows:
            raise ImportFileError(
                path,
                f"clé « {' / '.join(map(str, key))} » en double.",
                line=row.line,
                column=row.column_ref("cbassin"),
            )
        rows[key] = {
            "tension": _quintile(row, "ind_tension_d", path, required=True),
            **{name: _quintile(row, column, path) for name, column in COMPONENT_COLUMNS.items()},
            "offers": _number(row, "oee", path),
            "job_seekers": _number(row, "defm_abc", path),
        }
    if not rows:
        raise ImportFileError(path, "aucune ligne de données sous l'en-tête (fichier tronqué ?).", line=2)
    return rows


def tension_import(
    *,
    directory: Path | None = None,
    now=None,
    max_shrink: float = DEFAULT_MAX_SHRINK,
    allow_shrink: bool = False,
) -> TensionResult:
    """Import the tension folder, all or nothing; ShrinkRefused as for `rome_import`."""
    directory = directory or default_tension_dir()
    if not directory.is_dir():
        raise ImportFileError(directory, "ce dossier n'existe pas.")
    warnings = manifest_warnings(directory)
    areas_path = _find(directory, AREAS_FILE)
    tension_path = _find(directory, TENSION_FILE)
    areas, communes = parse_areas(areas_path)
    tensions = parse_tension(tension_path)
    for _, area_code, _ in tensions:
        # A few areas of the tension table are missing from the commune table: keep them, with their code.
        areas.setdefault(area_code, {"label": f"Bassin {area_code}", "region": "", "department": ""})
    years = sorted({year for _, _, year in tensions})
    version = "-".join(str(y) for y in (years[:1] + years[-1:] if len(years) > 1 else years)) or "vide"
    children: dict[str, list[int]] = defaultdict(list)
    for pk, parent in Occupation.objects.active().values_list("pk", "parent_code"):
        if parent:
            children[parent].append(pk)
    if not children:
        raise ImportFileError(directory, "aucune fiche ROME en base : lancez d'abord `manage.py import_rome`.")
    with transaction.atomic():
        new_tensions = {
            (occupation, area_code, year)
            for (code, area_code, year) in tensions
            for occupation in children.get(code, ())
        }
        check_shrink(
            [
                measure_shrink(
                    "areas",
                    "bassins d'emploi",
                    set(EmploymentArea.objects.filter(is_active=True).values_list("code", flat=True)),
                    set(areas),
                ),
                measure_shrink(
                    "communes",
                    "communes",
                    set(Commune.objects.filter(is_active=True).values_list("insee_code", flat=True)),
                    set(communes),
                ),
                measure_shrink(
                    "tensions",
                    "tensions",
                    set(LabourTension.objects.values_list("occupation_id", "area__code", "year")),
                    new_tensions,
                ),
            ],
            max_shrink=max_shrink,
            allow=allow_shrink,
            version=version,
        )
        stats = {"bassins d'emploi": sync_rows(EmploymentArea, ("code",), {(k,): v for k, v in areas.items()})}
        area_pks = pk_map(EmploymentArea, "code")
        stats["communes"] = sync_rows(
            Commune,
            ("insee_code",),
            {
                (insee,): {"name": c["name"], "department": c["department"], "area_id": area_pks[c["area_code"]]}
                for insee, c in communes.items()
            },
        )
        rows = {}
        unmatched = set()
        for (code, area_code, year), figures in tensions.items():
            if code not in children:
                unmatched.add(code)
            for occupation in children.get(code, ()):
                rows[(occupation, area_pks[area_code], year)] = {"rome_v3_code": code, **figures}
        stats["tensions"] = sync_rows(LabourTension, ("occupation_id", "area_id", "year"), rows, soft=False)
        counts = {**tension_counts(), "rome_v3_codes": len({code for code, _, _ in tensions})}
        result = TensionResult(version, counts, stats, sorted(unmatched), warnings)
        ReferentialVersion.objects.update_or_create(
            source=ReferentialSource.TENSION,
            version=version,
            defaults={"imported_at": now or timezone.now(), "summary": result.as_json()},
        )
    return result
