"""The matching engine, loaded once per process and shared by every request (it takes ~2 s)."""

from functools import lru_cache


@lru_cache(maxsize=1)
def get_engine():
    from trajectoire.matching import Engine, default_data_dir

    return Engine.from_dir(default_data_dir())
