"""The outbox lease through real processes, with OUTBOX_LEASE_SECONDS / OUTBOX_HEARTBEAT_SECONDS set
as an operator sets them:

- a worker on *another host* killed with -9 (its pid cannot be checked from here) has its job taken
  over once its short lease runs out, seconds later, not after the 30 s default;
- a live worker whose platform call lasts several leases keeps its job (the heartbeat renews the
  lease), so a second process never runs it too: one channel, one card.

"Another host" is a process in its own UTS namespace with another hostname (`unshare -u`, root only):
the claim it records names that host, exactly as a second machine's would.
"""

from __future__ import annotations

import asyncio
import shutil
import signal
import subprocess
import sys
import time

import pytest

from commands.service import ClientService
from storage.db import Database
from tests.cli.test_crash_recovery import (
    ACTOR,
    NEWS,
    RUC,
    Bot,
    held,
    job_of,
    key,  # noqa: F401 - fixtures
    service,  # noqa: F401
    slack,  # noqa: F401
    slack_posts,
    stop,
    until,
)
from tests.fakes.fake_slack import FakeSlack

LEASE = 5
OTHER_HOST = "otro-host"


def can_fake_another_host() -> bool:
    if sys.platform != "linux" or shutil.which("unshare") is None:
        return False
    probe = subprocess.run(["unshare", "-u", "hostname", OTHER_HOST], capture_output=True)
    return probe.returncode == 0


pytestmark = pytest.mark.skipif(not can_fake_another_host(), reason="needs `unshare -u` (root on Linux)")


def start_on_other_host(bot: Bot) -> subprocess.Popen[bytes]:
    """`python -m bot run` in a namespace whose hostname is OTHER_HOST (exec: the pid is the bot's)."""
    bot.runs += 1
    script = f"hostname {OTHER_HOST} && exec {sys.executable} -m bot run"
    with open(bot.cwd / f"bot-{bot.runs}.log", "wb") as log:
        process = subprocess.Popen(
            ["unshare", "-u", "sh", "-c", script], cwd=bot.cwd, env=bot.env, stdout=log, stderr=subprocess.STDOUT
        )
    bot.processes.append(process)
    return process


@pytest.fixture
def leased(slack: tuple[FakeSlack, Bot]) -> tuple[FakeSlack, Bot]:  # noqa: F811 - the fixture above
    fake, bot = slack
    bot.env.update(OUTBOX_LEASE_SECONDS=str(LEASE), OUTBOX_HEARTBEAT_SECONDS="1")
    return fake, bot


async def test_a_worker_killed_on_another_host_is_taken_over_when_its_short_lease_runs_out(
    leased: tuple[FakeSlack, Bot],
    service: ClientService,  # noqa: F811 - the fixture
    db: Database,
) -> None:
    fake, bot = leased
    hold = fake.hold_next("chat.postMessage")  # the card in the new channel: posted, never heard back
    await service.create(ACTOR, RUC, integrations={"slack_channel": "acme"})
    first = start_on_other_host(bot)
    await held(hold, first, bot)
    assert (await job_of(db)).claimed_by.startswith(f"{OTHER_HOST}:")

    assert await stop(first, signal.SIGKILL) == -signal.SIGKILL
    killed = time.monotonic()
    second = bot.start()  # this host: it cannot tell whether the other host's pid lives
    try:

        async def done() -> bool:
            return (await job_of(db)).status == "done"

        # Well before the default 30 s lease: only OUTBOX_LEASE_SECONDS=5 explains it.
        await until(done, LEASE + 15, "the job taken over after the short lease", bot)
    finally:
        assert await stop(second, signal.SIGTERM) == 0, bot.logs()[-4000:]
    assert time.monotonic() - killed < 30
    job = await job_of(db)
    assert job.attempts == 2 and job.claimed_by is None
    channel = fake.channel_named("acme")
    assert channel is not None and len(slack_posts(fake, channel.id)) == 1  # the killed attempt's card
    assert len([c for c in fake.channels.values() if c.name == "acme"]) == 1
    assert len(slack_posts(fake, NEWS)) == 1


async def test_a_live_worker_keeps_a_job_that_outlasts_its_lease(
    leased: tuple[FakeSlack, Bot],
    service: ClientService,  # noqa: F811 - the fixture
    db: Database,
) -> None:
    fake, bot = leased
    hold = fake.hold_next("chat.postMessage")
    await service.create(ACTOR, RUC, integrations={"slack_channel": "acme"})
    first = start_on_other_host(bot)
    await held(hold, first, bot)
    second = bot.start()  # ready to take the job the moment its lease is not renewed
    try:
        deadline = time.monotonic() + 3 * LEASE
        while time.monotonic() < deadline:  # three leases: without renewals it would change hands
            job = await job_of(db)
            assert (job.status, job.attempts) == ("running", 1), bot.logs()[-4000:]
            assert job.claimed_by.startswith(f"{OTHER_HOST}:")
            await asyncio.sleep(0.5)
        hold.release()

        async def done() -> bool:
            return (await job_of(db)).status == "done"

        await until(done, 15, "the job finished by its first worker", bot)
    finally:
        codes = [await stop(first, signal.SIGTERM), await stop(second, signal.SIGTERM)]
    assert codes == [0, 0], bot.logs()[-4000:]
    assert (await job_of(db)).attempts == 1
    channel = fake.channel_named("acme")
    assert channel is not None and len(slack_posts(fake, channel.id)) == 1
    assert len(slack_posts(fake, NEWS)) == 1
    assert "taken over" not in bot.logs()
