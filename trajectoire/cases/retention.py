"""Destruction of a bilan's working documents (C. trav. R6313-7).

At the end of the action the provider destroys the documents produced for the bilan, except
(a) the synthesis when it is to be communicated (CEP operator, or a third party the person named), and
(b) documents kept with the person's written consent for the follow-up,
both for at most 3 years (since 31 Dec 2023, décret 2023-1350). The administrative record (dates,
hours, funder, consents, transitions) stays as proof for the State's control (L6361-1).

Steps of `retention_apply`:
1. nothing unless the case is closed or abandoned when the job runs (a bilan reopened by its manager after
   the destruction was enqueued keeps its documents; closing it again enqueues a new destruction);
2. while a keeping consent runs (and within 3 years of the end), nothing is destroyed;
3. otherwise the working documents go: session notes, experiences, skills profile, pistes, action plan,
   funding evaluations, synthesis history;
4. the synthesis itself stays while a sharing consent runs (within 3 years), then goes too;
5. a DestructionRecord and an audit event say what was destroyed and how many — never the content.
"""

from dataclasses import dataclass
from datetime import date

from django.db import OperationalError, connection, transaction
from django.utils import timezone

from trajectoire.accounts.enums import AuditAction
from trajectoire.accounts.services import audit_record
from trajectoire.cases.dates import add_years
from trajectoire.cases.enums import ConsentKind, State
from trajectoire.cases.models import Accompaniment, Consent, DestructionRecord, Synthesis
from trajectoire.cases.services import RETENTION_CEILING_YEARS

ENDED_STATES = frozenset({State.CLOSED, State.ABANDONED})


@dataclass(frozen=True)
class RetentionOutlook:
    """What ending a case on `ended_on` will destroy, and when (shown before the counsellor confirms)."""

    # Working documents present now, by the labels of DestructionRecord.counts.
    documents: dict[str, int]
    # None: destroyed as soon as the case ends; else kept under the person's written consent until that day.
    documents_kept_until: date | None
    # None: the synthesis goes with the documents; else kept for the named recipients until that day.
    synthesis_kept_until: date | None
    synthesis_recipients: tuple[str, ...]


def working_documents(accompaniment: Accompaniment) -> dict[str, int]:
    """The working documents `retention_apply` destroys (step 3), counted now, under the labels it records."""
    synthesis = Synthesis.objects.filter(accompaniment=accompaniment).first()
    counts = {
        "notes d'entretien": accompaniment.sessions.exclude(shared_notes="", private_notes="").count(),
        "étapes du plan d'action": accompaniment.action_steps.count(),
        "pistes": accompaniment.pistes.count(),
        "compétences du profil": accompaniment.skills.count(),
        "expériences": accompaniment.experiences.count(),
        "évaluations de financement": accompaniment.scheme_evaluations.count(),
        "versions de la synthèse": synthesis.versions.count() if synthesis else 0,
    }
    return counts


def _kept_until(accompaniment: Accompaniment, kind: ConsentKind, ended_on: date) -> tuple[date | None, list[Consent]]:
    ceiling = add_years(ended_on, RETENTION_CEILING_YEARS)
    running = [c for c in accompaniment.consents.filter(kind=kind) if c.is_active_on(ended_on)]
    if not running:
        return None, []
    return min(max(c.keep_until or ceiling for c in running), ceiling), running


def retention_outlook(accompaniment: Accompaniment, *, ended_on: date) -> RetentionOutlook:
    """Mirror of `retention_apply` for a case ending on `ended_on`: documents stay while a keeping consent runs
    (3 years at most), the synthesis while a sharing consent runs; everything else goes when the case ends."""
    documents_until, _ = _kept_until(accompaniment, ConsentKind.DOCUMENT_KEEPING, ended_on)
    synthesis_until, sharing = _kept_until(accompaniment, ConsentKind.SYNTHESIS_SHARING, ended_on)
    if documents_until and (synthesis_until is None or synthesis_until < documents_until):
        synthesis_until = documents_until
    return RetentionOutlook(
        documents=working_documents(accompaniment),
        documents_kept_until=documents_until,
        synthesis_kept_until=synthesis_until,
        synthesis_recipients=tuple(c.third_party for c in sharing),
    )


RULE = "C. trav. R6313-7 (décret 2023-1350) : destruction des documents à l'issue du bilan"


def _consent_runs(accompaniment: Accompaniment, kind: ConsentKind, on: date) -> bool:
    ceiling = add_years(accompaniment.ended_on, RETENTION_CEILING_YEARS)
    return on <= ceiling and any(c.is_active_on(on) for c in accompaniment.consents.filter(kind=kind))


@transaction.atomic
def retention_apply(*, accompaniment: Accompaniment, on: date) -> DestructionRecord | None:
    accompaniment = Accompaniment.objects.select_for_update(of=("self",)).get(pk=accompaniment.pk)
    if accompaniment.state not in ENDED_STATES or accompaniment.ended_on is None:
        return None
    if _consent_runs(accompaniment, ConsentKind.DOCUMENT_KEEPING, on):
        return None
    counts: dict[str, int] = {}
    if accompaniment.retention_applied_at is None:
        sessions = accompaniment.sessions.exclude(shared_notes="", private_notes="")
        counts["notes d'entretien"] = sessions.update(shared_notes="", private_notes="", updated_at=timezone.now())
        counts["étapes du plan d'action"] = accompaniment.action_steps.all().delete()[0]
        counts["pistes"] = accompaniment.pistes.all().delete()[0]
        counts["compétences du profil"] = accompaniment.skills.all().delete()[0]
        counts["expériences"] = accompaniment.experiences.all().delete()[0]
        # Funding evaluations hold the person's answers (some about health): working documents too.
        counts["évaluations de financement"] = accompaniment.scheme_evaluations.all().delete()[0]
        synthesis = Synthesis.objects.filter(accompaniment=accompaniment).first()
        if synthesis is not None:
            counts["versions de la synthèse"] = synthesis.versions.all().delete()[0]
        accompaniment.retention_applied_at = timezone.now()
        accompaniment.save(update_fields=["retention_applied_at", "updated_at"])
    synthesis = Synthesis.objects.filter(accompaniment=accompaniment, destroyed_at__isnull=True).first()
    if synthesis is not None and not _consent_runs(accompaniment, ConsentKind.SYNTHESIS_SHARING, on):
        for name in Synthesis.SECTIONS:
            setattr(synthesis, name, "")
        synthesis.destroyed_at = timezone.now()
        synthesis.save(update_fields=[*Synthesis.SECTIONS, "destroyed_at", "updated_at"])
        counts["document de synthèse"] = 1
    counts = {name: n for name, n in counts.items() if n}
    if not counts:
        return None
    transaction.on_commit(_checkpoint_sqlite)
    record = DestructionRecord.objects.create(accompaniment=accompaniment, rule=RULE, counts=counts)
    audit_record(
        actor=None, action=AuditAction.DESTROY, obj=accompaniment, centre_id=accompaniment.centre_id, fields=counts
    )
    return record


def _checkpoint_sqlite() -> None:
    """SQLite keeps old page images in its WAL file until a checkpoint; secure_delete (settings)
    zeroes freed pages, and this checkpoint writes them back so destroyed text leaves the files."""
    if connection.vendor != "sqlite":
        return
    try:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    except OperationalError:
        # In-memory databases (tests) have no WAL; a busy database is checkpointed by the next run.
        pass


def retention_candidates():
    """Ended cases whose documents, or whose synthesis, are still there."""
    return Accompaniment.objects.filter(ended_on__isnull=False).exclude(
        retention_applied_at__isnull=False, synthesis__destroyed_at__isnull=False
    )
