"""Recognising a save that already happened: a re-sent edit form must not show a Conflict.

When Slack gets no answer in 3 s it shows an error in the modal, yet our save may have finished; the
user presses Guardar again (or Slack redelivers the submission) and the core, seeing the version the
form was opened with, raises ``Conflict`` — against the user's own change. It is the same save when:
the current version is exactly one more than the form's, that version was written by this user, and
the stored values of this section already equal the submission. The submission is cleaned by the
core's own ``validate_section`` (phones, document numbers… compare as stored); nothing is written.

Not covered (the Conflict stays, which is safe): adding an address or server (the new item cannot be
told apart from one added by another form of the same user) and a server edit that types a password
(it is stored encrypted, so equality cannot be shown).
"""

from __future__ import annotations

from collections.abc import Mapping

from bot.slack.metadata import ModalState
from commands.access import Actor
from commands.errors import FieldErrors
from commands.forms import CLIENT_ROW_SECTIONS, SECTION_BY_KEY
from commands.validation import validate_section
from commands.views import ClientCard

PASSWORD = "password"


def stored_values(card: ClientCard, state: ModalState) -> Mapping[str, str | None] | None:
    """What the edited section holds now; None for adds and for items that are gone."""
    if state.section in CLIENT_ROW_SECTIONS:
        return card.section_values(state.section)
    if state.item_id is None:
        return None
    item = card.address(state.item_id) if state.section == "address" else card.server(state.item_id)
    return item.values() if item is not None else None


def already_saved(current: ClientCard, state: ModalState, actor: Actor, raw: Mapping[str, str]) -> bool:
    """Whether the ``Conflict`` this submission got is only its own earlier, identical save."""
    if state.version is None or current.version != state.version + 1 or current.updated_by != actor.ref:
        return False
    stored = stored_values(current, state)
    if stored is None:
        return False
    keep = frozenset({PASSWORD}) if state.section == "server" else frozenset()
    try:
        submitted = validate_section(SECTION_BY_KEY[state.section], raw, keep_blank=keep)
    except FieldErrors:
        return False
    if submitted.get(PASSWORD):
        return False
    return all(submitted.get(key) == value for key, value in stored.items() if key != PASSWORD)
