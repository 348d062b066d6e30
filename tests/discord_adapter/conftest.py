"""Fixtures for the Discord adapter: the real bot on a real database, talking to the fake Discord.

`discord_ui` drives it like a person in Discord: run a slash command, submit the modal the bot
opened (starting from the values the modal showed), click a button or pick an option *of the message
the bot actually sent* (as the fake recorded it). On teardown it checks that every message the bot
sent carried `allowed_mentions: {"parse": []}`.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterable, Mapping, Sequence
from typing import Any

import pytest

from bot.config import Settings
from bot.discord.client import ClientesBot
from bot.runtime import Core, audit_channels_from, policy_from
from commands.service import ClientService
from storage.crypto import SecretBox
from storage.db import Database
from tests.fakes.discord_payloads import (
    button_click,
    deliver,
    login_without_gateway,
    modal_submit,
    select_choice,
    slash_command,
)
from tests.fakes.fake_discord import FAKE_TOKEN, GUILD_ID, FakeDiscord, InteractionCallback

Payload = dict[str, Any]


def make_settings(**values: Any) -> Settings:
    values.setdefault("discord_guild_ids", str(GUILD_ID))
    return Settings(_env_file=None, discord_bot_token=FAKE_TOKEN, **values)  # type: ignore[call-arg]


@pytest.fixture
def settings() -> Settings:
    return make_settings()


@pytest.fixture
def core(db: Database, box: SecretBox, settings: Settings) -> Core:
    return Core(settings, db, box, ClientService(db, box, policy_from(settings), audit_channels_from(settings)))


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    async with FakeDiscord(token=FAKE_TOKEN) as server:
        with server.patch_discord_py():
            yield server


@pytest.fixture
async def bot(fake: FakeDiscord, core: Core) -> AsyncIterator[ClientesBot]:
    client = ClientesBot(core)
    await login_without_gateway(client)
    yield client
    await client.close()


def walk(components: Iterable[Mapping[str, Any]]) -> Iterable[Mapping[str, Any]]:
    for component in components:
        yield component
        yield from walk(component.get("components") or [])
        if isinstance(component.get("component"), Mapping):
            yield from walk([component["component"]])


def find(message: Mapping[str, Any], *, label: str | None = None, prefix: str | None = None) -> Mapping[str, Any]:
    """The component of `message` with that button label or custom_id prefix."""
    for component in walk(message.get("components") or []):
        if label is not None and component.get("label") == label:
            return component
        if prefix is not None and str(component.get("custom_id", "")).startswith(prefix):
            return component
    raise AssertionError(
        f"no component {label or prefix!r} in {[c.get('custom_id') for c in walk(message.get('components') or [])]}"
    )


def option_values(select: Mapping[str, Any]) -> dict[str, str]:
    """label -> value of a select's options."""
    return {o["label"]: o["value"] for o in select.get("options") or []}


class DiscordUI:
    """A person using the bot through Discord (see module docstring)."""

    def __init__(self, fake: FakeDiscord, bot: ClientesBot) -> None:
        self.fake, self.bot = fake, bot

    async def _deliver(self, payload: Payload) -> InteractionCallback:
        await deliver(self.bot, payload, fake=self.fake)
        [callback] = self.fake.interaction_callbacks(int(payload["id"]))
        if callback.type in (5, 6):  # deferred: the answer is the later edit of @original
            await self.fake.wait_for_request("PATCH", rf"/{payload['token']}/messages/@original$")
        return callback

    async def command(
        self, sub: str, options: Mapping[str, Any] | None = None, **envelope: Any
    ) -> tuple[InteractionCallback, Payload]:
        payload = slash_command("clientes", sub, options, command_guild_id=GUILD_ID, **envelope)
        return await self._deliver(payload), payload

    def message(self, payload: Payload) -> Payload:
        """The message the bot's answer to `payload` created or edited (as Discord holds it)."""
        return self.fake.originals[payload["token"]]

    async def submit(
        self, modal: InteractionCallback, values: Mapping[str, str | Sequence[str]] | None = None, **envelope: Any
    ) -> tuple[InteractionCallback, Payload]:
        """Submits the modal the bot opened: what it showed pre-filled, overridden by `values`."""
        assert modal.type == 9, f"expected a modal, got callback type {modal.type}: {modal.data}"
        fields: dict[str, str | list[str]] = {}
        for label in modal.components:
            inner = label["component"]
            if inner["type"] == 3:
                fields[inner["custom_id"]] = [o["value"] for o in inner["options"] if o.get("default")]
            else:
                fields[inner["custom_id"]] = inner.get("value") or ""
        for key, value in (values or {}).items():
            assert key in fields, f"{key} is not in the modal ({list(fields)})"
            fields[key] = value if isinstance(value, str) else list(value)
        payload = modal_submit(modal.data["custom_id"], fields, **envelope)
        return await self._deliver(payload), payload

    async def click(
        self, message: Payload, *, label: str | None = None, prefix: str | None = None, **envelope: Any
    ) -> tuple[InteractionCallback, Payload]:
        button = find(message, label=label, prefix=prefix)
        assert button["type"] == 2 and not button.get("disabled"), button
        payload = button_click(button["custom_id"], message=message, **envelope)
        return await self._deliver(payload), payload

    async def pick(
        self, message: Payload, prefix: str, labels: Sequence[str], **envelope: Any
    ) -> tuple[InteractionCallback, Payload]:
        """Picks options (by label) of the select whose custom_id starts with `prefix`."""
        select = find(message, prefix=prefix)
        options = option_values(select)
        payload = select_choice(select["custom_id"], [options[label] for label in labels], message=message, **envelope)
        return await self._deliver(payload), payload

    def sent_messages(self) -> list[Payload]:
        """Bodies of every message the bot sent or edited (callbacks 4/7, follow-ups, @original edits)."""
        bodies = [cb.data for cb in self.fake.interaction_callbacks() if cb.type in (4, 7)]
        bodies += [r.json for r in self.fake.followups()]
        bodies += [r.json for r in self.fake.original_edits()]
        return bodies


@pytest.fixture
async def discord_ui(fake: FakeDiscord, bot: ClientesBot) -> AsyncIterator[DiscordUI]:
    person = DiscordUI(fake, bot)
    yield person
    await asyncio.sleep(0)
    for body in person.sent_messages():
        assert body.get("allowed_mentions") == {"parse": []}, body
