"""Émargement: on-site signatures, one-time codes, recorded evidence, corrections, and the SVG sanitiser."""

import re
from datetime import UTC, date, datetime, timedelta
from io import BytesIO

import pytest
from django.core import mail
from django.db import IntegrityError
from pypdf import PdfReader

from tests import factories
from trajectoire import formatting
from trajectoire.accounts.models import AuditEvent
from trajectoire.cases.attendance import (
    CODE_MAX_ATTEMPTS,
    Proof,
    SignatureError,
    attendance_code_confirm,
    attendance_code_send,
    attendance_correct,
    attendance_record_evidence,
    attendance_sheet,
    attendance_sign_on_site,
    bilan_period,
    french_datetime,
    mask_code,
    sanitise_signature_svg,
    unmask_code,
)
from trajectoire.cases.enums import AttendanceMethod, State
from trajectoire.cases.errors import CaseRuleError
from trajectoire.cases.models import Accompaniment, Attendance, AttendanceCode
from trajectoire.cases.services import session_mark_held
from trajectoire.documents.pdf import attendance_sheet_pdf

NOW = datetime(2026, 3, 10, 11, 0, tzinfo=UTC)


def signature(strokes: int = 3, *, x: int = 10) -> str:
    """What signature_pad's toSVG() sends: one path per curve, a dot, the xlink namespace."""
    paths = "".join(
        f'<path d="M {x + 10 * i}.000,{20 + i}.500 C {x + 10 * i + 2}.000,22.000 {x + 10 * i + 5}.000,'
        f'30.000 {x + 10 * i + 9}.125,40.000" stroke-width="2.250" stroke="black" fill="none" '
        'stroke-linecap="round"></path>'
        for i in range(strokes)
    )
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 400 150" '
        f'width="400" height="150">{paths}<circle r="1.5" cx="3" cy="4" fill="black"></circle></svg>'
    )


@pytest.fixture
def held(db):
    session = factories.SessionFactory(starts_at=NOW - timedelta(hours=2), duration_minutes=120)
    session_mark_held(actor=session.created_by, session=session, held_minutes=110, now=NOW)
    session.refresh_from_db()
    return session


def _sign(session, **overrides):
    values = {
        "actor": session.accompaniment.counsellor,
        "session": session,
        "signature_svg": signature(),
        "counsellor_signature_svg": signature(x=30),
        "now": NOW,
    }
    return attendance_sign_on_site(**{**values, **overrides})


def _sent_code() -> str:
    return re.search(r"^(\d{6})$", mail.outbox[-1].body, re.M).group(1)


# --- On site -------------------------------------------------------------------------------------------


def test_signing_on_site_keeps_both_sanitised_signatures_and_is_audited(held):
    attendance = _sign(held)
    assert attendance.method == AttendanceMethod.ON_SITE_SIGNATURE
    assert attendance.confirmed_by == held.accompaniment.counsellor
    assert attendance.signed_at == NOW
    assert attendance.signature_svg.startswith('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 400 150"')
    assert "xlink" not in attendance.signature_svg
    assert 'd="M 10 20.5 C 12 22 15 30 19.12 40"' in attendance.signature_svg
    assert attendance.counsellor_signature_svg != attendance.signature_svg
    assert AuditEvent.objects.filter(object_type="cases.attendance", object_id=str(attendance.pk)).count() == 1


def test_a_missing_signature_of_the_person_is_refused_and_nothing_is_recorded(held):
    with pytest.raises(CaseRuleError, match="Signature de la personne manquante"):
        _sign(held, signature_svg="")
    assert not Attendance.objects.exists()


def test_an_empty_pad_counts_as_a_missing_signature(held):
    empty = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 400 150" width="400" height="150"></svg>'
    with pytest.raises(CaseRuleError, match="Signature du conseiller manquante"):
        _sign(held, counsellor_signature_svg=empty)
    assert not Attendance.objects.exists()


def test_a_second_record_for_one_session_is_refused_with_the_way_to_correct(held):
    first = _sign(held)
    audits = AuditEvent.objects.count()
    with pytest.raises(CaseRuleError) as error:
        _sign(held, now=NOW + timedelta(minutes=5))
    # French typography: no-break space inside « 12 h », narrow no-break spaces inside the quotation marks.
    assert error.value.message == (
        "Cet entretien est déjà émargé le 10 mars 2026 à 12\u00a0h : pour corriger, utilisez "
        "«\u202fCorriger l'émargement\u202f»."
    )
    assert list(Attendance.objects.all()) == [first]
    assert AuditEvent.objects.count() == audits


def test_the_database_itself_refuses_a_second_original_record(held):
    first = _sign(held)
    with pytest.raises(IntegrityError):
        Attendance.objects.create(
            session=held,
            method="counsellor_evidence",
            evidence="doublon",
            signed_at=NOW,
            confirmed_by=first.confirmed_by,
        )


def test_a_planned_session_cannot_be_signed(db):
    planned = factories.SessionFactory(starts_at=NOW - timedelta(hours=2))
    with pytest.raises(CaseRuleError, match="prévu\u202f» : seul un entretien réalisé s'émarge"):
        _sign(planned)
    assert not Attendance.objects.exists()


def test_the_sessions_of_a_closed_case_cannot_be_signed(held):
    Accompaniment.objects.filter(pk=held.accompaniment_id).update(state=State.CLOSED)
    with pytest.raises(CaseRuleError, match="Le bilan est terminé"):
        _sign(held)
    assert not Attendance.objects.exists()


def test_a_record_cannot_be_rewritten(held):
    attendance = _sign(held)
    attendance.evidence = "autre chose"
    with pytest.raises(ValueError, match="ne se modifie pas"):
        attendance.save()


# --- Evidence --------------------------------------------------------------------------------------------


def test_the_counsellor_records_remote_evidence(held):
    attendance = attendance_record_evidence(
        actor=held.accompaniment.counsellor,
        session=held,
        evidence="Visio Jitsi : connexion 9 h 58, déconnexion 11 h 50, caméra allumée.",
        now=NOW,
    )
    assert attendance.method == AttendanceMethod.COUNSELLOR_EVIDENCE
    assert attendance.evidence.startswith("Visio Jitsi")


def test_evidence_too_short_to_prove_anything_is_refused(held):
    with pytest.raises(CaseRuleError, match="Décrivez la preuve de présence"):
        attendance_record_evidence(actor=held.accompaniment.counsellor, session=held, evidence="  ok ", now=NOW)
    assert not Attendance.objects.exists()


# --- One-time code ----------------------------------------------------------------------------------------


def test_a_code_is_emailed_stored_hashed_and_confirms_attendance_for_the_sender(
    held, django_capture_on_commit_callbacks
):
    sender = factories.manager(held.accompaniment.centre)
    with django_capture_on_commit_callbacks(execute=True):
        record = attendance_code_send(actor=sender, session=held, now=NOW)
    assert record.sent_to == held.accompaniment.beneficiary.email
    assert record.expires_at == NOW + timedelta(minutes=30)
    assert mail.outbox[-1].to == [held.accompaniment.beneficiary.email]
    code = _sent_code()
    assert code not in record.digest and len(record.digest) == 64
    attendance = attendance_code_confirm(session=held, code=code, now=NOW + timedelta(minutes=3))
    assert attendance.method == AttendanceMethod.EMAIL_CODE
    assert attendance.confirmed_by == sender
    assert "envoyé à" in attendance.evidence
    assert AttendanceCode.objects.get().used_at == NOW + timedelta(minutes=3)


def test_the_code_never_appears_in_the_task_arguments_or_the_audit(held, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        record = attendance_code_send(actor=held.accompaniment.counsellor, session=held, now=NOW)
    code = _sent_code()
    masked = mask_code(record.pk, code)
    assert unmask_code(record.pk, masked) == code
    assert all(code not in str(event.fields) for event in AuditEvent.objects.all())


def test_a_wrong_code_counts_an_attempt_and_records_nothing(held, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        attendance_code_send(actor=held.accompaniment.counsellor, session=held, now=NOW)
    wrong = f"{(int(_sent_code()) + 1) % 1_000_000:06d}"
    with pytest.raises(CaseRuleError, match="Code incorrect.*Il reste 4\u00a0essais"):
        attendance_code_confirm(session=held, code=wrong, now=NOW)
    assert AttendanceCode.objects.get().attempts == 1
    assert not Attendance.objects.exists()


def test_after_five_wrong_codes_even_the_right_one_is_refused(held, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        attendance_code_send(actor=held.accompaniment.counsellor, session=held, now=NOW)
    code = _sent_code()
    for _ in range(CODE_MAX_ATTEMPTS):
        with pytest.raises(CaseRuleError, match="Code incorrect"):
            attendance_code_confirm(session=held, code="abc", now=NOW)
    with pytest.raises(CaseRuleError, match="Trop d'essais"):
        attendance_code_confirm(session=held, code=code, now=NOW)
    assert not Attendance.objects.exists()


def test_an_expired_code_is_refused(held, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        attendance_code_send(actor=held.accompaniment.counsellor, session=held, now=NOW)
    with pytest.raises(CaseRuleError, match="Ce code a expiré"):
        attendance_code_confirm(session=held, code=_sent_code(), now=NOW + timedelta(minutes=31))
    assert not Attendance.objects.exists()


def test_a_new_code_voids_the_previous_one_but_not_within_a_minute(held, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        attendance_code_send(actor=held.accompaniment.counsellor, session=held, now=NOW)
    first = _sent_code()
    with pytest.raises(CaseRuleError, match="Un code vient d'être envoyé .* Attendez"):
        attendance_code_send(actor=held.accompaniment.counsellor, session=held, now=NOW + timedelta(seconds=20))
    assert AttendanceCode.objects.count() == 1 and len(mail.outbox) == 1
    with django_capture_on_commit_callbacks(execute=True):
        attendance_code_send(actor=held.accompaniment.counsellor, session=held, now=NOW + timedelta(minutes=1))
    second = _sent_code()
    if first != second:
        with pytest.raises(CaseRuleError):
            attendance_code_confirm(session=held, code=first, now=NOW + timedelta(minutes=2))
    assert attendance_code_confirm(session=held, code=second, now=NOW + timedelta(minutes=2)).method == "email_code"


def test_no_code_is_sent_to_a_person_without_an_email_address(held):
    held.accompaniment.beneficiary.email = ""
    held.accompaniment.beneficiary.save(update_fields=["email"])
    with pytest.raises(CaseRuleError, match="n'a pas d'adresse e-mail"):
        attendance_code_send(actor=held.accompaniment.counsellor, session=held, now=NOW)
    assert not AttendanceCode.objects.exists()


def test_no_code_for_a_session_already_signed(held):
    _sign(held)
    with pytest.raises(CaseRuleError, match="déjà émargé"):
        attendance_code_send(actor=held.accompaniment.counsellor, session=held, now=NOW)
    assert not AttendanceCode.objects.exists()


# --- Corrections -----------------------------------------------------------------------------------------


def test_a_correction_is_a_new_record_citing_the_old_one(held):
    first = _sign(held)
    later = NOW + timedelta(hours=1)
    corrected = attendance_correct(
        actor=held.accompaniment.counsellor,
        attendance=first,
        reason="La personne a signé dans le cadre du conseiller.",
        proof=Proof(
            method=AttendanceMethod.ON_SITE_SIGNATURE,
            signature_svg=signature(x=50),
            counsellor_signature_svg=signature(x=70),
        ),
        now=later,
    )
    assert corrected.corrects == first
    first.refresh_from_db()
    assert first.signature_svg == sanitise_signature_svg(signature())
    assert list(Attendance.objects.current()) == [corrected]


def test_a_correction_needs_a_reason_and_a_record_is_corrected_only_once(held):
    first = _sign(held)
    proof = Proof(method=AttendanceMethod.COUNSELLOR_EVIDENCE, evidence="Feuille papier signée, scannée au dossier.")
    with pytest.raises(CaseRuleError, match="motif de la correction"):
        attendance_correct(actor=first.confirmed_by, attendance=first, reason=" ", proof=proof, now=NOW)
    attendance_correct(actor=first.confirmed_by, attendance=first, reason="Signature illisible", proof=proof, now=NOW)
    with pytest.raises(CaseRuleError, match="déjà été corrigé le 10 mars 2026 à 12\u00a0h : corrigez le plus récent"):
        attendance_correct(actor=first.confirmed_by, attendance=first, reason="Encore", proof=proof, now=NOW)
    assert Attendance.objects.count() == 2


# --- Sanitiser -------------------------------------------------------------------------------------------

MALICIOUS = {
    "script": '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><script>alert(1)</script></svg>',
    "onload": '<svg viewBox="0 0 10 10" onload="alert(1)"><path d="M 1 1 L 2 2 L 3 3 L 4 4 L 5 5"/></svg>',
    "handler on a path": '<svg viewBox="0 0 10 10"><path d="M 1 1 L 2 2 L 3 3 L 4 4" onclick="x()"/></svg>',
    "foreignObject": (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><foreignObject><div '
        'xmlns="http://www.w3.org/1999/xhtml">x</div></foreignObject></svg>'
    ),
    "entities": (
        '<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><path d="M 1 1 L &b;"/></svg>'
    ),
    "external entity": '<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]><svg>&x;</svg>',
    "style attribute": '<svg viewBox="0 0 10 10"><path d="M 1 1 L 2 2" style="fill:url(http://x)"/></svg>',
    "javascript href": '<svg viewBox="0 0 10 10"><a href="javascript:alert(1)"><path d="M 1 1"/></a></svg>',
    "image": '<svg viewBox="0 0 10 10"><image href="http://tracker.example/p.png"/></svg>',
    "colour with url": '<svg viewBox="0 0 10 10"><path d="M 1 1 L 2 2" stroke="url(#x)"/></svg>',
    "path with letters": '<svg viewBox="0 0 10 10"><path d="M 1 1 L 2 2 javascript"/></svg>',
    "html namespace": '<svg xmlns="http://www.w3.org/1999/xhtml" viewBox="0 0 10 10"><path d="M 1 1"/></svg>',
    "not svg": "<html><body>signature</body></html>",
    "broken xml": '<svg viewBox="0 0 10 10"><path d="M 1 1"',
    "text content": '<svg viewBox="0 0 10 10"><path d="M 1 1 L 2 2">texte</path></svg>',
    "nested svg": '<svg viewBox="0 0 10 10"><svg viewBox="0 0 10 10"/></svg>',
    "huge canvas": '<svg viewBox="0 0 99999 99999"><path d="M 1 1 L 2 2 L 3 3 L 4 4 L 5 5 L 6 6 L 7 7 L 8 8"/></svg>',
    "transform": '<svg viewBox="0 0 10 10"><g transform="scale(99)"><path d="M 1 1 L 2 2"/></g></svg>',
    "comment": '<svg viewBox="0 0 10 10"><!-- x --><path d="M 1 1 L 2 2"/></svg>',
}


@pytest.mark.parametrize("name", MALICIOUS)
def test_the_sanitiser_refuses_anything_but_strokes(name):
    with pytest.raises(SignatureError, match="n'est pas un simple tracé"):
        sanitise_signature_svg(MALICIOUS[name])


def test_the_sanitiser_refuses_a_drawing_over_200_kb():
    with pytest.raises(SignatureError, match="dépasse 200 ko"):
        sanitise_signature_svg(signature(strokes=2000))


def test_the_sanitiser_keeps_strokes_of_polylines_groups_and_lines():
    svg = (
        '<svg viewBox="0 0 200 100"><g><polyline points="1,1 2,2 3,3 4,4 5,5 6,6" stroke="#1a1a1a"/></g>'
        '<line x1="1" y1="2" x2="3" y2="4" stroke="rgb(0, 0, 0)" stroke-width="2"/></svg>'
    )
    clean = sanitise_signature_svg(svg)
    assert '<polyline fill="none" points="1,1 2,2 3,3 4,4 5,5 6,6" stroke="#1a1a1a"/>' in clean
    assert "<g" not in clean


def test_a_single_click_is_not_a_signature():
    svg = '<svg viewBox="0 0 400 150"><circle cx="10" cy="10" r="2"/><path d="M 1 1 L 2 2"/></svg>'
    with pytest.raises(SignatureError, match="Signature manquante"):
        sanitise_signature_svg(svg)


# --- Attendance sheet ------------------------------------------------------------------------------------


def test_the_sheet_lists_held_sessions_with_their_proof_and_the_total(held):
    case = held.accompaniment
    other = factories.SessionFactory(accompaniment=case, starts_at=NOW - timedelta(days=1), duration_minutes=60)
    session_mark_held(actor=case.counsellor, session=other, held_minutes=40, now=NOW)
    factories.SessionFactory(accompaniment=case, starts_at=NOW + timedelta(days=3))  # planned: not on the sheet
    first = _sign(held)
    attendance_correct(
        actor=case.counsellor,
        attendance=first,
        reason="Signature recueillie sur le mauvais entretien",
        proof=Proof(method=AttendanceMethod.COUNSELLOR_EVIDENCE, evidence="Présente, feuille papier signée."),
        now=NOW + timedelta(hours=1),
    )
    rows, total = attendance_sheet(case)
    assert [row.session for row in rows] == [other, held]
    assert total == 150
    assert rows[0].record is None
    assert rows[1].record.method == AttendanceMethod.COUNSELLOR_EVIDENCE
    assert rows[1].hours == "10\u00a0h – 11\u00a0h\u00a050"
    assert rows[1].duration == "1\u00a0h\u00a050"

    text = "\n".join(page.extract_text() for page in PdfReader(BytesIO(attendance_sheet_pdf(case))).pages)
    flat = " ".join(text.split())
    assert "Feuille d'émargement" in flat
    assert " ".join(formatting.siret(case.centre.siret).split()) in flat
    assert "10 mars 2026" in flat and "9 mars 2026" in flat
    assert "Non émargé" in flat
    assert "Signature recueillie sur le mauvais entretien" in flat
    assert "Total des heures réalisées 2 h 30" in flat


def test_dates_and_times_are_written_the_french_way():
    assert french_datetime(datetime(2026, 4, 1, 8, 5, tzinfo=UTC)) == "1er avril 2026 à 10\u00a0h\u00a005"
    assert french_datetime(datetime(2026, 12, 12, 9, 0, tzinfo=UTC)) == "12 décembre 2026 à 10\u00a0h"


def test_the_sheet_states_the_bilan_dates(db):
    case = factories.AccompanimentFactory(planned_start=date(2026, 3, 1), planned_end=date(2026, 5, 29))
    assert bilan_period(case) == "prévu du 1er mars 2026 au 29 mai 2026"
    case.started_on, case.ended_on = date(2026, 3, 2), date(2026, 6, 1)
    assert bilan_period(case) == "commencé le 2 mars 2026, terminé le 1er juin 2026"


def test_two_signings_racing_past_the_check_get_the_same_message(held, monkeypatch):
    # The second one passes the early check (as if both requests read before either wrote); the database's
    # unique constraint then refuses it and the service says the same thing, leaving the first record alone.
    first = _sign(held)
    monkeypatch.setattr("trajectoire.cases.attendance._check_not_signed", lambda session: None)
    with pytest.raises(CaseRuleError, match="Cet entretien est déjà émargé le 10 mars 2026"):
        _sign(held, now=NOW + timedelta(minutes=1))
    assert list(Attendance.objects.all()) == [first]
