"""Access lists that name a Slack usergroup (``CLIENTES_EDITORS=S…``): members are resolved with
usergroups.list (cached), Slack is not asked when no list names a group, and a failed call never fails
the request (the user simply has no groups)."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable

from bot.slack import handlers
from bot.slack.blocks.create_modal import create_modal
from bot.slack.handlers import actors as actors_module
from bot.slack.modal_state import ModalState
from commands.access import AccessPolicy, Actor
from tests.fakes.fake_slack import DEFAULT_USER_ID, OTHER_USER_ID

from .conftest import Slack
from .helpers import ALICE, CLIENT_ANSWERS, RUC, make_client

EDITORS = "S0EDITORES"
ALICE_AS_EDITOR = Actor("slack", DEFAULT_USER_ID, "alice", frozenset({EDITORS}))
FORBIDDEN = "No tiene permiso para crear ni editar clientes."


def with_editor_group(make_slack: Callable[..., Slack]) -> Slack:
    slack = make_slack(AccessPolicy(editors=frozenset({EDITORS, "U0SOLO"})))
    slack.fake.add_usergroup(EDITORS, "editores", users=[DEFAULT_USER_ID, "U0OTRO"])
    slack.fake.add_usergroup("S0OTROS", "ventas", users=[OTHER_USER_ID])
    return slack


async def test_a_member_of_an_editor_usergroup_can_create(make_slack) -> None:
    slack = with_editor_group(make_slack)
    view = await slack.open_modal("nuevo")

    ack = await slack.submit(view, CLIENT_ANSWERS)

    assert ack["response_action"] == "update" and ack["view"]["title"]["text"] == "Cliente guardado"
    assert (await slack.service.find(ALICE, RUC)).name == "Supermercados Peruanos S.A."
    (call,) = slack.fake.calls_to("usergroups.list")
    assert call.ok and call.params["include_users"] in ("1", "true", True)


async def test_a_non_member_gets_the_spanish_forbidden_message(make_slack) -> None:
    slack = with_editor_group(make_slack)
    view = await slack.open_modal("nuevo")

    ack = await slack.submit(view, CLIENT_ANSWERS, user_id=OTHER_USER_ID)

    assert ack["response_action"] == "errors" and list(ack["errors"].values()) == [FORBIDDEN]
    assert (await slack.service.list_page(ALICE)).total == 0


async def test_the_groups_are_cached_between_requests(make_slack) -> None:
    slack = with_editor_group(make_slack)
    await make_client(slack.service, 1, actor=ALICE_AS_EDITOR)

    listing = await slack.command("lista")
    picker = await slack.click_to_modal(listing["blocks"], "cliente_editar")
    refused = await slack.submit(await slack.open_modal("nuevo"), CLIENT_ANSWERS, user_id=OTHER_USER_ID)
    created = await slack.submit(await slack.open_modal("nuevo"), CLIENT_ANSWERS)

    assert picker["callback_id"] == "clientes_editar_seccion"
    assert list(refused["errors"].values()) == [FORBIDDEN] and created["response_action"] == "update"
    assert len(slack.fake.calls_to("usergroups.list")) == 1


async def test_slack_is_not_asked_when_no_list_names_a_usergroup(make_slack) -> None:
    for n, policy in enumerate((AccessPolicy(), AccessPolicy(editors=frozenset({DEFAULT_USER_ID})))):
        slack = make_slack(policy)
        view = await slack.open_modal("nuevo")
        answers = {**CLIENT_ANSWERS, "client.doc_type": "1", "client.doc_number": f"1234567{n}"}
        assert (await slack.submit(view, answers))["response_action"] == "update"
        assert "Cliente" in str((await slack.command("lista"))["blocks"])
    assert slack.fake.calls_to("usergroups.list") == []


async def test_a_failed_usergroups_call_means_no_groups_not_a_failure(make_slack, caplog) -> None:
    slack = with_editor_group(make_slack)
    slack.fake.fail_next("usergroups.list", error="missing_scope", needed="usergroups:read")
    view = await slack.open_form(create_modal(ModalState()))  # the submission makes the first lookup

    ack = await slack.submit(view, CLIENT_ANSWERS)

    assert ack["response_action"] == "errors" and list(ack["errors"].values()) == [FORBIDDEN]
    assert "missing_scope" in caplog.text
    # Listed users keep working without any group.
    solo = await slack.command("lista", user_id="U0SOLO")
    assert "Aún no hay clientes" in str(solo["blocks"])


class FakeClock:
    """The usergroup cache's clock, moved by the test instead of waited for."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def test_an_expired_cache_is_served_while_a_slow_refresh_runs(make_slack, monkeypatch, caplog) -> None:
    """usergroups.list runs before the ack of a view submission: a slow Slack must not cost the 3 s."""
    clock = FakeClock()
    # The app builds its one Actors cache when its listeners are registered: give it the test's clock.
    monkeypatch.setattr(handlers, "Actors", functools.partial(actors_module.Actors, clock=clock))
    slack = with_editor_group(make_slack)
    first, second = await slack.open_modal("nuevo"), await slack.open_modal("nuevo")
    assert (await slack.submit(first, CLIENT_ANSWERS))["response_action"] == "update"
    assert len(slack.fake.calls_to("usergroups.list")) == 1
    clock.now += actors_module.USERGROUPS_TTL  # the cache expires
    slow = slack.fake.fail_next("usergroups.list", held=True)

    second_answers = {**CLIENT_ANSWERS, "client.doc_type": "1", "client.doc_number": "12345678"}
    ack = await asyncio.wait_for(slack.submit(second, second_answers), 4.0)  # fails, not hangs, if it waited

    # The ack came back while the refresh was still held unanswered (the fake records a call when it
    # answers): the submission did not wait for Slack.
    assert len(slack.fake.calls_to("usergroups.list")) == 1
    assert ack["response_action"] == "update"  # still an editor: the groups read before were used
    await asyncio.wait_for(slow.reached.wait(), 4.0)  # the refresh did start, in the background
    slow.release()
    calls = await slack.fake.wait_for("usergroups.list", count=2, within=4.0)
    assert not calls[1].ok and len(calls) == 2  # one background refresh, not retried
    for _ in range(300):  # the bot logs once it has read the failed answer, just after the fake sent it
        if "se siguen usando los grupos" in caplog.text:
            break
        await asyncio.sleep(0.01)
    assert "se siguen usando los grupos" in caplog.text


async def test_a_first_lookup_that_times_out_means_no_groups(make_slack, caplog) -> None:
    slack = with_editor_group(make_slack)
    slow = slack.fake.fail_next("usergroups.list", held=True)
    # The form as the app renders it, opened without a request (the first lookup is the submission's).
    view = await slack.open_form(create_modal(ModalState()))

    ack = await asyncio.wait_for(slack.submit(view, CLIENT_ANSWERS), 4.0)  # fails, not hangs, without a limit

    assert slack.fake.calls_to("usergroups.list") == []  # answered before the slow call ended
    await asyncio.wait_for(slow.reached.wait(), 4.0)  # ...which had reached Slack and is still unanswered
    assert ack["response_action"] == "errors" and list(ack["errors"].values()) == [FORBIDDEN]
    assert "usergroups.list no respondió en 1.0 s" in caplog.text
    slow.release()
    await slack.fake.wait_for("usergroups.list", within=4.0)  # the slow call ends before the fake stops


async def test_a_rate_limited_lookup_is_not_retried_before_the_ack(make_slack, caplog) -> None:
    slack = with_editor_group(make_slack)
    slack.fake.fail_next("usergroups.list", status=429, retry_after=5)
    view = await slack.open_form(create_modal(ModalState()))

    ack = await slack.submit(view, CLIENT_ANSWERS)

    # One call, answered 429 and not retried after its 5-second Retry-After before the ack.
    assert ack["response_action"] == "errors" and len(slack.fake.calls_to("usergroups.list")) == 1
    assert "usergroups.list falló (ratelimited)" in caplog.text
