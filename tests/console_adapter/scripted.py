"""Drive the console the way a pipe or a terminal does: bytes on its standard input, one line at a time.

The stream decodes like the console's own stdin (UTF-8, undecodable bytes kept as surrogates), and a
hook can run when a given line is about to be read: raising KeyboardInterrupt there is what a Ctrl-C
does to the blocked read, and a hook can also play another user saving the client meanwhile.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable

from rich.console import Console

from bot.console.adapter import ConsoleAdapter
from commands.service import ClientService

Hook = Callable[[], None]


def to_bytes(lines: Iterable[str | bytes]) -> bytes:
    """Text lines are UTF-8 (a lone surrogate becomes the bytes a broken encoder would send); bytes go as is."""
    return b"".join(
        (line if isinstance(line, bytes) else line.encode("utf-8", "surrogatepass")) + b"\n" for line in lines
    )


class ScriptedStdin(io.TextIOBase):
    def __init__(self, data: bytes, hooks: dict[int, Hook] | None = None) -> None:
        self._inner = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8", errors="surrogateescape", newline=None)
        self._hooks = dict(hooks or {})
        self.reads = 0

    def readline(self, size: int | None = -1) -> str:  # type: ignore[override]
        hook = self._hooks.pop(self.reads, None)
        self.reads += 1
        if hook is not None:
            hook()
        return self._inner.readline(-1 if size is None else size)

    def isatty(self) -> bool:
        return False


async def drive_bytes(
    service: ClientService, lines: Iterable[str | bytes], hooks: dict[int, Hook] | None = None, *, width: int = 200
) -> str:
    """The whole transcript of a console session fed `lines`, ending when they run out, on a terminal
    `width` columns wide."""
    out = io.StringIO()
    adapter = ConsoleAdapter(
        service,
        stream=ScriptedStdin(to_bytes(lines), hooks),
        console=Console(file=out, width=width, color_system=None),
        user="tester",
    )
    await adapter.run()
    return out.getvalue()
