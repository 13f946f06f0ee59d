from trajectoire.locking import StaleEditError as BaseStaleEditError


class CaseRuleError(Exception):
    """A rule of the regulated process refuses the action. The message is French and says what to do."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class StaleEditError(CaseRuleError, BaseStaleEditError):
    """Someone saved the same text since the form was opened (optimistic locking, trajectoire/locking.py)."""
