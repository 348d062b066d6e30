"""The core's error for a stored password that the configured keys cannot open.

Adapters render any `CoreError` as its Spanish message; the storage layer's `UnreadableSecret` is not
one (storage never imports the core), so the core translates it where it decrypts.
"""

from __future__ import annotations

from commands.errors import CoreError
from storage.crypto import UNREADABLE_MESSAGE, SecretBox, UnreadableSecret


class SecretUnreadable(CoreError):
    """None of `CLIENTES_SECRET_KEYS` opens this password: an operator must add the missing key."""

    def __init__(self) -> None:
        super().__init__(UNREADABLE_MESSAGE)


def open_secret(box: SecretBox, token: str) -> str:
    """`box.decrypt`, with the failure every adapter knows how to show."""
    try:
        return box.decrypt(token)
    except UnreadableSecret:
        raise SecretUnreadable() from None
