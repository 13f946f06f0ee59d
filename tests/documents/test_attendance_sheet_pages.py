"""The attendance sheet over several pages: the table's header repeats, its total does not. A total under the
first page's rows would state hours those rows do not add up to."""

from datetime import UTC, datetime, timedelta
from io import BytesIO

from pypdf import PdfReader

from tests import factories
from tests.cases.test_attendance import signature
from trajectoire.cases.attendance import attendance_sign_on_site
from trajectoire.cases.services import session_mark_held
from trajectoire.documents.pdf import attendance_sheet_pdf

NOW = datetime(2026, 11, 30, 17, 0, tzinfo=UTC)


def test_the_total_of_hours_held_is_printed_once_on_the_last_page(db):
    case = factories.AccompanimentFactory(state="investigation")
    for week in range(8):
        session = factories.SessionFactory(
            accompaniment=case,
            starts_at=NOW - timedelta(weeks=8 - week),
            duration_minutes=120,
            phase="investigation",
        )
        session_mark_held(actor=case.counsellor, session=session, held_minutes=90, now=NOW)
        attendance_sign_on_site(
            actor=case.counsellor,
            session=session,
            signature_svg=signature(),
            counsellor_signature_svg=signature(x=30),
            now=NOW,
        )

    pages = [" ".join(page.extract_text().split()) for page in PdfReader(BytesIO(attendance_sheet_pdf(case))).pages]

    assert len(pages) >= 2, "eight signed sessions should need more than one page"
    assert all("Durée réelle" in page for page in pages[:-1]), "the table's header repeats on each page"
    text = " ".join(pages)
    assert text.count("Total des heures réalisées") == 1
    # Once, after the last session's row: 8 × 1 h 30.
    assert text.index("Total des heures réalisées 12 h") > text.rindex("23 novembre 2026")
