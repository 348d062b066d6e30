"""SQLAlchemy models of the Clientes register.

The original product kept server passwords in plain text and allowed any number of "main"
addresses; these tables fix both: passwords are Fernet tokens, and a partial unique index lets a
client have at most one main address. Partial indexes work on SQLite and PostgreSQL alike, so one
migration serves both engines.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """Timezone-aware now; SQLite drops the zone, so readers re-attach UTC (see `as_utc`)."""
    return datetime.now(UTC)


def as_utc(value: datetime | None) -> datetime | None:
    """SQLite returns naive datetimes; everything we store is UTC."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Client(Base):
    __tablename__ = "clients"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    doc_type: Mapped[str] = mapped_column(String(1), default="1")
    doc_number: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(255))
    internal_code: Mapped[str | None] = mapped_column(String(100))
    trade_name: Mapped[str | None] = mapped_column(String(255))
    contact_name: Mapped[str | None] = mapped_column(String(255))
    contact_phone: Mapped[str | None] = mapped_column(String(32))
    website: Mapped[str | None] = mapped_column(String(255))
    gitlab_user: Mapped[str | None] = mapped_column(String(255))
    discord_user: Mapped[str | None] = mapped_column(String(64))
    slack_channel: Mapped[str | None] = mapped_column(String(80))
    discord_channel: Mapped[str | None] = mapped_column(String(100))
    slack_channel_id: Mapped[str | None] = mapped_column(String(32))
    discord_channel_id: Mapped[str | None] = mapped_column(String(32))
    # Accent- and case-folded copy of every searchable column, kept by the repository.
    search_text: Mapped[str] = mapped_column(Text, default="")
    # The digits of its phones (national and E.164), searched only by numbers of 6+ digits.
    phone_text: Mapped[str] = mapped_column(Text, default="")
    # The folded name, for `orden:nombre` (accents and case ignored, as the original sorted).
    sort_name: Mapped[str] = mapped_column(String(255), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_by: Mapped[str] = mapped_column(String(100))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_by: Mapped[str] = mapped_column(String(100))
    version: Mapped[int] = mapped_column(Integer, default=1)
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # What created it (a Slack view id, a Discord interaction, a form draft): a retried delivery of
    # the same submission finds the client instead of creating a second one.
    origin_key: Mapped[str | None] = mapped_column(String(100), unique=True)

    addresses: Mapped[list[Address]] = relationship(
        back_populates="client", cascade="all, delete-orphan", order_by="Address.id", lazy="selectin"
    )
    servers: Mapped[list[Server]] = relationship(
        back_populates="client", cascade="all, delete-orphan", order_by="Server.id", lazy="selectin"
    )

    __table_args__ = (
        Index(
            "uq_clients_live_document",
            "doc_type",
            "doc_number",
            unique=True,
            sqlite_where=text("deleted_at IS NULL"),
            postgresql_where=text("deleted_at IS NULL"),
        ),
        Index("ix_clients_deleted_id", "deleted_at", "id"),
        Index("ix_clients_doc_number", "doc_number"),
        Index("ix_clients_deleted_sort_name", "deleted_at", "sort_name", "id"),
        Index("ix_clients_live_sort_name", "sort_name", "id", postgresql_where=text("deleted_at IS NULL")).ddl_if(
            dialect="postgresql"
        ),
    )
    # Every UPDATE of the row checks and bumps `version`: a concurrent writer gets StaleDataError
    # instead of silently overwriting. Address/server changes touch the row, so they bump it too.
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012

    def __repr__(self) -> str:
        return f"Client(id={self.id!r}, doc={self.doc_type}:{self.doc_number}, name={self.name!r})"


class Address(Base):
    __tablename__ = "addresses"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), index=True)
    is_main: Mapped[bool] = mapped_column(Boolean, default=False)
    country: Mapped[str] = mapped_column(String(2), default="PE")
    ubigeo: Mapped[str | None] = mapped_column(String(6))
    line: Mapped[str | None] = mapped_column(String(255))
    phone: Mapped[str | None] = mapped_column(String(32))
    email: Mapped[str | None] = mapped_column(String(255))

    client: Mapped[Client] = relationship(back_populates="addresses")

    __table_args__ = (
        Index(
            "uq_addresses_one_main",
            "client_id",
            unique=True,
            sqlite_where=text("is_main"),
            postgresql_where=text("is_main"),
        ),
    )


class Server(Base):
    __tablename__ = "servers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), index=True)
    host: Mapped[str | None] = mapped_column(String(255))
    ip: Mapped[str | None] = mapped_column(String(45))
    username: Mapped[str | None] = mapped_column(String(100))
    # A Fernet token, never the password itself.
    password_token: Mapped[str | None] = mapped_column(Text)

    client: Mapped[Client] = relationship(back_populates="servers")

    def __repr__(self) -> str:
        return f"Server(id={self.id!r}, host={self.host!r}, ip={self.ip!r}, password=<redacted>)"


class AuditEntry(Base):
    __tablename__ = "audit_entries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    platform: Mapped[str] = mapped_column(String(16))
    user_id: Mapped[str] = mapped_column(String(100))
    user_name: Mapped[str | None] = mapped_column(String(255))
    action: Mapped[str] = mapped_column(String(32))
    client_id: Mapped[int | None] = mapped_column(Integer, index=True)
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class FormDraft(Base):
    __tablename__ = "form_drafts"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    owner: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(32))
    client_id: Mapped[int | None] = mapped_column(Integer)
    client_version: Mapped[int | None] = mapped_column(Integer)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class OutboxJob(Base):
    __tablename__ = "outbox_jobs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    platform: Mapped[str] = mapped_column(String(16))
    client_id: Mapped[int | None] = mapped_column(Integer, index=True)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    done_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The worker running it ("host:pid:nonce"), so a restarted process on that host can tell its
    # predecessor is gone and take the job over at once instead of waiting out the lease.
    claimed_by: Mapped[str | None] = mapped_column(String(160))

    __table_args__ = (Index("ix_outbox_jobs_due", "status", "next_attempt_at"),)


class SeenRequest(Base):
    """A signed platform request already acted on, kept while a replay of it could still be accepted.

    Slack signs a request with a timestamp and accepts it for five minutes; a recorded signature makes
    a re-sent copy (by an attacker or a proxy) do nothing, across every process sharing the database.
    """

    __tablename__ = "seen_requests"

    key: Mapped[str] = mapped_column(String(128), primary_key=True)
    seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)


class OpenForm(Base):
    """A chat form shown to a user and not yet submitted: what its submit needs that the platform does
    not send back (Discord echoes only the modal's custom_id).

    Kept in the database, not in the process that opened it, so the submit is understood by whichever
    process receives it: after a restart, or after another process took the Discord connection over.
    """

    __tablename__ = "open_forms"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    owner: Mapped[str] = mapped_column(String(40))
    state: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


# SUNAT's padrón reducido (migration 0006 holds their engine-specific DDL; storage/padron.py reads and loads
# them with plain SQL). Declared here so the schema's table list, e.g. the tests' per-test TRUNCATE, has them.
PADRON_LOADS = Table(
    "padron_loads",
    Base.metadata,
    Column("id", Integer, primary_key=True),
    Column("slot", String(1), nullable=False),
    Column("fecha", Date, nullable=False),
    Column("source", Text, nullable=False),
    Column("rows", Integer, nullable=False),
    Column("duplicates", Integer, nullable=False),
    Column("malformed", Integer, nullable=False),
    Column("loaded_at", DateTime, nullable=False),
)
PADRON_SLOTS = tuple(
    Table(f"padron_{slot}", Base.metadata, Column("ruc", BigInteger, primary_key=True), Column("name", Text))
    for slot in ("a", "b")
)
