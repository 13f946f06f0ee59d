"""Errors of the schemes engine, with messages in French meant for counsellors and developers alike."""


class SchemesError(Exception):
    """Base class: every error the engine raises on purpose."""


class CatalogueError(SchemesError):
    """The rule catalogue is invalid; the message names the file and, when known, the rule."""


class FactError(SchemesError):
    """The facts given for an evaluation are unknown or have bad values."""
