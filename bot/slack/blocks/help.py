"""``/clientes ayuda``: the router's command list, escaped (usages contain ``<cliente>``)."""

from __future__ import annotations

from bot.slack import ids
from bot.slack.blocks.kit import Block, header, plain_section, section
from bot.slack.escape import mrkdwn
from commands.router import COMMANDS, help_notes


def help_blocks(unknown: str | None = None) -> list[Block]:
    blocks: list[Block] = [header("Clientes — ayuda")]
    if unknown:
        blocks.append(plain_section(f"No conozco «{unknown}». Estos son los comandos:"))  # quotes what was typed
    lines = [
        f"`{mrkdwn(ids.COMMAND)} {mrkdwn(spec.usage)}` — {mrkdwn(spec.description)}"
        + (f" _({mrkdwn(', '.join(spec.aliases))})_" if spec.aliases else "")
        for spec in COMMANDS
    ]
    blocks.append(section("\n".join(lines)))
    blocks.append(section("\n".join(mrkdwn(note) for note in help_notes())))
    return blocks


def help_text() -> str:
    return mrkdwn(f"Comandos de {ids.COMMAND}: " + ", ".join(spec.name for spec in COMMANDS))
