"""Who may do what, from the ids listed in configuration.

A small team usually starts with no lists at all: then everyone in the workspace may view, create and
edit clients. Revealing a server password is never open by default: only ids in
`CLIENTES_SECRET_VIEWERS` or `CLIENTES_ADMINS` may. The console (the operator's own terminal) and the
HTTP API (authorised by its bearer token) may do everything.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from commands.errors import Forbidden
from commands.texts import texts

# The operator's own terminal, and the HTTP API (whose bearer token is the authorisation).
TRUSTED_PLATFORMS = frozenset({"console", "api"})


class Permission(StrEnum):
    VIEW = "view"
    EDIT = "edit"
    DELETE = "delete"
    REVEAL = "reveal"
    EXPORT = "export"  # the whole register in one file: admins only, never open by default
    HISTORY = "history"  # a client's audit trail: who may edit may read it (admins and editors)


@dataclass(frozen=True)
class Actor:
    """The person behind a request: platform, their user id, display name and role/group ids."""

    platform: str
    user_id: str
    name: str | None = None
    groups: frozenset[str] = field(default_factory=frozenset)

    @property
    def ref(self) -> str:
        return f"{self.platform}:{self.user_id}"

    @property
    def ids(self) -> frozenset[str]:
        return self.groups | {self.user_id}


def _denied(permission: Permission) -> str:
    words = texts()
    return {
        Permission.VIEW: words.forbidden_view,
        Permission.EDIT: words.forbidden_edit,
        Permission.DELETE: words.forbidden_delete,
        Permission.REVEAL: words.forbidden_reveal,
        Permission.EXPORT: words.forbidden_export,
        Permission.HISTORY: words.forbidden_history,
    }[permission]


@dataclass(frozen=True)
class AccessPolicy:
    viewers: frozenset[str] = frozenset()
    editors: frozenset[str] = frozenset()
    admins: frozenset[str] = frozenset()
    secret_viewers: frozenset[str] = frozenset()

    def allows(self, actor: Actor, permission: Permission) -> bool:
        if actor.platform in TRUSTED_PLATFORMS:
            return True
        ids = actor.ids
        if ids & self.admins:
            return True
        if permission is Permission.VIEW:
            return not self.viewers or bool(ids & (self.viewers | self.editors | self.secret_viewers))
        if permission is Permission.HISTORY:
            return self.allows(actor, Permission.EDIT)
        if permission is Permission.EDIT:
            if self.editors:
                return bool(ids & self.editors)
            return self.allows(actor, Permission.VIEW)  # no editor list: whoever may view may edit
        if permission is Permission.DELETE:
            return not self.admins and self.allows(actor, Permission.EDIT)
        if permission is Permission.EXPORT:
            return False  # only admins (checked above): a chat user never gets the whole register by default
        # Server passwords are never open to "everyone": only people listed may reveal them.
        return bool(ids & self.secret_viewers)

    def require(self, actor: Actor, permission: Permission) -> None:
        if not self.allows(actor, permission):
            raise Forbidden(_denied(permission))
