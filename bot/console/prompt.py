"""Line input that works the same typed at a terminal or piped from a script, whatever bytes arrive."""

from __future__ import annotations

import codecs
import contextlib
import getpass
import io
import sys
from typing import TextIO

from rich.console import Console

from bot.console.interrupts import Interrupts
from bot.console.text import has_undecodable, plain
from commands.texts import texts

# Longer than any field (255) with room for a command and its argument; a longer line is refused
# whole rather than cut, and reading it never holds more than this in memory.
MAX_LINE = 2000
CANCEL_WORDS = frozenset({"cancelar"})


class EndOfInput(Exception):
    """Standard input closed: a form is abandoned, at the command prompt the session ends."""


class Cancelled(Exception):
    """The user typed «cancelar» in a form: back to the command prompt, nothing saved."""


class _BadLine(Exception):
    """A line that cannot be used as text; the message says why, in Spanish."""


def _lenient_stdin() -> TextIO:
    """sys.stdin, reading bytes that are not UTF-8 as surrogates instead of raising UnicodeDecodeError."""
    stdin = sys.stdin
    if stdin is None:  # started with stdin closed: behave as an empty script
        return io.StringIO("")
    if isinstance(stdin, io.TextIOWrapper):
        with contextlib.suppress(ValueError, io.UnsupportedOperation):
            stdin.reconfigure(errors="surrogateescape")
    return stdin


def _encoding_name(stream: TextIO) -> str:
    """The encoding lines are decoded with, as a user would recognise it ("UTF-8", "ascii", "latin-1")."""
    encoding = getattr(stream, "encoding", None)
    try:
        return "UTF-8" if not encoding or codecs.lookup(encoding).name == "utf-8" else str(encoding)
    except LookupError:
        return str(encoding)


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError, OSError):
        return False


class Prompter:
    def __init__(self, console: Console, stream: TextIO | None = None, interrupts: Interrupts | None = None) -> None:
        self.console = console
        self.stream = stream if stream is not None else _lenient_stdin()
        self.interactive = _isatty(self.stream)
        self.interrupts = interrupts or Interrupts()
        self.not_text = texts().console_line_not_text(_encoding_name(self.stream))

    def _readline(self) -> str:
        """One line without its ending; EndOfInput when the stream is closed."""
        try:
            with self.interrupts.reading_line():
                line = self.stream.readline(MAX_LINE + 1)
                if not line:
                    raise EndOfInput()
                if len(line) > MAX_LINE and not line.endswith("\n"):
                    while (rest := self.stream.readline(MAX_LINE + 1)) and not rest.endswith("\n"):
                        pass  # the rest of an over-long line is read and dropped, a piece at a time
                    raise _BadLine(texts().console_line_too_long(MAX_LINE))
        except UnicodeDecodeError:
            raise _BadLine(self.not_text) from None
        if has_undecodable(line):
            raise _BadLine(self.not_text)
        return line.rstrip("\r\n")

    def _read_secret(self, question: str) -> str:
        try:
            with self.interrupts.reading_line():
                answer = getpass.getpass(question)
        except EOFError:
            raise EndOfInput() from None
        except UnicodeDecodeError:
            raise _BadLine(self.not_text) from None
        if has_undecodable(answer):
            raise _BadLine(self.not_text)
        return answer

    def _read(self, question: str, secret: bool) -> str:
        """One usable line; an undecodable or over-long one is refused in Spanish and asked again."""
        while True:
            try:
                if secret and self.interactive:
                    answer = self._read_secret(question)
                else:
                    self.console.print(plain(question), end="")
                    answer = self._readline()
                    if not self.interactive:  # a script's transcript shows what was answered
                        self.console.print(plain("******" if secret and answer else answer))
                return answer
            except _BadLine as exc:
                if not self.interactive:
                    self.console.print()
                self.console.print(plain(f"✗ {exc}", "red"))

    def ask(
        self,
        label: str,
        default: str | None = None,
        *,
        secret: bool = False,
        sep: str = ": ",
        command_prompt: bool = False,
    ) -> str:
        """One answer; Enter takes the default shown in brackets; «cancelar» abandons the form.

        A secret comes back exactly as typed (a password may begin or end with spaces).
        """
        suffix = f" [{default}]" if default else ""
        if command_prompt:
            self.interrupts.discard()
        answer = self._read(f"{label}{suffix}{sep}", secret)
        if not command_prompt and answer.strip().casefold() in CANCEL_WORDS:
            raise Cancelled()
        if not secret:
            answer = answer.strip()
        return answer if answer else (default or "")

    def confirm(self, question: str, default: bool = False) -> bool:
        answer = self.ask(f"{question} ({texts().console_yes_no})", "s" if default else "n").lower()
        return answer in ("s", "si", "sí", "y", "yes")

    def pick(self, question: str, options: list[str]) -> int | None:
        """Index of the chosen option (1-based on screen), or None when left blank."""
        for number, option in enumerate(options, start=1):
            self.console.print(plain(f"  {number}) {option}"))
        while True:
            answer = self.ask(question)
            if not answer:
                return None
            if answer.isdecimal() and answer.isascii() and 1 <= int(answer) <= len(options):
                return int(answer) - 1
            self.console.print(plain(texts().console_pick_range(len(options)), "red"))
