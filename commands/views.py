"""Platform-neutral results that adapters render (Block Kit, embeds, terminal tables).

They carry display-ready Spanish strings but no markup: escaping belongs to each adapter, because
what is dangerous differs (`<!channel>` in Slack mrkdwn, `@everyone` in Discord).
Nothing here ever holds a server password; `ServerView.has_password` is all a card may know.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from commands import countries, phones, ubigeo
from commands.forms import doc_type_short
from commands.texts import texts
from commands.ubigeo import District

MASK = "••••••••"


@dataclass(frozen=True)
class PadronStatus:
    """What SUNAT's last padrón load says of a RUC client, for its card (commands.padron.status)."""

    estado: str
    condicion: str
    source: str  # "SUNAT, padrón del 2026-11-28"
    warning: str | None  # "SUNAT: BAJA DE OFICIO · NO HABIDO" when not ACTIVO or not HABIDO


@dataclass(frozen=True)
class AddressView:
    id: int
    is_main: bool
    country: str
    ubigeo: str | None
    line: str | None
    phone: str | None
    email: str | None

    @property
    def country_name(self) -> str:
        return countries.name(self.country)

    @property
    def district(self) -> District | None:
        return ubigeo.get(self.ubigeo)

    @property
    def place(self) -> str:
        """'Miraflores — Lima, Lima' in Peru, the country's name elsewhere."""
        district = self.district
        if district is not None:
            return district.label
        return self.country_name

    def values(self) -> dict[str, str | None]:
        """Form values for pre-filling an edit form (the phone as it is written in Peru)."""
        return {
            "country": self.country,
            "ubigeo": self.ubigeo,
            "line": self.line,
            "phone": phones.display(self.phone),
            "email": self.email,
        }


@dataclass(frozen=True)
class ServerView:
    id: int
    host: str | None
    ip: str | None
    username: str | None
    has_password: bool

    @property
    def password_display(self) -> str:
        return MASK if self.has_password else "—"

    @property
    def title(self) -> str:
        return self.host or self.ip or f"Servidor {self.id}"

    def values(self) -> dict[str, str | None]:
        """Form values for pre-filling; the password is never pre-filled (blank keeps it)."""
        return {"host": self.host, "ip": self.ip, "username": self.username, "password": None}


@dataclass(frozen=True)
class ChannelStatus:
    """Where a named channel stands: 'listo' (created or linked), 'pendiente' or 'error' (+ why)."""

    platform: str
    name: str
    state: str
    detail: str | None = None
    #: What happens next to a channel not ready yet ("en curso ahora", "se intentará en unos segundos",
    #: "próximo intento a las 09:05 (America/Lima) (en 3 min)"); only what will really happen.
    when: str | None = None
    #: False when this process has no credentials for the platform: nothing here will ever create it.
    configured: bool = True
    #: The channel's id once it exists ("listo"): adapters of its platform show a real channel link.
    channel_id: str | None = None

    @property
    def text(self) -> str:
        if self.state == "error" and self.detail:
            return f"#{self.name} (error: {self.detail})"
        if self.state == "pendiente" and not self.configured:
            return f"#{self.name} ({texts().channel_unconfigured(texts().platform(self.platform))})"
        return f"#{self.name} ({self.state})"


@dataclass(frozen=True)
class ClientSummary:
    """One row of the list, with the manual's columns."""

    id: int
    name: str
    document: str
    channel: str | None
    contact_phone: str | None
    phone: str | None
    email: str | None
    deleted: bool = False
    #: The id of `channel` on the platform asking, once it exists: shown there as a channel link.
    channel_id: str | None = None
    deleted_by: str | None = None  # in the trash: who deleted it…
    deleted_at: str | None = None  # …and when (BOT_TIMEZONE)

    @property
    def ref(self) -> str:
        return f"#{self.id}"


@dataclass(frozen=True)
class ClientCard:
    id: int
    version: int
    doc_type: str
    doc_number: str
    name: str
    internal_code: str | None
    trade_name: str | None
    contact_name: str | None
    contact_phone: str | None
    website: str | None
    gitlab_user: str | None
    discord_user: str | None
    slack_channel: str | None
    discord_channel: str | None
    slack_channel_id: str | None
    discord_channel_id: str | None
    addresses: tuple[AddressView, ...]
    servers: tuple[ServerView, ...]
    created_by: str
    updated_by: str
    created_at: str
    updated_at: str
    deleted: bool = False
    channels: tuple[ChannelStatus, ...] = ()
    padron: PadronStatus | None = None  # RUC clients the loaded padrón lists

    @property
    def document(self) -> str:
        return f"{doc_type_short(self.doc_type)} {self.doc_number}"

    def section_values(self, section: str) -> dict[str, str | None]:
        """Current values of a client-row section, to pre-fill its edit form (phones as written in Peru)."""
        keys = {
            "client": ("doc_type", "doc_number", "name", "internal_code", "trade_name"),
            "contact": ("contact_name", "contact_phone", "website"),
            "integrations": ("gitlab_user", "discord_user", "slack_channel", "discord_channel"),
        }[section]
        values = {key: getattr(self, key) for key in keys}
        if "contact_phone" in values:
            values["contact_phone"] = phones.display(values["contact_phone"])
        return values

    def address(self, address_id: int) -> AddressView | None:
        return next((a for a in self.addresses if a.id == address_id), None)

    def server(self, server_id: int) -> ServerView | None:
        return next((s for s in self.servers if s.id == server_id), None)

    def channel(self, platform: str) -> ChannelStatus | None:
        return next((c for c in self.channels if c.platform == platform), None)


@dataclass(frozen=True)
class ClientPage:
    """One page of the list; cursors are opaque strings that adapters carry in buttons."""

    rows: tuple[ClientSummary, ...]
    query: str
    total: int
    page_size: int
    next_cursor: str | None = None
    prev_cursor: str | None = None
    first_index: int = 0  # 0-based position of rows[0] in the whole result
    trash: bool = False  # the deleted clients (`lista eliminados`), each offered Restaurar
    #: The total was counted only up to a cap (a search matching thousands): there are more than `total`.
    total_capped: bool = False
    #: False past the count cap from the start (page 101 on): `first_index` and the page number are unknown.
    position_known: bool = True

    @property
    def caption(self) -> str:
        """The page caption; past the count cap it says "more than" instead of a page count."""
        if self.total_capped:
            return texts().page_caption_more(self.page_number if self.position_known else None, self.total)
        return texts().page_caption(self.page_number, self.page_count, self.total)

    @property
    def page_number(self) -> int:
        return self.first_index // self.page_size + 1 if self.page_size else 1

    @property
    def page_count(self) -> int:
        return max(1, -(-self.total // self.page_size)) if self.page_size else 1


@dataclass(frozen=True)
class Notice:
    """A plain outcome message ("Cliente eliminado"), with an optional undo target."""

    text: str
    client_id: int | None = None
    undo: str | None = None  # the command that reverts it ("restaurar")
    details: tuple[str, ...] = field(default_factory=tuple)


# ---- change notices, history, trash (issue 8)
@dataclass(frozen=True)
class FieldChange:
    """One field of a change, old → new as shown ("—" for empty); a secret says only that it changed."""

    label: str
    old: str
    new: str
    secret: bool = False

    @property
    def shown(self) -> str:
        """The value part of the line every adapter shows: "old → new", or for a secret only that it changed."""
        return self.new if self.secret else f"{self.old} → {self.new}"


@dataclass(frozen=True)
class ChangeView:
    """One audit entry, readable: when (in BOT_TIMEZONE), who, from where, what, which fields."""

    id: int
    at: str
    who: str
    platform: str  # the platform's display name ("Slack", "Discord", "consola")
    action: str  # what was done, in Spanish ("editó Otros Datos")
    changes: tuple[FieldChange, ...] = ()


@dataclass(frozen=True)
class ChangeNotice:
    """What a change notice says in a channel: the client, and one or more changes (merged) by one person."""

    client_id: int
    name: str
    document: str
    changes: tuple[ChangeView, ...]

    @property
    def who(self) -> str:
        return self.changes[0].who if self.changes else ""


@dataclass(frozen=True)
class HistoryPage:
    """A page of a client's audit trail, newest first; cursors as in `ClientPage`."""

    client_id: int
    name: str
    document: str
    entries: tuple[ChangeView, ...]
    page_number: int = 1
    next_cursor: str | None = None
    prev_cursor: str | None = None
    first_index: int = 0  # how many changes are newer than this page

    @property
    def shown(self) -> int:
        """Changes on this page and the newer ones."""
        return self.first_index + len(self.entries)
