"""PDF rendering with WeasyPrint from the same HTML templates as the pages."""

from datetime import date
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import timezone

from trajectoire.cases.attendance import bilan_period, french_day
from trajectoire.cases.models import Synthesis
from trajectoire.documents.appendix import build_appendix

PRINT_STYLESHEET = "css/synthesis-print.css"


# PDF/UA-1: a tagged PDF (structure tree, reading order, headings, alternative texts, document language and
# title) that screen readers can follow; the person keeps this document, so it has to be readable by everyone.
SYNTHESIS_PDF_VARIANT = "pdf/ua-1"


def _allowed_roots() -> tuple[Path, ...]:
    """The only folders a PDF may read files from: our static files and the uploaded media (centre logos)."""
    roots = [Path(settings.MEDIA_ROOT).resolve(), Path(finders.find(PRINT_STYLESHEET)).resolve().parent.parent]
    return tuple(roots)


@lru_cache(maxsize=1)
def _weasyprint():
    # Imported on use: WeasyPrint loads Pango at import time, which only PDF requests need.
    import weasyprint
    from weasyprint.urls import URLFetcher, URLFetchingError

    class LocalOnlyFetcher(URLFetcher):
        """A document of a person never triggers a network request, and reads no file outside our static files
        and media (an uploaded SVG logo cannot pull other files of the server into a PDF)."""

        def fetch(self, url, headers=None):
            if url.startswith("file:"):
                path = Path(url2pathname(urlsplit(url).path)).resolve()
                if not any(path.is_relative_to(root) for root in _allowed_roots()):
                    raise URLFetchingError(f"fichier hors des ressources du site refusé dans un PDF : {url}")
            elif not url.startswith("data:"):
                raise URLFetchingError(f"ressource externe refusée dans un PDF : {url}")
            return super().fetch(url, headers)

    return weasyprint, LocalOnlyFetcher


def centre_logo_url(centre) -> str:
    """The centre's logo as a file URL read from disk through the storage, or "" when unset or missing (the
    letterhead then shows the centre's name alone)."""
    if not centre.logo:
        return ""
    try:
        path = Path(centre.logo.path)
    except (NotImplementedError, ValueError):
        return ""
    return path.resolve().as_uri() if path.is_file() else ""


def synthesis_context(synthesis: Synthesis, *, recipient: str = "", printed_on: date | None = None) -> dict:
    case = synthesis.accompaniment
    appendix = build_appendix(case)
    return {
        "synthesis": synthesis,
        "case": case,
        "centre": case.centre,
        "beneficiary": case.beneficiary,
        "recipient": recipient,
        "appendix": appendix,
        "project_count": len(appendix.pistes),
        "period": bilan_period(case),
        "validated_on": french_day(synthesis.validated_on) if synthesis.validated_on else "",
        "logo_url": centre_logo_url(case.centre),
        "printed_on": french_day(printed_on or timezone.localdate()),
    }


def synthesis_html(synthesis: Synthesis, *, recipient: str = "", printed_on: date | None = None) -> str:
    return render_to_string(
        "documents/synthesis_pdf.html", synthesis_context(synthesis, recipient=recipient, printed_on=printed_on)
    )


def synthesis_pdf(synthesis: Synthesis, *, recipient: str = "", printed_on: date | None = None) -> bytes:
    weasyprint, fetcher = _weasyprint()
    html = synthesis_html(synthesis, recipient=recipient, printed_on=printed_on)
    stylesheet = weasyprint.CSS(filename=finders.find(PRINT_STYLESHEET))
    document = weasyprint.HTML(string=html, base_url=str(finders.find(PRINT_STYLESHEET)), url_fetcher=fetcher())
    return document.write_pdf(stylesheets=[stylesheet], pdf_variant=SYNTHESIS_PDF_VARIANT)


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
