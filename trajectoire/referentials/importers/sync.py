"""Upsert of reference rows by natural key, counting created / updated / unchanged / deactivated.

Runs inside the caller's transaction. Works the same on SQLite and PostgreSQL (plain bulk_create and
bulk_update in batches, no vendor-specific upsert).
"""

from dataclasses import dataclass

BATCH_SIZE = 2000
UPDATE_BATCH_SIZE = 500


@dataclass
class SyncStats:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deactivated: int = 0

    def __iadd__(self, other: "SyncStats") -> "SyncStats":
        self.created += other.created
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.deactivated += other.deactivated
        return self

    def __str__(self) -> str:
        return (
            f"{self.created} créé(s), {self.updated} modifié(s), {self.unchanged} inchangé(s), "
            f"{self.deactivated} désactivé(s)"
        )


def pk_map(model, key_field: str) -> dict:
    """Natural key → primary key, for every row (active or not)."""
    return dict(model.objects.values_list(key_field, "pk"))


def sync_rows(
    model, key_fields: tuple[str, ...], rows: dict[tuple, dict], *, deactivate: bool = True, soft: bool = True
) -> SyncStats:
    """Make the table hold `rows` (natural key tuple → field values).

    New keys are created, changed rows updated (a deactivated row that comes back is reactivated),
    identical rows left alone. Keys absent from `rows` are set `is_active=False` when `deactivate`
    is true (never deleted, so foreign keys from profiles stay valid); with `soft=False` (rows nothing
    points to, such as tension figures) they are deleted instead and counted as deactivated.
    """
    stats = SyncStats()
    if rows:
        value_fields = list(next(iter(rows.values())))
    else:
        value_fields = []
    has_active = soft
    fetch = ["pk", *key_fields, *value_fields] + (["is_active"] if has_active else [])
    existing = {}
    for values in model.objects.values_list(*fetch).iterator(chunk_size=BATCH_SIZE):
        existing[tuple(values[1 : 1 + len(key_fields)])] = values
    to_create = []
    to_update = []
    changed_fields: set[str] = set()
    for key, row in rows.items():
        current = existing.get(key)
        if current is None:
            obj = model(**dict(zip(key_fields, key, strict=True)), **row)
            to_create.append(obj)
            continue
        stored = current[1 + len(key_fields) :]
        changed = [name for name, old in zip(value_fields, stored, strict=False) if row[name] != old]
        if has_active and not current[-1]:
            changed.append("is_active")
        if not changed:
            stats.unchanged += 1
            continue
        obj = model(pk=current[0], **dict(zip(key_fields, key, strict=True)), **row)
        if has_active:
            obj.is_active = True
        to_update.append(obj)
        changed_fields.update(changed)
    model.objects.bulk_create(to_create, batch_size=BATCH_SIZE)
    stats.created = len(to_create)
    if to_update:
        model.objects.bulk_update(to_update, sorted(changed_fields), batch_size=UPDATE_BATCH_SIZE)
    stats.updated = len(to_update)
    if deactivate:
        stale = [values[0] for key, values in existing.items() if key not in rows and (not has_active or values[-1])]
        for start in range(0, len(stale), BATCH_SIZE):
            batch = model.objects.filter(pk__in=stale[start : start + BATCH_SIZE])
            if soft:
                batch.update(is_active=False)
            else:
                batch.delete()
        stats.deactivated = len(stale)
    return stats


# --- Guard against a shrinking referential ----------------------------------------------------------------

DEFAULT_MAX_SHRINK = 2.0  # percent of a table's active rows one import may deactivate without --allow-shrink


@dataclass(frozen=True)
class Shrink:
    """What an import would do to one table: `active` rows now, `would_deactivate` of them gone after."""

    table: str  # stable name, used in the JSON output (« mobilities »)
    label: str  # French name for messages (« mobilités »)
    active: int
    would_deactivate: int

    @property
    def percent(self) -> float:
        return 100.0 * self.would_deactivate / self.active if self.active else 0.0

    def as_json(self) -> dict:
        return {
            "table": self.table,
            "active": self.active,
            "would_deactivate": self.would_deactivate,
            "percent": round(self.percent, 2),
        }

    def __str__(self) -> str:
        return (
            f"{self.label} : {_fr_int(self.would_deactivate)} ligne(s) active(s) sur {_fr_int(self.active)} "
            f"seraient désactivées ({_fr_percent(self.percent)})"
        )


class ShrinkRefused(Exception):
    """The import would deactivate too much: nothing was written. The message is French."""

    def __init__(self, refusals: list[Shrink], max_shrink: float, version: str | None = None):
        self.refusals = refusals
        self.max_shrink = max_shrink
        self.version = version
        super().__init__(str(self))

    def as_json(self) -> dict:
        """What `--json` adds to the usual summary when the import is refused (documented in referentials.md)."""
        return {
            "status": "refused",
            "max_shrink": self.max_shrink,
            "refusals": [shrink.as_json() for shrink in self.refusals],
        }

    def __str__(self) -> str:
        tables = " ; ".join(str(shrink) for shrink in self.refusals)
        return (
            f"le jeu de fichiers ferait fondre le référentiel — {tables}. Seuil : {_fr_percent(self.max_shrink)} "
            "des lignes actives d'une table (et jamais la dernière). Un fichier tronqué ou vide en est la cause "
            "habituelle ; si la baisse est voulue (nouvelle version qui retire des codes), relancez avec "
            "--allow-shrink, ou relevez le seuil avec --max-shrink POURCENT."
        )


def measure_shrink(table: str, label: str, active_keys: set, new_keys: set) -> Shrink:
    return Shrink(table, label, len(active_keys), len(active_keys - new_keys))


def check_shrink(
    shrinks: list[Shrink], *, max_shrink: float = DEFAULT_MAX_SHRINK, allow: bool = False, version: str | None = None
) -> None:
    """Raise ShrinkRefused if a table would lose more than `max_shrink` % of its active rows, or all of them."""
    if allow:
        return
    refusals = [
        s for s in shrinks if s.would_deactivate and (s.percent > max_shrink or s.would_deactivate == s.active)
    ]
    if refusals:
        raise ShrinkRefused(refusals, max_shrink, version)


def _fr_int(value: int) -> str:
    return f"{value:,}".replace(",", "\u202f")


def _fr_percent(value: float) -> str:
    text = f"{value:.1f}".rstrip("0").rstrip(".").replace(".", ",")
    return f"{text}\u00a0%"
