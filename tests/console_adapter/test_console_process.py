"""`clientes-bot console` as a real process: raw bytes on its stdin, and a real Ctrl-C from its terminal."""

from __future__ import annotations

import codecs
import fcntl
import os
import pty
import re
import select
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest

from storage.crypto import generate_key
from storage.db import Database

NOT_TEXT = "✗ La línea no es texto válido (UTF-8); no se leyó, escríbala de nuevo."
CANCELLED = "Cancelado; no se guardó nada."
_ESCAPES = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def _env(db: Database) -> dict[str, str]:
    """The test's own database (SQLite file or PostgreSQL) and a key; no chat credentials."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DISCORD_", "CLIENTES_"))}
    env["DATABASE_URL"] = db.url.render_as_string(hide_password=False)
    env["CLIENTES_SECRET_KEYS"] = generate_key()
    env["NO_COLOR"] = "1"
    env["TERM"] = "dumb"
    return env


def test_raw_invalid_utf8_on_stdin(db: Database, tmp_path: Path) -> None:
    script = (
        b"lista [/bold]\nver \xff\xfe\nlista Jos\xe9\nnuevo\n1\n\xc3\xa9\xc3\n12345678\nJos\xc3\xa9\n\n\nn\n"
        + b"\n" * 7
    )
    script += b"n\nver jose\n"
    result = subprocess.run(
        [sys.executable, "-m", "bot", "console"],
        cwd=tmp_path,
        env=_env(db),
        input=script,
        capture_output=True,
        timeout=120,
    )
    stdout, stderr = result.stdout.decode("utf-8"), result.stderr.decode("utf-8")
    assert result.returncode == 0, stderr
    assert "Traceback" not in stdout + stderr and "Error" not in stdout + stderr
    assert stdout.count(NOT_TEXT) == 3
    assert "✓ Cliente #1 registrado." in stdout and "#1 José" in stdout
    assert "[/bold]" in stdout
    assert stdout.rstrip().endswith("Hasta luego.")


class _Terminal:
    """A pseudo-terminal that is the console's controlling terminal, so \\x03 is a real Ctrl-C."""

    def __init__(self, db: Database, cwd: Path) -> None:
        self.master, slave = pty.openpty()

        def own_terminal() -> None:
            os.setsid()
            fcntl.ioctl(0, termios.TIOCSCTTY, 0)

        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bot", "console"],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            cwd=cwd,
            env=_env(db),
            preexec_fn=own_terminal,
        )
        os.close(slave)
        self.decoder = codecs.getincrementaldecoder("utf-8")("replace")
        self.pending = ""
        self.seen = ""

    def expect(self, text: str, timeout: float = 60) -> str:
        """Output up to and including `text` (what follows waits for the next call); fails after `timeout` s."""
        deadline = time.monotonic() + timeout
        while True:
            shown = _ESCAPES.sub("", self.pending).replace("\r", "")
            if text in shown:
                end = shown.index(text) + len(text)
                self.pending = shown[end:]
                self.seen += shown[:end]
                return shown[:end]
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                pytest.fail(f"no apareció {text!r}; salida:\n{self.seen + shown}")
            ready, _, _ = select.select([self.master], [], [], remaining)
            if ready:
                try:
                    chunk = os.read(self.master, 4096)
                except OSError:  # the child closed the terminal
                    chunk = b""
                if not chunk:
                    pytest.fail(f"la consola terminó antes de {text!r}; salida:\n{self.seen + shown}")
                self.pending += self.decoder.decode(chunk)

    def send(self, data: bytes) -> None:
        os.write(self.master, data)

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=30)
        os.close(self.master)


def test_ctrl_c_cancels_a_form_and_a_second_one_leaves(db: Database, tmp_path: Path) -> None:
    term = _Terminal(db, tmp_path)
    try:
        term.expect("clientes>")
        term.send(b"nuevo\n")
        term.expect("Tipo Doc. Identidad")
        term.send(b"\x03")  # Ctrl-C at the first prompt of the form
        assert "Traceback" not in term.expect(CANCELLED)
        term.expect("clientes>")
        # Through the form to the password (read with getpass, echo off), Ctrl-C there too.
        term.send(b"nuevo\n1\n12345678\nAna\n\n\nn\n\n\n\n\n\n\n\ns\na.pe\n\n\n")
        term.expect("Contraseña (opcional):")
        term.send(b"\x03")
        assert "Traceback" not in term.expect(CANCELLED)
        term.send(b"ver \xff\n")
        term.expect(NOT_TEXT)
        term.send(b"lista\n")
        term.expect("Aún no hay clientes.")
        term.expect("clientes>")
        term.send(b"\x03")  # Ctrl-C at the command prompt: the session ends
        tail = term.expect("Hasta luego.")
        assert term.proc.wait(timeout=30) == 0
        assert "Traceback" not in term.seen and "KeyboardInterrupt" not in tail
    finally:
        term.close()


@pytest.mark.parametrize("encoding", ["ascii", "latin-1"])
def test_a_terminal_that_is_not_utf8(db: Database, tmp_path: Path, encoding: str) -> None:
    """«, ✓ and ñ cannot all be shown: they become "?", the session does not end with UnicodeEncodeError."""
    env = _env(db) | {"PYTHONIOENCODING": encoding}
    result = subprocess.run(
        [sys.executable, "-m", "bot", "console"],
        cwd=tmp_path,
        env=env,
        input="ayuda\nnuevo\n1\n12345678\nNunez\n\n\nn\n\n\n\n\n\n\n\nn\nver nunez\n".encode(encoding),
        capture_output=True,
        timeout=120,
    )
    stdout = result.stdout.decode(encoding)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in stdout + result.stderr.decode(encoding, "replace")
    assert "Cliente #1 registrado." in stdout and "#1 Nunez" in stdout
    assert stdout.rstrip().endswith("Hasta luego.")


def test_ctrl_d_abandons_a_form_and_then_leaves(db: Database, tmp_path: Path) -> None:
    term = _Terminal(db, tmp_path)
    try:
        term.expect("clientes>")
        term.send(b"nuevo\n1\n")
        term.expect("Número:")
        term.send(b"\x04")  # end of input in the form: only the form ends
        term.expect(CANCELLED)
        term.send(b"lista\n")
        term.expect("Aún no hay clientes.")
        term.expect("clientes>")
        term.send(b"\x04")  # at the command prompt: the session ends
        term.expect("Hasta luego.")
        assert term.proc.wait(timeout=30) == 0
        assert "Traceback" not in term.seen
    finally:
        term.close()
