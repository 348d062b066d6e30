"""`/clientes exportar`: the register as an Excel file, shown only to the admin who asked.

The permission is checked first (in memory, no database), so anyone else is refused at once with the
core's sentence. Building the file may take longer than Discord's 3 s, so the answer is deferred
(ephemeral, "thinking") and the file goes as an ephemeral follow-up with the attachment: a multipart
request with `payload_json` and `files[0]`. Nobody else in the channel sees it.
"""

from __future__ import annotations

import io

import discord

from bot.discord.actor import actor_of
from bot.discord.escape import NO_MENTIONS, md
from bot.discord.handlers.context import service_of
from bot.discord.replies import error_reply, report_unexpected, send
from commands.access import Permission
from commands.errors import CoreError
from commands.texts import texts
from commands.transfer import export_file


async def export_command(interaction: discord.Interaction) -> None:
    service, actor = service_of(interaction), actor_of(interaction)
    try:
        service.policy.require(actor, Permission.EXPORT)
    except CoreError as exc:
        await send(interaction, error_reply(exc))
        return
    await interaction.response.defer(ephemeral=True, thinking=True)
    try:
        export = await export_file(service, actor)
    except CoreError as exc:
        await send(interaction, error_reply(exc))
        return
    try:
        await interaction.followup.send(
            content=md(texts().export_ready(export.count)),
            file=discord.File(io.BytesIO(export.data), filename=export.name),
            ephemeral=True,
            allowed_mentions=NO_MENTIONS,
        )
    except discord.HTTPException as exc:
        await report_unexpected(interaction, "sending the export failed", exc)
