"""The Slack adapter under test: the real Bolt app built by ``bot.slack.app`` on a real database, its
Web API client pointed at the local fake Slack; requests are signed like Slack's."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from pydantic import SecretStr
from slack_bolt.async_app import AsyncApp

from bot.config import Settings
from bot.runtime import Core, audit_channels_from, policy_from
from bot.slack import ids
from bot.slack.app import build_app, build_client
from commands.access import AccessPolicy
from commands.service import ClientService
from storage.crypto import SecretBox
from storage.db import Database
from tests.fakes.fake_slack import DEFAULT_USER_ID, FakeSlack
from tests.fakes.slack_requests import (
    SIGNING_SECRET,
    action_for,
    block_actions,
    block_suggestion,
    dispatch,
    new_trigger_id,
    slash_command,
    view_submission,
)


def settings_for(fake: FakeSlack, **overrides: Any) -> Settings:
    """Alice (the default user) may reveal server passwords; nobody may by default."""
    values: dict[str, Any] = {"clientes_secret_viewers": DEFAULT_USER_ID, **overrides}
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        slack_bot_token=SecretStr("xoxb-test"),
        slack_signing_secret=SecretStr(SIGNING_SECRET),
        slack_api_url=fake.base_url,
        **values,
    )


@dataclass
class Slack:
    """Drives the app like Slack would and reads what the fake received."""

    fake: FakeSlack
    app: AsyncApp
    core: Core
    hooks: int = 0
    seen: dict[str, int] = field(default_factory=dict)

    @property
    def service(self) -> ClientService:
        return self.core.service

    def hook(self) -> tuple[str, str]:
        self.hooks += 1
        name = f"hook{self.hooks}"
        return name, self.fake.response_url(name)

    async def responses(self, name: str, count: int = 1, within: float = 3.0) -> list[dict[str, Any]]:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        while len(self.fake.responses_to(name)) < count:
            if loop.time() > deadline:
                raise AssertionError(f"no response on {name}; calls: {[c.method for c in self.fake.calls]}")
            await asyncio.sleep(0.01)
        return self.fake.responses_to(name)

    async def next_call(self, method: str) -> Any:
        """Waits for one more call to ``method`` than already consumed and returns it."""
        count = self.seen.get(method, 0) + 1
        calls = await self.fake.wait_for(method, count=count, within=3.0)
        self.seen[method] = count
        return calls[count - 1]

    async def command(self, text: str, *, user_id: str = DEFAULT_USER_ID) -> dict[str, Any]:
        """Runs ``/clientes text`` and returns its ephemeral reply: the ack's own body when the answer was
        ready in time (what Slack shows at once), else the message posted to its response_url."""
        name, url = self.hook()
        response = await dispatch(self.app, *slash_command("/clientes", text, response_url=url, user_id=user_id))
        assert response.status == 200
        if response.body:
            answer = json.loads(response.body)
            assert answer["response_type"] == "ephemeral"
            return answer
        return (await self.responses(name))[-1]

    async def open_modal(self, text: str, method: str = "views.open") -> dict[str, Any]:
        response = await dispatch(self.app, *slash_command("/clientes", text))
        assert response.status == 200
        return (await self.next_call(method)).response["view"]

    async def open_form(self, view: dict[str, Any]) -> dict[str, Any]:
        """Opens a form the app rendered without a slash command: a form opened before a permission was
        revoked (opening it now is refused up front), so only the submission's own check remains."""
        return (await self.app.client.views_open(trigger_id=new_trigger_id(), view=view))["view"]

    async def submit(self, view: dict[str, Any], answers: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        response = await dispatch(self.app, *view_submission(view, answers, **kwargs))
        assert response.status == 200, response.body
        return json.loads(response.body) if response.body else {}

    async def click(
        self, blocks: list[dict[str, Any]], action_id: str, value: Any = None, *, user_id: str = DEFAULT_USER_ID
    ) -> dict[str, Any]:
        """Clicks an element of an ephemeral message; returns what was posted to its response_url."""
        name, url = self.hook()
        request = block_actions(
            action_for(blocks, action_id, value), is_ephemeral=True, response_url=url, user_id=user_id
        )
        assert (await dispatch(self.app, *request)).status == 200
        return (await self.responses(name))[-1]

    async def click_to_modal(
        self, blocks: list[dict[str, Any]], action_id: str, value: Any = None, *, response_url: str | None = None
    ) -> dict[str, Any]:
        request = block_actions(action_for(blocks, action_id, value), is_ephemeral=True, **_url(response_url))
        assert (await dispatch(self.app, *request)).status == 200
        return (await self.next_call("views.open")).response["view"]

    async def choose(
        self, blocks: list[dict[str, Any]], kind: str, label: str, *, index: int = 0, user_id: str = DEFAULT_USER_ID
    ) -> dict[str, Any]:
        """Picks ``label`` in the overflow menu of the ``index``-th address or server of a card; returns what
        was posted to the card's response_url."""
        block, value = menu_choice(blocks, kind, label, index)
        return await self.click([block], ids.CARD_ITEM, value, user_id=user_id)

    async def choose_to_modal(
        self, blocks: list[dict[str, Any]], kind: str, label: str, *, index: int = 0, response_url: str | None = None
    ) -> dict[str, Any]:
        block, value = menu_choice(blocks, kind, label, index)
        return await self.click_to_modal([block], ids.CARD_ITEM, value, response_url=response_url)

    async def options(self, view: dict[str, Any], action_id: str, typed: str) -> list[dict[str, Any]]:
        response = await dispatch(self.app, *block_suggestion(action_id, typed, view=view))
        assert response.status == 200
        return json.loads(response.body)["options"]


def _url(response_url: str | None) -> dict[str, str]:
    return {"response_url": response_url} if response_url else {}


def item_blocks(blocks: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    """The sections of a card's addresses or servers (block ids ``ficha.<client>.<kind>.<item>``)."""
    return [b for b in blocks if str(b.get("block_id", "")).split(".")[2:3] == [kind]]


def menu_choice(blocks: list[dict[str, Any]], kind: str, label: str, index: int = 0) -> tuple[dict[str, Any], str]:
    block = item_blocks(blocks, kind)[index]
    labels = {o["text"]["text"]: o["value"] for o in block["accessory"]["options"]}
    return block, labels[label]


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    async with FakeSlack() as server:
        yield server


@pytest.fixture
def make_slack(fake: FakeSlack, db: Database, box: SecretBox) -> Callable[..., Slack]:
    def make(policy: AccessPolicy | None = None, **settings: Any) -> Slack:
        configured = settings_for(fake, **settings)
        service = ClientService(db, box, policy or policy_from(configured), audit_channels_from(configured))
        core = Core(configured, db, box, service)
        return Slack(fake, build_app(core, build_client(core.settings)), core)

    return make


@pytest.fixture
def slack(make_slack: Callable[..., Slack]) -> Slack:
    return make_slack()
