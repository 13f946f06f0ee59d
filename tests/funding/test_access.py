"""The funnel of stored evaluations, and the house conventions applied to the funding app."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from tests.factories import AccompanimentFactory, BeneficiaryFactory, CentreFactory, UserFactory, counsellor, manager
from trajectoire.funding.access import get_scheme_evaluation_for_user
from trajectoire.funding.models import SchemeEvaluation
from trajectoire.funding.services import scheme_evaluation_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    centre = CentreFactory()
    owner = counsellor(centre)
    case = AccompanimentFactory(beneficiary=BeneficiaryFactory(centre=centre, counsellor=owner), counsellor=owner)
    record = scheme_evaluation_create(
        actor=owner, accompaniment=case, facts={"status": "salarie_prive"}, on=date(2026, 3, 2)
    )
    return {
        "record": record,
        "owner": owner,
        "manager": manager(centre),
        "colleague": counsellor(centre),
        "other_centre": counsellor(CentreFactory()),
        "analyst": UserFactory(is_network_analyst=True),
    }


@pytest.mark.parametrize("who", ["owner", "manager"])
def test_the_case_counsellor_and_the_manager_read_and_write(world, who):
    record = world["record"]
    assert get_scheme_evaluation_for_user(world[who], record.pk) == record
    assert get_scheme_evaluation_for_user(world[who], record.pk, write=True) == record
    assert list(SchemeEvaluation.objects.visible_to(world[who])) == [record]


@pytest.mark.parametrize("who", ["colleague", "other_centre", "analyst"])
def test_anyone_else_gets_404(world, who):
    with pytest.raises(Http404):
        get_scheme_evaluation_for_user(world[who], world["record"].pk)
    assert not SchemeEvaluation.objects.visible_to(world[who]).exists()


def test_a_co_counsellor_reads_it_too(world):
    helper = counsellor(world["record"].accompaniment.centre)
    world["record"].accompaniment.co_counsellors.add(helper)
    assert get_scheme_evaluation_for_user(helper, world["record"].pk, write=True) == world["record"]


def test_a_reader_who_may_not_write_gets_403(world, monkeypatch):
    monkeypatch.setattr("trajectoire.cases.access.can_write_accompaniment", lambda user, case: False)
    assert get_scheme_evaluation_for_user(world["owner"], world["record"].pk)
    with pytest.raises(PermissionDenied):
        get_scheme_evaluation_for_user(world["owner"], world["record"].pk, write=True)
