"""An email backend that always fails, for the ledger's failure path."""

from django.core.mail.backends.base import BaseEmailBackend


class Backend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise ConnectionRefusedError("Mail server refused the connection")
