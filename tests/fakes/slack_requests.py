"""Signed Slack requests, shaped as Slack sends them, to drive the real Bolt ``AsyncApp`` in tests.

Why: the adapter's tests go through Bolt's request verification, authorization and listener matching,
so each request must be what Slack really posts: a slash command is a form body; every interaction
(``block_actions``, ``view_submission``, ``view_closed``, ``block_suggestion``) is a form body with a
single ``payload`` field holding JSON. Shapes follow slack-bolt's own scenario tests
(tests/scenario_tests_async/test_*.py) and Slack's interaction-payload reference.

Each builder returns a :class:`SignedRequest` ``(body, headers)`` signed with Slack's v0 scheme
(``X-Slack-Signature: v0=hex(HMAC-SHA256(secret, "v0:{ts}:{body}"))`` and
``X-Slack-Request-Timestamp``). The signature is computed here with ``hmac`` rather than slack_sdk's
``SignatureVerifier`` so that Bolt's verification is checked against an independent implementation.

Run them in process with :func:`dispatch` (what Bolt's tests do) or over HTTP with :func:`serve_app`
and :func:`post`.

Modal state: :func:`view_state` fills ``view.state.values`` from the view the app opened, using each
element's real value shape (``value`` for text inputs, ``selected_option`` for selects, ``selected_options``
for checkboxes...), so a test only says ``{"doc_number": "20100070970"}``.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import secrets
import socket
import time
from collections.abc import AsyncIterator, Iterable, Iterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any, NamedTuple
from urllib.parse import urlencode

import aiohttp
from aiohttp import web
from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse

from .fake_slack import (
    APP_ID,
    BOT_ID,
    BOT_USER_ID,
    DEFAULT_CHANNEL_ID,
    DEFAULT_CHANNEL_NAME,
    DEFAULT_USER_ID,
    DEFAULT_USER_NAME,
    TEAM_DOMAIN,
    TEAM_ID,
)

SIGNING_SECRET = "test-signing-secret"
FORM = "application/x-www-form-urlencoded"
#: Default ``response_url``: a closed local port, so a test that forgets to pass
#: ``fake.response_url(...)`` fails fast instead of posting to hooks.slack.com.
UNSET_RESPONSE_URL = "http://127.0.0.1:9/response-url-not-set"
#: Deprecated verification token Slack still includes in payloads; Bolt ignores it.
VERIFICATION_TOKEN = "legacy-verification-token"

_counter = itertools.count(1)


class SignedRequest(NamedTuple):
    """A raw body and the headers Slack would send with it; unpacks as ``body, headers``."""

    body: str
    headers: dict[str, str]


@dataclass(frozen=True)
class Signing:
    """How to sign: secret, timestamp (default now) and Slack's retry headers.

    ``retry_num``/``retry_reason`` add ``X-Slack-Retry-Num`` / ``X-Slack-Retry-Reason`` (Slack uses
    reasons such as ``http_timeout`` and ``http_error`` when it redelivers Events API requests).
    """

    secret: str = SIGNING_SECRET
    timestamp: int | None = None
    retry_num: int | None = None
    retry_reason: str | None = None


def sign(body: str, signing: Signing | None = None, *, content_type: str = FORM) -> SignedRequest:
    """Sign ``body`` like Slack: ``v0=`` + hex HMAC-SHA256 of ``v0:{timestamp}:{body}``."""
    signing = signing or Signing()
    timestamp = str(signing.timestamp if signing.timestamp is not None else int(time.time()))
    digest = hmac.new(signing.secret.encode(), f"v0:{timestamp}:{body}".encode(), hashlib.sha256).hexdigest()
    headers = {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": timestamp,
        "X-Slack-Signature": f"v0={digest}",
    }
    if signing.retry_num is not None:
        headers["X-Slack-Retry-Num"] = str(signing.retry_num)
    if signing.retry_reason is not None:
        headers["X-Slack-Retry-Reason"] = signing.retry_reason
    return SignedRequest(body, headers)


def new_trigger_id() -> str:
    """A fresh trigger id in Slack's ``<digits>.<digits>.<hex>`` shape (single-use in the fake)."""
    return f"{int(time.time() * 1000)}{next(_counter)}.{secrets.randbelow(10**12):012d}.{secrets.token_hex(16)}"


# --- slash command --------------------------------------------------------------------------------
def slash_command(
    command: str = "/clientes",
    text: str = "",
    *,
    user_id: str = DEFAULT_USER_ID,
    user_name: str = DEFAULT_USER_NAME,
    channel_id: str = DEFAULT_CHANNEL_ID,
    channel_name: str = DEFAULT_CHANNEL_NAME,
    team_id: str = TEAM_ID,
    response_url: str = UNSET_RESPONSE_URL,
    trigger_id: str | None = None,
    api_app_id: str = APP_ID,
    signing: Signing | None = None,
) -> SignedRequest:
    """A slash command: form-encoded fields in the order Slack posts them."""
    fields = {
        "token": VERIFICATION_TOKEN,
        "team_id": team_id,
        "team_domain": TEAM_DOMAIN,
        "channel_id": channel_id,
        "channel_name": channel_name,
        "user_id": user_id,
        "user_name": user_name,
        "command": command,
        "text": text,
        "api_app_id": api_app_id,
        "is_enterprise_install": "false",
        "response_url": response_url,
        "trigger_id": trigger_id or new_trigger_id(),
    }
    return sign(urlencode(fields), signing)


# --- interactions ---------------------------------------------------------------------------------
def _interaction(kind: str, *, user_id: str, user_name: str, team_id: str) -> dict[str, Any]:
    """Fields every interaction payload carries."""
    return {
        "type": kind,
        "user": {"id": user_id, "username": user_name, "name": user_name, "team_id": team_id},
        "api_app_id": APP_ID,
        "token": VERIFICATION_TOKEN,
        "team": {"id": team_id, "domain": TEAM_DOMAIN},
        "enterprise": None,
        "is_enterprise_install": False,
    }


def _signed_payload(payload: Mapping[str, Any], signing: Signing | None) -> SignedRequest:
    return sign(urlencode({"payload": json.dumps(payload, separators=(",", ":"), ensure_ascii=False)}), signing)


def event_callback(
    event: Mapping[str, Any], *, team_id: str = TEAM_ID, signing: Signing | None = None
) -> SignedRequest:
    """An Events API delivery (JSON body), e.g. ``{"type": "app_home_opened", "user": …, "tab": "home"}``."""
    body = {
        "token": VERIFICATION_TOKEN,
        "team_id": team_id,
        "api_app_id": APP_ID,
        "event": {"event_ts": _action_ts(), **event},
        "type": "event_callback",
        "event_id": f"Ev{next(_counter):010d}",
        "event_time": int(time.time()),
        "authorizations": [
            {"team_id": team_id, "user_id": BOT_USER_ID, "is_bot": True, "is_enterprise_install": False}
        ],
        "is_ext_shared_channel": False,
    }
    return sign(json.dumps(body, separators=(",", ":"), ensure_ascii=False), signing, content_type="application/json")


def message_shortcut(
    callback_id: str,
    text: str,
    *,
    user_id: str = DEFAULT_USER_ID,
    user_name: str = DEFAULT_USER_NAME,
    channel_id: str = DEFAULT_CHANNEL_ID,
    channel_name: str = DEFAULT_CHANNEL_NAME,
    team_id: str = TEAM_ID,
    response_url: str = UNSET_RESPONSE_URL,
    trigger_id: str | None = None,
    attachments: list[dict[str, Any]] | None = None,
    signing: Signing | None = None,
) -> SignedRequest:
    """A message shortcut (payload type ``message_action``) on a message with ``text`` (and, for a shared
    message, ``attachments`` as Slack sends them)."""
    ts = _action_ts()
    payload = {
        **_interaction("message_action", user_id=user_id, user_name=user_name, team_id=team_id),
        "callback_id": callback_id,
        "trigger_id": trigger_id or new_trigger_id(),
        "action_ts": ts,
        "message_ts": ts,
        "channel": {"id": channel_id, "name": channel_name},
        "message": {
            "type": "message",
            "user": "U0OTHER",
            "text": text,
            "ts": ts,
            **({"attachments": attachments} if attachments else {}),
        },
        "response_url": response_url,
    }
    return _signed_payload(payload, signing)


def slack_view(view: Mapping[str, Any], state_values: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The view object as Slack echoes it in payloads.

    ``view`` may be what the app posted (``fake.last("views.open").params["view"]``) or what the fake
    answered (``...response["view"]``, which already has ``id`` and ``hash``).
    """
    view_id = view.get("id") or f"V{next(_counter):08X}"
    return {
        "id": view_id,
        "team_id": TEAM_ID,
        "type": view.get("type", "modal"),
        "blocks": list(view.get("blocks", [])),
        "private_metadata": view.get("private_metadata", ""),
        "callback_id": view.get("callback_id", ""),
        "state": {"values": dict(state_values or {})},
        "hash": view.get("hash") or f"{int(time.time())}.{secrets.token_hex(4)}",
        "title": view.get("title"),
        "clear_on_close": bool(view.get("clear_on_close", False)),
        "notify_on_close": bool(view.get("notify_on_close", False)),
        "close": view.get("close"),
        "submit": view.get("submit"),
        "previous_view_id": view.get("previous_view_id"),
        "root_view_id": view.get("root_view_id") or view_id,
        "app_id": APP_ID,
        "external_id": view.get("external_id", ""),
        "app_installed_team_id": TEAM_ID,
        "bot_id": BOT_ID,
    }


def block_actions(
    actions: Mapping[str, Any] | Iterable[Mapping[str, Any]],
    *,
    view: Mapping[str, Any] | None = None,
    view_answers: Mapping[str, Any] | None = None,
    message: Mapping[str, Any] | None = None,
    message_ts: str | None = None,
    is_ephemeral: bool = False,
    channel_id: str = DEFAULT_CHANNEL_ID,
    channel_name: str = DEFAULT_CHANNEL_NAME,
    response_url: str = UNSET_RESPONSE_URL,
    trigger_id: str | None = None,
    user_id: str = DEFAULT_USER_ID,
    user_name: str = DEFAULT_USER_NAME,
    team_id: str = TEAM_ID,
    signing: Signing | None = None,
) -> SignedRequest:
    """A click (or select) on an interactive element, in a modal (``view=``) or in a message.

    In a modal the payload has ``container.type == "view"`` and the whole view with its current state
    (from ``view_answers``) and **no** ``response_url``. In a message it has ``container.type ==
    "message"``, ``channel``, ``response_url`` and, unless ephemeral, the ``message`` itself (Slack does
    not send ephemeral messages back).
    """
    action_list = [actions] if isinstance(actions, Mapping) else list(actions)
    payload = _interaction("block_actions", user_id=user_id, user_name=user_name, team_id=team_id)
    payload["trigger_id"] = trigger_id or new_trigger_id()
    payload["actions"] = [{"action_ts": _action_ts(), **a} for a in action_list]
    if view is not None:
        values = view_state(view, view_answers or {})
        full_view = slack_view(view, values)
        payload["container"] = {"type": "view", "view_id": full_view["id"]}
        payload["view"] = full_view
    else:
        ts = (message or {}).get("ts") or message_ts or _action_ts()
        payload["container"] = {
            "type": "message",
            "message_ts": ts,
            "channel_id": channel_id,
            "is_ephemeral": is_ephemeral,
        }
        payload["channel"] = {"id": channel_id, "name": channel_name}
        if message is not None and not is_ephemeral:
            payload["message"] = dict(message)
        payload["state"] = {"values": {}}
        payload["response_url"] = response_url
    return _signed_payload(payload, signing)


def view_submission(
    view: Mapping[str, Any],
    answers: Mapping[str, Any] | None = None,
    *,
    state_values: Mapping[str, Any] | None = None,
    response_urls: list[dict[str, str]] | None = None,
    trigger_id: str | None = None,
    user_id: str = DEFAULT_USER_ID,
    user_name: str = DEFAULT_USER_NAME,
    team_id: str = TEAM_ID,
    signing: Signing | None = None,
) -> SignedRequest:
    """The user pressed the modal's submit button.

    ``answers`` maps block_id (or action_id) to a value and is turned into ``state.values`` by
    :func:`view_state`; pass ``state_values`` instead to send an exact state. ``response_urls`` is only
    non-empty when the modal has a conversations/channels select with ``response_url_enabled``.
    """
    values = dict(state_values) if state_values is not None else view_state(view, answers or {})
    payload = _interaction("view_submission", user_id=user_id, user_name=user_name, team_id=team_id)
    payload["trigger_id"] = trigger_id or new_trigger_id()
    payload["view"] = slack_view(view, values)
    payload["response_urls"] = response_urls or []
    return _signed_payload(payload, signing)


def view_closed(
    view: Mapping[str, Any],
    *,
    is_cleared: bool = False,
    user_id: str = DEFAULT_USER_ID,
    user_name: str = DEFAULT_USER_NAME,
    team_id: str = TEAM_ID,
    signing: Signing | None = None,
) -> SignedRequest:
    """The user closed the modal (sent only when the view has ``notify_on_close: true``)."""
    payload = _interaction("view_closed", user_id=user_id, user_name=user_name, team_id=team_id)
    payload["view"] = slack_view(view, view_state(view, {}))
    payload["is_cleared"] = is_cleared
    return _signed_payload(payload, signing)


def block_suggestion(
    action_id: str,
    value: str,
    *,
    view: Mapping[str, Any] | None = None,
    block_id: str | None = None,
    channel_id: str = DEFAULT_CHANNEL_ID,
    user_id: str = DEFAULT_USER_ID,
    user_name: str = DEFAULT_USER_NAME,
    team_id: str = TEAM_ID,
    signing: Signing | None = None,
) -> SignedRequest:
    """An ``external_select`` asking for options: ``value`` is what the user typed so far.

    The app must answer in the ack with ``{"options": [...]}`` or ``{"option_groups": [...]}``.
    ``block_id`` defaults to the block holding ``action_id`` in ``view``.
    """
    payload = _interaction("block_suggestion", user_id=user_id, user_name=user_name, team_id=team_id)
    if view is not None:
        block_id = block_id or _find_element(view.get("blocks", []), action_id)[0]
        full_view = slack_view(view, view_state(view, {}))
        payload["container"] = {"type": "view", "view_id": full_view["id"]}
        payload["view"] = full_view
    else:
        payload["container"] = {"type": "message", "message_ts": _action_ts(), "channel_id": channel_id}
        payload["channel"] = {"id": channel_id, "name": DEFAULT_CHANNEL_NAME}
    if block_id is None:
        raise ValueError("block_suggestion needs block_id= or a view= holding action_id")
    payload.update({"action_id": action_id, "block_id": block_id, "value": value})
    return _signed_payload(payload, signing)


# --- actions and modal state ----------------------------------------------------------------------
def _action_ts() -> str:
    return f"{int(time.time())}.{next(_counter):06d}"


def plain_text(text: str) -> dict[str, Any]:
    """A ``plain_text`` text object as Slack echoes it."""
    return {"type": "plain_text", "text": text, "emoji": True}


def button(
    action_id: str, value: str | None = None, *, block_id: str = "actions", text: str = "Button"
) -> dict[str, Any]:
    """A ``block_actions`` action entry for a button click."""
    action: dict[str, Any] = {
        "type": "button",
        "action_id": action_id,
        "block_id": block_id,
        "text": plain_text(text),
    }
    if value is not None:
        action["value"] = value
    return action


def action_for(blocks: Iterable[Mapping[str, Any]], action_id: str, value: Any = None) -> dict[str, Any]:
    """The action entry Slack sends when the user uses element ``action_id`` of ``blocks``.

    Looks the element up so block_id, type and texts are the real ones: a button sends its own
    ``value`` (or ``value`` if given); selects, overflow and radios send ``selected_option``; checkboxes
    and multi-selects ``selected_options``; dispatching text inputs ``value``.
    """
    block_id, element = _find_element(blocks, action_id)
    kind = element.get("type")
    action: dict[str, Any] = {"type": kind, "action_id": action_id, "block_id": block_id}
    if kind == "button":
        action["text"] = element.get("text")
        button_value = value if value is not None else element.get("value")
        if button_value is not None:
            action["value"] = button_value
        return action
    if kind == "overflow":
        action["selected_option"] = _option(element, value)
        return action
    return {**action, **_element_state(element, value, answered=True)}


def view_state(view: Mapping[str, Any], answers: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """``view.state.values`` as Slack sends it: every stateful element, answered or not.

    ``answers`` keys are block_ids or action_ids; values are ``str`` for text inputs and single selects
    (the option ``value``; for ``external_select`` also ``(value, text)``), ``list[str]`` for
    checkboxes / multi-selects, ``None`` to leave empty. Unanswered elements keep their ``initial_*``.
    Unknown keys and option values the element does not offer raise ``ValueError`` (a test typo).
    """
    values: dict[str, dict[str, Any]] = {}
    used: set[str] = set()
    for block_id, element in _stateful_elements(view.get("blocks", [])):
        action_id = element["action_id"]
        key = block_id if block_id in answers else action_id if action_id in answers else None
        if key is not None:
            used.add(key)
        answer = answers[key] if key is not None else None
        values.setdefault(block_id, {})[action_id] = _element_state(element, answer, answered=key is not None)
    unknown = set(answers) - used
    if unknown:
        raise ValueError(f"answers for unknown blocks/actions: {sorted(unknown)}")
    return values


_TEXT_INPUTS = {"plain_text_input", "email_text_input", "url_text_input", "number_input"}
_SINGLE_SELECTS = {"static_select", "external_select", "radio_buttons"}
_MULTI_SELECTS = {"checkboxes", "multi_static_select", "multi_external_select"}
_PICKERS = {
    "datepicker": ("selected_date", "initial_date"),
    "timepicker": ("selected_time", "initial_time"),
    "users_select": ("selected_user", "initial_user"),
    "conversations_select": ("selected_conversation", "initial_conversation"),
    "channels_select": ("selected_channel", "initial_channel"),
}
_STATEFUL = _TEXT_INPUTS | _SINGLE_SELECTS | _MULTI_SELECTS | set(_PICKERS)


def _element_state(element: Mapping[str, Any], answer: Any, *, answered: bool) -> dict[str, Any]:
    """One element's entry in ``state.values`` with Slack's value key for its type."""
    kind = element.get("type")
    state: dict[str, Any] = {"type": kind}
    if kind in _TEXT_INPUTS:
        state["value"] = answer if answered else element.get("initial_value")
    elif kind in _SINGLE_SELECTS:
        state["selected_option"] = _option(element, answer) if answered else element.get("initial_option")
    elif kind in _MULTI_SELECTS:
        chosen = [_option(element, a) for a in (answer or [])] if answered else element.get("initial_options")
        state["selected_options"] = chosen or []
    elif kind in _PICKERS:
        selected_key, initial_key = _PICKERS[str(kind)]
        state[selected_key] = answer if answered else element.get(initial_key)
    else:
        raise ValueError(f"element type {kind!r} has no state in this builder")
    return state


def _option(element: Mapping[str, Any], answer: Any) -> dict[str, Any] | None:
    """The option object for ``answer``: looked up in static options, built for external ones."""
    if answer is None:
        return None
    if isinstance(answer, Mapping):
        return dict(answer)
    if element.get("type") in ("external_select", "multi_external_select"):
        value, text = answer if isinstance(answer, tuple) else (answer, answer)
        return {"text": plain_text(str(text)), "value": str(value)}
    options = list(element.get("options") or [])
    for group in element.get("option_groups") or []:
        options += group.get("options") or []
    for option in options:
        if option.get("value") == answer:
            return dict(option)
    offered = [o.get("value") for o in options]
    raise ValueError(f"{element.get('action_id')!r} offers no option {answer!r}; it offers {offered}")


def _elements(blocks: Iterable[Mapping[str, Any]]) -> Iterator[tuple[str, Mapping[str, Any]]]:
    for block in blocks:
        block_id = str(block.get("block_id", ""))
        for key in ("element", "accessory"):
            if isinstance(block.get(key), Mapping):
                yield block_id, block[key]
        if block.get("type") == "actions":
            for element in block.get("elements") or []:
                yield block_id, element


def _stateful_elements(blocks: Iterable[Mapping[str, Any]]) -> Iterator[tuple[str, Mapping[str, Any]]]:
    for block_id, element in _elements(blocks):
        if element.get("type") in _STATEFUL and element.get("action_id"):
            yield block_id, element


def _find_element(blocks: Iterable[Mapping[str, Any]], action_id: str) -> tuple[str, Mapping[str, Any]]:
    for block_id, element in _elements(blocks):
        if element.get("action_id") == action_id:
            return block_id, element
    raise ValueError(f"no element with action_id {action_id!r}")


# --- running requests -----------------------------------------------------------------------------
async def dispatch(app: AsyncApp, body: str, headers: Mapping[str, str]) -> BoltResponse:
    """Run a request through Bolt in process (signature check, authorization, listeners), as Bolt's
    own tests do. Use as ``await dispatch(app, *slash_command(...))``.

    With the default ``process_before_response=False`` this returns right after ``ack()``; the rest of
    the listener runs in a background task, so await ``fake.wait_for(...)`` before asserting on calls.
    """
    return await app.async_dispatch(AsyncBoltRequest(body=body, headers=dict(headers)))


class HttpReply(NamedTuple):
    """Status, text body and headers of an HTTP answer."""

    status: int
    body: str
    headers: dict[str, str]


async def post(url: str, body: str, headers: Mapping[str, str], *, within: float = 10.0) -> HttpReply:
    """POST a signed request to a running server (e.g. :func:`serve_app` or the bot in HTTP mode)."""
    async with (
        aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=within)) as session,
        session.post(url, data=body.encode(), headers=dict(headers)) as response,
    ):
        return HttpReply(response.status, await response.text(), dict(response.headers))


@asynccontextmanager
async def serve_app(app: AsyncApp, path: str = "/slack/events") -> AsyncIterator[str]:
    """Serve ``app`` over real HTTP on 127.0.0.1 (random port) with Bolt's own aiohttp adapter
    (``app.web_app()``, what ``SLACK_MODE=http`` runs); yields the events URL."""
    runner = web.AppRunner(app.web_app(path=path), access_log=None, shutdown_timeout=1.0)
    await runner.setup()
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    await web.SockSite(runner, sock).start()
    try:
        yield f"http://127.0.0.1:{port}{path}"
    finally:
        await runner.cleanup()
