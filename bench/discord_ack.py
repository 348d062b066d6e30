"""Time to first response in the Discord adapter, against Discord's 3-second interaction deadline.

Drives the real `ClientesBot` (discord.py) with raw INTERACTION_CREATE payloads, REST going to the
local fake Discord, on a real SQLite file; times each interaction until its callback reached the fake:
`/clientes lista`, `<cliente>` autocomplete, and the "Datos del cliente" modal submission, which saves
the client before it answers. Target: p95 < 100 ms.

Run: `.venv/bin/python -m bench.discord_ack` (also part of `make bench`).
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from typing import Any

from bench.__main__ import _percentiles
from bench.report import print_and_check
from bot.config import Settings
from bot.discord.client import ClientesBot
from bot.runtime import Core
from commands.access import Actor
from commands.service import ClientService
from storage import migrate
from storage.crypto import SecretBox, generate_key
from storage.db import Database
from tests.fakes.discord_payloads import autocomplete, deliver, login_without_gateway, modal_submit, slash_command
from tests.fakes.fake_discord import FAKE_TOKEN, GUILD_ID, FakeDiscord

TARGET_MS = 100.0


async def measure(samples: int = 200) -> dict[str, dict[str, float]]:
    async with FakeDiscord(token=FAKE_TOKEN, ratelimit=100_000) as fake:
        with fake.patch_discord_py():
            db = Database(f"sqlite+aiosqlite:///{tempfile.mkdtemp()}/discord-bench.db")
            await migrate.upgrade(db)
            box = SecretBox([generate_key()])
            settings = Settings(_env_file=None, discord_bot_token=FAKE_TOKEN, discord_guild_ids=str(GUILD_ID))  # type: ignore[call-arg]
            service = ClientService(db, box)
            bot = ClientesBot(Core(settings, db, box, service))
            await login_without_gateway(bot)
            for i in range(50):
                await service.create(Actor("discord", "1"), {"doc_number": f"{40_000_000 + i}", "name": f"Empresa {i}"})

            async def timed(payload: dict[str, Any]) -> float:
                start = time.perf_counter()
                await deliver(bot, payload, fake=fake)
                return (time.perf_counter() - start) * 1000

            results: dict[str, dict[str, float]] = {}
            submits = []
            for i in range(samples):
                await deliver(bot, slash_command("clientes", "nuevo"), fake=fake)
                modal = fake.interaction_callbacks()[-1]
                fields: dict[str, Any] = {
                    "doc_type": ["1"],
                    "doc_number": f"{30_000_000 + i}",
                    "name": f"Cliente {i}",
                    "internal_code": "",
                    "trade_name": "",
                }
                submits.append(await timed(modal_submit(modal.data["custom_id"], fields)))
            created = (await service.list_page(Actor("discord", "1"))).total - 50
            if created != samples:
                raise RuntimeError(f"{created} of {samples} modal submissions created a client")
            results["discord_modal_submit_create"] = _percentiles(submits)
            results["discord_command_lista"] = _percentiles(
                [await timed(slash_command("clientes", "lista")) for _ in range(samples)]
            )
            results["discord_autocomplete_cliente"] = _percentiles(
                [await timed(autocomplete("clientes", "ver", value="empresa 1")) for _ in range(samples)]
            )
            await bot.close()
            await db.dispose()
            return results


def main() -> None:
    print_and_check(asyncio.run(measure()), TARGET_MS)


if __name__ == "__main__":
    main()
