"""The typography layer as users meet it: pages, a case's name and the CSV export (trajectoire/formatting.py)."""

import csv
import io
from datetime import date
from decimal import Decimal

from django.template import Context, Template
from django.urls import reverse

from tests import factories

NNBSP, NBSP = "\u202f", "\u00a0"


def test_the_case_page_writes_a_price_of_1890_as_french_euros(client, db):
    centre = factories.CentreFactory()
    owner = factories.counsellor(centre)
    case = factories.AccompanimentFactory(
        beneficiary=factories.BeneficiaryFactory(centre=centre, first_name="Aïcha", last_name="Diallo"),
        counsellor=owner,
        price_eur=Decimal("1890"),
        planned_hours=Decimal("24.0"),
    )
    client.force_login(owner)
    html = client.get(reverse("web:case_detail", args=[case.pk])).content.decode()
    assert f"1{NNBSP}890,00{NBSP}€" in html
    assert "1890,00" not in html and "1890.00" not in html
    assert f"24{NBSP}h prévues" in html and "24,0 h" not in html
    assert "Bilan de compétences d’Aïcha Diallo" in html


def test_the_filters_write_hours_durations_plurals_and_elisions():
    rendered = Template(
        "{% load trajectoire %}{{ price|euros }}|{{ minutes|duration }}|{{ held|hours_value }}|"
        '{{ one|plural:"compétence,compétences" }}|{{ three|plural:"nouvelle compétence,nouvelles compétences" }}|'
        "{{ name|de_name }}"
    ).render(Context({"price": 1890, "minutes": 480, "held": Decimal("2.5"), "one": 1, "three": 3, "name": "Aïcha"}))
    assert rendered.split("|") == [
        f"1{NNBSP}890,00{NBSP}€",
        f"8{NBSP}h",
        f"2{NBSP}h{NBSP}30",
        f"1{NBSP}compétence",
        f"3{NBSP}nouvelles compétences",
        "d’Aïcha",
    ]


def test_a_case_is_named_with_elision(db):
    aicha = factories.AccompanimentFactory(beneficiary=factories.BeneficiaryFactory(first_name="Aïcha"))
    karim = factories.AccompanimentFactory(beneficiary=factories.BeneficiaryFactory(first_name="Karim"))
    assert str(aicha) == f"bilan de compétences d’{aicha.beneficiary.full_name}"
    assert str(karim) == f"bilan de compétences de {karim.beneficiary.full_name}"


def test_the_cases_csv_is_french_for_spreadsheets(client, db):
    centre = factories.CentreFactory()
    factories.AccompanimentFactory(
        beneficiary=factories.BeneficiaryFactory(centre=centre, last_name="Lefèvre"),
        price_eur=Decimal("1890"),
        planned_start=date(2026, 3, 2),
    )
    client.force_login(factories.manager(centre))
    body = client.get(reverse("web:centre_cases_csv")).content
    assert body.startswith("\ufeff".encode())  # UTF-8 BOM: Excel reads the accents
    header, row = list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))[:2]
    assert row[header.index("bénéficiaire")].endswith("Lefèvre")
    assert row[header.index("prix (€)")] == "1890,00"  # decimal comma, no separator that would make it text
    assert row[header.index("heures prévues")] == "24,00"
    assert row[header.index("début prévu")] == "02/03/2026"
