"""Refuse before offering (issue 12 #14): someone who may not delete, edit or see passwords gets the
refusal as a new ephemeral message; no confirmation, question or server picker is ever sent, and the
card he clicked on stays as it was."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import pytest

from bot.config import Settings
from bot.discord.escape import md
from bot.runtime import Core
from commands.access import Actor, Permission
from commands.errors import Forbidden
from tests.fakes.discord_payloads import admin_member
from tests.fakes.fake_discord import ADMIN_ROLE_ID

from .conftest import DiscordUI, find, make_settings, option_values, walk

SEED = Actor("console", "seed")


@pytest.fixture
def settings() -> Settings:
    # ana (team role) may view only; the Admin role may edit and delete; nobody may reveal.
    return make_settings(clientes_editors=str(ADMIN_ROLE_ID))


def denied(core: Core, permission: Permission) -> str:
    """The core's refusal as the bot sends it (escaped for Discord markdown, shown as written)."""
    with pytest.raises(Forbidden) as refused:
        core.service.policy.require(Actor("discord", "viewer"), permission)
    return md(str(refused.value))


def custom_ids(bodies: Iterable[Mapping[str, Any]]) -> list[str]:
    return [str(c.get("custom_id")) for body in bodies for c in walk(body.get("components") or [])]


async def client_with_items(core: Core) -> int:
    card = await core.service.create(
        SEED,
        {"doc_type": "6", "doc_number": "20100070970", "name": "ACME S.A.C."},
        addresses=[{"country": "PE", "ubigeo": "150131", "line": "Av. Uno 1"}],
        servers=[
            {"host": "erp.acme.pe", "user": "root", "password": "uno-secreto"},
            {"host": "git.acme.pe", "user": "git", "password": "dos-secreto"},
        ],
    )
    return card.id


async def test_a_viewer_gets_no_delete_confirmation(discord_ui: DiscordUI, core: Core) -> None:
    cid = await client_with_items(core)
    answer, _ = await discord_ui.command("eliminar", {"cliente": f"#{cid}"})
    assert answer.type == 4 and answer.ephemeral and answer.content == denied(core, Permission.DELETE)
    assert not answer.components

    _, payload = await discord_ui.command("ver", {"cliente": f"#{cid}"})
    card = discord_ui.message(payload)
    before = dict(card)
    answer, _ = await discord_ui.click(card, label="Eliminar")
    assert answer.type == 4 and answer.ephemeral and answer.content == denied(core, Permission.DELETE)
    assert discord_ui.message(payload) == before  # the card was not replaced

    assert not [c for c in custom_ids(discord_ui.sent_messages()) if c.startswith("cb:del:")]
    assert (await core.service.get(SEED, cid)).deleted is False


async def test_a_viewer_gets_no_remove_question_and_keeps_his_card(discord_ui: DiscordUI, core: Core) -> None:
    cid = await client_with_items(core)
    _, payload = await discord_ui.command("ver", {"cliente": f"#{cid}"})
    card = discord_ui.message(payload)
    before = dict(card)
    removals = [label for label in option_values(find(card, prefix="cb:it:")) if label.startswith("Eliminar")]
    assert len(removals) == 3  # the address and both servers
    for label in removals:
        answer, _ = await discord_ui.pick(card, "cb:it:", [label])
        assert answer.type == 4, "a new message, not an update of the card"
        assert answer.ephemeral and answer.content == denied(core, Permission.EDIT)
        assert discord_ui.message(payload) == before
    assert not [c for c in custom_ids(discord_ui.sent_messages()) if c.startswith("cb:rm:")]


async def test_a_viewer_gets_no_password_picker(discord_ui: DiscordUI, core: Core) -> None:
    cid = await client_with_items(core)
    _, payload = await discord_ui.command("ver", {"cliente": f"#{cid}"})
    answer, _ = await discord_ui.click(discord_ui.message(payload), label="Ver contraseña")
    assert answer.type == 4 and answer.ephemeral and answer.content == denied(core, Permission.REVEAL)
    sent = discord_ui.sent_messages()
    assert not [c for c in custom_ids(sent) if c.startswith("cb:pw:")]
    assert "secreto" not in str(sent)


async def test_an_admin_still_gets_the_prompts(discord_ui: DiscordUI, core: Core, settings: Settings) -> None:
    cid = await client_with_items(core)
    answer, _ = await discord_ui.command("eliminar", {"cliente": f"#{cid}"}, invoker=admin_member())
    assert find({"components": answer.components}, label="Sí, eliminar")
    _, payload = await discord_ui.command("ver", {"cliente": f"#{cid}"}, invoker=admin_member())
    card = discord_ui.message(payload)
    removal = next(label for label in option_values(find(card, prefix="cb:it:")) if label.startswith("Eliminar"))
    answer, _ = await discord_ui.pick(card, "cb:it:", [removal], invoker=admin_member())
    assert answer.type == 7 and find({"components": answer.components}, label="Sí, eliminar")
