"""`DiscordProvisioner`: creates (or links) a client's private text channel for the outbox worker.

Only REST is used (`fetch_*`), never the gateway cache: the worker may run before the gateway is
ready, and without the `members` intent the cache would not know the client's user anyway.

Every step can be repeated by a retried job without effect: an existing text channel of that name is
linked instead of creating a second one (only inside DISCORD_CLIENTS_CATEGORY_ID, or without it only the
bot's own channel for that client: see `_linkable`), permission overwrites are PUTs, and the channel's
creation and each message go through the job's stored progress (`ProvisionRequest.once`, the same
mechanism as Slack's; see `onboarding` for how a post whose outcome is unknown is found again). The
announcement comes last.

Errors: a missing permission, a wrong id in the settings or a request Discord refuses (400) cannot be
fixed by retrying → `ProvisionFailed` with a Spanish sentence the card shows; 429, 5xx, network errors
and timeouts → `RetryLater`. discord.py itself waits out short 429s and retries 5xx for up to ~25 s;
the worker bounds the whole job (120 s).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable
from typing import Literal, TypeVar

import aiohttp
import discord

from bot.config import Settings
from bot.discord.members import find_member
from bot.discord.onboarding import ClientUser, announcement_text, find_posted, post_card, ready_card, welcome_text
from commands.channels import (
    ProvisionFailed,
    ProvisionRequest,
    ProvisionResult,
    RetryLater,
    channel_topic,
    discord_channel_name,
)
from commands.views import ClientCard

log = logging.getLogger(__name__)
T = TypeVar("T")

TOPIC_MAX = 1024
MEMBER_ACCESS = discord.PermissionOverwrite(view_channel=True, send_messages=True)
# Only permissions the invite grants the bot: Discord refuses an overwrite allowing more than it holds.
BOT_ACCESS = discord.PermissionOverwrite(
    view_channel=True, send_messages=True, embed_links=True, read_message_history=True
)
HIDDEN = discord.PermissionOverwrite(view_channel=False)
MEMBER_OVERWRITE: Literal[1] = 1  # Discord's overwrite type for a member (0 is a role)
REASON = "Canal de cliente (clientes-bot)"


class Step:
    """What the bot was doing, to say in Spanish why it could not (Forbidden / NotFound)."""

    def __init__(self, forbidden: str, not_found: str | None = None) -> None:
        self.forbidden, self.not_found = forbidden, not_found


def _failure(exc: BaseException, step: Step) -> Exception | None:
    """The outbox outcome for a platform error raised during `step` (None: let it propagate)."""
    if isinstance(exc, discord.RateLimited):
        return RetryLater("Discord limitó las solicitudes (429)", exc.retry_after)
    if isinstance(exc, (aiohttp.ClientError, TimeoutError)):
        return RetryLater("no se pudo contactar con Discord")
    if isinstance(exc, discord.Forbidden):
        return ProvisionFailed(f"{step.forbidden} (Discord {exc.code}: {exc.text or 'Missing Permissions'})")
    if isinstance(exc, discord.NotFound):
        if step.not_found:
            return ProvisionFailed(step.not_found)
        return RetryLater(f"Discord no encontró un recurso ({exc.code}); se reintentará")
    if isinstance(exc, discord.HTTPException):
        if exc.status == 429:
            return RetryLater("Discord limitó las solicitudes (429)", _retry_after(exc))
        if exc.status >= 500:
            return RetryLater(f"Discord no está disponible ({exc.status})")
        return ProvisionFailed(f"Discord rechazó la solicitud ({exc.status}, código {exc.code}): {exc.text}")
    return None


def _retry_after(exc: discord.HTTPException) -> float | None:
    value = exc.response.headers.get("Retry-After") if exc.response is not None else None
    try:
        return float(value) if value else None
    except ValueError:
        return None


async def at_step(step: Step, call: Awaitable[T]) -> T:
    try:
        return await call
    except (discord.DiscordException, aiohttp.ClientError, TimeoutError) as exc:
        outcome = _failure(exc, step)
        if outcome is None:
            raise
        raise outcome from exc


class DiscordProvisioner:
    platform = "discord"

    def __init__(self, bot: discord.Client, settings: Settings) -> None:
        self.bot = bot
        self.settings = settings

    # ------------------------------------------------------------------ where
    async def _category(self) -> discord.CategoryChannel | None:
        raw = self.settings.discord_clients_category_id
        if not raw:
            return None
        setting = f"DISCORD_CLIENTS_CATEGORY_ID={raw}"
        if not raw.isdigit():
            raise ProvisionFailed(f"{setting} no es un ID de Discord.")
        step = Step(
            f"el bot no tiene acceso a la categoría {setting} (permiso Ver canales)",
            f"la categoría {setting} no existe en Discord; corrija la configuración.",
        )
        channel = await at_step(step, self.bot.fetch_channel(int(raw)))
        if not isinstance(channel, discord.CategoryChannel):
            raise ProvisionFailed(f"{setting} no es una categoría de canales.")
        return channel

    def _guild_id(self, category: discord.CategoryChannel | None) -> int:
        if category is not None:
            return category.guild.id
        ids = sorted(int(g) for g in self.settings.discord_guild_ids if g.isdigit())
        if not ids:
            raise ProvisionFailed(
                "no hay servidor de Discord configurado: defina DISCORD_CLIENTS_CATEGORY_ID (la categoría donde "
                "crear los canales) o DISCORD_GUILD_IDS."
            )
        return ids[0]

    async def _guild(self, guild_id: int, category: discord.CategoryChannel | None) -> discord.Guild:
        setting = "DISCORD_CLIENTS_CATEGORY_ID" if category is not None else "DISCORD_GUILD_IDS"
        missing = f"el bot no está en el servidor {guild_id} ({setting}); invítelo con `clientes-bot discord-invite`."
        return await at_step(Step(missing, missing), self.bot.fetch_guild(guild_id, with_counts=False))

    def _onboarding_role(self, guild: discord.Guild) -> discord.Role | None:
        """A real `Role` (a bare `discord.Object` would be sent as a *member* overwrite)."""
        raw = self.settings.discord_onboarding_role_id
        if not raw:
            return None
        role = guild.get_role(int(raw)) if raw.isdigit() else None
        if role is None:
            raise ProvisionFailed(f"el rol DISCORD_ONBOARDING_ROLE_ID={raw} no existe en el servidor «{guild.name}».")
        return role

    # ------------------------------------------------------------------ what
    async def provision(self, request: ProvisionRequest) -> ProvisionResult:
        card = request.card
        name = discord_channel_name(request.channel_name)
        if not name:
            raise ProvisionFailed(f"«{request.channel_name}» no sirve como nombre de canal de Discord.")
        category = await self._category()
        guild = await self._guild(self._guild_id(category), category)
        role = self._onboarding_role(guild)
        user = None
        if card.discord_user:
            lookup = Step("el bot no puede buscar miembros en el servidor")
            user = ClientUser(
                card.discord_user, await at_step(lookup, find_member(self.bot, guild.id, card.discord_user))
            )
        channel, created = await self._channel(request, guild, category, name, card_topic(card), role, user)
        bot_id = self.bot.user.id if self.bot.user else 0
        shown = ready_card(card, channel.id)
        posting = Step(
            f"el bot no puede publicar en #{name} (permisos Enviar mensajes, Insertar enlaces y Leer el historial)"
        )
        welcome = welcome_text(shown, user)
        await request.once(
            "card",
            lambda key: at_step(posting, post_card(channel, shown, welcome, key)),
            lambda key: at_step(posting, find_posted(channel, bot_id, shown)),
        )
        await self._announce(request, bot_id, shown, channel.id, created=created)
        log.info("discord channel #%s %s for client %s", name, "created" if created else "linked", card.id)
        return ProvisionResult(str(channel.id), created)

    async def _channel(
        self,
        request: ProvisionRequest,
        guild: discord.Guild,
        category: discord.CategoryChannel | None,
        name: str,
        topic: str,
        role: discord.Role | None,
        user: ClientUser | None,
    ) -> tuple[discord.TextChannel, bool]:
        """The text channel of that name that may be linked (the client's member is let in), else a new
        private one; see `_linkable` for which existing channels may be linked."""
        listing = Step(f"el bot no puede ver los canales del servidor «{guild.name}» (permiso Ver canales)")
        channels = await at_step(listing, guild.fetch_channels())
        same_name = [c for c in channels if isinstance(c, discord.TextChannel) and c.name == name]
        existing = _linkable(same_name, category, topic)
        if same_name and not existing:
            raise ProvisionFailed(
                f"ya existe un canal #{name} fuera de la categoría de clientes; elija otro nombre"
                if category is not None
                else f"ya existe un canal #{name} que el bot no creó para este cliente; elija otro nombre "
                "(o defina DISCORD_CLIENTS_CATEGORY_ID para vincular los canales de esa categoría)"
            )
        member = discord.Object(user.member_id, type=discord.Member) if user and user.member_id else None
        earlier = request.intended("created")
        if existing:
            channel = existing[0]
            if member is not None:
                granting = Step(f"el bot no tiene el permiso Gestionar roles en #{name} para dar acceso al cliente")
                await at_step(granting, self._let_in(channel, member.id))
            created = request.done("created") == str(channel.id)
            if not created and earlier is not None:  # made by an attempt that died before hearing back
                await request.remember("created", str(channel.id))
                created = True
            return channel, created
        me = discord.Object(self.bot.user.id if self.bot.user else 0, type=discord.Member)
        overwrites: dict[discord.Role | discord.Member | discord.Object, discord.PermissionOverwrite] = {
            guild.default_role: HIDDEN,
            me: BOT_ACCESS,
        }
        if role is not None:
            overwrites[role] = MEMBER_ACCESS
        if member is not None:
            overwrites[member] = MEMBER_ACCESS
        creating = Step(
            f"el bot no tiene el permiso Gestionar canales (y Gestionar roles, para hacerlo privado) en el servidor "
            f"«{guild.name}»",
            "la categoría DISCORD_CLIENTS_CATEGORY_ID ya no existe en Discord; corrija la configuración.",
        )
        await request.intend("created")
        channel = await at_step(
            creating,
            guild.create_text_channel(name, category=category, topic=topic, overwrites=overwrites, reason=REASON),
        )
        await request.remember("created", str(channel.id))
        return channel, True

    async def _let_in(self, channel: discord.TextChannel, member_id: int) -> None:
        """A member overwrite by id (PUT, idempotent). `set_permissions` wants a cached `Member`, which a
        bot without the members intent does not have, and refuses a bare `discord.Object`."""
        allow, deny = MEMBER_ACCESS.pair()
        await self.bot.http.edit_channel_permissions(
            channel.id, member_id, str(allow.value), str(deny.value), MEMBER_OVERWRITE, reason=REASON
        )

    async def _announce(
        self, request: ProvisionRequest, bot_id: int, card: ClientCard, channel_id: int, *, created: bool
    ) -> None:
        raw = self.settings.onboarding_discord_channel_id
        if not raw:
            return
        setting = f"ONBOARDING_DISCORD_CHANNEL_ID={raw}"
        if not raw.isdigit():
            raise ProvisionFailed(f"{setting} no es un ID de canal de Discord.")
        step = Step(
            f"el bot no puede publicar en el canal de altas {setting} (permisos Ver canales, Enviar mensajes, "
            "Insertar enlaces y Leer el historial)",
            f"el canal de altas {setting} no existe en Discord; corrija la configuración.",
        )
        target = self.bot.get_partial_messageable(int(raw))
        text = announcement_text(card, channel_id, created=created)
        await request.once(
            "announcement",
            lambda key: at_step(step, post_card(target, card, text, key)),
            lambda key: at_step(step, find_posted(target, bot_id, card)),
        )


def _linkable(
    same_name: list[discord.TextChannel], category: discord.CategoryChannel | None, topic: str
) -> list[discord.TextChannel]:
    """Which same-named channels may be linked — and so get the client's user let in.

    Why not any: an editor types the channel name, and linking grants the client's Discord user access,
    so naming a private staff channel would open it. With DISCORD_CLIENTS_CATEGORY_ID only channels in
    that category qualify; without it, only the bot's own channel for this client (its topic is the
    card's, as set on creation), which keeps a retried job from creating a second one."""
    if category is not None:
        chosen = [c for c in same_name if c.category_id == category.id]
    else:
        chosen = [c for c in same_name if c.topic == topic]
    return sorted(chosen, key=lambda c: c.id)


def card_topic(card: ClientCard) -> str:
    """'Cliente: ACME S.A.C. · RUC 20100070970 · Ficha: /clientes ver #12', within Discord's 1024 characters."""
    return channel_topic(card, TOPIC_MAX)
