"""Paths of the small fixture sets and helpers shared by the referential tests (tests/web included)."""

from pathlib import Path

from trajectoire.referentials.importers.rome import rome_import
from trajectoire.referentials.importers.tension import tension_import

FIXTURES = Path(__file__).parent / "fixtures"
ROME_V460 = FIXTURES / "rome" / "v460"
ROME_V461 = FIXTURES / "rome" / "v461"
TENSION = FIXTURES / "tension"


def import_fixture_referentials(*, tension: bool = True):
    """Import the four-occupation ROME set (J1501, F1602, N1103, N1110) and, optionally, its tension."""
    result = rome_import(directory=ROME_V460)
    if tension:
        tension_import(directory=TENSION)
    return result
