"""A form sent after the session expired: logging in leads back to the page that held the form, not to the form's
POST-only address (opened by GET it answered 405 with an empty body, a browser error page), and the person is told
that nothing was recorded."""

from datetime import timedelta

from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests import factories
from tests.factories import PASSWORD
from trajectoire.cases.models import Session


def _world():
    centre = factories.CentreFactory()
    owner = factories.counsellor(centre, email="claire.martin@exemple.fr")
    case = factories.AccompanimentFactory(
        beneficiary=factories.BeneficiaryFactory(centre=centre, counsellor=owner),
        counsellor=owner,
        state="preliminary",
    )
    session = factories.SessionFactory(accompaniment=case, starts_at=timezone.now() + timedelta(days=3))
    return owner, case, session


def test_a_form_sent_after_the_session_expired_leads_back_to_its_page_after_login(db):
    owner, case, session = _world()
    client = Client()
    case_page = reverse("web:case_detail", args=[case.pk])
    response = client.post(
        reverse("web:session_cancel", args=[case.pk, session.pk]),
        {"cancelled_by": "beneficiary", "status_reason": "Empêchement"},
        HTTP_REFERER=f"http://testserver{case_page}?onglet=entretiens",
    )
    assert response.status_code == 302
    assert response.url == f"{reverse('web:login')}?next={case_page}%3Fonglet%3Dentretiens"
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Votre session a expiré : rien n'a été enregistré. Reconnectez-vous, puis refaites l'action."
    ]
    assert Session.objects.get(pk=session.pk).status == "planned"

    # Logging in from that page opens the case page, which a browser can show.
    login = client.post(response.url, {"username": owner.email, "password": PASSWORD}, follow=True)
    assert login.status_code == 200
    assert login.redirect_chain[-1][0] == f"{case_page}?onglet=entretiens"


def test_without_a_usable_referer_the_login_leads_home(db):
    _, case, session = _world()
    target = reverse("web:session_cancel", args=[case.pk, session.pk])
    for referer in (None, "https://ailleurs.example/accompagnements/1/", f"http://testserver{target}"):
        extra = {"HTTP_REFERER": referer} if referer else {}
        response = Client().post(target, {}, **extra)
        assert response.status_code == 302
        assert response.url == f"{reverse('web:login')}?next={reverse('web:home')}"


def test_an_anonymous_get_still_comes_back_to_the_page_asked_for(db):
    _, case, _ = _world()
    page = reverse("web:case_detail", args=[case.pk])
    response = Client().get(page)
    assert response.status_code == 302
    assert response.url == f"{reverse('web:login')}?next={page}"
