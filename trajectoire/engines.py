"""Process-wide instances of the pure engines: loaded once per process, shared by every request."""

from functools import lru_cache


@lru_cache(maxsize=1)
def get_engine():
    from trajectoire.matching import Engine, default_data_dir

    return Engine.from_dir(default_data_dir())
