"""What a chat message says about a would-be client, as create-form values (the message shortcut).

A team member forwards "ACME SAC, RUC 20100070970, facturas@acme.pe, 987 654 321, https://acme.pe"
and the form should open with those already typed. Only what can be recognised with
certainty is taken — a RUC by its check digit, a DNI only when the message calls it one, e-mails and
phones by their validators, one web address — and nothing is saved: the user reviews and submits the
form as usual, and the core validates it as any other.

Values are keyed by the core's field paths (``client.doc_number``, ``address.0.email``,
``contact.contact_phone``) so that every adapter can place them in its own form.
"""

from __future__ import annotations

import re

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from stdnum.pe import ruc

from commands.forms import DOC_TYPES, SECTIONS, doc_type_short

_RUC = next(choice.value for choice in DOC_TYPES if choice.short == "RUC")
_DNI = next(choice.value for choice in DOC_TYPES if choice.short == "DNI")

# Slack's markup for links, e-mails and phones: <https://x|label>, <mailto:a@b|a@b>, <tel:+51…|…>.
_SLACK_LINK = re.compile(r"<(?:mailto:|tel:)?([^<>|]+)(?:\|[^<>]*)?>")
# Discord's markup that carries ids, never client data: mentions of users, roles and channels, timestamps
# and custom emoji (<@id>, <@!id>, <@&id>, <#id>, <t:1700000000:R>, <:name:id>, <a:name:id>).
_DISCORD_TOKEN = re.compile(r"<(?:@[!&]?\d+|#\d+|t:-?\d+(?::[tTdDfFRs])?|a?:\w+:\d+)>")
_ELEVEN_DIGITS = re.compile(r"(?<!\d)(\d{11})(?!\d)")
_LABELLED_DNI = re.compile(r"\bDNI\b\W{0,4}(\d{8})(?!\d)", re.IGNORECASE)
_EMAIL_CANDIDATE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
_URL = re.compile(r"\b(?:https?://|www\.)[^\s<>\"']+", re.IGNORECASE)
_TRAILING = ".,;:!?)]}»\"'"


def _plain(text: str) -> str:
    return _SLACK_LINK.sub(r"\1", _DISCORD_TOKEN.sub(" ", text))


def _document(text: str) -> tuple[str, str, tuple[int, int]] | None:
    for match in _ELEVEN_DIGITS.finditer(text):
        if ruc.is_valid(match.group(1)):
            return _RUC, match.group(1), match.span(1)
    labelled = _LABELLED_DNI.search(text)
    if labelled:
        return _DNI, labelled.group(1), labelled.span(1)
    return None


def _emails(text: str) -> list[str]:
    found: list[str] = []
    for candidate in _EMAIL_CANDIDATE.findall(text):
        try:
            address = validate_email(candidate, check_deliverability=False).normalized
        except EmailNotValidError:
            continue
        if address not in found:
            found.append(address)
    return found


def _phones(text: str, taken: list[tuple[int, int]]) -> list[phonenumbers.PhoneNumber]:
    """Valid numbers (Peru's by default), skipping any that lie inside a document number."""
    found: list[phonenumbers.PhoneNumber] = []
    for match in phonenumbers.PhoneNumberMatcher(text, "PE", leniency=phonenumbers.Leniency.VALID):
        if any(match.start < end and start < match.end for start, end in taken):
            continue
        if match.number not in found:
            found.append(match.number)
    return found


def _website(text: str) -> str | None:
    for match in _URL.finditer(text):
        url = match.group(0).rstrip(_TRAILING)
        if "@" in url:
            continue
        return url if url.lower().startswith("http") else f"https://{url}"
    return None


def values_from_message(text: str) -> dict[str, str]:
    """Create-form values (field path → text as a user would type it) found in ``text``."""
    plain = _plain(text or "")
    values: dict[str, str] = {}
    taken: list[tuple[int, int]] = []
    document = _document(plain)
    if document:
        values["client.doc_type"], values["client.doc_number"], span = document
        taken.append(span)
    emails = _emails(plain)
    taken += [match.span() for match in _EMAIL_CANDIDATE.finditer(plain)]
    taken += [match.span() for match in _URL.finditer(plain)]
    if emails:
        values["address.0.email"] = emails[0]
    phones = _phones(plain, taken)
    mobile = next((p for p in phones if phonenumbers.number_type(p) == phonenumbers.PhoneNumberType.MOBILE), None)
    landline = next((p for p in phones if p is not mobile), None)
    for path, number in (
        ("contact.contact_phone", mobile or landline),
        ("address.0.phone", landline if mobile else None),
    ):
        if number is not None:
            values[path] = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    website = _website(plain)
    if website:
        values["contact.website"] = website
    return values


def labels_found(values: dict[str, str]) -> str:
    """The form labels of what was found, in form order ("RUC, Correo electrónico, Sitio Web")."""
    labels: list[str] = []
    for path in values:
        if path == "client.doc_type":
            continue
        if path == "client.doc_number":
            labels.append(doc_type_short(values.get("client.doc_type", "")))
            continue
        section, _, key = path.partition(".")
        spec = next(candidate for candidate in SECTIONS if candidate.key == section)
        label = spec.field(key.rpartition(".")[2]).label
        if label not in labels:
            labels.append(label)
    return ", ".join(labels)
