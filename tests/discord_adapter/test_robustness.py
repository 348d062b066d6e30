"""What must hold when things go wrong: a slow database before a modal or an autocomplete (which
cannot be deferred), a reply Discord refuses, and user text that looks like Discord markup."""

from __future__ import annotations

from bot.discord.replies import SAVED_UNSENT, SLOW, UNEXPECTED
from bot.runtime import Core
from commands.access import Actor
from commands.forms import CONTACT
from tests.fakes.discord_payloads import autocomplete, deliver, slash_command
from tests.fakes.fake_discord import GUILD_ID, FakeDiscord

from .conftest import DiscordUI

SEED = Actor("console", "seed")


async def acme(core: Core, name: str = "ACME S.A.C.") -> int:
    card = await core.service.create(SEED, {"doc_type": "6", "doc_number": "20100070970", "name": name})
    return card.id


async def test_slow_read_before_a_modal_answers_in_time(discord_ui: DiscordUI, core: Core) -> None:
    cid = await acme(core)
    _, payload = await discord_ui.command("ver", {"cliente": f"#{cid}"})
    discord_ui.bot.response_budget = 0  # as if the database took longer than Discord waits
    answer, _ = await discord_ui.click(discord_ui.message(payload), label=CONTACT.title)
    assert answer.type == 4 and answer.ephemeral and answer.content == SLOW


async def test_slow_autocomplete_answers_with_no_choices(discord_ui: DiscordUI, fake: FakeDiscord, core: Core) -> None:
    await acme(core)
    discord_ui.bot.response_budget = 0
    await deliver(discord_ui.bot, autocomplete("clientes", "ver", value="acme"), fake=fake)
    [answer] = fake.interaction_callbacks()
    assert answer.type == 8 and answer.choices == []


async def test_a_refused_reply_becomes_an_error_message(discord_ui: DiscordUI, fake: FakeDiscord, core: Core) -> None:
    cid = await acme(core)
    fake.fail_next("POST", r"/callback$", status=400, code=50035, message="Invalid Form Body")
    payload = slash_command("clientes", "ver", {"cliente": f"#{cid}"}, command_guild_id=GUILD_ID)
    await deliver(discord_ui.bot, payload, fake=fake)
    [answer] = fake.interaction_callbacks(int(payload["id"]))  # the refused attempt is not counted
    assert answer.type == 4 and answer.ephemeral and answer.content == UNEXPECTED


async def test_links_channels_and_code_in_a_name_show_literally(discord_ui: DiscordUI, core: Core) -> None:
    cid = await acme(core, "[Gratis](https://phish.example) <#123456789012345678> `x` @here")
    answer, _ = await discord_ui.command("ver", {"cliente": f"#{cid}"})
    title = answer.data["embeds"][0]["title"]
    assert "\\[Gratis](https://phish.example)" in title  # not a masked link
    assert "\\<#123456789012345678>" in title  # not a channel link
    assert "\\`x\\`" in title and "@\u200bhere" in title


async def test_a_refused_reply_after_a_save_says_it_was_saved(
    discord_ui: DiscordUI, fake: FakeDiscord, core: Core
) -> None:
    """The create is committed before Discord refuses the card: never "no se guardó nada"."""
    modal, _ = await discord_ui.command("nuevo")
    fake.fail_next("POST", r"/callback$", status=400, code=50035, message="Invalid Form Body")
    answer, _ = await discord_ui.submit(modal, {"doc_type": ["6"], "doc_number": "20100070970", "name": "ACME S.A.C."})

    assert answer.type == 4 and answer.ephemeral and answer.content == SAVED_UNSENT
    assert len(fake.requests_to("POST", r"/callback$")) == 3  # nuevo's modal, the refused card, this message
    card = await core.service.find(SEED, "20100070970")
    assert card.name == "ACME S.A.C."
    shown, _ = await discord_ui.command("ver", {"cliente": "20100070970"})  # where the message sends the user
    assert shown.data["embeds"][0]["title"].startswith("ACME")
