"""Reads the audit trail back: each entry as who did what, when and which fields changed old → new.

The same reading serves the change notices posted in channels and `/clientes historial`. Secrets
never come out: the trail stores `[redactado]` for a password, and any field that is a password is
shown only as "changed", whatever the entry holds.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import asdict
from typing import Any

from commands import clock, countries, phones, ubigeo
from commands.forms import DOC_TYPE_BY_VALUE, SECTIONS, Kind
from commands.resubmission import STAMP
from commands.texts import texts
from commands.views import ChangeNotice, ChangeView, FieldChange
from storage.models import AuditEntry, utcnow

EMPTY = "—"
BOT_USER = "clientes-bot"  # the user id of entries the bot writes by itself (a channel it could not create)
_LABELS: dict[str, str] = {f.key: f.label for section in SECTIONS for f in section.fields}
_LABELS.update({"is_main": "Dirección principal", "channel": "Canal", "error": "Motivo"})
_PHONES = frozenset(f.key for section in SECTIONS for f in section.fields if f.kind == Kind.PHONE)
_SECRETS = frozenset(f.key for section in SECTIONS for f in section.fields if f.kind == Kind.PASSWORD)
_CONTEXT = frozenset({"address_id", "server_id", STAMP})  # which item, and the resubmission stamp: not fields
_PLATFORM_NAMES = {"console": "la consola", "api": "la API", "cli": "la línea de comandos"}


def _shown(key: str, value: object) -> str:
    if value is None or value == "":
        return EMPTY
    if isinstance(value, bool):
        return "sí" if value else "no"
    text = str(value)
    if key == "doc_type":
        choice = DOC_TYPE_BY_VALUE.get(text)
        return choice.label if choice else text
    if key == "country":
        return countries.name(text)
    if key == "ubigeo":
        district = ubigeo.get(text)
        return district.label if district else text
    if key in _PHONES:  # stored in E.164, shown the way people in Peru write them
        return phones.display(text) or text
    return text


def field_changes(changes: Mapping[str, Any]) -> tuple[FieldChange, ...]:
    """The fields of an entry's `changes`, old → new; passwords only as changed."""
    shown = []
    for key, value in changes.items():
        if key in _CONTEXT or not isinstance(value, list | tuple) or len(value) != 2:
            continue
        label = _LABELS.get(key, key)
        if key in _SECRETS:
            shown.append(FieldChange(label, "", texts().secret_changed, secret=True))
            continue
        old, new = value
        shown.append(FieldChange(label, _shown(key, old), _shown(key, new)))
    return tuple(shown)


def platform_name(platform: str) -> str:
    return _PLATFORM_NAMES.get(platform) or texts().platform(platform)


def who(entry: AuditEntry) -> str:
    if entry.user_id == BOT_USER:
        return texts().bot_name
    return entry.user_name or entry.user_id


def describe(entry: AuditEntry) -> ChangeView:
    """An audit entry as people read it (the time in BOT_TIMEZONE)."""
    action = texts().audit_actions.get(entry.action, texts().audit_action_other)
    return ChangeView(
        id=entry.id or 0,
        at=clock.stamp(entry.at or utcnow()),
        who=who(entry),
        platform=platform_name(entry.platform),
        action=action,
        changes=field_changes(entry.changes or {}),
    )


def notice_payload(notice: ChangeNotice) -> dict[str, Any]:
    """The notice as stored in its outbox job (JSON): already redacted, never a password."""
    return asdict(notice)


def notice_from(payload: Mapping[str, Any]) -> ChangeNotice | None:
    """The notice a job carries, or None when the payload is not one (a job of an older shape)."""
    try:
        data = payload["notice"]
        changes = tuple(
            ChangeView(
                id=int(c["id"]),
                at=str(c["at"]),
                who=str(c["who"]),
                platform=str(c["platform"]),
                action=str(c["action"]),
                changes=tuple(FieldChange(**f) for f in c["changes"]),
            )
            for c in data["changes"]
        )
        return ChangeNotice(int(data["client_id"]), str(data["name"]), str(data["document"]), changes)
    except (KeyError, TypeError, ValueError):
        return None


def notice_lines(notice: ChangeNotice, escape: Callable[[str], str], bold: Callable[[str], str]) -> list[str]:
    """A change notice's lines, for a chat to join and clip: the headline (who, what, which client),
    further merged changes by the same person, and each field as "• Label: old → new". `escape` is
    the chat's escaping of user text, `bold` its emphasis of an already escaped value."""
    lines: list[str] = []
    for index, change in enumerate(notice.changes):
        if index == 0:
            who, client = bold(escape(change.who)), bold(escape(notice.name))
            lines.append(texts().notice_headline(who, escape(change.action), client, escape(notice.document)))
        else:
            lines.append(f"{escape(change.who)} {escape(change.action)}")
        lines.extend(f"• {escape(field.label)}: {escape(field.shown)}" for field in change.changes)
    return lines
