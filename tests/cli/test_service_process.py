"""`clientes-bot run` as a service, through real processes and real HTTP: several processes starting
together on an empty database, `--no-migrate`, `/healthz` `/readyz` `/metrics`, JSON logs, and SIGTERM
finishing the request in flight while refusing new ones.

The bots run Slack in HTTP mode against this test process's fake Slack (cheap to start, and it opens
the port health is served on). Waits are bounded polls for an outcome, never sleeps.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from commands.access import Actor
from commands.service import ClientService
from storage import migrate
from storage.crypto import SecretBox, generate_key
from storage.db import Database
from tests.cli.test_crash_recovery import ROOT, free_port
from tests.conftest import _recreate_database
from tests.fakes.fake_slack import FakeSlack
from tests.fakes.slack_requests import SIGNING_SECRET, post, slash_command

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")

BOT_TOKEN = "xoxb-1111111111-2222222222-ServiceProcessTokenAbc"
STARTED = 90.0  # seconds for a fresh process to answer (imports, migrations; 4 at once on 2 shared cores)
API_TOKEN = "api-token-Kp3Wm8Rt5Yq7"
RUC = "20100070970"


def postgres_url() -> str | None:
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql")) else None


@pytest.fixture
async def empty_database(tmp_path: Path, request: pytest.FixtureRequest) -> AsyncIterator[str]:
    """A database with no table at all: a fresh SQLite path, or a new PostgreSQL database beside the
    test run's (dropped afterwards)."""
    pg = postgres_url()
    if pg is None:
        yield f"sqlite+aiosqlite:///{tmp_path / 'data' / 'clientes.db'}"
        return
    name = f"{make_url(pg).database}_empty"
    await _recreate_database(pg, name, create=True)
    try:
        yield make_url(pg).set(database=name).render_as_string(hide_password=False)
    finally:
        await _recreate_database(pg, name, create=False)


@dataclass
class Bots:
    """`python -m bot run` processes with only the variables given (no .env: cwd is the test's tmp dir)."""

    cwd: Path
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)
    logs: list[Path] = field(default_factory=list)

    def start(self, env: dict[str, str], *args: str) -> subprocess.Popen[bytes]:
        path = self.cwd / f"bot-{len(self.logs) + 1}.log"
        with open(path, "wb") as log:  # the child keeps its own descriptor
            process = subprocess.Popen(
                [sys.executable, "-m", "bot", "run", *args],
                cwd=self.cwd,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )
        self.processes.append(process)
        self.logs.append(path)
        return process

    def log_of(self, process: subprocess.Popen[bytes]) -> str:
        return self.logs[self.processes.index(process)].read_text(errors="replace")

    def all_logs(self) -> str:
        return "\n".join(path.read_text(errors="replace") for path in self.logs)

    def kill_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.kill()
                process.wait()


@pytest.fixture
def bots(tmp_path: Path) -> Iterator[Bots]:
    running = Bots(tmp_path)
    yield running
    running.kill_all()


def bot_env(database_url: str, key: str, tmp_path: Path, fake: FakeSlack, **extra: str) -> dict[str, str]:
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": database_url,
        "CLIENTES_SECRET_KEYS": key,
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_MODE": "http",
        "SLACK_PORT": str(free_port()),
        "SLACK_API_URL": fake.base_url,
        **extra,
    }


async def get(url: str, within: float = 5.0) -> tuple[int, str]:
    async with (
        aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=within)) as session,
        session.get(url) as response,
    ):
        return response.status, await response.text()


async def until(check: Callable[[], Awaitable[bool]], within: float, what: str, logs: Callable[[], str]) -> None:
    deadline = asyncio.get_running_loop().time() + within
    while not await check():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"{what} not within {within} s; log:\n{logs()[-4000:]}")
        await asyncio.sleep(0.1)


async def answering(process: subprocess.Popen[bytes], url: str, bots: Bots, status: int = 200) -> None:
    """Waits until `url` answers `status`; fails at once if the process exits."""

    async def ready() -> bool:
        if process.poll() is not None:
            raise AssertionError(f"the bot exited ({process.returncode}):\n{bots.log_of(process)[-4000:]}")
        try:
            return (await get(url, 2.0))[0] == status
        except (aiohttp.ClientError, TimeoutError):
            return False

    await until(ready, STARTED, f"{url} answering {status}", lambda: bots.log_of(process))


async def terminate(process: subprocess.Popen[bytes]) -> int:
    process.send_signal(signal.SIGTERM)
    return await asyncio.to_thread(process.wait, 30)


def json_lines(log: str) -> list[dict[str, Any]]:
    """Every line of a LOG_FORMAT=json log, parsed (a line that is not one JSON object fails)."""
    entries = []
    for line in log.splitlines():
        entry = json.loads(line)
        assert isinstance(entry, dict) and {"time", "level", "logger", "message"} <= set(entry), line
        entries.append(entry)
    return entries


# ------------------------------------------------------------------ migrations under a lock
async def test_four_processes_start_together_on_an_empty_database(
    empty_database: str, bots: Bots, tmp_path: Path
) -> None:
    key = generate_key()
    async with FakeSlack() as fake:
        envs = [bot_env(empty_database, key, tmp_path, fake, LOG_FORMAT="json") for _ in range(4)]
        processes = [bots.start(env) for env in envs]  # at once: all of them find the database empty
        try:
            for process, env in zip(processes, envs, strict=True):
                await answering(process, f"http://127.0.0.1:{env['SLACK_PORT']}/readyz", bots)
        finally:
            codes = [await terminate(process) for process in processes]
    assert codes == [0, 0, 0, 0], bots.all_logs()[-4000:]

    db = Database(empty_database)
    try:
        assert await migrate.current_revision(db) == migrate.head_revision()
    finally:
        await db.dispose()
    log = bots.all_logs()
    # LOG_FORMAT=json: every line of the four processes is one JSON object.
    entries = [entry for process in processes for entry in json_lines(bots.log_of(process))]
    assert any("Slack (HTTP) escuchando" in e["message"] for e in entries)
    assert "will be unused" not in log  # Bolt no longer warns that the token it was given is unused
    for secret in (BOT_TOKEN, SIGNING_SECRET, key):
        assert secret not in log


async def test_run_no_migrate_refuses_a_schema_that_is_behind_and_starts_on_a_current_one(
    empty_database: str, bots: Bots, tmp_path: Path
) -> None:
    key = generate_key()
    async with FakeSlack() as fake:
        env = bot_env(empty_database, key, tmp_path, fake)
        empty = bots.start(env, "--no-migrate")
        assert await asyncio.to_thread(empty.wait, STARTED) == 3
        assert "no tiene tablas todavía" in bots.log_of(empty) and "clientes-bot db upgrade" in bots.log_of(empty)

        db = Database(empty_database)
        try:
            await migrate.upgrade(db, "0004")
            behind = bots.start(env, "--no-migrate")
            assert await asyncio.to_thread(behind.wait, STARTED) == 3
            assert "atrasado" in bots.log_of(behind) and "«0004»" in bots.log_of(behind)
            assert await migrate.current_revision(db) == "0004"  # --no-migrate changed nothing

            await migrate.upgrade(db)  # the deploy's migrate step
            current = bots.start(env, "--no-migrate")
            try:
                await answering(current, f"http://127.0.0.1:{env['SLACK_PORT']}/readyz", bots)
            finally:
                assert await terminate(current) == 0
        finally:
            await db.dispose()


# ------------------------------------------------------------------ health and metrics
def pg_binaries() -> Path | None:
    versions = [p for p in Path("/usr/lib/postgresql").glob("*/bin") if (p / "initdb").exists()]
    found = sorted(versions, key=lambda p: [int(x) for x in p.parent.name.split(".") if x.isdigit()])
    if found:
        return found[-1]
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


@dataclass
class Cluster:
    """A PostgreSQL server of this test's own (initdb into a temp dir), to stop and start at will."""

    bin: Path
    data: Path
    port: int
    user: str | None  # run as this user when we are root (PostgreSQL refuses to run as root)

    def run(self, *args: str) -> None:
        command = [str(self.bin / args[0]), *args[1:]]
        if self.user:
            command = ["runuser", "-u", self.user, "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=120)

    def start(self) -> None:
        options = f"-h 127.0.0.1 -p {self.port} -k {self.data.parent} -c fsync=off"
        log = str(self.data.parent / "server.log")
        self.run("pg_ctl", "-D", str(self.data), "-l", log, "-w", "-o", options, "start")

    def stop(self) -> None:
        self.run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")


def has_user(name: str) -> bool:
    return subprocess.run(["id", name], capture_output=True).returncode == 0


@pytest.fixture
def cluster() -> Iterator[Cluster]:
    binaries = pg_binaries()
    if binaries is None:
        pytest.skip("PostgreSQL is not installed on this machine")
    user = None
    if os.geteuid() == 0:
        user = next((u for u in ("postgres", "clientesci") if shutil.which("runuser") and has_user(u)), None)
        if user is None:
            pytest.skip("running as root without a postgres user to run PostgreSQL as")
    home = Path(tempfile.mkdtemp(prefix="clientes-pg-"))
    if user:
        shutil.chown(home, user)
    home.chmod(0o700)
    server = Cluster(binaries, home / "data", free_port(), user)
    try:
        server.run("initdb", "-D", str(server.data), "-U", "clientes", "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8")

        server.start()
        server.run("createdb", "-h", "127.0.0.1", "-p", str(server.port), "-U", "clientes", "clientes")
        yield server
    finally:
        as_user = ["runuser", "-u", user, "--"] if user else []
        stop = [str(binaries / "pg_ctl"), "-D", str(server.data), "-m", "immediate", "stop"]
        subprocess.run([*as_user, *stop], capture_output=True, timeout=60)
        shutil.rmtree(home, ignore_errors=True)


async def test_readyz_is_503_while_postgresql_is_stopped_and_200_once_it_is_back(
    cluster: Cluster, bots: Bots, tmp_path: Path
) -> None:
    url = f"postgresql://clientes@127.0.0.1:{cluster.port}/clientes"
    async with FakeSlack() as fake:
        env = bot_env(url, generate_key(), tmp_path, fake, HEALTH_PORT=str(free_port()))
        process = bots.start(env)
        ready = f"http://127.0.0.1:{env['SLACK_PORT']}/readyz"
        alone = f"http://127.0.0.1:{env['HEALTH_PORT']}/readyz"  # HEALTH_PORT serves the same
        try:
            await answering(process, ready, bots)
            status, body = await get(ready)
            assert json.loads(body) == {
                "ready": True,
                "checks": {"database": "ok", "slack": "connected", "outbox_oldest_due_seconds": 0.0},
            }
            assert (await get(alone))[0] == 200

            await asyncio.to_thread(cluster.stop)
            await answering(process, ready, bots, status=503)
            status, body = await get(ready)
            answer = json.loads(body)
            assert status == 503 and answer["ready"] is False
            assert answer["reason"].startswith("La base de datos no responde")
            assert (await get(f"http://127.0.0.1:{env['SLACK_PORT']}/healthz"))[0] == 200  # alive all along
            assert (await get(alone))[0] == 503

            await asyncio.to_thread(cluster.start)
            await answering(process, ready, bots)  # no restart: the pool reconnects
            status, page = await get(f"http://127.0.0.1:{env['SLACK_PORT']}/metrics")
            assert status == 200
            errors = [line for line in page.splitlines() if line.startswith("clientes_database_errors_total{")]
            assert errors and sum(float(line.rsplit(" ", 1)[1]) for line in errors) >= 1, page
        finally:
            assert await terminate(process) == 0, bots.log_of(process)[-4000:]


def metric(page: str, name: str) -> float:
    """The value of one sample (`name` with its labels, as Prometheus prints it)."""
    for line in page.splitlines():
        if line.startswith(name + " "):
            return float(line.rsplit(" ", 1)[1])
    raise AssertionError(f"{name} not in:\n{page}")


@pytest.fixture
def write_lock(db: Database, tmp_path: Path) -> Callable[[str], Any]:
    """Holds the database's write lock from another connection (PostgreSQL: a SHARE lock on the outbox
    table, which blocks inserts; SQLite: BEGIN IMMEDIATE), so a request that writes waits in flight."""

    class Held:
        def __init__(self, url: str) -> None:
            self.url = url
            self.release: Callable[[], Awaitable[None]] | None = None

        async def hold(self) -> None:
            if postgres_url():
                holder = Database(self.url)
                connection = await holder.engine.connect()
                transaction = await connection.begin()
                await connection.execute(text("LOCK TABLE outbox_jobs IN SHARE MODE"))

                async def release_pg() -> None:
                    await transaction.commit()
                    await connection.close()
                    await holder.dispose()

                self.release = release_pg
                return
            raw = sqlite3.connect(str(make_url(self.url).database), isolation_level=None, check_same_thread=False)
            raw.execute("BEGIN IMMEDIATE")

            async def release_sqlite() -> None:
                raw.execute("COMMIT")
                raw.close()

            self.release = release_sqlite

    return Held


async def test_sigterm_finishes_the_request_in_flight_and_refuses_new_ones(
    db: Database, bots: Bots, tmp_path: Path, write_lock: Callable[[str], Any]
) -> None:
    url = os.environ["DATABASE_URL"] if postgres_url() else f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"
    async with FakeSlack() as fake:
        env = bot_env(url, generate_key(), tmp_path, fake, API_TOKEN=API_TOKEN, API_PORT=str(free_port()))
        api = f"http://127.0.0.1:{env['API_PORT']}"
        process = bots.start(env)
        try:
            await answering(process, f"{api}/readyz", bots)
            # A client with a Slack channel (so the API may queue a message for it); the bot makes it.
            seed = Database(url)
            try:
                service = ClientService(seed, SecretBox([env["CLIENTES_SECRET_KEYS"]]))
                await service.create(
                    Actor("console", "t"),
                    {"doc_type": "6", "doc_number": RUC, "name": "Empresa SAC"},
                    integrations={"slack_channel": "acme"},
                )
            finally:
                await seed.dispose()
            await until(
                lambda: channel_made(fake), 30, "the client's channel made by the bot", lambda: bots.log_of(process)
            )

            held = write_lock(url)
            await held.hold()
            slow = asyncio.create_task(post_json(f"{api}/api/v1/clients/{RUC}/messages", {"text": "Servidor listo"}))

            async def in_flight() -> bool:
                _, page = await get(f"{api}/metrics")
                return metric(page, 'clientes_requests_in_progress{adapter="api",command="mensaje"}') == 1.0

            await until(in_flight, 20, "the message request waiting on the lock", lambda: bots.log_of(process))
            process.send_signal(signal.SIGTERM)

            async def refused() -> bool:
                try:
                    await get(f"{api}/healthz", 2.0)
                except aiohttp.ClientConnectionError:  # refused, or closed unanswered
                    return True
                except TimeoutError:  # a loaded machine: not an answer either way, ask again
                    return False
                return False

            # Within the shutdown's own budget (8 s for requests in flight, 10 s before it is forced).
            await until(refused, 6, "new connections refused after SIGTERM", lambda: bots.log_of(process))
            assert not slow.done()
            await held.release()
            status, body = await slow
            assert status == 202, body  # the request in flight was finished, not dropped
            assert json.loads(body)["queued"]
            assert await asyncio.to_thread(process.wait, 30) == 0
        finally:
            bots.kill_all()
    log = bots.log_of(process)
    assert "Señal de parada recibida" in log


async def channel_made(fake: FakeSlack) -> bool:
    return fake.channel_named("acme") is not None


async def post_json(url: str, body: dict[str, Any]) -> tuple[int, str]:
    async with (
        aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60)) as session,
        session.post(url, json=body, headers={"Authorization": f"Bearer {API_TOKEN}"}) as response,
    ):
        return response.status, await response.text()


async def test_metrics_count_requests_by_adapter_and_command(db: Database, bots: Bots, tmp_path: Path) -> None:
    url = os.environ["DATABASE_URL"] if postgres_url() else f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"
    async with FakeSlack() as fake:
        env = bot_env(url, generate_key(), tmp_path, fake, API_TOKEN=API_TOKEN, API_PORT=str(free_port()))
        slack = f"http://127.0.0.1:{env['SLACK_PORT']}"
        process = bots.start(env)
        try:
            await answering(process, f"{slack}/readyz", bots)
            for words in ("lista", "list", "ayuda", "zzz"):
                assert (await post(f"{slack}/slack/events", *slash_command(text=words))).status == 200
            api = f"http://127.0.0.1:{env['API_PORT']}"
            async with (
                aiohttp.ClientSession() as session,
                session.get(f"{api}/api/v1/clients/%2399", headers={"Authorization": f"Bearer {API_TOKEN}"}) as got,
            ):
                assert got.status == 404
            status, page = await get(f"{slack}/metrics")
            assert status == 200
            assert metric(page, 'clientes_requests_total{adapter="slack",command="lista"}') == 2.0
            assert metric(page, 'clientes_requests_total{adapter="slack",command="ayuda"}') == 1.0
            assert metric(page, 'clientes_requests_total{adapter="slack",command="otro"}') == 1.0
            assert metric(page, 'clientes_request_duration_seconds_count{adapter="slack",command="lista"}') == 2.0
            assert metric(page, 'clientes_requests_total{adapter="api",command="cliente"}') == 1.0
            assert metric(page, 'clientes_adapter_connected{adapter="slack"}') == 1.0
            assert metric(page, "clientes_outbox_depth") == 0.0
            assert metric(page, "clientes_outbox_oldest_due_seconds") == 0.0
            # The API port serves the same endpoints without the API token.
            assert (await get(f"{api}/readyz"))[0] == 200
            assert (await get(f"{api}/metrics"))[0] == 200
        finally:
            assert await terminate(process) == 0
