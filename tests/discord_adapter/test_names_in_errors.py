"""A client's name (or anything typed) quoted in a sentence shows as typed (issue 12 #13): the core's
errors, the confirmations and the ambiguous-choice lists reach Discord escaped, so a name made of
markdown is never a masked link, bold text or a mention."""

from __future__ import annotations

import pytest

from bot.config import Settings
from bot.discord.escape import md
from bot.runtime import Core
from commands.access import Actor
from tests.fakes.discord_payloads import deliver, select_choice
from tests.fakes.fake_discord import TEAM_ROLE_ID, FakeDiscord

from .conftest import DiscordUI, make_settings

SEED = Actor("console", "seed")
EVIL = "[Pague aquí](https://evil.example/pay) **URGENTE** @everyone <#123456789012345678>"
RUC = "20100070970"


@pytest.fixture
def settings() -> Settings:
    return make_settings(clientes_secret_viewers=str(TEAM_ROLE_ID))  # ana may reveal: the server check is reached


def shows_literally(content: str | None) -> None:
    """The name's markup is escaped: no masked link, no bold, no mention, no channel link."""
    assert content is not None
    assert "\\[Pague aquí\\](https://evil.example/pay)" in content  # neither bracket is markdown
    assert "\\*\\*URGENTE\\*\\*" in content
    assert "@\u200beveryone" in content and "\\<#123456789012345678\\>" in content
    assert "[Pague aquí]" not in content.replace("\\[Pague aquí\\]", "")  # no unescaped copy anywhere


async def evil_client(core: Core, doc: str = RUC, doc_type: str = "6") -> int:
    card = await core.service.create(
        SEED,
        {"doc_type": doc_type, "doc_number": doc, "name": EVIL},
        servers=[{"host": "erp.acme.pe", "password": "x"}],
    )
    return card.id


async def test_a_missing_server_error_quotes_the_name_escaped(
    discord_ui: DiscordUI, fake: FakeDiscord, core: Core
) -> None:
    cid = await evil_client(core)
    payload = select_choice(f"cb:pw:{cid}", ["999"])  # a server this client does not have
    await deliver(discord_ui.bot, payload, fake=fake)
    [answer] = fake.interaction_callbacks(int(payload["id"]))
    assert answer.ephemeral and "no tiene el servidor 999" in answer.content
    assert answer.content == md(f"El cliente «{EVIL}» no tiene el servidor 999.")
    shows_literally(answer.content)


async def test_the_restore_refusal_quotes_both_names_escaped(discord_ui: DiscordUI, core: Core) -> None:
    old = await evil_client(core)
    await core.service.delete(SEED, old)
    await evil_client(core)  # the same document, now a live client
    answer, _ = await discord_ui.command("restaurar", {"cliente": f"#{old}"})
    assert answer.ephemeral and "ahora pertenece a" in answer.content
    shows_literally(answer.content.split("ahora pertenece a", 1)[0])
    shows_literally(answer.content.split("ahora pertenece a", 1)[1])


async def test_questions_notices_and_choices_quote_names_escaped(discord_ui: DiscordUI, core: Core) -> None:
    cid = await evil_client(core)
    await evil_client(core, "12345678", "1")

    asked, _ = await discord_ui.command("eliminar", {"cliente": f"#{cid}"})
    shows_literally(asked.content)

    several, _ = await discord_ui.command("ver", {"cliente": "URGENTE"})  # both match: pick one
    assert "Varios clientes coinciden" in several.content

    typed = "[nada](https://evil.example) **x**"
    missing, _ = await discord_ui.command("ver", {"cliente": typed})
    assert missing.content == md(f"No se encontró ningún cliente con «{typed}».")
    assert "\\[nada\\]" in missing.content and "\\*\\*x\\*\\*" in missing.content
