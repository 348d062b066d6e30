"""CPU per request at 2,000 clients, beside the floors nothing of ours can go under.

A process is CPU-bound long before its database is: what one request costs in CPU decides how many
requests a core serves. Measured with `time.process_time()` (every thread: aiosqlite's too) around:

- Discord `/clientes lista` through the real `ClientesBot`, and the floor: a bare discord.py
  `CommandTree` whose command answers a fixed message, in the same harness (the local fake Discord
  runs in this process, so its share of each request is in both figures);
- Slack `/clientes lista` through the real Bolt app (signed request, replay guard), and the floor: a
  bare Bolt app whose command acks and then answers a fixed text through the response_url (what a
  Bolt listener usually does; ours answers in the ack's body when the page is ready within 1.5 s);
- a create through the core (validation, one transaction, audit, search index).

Targets: `lista` ≤ 3 ms of CPU on each chat, a create ≤ 5 ms. Run: `python -m bench.cpu` (part of
`make bench`).
"""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from typing import Any

import discord
from discord import app_commands
from pydantic import SecretStr
from slack_bolt.async_app import AsyncApp
from sqlalchemy import insert

from bot.config import Settings
from bot.discord.client import ClientesBot
from bot.runtime import Core
from bot.slack.app import build_app, build_client
from commands.access import Actor
from commands.service import ClientService
from storage import migrate, searchtext
from storage.crypto import SecretBox, generate_key
from storage.db import Database
from storage.models import Address, Client
from storage.textfold import fold
from tests.fakes import slack_requests
from tests.fakes.discord_payloads import deliver, login_without_gateway, slash_command
from tests.fakes.fake_discord import FAKE_TOKEN, GUILD_ID, FakeDiscord
from tests.fakes.fake_slack import FakeSlack

CLIENTS = 2000
TARGETS_MS = {"discord_lista": 3.0, "slack_lista": 3.0, "create": 5.0}
ACTOR = Actor("console", "bench")


def rows(count: int, start: int = 0) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """`count` clients with a main address each, as the core would store them (search columns included)."""
    clients, addresses = [], []
    districts = sorted(searchtext._places())  # spread over Peru's 1,893 districts, as a real register is
    for i in range(start, start + count):
        client = {
            "id": i + 1,
            "doc_type": "6" if i % 3 else "1",
            "doc_number": f"{20_000_000_000 + i}" if i % 3 else f"{10_000_000 + i}",
            "name": f"{('Inversiones', 'Comercial', 'Núñez', 'Peñaloza', 'Ingeniería')[i % 5]} {i} S.A.C.",
            "trade_name": f"Marca {i}",
            "contact_name": f"Contacto {i}",
            "contact_phone": f"+51 9{i % 100_000_000:08d}",
            "slack_channel": f"cliente-{i}" if i % 2 else None,
            "discord_channel": f"cliente-{i}" if i % 2 else None,
            "created_by": "bench",
            "updated_by": "bench",
            "version": 1,
        }
        address = {"client_id": i + 1, "is_main": True, "country": "PE", "ubigeo": districts[i % len(districts)]}
        address |= {"line": "Av. Larco 345", "phone": "+51 1 4445566", "email": f"c{i}@e.pe"}
        client["search_text"], client["phone_text"] = searchtext.document(client, [address])
        client["sort_name"] = fold(client["name"])
        clients.append(client)
        addresses.append(address)
    return clients, addresses


async def load(db: Database, count: int, *, batch: int = 5000) -> None:
    """Bulk-inserts `count` clients (creating 100,000 through the core would take the bench's whole budget)."""
    for start in range(0, count, batch):
        clients, addresses = rows(min(batch, count - start), start)
        async with db.session() as session, session.begin():
            await session.execute(insert(Client), clients)
            await session.execute(insert(Address), addresses)


def summary(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    pick = lambda q: ordered[min(len(ordered) - 1, int(len(ordered) * q))]  # noqa: E731
    return {"p50": statistics.median(ordered), "p95": pick(0.95), "p99": pick(0.99), "n": len(ordered)}


class PlatformShare:
    """CPU the in-process fake platform spends receiving and checking our calls (Discord's schema check
    of every message body is most of it): the platform's work, not ours, so it is left out."""

    def __init__(self) -> None:
        self.ms = 0.0

    def wrap(self, handler: Callable[[Any], Awaitable[Any]]) -> Callable[[Any], Awaitable[Any]]:
        async def timed(request: Any) -> Any:
            start = time.process_time()
            try:
                return await handler(request)
            finally:
                self.ms += (time.process_time() - start) * 1000

        return timed


async def cpu_ms(count: int, call: Callable[[int], Awaitable[Any]], share: PlatformShare | None = None) -> list[float]:
    for i in range(min(20, count)):  # warm caches and pools
        await call(count + i)
    samples = []
    for i in range(count):
        before = share.ms if share is not None else 0.0
        start = time.process_time()
        await call(i)
        spent = (time.process_time() - start) * 1000
        samples.append(spent - ((share.ms - before) if share is not None else 0.0))
    return samples


async def _database() -> tuple[Database, SecretBox]:
    db = Database(f"sqlite+aiosqlite:///{tempfile.mkdtemp()}/cpu-bench.db")
    await migrate.upgrade(db)
    await load(db, CLIENTS)
    return db, SecretBox([generate_key()])


class _BareClient(discord.Client):
    """The floor: discord.py's own tree answering one command with a fixed message."""

    def __init__(self) -> None:
        super().__init__(intents=discord.Intents.none())
        self.tree = app_commands.CommandTree(self)

        @self.tree.command(name="clientes")
        async def clientes(interaction: discord.Interaction, lista: str = "") -> None:
            await interaction.response.send_message("Clientes", ephemeral=True)


async def discord_lista(samples: int) -> dict[str, list[float]]:
    db, box = await _database()
    share, fake = PlatformShare(), FakeDiscord(token=FAKE_TOKEN, ratelimit=1_000_000)
    fake._dispatch_rest = share.wrap(fake._dispatch_rest)  # type: ignore[method-assign]
    async with fake:
        with fake.patch_discord_py():
            settings = Settings(_env_file=None, discord_bot_token=FAKE_TOKEN, discord_guild_ids=str(GUILD_ID))  # type: ignore[call-arg]
            bot = ClientesBot(Core(settings, db, box, ClientService(db, box)))
            await login_without_gateway(bot)
            ours = await cpu_ms(samples, lambda i: deliver(bot, slash_command("clientes", "lista"), fake=fake), share)
            await bot.close()
            bare = _BareClient()
            await login_without_gateway(bare)
            floor_payload = {"name": "clientes", "type": 1, "options": [], "id": "1"}

            async def bare_call(i: int) -> None:
                payload = slash_command("clientes", "lista")
                payload["data"] = {**payload["data"], **floor_payload}
                await deliver(bare, payload, fake=fake)

            floor = await cpu_ms(samples, bare_call, share)
            await bare.close()
    await db.dispose()
    return {"discord_lista": ours, "discord_floor": floor}


async def slack_lista(samples: int) -> dict[str, list[float]]:
    db, box = await _database()
    share, fake = PlatformShare(), FakeSlack(single_use_triggers=False)
    fake._handle_hook = share.wrap(fake._handle_hook)  # type: ignore[method-assign]
    async with fake:
        settings = Settings(
            _env_file=None,  # type: ignore[call-arg]
            slack_bot_token=SecretStr("xoxb-bench"),
            slack_signing_secret=SecretStr(slack_requests.SIGNING_SECRET),
            slack_api_url=fake.base_url,
        )
        app = build_app(Core(settings, db, box, ClientService(db, box)), build_client(settings))
        url = fake.response_url()

        def answered_by(target: AsyncApp) -> Callable[[int], Awaitable[None]]:
            async def call(i: int) -> None:
                """Until the answer reached Slack: in the ack's body, or else at the response_url (posted
                by a task after the ack, as the floor's `respond` does)."""
                seen = len(fake.calls_to("response_url"))
                request = slack_requests.slash_command("/clientes", "lista", response_url=url)
                response = await slack_requests.dispatch(target, *request)
                if response.status != 200:
                    raise RuntimeError(f"Slack answered {response.status}: {response.body}")
                if not response.body:
                    await fake.wait_for("response_url", count=seen + 1)

            return call

        ours = await cpu_ms(samples, answered_by(app), share)
        bare = AsyncApp(client=build_client(settings), signing_secret=slack_requests.SIGNING_SECRET)

        @bare.command("/clientes")
        async def clientes(ack: Any, respond: Any) -> None:
            await ack()
            await respond("Clientes", response_type="ephemeral")

        floor = await cpu_ms(samples, answered_by(bare), share)
    await db.dispose()
    return {"slack_lista": ours, "slack_floor": floor}


async def create(samples: int) -> dict[str, list[float]]:
    db, box = await _database()
    service = ClientService(db, box)
    address = {"ubigeo": "150122", "line": "Av. Larco 345", "phone": "014445566", "email": "f@e.pe"}

    async def one(i: int) -> None:
        await service.create(
            ACTOR,
            {"doc_type": "1", "doc_number": f"{40_000_000 + i}", "name": f"Cliente {i} S.A.C."},
            addresses=[address],
            contact={"contact_phone": "987654321"},
        )

    samples_ms = await cpu_ms(samples, one)
    await db.dispose()
    return {"create": samples_ms}


async def measure(samples: int = 300) -> dict[str, dict[str, float]]:
    found: dict[str, list[float]] = {}
    for part in (discord_lista, slack_lista, create):
        found |= await part(samples)
    return {name: summary(values) for name, values in found.items()}


def main() -> None:
    results = asyncio.run(measure())
    failed = False
    for name, row in results.items():
        target = TARGETS_MS.get(name)
        verdict = ""
        if target is not None:
            ok = row["p50"] <= target
            failed |= not ok
            verdict = f"(objetivo {target:.0f} ms) " + ("ok" if ok else "FUERA DE OBJETIVO")
        print(
            f"{name}: CPU p50 {row['p50']:.2f} ms · p95 {row['p95']:.2f} ms · p99 {row['p99']:.2f} ms "
            f"a {CLIENTS} clientes {verdict}".rstrip()
        )
    raise SystemExit(1 if failed else 0)


if __name__ == "__main__":
    main()
