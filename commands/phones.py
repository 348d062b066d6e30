"""Telephone numbers: read the way people in Peru type them, stored in E.164, shown the Peruvian way.

phonenumbers (Google's libphonenumber metadata) does the parsing and the formats; this module only
adds what its metadata cannot know about how Peruvians write:

- a bare 7-digit number ("6100600") is a Lima landline: inside Lima nobody dials the area code;
- a landline's subscriber number is grouped ("(01) 610 0600", "(044) 123 456"), as it is printed on
  invoices and signs, where the library prints "(01) 6100600".

Stored values are E.164 ("+5116100600"), with ";ext=12" when an extension (anexo) was given (the
RFC 3966 parameter, which phonenumbers reads back). Rows saved before this rule hold the older
international format ("+51 1 610 0600"): they are shown and compared through `display` and `stored`,
so they need no migration and are rewritten only when someone saves another number there.
"""

from __future__ import annotations

import functools
import re

import phonenumbers
from phonenumbers import PhoneNumber, PhoneNumberFormat, PhoneNumberType

HOME = "PE"
LIMA_AREA = "1"
_SEPARATORS = re.compile(r"[\s.\-()]")
_LANDLINE = re.compile(r"\((0\d{1,2})\) (\d+)")


class NotAPhone(ValueError):
    """`raw` cannot be read as a number; `valid_shape` tells "not a number at all" from "no such number"."""

    def __init__(self, valid_shape: bool) -> None:
        super().__init__()
        self.valid_shape = valid_shape


def _parse(text: str) -> PhoneNumber | None:
    """The valid number `text` stands for, None when it parses but is no valid number.

    Validity is checked once per candidate and its answer kept: `is_valid_number` walks the region's
    metadata patterns and is half of what reading a number costs (an import reads tens of thousands).
    """
    parsed = phonenumbers.parse(text, HOME)
    if phonenumbers.is_valid_number(parsed):
        return parsed
    digits = _SEPARATORS.sub("", text)
    if parsed.country_code == 51 and len(digits) == 7 and digits.isascii() and digits.isdigit():
        lima = phonenumbers.parse(f"0{LIMA_AREA}{digits}", HOME)
        if phonenumbers.is_valid_number(lima):
            return lima
    return None


def parse(raw: str) -> str:
    """The stored (E.164) form of a typed number; `NotAPhone` when it is none."""
    try:
        parsed = _parse(raw)
    except phonenumbers.NumberParseException:
        raise NotAPhone(valid_shape=False) from None
    if parsed is None:
        raise NotAPhone(valid_shape=True)
    return _e164(parsed)


DISPLAY_CACHE = 8192  # numbers shown recently (a few hundred KB at most)


def _e164(parsed: PhoneNumber) -> str:
    number = phonenumbers.format_number(parsed, PhoneNumberFormat.E164)
    return f"{number};ext={parsed.extension}" if parsed.extension else number


def stored(value: str | None) -> str | None:
    """What `value` (shown, typed or stored in an older format) is stored as; itself if unreadable."""
    if not value:
        return value
    try:
        return parse(value)
    except NotAPhone:
        return value


@functools.lru_cache(maxsize=DISPLAY_CACHE)
def display(value: str | None) -> str | None:
    """A Peruvian number the way it is written in Peru ("987 654 321", "(01) 610 0600"), any other in
    international format ("+34 912 34 56 78"); a value that is not a number (never expected) as is.

    Memoised: a pure function of the stored text, and phonenumbers' parse + validation + formatting is
    the costliest step of drawing a list (two numbers a row, every page turn)."""
    if not value:
        return value
    try:
        parsed = phonenumbers.parse(value, HOME)
    except phonenumbers.NumberParseException:
        return value
    if not phonenumbers.is_valid_number(parsed):
        return value
    if parsed.country_code != 51:
        return phonenumbers.format_number(parsed, PhoneNumberFormat.INTERNATIONAL)
    text = phonenumbers.format_number(parsed, PhoneNumberFormat.NATIONAL)
    if phonenumbers.number_type(parsed) == PhoneNumberType.FIXED_LINE:
        text = _LANDLINE.sub(lambda m: f"({m[1]}) {_grouped(m[2])}", text, count=1)
    return text


def _grouped(subscriber: str) -> str:
    """Lima's 7 digits as 3 + 4, the provinces' 6 as 3 + 3."""
    return f"{subscriber[:3]} {subscriber[3:]}" if len(subscriber) in (6, 7) else subscriber
