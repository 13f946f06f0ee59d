"""Proof that a finished bilan's working documents leave the database (C. trav. R6313-7)."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection

from tests.factories import AccompanimentFactory, held_session
from trajectoire.accounts.models import AuditEvent
from trajectoire.cases import workflow
from trajectoire.cases.models import DestructionRecord, Experience, Piste, ProfileSkill, Session, SynthesisVersion
from trajectoire.cases.retention import retention_apply
from trajectoire.cases.services import consent_record, session_create, session_mark_held
from trajectoire.cases.synthesis import synthesis_save, synthesis_start, synthesis_validate

pytestmark = pytest.mark.django_db(transaction=True)
PARIS = ZoneInfo("Europe/Paris")
MARKERS = {
    "private": "NOTE-PRIVEE-7f3a",
    "shared": "NOTE-PARTAGEE-91bc",
    "experience": "RECIT-EXPERIENCE-55d2",
    "synthesis": "SYNTHESE-CONTENU-c0de",
    "draft": "BROUILLON-SYNTHESE-3e1f",
}


def _every_text_in_the_database() -> str:
    """All rows of all tables of our apps, as text, straight from SQL."""
    chunks = []
    with connection.cursor() as cursor:
        for model in apps.get_models():
            if model._meta.app_label not in {"accounts", "cases", "funding", "django_tasks_db"}:
                continue
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(model._meta.db_table)}")
            chunks.extend(str(row) for row in cursor.fetchall())
    return "\n".join(chunks)


def _full_bilan(*consents):
    case = AccompanimentFactory()
    actor = case.counsellor
    consent_record(actor=actor, accompaniment=case, data={"kind": "bilan_agreement", "given_on": date(2026, 3, 2)})
    for data in consents:
        consent_record(actor=actor, accompaniment=case, data=data)
    workflow.accompaniment_start(actor=actor, accompaniment=case, on=date(2026, 3, 2))
    session = session_create(
        actor=actor,
        accompaniment=case,
        data={
            "starts_at": datetime(2026, 3, 3, 9, tzinfo=PARIS),
            "duration_minutes": 120,
            "phase": "preliminary",
            "shared_notes": MARKERS["shared"],
            "private_notes": MARKERS["private"],
        },
    )
    experience = Experience.objects.create(
        accompaniment=case, job_title="Aide-soignante", employer_type="public", description=MARKERS["experience"]
    )
    ProfileSkill.objects.create(
        accompaniment=case,
        code_ogr="123456",
        label="Réaliser des soins d'hygiène",
        provenance="extracted",
        evidence="toilette",
        experience=experience,
    )
    Piste.objects.create(accompaniment=case, code_rome="J1506", label="Infirmier", decision="retained")
    # The workflow's brakes: a held session in each phase before leaving it.
    session_mark_held(actor=actor, session=session, held_minutes=120, now=session.starts_at)
    workflow.accompaniment_investigate(actor=actor, accompaniment=case)
    held_session(case, phase="investigation")
    workflow.accompaniment_conclude(actor=actor, accompaniment=case)
    held_session(case, phase="conclusion")
    synthesis = synthesis_start(actor=actor, accompaniment=case)
    draft = {name: MARKERS["draft"] for name in synthesis.SECTIONS}
    synthesis_save(actor=actor, synthesis=synthesis, data=draft, base_version=1)
    final = {name: MARKERS["synthesis"] for name in synthesis.SECTIONS}
    synthesis_save(actor=actor, synthesis=synthesis, data=final, base_version=2)
    synthesis_validate(actor=actor, synthesis=synthesis, version=3, on=date(2026, 5, 28))
    return case


def test_closing_a_bilan_destroys_every_working_document_and_the_synthesis(django_capture_on_commit_callbacks):
    case = _full_bilan()
    assert all(marker in _every_text_in_the_database() for marker in MARKERS.values())
    with django_capture_on_commit_callbacks(execute=True):  # the closure enqueues the retention task
        workflow.accompaniment_close(actor=case.counsellor, accompaniment=case, on=date(2026, 5, 29))

    everything = _every_text_in_the_database()
    for name, marker in MARKERS.items():
        assert marker not in everything, f"{name} survived"
    assert not Experience.objects.exists()
    assert not ProfileSkill.objects.exists()
    assert not Piste.objects.exists()
    assert not SynthesisVersion.objects.exists()
    # The attendance proof stays: dates and durations of sessions, transitions, consents.
    assert Session.objects.get(starts_at=datetime(2026, 3, 3, 9, tzinfo=PARIS)).duration_minutes == 120
    record = DestructionRecord.objects.get()
    assert record.counts["notes d'entretien"] == 1
    assert record.counts["document de synthèse"] == 1
    assert AuditEvent.objects.filter(action="destroy", object_id=str(case.pk)).exists()


def test_documents_under_a_keeping_consent_wait_for_its_end_then_go():
    case = _full_bilan(
        {"kind": "document_keeping", "given_on": date(2026, 5, 1), "keep_until": date(2027, 5, 29)},
    )
    workflow.accompaniment_close(actor=case.counsellor, accompaniment=case, on=date(2026, 5, 29))
    assert retention_apply(accompaniment=case, on=date(2026, 5, 29)) is None
    assert MARKERS["private"] in _every_text_in_the_database()
    call_command("apply_retention", "--on", "2027-05-30")
    everything = _every_text_in_the_database()
    assert all(marker not in everything for marker in MARKERS.values())


def test_a_sharing_consent_keeps_only_the_validated_synthesis():
    case = _full_bilan(
        {
            "kind": "synthesis_sharing",
            "third_party": "Conseil en évolution professionnelle Occitanie",
            "given_on": date(2026, 5, 28),
        },
    )
    workflow.accompaniment_close(actor=case.counsellor, accompaniment=case, on=date(2026, 5, 29))
    retention_apply(accompaniment=case, on=date(2026, 5, 29))
    everything = _every_text_in_the_database()
    assert MARKERS["synthesis"] in everything
    assert MARKERS["draft"] not in everything
    assert MARKERS["private"] not in everything
    # Three years after the end, even a shared synthesis goes.
    call_command("apply_retention", "--on", "2029-05-30")
    assert MARKERS["synthesis"] not in _every_text_in_the_database()


def test_an_abandoned_bilan_loses_its_working_documents_too():
    case = _full_bilan()
    workflow.accompaniment_abandon(
        actor=case.counsellor, accompaniment=case, on=date(2026, 5, 2), reason="Déménagement"
    )
    call_command("apply_retention", "--on", "2026-05-02")
    assert MARKERS["private"] not in _every_text_in_the_database()


def test_retention_does_nothing_while_the_case_is_open():
    case = _full_bilan()
    assert retention_apply(accompaniment=case, on=date(2030, 1, 1)) is None
    assert MARKERS["private"] in _every_text_in_the_database()
