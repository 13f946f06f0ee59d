import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from trajectoire.accounts.models import Centre, Membership, User
from trajectoire.cases.models import Accompaniment, Beneficiary

pytestmark = pytest.mark.django_db


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


def test_load_demo_adds_bilans_in_every_state_and_one_closed_with_a_validated_synthesis():
    call_command("load_demo", "--quiet-logins")
    call_command("load_demo", "--quiet-logins")
    states = set(Accompaniment.objects.values_list("state", flat=True))
    assert states == {"request", "preliminary", "investigation", "conclusion", "closed", "abandoned"}
    closed = Accompaniment.objects.get(state="closed")
    assert closed.synthesis.is_validated
    assert closed.follow_up_on is not None
    assert Accompaniment.objects.count() == 7
