"""Issue 10 #7: the same form submitted twice at once to two `clientes-bot run` processes (Slack HTTP
mode behind a load balancer, one database) is answered "saved" by both, whichever copy wins, and
saves once: many rounds of a create and of an edit. The processes are real (`python -m bot run`), the
requests signed like Slack's, the database the suite's (PostgreSQL or an SQLite file).
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.slack.blocks.create_modal import create_modal
from bot.slack.blocks.edit_modal import section_modal
from bot.slack.modal_state import ModalState
from commands.access import Actor
from commands.service import ClientService
from storage.crypto import SecretBox, generate_key
from storage.db import Database
from tests.fakes.fake_slack import DEFAULT_CHANNEL_ID, DEFAULT_USER_ID, FakeSlack
from tests.fakes.slack_requests import SIGNING_SECRET, post, slack_view, view_submission

ROOT = Path(__file__).resolve().parents[2]
ROUNDS = 40
STARTED = 60.0  # seconds for a fresh process to listen (imports, migrations) on a loaded machine

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX processes")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def key() -> str:
    return generate_key()


@pytest.fixture
def urls(db: Database, fake: FakeSlack, tmp_path: Path, key: str) -> Iterator[list[str]]:
    """Two bots in Slack HTTP mode on one database; their /slack/events URLs."""
    ports = [free_port(), free_port()]
    processes: list[subprocess.Popen[bytes]] = []
    for n, port in enumerate(ports, 1):
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(tmp_path),
            "PYTHONPATH": str(ROOT),
            "DATABASE_URL": db.url.render_as_string(hide_password=False),
            "CLIENTES_SECRET_KEYS": key,
            "SLACK_BOT_TOKEN": "xoxb-test",
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SLACK_MODE": "http",
            "SLACK_PORT": str(port),
            "SLACK_API_URL": fake.base_url,
        }
        with open(tmp_path / f"bot-{n}.log", "wb") as log:
            processes.append(
                subprocess.Popen(
                    [sys.executable, "-m", "bot", "run"], cwd=tmp_path, env=env, stdout=log, stderr=subprocess.STDOUT
                )
            )
    try:
        deadline = time.monotonic() + STARTED
        while True:  # each of OUR processes says it listens (a free port may be taken by another run)
            logs = [(tmp_path / f"bot-{n}.log").read_text(errors="replace") for n in (1, 2)]
            if all(f"escuchando en el puerto {port}," in log for port, log in zip(ports, logs, strict=True)):
                break
            assert time.monotonic() < deadline and all(p.poll() is None for p in processes), "\n".join(logs)
            time.sleep(0.05)
        yield [f"http://127.0.0.1:{port}/slack/events" for port in ports]
    finally:
        for process in processes:
            process.kill()
            process.wait()
        for n in (1, 2):
            log = (tmp_path / f"bot-{n}.log").read_text(errors="replace")
            assert "Traceback" not in log, log


async def twice(urls: list[str], view: dict, answers: dict[str, str]) -> list[dict]:
    """The same submission (one view, the same values) sent to both processes at once: two requests,
    each signed on its own, as Slack sends a second press of Guardar."""
    replies = await asyncio.gather(*(post(url, *view_submission(view, answers)) for url in urls))
    assert [reply.status for reply in replies] == [200, 200], replies
    return [json.loads(reply.body) for reply in replies]


async def test_a_double_create_across_processes_is_saved_once_and_answered_saved_twice(
    urls: list[str], db: Database, key: str
) -> None:
    for n in range(ROUNDS):
        view = slack_view(create_modal(ModalState(channel=DEFAULT_CHANNEL_ID), {}))
        answers = {"client.doc_type": "1", "client.doc_number": f"{40000000 + n}", "client.name": f"Cliente {n}"}
        acks = await twice(urls, view, answers)
        assert [ack.get("response_action") for ack in acks] == ["update", "update"], (n, acks)
    service = ClientService(db, SecretBox([key]))
    assert (await service.list_page(Actor("console", "test"))).total == ROUNDS


async def test_a_double_edit_across_processes_is_saved_once_and_answered_saved_twice(
    urls: list[str], db: Database, key: str
) -> None:
    service = ClientService(db, SecretBox([key]))
    alice = Actor("slack", DEFAULT_USER_ID, "alice")
    card = await service.create(alice, {"doc_type": "1", "doc_number": "12345678", "name": "Ana Ruiz"})
    for n in range(ROUNDS):
        state = ModalState(channel=DEFAULT_CHANNEL_ID, client_id=card.id, version=card.version, section="client")
        view = slack_view(section_modal(card, state))
        answers = {"client.doc_type": "1", "client.doc_number": "12345678", "client.name": f"Ana Ruiz {n}"}
        acks = await twice(urls, view, answers)
        assert [ack.get("response_action") for ack in acks] == ["update", "update"], (n, acks)
        card = await service.find(alice, "12345678")
        assert card.version == n + 2 and card.name == f"Ana Ruiz {n}"  # one save per round
