"""Errors the core raises for adapters to render; every message is already in Spanish."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from commands.texts import texts

if TYPE_CHECKING:
    from commands.views import ClientCard, ClientSummary


class CoreError(Exception):
    """Base of every expected failure; `str()` is a user-facing Spanish sentence in plain text.

    The sentence often quotes what users typed — a client's name («…»), a search, a rejected value —
    exactly as typed (the console and the HTTP API show it as text). A chat must never let that text
    format, link or mention: it renders the sentence with `render(its escaper)`, which escapes the
    whole plain sentence, so no raise site has to remember which of its parts came from a user.
    """

    def render(self, escape: Callable[[str], str]) -> str:
        """The sentence for a markup: `escape` is the chat's own (Discord markdown, Slack mrkdwn)."""
        return escape(str(self))


@dataclass(frozen=True)
class FieldError:
    """One field's problem. `path` locates it in repeatable sections ("address.1.email")."""

    section: str
    field: str
    label: str
    message: str
    index: int | None = None

    @property
    def path(self) -> str:
        if self.index is None:
            return f"{self.section}.{self.field}"
        return f"{self.section}.{self.index}.{self.field}"

    @property
    def text(self) -> str:
        return f"{self.label}: {self.message}"


class FieldErrors(CoreError):
    """Invalid input; nothing was stored."""

    def __init__(self, errors: Iterable[FieldError]) -> None:
        self.errors = list(errors)
        super().__init__("\n".join(error.text for error in self.errors))

    def by_path(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for error in self.errors:
            out.setdefault(error.path, error.text)
        return out


class NotFound(CoreError):
    pass


class Forbidden(CoreError):
    pass


class Ambiguous(CoreError):
    """Several clients match what the user typed; the adapter lets them pick."""

    def __init__(self, query: str, choices: list[ClientSummary]) -> None:
        self.query = query
        self.choices = choices
        super().__init__(texts().ambiguous(query))


class Conflict(CoreError):
    """Someone saved the client after this form was opened; `current` shows their values."""

    def __init__(self, current: ClientCard) -> None:
        self.current = current
        super().__init__(texts().conflict(current.name, current.version))


class StorageUnavailable(CoreError):
    """The database is locked or unreachable; retrying later is the user's only move."""

    def __init__(self) -> None:
        super().__init__(texts().storage_unavailable)


class DraftExpired(CoreError):
    def __init__(self) -> None:
        super().__init__(texts().form_expired)
