"""Issue 10 #1: two `clientes-bot run` processes with one Discord token (the same `.env` on two
machines) against the fake Discord: exactly one connects and answers each interaction once; killed
with -9, the other connects within seconds and answers, and a form opened before the kill is saved
when submitted after it. The processes are real (`python -m bot run`) on the test's database —
PostgreSQL's advisory lock or SQLite's file lock, whichever the suite runs on. Waits are bounded polls
for an outcome, never sleeps.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import pytest
from discord.gateway import DiscordWebSocket
from discord.http import Route
from sqlalchemy import text

from bot.discord.client import ClientesBot
from bot.discord.runner import run_discord
from bot.runtime import Core
from commands.access import Actor
from commands.service import ClientService
from commands.texts import texts
from storage.crypto import SecretBox, generate_key
from storage.db import Database
from tests.fakes.discord_payloads import deliver, login_without_gateway, modal_submit, slash_command
from tests.fakes.fake_discord import FAKE_TOKEN, GUILD_ID, FakeDiscord, InteractionCallback

from .conftest import make_settings

ROOT = Path(__file__).resolve().parents[2]
STARTED = 60.0  # seconds for a fresh process to connect (imports, migrations, login) on a loaded machine
TAKEOVER = 15.0  # seconds from the holder's death to the standby's connection: poll 1 s + grace 3 s + login

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals and flock")


class Bots:
    """`python -m bot run` processes with the given variables only (cwd: the test's tmp dir, no .env)."""

    def __init__(self, env: dict[str, str], cwd: Path) -> None:
        self.env, self.cwd = env, cwd
        self.processes: list[subprocess.Popen[bytes]] = []

    def start(self) -> subprocess.Popen[bytes]:
        n = len(self.processes) + 1
        with open(self.cwd / f"bot-{n}.log", "wb") as log:  # the child keeps its own descriptor
            process = subprocess.Popen(
                [sys.executable, "-m", "bot", "run"], cwd=self.cwd, env=self.env, stdout=log, stderr=subprocess.STDOUT
            )
        self.processes.append(process)
        return process

    def log(self, process: subprocess.Popen[bytes]) -> str:
        return (self.cwd / f"bot-{self.processes.index(process) + 1}.log").read_text(errors="replace")

    def logs(self) -> str:
        return "\n".join(f"--- bot {n + 1}\n{self.log(p)[-3000:]}" for n, p in enumerate(self.processes))

    def kill_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.kill()
                process.wait()

    async def until(self, check: Callable[[], bool], within: float, what: str) -> None:
        deadline = time.monotonic() + within
        while not check():
            for process in self.processes:
                if process.poll() is not None and process.returncode != -signal.SIGKILL:
                    raise AssertionError(f"a bot exited ({process.returncode}) waiting for {what}:\n{self.logs()}")
            if time.monotonic() > deadline:
                raise AssertionError(f"{what} not within {within} s:\n{self.logs()}")
            await asyncio.sleep(0.05)


@pytest.fixture
def bots(db: Database, tmp_path: Path, fake_gateway: FakeDiscord) -> Iterator[Bots]:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": db.url.render_as_string(hide_password=False),
        "CLIENTES_SECRET_KEYS": generate_key(),
        "DISCORD_BOT_TOKEN": FAKE_TOKEN,
        "DISCORD_GUILD_IDS": str(GUILD_ID),
        "DISCORD_API_BASE_URL": fake_gateway.base_url,
        "DISCORD_GATEWAY_URL": fake_gateway.gateway_url,
    }
    started = Bots(env, tmp_path)
    yield started
    started.kill_all()


@pytest.fixture
async def fake_gateway() -> AsyncIterator[FakeDiscord]:
    async with FakeDiscord(token=FAKE_TOKEN) as server:
        yield server


async def answered(fake: FakeDiscord, bots: Bots, payload: dict) -> InteractionCallback:
    """Dispatches `payload` over the gateway; the one answer it got (a second would fail here or in the
    final count)."""
    await fake.dispatch("INTERACTION_CREATE", payload)
    await bots.until(lambda: bool(fake.interaction_callbacks(int(payload["id"]))), 10, "the answer")
    [callback] = fake.interaction_callbacks(int(payload["id"]))
    return callback


async def test_one_token_two_processes_one_connection_and_failover(
    fake_gateway: FakeDiscord, bots: Bots, db: Database
) -> None:
    fake = fake_gateway
    holder = bots.start()
    await bots.until(lambda: fake.gateway_sessions == 1, STARTED, "the first process connected")
    standby = bots.start()
    await bots.until(lambda: "en espera" in bots.log(standby), STARTED, "the second process standing by")

    help_payload = slash_command("clientes", "ayuda", command_guild_id=GUILD_ID)
    assert "/clientes ver <cliente>" in (await answered(fake, bots, help_payload)).content
    modal = await answered(fake, bots, slash_command("clientes", "nuevo", command_guild_id=GUILD_ID))
    assert modal.type == 9
    assert len(fake.identify_payloads) == 1 and fake.gateway_sessions == 1  # the standby never connected
    assert len(fake.requests_to("GET", r"^/users/@me$")) == 1  # nor logged in: it answers nothing on Discord
    assert "Discord: en espera" in bots.log(standby)  # the launcher knows (Core.adapter_states, and the log)

    holder.kill()  # SIGKILL: no goodbye, no unlock; the lock dies with the process
    holder.wait()
    killed = time.monotonic()
    await bots.until(lambda: fake.gateway_sessions == 1 and len(fake.identify_payloads) == 2, TAKEOVER, "takeover")
    took = time.monotonic() - killed
    assert "este proceso toma la conexión" in bots.log(standby)
    await bots.until(lambda: "Discord: conectado" in bots.log(standby), TAKEOVER, "the launcher's state")

    fields = {"doc_type": ["6"], "doc_number": "20100070970", "name": "ACME S.A.C.", "internal_code": ""}
    saved = await answered(fake, bots, modal_submit(modal.data["custom_id"], fields))
    assert saved.content == texts().created("ACME S.A.C."), saved.data  # the form outlived its process
    twice = await answered(fake, bots, modal_submit(modal.data["custom_id"], fields))
    assert twice.content == texts().created("ACME S.A.C."), twice.data  # a second copy: "saved" again
    service = ClientService(db, SecretBox([bots.env["CLIENTES_SECRET_KEYS"]]))
    assert (await service.list_page(Actor("console", "test"))).total == 1
    again = await answered(fake, bots, slash_command("clientes", "ayuda", command_guild_id=GUILD_ID))
    assert "/clientes ver <cliente>" in again.content

    assert fake.peak_gateway_sessions == 1  # never two connections at once
    assert standby.poll() is None
    standby.send_signal(signal.SIGTERM)
    assert await asyncio.to_thread(standby.wait, 30) == 0, bots.logs()
    assert took < TAKEOVER
    for process in bots.processes:
        log = bots.log(process)
        assert "Traceback" not in log and FAKE_TOKEN not in log, log


async def lose_the_lock(db: Database) -> None:
    """What a database blip does to the holder: its lock session ends (PostgreSQL), or its lock file is
    no longer the one others would lock (SQLite: replaced)."""
    if db.is_sqlite:
        assert db.file is not None
        [lock_file] = db.file.parent.glob(f"{db.file.name}.*.lock")
        replacement = lock_file.with_name(lock_file.name + ".new")
        replacement.touch()
        os.replace(replacement, lock_file)
        return
    async with db.session() as session, session.begin():
        terminated = (
            await session.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' "
                    "AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
                )
            )
        ).all()
    assert terminated == [(True,)]


async def test_a_holder_that_loses_its_lock_disconnects_then_connects_again(
    db: Database, box: SecretBox, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The lock's session cut under a live holder: it stops serving Discord at once (never two
    connections) and, the lock free again, takes it back and reconnects."""
    monkeypatch.setattr(Route, "BASE", Route.BASE)  # run_discord points both at the fake
    monkeypatch.setattr(DiscordWebSocket, "DEFAULT_GATEWAY", DiscordWebSocket.DEFAULT_GATEWAY)
    states: list[str] = []
    async with FakeDiscord(token=FAKE_TOKEN) as fake:
        settings = make_settings(discord_api_base_url=fake.base_url, discord_gateway_url=fake.gateway_url)
        core = Core(settings, db, box, ClientService(db, box))
        runner = asyncio.create_task(run_discord(core, None, states.append))
        try:
            await fake.wait_until_identified(10)
            deadline = time.monotonic() + TAKEOVER
            while "connected" not in states:  # discord.py's READY waits for the guilds (~2 s)
                assert time.monotonic() < deadline, states
                await asyncio.sleep(0.05)
            await lose_the_lock(db)
            deadline = time.monotonic() + TAKEOVER
            while len(fake.identify_payloads) < 2 or fake.gateway_sessions != 1:
                assert time.monotonic() < deadline, f"not reconnected within {TAKEOVER} s: {states}"
                assert not runner.done(), runner
                await asyncio.sleep(0.05)
        finally:
            runner.cancel()
            await asyncio.gather(runner, return_exceptions=True)
    assert states[:4] == ["connecting", "connected", "standby", "connecting"], states
    assert states[-1] == "stopped"
    assert fake.peak_gateway_sessions == 1


async def test_explicit_shards_take_one_lock_each_all_or_nothing(
    db: Database, box: SecretBox, monkeypatch: pytest.MonkeyPatch
) -> None:
    """DISCORD_SHARD_COUNT=2: a process for shard 0 and one for shard 1 both connect; a process for
    both stands by while either is held (never a second connection of a shard), then takes both."""
    monkeypatch.setattr(Route, "BASE", Route.BASE)
    monkeypatch.setattr(DiscordWebSocket, "DEFAULT_GATEWAY", DiscordWebSocket.DEFAULT_GATEWAY)
    async with FakeDiscord(token=FAKE_TOKEN) as fake:

        def start(shard_ids: str, states: list[str]) -> asyncio.Task[None]:
            settings = make_settings(
                discord_api_base_url=fake.base_url,
                discord_gateway_url=fake.gateway_url,
                discord_shard_count="2",
                discord_shard_ids=shard_ids,
            )
            return asyncio.create_task(
                run_discord(Core(settings, db, box, ClientService(db, box)), None, states.append)
            )

        async def until(check: Callable[[], bool], what: str) -> None:
            deadline = time.monotonic() + 2 * TAKEOVER  # two shards: discord.py spaces IDENTIFYs by 5 s
            while not check():
                assert time.monotonic() < deadline, what
                await asyncio.sleep(0.05)

        def shards() -> list[list[int]]:
            return [payload["shard"] for payload in fake.identify_payloads]

        first: list[str] = []
        both: list[str] = []
        second: list[str] = []
        tasks = [start("0", first)]
        try:
            await until(lambda: shards() == [[0, 2]], "shard 0 connected")
            tasks.append(start("0,1", both))
            await until(lambda: both == ["standby"], "the process for both shards standing by")
            tasks.append(start("1", second))  # shard 1 is free: the standby let it go
            await until(lambda: sorted(shards()) == [[0, 2], [1, 2]], "shard 1 connected")
            for task in tasks[::2]:
                task.cancel()
            await asyncio.gather(*tasks[::2], return_exceptions=True)
            await until(lambda: len(shards()) == 4 and fake.gateway_sessions == 2, "both shards taken over")
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
    assert sorted(shards()[2:]) == [[0, 2], [1, 2]]
    assert fake.peak_gateway_sessions == 2  # one connection per shard, never more


async def test_an_interaction_another_connection_answered_is_one_warning_and_no_second_message(
    core: Core, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two connections of one token the lock cannot coordinate (two databases): the one that answers
    second gets Discord's 40060. It used to log a traceback and post "unexpected error" as a follow-up
    under the real answer; now it is one warning line and nothing more reaches the user."""
    async with FakeDiscord(token=FAKE_TOKEN) as fake:
        with fake.patch_discord_py():
            first, second = ClientesBot(core), ClientesBot(core)
            for bot in (first, second):
                await login_without_gateway(bot)
            try:
                payload = slash_command("clientes", "ayuda", command_guild_id=GUILD_ID)
                await deliver(first, payload, fake=fake)
                with caplog.at_level(logging.WARNING):
                    await deliver(second, payload, fake=fake, expect_response=False)
                    deadline = time.monotonic() + 3
                    while "ya la respondió otra conexión" not in caplog.text:
                        assert time.monotonic() < deadline, caplog.text
                        await asyncio.sleep(0.01)
            finally:
                for bot in (first, second):
                    await bot.close()
    assert len(fake.interaction_callbacks(int(payload["id"]))) == 1
    assert fake.followups(payload["token"]) == []
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR and r.name.startswith("bot")]
