import pytest

from trajectoire.matching import Engine


@pytest.fixture(scope="session")
def engine() -> Engine:
    # Loaded once for the whole session: loading takes about 2.5 s.
    return Engine.from_dir()


@pytest.fixture(scope="session")
def items_of(engine):
    def items(code: str) -> list[str]:
        return [engine.item_codes[j] for j in engine.coherence[engine.index[code]].indices]

    return items
