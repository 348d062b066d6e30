"""Logging for every command: one handler on stderr, secrets masked in every record, body loggers capped.

Why: a log travels further than the database (terminals, journald, support tickets), so no line may
carry a server password, a token, the signing secret or a Fernet key, at any level we offer. Three
layers, each enough on its own for what it covers:

1. Third-party loggers that print request/response bodies (Bolt prints a badly signed request whole,
   slack_sdk and discord.py print every body at DEBUG) are capped at WARNING, both by logger level and
   by a filter on our handler (Bolt copies the root's level onto its own loggers, so a level alone is
   not enough). Their warnings and errors still pass, redacted.
2. Every record is redacted when it is created (a log-record factory), so every handler — ours, a
   test's, one a library adds — only ever sees the masked text: the configured secrets by value and
   secret-shaped text (tokens, keys, ``password``/``contraseña`` fields, revealed-password messages).
3. Our handler's formatter redacts the final line again, for records made before the factory existed.

``LOG_LEVEL`` (DEBUG, INFO, WARNING, ERROR; default INFO) and ``LOG_FORMAT`` (``text``, the default:
rich's columns at a terminal and one plain unwrapped line per record elsewhere; ``json``: one JSON
object per line, for log collectors) are read here, from the environment or `.env`.
"""

from __future__ import annotations

import contextlib
import json
import logging
import re
import sys
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any, TextIO
from urllib.parse import quote, quote_plus, unquote_plus

from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict
from rich.console import Console
from rich.logging import RichHandler

MASK = "[oculto]"
LEVELS = {"DEBUG": logging.DEBUG, "INFO": logging.INFO, "WARNING": logging.WARNING, "ERROR": logging.ERROR}
DEFAULT_LEVEL = "INFO"
FORMATS = ("text", "json")
DEFAULT_FORMAT = "text"
PLAIN_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
#: Loggers that print bodies, headers or SQL parameters below WARNING. Never lowered, whatever LOG_LEVEL.
CAPPED = (
    "slack_bolt",
    "slack_sdk",
    "discord",
    "aiohttp",
    "asyncpg",
    "aiosqlite",
    "sqlalchemy",
    "alembic",
    "websockets",
    "urllib3",
    "httpx",
    "httpcore",
)
#: Shorter configured values would mask ordinary words; such a "secret" is not one anyway.
MIN_SECRET_LENGTH = 6

_SECRET_WORD = r"(?:password|passwd|contrase(?:ñ|n|\\u00f1|\\u00F1)a|secret|token|authorization|api[_-]?key|ticket)"
# A secret-named key in JSON, a Python repr, a form body or kwargs, up to its separator; or the start
# of a revealed-password notice ("Contraseña de srv.pe: …" in Slack, "Contraseña de **srv** (…): …" in
# Discord). Both begin with a literal word and repeat boundedly, so scanning a long line stays linear.
_SECRET_KEY = re.compile(
    rf"(?i)contrase(?:ñ|n|\\u00f1)a de [^\n:]{{1,300}}?(?P<sep2>:)[ \t]*"
    rf"|{_SECRET_WORD}[\w.-]{{0,40}}(?:\\{{0,3}}[\"'])?\s{{0,3}}(?P<sep>[:=])[ \t]*"
)
# A form component named like a secret ({"custom_id": "password", "value": "…"} in a Discord modal
# submission, in either order): its "value" strings are masked. Innermost objects only, string-aware.
_INNER_OBJECT = re.compile(r"""\{(?:[^{}"'\n]|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')*\}""")
_SECRET_NAMED = re.compile(
    rf"(?i)[\"']?(?:custom_id|action_id|block_id|name|id)[\"']?\s{{0,3}}[:=]\s{{0,3}}[\"'][^\"'\n]{{0,80}}{_SECRET_WORD}"
)
_VALUE_ENTRY = re.compile(
    r"""(?P<key>["']?value["']?\s{0,3}[:=]\s{0,3})(?P<value>"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')"""
)
_SETTING_NAME = re.compile(r"[A-Za-z0-9_]+")
_DQ_STRING = re.compile(r'"(?:[^"\\\n]|\\.)*"')
_SQ_STRING = re.compile(r"'(?:[^'\\\n]|\\.)*'")
_FORM_VALUE = re.compile(r"[^\s&,;)\]}]*")
_TO_EOL = re.compile(r"[^\n]*")
# Runs of URL-encoded text (a form body, a query string) are decoded, redacted, and shown decoded if masked.
_RUN = re.compile(r"[^\s\"'<>\[\]{}|\\^`]+")
_PERCENT = re.compile(r"%[0-9A-Fa-f]{2}")
_SHAPES: tuple[tuple[re.Pattern[str], str], ...] = (
    # Slack tokens (bot, user, refresh, app-level).
    (re.compile(r"\b(xox[a-z]|xoxe\.xox[a-z]|xapp)-[A-Za-z0-9-]+"), rf"\1-{MASK}"),
    # Authorization header schemes, when what follows looks like a credential (has a digit or a symbol:
    # "el bot responde" is Spanish, not a header; configured secrets are masked by value anyway).
    (re.compile(r"(?i)\b(Bearer|Bot|Basic)\s+(?=[A-Za-z]*[0-9._~+/=-])[A-Za-z0-9._~+/=-]{6,}"), rf"\1 {MASK}"),
    # Discord bot tokens: base64(user id) . timestamp . HMAC.
    (re.compile(r"(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{18,40}\.[A-Za-z0-9_-]{5,7}\.[A-Za-z0-9_-]{20,80}"), MASK),
    # Fernet tokens (version byte 0x80 → "gAAAAA") and keys (32 bytes → 43 chars and "=").
    (re.compile(r"\bgAAAAA[A-Za-z0-9_-]{20,}={0,2}"), MASK),
    (re.compile(r"(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{43}=(?![A-Za-z0-9_=-])"), MASK),
    # Credentials in URLs: user:password@host, Slack response_url/webhook paths, Discord interaction tokens.
    (re.compile(r"(?i)\b([a-z][a-z0-9+.-]{0,20}://[^:/@\s]{0,200}):[^@/\s]{1,500}@"), rf"\1:{MASK}@"),
    (re.compile(r"(hooks\.slack\.com/(?:actions|services|commands|workflows|triggers)/)[^\s\"'&]+"), rf"\1{MASK}"),
    (re.compile(r"(/(?:webhooks|interactions)/\d+/)[A-Za-z0-9._-]{16,}"), rf"\1{MASK}"),
    # Discord spoilers: how a revealed password is sent there.
    (re.compile(r"\|\|(?:\\.|[^|\n])+\|\|"), f"||{MASK}||"),
)


class Redactor:
    """Masks configured secrets by value and secret-shaped text; thread-safe to extend at any time."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._values: set[str] = set()
        self._known: re.Pattern[str] | None = None

    def add(self, value: str | SecretStr | None) -> None:
        """Registers a secret and the forms it takes in bodies (URL-quoted, JSON-escaped)."""
        if isinstance(value, SecretStr):
            value = value.get_secret_value()
        if not value or len(value.strip()) < MIN_SECRET_LENGTH:
            return
        value = value.strip()
        forms = {
            value,
            quote_plus(value),
            quote(value),
            quote(value, safe=""),
            json.dumps(value)[1:-1],
            json.dumps(value, ensure_ascii=False)[1:-1],
        }
        with self._lock:
            if forms <= self._values:
                return
            self._values |= forms
            alternatives = sorted(self._values, key=len, reverse=True)
            self._known = re.compile("|".join(re.escape(v) for v in alternatives))

    def __call__(self, text: str) -> str:
        return self._redact(text, decode=True)

    def _redact(self, text: str, *, decode: bool) -> str:
        if not text:
            return text
        known = self._known
        if known is not None:
            text = known.sub(MASK, text)
        if decode and "%" in text:
            text = _RUN.sub(self._decoded_if_secret, text)
        text = _mask_secret_values(text)
        if "value" in text:
            text = _INNER_OBJECT.sub(_mask_secret_component, text)
        for pattern, replacement in _SHAPES:
            text = pattern.sub(replacement, text)
        return text

    def _decoded_if_secret(self, match: re.Match[str]) -> str:
        raw = match.group(0)
        if not _PERCENT.search(raw):
            return raw
        decoded = unquote_plus(raw)
        masked = self._redact(decoded, decode=False)
        return masked if masked != decoded else raw


def _mask_secret_values(text: str) -> str:
    """Masks the value after every secret-named key.

    A quoted string is masked exactly; a form or kwargs value up to its delimiter; anything whose end
    cannot be told for sure (an object, an escaped string, the text after a colon) up to the end of the
    line: over-masking a debug line costs little, a leaked password a lot. An upper-case name before a
    colon and prose is a sentence naming a setting ("falta SLACK_SIGNING_SECRET: Slack no se inicia"),
    not a value: settings' values are masked by value (``register_settings``).
    """
    out: list[str] = []
    position = 0
    for match in _SECRET_KEY.finditer(text):
        start = match.end()
        if start < position or _names_a_setting(match, text):
            continue
        end = _value_end(text, start, match.group("sep") or match.group("sep2"))
        if end == start:
            continue
        out.append(text[position:start])
        out.append(_masked_like(text[start:end]))
        position = end
    out.append(text[position:])
    return "".join(out)


def _names_a_setting(match: re.Match[str], text: str) -> bool:
    if match.group("sep") != ":" or text[match.end() : match.end() + 1] in ("", "{", "[", "\\", '"', "'"):
        return False
    name = _SETTING_NAME.match(text, match.start())
    return name is not None and name.group(0).isupper()


def _mask_secret_component(match: re.Match[str]) -> str:
    component = match.group(0)
    if not _SECRET_NAMED.search(component):
        return component
    return _VALUE_ENTRY.sub(lambda v: v.group("key") + _masked_like(v.group("value")), component)


def _value_end(text: str, start: int, separator: str) -> int:
    if start >= len(text) or text.startswith(MASK, start):
        return start
    first = text[start]
    for pattern, quote_char in ((_DQ_STRING, '"'), (_SQ_STRING, "'")):
        if first == quote_char:
            closed = pattern.match(text, start)
            return closed.end() if closed else _TO_EOL.match(text, start).end()  # type: ignore[union-attr]
    if separator == "=" and first not in "{[\\":
        return _FORM_VALUE.match(text, start).end()  # type: ignore[union-attr]
    return _TO_EOL.match(text, start).end()  # type: ignore[union-attr]


def _masked_like(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return f"{value[0]}{MASK}{value[0]}"
    return MASK


REDACT = Redactor()


def register_secret(value: str | SecretStr | None) -> None:
    """Masks ``value`` in every log line from now on (tokens, keys, anything the process is given)."""
    REDACT.add(value)


def register_settings(settings: BaseSettings) -> None:
    """Every secret a settings object holds: its SecretStr fields (each comma-separated part too, for
    key lists) and the password of the database URL."""
    for name in type(settings).model_fields:
        value = getattr(settings, name, None)
        if isinstance(value, SecretStr):
            raw = value.get_secret_value()
            register_secret(raw)
            for part in raw.split(","):
                register_secret(part)
    url = getattr(settings, "database_url", None)
    if isinstance(url, str):
        from sqlalchemy.engine import make_url
        from sqlalchemy.exc import ArgumentError

        with contextlib.suppress(ArgumentError):
            register_secret(make_url(url).password)


def redact_record(record: logging.LogRecord) -> logging.LogRecord:
    """Formats the record's message now and masks it; the exception and stack texts too."""
    try:
        message = record.getMessage()
    except Exception:  # a wrong format string: logging would print the raw arguments
        message = f"{record.msg} [argumentos omitidos: formato inválido]"
    record.msg, record.args = REDACT(str(message)), ()
    if record.exc_info and not record.exc_text:
        record.exc_text = logging.Formatter().formatException(record.exc_info)
    if record.exc_text:
        record.exc_text = REDACT(record.exc_text)
    if record.stack_info:
        record.stack_info = REDACT(record.stack_info)
    return record


class _RedactingFactory:
    """Wraps the log-record factory in place when installed (once; re-installing is a no-op)."""

    def __init__(self, inner: Callable[..., logging.LogRecord]) -> None:
        self.inner = inner

    def __call__(self, *args: Any, **kwargs: Any) -> logging.LogRecord:
        return redact_record(self.inner(*args, **kwargs))


class CapBodyLoggers(logging.Filter):
    """Drops records below WARNING from the body-printing libraries, whatever their logger's level."""

    def __init__(self, prefixes: Iterable[str] = CAPPED) -> None:
        super().__init__()
        self.prefixes = tuple(prefixes)

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno >= logging.WARNING:
            return True
        name = record.name
        return not any(name == p or name.startswith(p + ".") for p in self.prefixes)


class RedactingFormatter(logging.Formatter):
    """The final line, masked again (records created before the factory was installed)."""

    def format(self, record: logging.LogRecord) -> str:
        return REDACT(super().format(record))


class JsonFormatter(logging.Formatter):
    """One JSON object per record, on one line (newlines inside are escaped by JSON itself).

    Each field is redacted before it is encoded, never the encoded line: masking "to the end of the
    line" inside a JSON line would cut it and leave something that no longer parses."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S") + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "message": REDACT(record.getMessage()),
        }
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exception"] = REDACT(record.exc_text)
        if record.stack_info:
            entry["stack"] = REDACT(record.stack_info)
        return json.dumps(entry, ensure_ascii=False)


JsonFormatter.converter = time.gmtime  # the "Z" above: times in UTC


class _Ours:
    """Marks our handlers, so a second setup replaces them instead of doubling every line."""


class _RichOurs(_Ours, RichHandler):
    """At a terminal: rich's columns."""


class _PlainOurs(_Ours, logging.StreamHandler):
    """Anywhere else (journald, docker, a file): one unwrapped line per record, to the stream given or
    to whatever ``sys.stderr`` is at the moment (like logging's last-resort handler)."""

    def __init__(self, stream: TextIO | None) -> None:
        super().__init__(stream)
        self._fixed = stream

    @property
    def stream(self) -> TextIO:
        return self._fixed if self._fixed is not None else sys.stderr

    @stream.setter
    def stream(self, value: TextIO | None) -> None:
        self._fixed = value


class LogSettings(BaseSettings):
    """``LOG_LEVEL`` from the environment or `.env`, like every other setting."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    log_level: str = DEFAULT_LEVEL
    log_format: str = DEFAULT_FORMAT


def level_from(name: str | int | None) -> tuple[int, str | None]:
    """The level for ``name`` and, if the name is not one we offer, the Spanish warning to log."""
    if isinstance(name, int):
        return name, None
    chosen = (name or DEFAULT_LEVEL).strip().upper()
    if chosen in LEVELS:
        return LEVELS[chosen], None
    return LEVELS[DEFAULT_LEVEL], (
        f"LOG_LEVEL={name!r} no es un nivel válido ({', '.join(LEVELS)}); se usa {DEFAULT_LEVEL}."
    )


def format_from(name: str | None) -> tuple[str, str | None]:
    """The format for ``name`` and, if it is not one we offer, the Spanish warning to log."""
    chosen = (name or DEFAULT_FORMAT).strip().lower()
    if chosen in FORMATS:
        return chosen, None
    return (
        DEFAULT_FORMAT,
        f"LOG_FORMAT={name!r} no es un formato válido ({', '.join(FORMATS)}); se usa {DEFAULT_FORMAT}.",
    )


def setup_logging(
    level: str | int | None = None,
    *,
    console: Console | None = None,
    stream: TextIO | None = None,
    log_format: str | None = None,
) -> logging.Handler:
    """Installs redaction, the caps and our one handler on the root logger; returns the handler.

    ``level`` defaults to ``LOG_LEVEL``, ``log_format`` to ``LOG_FORMAT``. With ``json`` each record is
    one JSON object per line; otherwise a ``console`` that is a terminal gets rich's columns, and
    anything else one plain, unwrapped line (searchable), on ``stream`` or the current stderr.
    Safe to call again: the previous handler of ours is replaced.
    """
    if level is None or log_format is None:
        try:
            configured = LogSettings()
            level = configured.log_level if level is None else level
            log_format = configured.log_format if log_format is None else log_format
        except Exception:  # a malformed .env is reported by the command's own settings
            level = DEFAULT_LEVEL if level is None else level
    chosen, warning = level_from(level)
    shape, format_warning = format_from(log_format)

    factory = logging.getLogRecordFactory()
    if not isinstance(factory, _RedactingFactory):
        logging.setLogRecordFactory(_RedactingFactory(factory))

    root = logging.getLogger()
    for old in [h for h in root.handlers if isinstance(h, _Ours)]:
        root.removeHandler(old)
    handler: logging.Handler
    if shape == "json":
        handler = _PlainOurs(stream)
        handler.setFormatter(JsonFormatter())
    elif console is not None and console.is_terminal:
        handler = _RichOurs(console=console, show_path=False, rich_tracebacks=False, markup=False)
        handler.setFormatter(RedactingFormatter("%(message)s", datefmt="[%X]"))
    else:
        handler = _PlainOurs(stream)
        handler.setFormatter(RedactingFormatter(PLAIN_FORMAT))
    handler.addFilter(CapBodyLoggers())
    root.addHandler(handler)
    root.setLevel(chosen)
    for name in CAPPED:
        logging.getLogger(name).setLevel(max(chosen, logging.WARNING))
    for message in (warning, format_warning):
        if message:
            logging.getLogger("bot").warning(message)
    return handler
