"""`/clientes exportar` in Slack: an admin receives the register as an Excel file in their DM with the bot
(files v2 upload against the fake Slack), the channel only an ephemeral note; anyone else is refused in
Spanish and no file is made. Signed requests through the real Bolt app."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

from openpyxl import load_workbook
from sqlalchemy import select

from commands.access import AccessPolicy, Actor
from storage.models import AuditEntry
from tests.fakes.fake_slack import DEFAULT_USER_ID, OTHER_USER_ID
from tests.slack_adapter.conftest import Slack

ADMIN = DEFAULT_USER_ID


async def _register(slack: Slack) -> None:
    ana = Actor("console", "seed")
    await slack.service.create(
        ana,
        {"doc_type": "6", "doc_number": "20100070970", "name": "Compañía Núñez"},
        addresses=[{"country": "PE", "ubigeo": "150122", "line": "Av. Larco 345"}],
        servers=[{"host": "erp.nunez.pe", "password": "secreto-123"}],
    )


async def test_an_admin_receives_the_spreadsheet_in_a_direct_message(make_slack: Callable[..., Slack]) -> None:
    slack = make_slack(AccessPolicy(admins=frozenset({ADMIN})))
    await _register(slack)
    reply = await slack.command("exportar", user_id=ADMIN)
    assert reply["response_type"] == "ephemeral"
    assert "Le envié por mensaje directo la hoja con 1 cliente(s)" in reply["text"]
    opened = slack.fake.last("conversations.open")
    dm = opened.response["channel"]["id"]
    assert opened.params["users"] == ADMIN and dm.startswith("D")
    [shared] = slack.fake.files_in(dm)
    assert shared.filename.startswith("clientes-") and shared.filename.endswith(".xlsx")
    assert "Solo para usted" in (shared.initial_comment or "")
    assert slack.fake.last("files.getUploadURLExternal").params["length"] == str(len(shared.data or b""))
    rows = [[c.value for c in r] for r in load_workbook(io.BytesIO(shared.data or b"")).worksheets[0]]
    assert rows[1][:3] == ["RUC", "20100070970", "Compañía Núñez"] and len(rows) == 2
    assert not any("secreto" in str(cell) for row in rows for cell in row)
    assert "Contraseña" not in " ".join(str(c) for c in rows[0])
    channel_messages = [m for (channel, _), m in slack.fake.messages.items() if not channel.startswith("D")]
    assert not any(m.get("files") for m in channel_messages)  # never in a channel
    async with slack.service.db.session() as session:
        audit = (await session.execute(select(AuditEntry).where(AuditEntry.action == "export"))).scalar_one()
    assert (audit.user_id, audit.changes) == (ADMIN, {"format": "xlsx", "clients": 1})


async def test_anyone_else_is_refused_and_gets_no_file(make_slack: Callable[..., Slack]) -> None:
    slack = make_slack(AccessPolicy(admins=frozenset({ADMIN})))
    await _register(slack)
    reply = await slack.command("exportar", user_id=OTHER_USER_ID)
    assert reply["response_type"] == "ephemeral"
    assert "Solo los administradores (CLIENTES_ADMINS) pueden exportar" in reply["text"]
    assert not slack.fake.calls_to("files.getUploadURLExternal") and not slack.fake.files


async def test_with_no_access_lists_nobody_exports_from_the_chat(slack: Slack) -> None:
    """Everyone may view and edit by default; the whole register in a file is never open by default."""
    reply: dict[str, Any] = await slack.command("export")
    assert "Solo los administradores" in reply["text"] and not slack.fake.files


async def test_help_lists_exportar(slack: Slack) -> None:
    reply = await slack.command("ayuda")
    assert "exportar" in reply["text"] + str(reply.get("blocks"))
