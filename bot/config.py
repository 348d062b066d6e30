"""Settings from the environment or `.env` (pydantic-settings); `.env.example` lists every one."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from storage.db import DEFAULT_DATABASE_URL

IdList = Annotated[frozenset[str], NoDecode]


def _split_ids(value: object) -> frozenset[str]:
    if value is None or value == "":
        return frozenset()
    if isinstance(value, str):
        return frozenset(part.strip() for part in value.split(",") if part.strip())
    return frozenset(str(v) for v in value)  # type: ignore[union-attr]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

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

    api_token: SecretStr | None = None
    api_port: int = 8080
    # Only Spanish (the manual's labels) is implemented; Discord users with an English client see the
    # command names and descriptions in English through app-command localisations.
    bot_locale: Literal["es"] = "es"

    _split = field_validator(
        "discord_guild_ids",
        "clientes_viewers",
        "clientes_editors",
        "clientes_admins",
        "clientes_secret_viewers",
        "slack_onboarding_users",
        mode="before",
    )(_split_ids)

    @property
    def slack_enabled(self) -> bool:
        if not self.slack_bot_token:
            return False
        return bool(self.slack_signing_secret) if self.slack_mode == "http" else bool(self.slack_app_token)

    @property
    def discord_enabled(self) -> bool:
        return self.discord_bot_token is not None
