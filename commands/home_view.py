"""What the team sees first when it opens the app (Slack's Home tab): neutral, for any adapter."""

from __future__ import annotations

from dataclasses import dataclass

from commands.views import ChannelStatus, ClientSummary

RECENT_LIMIT = 10
PROBLEMS_LIMIT = 10


@dataclass(frozen=True)
class ChannelProblem:
    client: ClientSummary
    channel: ChannelStatus


@dataclass(frozen=True)
class HomeView:
    recent: tuple[ClientSummary, ...]  # most recently changed first
    channel_problems: tuple[ChannelProblem, ...]  # channels that could not be created, newest client first
