"""Access does not depend on discord.py's private parser: with `guild_gate.install` (the wrap of
INTERACTION_CREATE, kept for the expired-form and malformed-payload answers) switched off, the public
`interaction_check` hooks alone still refuse DMs and other servers — slash commands, autocompletes,
restart-proof buttons and selects, and modal submits — before any handler runs. So the `<2.8` pin
guards those answers, not security."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.discord import guild_gate
from bot.discord.client import ClientesBot
from bot.discord.guild_gate import FROM_DM, OTHER_GUILD
from bot.discord.handlers import ROUTES
from bot.discord.ui import DYNAMIC_ITEMS, SectionModal
from bot.runtime import Core
from commands.forms import CONTACT
from commands.texts import texts
from tests.fakes.discord_payloads import autocomplete, button_click, deliver, login_without_gateway
from tests.fakes.fake_discord import FakeDiscord

from .conftest import DiscordUI
from .test_guild_gate import CLIENT_FIELDS, STRANGER_GUILD, acme, refused, total


@pytest.fixture
async def unwrapped(fake: FakeDiscord, core: Core, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[DiscordUI]:
    """The bot as it would run if a discord.py release moved the private parser: no wrap at all."""
    monkeypatch.setattr(guild_gate, "install", lambda client: None)
    bot = ClientesBot(core)
    await login_without_gateway(bot)
    assert not isinstance(bot._connection.parsers["INTERACTION_CREATE"], guild_gate.WrappedParser)
    try:
        yield DiscordUI(fake, bot)
    finally:
        await bot.close()


async def test_commands_from_a_dm_or_another_server_are_refused_without_the_wrap(
    unwrapped: DiscordUI, core: Core
) -> None:
    cid = await acme(core)
    answer, _ = await unwrapped.command("ver", {"cliente": f"#{cid}"}, guild_id=None)
    refused(answer, FROM_DM)
    answer, _ = await unwrapped.command("ver", {"cliente": f"#{cid}"}, guild_id=STRANGER_GUILD)
    refused(answer, OTHER_GUILD)
    answer, _ = await unwrapped.command("nuevo", guild_id=STRANGER_GUILD)
    refused(answer, OTHER_GUILD)  # no form opened either
    answer, _ = await unwrapped.command("ver", {"cliente": f"#{cid}"})  # the team's server: served
    assert answer.data["embeds"][0]["title"].startswith("ACME")


async def test_autocomplete_from_another_server_gets_no_choices_without_the_wrap(
    unwrapped: DiscordUI, fake: FakeDiscord, core: Core
) -> None:
    await acme(core)
    for envelope in ({"guild_id": STRANGER_GUILD}, {"guild_id": None}):
        theirs = autocomplete("clientes", "ver", value="acme", **envelope)
        await deliver(unwrapped.bot, theirs, fake=fake)
        [answer] = fake.interaction_callbacks(int(theirs["id"]))
        assert answer.type == 8 and answer.choices == []


async def test_components_and_forms_from_another_server_are_refused_without_the_wrap(
    unwrapped: DiscordUI, core: Core
) -> None:
    cid = await acme(core)
    _, payload = await unwrapped.command("ver", {"cliente": f"#{cid}"})
    card = unwrapped.message(payload)
    answer, _ = await unwrapped.click(card, label="Eliminar", guild_id=STRANGER_GUILD)
    refused(answer, OTHER_GUILD)
    answer, _ = await unwrapped.click(card, label=CONTACT.title, guild_id=None)  # would open a modal
    refused(answer, FROM_DM)
    _, payload = await unwrapped.command("editar", {"cliente": f"#{cid}"})
    answer, _ = await unwrapped.pick(unwrapped.message(payload), "cb:ed:", ["Otros Datos"], guild_id=STRANGER_GUILD)
    refused(answer, OTHER_GUILD)

    modal, _ = await unwrapped.command("nuevo")  # opened in the team's server, submitted from a DM
    before = await total(core)
    answer, _ = await unwrapped.submit(modal, {**CLIENT_FIELDS, "doc_number": "20600000001"}, guild_id=None)
    refused(answer, FROM_DM)
    assert await total(core) == before  # nothing was created


async def test_a_button_no_component_owns_is_answered_without_the_wrap(unwrapped: DiscordUI, fake: FakeDiscord) -> None:
    payload = button_click("algo:que:no:es:nuestro")
    await deliver(unwrapped.bot, payload, fake=fake)
    [answer] = fake.interaction_callbacks(int(payload["id"]))
    assert answer.type == 4 and answer.ephemeral and answer.content == texts().stale_action


def test_every_component_has_a_handler() -> None:
    """A component added without registering what it does would answer every click as no longer valid."""
    assert set(ROUTES) == {*DYNAMIC_ITEMS, SectionModal}
