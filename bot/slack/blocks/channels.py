"""What the bot posts about a client's channels: the onboarding card in the client's own channel, the
announcement in ``ONBOARDING_SLACK_CHANNEL``, and the note above the card that ``canales`` shows."""

from __future__ import annotations

import dataclasses

from bot.slack import ids
from bot.slack.blocks.card import card_blocks, fallback_text
from bot.slack.blocks.kit import Block, context, section
from bot.slack.escape import mrkdwn
from commands.channels import channel_topic
from commands.texts import texts
from commands.views import ClientCard

TOPIC_MAX = 250  # Slack's limit for conversations.setTopic


def topic(card: ClientCard) -> str:
    """The topic of a channel the bot created: "Cliente: Supermercados Peruanos S.A. · RUC 20100070970 ·
    Ficha: /clientes ver #12" (the command that shows the card)."""
    return channel_topic(card, TOPIC_MAX)


def as_ready(card: ClientCard, channel_id: str) -> ClientCard:
    """The card as it stands once this Slack channel exists: its row reads "#name (listo)".

    The request's card was read before the channel existed; posting "(pendiente)" inside the very
    channel it talks about would be wrong.
    """
    channels = tuple(
        dataclasses.replace(c, state="listo", detail=None) if c.platform == "slack" else c for c in card.channels
    )
    return dataclasses.replace(card, slack_channel_id=channel_id, channels=channels)


def onboarding_message(card: ClientCard) -> tuple[str, list[Block]]:
    """The card everyone in the client's channel sees: no buttons, no servers (host, IP, user)."""
    lead = [section(texts().channel_welcome(f"*{mrkdwn(card.name)}*", mrkdwn(card.document)))]
    blocks = card_blocks(card, with_buttons=False, public=True, lead=lead)
    blocks.append(context(mrkdwn(f"Ficha completa (con servidores): {ids.COMMAND} ver #{card.id}")))
    return fallback_text(card), blocks


def linked_note(card: ClientCard) -> tuple[str, list[Block]]:
    """What a linked channel shared outside the workspace gets instead of the card: only the name."""
    text = mrkdwn(texts().channel_linked(card.name))
    note = context(
        mrkdwn(
            f"La ficha no se publica en un canal compartido fuera del espacio de trabajo: {ids.COMMAND} ver #{card.id}"
        )
    )
    return text, [section(text), note]


def announcement(card: ClientCard, channel_id: str, *, created: bool) -> tuple[str, list[Block]]:
    """A short line for the onboarding channel, linking the client's channel (``<#C…>``)."""
    name, document = f"*{mrkdwn(card.name)}*", mrkdwn(card.document)
    text = texts().channel_announced(name, document, created, f"<#{mrkdwn(channel_id)}>")
    return text, [section(text)]


def channels_note(card: ClientCard) -> str:
    """The line above the card after ``canales``: where each named channel stands (plain text).

    The service has just queued every channel that was not ready (or handed back an attempt whose
    worker is gone); each one not "listo" says what happens next and when, as the core computed it
    (``ChannelStatus.when``): "en unos segundos" only when a worker is there to do it.
    """
    if not card.channels:
        return texts().no_channels(card.name)
    parts = []
    for status in card.channels:
        text = status.text
        if status.when:
            text = f"{text} — {status.when}"
        if status.state == "pendiente" and status.detail:
            text = f"{text} — último intento: {status.detail}"
        parts.append(f"{texts().platform(status.platform)} {text}")
    return "Canales: " + " · ".join(parts) + "."
