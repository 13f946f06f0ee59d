import pytest
from django.core import mail, signing
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests import factories
from tests.factories import PASSWORD, CentreFactory, counsellor
from trajectoire.web.auth.views import ENROLMENT_SALT

pytestmark = pytest.mark.django_db


@pytest.fixture
def user():
    return counsellor(CentreFactory(), email="claire.martin@exemple.fr")


def _login(client, email, password=PASSWORD):
    return client.post(reverse("web:login"), {"username": email, "password": password})


def test_the_login_page_is_in_french(client):
    page = client.get(reverse("web:login"))
    content = page.content.decode()
    assert '<html lang="fr">' in content
    assert "Adresse e-mail" in content
    assert "Se connecter" in content


def test_login_is_by_email_whatever_its_case(client, user):
    response = _login(client, "Claire.Martin@Exemple.fr")
    assert response.status_code == 302
    assert response.url == reverse("web:home")


def test_a_wrong_password_is_refused_with_a_french_message(client, user):
    response = _login(client, user.email, "mauvais")
    assert response.status_code == 200
    assert "Adresse e-mail ou mot de passe incorrect" in response.content.decode()


def test_repeated_failures_lock_the_account_out(client, user, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, user.email, "mauvais")
    response = _login(client, user.email, PASSWORD)
    assert response.status_code == 429
    assert "Connexion temporairement bloquée" in response.content.decode()


def test_pages_need_a_login(client):
    response = client.get(reverse("web:home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("web:login"))


@pytest.fixture
def require_2fa(settings):
    settings.REQUIRE_2FA = True


def test_with_2fa_required_a_user_without_device_must_enrol_first(client, user, require_2fa):
    client.force_login(user)
    response = client.get(reverse("web:home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("web:otp_setup"))
    page = client.get(reverse("web:otp_setup"))
    assert "<svg" in page.content.decode()


def enrolment_of(page) -> tuple[str, bytes]:
    """The signed key the setup page put in its form, and the key itself (as the phone app reads it)."""
    enrolment = page.context["enrolment"]
    key = signing.loads(enrolment, salt=ENROLMENT_SALT)["key"]
    return enrolment, bytes.fromhex(key)


def test_an_enrolment_signed_for_another_account_is_refused(client, user, require_2fa):
    other = factories.UserFactory()
    client.force_login(other)
    enrolment, key = enrolment_of(client.get(reverse("web:otp_setup")))
    client.force_login(user)
    response = client.post(reverse("web:otp_setup"), {"token": f"{totp(key):06d}", "enrolment": enrolment})
    assert response.status_code == 200
    assert "Ce code QR a expiré" in response.content.decode()
    assert not TOTPDevice.objects.exists()


def test_enrolment_confirms_the_device_with_a_valid_code(client, user, require_2fa):
    client.force_login(user)
    page = client.get(reverse("web:otp_setup"))
    assert not TOTPDevice.objects.filter(user=user).exists()  # opening the page writes nothing
    enrolment, key = enrolment_of(page)
    response = client.post(reverse("web:otp_setup"), {"token": f"{totp(key):06d}", "enrolment": enrolment})
    assert response.status_code == 302
    device = TOTPDevice.objects.get(user=user)
    assert device.confirmed
    assert client.get(reverse("web:home")).status_code == 200


def test_with_a_device_the_code_is_asked_and_a_wrong_code_refused(client, user, require_2fa):
    device = TOTPDevice.objects.create(user=user, confirmed=True)
    client.force_login(user)
    assert client.get(reverse("web:home")).url.startswith(reverse("web:otp_verify"))
    wrong = client.post(reverse("web:otp_verify"), {"token": "000000" if totp(device.bin_key) else "111111"})
    assert "Ce code n&#x27;est pas valide" in wrong.content.decode()
    device.throttle_reset()  # django-otp delays the next try after a failure
    right = client.post(reverse("web:otp_verify"), {"token": f"{totp(device.bin_key):06d}"})
    assert right.status_code == 302
    assert client.get(reverse("web:home")).status_code == 200


def test_without_2fa_required_no_code_is_asked(client, user):
    client.force_login(user)
    assert client.get(reverse("web:home")).status_code == 200


def test_password_reset_sends_a_french_email_through_the_task_queue(client, user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("web:password_reset"), {"email": user.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [user.email]
    assert "réinitialisation" in message.subject
    assert "/mot-de-passe/nouveau/" in message.body


def test_password_reset_for_an_unknown_address_sends_nothing_and_reveals_nothing(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("web:password_reset"), {"email": "inconnu@exemple.fr"})
    assert response.status_code == 302
    assert mail.outbox == []


def test_logout_needs_a_post_and_ends_the_session(client, user):
    client.force_login(user)
    client.post(reverse("web:logout"))
    assert client.get(reverse("web:home")).status_code == 302
