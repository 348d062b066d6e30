"""Time to ack in the Slack adapter: what Slack's 3-second deadline is measured against.

Drives the real Bolt app in-process (signed requests, Web API on the local fake Slack, a real SQLite
file) and times `async_dispatch` until Bolt returns the ack: `/clientes lista`, the district type-ahead
(options must come back in the ack) and a create modal submission, which validates and saves before
its ack. Target: p95 well under 3,000 ms; we aim for < 100 ms.

Run: `.venv/bin/python -m bench.slack_ack` (also part of `make bench`).
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from typing import Any

from pydantic import SecretStr

from bench.__main__ import _percentiles
from bench.report import print_and_check
from bot.config import Settings
from bot.runtime import Core
from bot.slack.app import build_app, build_client
from commands.service import ClientService
from storage import migrate
from storage.crypto import SecretBox, generate_key
from storage.db import Database
from tests.fakes.fake_slack import FakeSlack
from tests.fakes.slack_requests import (
    SIGNING_SECRET,
    Signing,
    block_suggestion,
    dispatch,
    slash_command,
    view_submission,
)

TARGET_MS = 100.0


DISTRICT_BLOCK = "address.0.ubigeo"


async def measure(samples: int = 200) -> dict[str, dict[str, float]]:
    async with FakeSlack(single_use_triggers=False) as fake:
        db = Database(f"sqlite+aiosqlite:///{tempfile.mkdtemp()}/slack-bench.db")
        await migrate.upgrade(db)
        box = SecretBox([generate_key()])
        settings = Settings(
            _env_file=None,  # type: ignore[call-arg]
            slack_bot_token=SecretStr("xoxb-bench"),
            slack_signing_secret=SecretStr(SIGNING_SECRET),
            slack_api_url=fake.base_url,
        )
        core = Core(settings, db, box, ClientService(db, box))
        app = build_app(core, build_client(settings))

        await dispatch(app, *slash_command("/clientes", "nuevo"))
        view: dict[str, Any] = (await fake.wait_for("views.open"))[0].response["view"]

        async def timed(request: tuple[str, dict[str, str]], *, expect: str | None = None) -> float:
            start = time.perf_counter()
            response = await dispatch(app, *request)
            elapsed = (time.perf_counter() - start) * 1000
            body = response.body or ""
            if response.status != 200 or '"errors"' in body or (expect is not None and expect not in body):
                raise RuntimeError(f"unexpected answer {response.status}: {body[:200]}")
            return elapsed

        results: dict[str, dict[str, float]] = {}
        submits = []
        for i in range(samples):
            answers = {
                "client.doc_type": "1",
                "client.doc_number": f"{30_000_000 + i}",
                "client.name": f"Cliente de prueba {i}",
                "address.0.ubigeo": ("150122", "Miraflores — Lima, Lima"),
                "address.0.line": "Av. Larco 345",
                "address.0.email": "f@e.pe",
            }
            submits.append(await timed(view_submission({**view, "id": f"VBENCH{i:05d}"}, answers)))
        results["slack_view_submission_create"] = _percentiles(submits)
        results["slack_command_lista"] = _percentiles(
            [await timed(slash_command("/clientes", "lista", response_url=fake.response_url())) for _ in range(samples)]
        )
        # Identical suggestion requests signed in the same second are one request to the replay guard
        # (it would answer the copies with an empty 200): each sample gets its own signing second.
        now = int(time.time())
        suggestions = [
            block_suggestion(
                "ubigeo", "san", view=view, block_id="address.0.ubigeo", signing=Signing(timestamp=now - n)
            )
            for n in range(samples)
        ]
        options = [await timed(request, expect="options") for request in suggestions]
        results["slack_options_distrito"] = _percentiles(options)
        await db.dispose()
        return results


def main() -> None:
    print_and_check(asyncio.run(measure()), TARGET_MS)


if __name__ == "__main__":
    main()
