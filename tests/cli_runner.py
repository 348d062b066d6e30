"""`clientes-bot` as the tests run it: in-process through typer's runner, or as a real process.

Why two ways: starting `python -m bot` costs ~0.75 s of imports per call, and most CLI tests only need
what the operator sees (exit code, stdout, stderr) from the real typer app. Those run in-process with
the environment and working directory a process would have had, and every piece of per-process state
the CLI sets (logging handlers, levels and record factory, the redactor's secrets, the text catalogue,
os.environ, the cwd) is put back afterwards so the next test sees none of it. Tests that need a process
boundary (signals, a pty, the umask, raw stdin bytes, a kill, a fresh directory's `make run`) use
``run_process``, which returns the same ``Result``.
"""

from __future__ import annotations

import asyncio
import logging
import os
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from typer.testing import CliRunner

import commands.texts
from bot import logs
from bot.__main__ import app

#: Variables the product reads (bot/config.py, bot/logs.py). A test starts from none of them.
PRODUCT_PREFIXES = ("SLACK_", "DISCORD_", "CLIENTES_", "ONBOARDING_", "API_", "BOT_", "AUDIT_", "OUTBOX_", "DB_")
PRODUCT_NAMES = ("LOG_LEVEL", "LOG_FORMAT", "HEALTH_PORT")
REPO = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Result:
    """What the operator sees: the exit code and both streams; ``exception`` is an in-process run's
    uncaught exception (a ``SystemExit`` carrying the exit code is not one)."""

    code: int
    stdout: str
    stderr: str
    exception: BaseException | None = None


def cli_env(**overrides: str | None) -> dict[str, str]:
    """This machine's environment without any product setting, plus ``overrides`` (None removes one).

    DATABASE_URL is kept unless overridden: under PostgreSQL runs it names this worker's database."""
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(PRODUCT_PREFIXES) and name not in PRODUCT_NAMES
    }
    for name, value in overrides.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


def no_traceback(result: Result) -> None:
    """Nothing escaped as a Python error: no traceback printed and no exception other than the exit."""
    assert "Traceback" not in result.stderr + result.stdout
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)


@contextmanager
def _process_state(env: Mapping[str, str], cwd: Path) -> Iterator[None]:
    """The environment and cwd of a process started with ``env`` in ``cwd``; everything the CLI sets
    for its process restored on the way out."""
    saved_env = dict(os.environ)
    saved_cwd = os.getcwd()
    root = logging.getLogger()
    saved_handlers = root.handlers[:]
    saved_level = root.level
    named = ("bot", *logs.CAPPED)
    saved_levels = {name: logging.getLogger(name).level for name in named}
    saved_factory = logging.getLogRecordFactory()
    redactor = logs.REDACT
    with redactor._lock:
        saved_secrets, saved_pattern = set(redactor._values), redactor._known
    saved_texts = commands.texts._selected
    os.environ.clear()
    os.environ.update(env)
    os.chdir(cwd)
    try:
        yield
    finally:
        os.chdir(saved_cwd)
        os.environ.clear()
        os.environ.update(saved_env)
        for handler in root.handlers[:]:
            if handler not in saved_handlers:
                root.removeHandler(handler)
                handler.close()
        root.handlers[:] = saved_handlers
        root.setLevel(saved_level)
        for name, level in saved_levels.items():
            logging.getLogger(name).setLevel(level)
        logging.setLogRecordFactory(saved_factory)
        with redactor._lock:
            redactor._values, redactor._known = saved_secrets, saved_pattern
        commands.texts._selected = saved_texts


def _off_the_event_loop(call: Callable[[], Result]) -> Result:
    """The CLI calls asyncio.run, which cannot run inside a running loop (an async test's): there it
    runs on a thread of its own, as a separate process would, while the test's loop waits."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return call()
    outcome: list[Result | BaseException] = []

    def target() -> None:
        try:
            outcome.append(call())
        except BaseException as exc:  # re-raised in the test's thread
            outcome.append(exc)

    thread = threading.Thread(target=target, name="clientes-bot-cli")
    thread.start()
    thread.join()
    if isinstance(outcome[0], BaseException):
        raise outcome[0]
    return outcome[0]


def run_cli(args: Sequence[str], *, env: Mapping[str, str], cwd: Path, input: str | None = None) -> Result:
    """`clientes-bot ARGS` in this process: the real typer app, ``env`` as the whole environment,
    ``cwd`` as the working directory, ``input`` on stdin (empty: end of input at once)."""

    def call() -> Result:
        with _process_state(env, cwd):
            outcome = CliRunner().invoke(app, list(args), input=input or "", catch_exceptions=True)
        exception = outcome.exception
        if isinstance(exception, SystemExit):
            exception = None if exception.code in (None, 0) or isinstance(exception.code, int) else exception
        return Result(outcome.exit_code, outcome.stdout, outcome.stderr, exception)

    return _off_the_event_loop(call)


def run_process(
    args: Sequence[str],
    *,
    env: Mapping[str, str],
    cwd: Path,
    input: str = "",
    preexec_fn: Callable[[], object] | None = None,
    timeout: float = 120,
) -> Result:
    """``python ARGS`` as a real process (``["-m", "bot", …]`` for the CLI), for what needs one."""
    completed = subprocess.run(
        [sys.executable, *args],
        cwd=cwd,
        env=dict(env),
        input=input,
        capture_output=True,
        text=True,
        timeout=timeout,
        preexec_fn=preexec_fn,
    )
    return Result(completed.returncode, completed.stdout, completed.stderr)
