import pytest

from trajectoire.engines import get_engine
from trajectoire.matching import Engine


@pytest.fixture(scope="session")
def engine() -> Engine:
    # The process-wide engine (about 2.5 s to load), so that a test worker loads the data once for the pure
    # tests and the views alike.
    return get_engine()


@pytest.fixture(scope="session")
def items_of(engine):
    def items(code: str) -> list[str]:
        return [engine.item_codes[j] for j in engine.coherence[engine.index[code]].indices]

    return items
