"""`clientes-bot padron import` killed with SIGKILL in the middle of a load (a real process): the load in
use is still served whole, the SQLite file passes integrity_check, and the next import goes through
(the one-load-at-a-time lock died with the process). Waits are bounded polls for an outcome, never sleeps.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from pathlib import Path

from sqlalchemy import text

from bench.padron_file import write
from commands import padron
from storage.crypto import generate_key
from storage.db import Database
from tests.cli_runner import REPO, cli_env
from tests.padron.sample import FECHA, write_txt


async def _mid_load(db: Database) -> bool:
    """The killed load has visibly started writing: committed rows in the idle SQLite slot, or PostgreSQL's
    COPY under way."""
    async with db.engine.connect() as conn:
        if db.is_sqlite:
            return bool((await conn.execute(text("SELECT count(*) FROM padron_b"))).scalar())
        query = "SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'COPY %padron_b%' AND pid <> pg_backend_pid()"
        return bool((await conn.execute(text(query))).scalar())


async def test_kill_9_mid_load_keeps_the_load_in_use_and_the_database_sound(db: Database, tmp_path: Path) -> None:
    await padron.import_file(db, write_txt(tmp_path / "first.txt"))  # slot a; the killed load fills slot b
    big = write(tmp_path / "big.txt", 250_000)
    env = cli_env(DATABASE_URL=db.url.render_as_string(hide_password=False), CLIENTES_SECRET_KEYS=generate_key())
    env["PYTHONPATH"] = str(REPO)
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        *("-m", "bot", "padron", "import", str(big)),
        cwd=tmp_path,
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 120
        while not await _mid_load(db):
            assert process.returncode is None, await process.stderr.read() if process.stderr else ""
            assert time.monotonic() < deadline, "the import never started writing"
            await asyncio.sleep(0.05)
        os.kill(process.pid, signal.SIGKILL)
        assert await asyncio.wait_for(process.wait(), 30) == -signal.SIGKILL
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()

    load = await padron.current_load(db)
    assert load is not None and (load.fecha, load.rows) == (FECHA, 5)
    survivor = await padron.lookup(db, "20100070970")
    assert survivor is not None and survivor.name.startswith("SUPERMERCADOS PERUANOS")
    if db.is_sqlite:
        async with db.engine.connect() as conn:
            assert (await conn.execute(text("PRAGMA integrity_check"))).scalar() == "ok"

    again = await padron.import_file(db, big)
    assert again.rows == 250_000
    assert await padron.lookup(db, "20100070970") is None  # the new load replaced the sample whole
