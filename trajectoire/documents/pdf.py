"""PDF rendering with WeasyPrint from the same HTML templates as the pages."""

from functools import lru_cache

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import timezone

from trajectoire.cases.models import Synthesis

PRINT_STYLESHEET = "css/synthesis-print.css"


@lru_cache(maxsize=1)
def _weasyprint():
    # Imported on use: WeasyPrint loads Pango at import time, which only PDF requests need.
    import weasyprint
    from weasyprint.urls import URLFetcher, URLFetchingError

    class LocalOnlyFetcher(URLFetcher):
        """A document of a person never triggers a network request."""

        def fetch(self, url, headers=None):
            if not url.startswith(("file:", "data:")):
                raise URLFetchingError(f"ressource externe refusée dans un PDF : {url}")
            return super().fetch(url, headers)

    return weasyprint, LocalOnlyFetcher


def synthesis_pdf(synthesis: Synthesis, *, recipient: str = "") -> bytes:
    weasyprint, fetcher = _weasyprint()
    case = synthesis.accompaniment
    html = render_to_string(
        "documents/synthesis_pdf.html",
        {
            "synthesis": synthesis,
            "case": case,
            "centre": case.centre,
            "beneficiary": case.beneficiary,
            "recipient": recipient,
            "printed_on": timezone.localdate(),
        },
    )
    stylesheet = weasyprint.CSS(filename=finders.find(PRINT_STYLESHEET))
    document = weasyprint.HTML(string=html, base_url=str(finders.find(PRINT_STYLESHEET)), url_fetcher=fetcher())
    return document.write_pdf(stylesheets=[stylesheet])


ATTENDANCE_STYLESHEET = "css/attendance-print.css"


def attendance_sheet_pdf(accompaniment) -> bytes:
    """Feuille d'émargement of a case: every held session, its real duration and both proofs of presence."""
    from trajectoire import formatting
    from trajectoire.cases.attendance import attendance_sheet, bilan_period, french_day

    weasyprint, fetcher = _weasyprint()
    rows, total = attendance_sheet(accompaniment)
    html = render_to_string(
        "documents/attendance_pdf.html",
        {
            "case": accompaniment,
            "centre": accompaniment.centre,
            "beneficiary": accompaniment.beneficiary,
            "rows": rows,
            "total_held": formatting.duration(total),
            "period": bilan_period(accompaniment),
            "printed_on": french_day(timezone.localdate()),
        },
    )
    stylesheet = weasyprint.CSS(filename=finders.find(ATTENDANCE_STYLESHEET))
    document = weasyprint.HTML(string=html, base_url=str(finders.find(ATTENDANCE_STYLESHEET)), url_fetcher=fetcher())
    return document.write_pdf(stylesheets=[stylesheet])
