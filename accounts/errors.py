class AccountError(Exception):
    """A request about an account that cannot be met; the message says why."""
