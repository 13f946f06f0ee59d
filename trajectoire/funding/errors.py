class FundingError(Exception):
    """A funding evaluation cannot be stored. The message is French and says what to do."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
