"""Ctrl-C in the console: it cancels the form being filled, never a save half-way, never the session by surprise.

asyncio.run's own SIGINT handler only cancels the main task at its next await, so a Ctrl-C typed while
the console blocks on reading a line would do nothing until Enter. While a line is being read this
handler raises KeyboardInterrupt right there (the adapter turns it into "Cancelado"); while the core is
working the Ctrl-C is held and delivered at the next prompt, so a transaction is never cut; a second
one while the core is still busy (a database that does not answer) stops the program.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType


class Interrupts:
    def __init__(self) -> None:
        self.reading = False
        self.pending = False

    def _on_sigint(self, _signum: int, _frame: FrameType | None) -> None:
        if self.reading or self.pending:
            self.pending = False
            raise KeyboardInterrupt
        self.pending = True

    @contextmanager
    def installed(self) -> Iterator[None]:
        """Our handler for the console session (signals can only be handled on the main thread)."""
        if threading.current_thread() is not threading.main_thread():
            yield
            return
        previous = signal.getsignal(signal.SIGINT)
        signal.signal(signal.SIGINT, self._on_sigint)
        try:
            yield
        finally:
            signal.signal(signal.SIGINT, previous)

    @contextmanager
    def reading_line(self) -> Iterator[None]:
        """Around a blocking read: a Ctrl-C held while the core worked is delivered now."""
        if self.pending:
            self.pending = False
            raise KeyboardInterrupt
        self.reading = True
        try:
            yield
        finally:
            self.reading = False

    def discard(self) -> None:
        """Back at the command prompt a held Ctrl-C has nothing left to cancel."""
        self.pending = False
