"""The console adapter: reads `/clientes …` commands and renders the core's answers with rich.

No line typed (or piped) ends the session: every command's failure is a Spanish sentence, a form is
abandoned with «cancelar», Ctrl-C or the end of input, and only `salir`, Ctrl-C or the end of input at
the command prompt close it.
"""

from __future__ import annotations

import contextlib
import dataclasses
import getpass
import io
import logging
import os
import sys
import uuid
from collections.abc import Mapping
from typing import Any, TextIO

from rich.console import Console

from bot.console import render
from bot.console.forms import FormAsker, show_errors
from bot.console.interrupts import Interrupts
from bot.console.prompt import CANCEL_WORDS, Cancelled, EndOfInput, Prompter
from bot.console.text import plain
from commands import padron, router, sunat
from commands.access import Actor
from commands.errors import Ambiguous, Conflict, CoreError, FieldError, FieldErrors, StorageUnavailable
from commands.form_target import FormTarget
from commands.forms import ADDRESS, CLIENT, CONTACT, INTEGRATIONS, RUC, SERVER
from commands.padron import Taxpayer
from commands.service import ClientService
from commands.sunat import SunatAnswer
from commands.texts import texts
from commands.transfer import export_file
from commands.views import ClientCard, ClientPage, HistoryPage

EXIT_WORDS = {"salir", "exit", "quit", "q"}
log = logging.getLogger(__name__)


class ConsoleAdapter:
    def __init__(
        self,
        service: ClientService,
        *,
        stream: TextIO | None = None,
        console: Console | None = None,
        user: str | None = None,
    ) -> None:
        self.service = service
        self.console = console or _terminal_console()
        self.interrupts = Interrupts()
        self.prompt = Prompter(self.console, stream, self.interrupts)
        self.forms = FormAsker(self.console, self.prompt)
        name = user or getpass.getuser()
        self.actor = Actor("console", name, name)
        self.last_page: ClientPage | HistoryPage | SunatAnswer | None = None  # what «siguiente»/«anterior» turn

    def say(self, message: object, style: str = "") -> None:
        self.console.print(plain(message, style))

    async def run(self) -> None:
        self.say(texts().console_welcome, "bold")
        with self.interrupts.installed():
            while True:
                try:
                    line = self.prompt.ask("clientes>", sep=" ", command_prompt=True)
                except (EndOfInput, KeyboardInterrupt):
                    self.console.print()
                    break
                word = line.strip().casefold()
                if word in EXIT_WORDS:
                    break
                if not word:
                    continue
                if word in CANCEL_WORDS:
                    self.say(texts().console_nothing_to_cancel, "yellow")
                    continue
                await self.handle(line)
        self.say(texts().console_goodbye)

    async def handle(self, line: str) -> None:
        """One command; whatever happens in it, the session goes on at the next prompt."""
        word = line.strip().lower()
        try:
            if word in ("siguiente", "next", "anterior", "prev", "previous"):
                await self._turn_page(forward=word in ("siguiente", "next"))
                return
            parsed = router.parse(line)
            handler = getattr(self, f"_cmd_{parsed.command}")
            if parsed.unknown:
                self.say(texts().console_unknown_command(parsed.unknown), "yellow")
            await handler(parsed.argument)
        except (Cancelled, EndOfInput, KeyboardInterrupt) as exc:
            if not isinstance(exc, Cancelled):  # the cursor is still on the prompt's line (after ^C)
                self.console.print()
            self.say(texts().console_cancelled, "yellow")
        except FieldErrors as exc:
            show_errors(self.console, exc.errors)
        except CoreError as exc:
            self.say(exc, "red")
        except Exception:
            # A bug of ours must not cost the operator the session; the log keeps it for whoever fixes it.
            log.debug("Error inesperado en la consola", exc_info=True)
            self.say(texts().unexpected, "red")

    async def _resolve(self, text: str, *, deleted: bool = False) -> ClientCard | None:
        try:
            return await self.service.find(self.actor, text, deleted=deleted)
        except Ambiguous as exc:
            self.say(exc, "yellow")
            index = self.prompt.pick(texts().console_pick_client, render.choices(exc.choices))
            if index is None:
                return None
            return await self.service.get(self.actor, exc.choices[index].id, deleted=deleted)

    async def _cmd_ayuda(self, _argument: str) -> None:
        self.console.print(render.help_text())

    async def _cmd_lista(self, argument: str) -> None:
        self.last_page = await self.service.list_page(self.actor, argument)
        self.console.print(render.page(self.last_page))

    async def _turn_page(self, *, forward: bool) -> None:
        page = self.last_page
        if isinstance(page, SunatAnswer):
            if (forward and page.has_more) or (not forward and page.page > 0):
                await self._show_sunat(page.query, page.page + (1 if forward else -1))
            else:
                self.say(texts().console_no_more_pages, "yellow")
            return
        cursor = (page.next_cursor if forward else page.prev_cursor) if page else None
        if page is None or cursor is None:
            self.say(texts().console_no_more_pages, "yellow")
            return
        if isinstance(page, HistoryPage):
            self.last_page = await self.service.history_page(self.actor, page.client_id, cursor)
            self.console.print(render.history(self.last_page))
            return
        self.last_page = await self.service.list_page(self.actor, page.query, cursor)
        self.console.print(render.page(self.last_page))

    async def _cmd_historial(self, argument: str) -> None:
        client = await self._resolve(argument)
        if client is None:
            return
        self.last_page = await self.service.history_page(self.actor, client.id)
        self.console.print(render.history(self.last_page))

    async def _cmd_ver(self, argument: str) -> None:
        client = await self._resolve(argument)
        if client:
            self.console.print(render.card(client))

    async def _cmd_sunat(self, argument: str) -> None:
        await self._show_sunat(argument, 0)

    async def _show_sunat(self, query: str, page: int) -> None:
        self.last_page = await sunat.find(self.service.db, query, page)
        self.console.print(render.sunat(self.last_page))

    async def _cmd_nuevo(self, argument: str) -> None:
        """`nuevo`, or `nuevo <RUC>` (what `sunat` suggests): Tipo Doc. and Número already answered
        as defaults. Once Número is typed, a RUC the padrón lists makes its name, district and
        domicilio the defaults of Nombre and the first address (Enter keeps them, anything typed wins)."""
        self.say(texts().console_new_client(texts().console_cancel_hint), "dim")
        typed = argument.strip()
        head = self.forms.ask_section(
            CLIENT, {"doc_type": RUC, "doc_number": typed} if sunat.is_ruc(typed) else None, until="doc_number"
        )
        taxpayer = await self._taxpayer(head)
        proposed = sunat.proposal(taxpayer) if taxpayer else {}
        client = self.forms.ask_section(CLIENT, {"name": proposed.get("client.name", "")}, answered=head)
        first_address = {
            path.split(".", 2)[2]: value for path, value in proposed.items() if path.startswith("address.")
        }
        addresses: list[dict[str, Any]] = []
        while self.prompt.confirm(ADDRESS.add_label or ADDRESS.title, default=not addresses):
            defaults = first_address if not addresses else None
            addresses.append(self.forms.ask_section(ADDRESS, defaults, index=len(addresses)))
        contact = self.forms.ask_section(CONTACT)
        integrations = self.forms.ask_section(INTEGRATIONS)
        servers: list[dict[str, Any]] = []
        while self.prompt.confirm(SERVER.add_label or SERVER.title):
            servers.append(self.forms.ask_section(SERVER, index=len(servers)))
        while True:
            try:
                card = await self.service.create(
                    self.actor, client, addresses=addresses, contact=contact, integrations=integrations, servers=servers
                )
                break
            except FieldErrors as exc:
                show_errors(self.console, exc.errors)
                refused = _refused_sections(exc.errors)
                if not refused:
                    return
                self.say(texts().console_fix_and_save, "yellow")
                for key, index in refused:
                    if key == CLIENT.key:
                        client = self.forms.ask_section(CLIENT, client)
                    elif key == CONTACT.key:
                        contact = self.forms.ask_section(CONTACT, contact)
                    elif key == INTEGRATIONS.key:
                        integrations = self.forms.ask_section(INTEGRATIONS, integrations)
                    elif key == ADDRESS.key and index is not None and index < len(addresses):
                        addresses[index] = self.forms.ask_section(ADDRESS, addresses[index], index=index)
                    elif key == SERVER.key and index is not None and index < len(servers):
                        servers[index] = self.forms.ask_section(SERVER, servers[index], index=index)
            except StorageUnavailable as exc:
                self.say(exc, "red")
                if not self.prompt.confirm(texts().console_save_again, default=True):
                    self.say(texts().console_cancelled, "yellow")
                    return
        self.say(texts().console_created(card.id), "green")
        self.console.print(render.card(card))

    async def _taxpayer(self, answers: Mapping[str, Any]) -> Taxpayer | None:
        """The padrón's taxpayer for the RUC just typed, said aloud (its warning in yellow); None when the
        document is not a RUC the padrón lists, or the padrón cannot be read (the form goes on as is)."""
        doc_type = _doc_type_value(str(answers.get("doc_type") or ""))
        try:
            taxpayer = await sunat.lookup(self.service.db, doc_type, str(answers.get("doc_number") or "").strip())
        except CoreError:
            return None
        if taxpayer is not None:
            warned = padron.warning(taxpayer)
            if warned:
                self.say(f"⚠ {warned}", "yellow")
            self.say(texts().padron_prefilled(taxpayer.source), "green")
        return taxpayer

    async def _cmd_editar(self, argument: str) -> None:
        client = await self._resolve(argument)
        if client is None:
            return
        self.console.print(render.card(client))
        self.say(texts().console_cancel_hint, "dim")
        choice = self.prompt.pick(texts().console_section_question, list(texts().console_edit_menu))
        if choice is None:
            return
        card = await self._edit(client, choice)
        if card is not None:
            self.say(f"✓ {texts().changes_saved}.", "green")
            self.console.print(render.card(card))

    async def _edit(self, client: ClientCard, choice: int) -> ClientCard | None:
        """One choice of the edit menu (`console_edit_menu`'s order): a section, an address or a server."""
        client_id = client.id
        if choice in (0, 3, 4):
            key = {0: CLIENT, 3: CONTACT, 4: INTEGRATIONS}[choice].key
            target = FormTarget(key, client_id, client.version)
            return await self._save_section(client, target, client.section_values(key))
        if choice in (1, 5):
            return await self._save_section(
                client, FormTarget("address" if choice == 1 else "server", client_id, None), None
            )
        if choice == 2:
            return await self._edit_address(client)
        return await self._edit_server(client)

    async def _edit_address(self, client: ClientCard) -> ClientCard | None:
        """Which address, then what to do with it: edit, make it the main one, or remove it."""
        t = texts()
        if not client.addresses:
            self.say(t.console_no_addresses(client.name, _menu_option(1)), "yellow")
            return None
        index = self.prompt.pick(t.console_which_address, [f"{a.line} — {a.place}" for a in client.addresses])
        if index is None:
            return None
        address = client.addresses[index]
        item = f"{ADDRESS.title} {index + 1}"
        actions = [t.console_item_edit, t.console_item_remove]
        if not address.is_main:
            actions.insert(1, t.console_item_main)
        action = self.prompt.pick(t.console_item_question(f"{item} ({address.line})"), actions)
        if action is None:
            return None
        if actions[action] == t.console_item_main:
            return await self.service.set_main_address(self.actor, client.id, address.id, client.version)
        if actions[action] == t.console_item_remove:
            if not self._confirm_removal(client, item):
                self.say(t.nothing_deleted)
                return None
            return await self.service.remove_address(self.actor, client.id, address.id, client.version)
        target = FormTarget("address", client.id, client.version, address.id)
        return await self._save_section(client, target, address.values())

    async def _edit_server(self, client: ClientCard) -> ClientCard | None:
        """Which server, then what to do with it: edit or remove it."""
        t = texts()
        if not client.servers:
            self.say(t.console_no_servers(client.name, _menu_option(5)), "yellow")
            return None
        index = self.prompt.pick(t.console_which_server, [s.title for s in client.servers])
        if index is None:
            return None
        server = client.servers[index]
        item = f"{SERVER.title} {index + 1}"
        actions = [t.console_item_edit, t.console_item_remove]
        action = self.prompt.pick(t.console_item_question(f"{item} ({server.title})"), actions)
        if action is None:
            return None
        if actions[action] == t.console_item_remove:
            if not self._confirm_removal(client, item):
                self.say(t.nothing_deleted)
                return None
            return await self.service.remove_server(self.actor, client.id, server.id, client.version)
        return await self._save_section(
            client, FormTarget("server", client.id, client.version, server.id), server.values()
        )

    def _confirm_removal(self, client: ClientCard, item: str) -> bool:
        return self.prompt.confirm(texts().delete_item_question(item, client.name, client.document))

    async def _ask_client_edit(self, client: ClientCard, current: Mapping[str, Any] | None) -> dict[str, Any]:
        """Datos del cliente of an existing client: once Número is answered, a RUC the padrón lists is said
        aloud (its warning in yellow) and, when the RUC changed, the padrón's name is Nombre's default in
        brackets instead of the current one (Enter takes it, anything typed wins); nothing is saved yet."""
        head = self.forms.ask_section(CLIENT, current, editing=True, until="doc_number")
        defaults = dict(current or {})
        doc_type = _doc_type_value(str(head.get("doc_type") or ""))
        try:
            taxpayer = await sunat.lookup(self.service.db, doc_type, str(head.get("doc_number") or "").strip())
        except CoreError:  # the padrón cannot be read now: the form goes on as is
            taxpayer = None
        if taxpayer is not None:
            offer = sunat.edit_offer(taxpayer, client.doc_type, client.doc_number, client.name, client.name)
            if offer.warning:
                self.say(f"⚠ {offer.warning}", "yellow")
            self.say(offer.said(), "green")
            if offer.name is not None:
                defaults["name"] = offer.name
        return self.forms.ask_section(CLIENT, defaults, editing=True, answered=head)

    async def _save_section(
        self,
        client: ClientCard,
        target: FormTarget,
        current: Mapping[str, Any] | None,
    ) -> ClientCard:
        """Asks the section and saves it through the core's one `save`; a save the core refuses asks
        the section again with the user's answers as defaults (a stale version takes the current one,
        shown first)."""
        if target.section == CLIENT.key:
            raw = await self._ask_client_edit(client, current)
        else:
            raw = self.forms.ask_section(target.spec, current, editing=target.editing)
        target = dataclasses.replace(target, version=client.version)
        submission = f"console:{uuid.uuid4().hex}"  # one form: asked again after a refusal, same key
        while True:
            try:
                return await self.service.save(self.actor, target, raw, submission_key=submission)
            except FieldErrors as exc:
                show_errors(self.console, exc.errors)
            except Conflict as exc:
                self.say(exc, "red")
                self.console.print(render.card(exc.current))
                target = dataclasses.replace(target, version=exc.current.version)
            except StorageUnavailable as exc:
                self.say(exc, "red")
            self.say(texts().console_review_section, "yellow")
            raw = self.forms.ask_section(target.spec, raw, editing=target.editing)

    async def _cmd_eliminar(self, argument: str) -> None:
        client = await self._resolve(argument)
        if client is None:
            return
        if not self.prompt.confirm(texts().delete_client_question(client.name, client.document)):
            self.say(texts().console_cancelled_short)
            return
        notice = await self.service.delete(self.actor, client.id, client.version)
        self.say(texts().console_deleted(notice.text, client.id), "green")

    async def _cmd_canales(self, argument: str) -> None:
        client = await self._resolve(argument)
        if client is None:
            return
        card = await self.service.retry_channels(self.actor, client.id)
        if not card.channels:
            self.say(texts().no_channels(card.name), "yellow")
            return
        for status in card.channels:
            self.say(texts().console_channel_line(texts().platform(status.platform), status.text))

    async def _cmd_exportar(self, argument: str) -> None:
        """The register as an Excel file in the working directory (or the path given), created 0600 like
        the CLI's `export`: it holds the clients' personal data."""
        export = await export_file(self.service, self.actor)
        path = argument.strip() or export.name
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "wb") as handle:
                handle.write(export.data)
        except OSError as exc:
            self.say(texts().export_not_saved(path, exc.strerror or type(exc).__name__), "red")
            return
        self.say(f"✓ {texts().export_saved(export.count, path)}", "green")

    async def _cmd_restaurar(self, argument: str) -> None:
        client = await self._resolve(argument, deleted=True)
        if client is None:
            return
        card = await self.service.restore(self.actor, client.id)
        self.say(f"✓ {texts().restored(card.name)}", "green")
        self.console.print(render.card(card))


def _terminal_console() -> Console:
    """The terminal's console. A character its encoding cannot show (an ASCII or Latin-1 terminal)
    becomes "?" instead of ending the session with UnicodeEncodeError; and although everything is
    printed as Text already, a stray str must not become markup."""
    with contextlib.suppress(AttributeError, ValueError, io.UnsupportedOperation):
        sys.stdout.reconfigure(errors="replace")  # type: ignore[union-attr]
    return Console(highlight=False, markup=False, emoji=False)


def _doc_type_value(typed: str) -> str | None:
    """Tipo Doc. as the console takes it ("RUC", "ruc", "6") → its value; None when it names none."""
    wanted = typed.strip().casefold()
    if not wanted:
        return CLIENT.field("doc_type").default
    choices = CLIENT.field("doc_type").choices
    return next(
        (c.value for c in choices if wanted in (c.value.casefold(), c.label.casefold(), c.short.casefold())), None
    )


def _menu_option(choice: int) -> str:
    """An edit-menu option as the menu shows it ("2) Dirección: agregar una")."""
    return f"{choice + 1}) {texts().console_edit_menu[choice]}"


def _refused_sections(errors: list[FieldError]) -> list[tuple[str, int | None]]:
    """The (section, index) pairs a refused create names, in the form's order, each once."""
    order = {section.key: position for position, section in enumerate((CLIENT, ADDRESS, CONTACT, INTEGRATIONS, SERVER))}
    found = {(error.section, error.index) for error in errors if error.section in order}
    return sorted(found, key=lambda pair: (order[pair[0]], pair[1] if pair[1] is not None else -1))
