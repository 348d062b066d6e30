"""The one door to the terminal for any text we did not write ourselves.

A client's name, a typed search or a platform's error message is data: rich must never read it as
markup (`[/bold]` raised MarkupError, `[link=…]` made a hyperlink) nor as an emoji code, and the
terminal must never receive a control sequence from it (`ESC [ 31 m` would recolour the screen, a
bidi override would reorder what the operator reads). Everything shown goes through `plain()`.
"""

from __future__ import annotations

import unicodedata

from rich.text import Text

# Characters that reorder the text around them (Trojan Source): shown escaped, like control characters.
_BIDI = frozenset({0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)})
_ESCAPED_CATEGORIES = frozenset({"Cc", "Cs", "Zl", "Zp"})


def _shown(char: str) -> str:
    code = ord(char)
    if char == "\n":
        return char
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8, kept by errors="surrogateescape"
        return f"\\x{code - 0xDC00:02x}"
    if code in _BIDI or unicodedata.category(char) in _ESCAPED_CATEGORIES:
        return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"
    return char


def neutralise(value: object) -> str:
    """The text with every control, line/paragraph separator, bidi control and lone surrogate made visible
    as an escape (`\\x1b`, `\\u202e`); newlines stay, they only break the line."""
    text = "" if value is None else str(value)
    if text.isprintable():
        return text
    return "".join(_shown(char) for char in text)


def plain(value: object, style: str = "") -> Text:
    """A rich Text that shows `value` literally: no markup, no emoji codes, no terminal control."""
    return Text(neutralise(value), style=style)


def has_undecodable(text: str) -> bool:
    """True for a line holding bytes that were not valid text (lone surrogates)."""
    return any(0xD800 <= ord(char) <= 0xDFFF for char in text)
