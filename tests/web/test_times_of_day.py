"""Times of day read the French way on the home page, the case page and the session page, as the agenda and the
attendance sheet already write them: « 9 h 30 », « 14 h », never « 09:30 »; the first of the month is « 1er »."""

import html as htmllib
from datetime import UTC, date, datetime, timedelta

from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone

from tests import factories
from trajectoire.cases.services import session_mark_held

NBSP = "\u00a0"


def _text(response) -> str:
    assert response.status_code == 200
    return htmllib.unescape(response.content.decode())


def test_the_clock_and_long_date_filters_write_paris_time_in_french():
    rendered = Template("{% load trajectoire %}{{ a|clock }}|{{ b|clock }}|{{ a|long_date }}|{{ none|clock }}").render(
        Context({"a": datetime(2026, 12, 1, 8, 30, tzinfo=UTC), "b": datetime(2026, 11, 20, 13, 0, tzinfo=UTC)})
    )
    assert rendered.split("|") == [f"9{NBSP}h{NBSP}30", f"14{NBSP}h", "1er décembre 2026", ""]


def test_the_case_and_session_pages_write_the_time_of_a_session_the_french_way(client, db):
    centre = factories.CentreFactory()
    owner = factories.counsellor(centre, first_name="Claire", last_name="Martin")
    case = factories.AccompanimentFactory(
        beneficiary=factories.BeneficiaryFactory(centre=centre, counsellor=owner, first_name="Aïcha"),
        counsellor=owner,
        state="preliminary",
    )
    # 1 December 2026, 9:30 in Paris; marked held at 11:20 the same day.
    session = factories.SessionFactory(
        accompaniment=case, starts_at=datetime(2026, 12, 1, 8, 30, tzinfo=UTC), duration_minutes=120
    )
    session_mark_held(actor=owner, session=session, held_minutes=110, now=datetime(2026, 12, 1, 10, 20, tzinfo=UTC))
    client.force_login(owner)

    page = _text(client.get(reverse("web:case_detail", args=[case.pk])))
    assert f"mardi 1er décembre 2026, 9{NBSP}h{NBSP}30 · durée prévue" in page
    assert f"noté le 01/12/2026 à 11{NBSP}h{NBSP}20" in page
    assert "09:30" not in page and "11:20" not in page

    page = _text(client.get(reverse("web:session_edit", args=[case.pk, session.pk])))
    assert f"l'entretien du 01/12/2026 à 9{NBSP}h{NBSP}30" in page
    assert "à 09:30" not in page  # the date field's own value keeps the ISO form browsers read


def test_the_home_page_lists_the_next_sessions_with_french_times(client, db):
    centre = factories.CentreFactory()
    owner = factories.counsellor(centre, first_name="Claire")
    case = factories.AccompanimentFactory(
        beneficiary=factories.BeneficiaryFactory(centre=centre, counsellor=owner, last_name="Diallo"),
        counsellor=owner,
        state="preliminary",
    )
    tomorrow = timezone.localtime() + timedelta(days=1)
    factories.SessionFactory(accompaniment=case, starts_at=tomorrow.replace(hour=14, minute=0, second=0))
    client.force_login(owner)
    page = _text(client.get(reverse("web:home")))
    weekday = ["lun", "mar", "mer", "jeu", "ven", "sam", "dim"][tomorrow.weekday()]
    assert f"{weekday}. {tomorrow.day}/{tomorrow:%m} 14{NBSP}h — " in page  # « ven. 4/12 14 h »
    assert "14:00" not in page


def test_the_referential_and_the_person_page_write_the_first_of_the_month_as_1er(client, db):
    centre = factories.CentreFactory()
    owner = factories.counsellor(centre)
    person = factories.BeneficiaryFactory(centre=centre, counsellor=owner)
    type(person).objects.filter(pk=person.pk).update(created_at=datetime(2026, 12, 1, 9, 0, tzinfo=UTC))
    client.force_login(owner)
    page = _text(client.get(reverse("web:beneficiary_detail", args=[person.pk])))
    assert "1er décembre 2026" in page and "1 décembre 2026" not in page
    assert (
        Template("{% load trajectoire %}{{ day|long_date }}").render(Context({"day": date(2025, 9, 1)}))
        == "1er septembre 2025"
    )
