"""Recognising a save that already happened, so a re-sent form is answered "saved", not Conflict.

A chat may deliver one submission twice (Slack shows an error when it gets no answer in 3 s, yet our
save may have finished; the user presses Guardar again, or the platform redelivers it). The core,
seeing the version the form was opened with, raises ``Conflict`` — against the user's own change.
It is the same save when the current version is exactly one more than the form's, written by this
user, and either

- the change recorded the same submission stamp (the adapter's `submission_key` plus the values
  typed: this also covers adding an address or server), or
- with no key, the stored values of the section already equal the submission (cleaned by the core's
  own ``validate_section``, so phones and document numbers compare as stored).

A submission that types a password is never recognised (the Conflict stays, which is safe): its
stamp would have to digest the password, and equality with the stored, encrypted one cannot be shown.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from commands import phones
from commands.access import Actor
from commands.errors import FieldErrors
from commands.form_target import FormTarget
from commands.forms import CLIENT_ROW_SECTIONS, Kind
from commands.validation import validate_section
from commands.views import ClientCard

PASSWORD = "password"
STAMP = "submission"  # the key of the stamp in the audit entry's changes


def stamp(submission_key: str, raw: Mapping[str, Any]) -> str | None:
    """The same submission (key and values) gives the same stamp; another value, another stamp.
    None when a password is typed."""
    if raw.get(PASSWORD):
        return None
    text = json.dumps([submission_key, dict(raw)], sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def follows(current: ClientCard, target: FormTarget, actor: Actor) -> bool:
    """Whether `current` is one save past the form, by the same user (the only case a retry can be)."""
    return target.version is not None and current.version == target.version + 1 and current.updated_by == actor.ref


def _stored_values(card: ClientCard, target: FormTarget) -> Mapping[str, str | None] | None:
    """What the edited section holds now; None for adds and for items that are gone."""
    if target.section in CLIENT_ROW_SECTIONS:
        return card.section_values(target.section)
    if target.item_id is None:
        return None
    item = card.address(target.item_id) if target.section == "address" else card.server(target.item_id)
    return item.values() if item is not None else None


def same_values(current: ClientCard, target: FormTarget, raw: Mapping[str, Any]) -> bool:
    """Whether the section already holds what was submitted (never for a typed password: stored
    encrypted, equality cannot be shown)."""
    stored = _stored_values(current, target)
    if stored is None:
        return False
    keep = frozenset({PASSWORD}) if target.editing else frozenset()
    try:
        submitted = validate_section(target.spec, raw, keep_blank=keep)
    except FieldErrors:
        return False
    if submitted.get(PASSWORD):
        return False
    return all(
        submitted.get(key) == (phones.stored(value) if _is_phone(target, key) else value)
        for key, value in stored.items()
        if key != PASSWORD
    )


def _is_phone(target: FormTarget, key: str) -> bool:
    """Phones are pre-filled as shown in Peru and stored in E.164: compared in their stored form."""
    spec = target.spec.fields_by_key.get(key)
    return spec is not None and spec.kind == Kind.PHONE
