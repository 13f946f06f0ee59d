import pytest
from django.urls import reverse

from tests.factories import BeneficiaryFactory, CentreFactory, counsellor
from trajectoire.accounts.models import AuditEvent
from trajectoire.cases.models import Beneficiary

pytestmark = pytest.mark.django_db


@pytest.fixture
def centre():
    return CentreFactory()


@pytest.fixture
def user(centre):
    return counsellor(centre)


@pytest.fixture
def logged(client, user):
    client.force_login(user)
    return client


def _payload(**overrides):
    data = {
        "first_name": "Aïcha",
        "last_name": "Diallo",
        "email": "Aicha.Diallo@Exemple.fr",
        "phone": "06.45.67.89.01",
        "birth_year": "1994",
        "postal_code": "31500",
        "employment_status": "job_seeker",
        "counsellor": "",
    }
    data.update(overrides)
    return data


def test_a_counsellor_creates_a_beneficiary_and_it_is_audited(logged, centre, user):
    response = logged.post(reverse("web:beneficiary_create"), _payload(counsellor=user.pk))
    beneficiary = Beneficiary.objects.get()
    assert response.url == reverse("web:beneficiary_detail", args=[beneficiary.pk])
    assert beneficiary.centre == centre
    assert beneficiary.email == "aicha.diallo@exemple.fr"
    assert beneficiary.phone == "06 45 67 89 01"
    event = AuditEvent.objects.get(action="create")
    assert (event.actor, event.centre, event.object_id) == (user, centre, str(beneficiary.pk))


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("phone", "12345", "numéro de téléphone français"),
        ("postal_code", "3100", "code postal français"),
        ("postal_code", "99000", "code postal français"),
        ("birth_year", "1890", "année de naissance entre"),
        ("birth_year", "2024", "année de naissance entre"),
        ("first_name", "", "Ce champ est obligatoire"),
        ("email", "pas-une-adresse", "adresse de courriel valide"),
    ],
)
def test_invalid_input_is_refused_in_french_next_to_the_field_and_nothing_is_saved(logged, field, value, message):
    response = logged.post(reverse("web:beneficiary_create"), _payload(**{field: value}))
    assert response.status_code == 200
    assert any(message in error for error in response.context["form"].errors[field])
    assert "Le formulaire contient des erreurs" in response.content.decode()
    assert Beneficiary.objects.count() == 0
    assert AuditEvent.objects.count() == 0


def test_a_duplicate_email_in_the_centre_is_refused_with_a_link_to_the_existing_record(logged, centre):
    existing = BeneficiaryFactory(centre=centre, email="aicha.diallo@exemple.fr")
    response = logged.post(reverse("web:beneficiary_create"), _payload())
    assert response.status_code == 200
    link = reverse("web:beneficiary_detail", args=[existing.pk])
    assert f'<a href="{link}">' in response.content.decode()
    assert Beneficiary.objects.count() == 1


def test_the_same_email_is_allowed_in_another_centre(logged):
    BeneficiaryFactory(centre=CentreFactory(), email="aicha.diallo@exemple.fr")
    response = logged.post(reverse("web:beneficiary_create"), _payload())
    assert response.status_code == 302


def test_viewing_a_record_is_audited_without_its_content(logged, centre, user):
    beneficiary = BeneficiaryFactory(centre=centre, counsellor=user, last_name="Carpentier", phone="07 81 22 33 44")
    logged.get(reverse("web:beneficiary_detail", args=[beneficiary.pk]))
    event = AuditEvent.objects.get(action="view")
    stored = " ".join(str(v) for v in AuditEvent.objects.values().get().values())
    assert event.object_type == "cases.beneficiary"
    assert "Carpentier" not in stored
    assert "07 81" not in stored


def test_an_update_records_the_changed_field_names_only(logged, centre, user):
    beneficiary = BeneficiaryFactory(centre=centre, counsellor=user, postal_code="31200")
    payload = _payload(
        first_name=beneficiary.first_name,
        last_name=beneficiary.last_name,
        email=beneficiary.email,
        phone=beneficiary.phone,
        birth_year=beneficiary.birth_year,
        postal_code="31400",
        employment_status=beneficiary.employment_status,
        counsellor=user.pk,
        base_version=beneficiary.version,
    )
    logged.post(reverse("web:beneficiary_edit", args=[beneficiary.pk]), payload)
    event = AuditEvent.objects.get(action="update")
    assert event.fields == ["postal_code"]
    assert "31400" not in str(event.fields)


def test_search_matches_names_whatever_the_words_order(logged, centre, user):
    BeneficiaryFactory(centre=centre, first_name="Julie", last_name="Carpentier")
    BeneficiaryFactory(centre=centre, first_name="Kevin", last_name="Lambert")
    response = logged.get(reverse("web:beneficiary_list"), {"q": "carpentier julie"})
    names = [b.last_name for b in response.context["page"].object_list]
    assert names == ["Carpentier"]


def test_search_through_htmx_returns_only_the_results_fragment(logged, centre):
    BeneficiaryFactory(centre=centre, last_name="Lambert")
    response = logged.get(reverse("web:beneficiary_list"), {"q": "lamb"}, HTTP_HX_REQUEST="true")
    content = response.content.decode()
    assert "<html" not in content
    assert "LAMBERT" in content


def test_the_home_page_lists_my_beneficiaries_only(logged, centre, user):
    BeneficiaryFactory(centre=centre, counsellor=user, last_name="Haddad")
    BeneficiaryFactory(centre=centre, counsellor=counsellor(centre), last_name="Moreau")
    content = logged.get(reverse("web:home")).content.decode()
    assert "HADDAD" in content
    assert "MOREAU" not in content


def test_a_counsellor_of_two_centres_switches_between_them(client, centre, user):
    other = CentreFactory(name="CIBC Bretagne")
    from trajectoire.accounts.services import membership_grant

    membership_grant(user=user, centre=other, role="counsellor")
    BeneficiaryFactory(centre=other, last_name="Kerjean")
    client.force_login(user)
    client.post(reverse("web:switch_centre"), {"centre": other.pk})
    response = client.get(reverse("web:beneficiary_list"))
    assert [b.last_name for b in response.context["page"].object_list] == ["Kerjean"]


def test_switching_to_a_centre_one_does_not_belong_to_is_refused(client, user):
    stranger = CentreFactory()
    client.force_login(user)
    client.post(reverse("web:switch_centre"), {"centre": stranger.pk})
    response = client.get(reverse("web:home"))
    assert response.wsgi_request.membership.centre != stranger
