"""What the list search indexes for a client, and the same normalisation for what a user types.

Both sides live here, beside `textfold`, because they must agree: a phone is indexed as its digits in
national and E.164 form ("987654321" and "51987654321") and a typed phone, however it is spaced or
prefixed ("987 654 321", "+51 987-654-321"), is reduced to digits too; a channel is indexed with and
without its "#" so "#soporte-acme", as lists show it, finds the client.

Phones are kept apart (`clients.phone_text`) and only a number of at least `MIN_PHONE_DIGITS` digits is
looked for there: otherwise "Cliente 2" would match every client whose phone has a 2 in it.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources

from storage.textfold import fold

PERU_CODE = "51"
_NON_DIGIT = re.compile(r"\D")
_EXTENSION = re.compile(r"[^\d\s+().-]")
# One token of a typed phone: digits with the separators people use ("+51", "(01)", "987-654").
_PHONE_TOKEN = re.compile(r"\+?\(?[0-9]+\)?(?:[.-][0-9]+)*")
MIN_PHONE_DIGITS = 6

# Columns of the client row the search covers; channels are added with their "#" form.
CLIENT_FIELDS = ("name", "trade_name", "doc_number", "internal_code", "contact_name", "gitlab_user", "discord_user")
CHANNEL_FIELDS = ("slack_channel", "discord_channel")


@cache
def _places() -> dict[str, tuple[str, str]]:
    """ubigeo -> (distrito, provincia), from the INEI catalogue shipped with storage."""
    source = resources.files("storage").joinpath("data/ubigeo_inei.csv")
    with source.open(encoding="utf-8") as handle:
        return {row["ubigeo"]: (row["distrito"], row["provincia"]) for row in csv.DictReader(handle)}


def phone_keys(phone: str | None) -> list[str]:
    """The digit strings a phone is found by: as stored, national and E.164 (Peru's +51).

    "+51 987 654 321" -> ["51987654321", "987654321"]; "01 444 5566" -> ["014445566", "5114445566"].
    """
    number = _EXTENSION.split(phone or "", maxsplit=1)[0]  # "+51 1 4445566 ext. 12": the line, not the annex
    digits = _NON_DIGIT.sub("", number)
    if not digits:
        return []
    keys = [digits]
    if digits.startswith(PERU_CODE) and len(digits) in (10, 11):
        national = digits[len(PERU_CODE) :]
        keys.append(national)
        if not national.startswith("9"):  # a landline is dialled nationally with its trunk 0
            keys.append(f"0{national}")
    else:
        national = digits.lstrip("0")
        if len(national) in (8, 9):
            keys.append(PERU_CODE + national)
    return keys


def document(client: Mapping[str, str | None], addresses: Iterable[Mapping[str, str | None]]) -> tuple[str, str]:
    """The folded text a client is searched by (`clients.search_text`) and its phones' digit strings
    (`clients.phone_text`)."""
    parts: list[str] = [client.get(field) or "" for field in CLIENT_FIELDS]
    for field in CHANNEL_FIELDS:
        channel = client.get(field)
        if channel:
            parts += [channel, f"#{channel}"]
    phones = phone_keys(client.get("contact_phone"))
    for address in addresses:
        phones += phone_keys(address.get("phone"))
        parts.append(address.get("email") or "")
        place = _places().get(address.get("ubigeo") or "")
        if place is not None:
            parts += place
    return fold(" ".join(part for part in parts if part)), " ".join(dict.fromkeys(phones))


SORT_NAME_LENGTH = 255  # clients.sort_name's column


def sort_name(name: str | None) -> str:
    """What `orden:nombre` sorts a client by (`clients.sort_name`): its folded name."""
    return fold(name)[:SORT_NAME_LENGTH]


@dataclass(frozen=True)
class Term:
    """One thing to look for: `text` in the folded search text or, for a number of at least
    `MIN_PHONE_DIGITS` digits, `digits` among the phones ("987-654-321": that text, or 987654321)."""

    text: str
    digits: str | None = None


def _term(text: str) -> Term:
    digits = _NON_DIGIT.sub("", text)
    return Term(text, digits if len(digits) >= MIN_PHONE_DIGITS else None)


def terms(typed: str) -> list[Term]:
    """What a user typed as the terms to look for, each of which must match.

    A run of number groups ("987 654 321", "+51 (01) 444-5566") is one term: the run as typed (a name
    or code with those numbers) or, with at least six digits, the phone with those digits.
    """
    words = fold(typed).split()
    result: list[Term] = []
    run: list[str] = []

    def close_run() -> None:
        if run:
            result.append(_term(" ".join(run)))
        run.clear()

    for word in words:
        if _PHONE_TOKEN.fullmatch(word):
            run.append(word)
            continue
        close_run()
        result.append(Term(word))
    close_run()
    return result
