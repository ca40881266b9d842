class DomainError(Exception):
    """A business rule refused a change; the message is shown to the user."""
