"""Use cases of the Clientes register. Every adapter calls these and nothing else touches storage.

Each call is one transaction: validate everything first (so a bad field stores nothing), check
permissions and the optimistic-lock version, write the change, its audit entry and any platform
side effects (outbox jobs) together, then return a neutral view.
"""

from __future__ import annotations

import dataclasses
import logging
import re
import unicodedata
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy.exc import IntegrityError, InterfaceError, OperationalError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession
from sqlalchemy.orm.exc import StaleDataError

from commands import bulk, card_views, clock, history, listquery, notices, outbox, padron, phones, resubmission, router
from commands.access import AccessPolicy, Actor, Permission
from commands.drafts import Drafts
from commands.errors import (
    Ambiguous,
    Conflict,
    DraftExpired,
    FieldError,
    FieldErrors,
    NotFound,
    StorageUnavailable,
)
from commands.form_target import FormTarget
from commands.forms import (
    ADDRESS,
    CHANNEL_FIELDS,
    CLIENT,
    CLIENT_ROW_SECTIONS,
    PLATFORMS,
    RUC,
    SECTION_BY_KEY,
    SERVER,
    Kind,
    doc_type_short,
)
from commands.home_view import PROBLEMS_LIMIT, RECENT_LIMIT, ChannelProblem, HomeView
from commands.prefill import PendingValues
from commands.texts import texts
from commands.validation import QUERY_MAX, user_text, validate_client, validate_section
from commands.views import ClientCard, ClientPage, ClientSummary, HistoryPage, Notice
from storage import repository
from storage.crypto import SecretBox
from storage.db import Database
from storage.models import Address, AuditEntry, Client, OutboxJob, Server, as_utc, utcnow
from storage.textfold import fold

log = logging.getLogger(__name__)

PAGE_SIZE = 10
HISTORY_PAGE = 5  # changes per page of `historial` (each may list many fields)
CHOICES_LIMIT = 25
REDACTED = "[redactado]"
MESSAGE_MAX = 3000
ID_MAX = 2**31 - 1  # ids are 32-bit INTEGER columns: a bigger number would be a DBAPIError, not "not found"
_ID_TEXT = re.compile(r"[0-9]{1,9}")  # ASCII digits only: "²".isdigit() is True and int("²") fails
# Origin keys are built from platform ids ("discord:<form id>") that travel in custom_ids a client can
# forge: printable ASCII that fits the column, or the form is treated as gone.
_ORIGIN_KEY = re.compile(r"[!-~]{1,100}")


def _document(record: Mapping[str, Any] | Client) -> str:
    """How a refusal names the document, e.g. RUC 20100070970."""
    if isinstance(record, Client):
        return f"{doc_type_short(record.doc_type)} {record.doc_number}"
    return f"{doc_type_short(record['doc_type'])} {record['doc_number']}"


def _document_error(message: str) -> FieldErrors:
    """A refusal of the document number (taken, or taken meanwhile), on its field."""
    return FieldErrors([FieldError("client", "doc_number", CLIENT.field("doc_number").label, message)])


_PHONE_KEYS = frozenset(f.key for section in SECTION_BY_KEY.values() for f in section.fields if f.kind == Kind.PHONE)


def _differs(key: str, stored: Any, new: Any) -> bool:
    """A changed value; a phone saved in the older international format is the same number in E.164
    (not rewritten, not audited as a change)."""
    if key in _PHONE_KEYS and isinstance(stored, str):
        return phones.stored(stored) != new
    return bool(stored != new)


def _client_ref(text: object) -> str:
    """What a user typed to name a client, refused in Spanish if it cannot be one (NUL, too long)."""
    return user_text(text, field="client", label="Cliente", max_length=QUERY_MAX)


class ClientService:
    def __init__(
        self,
        db: Database,
        box: SecretBox,
        policy: AccessPolicy | None = None,
        audit_channels: notices.AuditChannels | None = None,
    ) -> None:
        self.db = db
        self.box = box
        self.policy = policy or AccessPolicy()
        # Where every change is noted besides the client's own channels (AUDIT_SLACK_CHANNEL, …).
        self.audit_channels = audit_channels or notices.AuditChannels()
        # Called after a commit that queued platform work (the outbox worker's `notify`).
        self.on_outbox: Callable[[], None] | None = None
        # The platforms this process has credentials for (set at start-up from the settings); a pending
        # channel of another platform is shown as not configured. None: not known, shown as pending.
        self.configured_platforms: frozenset[str] | None = None
        self.drafts = Drafts(self._tx, box)
        # Half-filled forms are the service's too: its transaction, its secret box, its adapters.
        self.save_draft, self.load_draft, self.discard_draft = self.drafts.save, self.drafts.load, self.drafts.discard
        # Values a source found for a client's later forms (a message's; SUNAT's): `commands.prefill`.
        self.prefill = PendingValues(self._tx)

    # ----------------------------------------------------------------- plumbing
    @asynccontextmanager
    async def _tx(self) -> AsyncIterator[AsyncSession]:
        """One unit of work; database outages become a Spanish message instead of a traceback."""
        info: dict[str, Any] = {}
        try:
            async with self.db.session() as session:
                info = session.info
                async with session.begin():
                    yield session
                if session.info.pop("outbox", False) and self.on_outbox is not None:
                    self.on_outbox()
        except (OperationalError, InterfaceError, OSError, TimeoutError) as exc:
            log.warning("database unavailable: %s", type(exc).__name__)
            raise StorageUnavailable() from exc
        except IntegrityError as exc:
            # Lost a race against another save of the same document (checked first, enforced by the
            # unique index): the same answer as the check, never a traceback. An idempotent create
            # (origin_key) resolves its own race, so it gets the error as is.
            document = "doc_number" in str(exc.orig) or "uq_clients_live_document" in str(exc.orig)
            if document and not info.get("origin_key"):
                raise _document_error(texts().document_just_taken) from None
            raise

    @asynccontextmanager
    async def _read(self) -> AsyncIterator[AsyncConnection]:
        """A read on a bare connection, without the ORM's unit of work: a list page is most requests,
        and the session and its transaction were a third of its CPU. Outages read as in `_tx`."""
        try:
            async with self.db.engine.connect() as connection:
                yield connection
        except (OperationalError, InterfaceError, OSError, TimeoutError) as exc:
            log.warning("database unavailable: %s", type(exc).__name__)
            raise StorageUnavailable() from exc

    async def _load(self, session: AsyncSession, client_id: int, *, deleted: bool | None = False) -> Client:
        in_range = isinstance(client_id, int) and 0 < client_id <= ID_MAX
        client = await repository.get_client(session, client_id, deleted=deleted) if in_range else None
        if client is None and in_range and deleted is False:
            gone = await repository.get_client(session, client_id, deleted=True)
            if gone is not None:  # a card or a `ver #id` of a client deleted meanwhile: say so, and the way back
                raise NotFound(texts().client_deleted(gone.name, _document(gone), gone.id))
        if client is None:
            raise NotFound(texts().no_client(client_id, bool(deleted)))
        return client

    async def _card(self, session: AsyncSession, client: Client) -> ClientCard:
        """The card, with where its named channels stand (one query, only while one is not ready)."""
        jobs: list[OutboxJob] = []
        if any(getattr(client, field) and not getattr(client, f"{field}_id") for field in CHANNEL_FIELDS.values()):
            jobs = list(await repository.channel_jobs(session, client.id, outbox.PROVISION, limit=20))
        card = self._configured(card_views.card(client, jobs))
        if client.doc_type == RUC:  # what SUNAT's padrón says of it, when one is loaded
            card = dataclasses.replace(card, padron=await padron.status(await session.connection(), client.doc_number))
        if not jobs:
            return card
        live, now = self.live_platforms(), utcnow()
        worker_settings = getattr(getattr(self.on_outbox, "__self__", None), "settings", None)
        max_attempts = getattr(worker_settings, "max_attempts", outbox.MAX_ATTEMPTS)
        timed = []
        for status in card.channels:
            job = next(
                (j for j in jobs if j.platform == status.platform and j.payload.get("name") == status.name), None
            )
            when = (
                outbox.next_step(job, live, now, max_attempts)
                if status.state == "pendiente" and status.configured
                else None
            )
            timed.append(dataclasses.replace(status, when=when))
        return dataclasses.replace(card, channels=tuple(timed))

    def _configured(self, card: ClientCard) -> ClientCard:
        """Marks the channels of platforms this process has no credentials for: "pendiente" would be
        a promise nobody here keeps ("#acme (Slack no está configurado)")."""
        configured = self.configured_platforms
        if configured is None or all(status.platform in configured for status in card.channels):
            return card
        marked = tuple(
            status if status.platform in configured else dataclasses.replace(status, configured=False)
            for status in card.channels
        )
        return dataclasses.replace(card, channels=marked)

    def live_platforms(self) -> frozenset[str]:
        """The platforms whose channel jobs a worker of this process runs now, so `canales` promises "en
        unos segundos" only when that is true. The launcher hands the service its worker's `notify`;
        a process without a worker (the console) knows of none."""
        served = getattr(getattr(self.on_outbox, "__self__", None), "served", None)
        return frozenset(served()) if callable(served) else frozenset()

    async def _check_version(self, client: Client, expected: int | None) -> None:
        if expected is not None and client.version != expected:
            raise Conflict(card_views.card(client))

    async def _audit(
        self,
        session: AsyncSession,
        actor: Actor,
        action: str,
        client: Client | None,
        changes: Mapping[str, Any] | None = None,
    ) -> None:
        """Records the change in the trail and queues its notice (same transaction: both or neither).
        A register-wide action (an export) has no client and no notice."""
        entry = AuditEntry(
            platform=actor.platform,
            user_id=actor.user_id,
            user_name=actor.name,
            action=action,
            client_id=client.id if client is not None else None,
            changes=dict(changes or {}),
        )
        session.add(entry)
        if client is not None and action in notices.NOTIFIED:
            await session.flush()
            await notices.enqueue(session, self.audit_channels, client, entry)

    @staticmethod
    def _touch(client: Client, actor: Actor) -> None:
        """Marks the row changed so its version bumps even when only a child row changed."""
        client.updated_at = utcnow()
        client.updated_by = actor.ref
        repository.index(client)

    async def _flush(self, session: AsyncSession, client: Client) -> None:
        """Flushes; a concurrent writer's bump of `version` surfaces as a Conflict with their values."""
        client_id = client.id
        try:
            await session.flush()
        except StaleDataError:
            async with self.db.session() as fresh:
                current = await repository.get_client(fresh, client_id, deleted=None)
            if current is None:
                raise NotFound(texts().no_client(client_id, False)) from None
            raise Conflict(card_views.card(current)) from None

    @staticmethod
    def _enqueue_channels(session: AsyncSession, client: Client, changed: Mapping[str, Any]) -> None:
        for platform, field in CHANNEL_FIELDS.items():
            if changed.get(field):
                session.info["outbox"] = True
                session.add(
                    OutboxJob(
                        kind=outbox.PROVISION,
                        platform=platform,
                        client_id=client.id,
                        payload={"name": changed[field]},
                    )
                )

    async def _refuse_duplicate(
        self, session: AsyncSession, doc_type: str, doc_number: str, exclude_id: int | None = None
    ) -> None:
        existing = await repository.live_by_document(session, doc_type, doc_number)
        if existing is not None and existing.id != exclude_id:
            raise _document_error(texts().document_taken(_document(existing), existing.name, existing.id))

    # ----------------------------------------------------------------- create
    async def create(
        self,
        actor: Actor,
        client: Mapping[str, Any],
        *,
        addresses: Sequence[Mapping[str, Any]] = (),
        contact: Mapping[str, Any] | None = None,
        integrations: Mapping[str, Any] | None = None,
        servers: Sequence[Mapping[str, Any]] = (),
        origin_key: str | None = None,
    ) -> ClientCard:
        """Creates a client with any of its sections; only "Datos del cliente" is required.

        `origin_key` makes it idempotent: the same submission delivered twice returns the first
        client instead of creating another.
        """
        self.policy.require(actor, Permission.EDIT)
        if origin_key is not None and not _ORIGIN_KEY.fullmatch(origin_key):
            raise DraftExpired()
        values, address_values, server_values = self._validate_all(client, addresses, contact, integrations, servers)
        try:
            async with self._tx() as session:
                if origin_key:
                    session.info["origin_key"] = origin_key
                    done = await repository.by_origin(session, origin_key)
                    if done is not None:
                        return await self._card(session, done)
                # One look-up decides both cases, so a concurrent delivery of this same submission that
                # commits in between can't turn into "the document is taken" (two look-ups left a window).
                same = await repository.live_by_document(session, values["doc_type"], values["doc_number"])
                if same is not None and origin_key and same.origin_key == origin_key:
                    return await self._card(session, same)
                if same is not None:
                    raise _document_error(texts().document_taken(_document(values), same.name, same.id))
                addresses_rows = [Address(**a, is_main=i == 0) for i, a in enumerate(address_values)]
                server_rows = []
                for server in server_values:
                    password = server.pop("password")
                    token = self.box.encrypt(password) if password else None
                    server_rows.append(Server(**server, password_token=token))
                # Both collections given at construction are loaded once flushed: the card reads them
                # without another query (a refresh here cost two SELECTs on every create).
                row = Client(
                    **values,
                    created_by=actor.ref,
                    updated_by=actor.ref,
                    origin_key=origin_key,
                    addresses=addresses_rows,
                    servers=server_rows,
                )
                repository.index(row)
                session.add(row)
                await session.flush()
                self._enqueue_channels(session, row, values)
                created = {k: [None, v] for k, v in values.items() if v is not None}
                counts = {"addresses": len(address_values), "servers": len(server_values)}
                await self._audit(session, actor, "create", row, {**created, **counts})
                return await self._card(session, row)
        except IntegrityError:
            # Lost a race: the same submission (origin_key) or the same document was saved meanwhile.
            if origin_key:
                async with self._tx() as session:
                    done = await repository.by_origin(session, origin_key)
                    if done is not None:
                        return await self._card(session, done)
            raise _document_error(texts().document_just_taken) from None

    async def create_many(
        self, actor: Actor, items: Sequence[bulk.NewClient], checked: Sequence[bulk.Checked | None] | None = None
    ) -> list[bulk.Outcome]:
        """Creates many clients (an import) a batch per transaction; see `commands.bulk`."""
        return await bulk.create_many(self, actor, items, checked)

    # Every section validated, all errors of all sections reported together (`validation.validate_client`).
    _validate_all = staticmethod(validate_client)

    # ----------------------------------------------------------------- read
    async def get(self, actor: Actor, client_id: int, *, deleted: bool | None = False) -> ClientCard:
        self.policy.require(actor, Permission.VIEW)
        async with self._tx() as session:
            return await self._card(session, await self._load(session, client_id, deleted=deleted))

    async def find(self, actor: Actor, text: str, *, deleted: bool = False) -> ClientCard:
        """What a user typed, read as a document number, then `#id`, then a name fragment.

        Several matches raise `Ambiguous` with up to 25 choices for the adapter to offer.
        """
        self.policy.require(actor, Permission.VIEW)
        typed = " ".join(_client_ref(text).split())
        if not typed:
            raise NotFound("Indique un cliente: número de documento, #id o parte del nombre.")
        async with self._tx() as session:
            # NFKC as documents are stored: "１２３" (full-width) finds 123.
            compact = unicodedata.normalize("NFKC", typed).replace(" ", "").upper()
            by_doc = await repository.by_document_number(session, compact.lstrip("#"), deleted=deleted)
            if len(by_doc) == 1:
                return await self._card(session, by_doc[0])
            if len(by_doc) > 1:
                raise Ambiguous(typed, [card_views.summary(c, actor) for c in by_doc[:CHOICES_LIMIT]])
            id_text = compact[1:] if compact.startswith("#") else compact
            if _ID_TEXT.fullmatch(id_text):
                row = await repository.get_client(session, int(id_text), deleted=deleted)
                if row is not None:
                    return await self._card(session, row)
            wanted = listquery.parse(typed)  # a pasted channel mention names its client too
            found = await repository.search(session, wanted, limit=CHOICES_LIMIT + 1, deleted=deleted)
            exact = [c for c in found if fold(c.name) == fold(typed)]
            if len(found) == 1 or len(exact) == 1:
                return await self._card(session, (exact or list(found))[0])
            if not found:
                if not deleted:
                    await self._refuse_deleted(session, typed, compact)
                raise NotFound(texts().no_match(typed, deleted))
            raise Ambiguous(typed, [card_views.summary(c, actor) for c in found[:CHOICES_LIMIT]])

    @staticmethod
    async def _refuse_deleted(session: AsyncSession, typed: str, compact: str) -> None:
        """Nothing live matches: if deleted clients do, say so and how to restore them, instead of
        "no se encontró" (which reads as if the client never existed)."""
        gone = list(await repository.by_document_number(session, compact.lstrip("#"), deleted=True))
        id_text = compact[1:] if compact.startswith("#") else compact
        if not gone and _ID_TEXT.fullmatch(id_text):
            row = await repository.get_client(session, int(id_text), deleted=True)
            gone = [row] if row is not None else []
        if not gone:
            gone = list(await repository.search(session, typed, limit=2, deleted=True))
        if len(gone) == 1:
            raise NotFound(texts().client_deleted(gone[0].name, _document(gone[0]), gone[0].id))
        if gone:
            raise NotFound(texts().deleted_matches(typed))

    async def by_origin(self, actor: Actor, origin_key: str) -> ClientCard | None:
        """The client a submission (or an imported record) already created, if any."""
        self.policy.require(actor, Permission.VIEW)
        if not _ORIGIN_KEY.fullmatch(origin_key):
            return None
        async with self._tx() as session:
            row = await repository.by_origin(session, origin_key)
            return await self._card(session, row) if row is not None else None

    async def suggest(
        self, actor: Actor, text: str, *, limit: int = CHOICES_LIMIT, deleted: bool = False
    ) -> list[ClientSummary]:
        """Type-ahead choices (autocomplete, external selects): newest matches first.

        Called on every keystroke, so text that cannot name a client simply matches nothing.
        """
        self.policy.require(actor, Permission.VIEW)
        try:
            typed = _client_ref(text).strip().lstrip("#")
        except FieldErrors:
            return []
        async with self._tx() as session:
            rows = list(await repository.search(session, listquery.parse(typed), limit=limit, deleted=deleted))
            if _ID_TEXT.fullmatch(typed) and not any(r.id == int(typed) for r in rows):
                by_id = await repository.get_client(session, int(typed), deleted=deleted)
                if by_id is not None:
                    rows = [by_id, *rows][:limit]
            return [card_views.summary(c, actor) for c in rows]

    async def list_page(
        self, actor: Actor, query: str = "", cursor: str | None = None, page_size: int = PAGE_SIZE
    ) -> ClientPage:
        """A page of the list; `cursor` is 'n:<id>' (Siguiente) or 'p:<id>' (Anterior)."""
        self.policy.require(actor, Permission.VIEW)
        older_than = newer_than = None
        query = user_text(query, field="query", label="Búsqueda", max_length=QUERY_MAX)
        if isinstance(cursor, str) and cursor[:2] in ("n:", "p:") and _ID_TEXT.fullmatch(cursor[2:]):
            if cursor[0] == "n":
                older_than = int(cursor[2:])
            else:
                newer_than = int(cursor[2:])
        query = " ".join((query or "").split())[:100]
        if router.is_trash(query):  # `lista eliminados` / `papelera`
            return await self._trash_page(actor, query, page_size, older_than, newer_than)
        async with self._read() as connection:
            search = listquery.parse(query)
            result = await repository.page(
                connection, search, size=page_size, older_than=older_than, newer_than=newer_than
            )
            rows = tuple(card_views.summary(c, actor) for c in result.rows)
        return ClientPage(
            rows=rows,
            query=query,
            total=repository.COUNT_CAP if result.total_capped else result.total,
            total_capped=result.total_capped,
            position_known=result.position_known,
            page_size=page_size,
            next_cursor=f"n:{rows[-1].id}" if rows and result.has_older else None,
            prev_cursor=f"p:{rows[0].id}" if rows and result.has_newer else None,
            first_index=result.newer_count,
        )

    async def _trash_page(
        self, actor: Actor, query: str, page_size: int, older_than: int | None, newer_than: int | None
    ) -> ClientPage:
        """The deleted clients, newest first, each with who deleted it and when (BOT_TIMEZONE)."""
        async with self._tx() as session:
            result = await repository.page(
                session, "", size=page_size, older_than=older_than, newer_than=newer_than, deleted=True
            )
            deletions = await repository.deletions(session, [c.id for c in result.rows])
            rows = []
            for client in result.rows:
                entry = deletions.get(client.id)
                rows.append(
                    dataclasses.replace(
                        card_views.summary(client, actor),
                        deleted_by=history.who(entry) if entry else client.updated_by,
                        deleted_at=clock.stamp(as_utc(client.deleted_at)),
                    )
                )
        return ClientPage(
            rows=tuple(rows),
            query=query,
            total=result.total,
            page_size=page_size,
            next_cursor=f"n:{rows[-1].id}" if rows and result.has_older else None,
            prev_cursor=f"p:{rows[0].id}" if rows and result.has_newer else None,
            first_index=result.newer_count,
            trash=True,
        )

    # ----------------------------------------------------------------- edit
    @asynccontextmanager
    async def _editing(
        self, actor: Actor, client_id: int, expected_version: int | None, permission: Permission = Permission.EDIT
    ) -> AsyncIterator[tuple[AsyncSession, Client]]:
        """The shape of every change: permission, one transaction, the live client, the version check."""
        self.policy.require(actor, permission)
        async with self._tx() as session:
            client = await self._load(session, client_id)
            await self._check_version(client, expected_version)
            yield session, client

    async def _saved(
        self,
        session: AsyncSession,
        client: Client,
        actor: Actor,
        action: str,
        changes: Mapping[str, Any],
        stamp: str | None = None,
    ) -> ClientCard:
        """Bumps the version (a concurrent writer becomes a Conflict), audits, and returns the new card.

        `stamp` (see `resubmission`) is recorded with the change so a re-sent form is recognised."""
        self._touch(client, actor)
        await self._flush(session, client)
        await self._audit(session, actor, action, client, {**changes, resubmission.STAMP: stamp} if stamp else changes)
        return await self._card(session, client)

    async def save(
        self,
        actor: Actor,
        target: FormTarget,
        raw: Mapping[str, Any],
        *,
        submission_key: str | None = None,
        main: bool = False,
    ) -> ClientCard:
        """Saves one submitted section form: the one place that knows which use case each form calls.

        A submission the core already saved (the same `submission_key` and values, or with no key the
        same values, one version ago by the same user) is answered with the saved card instead of a
        Conflict: a platform's redelivery or a second press of Guardar saves nothing twice.
        """
        if not target.known:  # it travels in platform metadata: a forged one is an answer, not a crash
            raise NotFound(texts().section_gone)
        stamp = resubmission.stamp(submission_key, raw) if submission_key else None
        try:
            return await self._save(actor, target, raw, main=main, stamp=stamp)
        except Conflict as exc:
            if resubmission.follows(exc.current, target, actor) and (
                await self._stamped(target.client_id, stamp) or resubmission.same_values(exc.current, target, raw)
            ):
                log.info("re-sent %s form already saved; answered as saved", target.section)
                return exc.current
            raise

    async def _save(
        self, actor: Actor, target: FormTarget, raw: Mapping[str, Any], *, main: bool, stamp: str | None
    ) -> ClientCard:
        cid, version, item = target.client_id, target.version, target.item_id
        if target.section == "address":
            if item is None:
                return await self.add_address(actor, cid, raw, version, main=main, stamp=stamp)
            return await self.edit_address(actor, cid, item, raw, version, main=main, stamp=stamp)
        if target.section == "server":
            if item is None:
                return await self.add_server(actor, cid, raw, version, stamp=stamp)
            return await self.edit_server(actor, cid, item, raw, version, stamp=stamp)
        return await self.edit_section(actor, cid, target.section, raw, version, stamp=stamp)

    async def _stamped(self, client_id: int, stamp: str | None) -> bool:
        """Whether the client's last change carries this submission's stamp."""
        if stamp is None:
            return False
        async with self._tx() as session:
            last = next(iter(await repository.audit_of(session, client_id, limit=1)), None)
        return last is not None and last.changes.get(resubmission.STAMP) == stamp

    async def edit_section(
        self,
        actor: Actor,
        client_id: int,
        section: str,
        raw: Mapping[str, Any],
        expected_version: int | None,
        *,
        stamp: str | None = None,
    ) -> ClientCard:
        """Saves one of the client-row sections (Datos del cliente, Otros Datos, Datos Servidor)."""
        if section not in CLIENT_ROW_SECTIONS:  # it travels in custom_ids: a forged one is an answer, not a crash
            raise NotFound(texts().section_gone)
        values = validate_section(SECTION_BY_KEY[section], raw)
        async with self._editing(actor, client_id, expected_version) as (session, client):
            if section == "client":
                await self._refuse_duplicate(session, values["doc_type"], values["doc_number"], client.id)
            changes = {k: [getattr(client, k), v] for k, v in values.items() if _differs(k, getattr(client, k), v)}
            if not changes:
                return await self._card(session, client)
            for key, (_old, new) in changes.items():
                setattr(client, key, new)
            for field in CHANNEL_FIELDS.values():
                if field in changes:  # a renamed channel is another channel: provisioned anew
                    setattr(client, f"{field}_id", None)
            self._enqueue_channels(session, client, {k: v[1] for k, v in changes.items()})
            return await self._saved(session, client, actor, f"edit_{section}", changes, stamp)

    async def add_address(
        self,
        actor: Actor,
        client_id: int,
        raw: Mapping[str, Any],
        expected_version: int | None = None,
        *,
        main: bool = False,
        stamp: str | None = None,
    ) -> ClientCard:
        """Adds an address; the first one, or one marked `main`, becomes the main address."""
        values = validate_section(ADDRESS, raw)
        async with self._editing(actor, client_id, expected_version) as (session, client):
            make_main = main or not client.addresses
            if make_main:
                await self._clear_main(session, client)
            client.addresses.append(Address(**values, is_main=make_main))
            changes = {k: [None, v] for k, v in values.items()}
            return await self._saved(session, client, actor, "add_address", changes, stamp)

    async def _clear_main(self, session: AsyncSession, client: Client) -> None:
        """Unsets the main flag first: the one-main index is checked row by row on SQLite."""
        for address in client.addresses:
            if address.is_main:
                address.is_main = False
        await session.flush()

    def _address(self, client: Client, address_id: int) -> Address:
        address = next((a for a in client.addresses if a.id == address_id), None)
        if address is None:
            raise NotFound(texts().no_address(client.name, address_id))
        return address

    def _server(self, client: Client, server_id: int) -> Server:
        server = next((s for s in client.servers if s.id == server_id), None)
        if server is None:
            raise NotFound(texts().no_server(client.name, server_id))
        return server

    async def edit_address(
        self,
        actor: Actor,
        client_id: int,
        address_id: int,
        raw: Mapping[str, Any],
        expected_version: int | None,
        *,
        main: bool = False,
        stamp: str | None = None,
    ) -> ClientCard:
        values = validate_section(ADDRESS, raw)
        async with self._editing(actor, client_id, expected_version) as (session, client):
            address = self._address(client, address_id)
            changes = {k: [getattr(address, k), v] for k, v in values.items() if _differs(k, getattr(address, k), v)}
            if main and not address.is_main:
                await self._clear_main(session, client)
                address.is_main = True
                changes["is_main"] = [False, True]
            if not changes:
                return await self._card(session, client)
            for key, value in values.items():
                setattr(address, key, value)
            audited: dict[str, Any] = {"address_id": address_id, **changes}
            return await self._saved(session, client, actor, "edit_address", audited, stamp)

    async def set_main_address(
        self, actor: Actor, client_id: int, address_id: int, expected_version: int | None
    ) -> ClientCard:
        """Makes one address the main one (its phone and e-mail become the list's Teléfono and Correo)."""
        async with self._editing(actor, client_id, expected_version) as (session, client):
            address = self._address(client, address_id)
            if address.is_main:
                return await self._card(session, client)
            await self._clear_main(session, client)
            address.is_main = True
            return await self._saved(session, client, actor, "set_main_address", {"address_id": address_id})

    async def remove_address(
        self, actor: Actor, client_id: int, address_id: int, expected_version: int | None
    ) -> ClientCard:
        """Removes an address; when it was the main one the oldest remaining becomes main."""
        async with self._editing(actor, client_id, expected_version) as (session, client):
            address = self._address(client, address_id)
            client.addresses.remove(address)
            await session.flush()
            if address.is_main and client.addresses:
                min(client.addresses, key=lambda a: a.id).is_main = True
            changes = {"address_id": address_id, "line": [address.line, None]}
            return await self._saved(session, client, actor, "remove_address", changes)

    async def add_server(
        self,
        actor: Actor,
        client_id: int,
        raw: Mapping[str, Any],
        expected_version: int | None = None,
        *,
        stamp: str | None = None,
    ) -> ClientCard:
        values = validate_section(SERVER, raw)
        async with self._editing(actor, client_id, expected_version) as (session, client):
            password = values.pop("password")
            client.servers.append(Server(**values, password_token=self.box.encrypt(password) if password else None))
            changes = {k: [None, v] for k, v in values.items()}
            if password:
                changes["password"] = [None, REDACTED]
            return await self._saved(session, client, actor, "add_server", changes, stamp)

    async def edit_server(
        self,
        actor: Actor,
        client_id: int,
        server_id: int,
        raw: Mapping[str, Any],
        expected_version: int | None,
        *,
        stamp: str | None = None,
    ) -> ClientCard:
        """Edits a server; a blank Contraseña keeps the stored one."""
        values = validate_section(SERVER, raw, keep_blank=frozenset({"password"}))
        async with self._editing(actor, client_id, expected_version) as (session, client):
            server = self._server(client, server_id)
            password = values.pop("password")
            changes: dict[str, Any] = {k: [getattr(server, k), v] for k, v in values.items() if getattr(server, k) != v}
            for key, value in values.items():
                setattr(server, key, value)
            if password:
                server.password_token = self.box.encrypt(password)
                changes["password"] = [REDACTED, REDACTED]
            if not changes:
                return await self._card(session, client)
            changes = {"server_id": server_id, **changes}
            return await self._saved(session, client, actor, "edit_server", changes, stamp)

    async def remove_server(
        self, actor: Actor, client_id: int, server_id: int, expected_version: int | None
    ) -> ClientCard:
        async with self._editing(actor, client_id, expected_version) as (session, client):
            server = self._server(client, server_id)
            client.servers.remove(server)
            changes = {"server_id": server_id, "host": [server.host, None]}
            return await self._saved(session, client, actor, "remove_server", changes)

    async def retry_channels(self, actor: Actor, client_id: int) -> ClientCard:
        """Queues again the client's channels that are not ready and have no attempt under way; an
        attempt whose worker is gone (lease run out, or its process on this host died) is handed back
        now, due at once, instead of waiting for its lease."""
        async with self._editing(actor, client_id, None) as (session, client):
            queued: dict[str, str] = {}
            now = utcnow()
            for platform, field in CHANNEL_FIELDS.items():
                name = getattr(client, field)
                if not name or getattr(client, f"{field}_id"):
                    continue
                latest = next(
                    iter(await repository.channel_jobs(session, client.id, outbox.PROVISION, platform, limit=1)), None
                )
                if latest is None or latest.status not in ("pending", "running"):
                    queued[field] = name
                elif latest.status == "running" and (
                    (as_utc(latest.next_attempt_at) or now) <= now or outbox.owner_gone(latest.claimed_by)
                ):
                    if await repository.hand_back(session, latest, now):  # else a worker just took it
                        session.info["outbox"] = True
                    await session.refresh(latest)
            if queued:
                self._enqueue_channels(session, client, queued)
                await self._audit(session, actor, "retry_channels", client, {k: [None, v] for k, v in queued.items()})
                await session.flush()
            return await self._card(session, client)

    async def post_message(
        self, actor: Actor, client_id: int, text: str, platforms: Sequence[str] | None = None
    ) -> list[int]:
        """Queues a message for the client's channels (all it names, or `platforms`); returns the job ids.

        Queued, not sent: a platform outage delays the message instead of losing it, and a channel
        still being created receives it once it exists.
        """
        message = user_text(
            text, field="text", label="Mensaje", max_length=MESSAGE_MAX * 2, multiline=True, section="message"
        ).strip()
        if not message or len(message) > MESSAGE_MAX:
            raise FieldErrors(
                [FieldError("message", "text", "Mensaje", f"debe tener de 1 a {MESSAGE_MAX} caracteres.")]
            )
        if platforms is not None and (
            isinstance(platforms, str)
            or not all(isinstance(p, str) and p in PLATFORMS for p in platforms)
            or not platforms
        ):
            raise FieldErrors([FieldError("message", "platforms", "Plataformas", "indique «slack» y/o «discord».")])
        async with self._editing(actor, client_id, None) as (session, client):
            wanted = set(platforms or PLATFORMS)
            targets = [p for p, f in CHANNEL_FIELDS.items() if p in wanted and getattr(client, f)]
            if not targets:
                raise NotFound(texts().no_channel_for(client.name, " ni de ".join(sorted(wanted))))
            jobs = [
                OutboxJob(kind=outbox.POST_MESSAGE, platform=platform, client_id=client.id, payload={"text": message})
                for platform in targets
            ]
            session.add_all(jobs)
            session.info["outbox"] = True
            await session.flush()
            return [job.id for job in jobs]

    async def reveal_password(self, actor: Actor, client_id: int, server_id: int) -> str:
        """The only way a password leaves the database; every reveal is audited."""
        from commands.secrets_errors import open_secret  # imported here: this method is all that needs it

        async with self._editing(actor, client_id, None, Permission.REVEAL) as (session, client):
            server = self._server(client, server_id)
            if not server.password_token:
                raise NotFound(texts().no_password(server.host or server.ip or ""))
            # Decrypt first: a password the keys cannot open is a SecretUnreadable (Spanish, on every
            # adapter) and the transaction rolls back, so no reveal is audited that revealed nothing.
            password = open_secret(self.box, server.password_token)
            await self._audit(session, actor, "reveal_password", client, {"server_id": server_id})
            return password

    # ----------------------------------------------------------------- delete / restore
    async def delete(self, actor: Actor, client_id: int, expected_version: int | None = None) -> Notice:
        async with self._editing(actor, client_id, expected_version, Permission.DELETE) as (session, client):
            client.deleted_at = utcnow()
            card = await self._saved(session, client, actor, "delete", {})
            return Notice(texts().deleted(card.name, card.document), client_id=card.id, undo="restaurar")

    async def restore(self, actor: Actor, client_id: int) -> ClientCard:
        """Brings a deleted client back, unless its document now belongs to a live client."""
        self.policy.require(actor, Permission.DELETE)
        async with self._tx() as session:
            client = await self._load(session, client_id, deleted=True)
            existing = await repository.live_by_document(session, client.doc_type, client.doc_number)
            if existing is not None:
                document = f"{doc_type_short(client.doc_type)} {client.doc_number}"
                raise _document_error(texts().restore_refused(client.name, document, existing.name, existing.id))
            client.deleted_at = None
            self._touch(client, actor)
            await self._flush(session, client)
            await self._audit(session, actor, "restore", client)
            return await self._card(session, client)

    # ----------------------------------------------------------------- home
    async def home(self, actor: Actor) -> HomeView:
        """The clients changed last and those whose channel failed: what a team checks at a glance.

        Channel errors are read from the clients still waiting for a channel (their provisioning jobs
        decide, as on the card), so a channel fixed by a retry drops out at once."""
        self.policy.require(actor, Permission.VIEW)
        async with self._tx() as session:
            recent = [card_views.summary(c, actor) for c in await repository.recently_changed(session, RECENT_LIMIT)]
            waiting = list(await repository.awaiting_channel(session, limit=PROBLEMS_LIMIT * 5))
            jobs = await repository.jobs_of_clients(session, [c.id for c in waiting], outbox.PROVISION)
            problems = [
                ChannelProblem(card_views.summary(client, actor), status)
                for client in waiting
                for status in card_views.channel_statuses(client, jobs.get(client.id, []))
                if status.state == "error"
            ]
        return HomeView(tuple(recent), tuple(problems[:PROBLEMS_LIMIT]))

    # ----------------------------------------------------------------- maintenance
    async def iter_cards(self, actor: Actor, *, batch: int = 500) -> AsyncIterator[ClientCard]:
        """Every live client, oldest first, a batch per transaction (exports of any size in flat memory)."""
        self.policy.require(actor, Permission.VIEW)
        after = 0
        while True:
            async with self._tx() as session:
                rows = [card_views.card(c) for c in await repository.live_after(session, after, limit=batch)]
            for card in rows:
                yield card
            if len(rows) < batch:
                return
            after = rows[-1].id

    async def history_page(
        self, actor: Actor, client_id: int, cursor: str | None = None, page_size: int = HISTORY_PAGE
    ) -> HistoryPage:
        """A page of the client's trail, newest first (deleted clients too): who, when in BOT_TIMEZONE,
        from where, which fields old → new, passwords only as changed. `cursor` as in `list_page`."""
        self.policy.require(actor, Permission.HISTORY)
        older_than = newer_than = None
        if isinstance(cursor, str) and cursor[:2] in ("n:", "p:") and _ID_TEXT.fullmatch(cursor[2:]):
            older_than, newer_than = (int(cursor[2:]), None) if cursor[0] == "n" else (None, int(cursor[2:]))
        async with self._tx() as session:
            client = await self._load(session, client_id, deleted=None)
            rows, newer, older, newer_count = await repository.audit_page(
                session, client.id, size=page_size, older_than=older_than, newer_than=newer_than
            )
            entries = tuple(history.describe(e) for e in rows)
            return HistoryPage(
                client_id=client.id,
                name=client.name,
                document=_document(client),
                entries=entries,
                page_number=newer_count // page_size + 1,
                next_cursor=f"n:{rows[-1].id}" if rows and older else None,
                prev_cursor=f"p:{rows[0].id}" if rows and newer else None,
                first_index=newer_count,
            )

    async def history(self, actor: Actor, client_id: int, limit: int = 20) -> list[AuditEntry]:
        self.policy.require(actor, Permission.VIEW)
        async with self._tx() as session:
            return list(await repository.audit_of(session, client_id, limit=limit))
