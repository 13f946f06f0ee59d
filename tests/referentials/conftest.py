import pytest

from tests.referentials.helpers import ROME_V460, TENSION
from trajectoire.referentials.importers.rome import default_rome_dir, find_rome_files, parse_rome, rome_import
from trajectoire.referentials.importers.tension import tension_import
from trajectoire.referentials.search import clear_index_cache, index_from_rome_data


@pytest.fixture(autouse=True)
def _fresh_search_cache():
    # The index cache is per process; tests import different sets into fresh databases.
    clear_index_cache()
    yield
    clear_index_cache()


@pytest.fixture
def rome_v460(db):
    """The four-occupation fixture set (J1501, F1602, N1103, N1110) imported."""
    return rome_import(directory=ROME_V460)


@pytest.fixture
def tension_2021(rome_v460):
    return tension_import(directory=TENSION)


@pytest.fixture(scope="session")
def real_index():
    """Search index built straight from the shipped ROME files, without a database (a few seconds, once)."""
    return index_from_rome_data(parse_rome(find_rome_files(default_rome_dir())))
