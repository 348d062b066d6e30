"""`/clientes exportar` in Discord: an admin gets the register as an Excel attachment in an ephemeral
follow-up (multipart `payload_json` + `files[0]`, checked by the fake against Discord's OpenAPI spec and
its file rules); anyone else is refused at once, in Spanish, and no file is made."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from bot.config import Settings
from bot.runtime import Core
from commands.access import Actor
from storage.models import AuditEntry
from tests.fakes.discord_payloads import admin_member, deliver, slash_command
from tests.fakes.fake_discord import ADMIN_ROLE_ID, GUILD_ID, FakeDiscord

from .conftest import DiscordUI, make_settings

SEED = Actor("console", "seed")


@pytest.fixture
def settings() -> Settings:
    return make_settings(clientes_admins=str(ADMIN_ROLE_ID))


async def _register(core: Core) -> None:
    await core.service.create(
        SEED,
        {"doc_type": "6", "doc_number": "20100070970", "name": "Compañía Núñez"},
        addresses=[{"country": "PE", "ubigeo": "150122", "line": "Av. Larco 345"}],
        servers=[{"host": "erp.nunez.pe", "password": "secreto-123"}],
    )


async def test_an_admin_gets_the_spreadsheet_only_for_them(
    discord_ui: DiscordUI, fake: FakeDiscord, core: Core
) -> None:
    await _register(core)
    payload = slash_command("clientes", "exportar", command_guild_id=GUILD_ID, invoker=admin_member())
    await deliver(discord_ui.bot, payload, fake=fake)
    [callback] = fake.interaction_callbacks(int(payload["id"]))
    assert callback.type == 5 and callback.ephemeral  # thinking, only for them
    followup = await fake.wait_for_request("POST", rf"/webhooks/\d+/{payload['token']}$")
    assert followup.headers["Content-Type"].startswith("multipart/form-data")
    body = followup.json
    assert body["flags"] & 64  # ephemeral
    assert "1 cliente(s)" in body["content"] and "Solo para usted" in body["content"]
    [part] = followup.files
    assert part.field == "files[0]" and part.filename is not None and part.filename.endswith(".xlsx")
    assert body["attachments"] == [{"id": 0, "filename": part.filename}]
    rows = [[c.value for c in r] for r in load_workbook(io.BytesIO(part.data)).worksheets[0]]
    assert rows[1][:3] == ["RUC", "20100070970", "Compañía Núñez"] and len(rows) == 2
    assert not any("secreto" in str(cell) for row in rows for cell in row)
    [message] = fake.followup_messages[payload["token"]].values()
    assert message["flags"] & 64 and message["attachments"][0]["filename"] == part.filename
    async with core.service.db.session() as session:
        audit = (await session.execute(select(AuditEntry).where(AuditEntry.action == "export"))).scalar_one()
    assert audit.platform == "discord" and audit.changes == {"format": "xlsx", "clients": 1}


async def test_anyone_else_is_refused_at_once(discord_ui: DiscordUI, fake: FakeDiscord, core: Core) -> None:
    await _register(core)
    answer, _ = await discord_ui.command("exportar")
    assert answer.type == 4 and answer.ephemeral
    assert answer.content.startswith("Solo los administradores (CLIENTES\\_ADMINS) pueden exportar")
    assert not fake.followups() and not any(r.files for r in fake.requests)
