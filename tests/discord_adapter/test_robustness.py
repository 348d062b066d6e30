"""What must hold when things go wrong: a slow database before a modal or an autocomplete (which
cannot be deferred), a reply Discord refuses, and user text that looks like Discord markup."""

from __future__ import annotations

import pytest

from bot.discord.guild_gate import MALFORMED
from bot.runtime import Core
from commands.access import Actor
from commands.forms import CONTACT
from commands.texts import texts
from tests.fakes.discord_payloads import autocomplete, button_click, deliver, modal_submit, select_choice, slash_command
from tests.fakes.fake_discord import GUILD_ID, FakeDiscord

from .conftest import DiscordUI

SEED = Actor("console", "seed")
# What Discord users read, from the catalogue every adapter speaks.
SLOW, SAVED_UNSENT = texts().too_slow("Discord"), texts().saved_unsent("Discord")
STALE, UNEXPECTED, FORM_EXPIRED = texts().stale_action, texts().unexpected, texts().form_expired


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
    assert "\\[Gratis\\](https://phish.example)" in title  # not a masked link
    assert "\\<#123456789012345678\\>" in title  # not a channel link
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


# ------------------------------------------------------------------ malformed interactions (issue 12 #16)
TOO_LONG = "1" * 25


async def test_a_member_without_roles_is_answered_and_the_bot_goes_on(
    discord_ui: DiscordUI, fake: FakeDiscord, core: Core
) -> None:
    """discord.py raises KeyError('roles') building the member; the gate answers instead of dying."""
    payload = slash_command("clientes", "ayuda", command_guild_id=GUILD_ID)
    del payload["member"]["roles"]
    await deliver(discord_ui.bot, payload, fake=fake)
    [answer] = fake.interaction_callbacks(int(payload["id"]))
    assert answer.type == 4 and answer.ephemeral and answer.content == MALFORMED

    shown, _ = await discord_ui.command("ayuda")  # the next interaction is served as usual
    assert "/clientes ver <cliente>" in shown.content


@pytest.mark.parametrize(
    "custom_id",
    [
        "cb:c:edit:abc:1",
        "cb:c:edit:-1:1",
        f"cb:c:edit:{TOO_LONG}:1",
        f"cb:del:{TOO_LONG}:{TOO_LONG}",
        "cb:undo:-5",
        "cb:c:nope:1:1",
        f"cb:rm:a:1:1:{TOO_LONG}",
        "algo:que:no:es:nuestro",
    ],
)
async def test_a_malformed_button_gets_a_spanish_answer(
    discord_ui: DiscordUI, fake: FakeDiscord, core: Core, custom_id: str
) -> None:
    await acme(core)
    payload = button_click(custom_id)
    await deliver(discord_ui.bot, payload, fake=fake)
    [answer] = fake.interaction_callbacks(int(payload["id"]))
    assert answer.type == 4 and answer.ephemeral and answer.content == STALE


@pytest.mark.parametrize(
    ("prefix", "value"),
    [
        ("cb:pw:", "abc"),
        ("cb:pw:", "-1"),
        ("cb:pw:", TOO_LONG),
        ("cb:it:", f"ma{TOO_LONG}"),
        ("cb:it:", "rs-3"),
        ("cb:it:", "zz"),
        ("cb:pick:ver", TOO_LONG),
        ("cb:pick:ver", "-2"),
        ("cb:ed:", f"s{TOO_LONG}"),
        ("cb:ub:dep:", "<@&1>"),
    ],
)
async def test_a_malformed_select_value_gets_a_spanish_answer(
    discord_ui: DiscordUI, fake: FakeDiscord, core: Core, prefix: str, value: str
) -> None:
    cid = await acme(core)
    await core.service.add_server(SEED, cid, {"host": "erp.acme.pe", "user": "root", "password": "s3cr3t"})
    card = await core.service.get(SEED, cid)
    custom_id = {
        "cb:pw:": f"cb:pw:{cid}",
        "cb:it:": f"cb:it:{cid}:{card.version}:0",
        "cb:pick:ver": "cb:pick:ver",
        "cb:ed:": f"cb:ed:{cid}",
        "cb:ub:dep:": f"cb:ub:dep:{cid}:{card.version}:0",
    }[prefix]
    payload = select_choice(custom_id, [value])
    await deliver(discord_ui.bot, payload, fake=fake)
    [answer] = fake.interaction_callbacks(int(payload["id"]))
    assert answer.ephemeral
    assert answer.content in (STALE, "Esa sección ya no existe; abra la ficha de nuevo.")
    assert "s3cr3t" not in str(answer.data)


@pytest.mark.parametrize("custom_id", ["cb:form:" + "0" * 32, "otro:formulario", "cb:form:../../x"])
async def test_a_form_nobody_opened_gets_a_spanish_answer(
    discord_ui: DiscordUI, fake: FakeDiscord, custom_id: str
) -> None:
    payload = modal_submit(custom_id, {"name": "ACME"})
    await deliver(discord_ui.bot, payload, fake=fake)
    [answer] = fake.interaction_callbacks(int(payload["id"]))
    assert answer.type == 4 and answer.ephemeral and answer.content == FORM_EXPIRED
