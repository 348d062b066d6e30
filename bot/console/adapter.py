"""The console adapter: reads `/clientes …` commands and renders the core's answers with rich."""

from __future__ import annotations

import getpass
from typing import Any, TextIO

from rich.console import Console
from rich.text import Text

from bot.console import render
from bot.console.forms import FormAsker
from bot.console.prompt import EndOfInput, Prompter
from commands import router
from commands.access import Actor
from commands.errors import Ambiguous, CoreError, FieldErrors
from commands.forms import ADDRESS, CLIENT, CONTACT, INTEGRATIONS, SERVER
from commands.service import ClientService
from commands.views import ClientCard, ClientPage

EXIT_WORDS = {"salir", "exit", "quit", "q"}


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
        self.console = console or Console(highlight=False)
        self.prompt = Prompter(self.console, stream)
        self.forms = FormAsker(self.console, self.prompt)
        name = user or getpass.getuser()
        self.actor = Actor("console", name, name)
        self.last_page: ClientPage | None = None

    async def run(self) -> None:
        self.console.print(
            Text("clientes-bot · consola. Escriba «ayuda» para ver los comandos, «salir» para terminar.", style="bold")
        )
        while True:
            try:
                line = self.prompt.ask("clientes>", sep=" ")
            except EndOfInput:
                break
            if line.strip().lower() in EXIT_WORDS:
                break
            if not line.strip():
                continue
            try:
                await self.handle(line)
            except EndOfInput:
                break

    async def handle(self, line: str) -> None:
        word = line.strip().lower()
        try:
            if word in ("siguiente", "next", "anterior", "prev", "previous"):
                await self._turn_page(forward=word in ("siguiente", "next"))
                return
            parsed = router.parse(line)
            handler = getattr(self, f"_cmd_{parsed.command}")
            if parsed.unknown:
                self.console.print(Text(f"No conozco «{parsed.unknown}».", style="yellow"))
            await handler(parsed.argument)
        except FieldErrors as exc:
            render.errors(self.console, exc)
        except CoreError as exc:
            self.console.print(Text(str(exc), style="red"))

    async def _resolve(self, text: str, *, deleted: bool = False) -> ClientCard | None:
        try:
            return await self.service.find(self.actor, text, deleted=deleted)
        except Ambiguous as exc:
            self.console.print(Text(str(exc), style="yellow"))
            index = self.prompt.pick("Número del cliente (Enter cancela)", render.choices(exc.choices))
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
        cursor = (page.next_cursor if forward else page.prev_cursor) if page else None
        if page is None or cursor is None:
            self.console.print(Text("No hay más páginas en esa dirección.", style="yellow"))
            return
        self.last_page = await self.service.list_page(self.actor, page.query, cursor)
        self.console.print(render.page(self.last_page))

    async def _cmd_ver(self, argument: str) -> None:
        client = await self._resolve(argument)
        if client:
            self.console.print(render.card(client))

    async def _cmd_nuevo(self, _argument: str) -> None:
        client = self.forms.ask_section(CLIENT)
        addresses: list[dict[str, Any]] = []
        while self.prompt.confirm(ADDRESS.add_label or "Agregar dirección", default=not addresses):
            addresses.append(self.forms.ask_section(ADDRESS, index=len(addresses)))
        contact = self.forms.ask_section(CONTACT)
        integrations = self.forms.ask_section(INTEGRATIONS)
        servers: list[dict[str, Any]] = []
        while self.prompt.confirm(SERVER.add_label or "Agregar Servidor"):
            servers.append(self.forms.ask_section(SERVER, index=len(servers)))
        while True:
            try:
                card = await self.service.create(
                    self.actor, client, addresses=addresses, contact=contact, integrations=integrations, servers=servers
                )
                break
            except FieldErrors as exc:
                render.errors(self.console, exc)
                if not any(e.section == "client" for e in exc.errors):
                    return
                self.console.print("Corrija los Datos del cliente:")
                client = self.forms.ask_section(CLIENT, client)
        self.console.print(Text(f"✓ Cliente #{card.id} registrado.", style="green"))
        self.console.print(render.card(card))

    async def _cmd_editar(self, argument: str) -> None:
        client = await self._resolve(argument)
        if client is None:
            return
        self.console.print(render.card(client))
        options = [
            CLIENT.title,
            f"{ADDRESS.title}: agregar",
            f"{ADDRESS.title}: editar o eliminar",
            CONTACT.title,
            INTEGRATIONS.title,
            f"{SERVER.title}: agregar",
            f"{SERVER.title}: editar o eliminar",
        ]
        choice = self.prompt.pick("¿Qué sección? (número, Enter cancela)", options)
        if choice is None:
            return
        card = await self._edit(client, choice)
        if card is not None:
            self.console.print(Text("✓ Cambios guardados.", style="green"))
            self.console.print(render.card(card))

    async def _edit(self, client: ClientCard, choice: int) -> ClientCard | None:
        service, actor, version = self.service, self.actor, client.version
        if choice in (0, 3, 4):
            section = (CLIENT, None, None, CONTACT, INTEGRATIONS)[choice]
            assert section is not None
            raw = self.forms.ask_section(section, client.section_values(section.key))
            return await service.edit_section(actor, client.id, section.key, raw, version)
        if choice == 1:
            return await service.add_address(actor, client.id, self.forms.ask_section(ADDRESS), version)
        if choice == 5:
            return await service.add_server(actor, client.id, self.forms.ask_section(SERVER), version)
        if choice == 2:
            index = self.prompt.pick("¿Qué dirección?", [f"{a.line} — {a.place}" for a in client.addresses])
            if index is None:
                return None
            address = client.addresses[index]
            if self.prompt.confirm("¿Eliminar esta dirección?"):
                return await service.remove_address(actor, client.id, address.id, version)
            raw = self.forms.ask_section(ADDRESS, address.values())
            main = not address.is_main and self.prompt.confirm("¿Marcar como dirección principal?")
            return await service.edit_address(actor, client.id, address.id, raw, version, main=main)
        index = self.prompt.pick("¿Qué servidor?", [s.title for s in client.servers])
        if index is None:
            return None
        server = client.servers[index]
        if self.prompt.confirm("¿Eliminar este servidor?"):
            return await service.remove_server(actor, client.id, server.id, version)
        raw = self.forms.ask_section(SERVER, server.values(), editing=True)
        return await service.edit_server(actor, client.id, server.id, raw, version)

    async def _cmd_eliminar(self, argument: str) -> None:
        client = await self._resolve(argument)
        if client is None:
            return
        if not self.prompt.confirm(f"¿Eliminar a «{client.name}» ({client.document})?"):
            self.console.print("Cancelado.")
            return
        notice = await self.service.delete(self.actor, client.id, client.version)
        self.console.print(Text(f"✓ {notice.text} Para deshacer: restaurar #{client.id}", style="green"))

    async def _cmd_canales(self, argument: str) -> None:
        client = await self._resolve(argument)
        if client is None:
            return
        card = await self.service.retry_channels(self.actor, client.id)
        if not card.channels:
            self.console.print(Text(f"«{card.name}» no indica canales de Slack ni de Discord.", style="yellow"))
            return
        for status in card.channels:
            platform = "Slack" if status.platform == "slack" else "Discord"
            self.console.print(Text(f"Canal {platform}: {status.text}"))

    async def _cmd_restaurar(self, argument: str) -> None:
        client = await self._resolve(argument, deleted=True)
        if client is None:
            return
        card = await self.service.restore(self.actor, client.id)
        self.console.print(Text(f"✓ Cliente «{card.name}» restaurado.", style="green"))
        self.console.print(render.card(card))
