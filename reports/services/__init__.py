"""Writes for reports, acceptance, typical cases and inspections (one transaction each)."""


class ReportError(Exception):
    """A refused action, with a message a clerk can act on."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
