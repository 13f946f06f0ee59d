"""The restore drill compares fingerprints: a lost or altered row must change it."""

import io
import json

from django.core.management import call_command

from tests import factories


def fingerprint() -> dict:
    out = io.StringIO()
    call_command("db_fingerprint", stdout=out)
    return json.loads(out.getvalue())["tables"]


def test_a_changed_or_lost_row_changes_the_fingerprint(db):
    first = factories.BeneficiaryFactory(first_name="Aïcha", last_name="Benali")
    factories.BeneficiaryFactory(first_name="Karim", last_name="Durand")
    before = fingerprint()
    assert before["cases.beneficiary"]["rows"] == 2
    assert fingerprint() == before

    first.phone = "06 12 34 56 78"
    first.save()
    altered = fingerprint()
    assert altered["cases.beneficiary"]["sample_sha256"] != before["cases.beneficiary"]["sample_sha256"]

    first.delete()
    assert fingerprint()["cases.beneficiary"]["rows"] == 1
