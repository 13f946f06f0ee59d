from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from tests.factories import AccompanimentFactory, MembershipFactory, held_session
from trajectoire.cases import workflow
from trajectoire.cases.enums import State
from trajectoire.cases.errors import CaseRuleError
from trajectoire.cases.models import CaseTransition
from trajectoire.cases.services import consent_record, consent_sign, consent_withdraw, session_create
from trajectoire.cases.synthesis import synthesis_save, synthesis_start, synthesis_validate

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")


def _agree(case, on=date(2026, 3, 2)):
    return consent_record(actor=case.counsellor, accompaniment=case, data={"kind": "bilan_agreement", "given_on": on})


def test_a_bilan_cannot_start_without_the_persons_consent():
    case = AccompanimentFactory()
    with pytest.raises(CaseRuleError, match="consentement de la personne"):
        workflow.accompaniment_start(actor=case.counsellor, accompaniment=case, on=date(2026, 3, 2))
    case.refresh_from_db()
    assert case.state == State.REQUEST
    assert not CaseTransition.objects.exists()


def test_starting_writes_a_transition_with_who_when_from_to_and_why():
    case = AccompanimentFactory()
    _agree(case)
    workflow.accompaniment_start(actor=case.counsellor, accompaniment=case, on=date(2026, 3, 2), reason="RDV pris")
    transition = CaseTransition.objects.get()
    assert (transition.actor, transition.from_state, transition.to_state, transition.reason) == (
        case.counsellor,
        "request",
        "preliminary",
        "RDV pris",
    )
    assert case.started_on == date(2026, 3, 2)


def test_a_withdrawn_consent_no_longer_allows_starting():
    case = AccompanimentFactory()
    consent = _agree(case, on=date(2026, 2, 20))
    consent_withdraw(actor=case.counsellor, consent=consent, on=date(2026, 2, 25), base_version=consent.version)
    with pytest.raises(CaseRuleError, match="consentement"):
        workflow.accompaniment_start(actor=case.counsellor, accompaniment=case, on=date(2026, 3, 2))


def _tripartite(case, sent_on, given_on=None):
    consent = consent_record(
        actor=case.counsellor, accompaniment=case, data={"kind": "tripartite", "sent_on": sent_on}
    )
    if given_on:
        consent_sign(actor=case.counsellor, consent=consent, on=given_on, base_version=consent.version)
    return consent


def test_an_employer_bilan_starts_once_the_tripartite_agreement_is_signed_within_ten_days():
    case = AccompanimentFactory(employer_initiated=True)
    _agree(case)
    _tripartite(case, sent_on=date(2026, 2, 20), given_on=date(2026, 3, 2))  # day 10: still in time
    workflow.accompaniment_start(actor=case.counsellor, accompaniment=case, on=date(2026, 3, 3))
    assert case.state == State.PRELIMINARY


def test_an_employer_bilan_signed_on_day_eleven_cannot_start():
    case = AccompanimentFactory(employer_initiated=True)
    _agree(case)
    _tripartite(case, sent_on=date(2026, 2, 20), given_on=date(2026, 3, 3))
    with pytest.raises(CaseRuleError, match="après le délai de 10 jours"):
        workflow.accompaniment_start(actor=case.counsellor, accompaniment=case, on=date(2026, 3, 4))


def test_silence_of_the_employee_for_ten_days_is_a_refusal():
    case = AccompanimentFactory(employer_initiated=True)
    _agree(case)
    _tripartite(case, sent_on=date(2026, 2, 20))
    with pytest.raises(CaseRuleError, match="le silence vaut refus"):
        workflow.accompaniment_start(actor=case.counsellor, accompaniment=case, on=date(2026, 3, 3))


def test_while_the_ten_days_run_the_message_gives_the_deadline():
    case = AccompanimentFactory(employer_initiated=True)
    _agree(case, on=date(2026, 2, 20))
    _tripartite(case, sent_on=date(2026, 2, 20))
    with pytest.raises(CaseRuleError, match="jusqu'au 02/03/2026"):
        workflow.accompaniment_start(actor=case.counsellor, accompaniment=case, on=date(2026, 2, 25))


def test_moves_out_of_order_are_refused():
    case = AccompanimentFactory()
    with pytest.raises(CaseRuleError, match="étape « demande »"):
        workflow.accompaniment_conclude(actor=case.counsellor, accompaniment=case)


def test_abandoning_needs_a_reason_and_is_possible_from_any_open_state():
    case = AccompanimentFactory()
    with pytest.raises(CaseRuleError, match="motif"):
        workflow.accompaniment_abandon(actor=case.counsellor, accompaniment=case, on=date(2026, 3, 1), reason=" ")
    workflow.accompaniment_abandon(
        actor=case.counsellor, accompaniment=case, on=date(2026, 3, 1), reason="Reprise d'emploi"
    )
    assert case.state == State.ABANDONED
    assert case.abandon_reason == "Reprise d'emploi"


def _to_conclusion(case):
    _agree(case)
    workflow.accompaniment_start(actor=case.counsellor, accompaniment=case, on=date(2026, 3, 2))
    held_session(case, phase="preliminary")
    workflow.accompaniment_investigate(actor=case.counsellor, accompaniment=case)
    held_session(case, phase="investigation")
    workflow.accompaniment_conclude(actor=case.counsellor, accompaniment=case)
    held_session(case, phase="conclusion")


def test_closing_requires_the_synthesis_validated_in_its_last_version(django_capture_on_commit_callbacks):
    case = AccompanimentFactory()
    _to_conclusion(case)
    with pytest.raises(CaseRuleError, match="validation par la personne"):
        workflow.accompaniment_close(actor=case.counsellor, accompaniment=case, on=date(2026, 5, 29))
    synthesis = synthesis_start(actor=case.counsellor, accompaniment=case)
    synthesis_validate(actor=case.counsellor, synthesis=synthesis, version=1, on=date(2026, 5, 28))
    data = {name: getattr(synthesis, name) + " (relu)" for name in synthesis.SECTIONS}
    synthesis_save(actor=case.counsellor, synthesis=synthesis, data=data, base_version=1)
    with pytest.raises(CaseRuleError, match="dernière version"):
        workflow.accompaniment_close(actor=case.counsellor, accompaniment=case, on=date(2026, 5, 29))
    synthesis_validate(actor=case.counsellor, synthesis=synthesis, version=2, on=date(2026, 5, 29))
    with django_capture_on_commit_callbacks(execute=False):
        workflow.accompaniment_close(actor=case.counsellor, accompaniment=case, on=date(2026, 5, 29))
    assert case.state == State.CLOSED
    assert case.follow_up_on == date(2026, 11, 29)  # centre default: 6 months
    assert [t.to_state for t in case.transitions.all()] == ["preliminary", "investigation", "conclusion", "closed"]


def test_sessions_past_24_hours_are_refused_with_the_reason():
    case = AccompanimentFactory()
    _agree(case)
    workflow.accompaniment_start(actor=case.counsellor, accompaniment=case, on=date(2026, 3, 2))
    for day in range(2, 7):  # 5 × 4 h = 20 h
        session_create(
            actor=case.counsellor,
            accompaniment=case,
            data={
                "starts_at": datetime(2026, 3, day, 9, tzinfo=PARIS),
                "duration_minutes": 240,
                "phase": "preliminary",
            },
        )
    with pytest.raises(CaseRuleError, match="au-delà du plafond légal de 24 heures.*Il reste 4\xa0h"):
        session_create(
            actor=case.counsellor,
            accompaniment=case,
            data={"starts_at": datetime(2026, 3, 9, 9, tzinfo=PARIS), "duration_minutes": 270, "phase": "preliminary"},
        )
    session_create(
        actor=case.counsellor,
        accompaniment=case,
        data={"starts_at": datetime(2026, 3, 9, 9, tzinfo=PARIS), "duration_minutes": 240, "phase": "preliminary"},
    )
    assert case.sessions.count() == 6


def test_a_session_of_a_later_phase_cannot_be_entered_yet():
    case = AccompanimentFactory()
    _agree(case)
    workflow.accompaniment_start(actor=case.counsellor, accompaniment=case, on=date(2026, 3, 2))
    with pytest.raises(CaseRuleError, match="phase suivante"):
        session_create(
            actor=case.counsellor,
            accompaniment=case,
            data={"starts_at": datetime(2026, 3, 3, 9, tzinfo=PARIS), "duration_minutes": 60, "phase": "conclusion"},
        )


def test_a_sharing_consent_must_name_the_third_party():
    case = AccompanimentFactory()
    with pytest.raises(CaseRuleError, match="Nommez le destinataire"):
        consent_record(actor=case.counsellor, accompaniment=case, data={"kind": "synthesis_sharing"})


def test_a_keeping_consent_cannot_exceed_three_years_after_the_end():
    case = AccompanimentFactory(planned_end=date(2026, 5, 29))
    with pytest.raises(CaseRuleError, match="3 ans"):
        consent_record(
            actor=case.counsellor,
            accompaniment=case,
            data={"kind": "document_keeping", "given_on": date(2026, 5, 1), "keep_until": date(2029, 5, 30)},
        )


# --- Brakes: each move's preconditions (issue 10) ----------------------------------------------------------


def _started(case):
    _agree(case)
    workflow.accompaniment_start(actor=case.counsellor, accompaniment=case, on=date(2026, 3, 2))
    return case


def test_investigation_needs_a_held_preliminary_session_not_just_a_planned_one():
    case = _started(AccompanimentFactory())
    session_create(
        actor=case.counsellor,
        accompaniment=case,
        data={"starts_at": datetime(2026, 3, 3, 9, tzinfo=PARIS), "duration_minutes": 90, "phase": "preliminary"},
    )
    with pytest.raises(CaseRuleError, match="phase préliminaire n'est marqué réalisé.*R6313-4"):
        workflow.accompaniment_investigate(actor=case.counsellor, accompaniment=case)
    case.refresh_from_db()
    assert case.state == State.PRELIMINARY
    assert case.transitions.count() == 1
    held_session(case, phase="preliminary")
    workflow.accompaniment_investigate(actor=case.counsellor, accompaniment=case)
    assert case.state == State.INVESTIGATION


def test_conclusion_needs_a_held_investigation_session():
    case = _started(AccompanimentFactory())
    held_session(case, phase="preliminary")
    workflow.accompaniment_investigate(actor=case.counsellor, accompaniment=case)
    with pytest.raises(CaseRuleError, match="phase d'investigation n'est marqué réalisé"):
        workflow.accompaniment_conclude(actor=case.counsellor, accompaniment=case)
    assert case.state == State.INVESTIGATION


def test_closure_needs_a_held_conclusion_session_even_with_a_validated_synthesis():
    case = _started(AccompanimentFactory())
    held_session(case, phase="preliminary")
    workflow.accompaniment_investigate(actor=case.counsellor, accompaniment=case)
    held_session(case, phase="investigation")
    workflow.accompaniment_conclude(actor=case.counsellor, accompaniment=case)
    synthesis = synthesis_start(actor=case.counsellor, accompaniment=case)
    synthesis_validate(actor=case.counsellor, synthesis=synthesis, version=1, on=date(2026, 5, 28))
    with pytest.raises(CaseRuleError, match="phase de conclusion n'est marqué réalisé"):
        workflow.accompaniment_close(actor=case.counsellor, accompaniment=case, on=date(2026, 5, 29))
    assert case.state == State.CONCLUSION


def test_the_synthesis_is_validated_only_during_the_conclusion_phase():
    case = _started(AccompanimentFactory())
    synthesis = synthesis_start(actor=case.counsellor, accompaniment=case)
    with pytest.raises(CaseRuleError, match="phase de conclusion.*R6313-4"):
        synthesis_validate(actor=case.counsellor, synthesis=synthesis, version=1, on=date(2026, 3, 5))
    synthesis.refresh_from_db()
    assert synthesis.validated_version is None


def test_available_moves_say_which_move_is_possible_now_and_why_not():
    case = _started(AccompanimentFactory())
    options = {o.name: o for o in workflow.available_moves(case, on=date(2026, 3, 3))}
    assert set(options) == {"investigate", "abandon"}
    assert not options["investigate"].possible
    assert "marqué réalisé" in options["investigate"].refusal
    assert options["abandon"].possible
    held_session(case, phase="preliminary")
    assert all(o.possible for o in workflow.available_moves(case, on=date(2026, 3, 3)))


def test_every_move_of_the_table_names_its_source_and_each_check_cites_a_rule():
    for move in workflow.MOVES.values():
        assert move.source, move.name
    case = _started(AccompanimentFactory())
    for check in (
        workflow.check_held_preliminary_session,
        workflow.check_held_investigation_session,
        workflow.check_held_conclusion_session,
    ):
        with pytest.raises(CaseRuleError, match="R6313-4"):
            check(case, None)


# --- Reopening ------------------------------------------------------------------------------------------


def _closed(case, django_capture_on_commit_callbacks, *consents):
    _to_conclusion(case)
    for data in consents:
        consent_record(actor=case.counsellor, accompaniment=case, data=data)
    synthesis = synthesis_start(actor=case.counsellor, accompaniment=case)
    synthesis_validate(actor=case.counsellor, synthesis=synthesis, version=1, on=date(2026, 5, 28))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        workflow.accompaniment_close(actor=case.counsellor, accompaniment=case, on=date(2026, 5, 29))
    return callbacks


def test_a_manager_reopens_a_closed_bilan_and_the_pending_destruction_does_nothing(
    django_capture_on_commit_callbacks,
):
    case = AccompanimentFactory()
    pending = _closed(case, django_capture_on_commit_callbacks)
    manager = MembershipFactory(centre=case.centre, role="manager").user
    workflow.accompaniment_reopen(
        actor=manager, accompaniment=case, on=date(2026, 5, 30), reason="Clôture par erreur : synthèse à reprendre"
    )
    case.refresh_from_db()
    assert (case.state, case.ended_on, case.follow_up_on) == (State.CONCLUSION, None, None)
    last = case.transitions.order_by("-at", "-id").first()
    assert (last.from_state, last.to_state, last.actor) == ("closed", "conclusion", manager)
    assert last.reason == "Clôture par erreur : synthèse à reprendre"
    # The destruction enqueued at closure runs now: the case is open again, nothing goes.
    for callback in pending:
        callback()
    case.refresh_from_db()
    assert case.retention_applied_at is None
    assert not case.destructions.exists()
    assert case.synthesis.versions.count() == 1  # the synthesis history, a working document, is still there


def test_a_destruction_enqueued_before_a_reopening_skips_a_later_closure_of_another_day(
    django_capture_on_commit_callbacks,
):
    from trajectoire.cases.tasks import apply_retention

    case = AccompanimentFactory()
    _closed(case, django_capture_on_commit_callbacks)
    manager = MembershipFactory(centre=case.centre, role="manager").user
    workflow.accompaniment_reopen(actor=manager, accompaniment=case, on=date(2026, 5, 30), reason="Erreur")
    synthesis = case.synthesis
    synthesis_validate(actor=case.counsellor, synthesis=synthesis, version=synthesis.version, on=date(2026, 6, 2))
    with django_capture_on_commit_callbacks(execute=False):
        workflow.accompaniment_close(actor=case.counsellor, accompaniment=case, on=date(2026, 6, 3))
    # The job of the first closure (29 May) finds a case that ended on 3 June: its own job will do the work.
    assert apply_retention.call(accompaniment_id=case.pk, on="2026-05-29") == {}
    case.refresh_from_db()
    assert case.retention_applied_at is None


def test_a_counsellor_cannot_reopen_a_closed_bilan(django_capture_on_commit_callbacks):
    case = AccompanimentFactory()
    _closed(case, django_capture_on_commit_callbacks)
    with pytest.raises(CaseRuleError, match="responsables du centre"):
        workflow.accompaniment_reopen(actor=case.counsellor, accompaniment=case, on=date(2026, 5, 30), reason="x")
    case.refresh_from_db()
    assert case.state == State.CLOSED
    assert "reopen" not in {o.name for o in workflow.available_moves(case, on=date(2026, 5, 30), user=case.counsellor)}


def test_reopening_needs_a_reason_and_is_refused_once_the_documents_are_destroyed(
    django_capture_on_commit_callbacks,
):
    case = AccompanimentFactory()
    pending = _closed(case, django_capture_on_commit_callbacks)
    manager = MembershipFactory(centre=case.centre, role="manager").user
    with pytest.raises(CaseRuleError, match="pourquoi"):
        workflow.accompaniment_reopen(actor=manager, accompaniment=case, on=date(2026, 5, 30), reason="  ")
    for callback in pending:  # the destruction runs
        callback()
    case.refresh_from_db()
    assert case.retention_applied_at is not None
    with pytest.raises(CaseRuleError, match="détruits le .* ne peut plus être rouvert"):
        workflow.accompaniment_reopen(actor=manager, accompaniment=case, on=date(2026, 5, 31), reason="Erreur")
    [option] = workflow.available_moves(case, on=date(2026, 5, 31), user=manager)
    assert option.name == "reopen" and not option.possible


def test_the_closure_outlook_announces_exactly_what_the_destruction_then_records(django_capture_on_commit_callbacks):
    from trajectoire.cases.models import DestructionRecord, Experience
    from trajectoire.cases.retention import retention_outlook

    case = AccompanimentFactory()
    _to_conclusion(case)
    Experience.objects.create(accompaniment=case, job_title="Cariste", employer_type="temping", description="Quais")
    synthesis = synthesis_start(actor=case.counsellor, accompaniment=case)
    synthesis_validate(actor=case.counsellor, synthesis=synthesis, version=1, on=date(2026, 5, 28))
    outlook = retention_outlook(case, ended_on=date(2026, 5, 29))
    assert (outlook.documents_kept_until, outlook.synthesis_kept_until) == (None, None)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.accompaniment_close(actor=case.counsellor, accompaniment=case, on=date(2026, 5, 29))
    record = DestructionRecord.objects.get(accompaniment=case)
    announced = {name: n for name, n in outlook.documents.items() if n}
    assert record.counts == {**announced, "document de synthèse": 1}
