"""The demo network and its bilans: one coherent story per person, dated in order and in the past.

The fast tests load the demo without the ROME referential (no engine, empty profiles) and check dates and
statuses; the slow one imports the shipped referential so that the real engine fills the profiles."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.utils import timezone

from trajectoire.accounts.enums import AuditAction
from trajectoire.accounts.models import AuditEvent, Centre, Membership, User
from trajectoire.cases.attendance import sanitise_signature_svg
from trajectoire.cases.demo import STORIES, signature_svg, workdays_before
from trajectoire.cases.enums import AttendanceMethod, CancelledBy, SessionStatus, State
from trajectoire.cases.models import (
    Accompaniment,
    ActionStep,
    Attendance,
    Beneficiary,
    CaseTask,
    CaseTransition,
    Consent,
    Experience,
    Piste,
    ProfileSkill,
    Session,
    SynthesisVersion,
)

pytestmark = pytest.mark.django_db

ROWS = (
    Centre,
    User,
    Membership,
    Beneficiary,
    Accompaniment,
    CaseTransition,
    Consent,
    Session,
    Attendance,
    CaseTask,
    Experience,
    ProfileSkill,
    Piste,
    ActionStep,
    SynthesisVersion,
    AuditEvent,
)


def _counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in ROWS}


@pytest.fixture(scope="class")
def demo(django_db_setup, django_db_blocker):
    """The demo loaded once for the read-only checks of a class (a load takes a few seconds), inside a transaction
    rolled back at the end; yields the moment the loading started."""
    with django_db_blocker.unblock(), transaction.atomic():
        started = timezone.now()
        call_command("load_demo", "--quiet-logins")
        yield started
        transaction.set_rollback(True)


def _local_day(moment):
    return timezone.localtime(moment).date()


def test_load_demo_creates_the_demo_network_and_is_idempotent(capsys):
    call_command("load_demo")
    counts = (Centre.objects.count(), User.objects.count(), Membership.objects.count(), Beneficiary.objects.count())
    call_command("load_demo")
    again = (Centre.objects.count(), User.objects.count(), Membership.objects.count(), Beneficiary.objects.count())
    assert counts == again == (2, 5, 4, 20)
    occitanie = Centre.objects.get(name="CIBC Démo Occitanie")
    roles = sorted(occitanie.memberships.values_list("role", flat=True))
    assert roles == ["counsellor", "counsellor", "manager"]
    assert "nadia.roux@demo.trajectoire.fr" in capsys.readouterr().out


def test_load_demo_keeps_changes_made_by_users():
    call_command("load_demo", "--quiet-logins")
    beneficiary = Beneficiary.objects.get(last_name="Haddad")
    beneficiary.postal_code = "31300"
    beneficiary.save()
    call_command("load_demo", "--quiet-logins")
    assert Beneficiary.objects.get(last_name="Haddad").postal_code == "31300"


def test_load_demo_refuses_outside_demo_mode(settings):
    settings.DEMO_MODE = False
    with pytest.raises(CommandError, match="DEMO_MODE"):
        call_command("load_demo")


def test_demo_signatures_are_accepted_by_the_signature_sanitiser_and_differ_per_person():
    first, second = signature_svg("Mohamed Haddad"), signature_svg("Claire Martin")
    assert sanitise_signature_svg(first) and sanitise_signature_svg(second)
    assert first != second and first == signature_svg("Mohamed Haddad")


def test_story_days_skip_weekends_and_stay_on_their_side_of_today():
    today = timezone.localdate()
    for count in range(-15, 80):
        day = workdays_before(today, count)
        assert day.weekday() < 5
        assert (day < today) if count > 0 else (day > today) if count < 0 else day == today


@pytest.mark.slow
def test_with_the_shipped_referential_profiles_are_analysed_and_pistes_decided():
    """Imports the whole ROME referential (about a minute) so that the real engine reads the accounts."""
    from trajectoire.referentials.importers.rome import rome_import
    from trajectoire.referentials.importers.tension import tension_import

    rome_import()
    tension_import()
    call_command("load_demo", "--quiet-logins")
    for case in Accompaniment.objects.filter(state__in=[State.INVESTIGATION, State.CONCLUSION, State.CLOSED]):
        skills = case.skills
        assert skills.filter(status="accepted").count() >= 5, case
        assert skills.filter(status="rejected").exists(), case
        assert not skills.filter(created_at__gte=timezone.now() - timedelta(minutes=30)).exists()
        retained = case.pistes.get(decision="retained")
        assert retained.decision_reason
        assert case.pistes.filter(decision="set_aside").exclude(decision_reason="").exists()
        assert case.action_steps.filter(target_date__isnull=False).exists()
        assert case.employment_area_code
        if case.state in {State.CONCLUSION, State.CLOSED}:
            assert retained.label in case.synthesis.projects
    for case in Accompaniment.objects.filter(state__in=[State.REQUEST, State.PRELIMINARY]):
        assert not case.skills.exists()


class TestDemoStories:
    """Read-only checks over one load of the demo (all its cases)."""

    def test_a_second_load_creates_nothing_at_all(self, demo, capsys):
        before = _counts()
        capsys.readouterr()
        call_command("load_demo", "--quiet-logins")
        assert _counts() == before
        assert "beneficiaries_created=0 cases_created=0" in capsys.readouterr().out

    def test_load_demo_adds_bilans_in_every_state_and_one_closed_with_a_validated_synthesis(self, demo):
        states = set(Accompaniment.objects.values_list("state", flat=True))
        assert states == {"request", "preliminary", "investigation", "conclusion", "closed", "abandoned"}
        closed = Accompaniment.objects.get(state="closed")
        assert closed.synthesis.is_validated
        assert Accompaniment.objects.count() == len(STORIES) == 8
        for story in STORIES:
            assert Accompaniment.objects.get(beneficiary__last_name=story.last_name).state == story.state

    def test_every_transition_lies_between_the_start_and_the_end_of_its_case_and_before_loading(self, demo):
        today = timezone.localdate()
        for case in Accompaniment.objects.exclude(state=State.REQUEST):
            transitions = list(case.transitions.order_by("at", "id"))
            assert transitions[0].to_state == State.PRELIMINARY, case
            assert [t.to_state for t in transitions] == [t.to_state for t in case.transitions.order_by("id")]
            for transition in transitions:
                assert transition.at < demo, (case, transition)
                assert case.started_on <= _local_day(transition.at) <= (case.ended_on or today), (case, transition)
            assert case.created_at < transitions[0].at
            assert case.beneficiary.created_at <= case.created_at
            if case.ended_on:
                assert transitions[-1].to_state == case.state
                assert _local_day(transitions[-1].at) == case.ended_on

    def test_sessions_before_today_have_an_outcome_and_only_open_cases_have_planned_ones(self, demo):
        now = timezone.now()
        for session in Session.objects.select_related("accompaniment"):
            case = session.accompaniment
            if session.status == SessionStatus.PLANNED:
                assert case.is_open and session.starts_at > now, session
                continue
            assert session.starts_at < now, session
            assert session.status_changed_at < demo
            assert case.started_on <= _local_day(session.starts_at)
            if session.status == SessionStatus.HELD:
                assert session.status_changed_at >= session.starts_at
                assert 1 <= session.held_minutes <= 480
            if session.status == SessionStatus.CANCELLED:
                assert session.status_changed_at < session.starts_at, "cancelled beforehand"
            if case.ended_on and session.status in {SessionStatus.HELD, SessionStatus.MISSED}:
                assert _local_day(session.ends_at) <= case.ended_on, session
        # Real durations differ from the planned ones, now and then, as they do in life.
        held = Session.objects.filter(status=SessionStatus.HELD)
        assert any(s.held_minutes < s.duration_minutes for s in held)
        assert any(s.held_minutes > s.duration_minutes for s in held)

    def test_synthesis_versions_precede_its_validation_which_happens_in_the_conclusion_phase(self, demo):
        closed = Accompaniment.objects.get(state=State.CLOSED)
        synthesis = closed.synthesis
        conclusion_entered = closed.transitions.get(to_state=State.CONCLUSION).at
        closure = closed.transitions.get(to_state=State.CLOSED).at
        assert _local_day(conclusion_entered) <= synthesis.validated_on <= _local_day(closure)
        versions = list(synthesis.versions.order_by("number"))
        assert len(versions) >= 3
        assert [v.created_at for v in versions] == sorted(v.created_at for v in versions)
        for version in versions:
            assert conclusion_entered <= version.created_at
            assert _local_day(version.created_at) <= synthesis.validated_on
        assert closed.follow_up_on > closed.ended_on
        # Still being written: the conclusion case's synthesis has dated versions but no validation yet.
        drafting = Accompaniment.objects.get(state=State.CONCLUSION).synthesis
        assert drafting.validated_on is None
        assert all(v.created_at < demo for v in drafting.versions.all())

    def test_nothing_the_stories_wrote_is_dated_at_the_moment_of_loading(self, demo):
        # The services stamp `timezone.now()`; the demo dates their rows to its stories. Only what the platform did
        # by itself at loading time (destroying an abandoned case's working documents) keeps that moment.
        late = AuditEvent.objects.filter(created_at__gte=demo).exclude(action=AuditAction.DESTROY)
        assert not late.exists(), list(late.values_list("action", "object_type"))
        stamped = (CaseTransition, SynthesisVersion, Experience, ProfileSkill, Piste, ActionStep, CaseTask, Session)
        for model in (*stamped, Consent):
            column = "at" if model is CaseTransition else "created_at"
            assert not model.objects.filter(**{f"{column}__gte": demo}).exists(), model
        assert not Attendance.objects.filter(created_at__gte=demo).exists()
        assert not Accompaniment.objects.filter(created_at__gte=demo).exists()

    def test_one_session_is_cancelled_by_the_person_and_one_missed_with_its_follow_up_still_open(self, demo):
        cancelled = Session.objects.filter(status=SessionStatus.CANCELLED, cancelled_by=CancelledBy.PERSON)
        assert cancelled.exists()
        assert all(s.status_reason for s in cancelled)
        missed = Session.objects.get(status=SessionStatus.MISSED)
        task = CaseTask.objects.get(session=missed)
        assert task.done_at is None
        assert task.accompaniment.counsellor.email == "claire.martin@demo.trajectoire.fr"
        assert task.due_on <= timezone.localdate() + timedelta(days=1)

    def test_the_closed_case_has_its_attendance_sheet_complete(self, demo):
        closed = Accompaniment.objects.get(state=State.CLOSED)
        held = closed.sessions.filter(status=SessionStatus.HELD)
        assert held.count() >= 6
        for session in held:
            record = session.attendances.get()
            assert record.signed_at >= session.starts_at
            assert _local_day(record.signed_at) <= closed.ended_on
            if session.mode == "remote":
                assert record.method == AttendanceMethod.COUNSELLOR_EVIDENCE and "Visioconférence" in record.evidence
            else:
                assert record.method == AttendanceMethod.ON_SITE_SIGNATURE
                assert record.signature_svg != record.counsellor_signature_svg
        # Other cases: several held sessions signed, not all (a counsellor catches up later).
        others = Attendance.objects.exclude(session__accompaniment=closed)
        assert others.filter(method=AttendanceMethod.ON_SITE_SIGNATURE).count() >= 5
        assert others.filter(method=AttendanceMethod.COUNSELLOR_EVIDENCE).exists()
        assert Session.objects.filter(status=SessionStatus.HELD, attendances__isnull=True).exists()

    def test_each_person_tells_their_own_experiences(self, demo):
        accounts: dict[str, str] = {}
        for case in Accompaniment.objects.exclude(state=State.ABANDONED):
            experiences = list(case.experiences.all())
            assert 2 <= len(experiences) <= 3, case
            for experience in experiences:
                assert experience.description not in accounts, (case, accounts.get(experience.description))
                accounts[experience.description] = case.beneficiary.last_name
                assert experience.ended_on is None or experience.ended_on <= _local_day(experience.created_at)
        notes = list(Session.objects.exclude(shared_notes="").values_list("shared_notes", flat=True))
        assert len(notes) == len(set(notes)), "each session's notes tell that session"
