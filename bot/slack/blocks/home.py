"""The app's Home tab: a create button, the clients changed last, the channels in error, and the help.

Published with ``views.publish`` whenever a user opens the tab, so it is never older than the visit.
Its buttons are the card's and the list's own (``cliente_ver``), plus ``inicio_nuevo`` for the form.
"""

from __future__ import annotations

from bot.slack import ids
from bot.slack.blocks.create_modal import TITLE as CREATE_TITLE
from bot.slack.blocks.help import help_blocks
from bot.slack.blocks.kit import Block, actions, button, context, divider, header, section
from bot.slack.blocks.listing import row_text
from bot.slack.escape import mrkdwn
from commands.home_view import HomeView
from commands.texts import texts

#: Slack allows 100 blocks in a Home view; ours stays well under (≤ 10 + 10 rows, 2 blocks each for help).
HOME_BLOCKS_MAX = 100


def home_view(home: HomeView, *, may_create: bool) -> dict:
    t = texts()
    blocks: list[Block] = [header(t.home_title)]
    if may_create:
        blocks.append(actions(button(CREATE_TITLE, ids.HOME_NEW, style="primary"), block_id="inicio.nuevo"))
    blocks += [divider(), header(t.home_recent)]
    if not home.recent:
        blocks.append(section(mrkdwn(t.no_clients_yet)))
    for row in home.recent:
        blocks.append(section(row_text(row), accessory=button("Ver", ids.CLIENT_VIEW, str(row.id))))
    if home.channel_problems:
        blocks += [divider(), header(t.home_channel_problems)]
        for problem in home.channel_problems:
            what = f"*{mrkdwn(problem.client.name)}* ({mrkdwn(problem.client.ref)}) · {mrkdwn(problem.channel.text)}"
            blocks.append(section(what, accessory=button(t.home_retry, ids.CLIENT_CHANNELS, str(problem.client.id))))
    blocks += [divider(), *help_blocks(), context(mrkdwn(t.home_refreshed))]
    return {"type": "home", "blocks": blocks[:HOME_BLOCKS_MAX]}
