"""`clientes-bot run` killed (SIGKILL) or stopped (SIGTERM) while it provisions a client's channel, then
started again: the job is taken over within seconds — far inside the 30 s lease — and the channel, the
onboarding card and the announcement exist exactly once on the (fake) platform.

The bot runs as a real subprocess (`python -m bot run`) against the fake Slack or Discord of this test
process, on the test's database (SQLite file or PostgreSQL). The fake carries out the call the test
stalls and holds its answer, so the bot is killed after the platform did the work and before it heard
back: the worst moment for exactly-once. Waits are bounded polls for an outcome, never sleeps.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from commands.access import Actor
from commands.service import ClientService
from storage.crypto import SecretBox, generate_key
from storage.db import Database
from storage.models import OutboxJob, utcnow
from tests.fakes.fake_discord import (
    CLIENTS_CATEGORY_ID,
    FAKE_TOKEN,
    GUILD_ID,
    ONBOARDING_CHANNEL_ID,
    FakeDiscord,
)
from tests.fakes.fake_slack import FakeSlack

ROOT = Path(__file__).resolve().parents[2]
RUC = {"doc_type": "6", "doc_number": "20100070970", "name": "Empresa SAC"}
NEWS = "C0NUEVOS"
ACTOR = Actor("console", "test")
STARTED = 60.0  # seconds for a fresh process to reach the stalled call (imports, migrations, login)
TAKEN_OVER = 15.0  # seconds from the restart to the job done: well inside the 30 s lease
CLIENT_POSTS = rf"^/channels/(?!{ONBOARDING_CHANNEL_ID}/)\d+/messages$"

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def database_url(db: Database, tmp_path: Path) -> str:
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql")):
        return url
    return f"sqlite+aiosqlite:///{tmp_path / 'clientes.db'}"


@dataclass
class Bot:
    """Starts `python -m bot run` with only the variables given (no .env: cwd is the test's tmp dir)."""

    env: dict[str, str]
    cwd: Path
    runs: int = 0
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def start(self) -> subprocess.Popen[bytes]:
        self.runs += 1
        with open(self.cwd / f"bot-{self.runs}.log", "wb") as log:  # the child keeps its own descriptor
            process = subprocess.Popen(
                [sys.executable, "-m", "bot", "run"], cwd=self.cwd, env=self.env, stdout=log, stderr=subprocess.STDOUT
            )
        self.processes.append(process)
        return process

    def kill_all(self) -> None:
        """Teardown: no bot outlives its test, whatever failed."""
        for process in self.processes:
            if process.poll() is None:
                process.kill()
                process.wait()

    def logs(self) -> str:
        return "\n".join((self.cwd / f"bot-{n}.log").read_text(errors="replace") for n in range(1, self.runs + 1))


def base_env(db_url: str, key: str, tmp_path: Path) -> dict[str, str]:
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": db_url,
        "CLIENTES_SECRET_KEYS": key,
    }


async def stop(process: subprocess.Popen[bytes], sig: signal.Signals) -> int:
    process.send_signal(sig)
    return await asyncio.to_thread(process.wait, 30)


async def until(check: Callable[[], Awaitable[bool]], within: float, what: str, bot: Bot) -> None:
    """Polls `check` until it holds; fails after `within` seconds with the bot's log."""
    deadline = time.monotonic() + within
    while not await check():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} not within {within} s; bot log:\n{bot.logs()[-4000:]}")
        await asyncio.sleep(0.1)


async def job_of(db: Database) -> OutboxJob:
    async with db.session() as session:
        (job,) = (await session.execute(select(OutboxJob))).scalars().all()
        return job


async def held(hold: Any, process: subprocess.Popen[bytes], bot: Bot) -> None:
    async def reached() -> bool:
        if process.poll() is not None:
            raise AssertionError(f"the bot exited ({process.returncode}):\n{bot.logs()[-4000:]}")
        return hold.reached.is_set()

    await until(reached, STARTED, "the stalled call", bot)


@pytest.fixture
def key() -> str:
    return generate_key()


@pytest.fixture
def service(db: Database, key: str) -> ClientService:
    return ClientService(db, SecretBox([key]))


# ------------------------------------------------------------------ Slack
@pytest.fixture
async def slack(db: Database, key: str, tmp_path: Path) -> AsyncIterator[tuple[FakeSlack, Bot]]:
    async with FakeSlack() as fake:
        fake.add_channel("clientes-nuevos", channel_id=NEWS)
        env = {
            **base_env(database_url(db, tmp_path), key, tmp_path),
            "SLACK_BOT_TOKEN": "xoxb-test",
            "SLACK_SIGNING_SECRET": "test-signing-secret",
            "SLACK_MODE": "http",
            "SLACK_PORT": str(free_port()),
            "SLACK_API_URL": fake.base_url,
            "ONBOARDING_SLACK_CHANNEL": NEWS,
        }
        bot = Bot(env, tmp_path)
        yield fake, bot
        bot.kill_all()


def slack_posts(fake: FakeSlack, channel: str) -> list[dict[str, Any]]:
    return [m for (c, _), m in fake.messages.items() if c == channel]


@pytest.mark.parametrize("stalled", ["conversations.create", "chat.postMessage"])
async def test_slack_killed_mid_provisioning_is_taken_over_and_posts_once(
    slack: tuple[FakeSlack, Bot], service: ClientService, db: Database, stalled: str
) -> None:
    fake, bot = slack
    hold = fake.hold_next(stalled)  # the channel's creation, or the card in it
    await service.create(ACTOR, RUC, integrations={"slack_channel": "acme"})
    first = bot.start()
    await held(hold, first, bot)

    assert await stop(first, signal.SIGKILL) == -signal.SIGKILL
    running = await job_of(db)
    assert running.status == "running" and running.next_attempt_at.replace(tzinfo=None) > utcnow().replace(
        tzinfo=None
    )  # the dead process's lease is still live: only the takeover can explain a quick finish
    second = bot.start()
    try:

        async def done() -> bool:
            return (await job_of(db)).status == "done"

        await until(done, TAKEN_OVER, "the job taken over and done", bot)
    finally:
        assert await stop(second, signal.SIGTERM) == 0, bot.logs()[-4000:]

    channels = [c for c in fake.channels.values() if c.name == "acme"]
    assert len(channels) == 1
    assert channels[0].topic.startswith("Cliente: Empresa SAC")  # counted as created by the job
    assert len(slack_posts(fake, channels[0].id)) == 1
    (news,) = slack_posts(fake, NEWS)
    assert "canal nuevo" in news["text"]
    assert (await job_of(db)).attempts == 2


async def test_slack_sigterm_hands_the_job_back_and_the_next_process_runs_it_at_once(
    slack: tuple[FakeSlack, Bot], service: ClientService, db: Database
) -> None:
    fake, bot = slack
    hold = fake.hold_next("chat.postMessage")
    await service.create(ACTOR, RUC, integrations={"slack_channel": "acme"})
    first = bot.start()
    await held(hold, first, bot)

    assert await stop(first, signal.SIGTERM) == 0, bot.logs()[-4000:]

    released = await job_of(db)
    assert (released.status, released.attempts, released.claimed_by) == ("pending", 0, None)
    assert released.next_attempt_at.replace(tzinfo=None) <= utcnow().replace(tzinfo=None)
    assert set(released.payload["intents"]) == {"card"}
    second = bot.start()
    try:

        async def done() -> bool:
            return (await job_of(db)).status == "done"

        await until(done, TAKEN_OVER, "the handed-back job done", bot)
    finally:
        assert await stop(second, signal.SIGTERM) == 0
    channel = fake.channel_named("acme")
    assert channel is not None and len(slack_posts(fake, channel.id)) == 1 and len(slack_posts(fake, NEWS)) == 1


# ------------------------------------------------------------------ Discord
@pytest.fixture
async def discord(db: Database, key: str, tmp_path: Path) -> AsyncIterator[tuple[FakeDiscord, Bot]]:
    async with FakeDiscord(token=FAKE_TOKEN) as fake:
        env = {
            **base_env(database_url(db, tmp_path), key, tmp_path),
            "DISCORD_BOT_TOKEN": FAKE_TOKEN,
            "DISCORD_GUILD_IDS": str(GUILD_ID),
            "DISCORD_API_BASE_URL": fake.base_url,
            "DISCORD_GATEWAY_URL": fake.gateway_url,
            "DISCORD_CLIENTS_CATEGORY_ID": str(CLIENTS_CATEGORY_ID),
            "ONBOARDING_DISCORD_CHANNEL_ID": str(ONBOARDING_CHANNEL_ID),
        }
        bot = Bot(env, tmp_path)
        yield fake, bot
        bot.kill_all()


@pytest.mark.parametrize("stalled", [("POST", rf"^/guilds/{GUILD_ID}/channels$"), ("POST", CLIENT_POSTS)])
async def test_discord_killed_mid_provisioning_is_taken_over_and_posts_once(
    discord: tuple[FakeDiscord, Bot], service: ClientService, db: Database, stalled: tuple[str, str]
) -> None:
    fake, bot = discord
    hold = fake.hold_next(*stalled)
    await service.create(ACTOR, RUC, integrations={"discord_channel": "acme"})
    first = bot.start()
    await held(hold, first, bot)

    assert await stop(first, signal.SIGKILL) == -signal.SIGKILL
    assert (await job_of(db)).status == "running"
    second = bot.start()
    try:

        async def done() -> bool:
            return (await job_of(db)).status == "done"

        await until(done, TAKEN_OVER, "the job taken over and done", bot)
    finally:
        assert await stop(second, signal.SIGTERM) == 0, bot.logs()[-4000:]

    channels = [c for c in fake.channels.values() if c["name"] == "acme"]
    assert len(channels) == 1
    assert len(fake.channel_messages(int(channels[0]["id"]))) == 1
    assert len(fake.channel_messages(ONBOARDING_CHANNEL_ID)) == 1


async def test_discord_sigterm_hands_the_job_back(
    discord: tuple[FakeDiscord, Bot], service: ClientService, db: Database
) -> None:
    fake, bot = discord
    hold = fake.hold_next("POST", CLIENT_POSTS)
    await service.create(ACTOR, RUC, integrations={"discord_channel": "acme"})
    first = bot.start()
    await held(hold, first, bot)

    assert await stop(first, signal.SIGTERM) == 0, bot.logs()[-4000:]

    released = await job_of(db)
    assert (released.status, released.attempts, released.claimed_by) == ("pending", 0, None)
    second = bot.start()
    try:

        async def done() -> bool:
            return (await job_of(db)).status == "done"

        await until(done, TAKEN_OVER, "the handed-back job done", bot)
    finally:
        assert await stop(second, signal.SIGTERM) == 0
    channel = fake.channel_named("acme")
    assert channel is not None and len(fake.channel_messages(int(channel["id"]))) == 1
    assert len(fake.channel_messages(ONBOARDING_CHANNEL_ID)) == 1
