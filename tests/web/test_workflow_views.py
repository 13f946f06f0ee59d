"""The workflow through its pages: confirmation pages with no side effect, brakes shown before any POST, reopening
by a manager, and a closed case that offers no write form."""

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import login_as
from tests.factories import held_session
from trajectoire.accounts.models import AuditEvent
from trajectoire.cases import workflow
from trajectoire.cases.models import Accompaniment, CaseTransition, Session
from trajectoire.cases.services import consent_record
from trajectoire.cases.synthesis import synthesis_start, synthesis_validate

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(case_world):
    return case_world


def _agree(case):
    consent_record(
        actor=case.counsellor, accompaniment=case, data={"kind": "bilan_agreement", "given_on": date(2026, 3, 2)}
    )


def _to(case, state: str):
    """Through the services, holding a session of each phase before leaving it."""
    _agree(case)
    workflow.accompaniment_start(actor=case.counsellor, accompaniment=case, on=date(2026, 3, 2))
    for phase, move in (("preliminary", "investigate"), ("investigation", "conclude")):
        if case.state == state:
            return case
        held_session(case, phase=phase)
        workflow.perform(move, actor=case.counsellor, accompaniment=case, on=date(2026, 3, 20))
    if state == "closed":
        held_session(case, phase="conclusion")
        synthesis = synthesis_start(actor=case.counsellor, accompaniment=case)
        synthesis_validate(actor=case.counsellor, synthesis=synthesis, version=1, on=date(2026, 5, 28))
        # The test transaction never commits: the destruction enqueued on commit does not run.
        workflow.accompaniment_close(actor=case.counsellor, accompaniment=case, on=date(2026, 5, 29))
    return case


def _csrf_client(world, who) -> Client:
    return login_as(Client(enforce_csrf_checks=True), world, who)


def _confirm(client, case, move, **data):
    url = reverse("web:case_move", args=[case.pk, move])
    page = client.get(url)
    assert page.status_code == 200
    return client.post(url, {"csrfmiddlewaretoken": page.context["csrf_token"], **data})


MATRIX = {"owner": 200, "manager": 200, "colleague": 404, "other_centre": 404, "analyst": 403, "anonymous": 302}


@pytest.mark.parametrize("who", MATRIX)
def test_the_confirmation_page_permissions(client, world, who):
    case = world["case"]
    response = login_as(client, world, who).get(reverse("web:case_move", args=[case.pk, "start"]))
    assert response.status_code == MATRIX[who]


def test_the_confirmation_page_says_what_follows_and_changes_nothing(client, world):
    case = world["case"]
    _agree(case)
    client.force_login(world["owner"])
    writes_before = AuditEvent.objects.exclude(action="view").count()
    page = client.get(reverse("web:case_move", args=[case.pk, "start"]))
    content = page.content.decode()
    assert "La phase préliminaire s&#x27;ouvre (C. trav. R6313-4 1°)" in content
    assert "Confirmer" in content
    case.refresh_from_db()
    assert case.state == "request"
    assert not CaseTransition.objects.exists()
    assert AuditEvent.objects.exclude(action="view").count() == writes_before


def test_confirming_moves_the_case_with_the_comment(world):
    case = world["case"]
    _agree(case)
    response = _confirm(_csrf_client(world, "owner"), case, "start", reason="Premier rendez-vous fixé")
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == "preliminary"
    assert CaseTransition.objects.get().reason == "Premier rendez-vous fixé"


def test_a_bilan_cannot_rush_to_closure_without_held_sessions(world):
    """The reported case: demande → … → clôturé in minutes with no session held."""
    case = world["case"]
    _agree(case)
    client = _csrf_client(world, "owner")
    assert _confirm(client, case, "start").status_code == 302
    refused = _confirm(client, case, "investigate")
    assert refused.status_code == 200
    assert "Aucun entretien de la phase préliminaire n&#x27;est marqué réalisé" in refused.content.decode()
    case.refresh_from_db()
    assert case.state == "preliminary"
    # A planned session does not count: only a held one.
    Session.objects.create(
        accompaniment=case,
        starts_at="2026-03-03T09:00Z",
        duration_minutes=60,
        phase="preliminary",
        created_by=case.counsellor,
    )
    assert _confirm(client, case, "investigate").status_code == 200
    held_session(case, phase="preliminary")
    assert _confirm(client, case, "investigate").status_code == 302
    case.refresh_from_db()
    assert case.state == "investigation"


def test_a_move_not_possible_yet_is_a_disabled_button_with_the_reason(client, world):
    case = _to(world["case"], "preliminary")
    client.force_login(world["owner"])
    detail = client.get(reverse("web:case_detail", args=[case.pk])).content.decode()
    assert 'aria-describedby="refus-investigate"' in detail
    assert "Aucun entretien de la phase préliminaire" in detail
    assert reverse("web:case_move", args=[case.pk, "investigate"]) not in detail
    assert reverse("web:case_move", args=[case.pk, "abandon"]) in detail
    page = client.get(reverse("web:case_move", args=[case.pk, "investigate"]))
    assert page.context["refusal"]
    assert "<form" not in page.content.decode().split("Pas encore possible", 1)[1]


def test_the_closure_page_lists_what_will_be_destroyed_and_when(client, world):
    case = _to(world["case"], "conclusion")
    held_session(case, phase="conclusion")
    case.experiences.create(job_title="Aide-soignante", employer_type="public", description="Soins, toilette")
    synthesis = synthesis_start(actor=case.counsellor, accompaniment=case)
    synthesis_validate(actor=case.counsellor, synthesis=synthesis, version=1, on=date(2026, 5, 28))
    client.force_login(world["owner"])
    content = client.get(reverse("web:case_move", args=[case.pk, "close"])).content.decode()
    assert "Ce qui sera détruit, et quand" in content
    assert "Expériences : 1" in content
    assert "les documents de travail seront détruits dès la clôture" in content
    assert "Le document de synthèse est détruit avec les documents de travail" in content


def test_under_a_keeping_consent_the_closure_page_gives_the_end_of_the_keeping(client, world):
    case = _to(world["case"], "conclusion")
    held_session(case, phase="conclusion")
    synthesis = synthesis_start(actor=case.counsellor, accompaniment=case)
    synthesis_validate(actor=case.counsellor, synthesis=synthesis, version=1, on=date(2026, 5, 28))
    from django.utils import timezone

    today = timezone.localdate()
    keep_until = date(today.year + 1, 1, 15)
    consent_record(
        actor=case.counsellor,
        accompaniment=case,
        data={"kind": "document_keeping", "given_on": today, "keep_until": keep_until},
    )
    consent_record(
        actor=case.counsellor,
        accompaniment=case,
        data={"kind": "synthesis_sharing", "third_party": "CEP Occitanie", "given_on": today},
    )
    client.force_login(world["owner"])
    content = client.get(reverse("web:case_move", args=[case.pk, "close"])).content.decode()
    assert f"détruits après le {keep_until:%d/%m/%Y}" in content
    assert "Le document de synthèse est conservé pour sa communication à CEP Occitanie jusqu&#x27;au" in content


def test_abandoning_needs_a_reason_on_its_confirmation_page(world):
    case = _to(world["case"], "preliminary")
    client = _csrf_client(world, "owner")
    refused = _confirm(client, case, "abandon", reason=" ")
    assert refused.status_code == 200
    assert "Indiquez le motif de l&#x27;abandon." in refused.content.decode()
    case.refresh_from_db()
    assert case.state == "preliminary"
    assert _confirm(client, case, "abandon", reason="Reprise d'un emploi").status_code == 302
    case.refresh_from_db()
    assert (case.state, case.abandon_reason) == ("abandoned", "Reprise d'un emploi")


def test_a_manager_reopens_a_closed_bilan_from_its_page(client, world):
    case = _to(world["case"], "closed")
    manager_client = _csrf_client(world, "manager")
    detail = manager_client.get(reverse("web:case_detail", args=[case.pk])).content.decode()
    assert reverse("web:case_move", args=[case.pk, "reopen"]) in detail
    refused = _confirm(manager_client, case, "reopen", reason="")
    assert "Indiquez pourquoi le bilan est rouvert." in refused.content.decode()
    assert _confirm(manager_client, case, "reopen", reason="Clôturé par erreur").status_code == 302
    case.refresh_from_db()
    assert (case.state, case.ended_on, case.follow_up_on) == ("conclusion", None, None)
    transition = case.transitions.order_by("-at", "-id").first()
    assert (transition.from_state, transition.to_state, transition.actor) == ("closed", "conclusion", world["manager"])


def test_a_counsellor_has_no_reopen_button_and_is_refused(client, world):
    case = _to(world["case"], "closed")
    client.force_login(world["owner"])
    detail = client.get(reverse("web:case_detail", args=[case.pk])).content.decode()
    assert reverse("web:case_move", args=[case.pk, "reopen"]) not in detail
    assert client.get(reverse("web:case_move", args=[case.pk, "reopen"])).status_code == 403
    assert client.post(reverse("web:case_move", args=[case.pk, "reopen"]), {"reason": "x"}).status_code == 403
    case.refresh_from_db()
    assert case.state == "closed"


def test_an_unknown_move_is_not_found(client, world):
    client.force_login(world["owner"])
    assert client.get(reverse("web:case_move", args=[world["case"].pk, "sauter"])).status_code == 404


# --- A finished case offers no write form --------------------------------------------------------------


@pytest.mark.parametrize("state", ["closed", "abandoned"])
def test_a_finished_case_page_shows_no_write_form(client, world, state):
    case = _to(world["case"], "closed" if state == "closed" else "preliminary")
    if state == "abandoned":
        held_session(case, phase="preliminary")
        workflow.accompaniment_abandon(actor=case.counsellor, accompaniment=case, on=date(2026, 4, 1), reason="Départ")
    session = case.sessions.first()
    client.force_login(world["owner"])
    detail = client.get(reverse("web:case_detail", args=[case.pk])).content.decode()
    for url in (
        reverse("web:case_edit", args=[case.pk]),
        reverse("web:session_create", args=[case.pk]),
        reverse("web:consent_create", args=[case.pk]),
    ):
        assert url not in detail, url
    assert "Nouvel entretien" not in detail
    assert "Enregistrer la signature" not in detail
    assert ("Enregistrer le suivi" in detail) is (state == "closed")
    # The session page is read-only: no edit form that would fail on submit.
    session_page = client.get(reverse("web:session_edit", args=[case.pk, session.pk]))
    assert session_page.status_code == 200
    assert session_page.context["form"] is None


@pytest.mark.parametrize("page", ["case_edit", "session_create", "consent_create"])
def test_a_write_form_of_a_closed_case_says_why_instead_of_opening(client, world, page):
    case = _to(world["case"], "closed")
    client.force_login(world["owner"])
    response = client.get(reverse(f"web:{page}", args=[case.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("web:case_detail", args=[case.pk])
    assert "Ce bilan est « clôturé » : ses informations, entretiens" in response.content.decode()


def test_a_consent_can_still_be_withdrawn_after_closure(world):
    case = _to(world["case"], "closed")
    consent = case.consents.get(kind="bilan_agreement")
    client = _csrf_client(world, "owner")
    page = client.get(reverse("web:case_detail", args=[case.pk]))
    assert "Enregistrer le retrait" in page.content.decode()
    response = client.post(
        reverse("web:consent_withdraw", args=[case.pk, consent.pk]),
        {"on": "2026-06-02", "base_version": consent.version, "csrfmiddlewaretoken": page.context["csrf_token"]},
    )
    assert response.status_code == 302
    consent.refresh_from_db()
    assert consent.withdrawn_on == date(2026, 6, 2)
    assert Accompaniment.objects.get(pk=case.pk).state == "closed"
