"""Line input that works the same typed at a terminal or piped from a script."""

from __future__ import annotations

import getpass
import sys
from typing import TextIO

from rich.console import Console


class EndOfInput(Exception):
    """Standard input closed: the session ends quietly."""


class Prompter:
    def __init__(self, console: Console, stream: TextIO | None = None) -> None:
        self.console = console
        self.stream = stream or sys.stdin
        self.interactive = self.stream.isatty()

    def ask(self, label: str, default: str | None = None, *, secret: bool = False, sep: str = ": ") -> str:
        """One answer; Enter takes the default shown in brackets."""
        suffix = f" [{default}]" if default else ""
        question = f"{label}{suffix}{sep}"
        if secret and self.interactive:
            answer = getpass.getpass(question, stream=None)
        else:
            self.console.print(question, end="", markup=False, highlight=False)
            line = self.stream.readline()
            if not line:
                raise EndOfInput()
            answer = line.rstrip("\r\n")
            if not self.interactive:
                self.console.print("******" if secret and answer else answer, markup=False, highlight=False)
        answer = answer.strip()
        return answer if answer else (default or "")

    def confirm(self, question: str, default: bool = False) -> bool:
        answer = self.ask(f"{question} (s/n)", "s" if default else "n").lower()
        return answer in ("s", "si", "sí", "y", "yes")

    def pick(self, question: str, options: list[str]) -> int | None:
        """Index of the chosen option (1-based on screen), or None when left blank."""
        for number, option in enumerate(options, start=1):
            self.console.print(f"  {number}) {option}", markup=False, highlight=False)
        while True:
            answer = self.ask(question)
            if not answer:
                return None
            if answer.isdigit() and 1 <= int(answer) <= len(options):
                return int(answer) - 1
            self.console.print(f"[red]Elija un número del 1 al {len(options)}.[/red]")
