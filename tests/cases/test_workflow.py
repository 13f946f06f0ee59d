from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from tests.factories import AccompanimentFactory
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
    consent_withdraw(actor=case.counsellor, consent=consent, on=date(2026, 2, 25))
    with pytest.raises(CaseRuleError, match="consentement"):
        workflow.accompaniment_start(actor=case.counsellor, accompaniment=case, on=date(2026, 3, 2))


def _tripartite(case, sent_on, given_on=None):
    consent = consent_record(
        actor=case.counsellor, accompaniment=case, data={"kind": "tripartite", "sent_on": sent_on}
    )
    if given_on:
        consent_sign(actor=case.counsellor, consent=consent, on=given_on)
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
    workflow.accompaniment_investigate(actor=case.counsellor, accompaniment=case)
    workflow.accompaniment_conclude(actor=case.counsellor, accompaniment=case)


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
