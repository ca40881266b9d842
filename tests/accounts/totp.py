"""Codes an authenticator app would show, for tests."""

import time

from django_otp.oath import TOTP


def totp_token(device, *, steps_ahead: int = 0) -> str:
    """Return the six-digit code `device` accepts now (or `steps_ahead` steps on).

    A device refuses a code it has already accepted, so a second sign-in within
    the same 30 seconds uses the next step's code (within the device's tolerance).
    """
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"
