"""Settings from the environment or `.env` (pydantic-settings); `.env.example` lists every one.

A setting the bot cannot use stops it at start with a Spanish message naming the variable: a typo in
`DISCORD_GUILD_IDS` used to be dropped silently, leaving the list empty and every Discord server
served. Values of secret settings (tokens, keys, the database URL's password) are never echoed.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import Field, SecretStr, ValidationError, ValidationInfo, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from sqlalchemy.exc import ArgumentError

from commands.clock import DEFAULT_ZONE, zone_of
from storage.db import DEFAULT_DATABASE_URL, async_url

IdList = Annotated[frozenset[str], NoDecode]
ShardList = Annotated[tuple[int, ...], NoDecode]

_DISCORD_ID = re.compile(r"[0-9]{1,20}")
_SLACK_ID = re.compile(r"[A-Z][A-Z0-9]{2,20}")
_SLACK_USER_ID = re.compile(r"[UW][A-Z0-9]{2,20}")
_SLACK_CHANNEL_ID = re.compile(r"[CG][A-Z0-9]{2,20}")
_PORT = re.compile(r"[0-9]{1,5}")
_ASYNC_DRIVERS = frozenset({"sqlite+aiosqlite", "postgresql+asyncpg"})
MAX_SHARDS = 1024

DISCORD_ID_LISTS = ("discord_guild_ids",)
DISCORD_ID_FIELDS = ("onboarding_discord_channel_id", "discord_onboarding_role_id", "discord_clients_category_id")
ACCESS_LISTS = ("clientes_viewers", "clientes_editors", "clientes_admins", "clientes_secret_viewers")
SLACK_USER_LISTS = ("slack_onboarding_users",)
#: Service settings: (lowest, highest, unit) of each.
SERVICE_NUMBERS = {
    "outbox_lease_seconds": (5, 3600, "segundos"),
    "outbox_heartbeat_seconds": (1, 1200, "segundos"),
    "outbox_stuck_seconds": (10, 86400, "segundos"),
    "db_pool_size": (1, 100, "conexiones"),
    "db_max_overflow": (0, 100, "conexiones"),
}


class SettingsError(Exception):
    """The configuration cannot be used; `str()` is the Spanish message for the operator."""


def _split_ids(value: object) -> frozenset[str]:
    if value is None or value == "":
        return frozenset()
    if isinstance(value, str):
        return frozenset(part.strip() for part in value.split(",") if part.strip())
    if isinstance(value, int):
        return frozenset({str(value)})
    return frozenset(str(v).strip() for v in value)  # type: ignore[attr-defined]


def _is_discord_id(raw: str) -> bool:
    """A snowflake: digits only (ASCII: `isdigit` also accepts "²" and full-width digits), 64-bit."""
    return _DISCORD_ID.fullmatch(raw) is not None and 0 < int(raw) < 2**64


def _bad(entries: frozenset[str], good: Any) -> list[str]:
    return sorted(entry for entry in entries if not good(entry))


def _shown(raw: str) -> str:
    """An echoed value, with control characters escaped so the message stays one readable line."""
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in raw)


def _refused(entries: list[str], singular: str, plural: str) -> str:
    """Names every bad entry at once: «abc» no es un ID…, or «abc» y «x» no son IDs…"""
    quoted = [f"«{_shown(entry)}»" for entry in entries]
    if len(quoted) == 1:
        return f"{quoted[0]} no es {singular}"
    return f"{', '.join(quoted[:-1])} y {quoted[-1]} no son {plural}"


class Settings(BaseSettings):
    # env_ignore_empty: `.env.example` copied as is leaves `DISCORD_BOT_TOKEN=` and `API_PORT=` empty;
    # empty means "not set" (an empty token used to count as Discord being configured).
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore", env_ignore_empty=True)

    database_url: str = Field(DEFAULT_DATABASE_URL, repr=False)  # may carry a password
    clientes_secret_keys: SecretStr | None = None

    slack_bot_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_app_token: SecretStr | None = None
    slack_mode: Literal["socket", "http"] = "socket"
    slack_port: int = 3000
    slack_api_url: str = "https://slack.com/api/"

    discord_bot_token: SecretStr | None = None
    discord_guild_ids: IdList = Field(default_factory=frozenset)
    discord_api_base_url: str | None = None
    discord_gateway_url: str | None = None

    clientes_viewers: IdList = Field(default_factory=frozenset)
    clientes_editors: IdList = Field(default_factory=frozenset)
    clientes_admins: IdList = Field(default_factory=frozenset)
    clientes_secret_viewers: IdList = Field(default_factory=frozenset)

    onboarding_slack_channel: str | None = None
    onboarding_discord_channel_id: str | None = None
    slack_onboarding_users: IdList = Field(default_factory=frozenset)
    discord_onboarding_role_id: str | None = None
    discord_clients_category_id: str | None = None

    # ---- Discord: explicit sharding (issue 10): one gateway lock per shard, so shard sets may not overlap
    discord_shard_count: int | None = None
    discord_shard_ids: ShardList = ()

    api_token: SecretStr | None = None
    api_port: int = 8080
    # Only Spanish (the manual's labels) is implemented; Discord users with an English client see the
    # command names and descriptions in English through app-command localisations.
    bot_locale: Literal["es"] = "es"

    # ---- change notices, time zone (issue 8: notices, history)
    audit_slack_channel: str | None = None  # a channel id (C…/G…): every change to a client is noted there
    audit_discord_channel_id: str | None = None
    bot_timezone: str = DEFAULT_ZONE  # every time the bot shows; an IANA name

    @field_validator("audit_slack_channel", mode="before")
    @classmethod
    def _slack_channel_id(cls, value: object) -> str | None:
        raw = str(value).strip() if value is not None else ""
        if not raw:
            return None
        if _SLACK_CHANNEL_ID.fullmatch(raw) is None:
            raise ValueError(
                f"«{_shown(raw)}» no es un ID de canal de Slack: se espera el ID (C… o G…, en mayúsculas; en Slack, "
                "«Ver detalles del canal»), no el nombre."
            )
        return raw

    @field_validator("audit_discord_channel_id", mode="before")
    @classmethod
    def _audit_discord_id(cls, value: object) -> str | None:
        raw = str(value).strip() if value is not None else ""
        if not raw:
            return None
        if not _is_discord_id(raw):
            raise ValueError(f"«{_shown(raw)}» no es un ID de canal de Discord (solo dígitos).")
        return raw

    @field_validator("bot_timezone", mode="before")
    @classmethod
    def _timezone(cls, value: object) -> str:
        raw = str(value).strip() if value is not None else ""
        zone_of(_shown(raw) or DEFAULT_ZONE)  # ValueError in Spanish, naming the value
        return raw or DEFAULT_ZONE

    # ---- running as a service (issue 10: outbox lease, database pool, health) ----
    #: How long an outbox job's claim lasts without a heartbeat: what a crash on another host costs.
    outbox_lease_seconds: int = 30
    #: Seconds between lease renewals while a job runs; empty = a third of the lease.
    outbox_heartbeat_seconds: int | None = None
    #: /readyz answers 503 when a due outbox job has waited longer than this (the worker is stuck).
    outbox_stuck_seconds: int = 300
    #: PostgreSQL connections per process: kept open, and extra ones opened under load.
    db_pool_size: int = 5
    db_max_overflow: int = 5
    #: /healthz, /readyz and /metrics when neither the API nor Slack's HTTP mode serves them.
    health_port: int | None = None

    @field_validator("*", mode="before")
    @classmethod
    def _utf8(cls, value: object) -> object:
        """Bytes that are not UTF-8 in the environment arrive as lone surrogates: refuse them by name
        here (later they would fail inside an HTTP header or a log line, far from their cause)."""
        raw = value.get_secret_value() if isinstance(value, SecretStr) else value
        if isinstance(raw, str) and any("\ud800" <= c <= "\udfff" for c in raw):
            raise ValueError("no es texto UTF-8 válido (el valor no se muestra).")
        return value

    _split = field_validator(*DISCORD_ID_LISTS, *ACCESS_LISTS, *SLACK_USER_LISTS, mode="before")(_split_ids)

    @field_validator(*DISCORD_ID_LISTS)
    @classmethod
    def _discord_ids(cls, value: frozenset[str]) -> frozenset[str]:
        if bad := _bad(value, _is_discord_id):
            raise ValueError(
                _refused(bad, "un ID de servidor de Discord", "IDs de servidor de Discord") + " (solo dígitos)."
            )
        return value

    @field_validator(*DISCORD_ID_FIELDS, mode="before")
    @classmethod
    def _discord_id(cls, value: object) -> str | None:
        raw = str(value).strip() if value is not None else ""
        if not raw:
            return None
        if not _is_discord_id(raw):
            raise ValueError(f"«{_shown(raw)}» no es un ID de Discord (solo dígitos).")
        return raw

    @field_validator(*ACCESS_LISTS)
    @classmethod
    def _access_ids(cls, value: frozenset[str]) -> frozenset[str]:
        if bad := _bad(value, lambda e: _is_discord_id(e) or _SLACK_ID.fullmatch(e) is not None):
            raise ValueError(
                _refused(bad, "un ID de Slack ni de Discord", "IDs de Slack ni de Discord")
                + ": se esperan IDs de Slack (U…, W…, o S… de un grupo de usuarios, en mayúsculas) o de Discord "
                "(solo dígitos); el ID, no el nombre ni la mención."
            )
        return value

    @field_validator(*SLACK_USER_LISTS)
    @classmethod
    def _slack_user_ids(cls, value: frozenset[str]) -> frozenset[str]:
        if bad := _bad(value, lambda e: _SLACK_USER_ID.fullmatch(e) is not None):
            raise ValueError(
                _refused(bad, "un ID de usuario de Slack", "IDs de usuario de Slack") + " (U… o W…, en mayúsculas)."
            )
        return value

    @field_validator("slack_bot_token", "slack_app_token", mode="before")
    @classmethod
    def _slack_token(cls, value: object, info: ValidationInfo) -> object:
        """A token pasted in the other's place only fails later, at Slack: say so at start (not echoed)."""
        raw = value.get_secret_value() if isinstance(value, SecretStr) else value
        if not isinstance(raw, str):
            return value
        prefix = "xoxb-" if info.field_name == "slack_bot_token" else "xapp-"
        if raw.strip() and not raw.strip().startswith(prefix):
            kind = "de bot" if prefix == "xoxb-" else "de la app (Socket Mode)"
            raise ValueError(f"se espera el token {kind}, que empieza por {prefix} (el valor no se muestra).")
        return raw.strip()

    @field_validator("slack_port", "api_port", "health_port", mode="before")
    @classmethod
    def _port(cls, value: object) -> int | None:
        if value is None:
            return None
        raw = str(value).strip()
        if _PORT.fullmatch(raw) is None or not 1 <= int(raw) <= 65535:
            raise ValueError(f"«{_shown(raw)}» no es un puerto (un número entre 1 y 65535).")
        return int(raw)

    @field_validator(*SERVICE_NUMBERS, mode="before")
    @classmethod
    def _service_number(cls, value: object, info: ValidationInfo) -> int | None:
        """Whole numbers within a range that makes sense, so a typo fails at start, not under load."""
        if value is None:
            return None
        raw = str(value).strip()
        low, high, unit = SERVICE_NUMBERS[str(info.field_name)]
        if re.fullmatch(r"[0-9]{1,7}", raw) is None or not low <= int(raw) <= high:
            raise ValueError(f"«{_shown(raw)}» no es válido: se espera un número entero de {low} a {high} {unit}.")
        return int(raw)

    @model_validator(mode="after")
    def _heartbeat_inside_lease(self) -> Settings:
        beat = self.outbox_heartbeat_seconds
        if beat is not None and beat >= self.outbox_lease_seconds:
            raise ValueError(
                f"OUTBOX_HEARTBEAT_SECONDS ({beat}) debe ser menor que OUTBOX_LEASE_SECONDS "
                f"({self.outbox_lease_seconds}): la reserva vencería entre dos renovaciones."
            )
        return self

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str) -> str:
        # Never echo the value: it may carry the database password.
        expected = "se espera sqlite:///ruta/archivo.db o postgresql://usuario:clave@host:5432/base"
        try:
            url = async_url(value.strip())
        except (ArgumentError, ValueError):
            raise ValueError(f"no es una URL de base de datos válida ({expected}).") from None
        if url.drivername not in _ASYNC_DRIVERS:
            raise ValueError(f"el motor «{url.drivername}» no está soportado ({expected}).")
        if url.port is not None and not 1 <= url.port <= 65535:
            raise ValueError(f"el puerto no está entre 1 y 65535 ({expected}).")
        return value.strip()

    @field_validator("slack_api_url", "discord_api_base_url", mode="before")
    @classmethod
    def _http_url(cls, value: object) -> str | None:
        return _url(value, ("http", "https"))

    @field_validator("discord_gateway_url", mode="before")
    @classmethod
    def _gateway_url(cls, value: object) -> str | None:
        return _url(value, ("ws", "wss", "http", "https"))

    @field_validator("discord_shard_count", mode="before")
    @classmethod
    def _shard_count(cls, value: object) -> int | None:
        raw = str(value).strip() if value is not None else ""
        if not raw:
            return None
        if not raw.isdigit() or not 1 <= int(raw) <= MAX_SHARDS:
            raise ValueError(f"«{_shown(raw)}» no es un número de shards (un entero entre 1 y {MAX_SHARDS}).")
        return int(raw)

    @field_validator("discord_shard_ids", mode="before")
    @classmethod
    def _shard_ids(cls, value: object, info: ValidationInfo) -> tuple[int, ...]:
        """Which of DISCORD_SHARD_COUNT's shards this process connects (all of them when empty)."""
        if isinstance(value, tuple | list):
            value = ",".join(str(v) for v in value)
        entries = [e.strip() for e in str(value or "").split(",") if e.strip()]
        if not entries:
            return ()
        count = info.data.get("discord_shard_count")
        if count is None:
            raise ValueError("requiere DISCORD_SHARD_COUNT (el total de shards del bot).")
        if bad := [e for e in entries if not e.isdigit() or int(e) >= count]:
            raise ValueError(_refused(bad, f"un shard entre 0 y {count - 1}", f"shards entre 0 y {count - 1}") + ".")
        return tuple(sorted({int(e) for e in entries}))

    @property
    def discord_shards(self) -> tuple[int, ...] | None:
        """The shards this process connects: None unsharded (a plain Client), else the ids."""
        if self.discord_shard_count is None:
            return None
        return self.discord_shard_ids or tuple(range(self.discord_shard_count))

    @property
    def slack_enabled(self) -> bool:
        if not self.slack_bot_token:
            return False
        return bool(self.slack_signing_secret) if self.slack_mode == "http" else bool(self.slack_app_token)

    @property
    def discord_enabled(self) -> bool:
        return self.discord_bot_token is not None


def _url(value: object, schemes: tuple[str, ...]) -> str | None:
    from urllib.parse import urlsplit

    raw = str(value).strip() if value is not None else ""
    if not raw:
        return None
    try:
        parts = urlsplit(raw)
        ok = parts.scheme in schemes and bool(parts.hostname)
        parts.port  # noqa: B018 - raises ValueError for a port out of range
    except ValueError:
        ok = False
    if not ok:  # not echoed: a proxy URL may carry credentials
        shown = [scheme + "://" for scheme in schemes]
        raise ValueError(f"no es una URL válida (se espera {', '.join(shown[:-1])} o {shown[-1]}).")
    return raw


_MESSAGES = {
    "int_parsing": "debe ser un número entero.",
    "int_type": "debe ser un número entero.",
    "string_type": "debe ser un texto.",
    "string_unicode": "no es texto UTF-8 válido.",
}


def _describe(error: Any) -> str:
    """One Spanish line per bad setting, naming the environment variable (never a secret's value)."""
    variable = str(error["loc"][0]).upper() if error.get("loc") else "Configuración"
    kind = error.get("type", "")
    if kind == "value_error":
        message = str(error["ctx"]["error"])
    elif kind == "literal_error":
        message = f"debe ser {error['ctx']['expected'].replace(' or ', ' o ')}."
    else:
        message = _MESSAGES.get(kind, "valor no válido.")
    return f"{variable}: {message}" if error.get("loc") else message.removeprefix("Value error, ")


def load_settings(**values: Any) -> Settings:
    """The settings, or a `SettingsError` listing every bad variable in Spanish."""
    try:
        return Settings(**values)
    except ValidationError as exc:
        lines = [_describe(error) for error in exc.errors(include_url=False, include_input=False)]
        raise SettingsError("Configuración no válida:\n" + "\n".join(f"  {line}" for line in lines)) from None
    except UnicodeDecodeError:
        raise SettingsError("Configuración no válida: el archivo .env no está en UTF-8.") from None
