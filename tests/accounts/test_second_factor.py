"""Adding or removing a second factor is told to the account by e-mail, through the task queue."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.accounts.test_authentication import enrolment_of
from tests.factories import CentreFactory, UserFactory, counsellor
from trajectoire.accounts.enums import AuditAction
from trajectoire.accounts.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def claire():
    return counsellor(CentreFactory(), email="claire.martin@exemple.fr", first_name="Claire")


def _code(device) -> str:
    return f"{totp(device.bin_key):06d}"


def _browser(user, address="198.51.100.10"):
    browser = Client(enforce_csrf_checks=True, REMOTE_ADDR=address)
    browser.force_login(user)
    return browser


def _post(browser, url, data):
    token = browser.get(url).context["csrf_token"]
    return browser.post(url, {"csrfmiddlewaretoken": token, **data})


def test_enrolling_a_device_sends_an_email_saying_what_when_and_from_where(
    claire, settings, django_capture_on_commit_callbacks
):
    settings.REQUIRE_2FA = True
    browser = _browser(claire)
    url = reverse("web:otp_setup")
    page = browser.get(url)
    token = page.context["csrf_token"]
    enrolment, key = enrolment_of(page)
    with django_capture_on_commit_callbacks(execute=True):
        response = browser.post(
            url, {"csrfmiddlewaretoken": token, "token": f"{totp(key):06d}", "enrolment": enrolment}
        )
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["claire.martin@exemple.fr"]
    assert "double authentification activée" in message.subject
    assert "Bonjour Claire," in message.body
    assert "a été ajoutée comme second facteur" in message.body
    assert "198.51.100.10" in message.body
    assert "(heure de Paris)" in message.body
    assert "/mot-de-passe/oubli/" in message.body
    assert "Si ce n'est pas vous" in message.body
    assert AuditEvent.objects.filter(action=AuditAction.SECURITY, object_type="otp_totp.totpdevice").count() == 1


def test_a_wrong_first_code_confirms_nothing_and_sends_nothing(claire, django_capture_on_commit_callbacks):
    browser = _browser(claire)
    url = reverse("web:otp_setup")
    page = browser.get(url)
    token = page.context["csrf_token"]
    enrolment, key = enrolment_of(page)
    wrong = "000000" if totp(key) != 0 else "111111"
    with django_capture_on_commit_callbacks(execute=True):
        response = browser.post(url, {"csrfmiddlewaretoken": token, "token": wrong, "enrolment": enrolment})
    assert response.status_code == 200
    assert not TOTPDevice.objects.filter(user=claire).exists()
    assert mail.outbox == []


def test_removing_the_device_with_a_current_code_deletes_it_and_sends_an_email(
    claire, settings, django_capture_on_commit_callbacks
):
    settings.TRUSTED_PROXY_COUNT = 1
    device = TOTPDevice.objects.create(user=claire, name="Téléphone", confirmed=True)
    browser = Client(enforce_csrf_checks=True, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.7")
    browser.force_login(claire)
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(browser, reverse("web:otp_remove"), {"token": _code(device)})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=claire).exists()
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert "double authentification retirée" in mail.outbox[0].subject
    assert "n'est plus protégé que par son mot de passe" in body
    assert "203.0.113.7" in body and "10.0.0.2" not in body


def test_a_wrong_code_removes_nothing(claire, django_capture_on_commit_callbacks):
    device = TOTPDevice.objects.create(user=claire, confirmed=True)
    browser = _browser(claire)
    wrong = "000000" if _code(device) != "000000" else "111111"
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(browser, reverse("web:otp_remove"), {"token": wrong})
    assert response.status_code == 200
    assert "Ce code n&#x27;est pas valide" in response.content.decode()
    assert TOTPDevice.objects.filter(user=claire, confirmed=True).exists()
    assert mail.outbox == []


def test_without_a_device_the_page_offers_to_enrol(claire):
    response = _browser(claire).get(reverse("web:otp_remove"))
    assert response.status_code == 200
    assert "pas activée" in response.content.decode()
    assert reverse("web:otp_setup") in response.content.decode()


def test_the_email_goes_through_the_task_queue_not_the_request(claire, settings, django_capture_on_commit_callbacks):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    device = TOTPDevice.objects.create(user=claire, confirmed=True)
    with django_capture_on_commit_callbacks(execute=True):
        _post(_browser(claire), reverse("web:otp_remove"), {"token": _code(device)})
    assert mail.outbox == []
    from django_tasks import default_task_backend

    [result] = default_task_backend.results
    assert result.task.name == "send_second_factor_notice"
    assert result.kwargs["user_id"] == claire.pk and result.kwargs["change"] == "removed"


def test_a_device_deleted_in_the_admin_is_told_to_its_owner_once(claire, django_capture_on_commit_callbacks):
    # A lost phone: the platform's operator deletes the device in /admin/.
    operator = UserFactory(email="exploitation@exemple.fr", is_staff=True, is_superuser=True)
    device = TOTPDevice.objects.create(user=claire, name="Téléphone perdu", confirmed=True)
    admin = Client(REMOTE_ADDR="192.0.2.44")
    admin.force_login(operator)
    url = reverse("admin:otp_totp_totpdevice_delete", args=[device.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(url, {"post": "yes"})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(pk=device.pk).exists()
    assert [m.to for m in mail.outbox] == [["claire.martin@exemple.fr"]]
    assert "192.0.2.44" in mail.outbox[0].body
    event = AuditEvent.objects.get(action=AuditAction.SECURITY, object_id=str(device.pk))
    assert event.actor == operator


def test_an_unconfirmed_enrolment_abandoned_and_deleted_tells_nobody(claire, django_capture_on_commit_callbacks):
    device = TOTPDevice.objects.create(user=claire, confirmed=False)
    with django_capture_on_commit_callbacks(execute=True):
        device.delete()
    assert mail.outbox == []
