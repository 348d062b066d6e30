"""The fake Discord's REST API v10: the route table, the request plumbing (auth, rate-limit headers,
injected failures, held answers) and one handler per route.
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import aiohttp
from aiohttp import web
from multidict import CIMultiDict, CIMultiDictProxy

from tests.fakes import discord_openapi
from tests.fakes.discord_gateway import DiscordGateway
from tests.fakes.discord_http import _error, _json, _no_content
from tests.fakes.discord_state import (
    API_PREFIX,
    NONCE_WINDOW,
    RecordedFile,
    RecordedRequest,
    SpecViolation,
    _Bucket,
    _Failure,
    _Hold,
    snowflake,
)
from tests.fakes.discord_validation import DiscordValidation, _FormErrors

Handler = Callable[[RecordedRequest, dict[str, str]], Awaitable[web.StreamResponse]]


_FILE_FIELD = re.compile(r"files\[([0-9]{1,2})\]")
_UPLOAD_LIMIT = 10 * 1024 * 1024


@dataclass(frozen=True)
class _Route:
    method: str
    template: str
    regex: re.Pattern[str]
    handler: Handler
    ratelimited: bool = True
    needs_auth: bool = True


def _template_regex(template: str) -> re.Pattern[str]:
    """``/channels/{channel_id}/messages`` -> a regex with one named group per placeholder."""
    parts = re.split(r"\{(\w+)\}", template)
    pattern = "".join(re.escape(p) if i % 2 == 0 else f"(?P<{p}>[^/]+)" for i, p in enumerate(parts))
    return re.compile(f"^{pattern}$")


def _normalise_text_channel_name(name: str) -> str:
    """Discord lower-cases text channel names and turns runs of spaces into single dashes."""
    name = re.sub(r"\s+", "-", name.strip().lower())
    name = re.sub(r"[^\w\-]", "", name)
    return re.sub(r"-{2,}", "-", name)


class DiscordRoutes(DiscordGateway, DiscordValidation):
    """REST handlers over the state; changes are broadcast on the gateway like Discord's events."""

    # ---------------------------------------------------------------- failure injection
    def fail_next(
        self,
        method: str,
        path_regex: str,
        status: int = 429,
        retry_after: float = 0.1,
        global_: bool = False,
        *,
        code: int | None = None,
        message: str | None = None,
        times: int | None = 1,
    ) -> None:
        """Makes the next ``times`` requests matching ``method`` and ``path_regex`` fail with ``status``.

        ``path_regex`` is searched in the path relative to ``/api/v10`` (``r"/guilds/\\d+/channels$"``);
        ``method`` may be ``"*"``. ``times=None`` fails every match until ``clear_failures()``.
        Bodies and headers are Discord's: 429 carries ``retry_after``/``global`` and the
        ``Retry-After``/``X-RateLimit-*`` headers (discord.py sleeps ``retry_after`` then retries);
        403 defaults to code 50013 "Missing Permissions"; 5xx to code 0.
        """
        self._failures.append(
            _Failure(
                method=method.upper(),
                pattern=re.compile(path_regex),
                status=status,
                retry_after=retry_after,
                global_=global_,
                code=code,
                message=message,
                remaining=times,
            )
        )

    def clear_failures(self) -> None:
        self._failures.clear()

    def hold_next(self, method: str, path_regex: str) -> _Hold:
        """The next successful ``method`` request matching ``path_regex`` is carried out, then its answer
        waits until ``hold.release()`` (or the fake closes): a bot killed meanwhile never learns that
        Discord did it. ``await hold.reached.wait()`` waits for the request to arrive."""
        hold = _Hold()
        self._holds.append((method.upper(), re.compile(path_regex), hold))
        return hold

    def _take_failure(self, method: str, path: str) -> _Failure | None:
        for failure in self._failures:
            if failure.method not in ("*", method) or not failure.pattern.search(path):
                continue
            if failure.remaining is not None:
                failure.remaining -= 1
                if failure.remaining <= 0:
                    self._failures.remove(failure)
            return failure
        return None

    def _failure_response(self, failure: _Failure, bucket: str) -> web.Response:
        if failure.status == 429:
            scope = "global" if failure.global_ else "user"
            headers = {
                "Retry-After": str(max(1, int(failure.retry_after + 0.999))),
                "X-RateLimit-Scope": scope,
            }
            if failure.global_:
                headers["X-RateLimit-Global"] = "true"
            else:
                headers.update(
                    {
                        "X-RateLimit-Limit": str(self.ratelimit),
                        "X-RateLimit-Remaining": "0",
                        "X-RateLimit-Reset": f"{time.time() + failure.retry_after:.3f}",
                        "X-RateLimit-Reset-After": f"{failure.retry_after:.3f}",
                        "X-RateLimit-Bucket": bucket,
                    }
                )
            body: dict[str, Any] = {
                "message": failure.message or "You are being rate limited.",
                "retry_after": failure.retry_after,
                "global": failure.global_,
            }
            if failure.code is not None:
                body["code"] = failure.code
            return _json(body, 429, headers)
        defaults = {
            400: (50035, "Invalid Form Body"),
            401: (0, "401: Unauthorized"),
            403: (50013, "Missing Permissions"),
            404: (0, "404: Not Found"),
            500: (0, "500: Internal Server Error"),
            502: (0, "502: Bad Gateway"),
            503: (0, "503: Service Unavailable"),
        }
        code, message = defaults.get(failure.status, (0, f"{failure.status}: Error"))
        return _error(
            failure.status,
            failure.code if failure.code is not None else code,
            failure.message or message,
        )

    # ---------------------------------------------------------------- REST plumbing
    def _build_routes(self) -> list[_Route]:
        table: list[tuple[str, str, Handler, dict[str, bool]]] = [
            ("GET", "/users/@me", self._get_me, {}),
            ("GET", "/gateway", self._get_gateway, {"needs_auth": False}),
            ("GET", "/gateway/bot", self._get_gateway_bot, {}),
            ("GET", "/oauth2/applications/@me", self._get_app_info, {}),
            ("GET", "/applications/{application_id}/commands", self._get_commands, {}),
            ("PUT", "/applications/{application_id}/commands", self._put_commands, {}),
            ("GET", "/applications/{application_id}/guilds/{guild_id}/commands", self._get_commands, {}),
            ("PUT", "/applications/{application_id}/guilds/{guild_id}/commands", self._put_commands, {}),
            (
                "POST",
                "/interactions/{interaction_id}/{interaction_token}/callback",
                self._interaction_callback,
                {"ratelimited": False, "needs_auth": False},
            ),
            (
                "POST",
                "/webhooks/{application_id}/{webhook_token}",
                self._post_followup,
                {"needs_auth": False},
            ),
            (
                "GET",
                "/webhooks/{application_id}/{webhook_token}/messages/{message_id}",
                self._get_webhook_message,
                {"needs_auth": False},
            ),
            (
                "PATCH",
                "/webhooks/{application_id}/{webhook_token}/messages/{message_id}",
                self._patch_webhook_message,
                {"needs_auth": False},
            ),
            (
                "DELETE",
                "/webhooks/{application_id}/{webhook_token}/messages/{message_id}",
                self._delete_webhook_message,
                {"needs_auth": False},
            ),
            ("GET", "/guilds/{guild_id}", self._get_guild, {}),
            ("GET", "/guilds/{guild_id}/roles", self._get_roles, {}),
            ("GET", "/guilds/{guild_id}/channels", self._get_channels, {}),
            ("POST", "/guilds/{guild_id}/channels", self._create_channel, {}),
            ("GET", "/guilds/{guild_id}/members/search", self._search_members, {}),
            ("GET", "/guilds/{guild_id}/members/{user_id}", self._get_member, {}),
            ("GET", "/channels/{channel_id}", self._get_channel, {}),
            ("PATCH", "/channels/{channel_id}", self._patch_channel, {}),
            ("DELETE", "/channels/{channel_id}", self._delete_channel, {}),
            ("GET", "/channels/{channel_id}/messages", self._get_messages, {}),
            ("POST", "/channels/{channel_id}/messages", self._post_message, {}),
            ("PUT", "/channels/{channel_id}/permissions/{overwrite_id}", self._put_permission, {}),
            ("DELETE", "/channels/{channel_id}/permissions/{overwrite_id}", self._delete_permission, {}),
        ]
        routes = []
        for method, template, handler, opts in table:
            routes.append(_Route(method, template, _template_regex(template), handler, **opts))
        return routes

    async def _read_body(self, request: web.Request, rec: RecordedRequest) -> None:
        if not request.body_exists:
            return
        if request.content_type == "multipart/form-data":
            reader = await request.multipart()
            while (part := await reader.next()) is not None:
                if not isinstance(part, aiohttp.BodyPartReader):
                    continue
                data = await part.read()
                if part.name == "payload_json":
                    rec.json = json.loads(data.decode() or "null")
                else:
                    rec.files.append(
                        RecordedFile(
                            field=part.name or "",
                            filename=part.filename,
                            content_type=part.headers.get("Content-Type"),
                            data=bytes(data),
                        )
                    )
            return
        text = await request.text()
        rec.text = text
        if request.content_type == "application/json" and text:
            rec.json = json.loads(text)

    def _ratelimit_headers(self, route: _Route, params: Mapping[str, str]) -> dict[str, str]:
        major = params.get("channel_id") or params.get("guild_id") or params.get("webhook_token") or ""
        bucket_hash = hashlib.md5(f"{route.method} {route.template}".encode()).hexdigest()
        key = f"{bucket_hash}:{major}"
        bucket = self._buckets.setdefault(key, _Bucket(limit=self.ratelimit, window=1.0))
        now = time.time()
        if now >= bucket.reset_at:
            bucket.used, bucket.reset_at = 0, now + bucket.window
        bucket.used += 1
        return {
            "X-RateLimit-Bucket": bucket_hash,
            "X-RateLimit-Limit": str(bucket.limit),
            "X-RateLimit-Remaining": str(max(0, bucket.limit - bucket.used)),
            "X-RateLimit-Reset": f"{bucket.reset_at:.3f}",
            "X-RateLimit-Reset-After": f"{max(0.0, bucket.reset_at - now):.3f}",
        }

    async def _dispatch_rest(self, request: web.Request) -> web.StreamResponse:
        path = request.path[len(API_PREFIX) :] or "/"
        rec = RecordedRequest(
            method=request.method,
            path=path,
            query=dict(request.query),
            headers=CIMultiDictProxy(CIMultiDict(request.headers)),
        )
        self.requests.append(rec)
        try:
            await self._read_body(request, rec)
            response = await self._answer(request, rec)
        except Exception as exc:
            # A bug in the fake: answer a non-retried status (a 5xx would make discord.py retry for 25 s)
            # and re-raise when the fake closes, so the test fails loudly instead of testing nonsense.
            self.crashes.append(exc)
            response = _error(418, 0, f"fake discord crashed: {exc!r}")
        rec.status = response.status
        if isinstance(response, web.Response) and response.content_type == "application/json" and response.body:
            rec.response = json.loads(bytes(response.body))  # type: ignore[arg-type]
        await self._notify()
        held = next(
            (h for h in self._holds if not h[2].reached.is_set() and h[0] == rec.method and h[1].search(path)), None
        )
        if held is not None and rec.ok:
            held[2].reached.set()
            await held[2].released.wait()
        return response

    async def _answer(self, request: web.Request, rec: RecordedRequest) -> web.StreamResponse:
        matched: _Route | None = None
        params: dict[str, str] = {}
        path_known = False
        for route in self._routes:
            m = route.regex.match(rec.path)
            if m is None:
                continue
            path_known = True
            if route.method == rec.method:
                matched, params = route, m.groupdict()
                break
        if matched is None:
            if path_known:
                return _error(405, 0, "405: Method Not Allowed")
            return _error(404, 0, "404: Not Found")
        rec.route = f"{matched.method} {matched.template}"
        rec.params = params

        wrong_token = request.headers.get("Authorization") != f"Bot {self.token}"
        if matched.needs_auth and self.token is not None and wrong_token:
            return _error(401, 0, "401: Unauthorized")

        headers = self._ratelimit_headers(matched, params) if matched.ratelimited else {}
        failure = self._take_failure(rec.method, rec.path)
        if failure is not None:
            rec.injected = True
            return self._failure_response(failure, headers.get("X-RateLimit-Bucket", "fake"))

        if (invalid := self._check_spec(matched, rec)) is not None:
            return invalid
        if (invalid := self._check_files(rec)) is not None:
            return invalid
        response = await matched.handler(rec, params)
        for key, value in headers.items():
            response.headers.setdefault(key, value)
        return response

    def _check_spec(self, route: _Route, rec: RecordedRequest) -> web.Response | None:
        """Refuses, like Discord, a body its OpenAPI spec refuses, and records it (see ``spec_violations``).

        Runs before the handler's hand-written checks, which stay for what the docs say more strictly."""
        if not discord_openapi.has_body_schema(route.method, route.template):
            return None
        self.spec_checked += 1
        errors = discord_openapi.spec_errors(route.method, route.template, rec.json)
        if not errors:
            return None
        tree = discord_openapi.form_errors(errors)
        self.spec_violations.append(SpecViolation(route=rec.route or "", path=rec.path, body=rec.json, errors=tree))
        return _error(400, 50035, "Invalid Form Body", tree)

    def _check_files(self, rec: RecordedRequest) -> web.Response | None:
        """The file parts of a multipart body, as Discord takes them: each named ``files[n]``, at most 10,
        together at most 10 MiB (a bot's upload limit in an unboosted server: 413 40005), and every
        ``attachments[].id`` of ``payload_json`` naming one of them."""
        if not rec.files:
            return None
        errors = _FormErrors()
        indexes: set[int] = set()
        for part in rec.files:
            match = _FILE_FIELD.fullmatch(part.field)
            if match is None:
                errors.add(["files"], "ATTACHMENT_FIELD_INVALID", f"Unknown multipart field {part.field!r}")
            else:
                indexes.add(int(match.group(1)))
        errors.length(["files"], rec.files, 10)
        if sum(len(part.data) for part in rec.files) > _UPLOAD_LIMIT:
            return _error(413, 40005, "Request entity too large")
        body = rec.json if isinstance(rec.json, Mapping) else {}
        for i, attachment in enumerate(body.get("attachments") or []):
            raw = str(attachment.get("id", "")) if isinstance(attachment, Mapping) else ""
            if not (raw.isdigit() and int(raw) in indexes):
                errors.add(["attachments", i, "id"], "ATTACHMENT_NOT_FOUND", "Unknown attachment: no files[n] part")
        return errors.response()

    def take_spec_violations(self) -> list[SpecViolation]:
        """Returns and forgets the recorded spec violations: for a test that sends an invalid body on
        purpose, after asserting on them (otherwise the fake raises when it closes)."""
        taken, self.spec_violations = self.spec_violations, []
        return taken

    # ---------------------------------------------------------------- users, gateway, application
    async def _get_me(self, rec: RecordedRequest, params: dict[str, str]) -> web.StreamResponse:
        return _json(self.bot_user)

    async def _get_gateway(self, rec: RecordedRequest, params: dict[str, str]) -> web.StreamResponse:
        return _json({"url": self.gateway_url})

    async def _get_gateway_bot(self, rec: RecordedRequest, params: dict[str, str]) -> web.StreamResponse:
        return _json(
            {
                "url": self.gateway_url,
                "shards": 1,
                "session_start_limit": {
                    "total": 1000,
                    "remaining": 999,
                    "reset_after": 14_400_000,
                    "max_concurrency": 1,
                },
            }
        )

    async def _get_app_info(self, rec: RecordedRequest, params: dict[str, str]) -> web.StreamResponse:
        return _json(self.app_info_payload())

    # ---------------------------------------------------------------- application commands
    def _command_scope(self, params: Mapping[str, str]) -> tuple[int | None, web.Response | None]:
        if params["application_id"] != str(self.application_id):
            return None, _error(403, 50001, "Missing Access")
        if "guild_id" not in params:
            return None, None
        if params["guild_id"] != str(self.guild_id):
            return None, _error(403, 50001, "Missing Access")
        return self.guild_id, None

    async def _get_commands(self, rec: RecordedRequest, params: dict[str, str]) -> web.StreamResponse:
        scope, error = self._command_scope(params)
        return error or _json(self.commands.get(scope, []))

    async def _put_commands(self, rec: RecordedRequest, params: dict[str, str]) -> web.StreamResponse:
        scope, error = self._command_scope(params)
        if error:
            return error
        body = rec.json
        errors = _FormErrors()
        if not isinstance(body, list):
            errors.add([], "LIST_TYPE_CONVERT", "Only iterables may be used in a ListType")
            return errors.response() or _error(400, 50035, "Invalid Form Body")
        errors.length([], body, 110)
        for i, command in enumerate(body):
            self._validate_command(errors, [i], command)
        if (bad := errors.response()) is not None:
            return bad
        stored = []
        for command in body:
            kind = int(command.get("type", 1))
            key = (scope, command["name"], kind)
            command_id = self._command_ids.setdefault(key, snowflake())
            out = {
                "id": str(command_id),
                "application_id": str(self.application_id),
                "version": str(snowflake()),
                "type": kind,
                "name": command["name"],
                "description": command.get("description", ""),
                "default_member_permissions": command.get("default_member_permissions"),
                "dm_permission": command.get("dm_permission", True),
                "nsfw": command.get("nsfw", False),
                "options": command.get("options", []),
                "contexts": command.get("contexts"),
                "integration_types": command.get("integration_types", [0]),
                "name_localizations": command.get("name_localizations"),
                "description_localizations": command.get("description_localizations"),
            }
            if scope is not None:
                out["guild_id"] = str(scope)
            stored.append(out)
        self.commands[scope] = stored
        return _json(stored)

    # ---------------------------------------------------------------- interaction callbacks
    async def _interaction_callback(self, rec: RecordedRequest, params: dict[str, str]) -> web.StreamResponse:
        interaction_id = int(params["interaction_id"])
        token = params["interaction_token"]
        if interaction_id in self._expired:
            return _error(404, 10062, "Unknown interaction")
        if token in self._acknowledged:
            return _error(400, 40060, "Interaction has already been acknowledged.")
        body = rec.json if isinstance(rec.json, Mapping) else {}
        kind = body.get("type")
        data: Mapping[str, Any] = body.get("data") or {}
        known = self.interactions.get(interaction_id)
        interaction_type = int(known["type"]) if known else {8: 4, 9: 2, 6: 3, 7: 3}.get(int(kind or 0), 2)

        errors = _FormErrors()
        allowed = {2: {4, 5, 9, 10, 12}, 3: {4, 5, 6, 7, 9, 10, 12}, 4: {8}, 5: {4, 5, 6, 7, 10, 12}}
        if kind not in allowed.get(interaction_type, {4, 5, 6, 7, 8, 9}):
            errors.add(["type"], "INTERACTION_RESPONSE_TYPE_INVALID", "Invalid interaction response type")
            return errors.response() or _error(400, 50035, "Invalid Form Body")
        if kind in (4, 7):
            self._validate_message(errors, data, ["data"])
            if kind == 4 and self._is_empty_message(data, rec.files):
                return _error(400, 50006, "Cannot send an empty message")
        elif kind == 8:
            choices = data.get("choices") or []
            errors.length(["data", "choices"], choices, 25)
            for i, choice in enumerate(choices):
                errors.length(["data", "choices", i, "name"], choice.get("name"), 100, 1)
                if isinstance(choice.get("value"), str):
                    errors.length(["data", "choices", i, "value"], choice["value"], 100)
        elif kind == 9:
            self._validate_modal(errors, data)
        if (bad := errors.response()) is not None:
            return bad

        channel_id = self._interaction_channel_id(known)
        message: dict[str, Any] | None = None
        if kind == 4:
            message = self._new_message(
                channel_id=channel_id,
                body=data,
                files=rec.files,
                interaction=known or {"id": interaction_id},
                webhook=True,
            )
        elif kind == 5:
            message = self._new_message(
                channel_id=channel_id,
                body={"flags": data.get("flags", 0)},
                interaction=known or {"id": interaction_id},
                webhook=True,
                flags_extra=128,
            )
        elif kind in (6, 7) and known and known.get("message"):
            message = copy.deepcopy(known["message"])
            if kind == 7:
                self._edit_message(message, data, self._attachments(channel_id, data, rec.files))
        self._acknowledged[token] = int(kind)
        if message is not None:
            self.originals[token] = message

        if rec.query.get("with_response", "").lower() not in ("1", "true"):
            return _no_content()
        answer: dict[str, Any] = {"interaction": {"id": str(interaction_id), "type": interaction_type}}
        resource: dict[str, Any] = {"type": kind}
        if message is not None and kind in (4, 5, 7):
            answer["interaction"].update(
                response_message_id=message["id"],
                response_message_loading=kind == 5,
                response_message_ephemeral=bool(int(message.get("flags") or 0) & 64),
            )
            resource["message"] = message
        answer["resource"] = resource
        return _json(answer)

    # ---------------------------------------------------------------- follow-ups and @original
    def _webhook_guard(self, params: Mapping[str, str]) -> web.Response | None:
        if params["application_id"] != str(self.application_id) or params["webhook_token"] not in self._acknowledged:
            return _error(404, 10015, "Unknown Webhook")
        return None

    async def _post_followup(self, rec: RecordedRequest, params: dict[str, str]) -> web.StreamResponse:
        if (bad := self._webhook_guard(params)) is not None:
            return bad
        body = rec.json if isinstance(rec.json, Mapping) else {}
        errors = _FormErrors()
        self._validate_message(errors, body)
        if (invalid := errors.response()) is not None:
            return invalid
        if self._is_empty_message(body, rec.files):
            return _error(400, 50006, "Cannot send an empty message")
        token = params["webhook_token"]
        known = next((i for i in self.interactions.values() if i.get("token") == token), None)
        message = self._new_message(
            channel_id=self._interaction_channel_id(known),
            body=body,
            files=rec.files,
            interaction=known,
            webhook=True,
        )
        self.followup_messages.setdefault(token, {})[int(message["id"])] = message
        if rec.query.get("wait", "").lower() in ("1", "true"):
            return _json(message)
        return _no_content()

    def _find_webhook_message(self, params: Mapping[str, str]) -> dict[str, Any] | None:
        token, message_id = params["webhook_token"], params["message_id"]
        if message_id == "@original":
            return self.originals.get(token)
        if not message_id.isdigit():
            return None
        return self.followup_messages.get(token, {}).get(int(message_id))

    async def _get_webhook_message(self, rec: RecordedRequest, params: dict[str, str]) -> web.StreamResponse:
        if (bad := self._webhook_guard(params)) is not None:
            return bad
        message = self._find_webhook_message(params)
        return _json(message) if message is not None else _error(404, 10008, "Unknown Message")

    async def _patch_webhook_message(self, rec: RecordedRequest, params: dict[str, str]) -> web.StreamResponse:
        if (bad := self._webhook_guard(params)) is not None:
            return bad
        message = self._find_webhook_message(params)
        if message is None:
            return _error(404, 10008, "Unknown Message")
        body = rec.json if isinstance(rec.json, Mapping) else {}
        errors = _FormErrors()
        self._validate_message(errors, body)
        if (invalid := errors.response()) is not None:
            return invalid
        self._edit_message(message, body, self._attachments(int(message["channel_id"]), body, rec.files))
        return _json(message)

    async def _delete_webhook_message(self, rec: RecordedRequest, params: dict[str, str]) -> web.StreamResponse:
        if (bad := self._webhook_guard(params)) is not None:
            return bad
        token, message_id = params["webhook_token"], params["message_id"]
        if self._find_webhook_message(params) is None:
            return _error(404, 10008, "Unknown Message")
        if message_id == "@original":
            del self.originals[token]
        else:
            del self.followup_messages[token][int(message_id)]
        return _no_content()

    # ---------------------------------------------------------------- guilds
    def _guild_guard(self, params: Mapping[str, str]) -> web.Response | None:
        if params["guild_id"] != str(self.guild_id):
            return _error(404, 10004, "Unknown Guild")
        return None

    async def _get_guild(self, rec: RecordedRequest, params: dict[str, str]) -> web.StreamResponse:
        return self._guild_guard(params) or _json(self.guild_payload())

    async def _get_roles(self, rec: RecordedRequest, params: dict[str, str]) -> web.StreamResponse:
        return self._guild_guard(params) or _json(self.roles)

    async def _get_channels(self, rec: RecordedRequest, params: dict[str, str]) -> web.StreamResponse:
        if (bad := self._guild_guard(params)) is not None:
            return bad
        ordered = sorted(self.channels.values(), key=lambda c: (c["position"], int(c["id"])))
        return _json(ordered)

    @staticmethod
    def _overwrites(raw: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
        return [
            {
                "id": str(o["id"]),
                "type": int(o.get("type", 0)),
                "allow": str(o.get("allow", 0)),
                "deny": str(o.get("deny", 0)),
            }
            for o in raw
        ]

    async def _create_channel(self, rec: RecordedRequest, params: dict[str, str]) -> web.StreamResponse:
        if (bad := self._guild_guard(params)) is not None:
            return bad
        body = rec.json if isinstance(rec.json, Mapping) else {}
        kind = int(body.get("type") or 0)
        errors = _FormErrors()
        name = str(body.get("name") or "")
        if errors.required(["name"], name):
            if kind in (0, 5):
                name = _normalise_text_channel_name(name)
            errors.length(["name"], name, 100, 1)
        errors.length(["topic"], body.get("topic"), 1024)
        parent_id = body.get("parent_id")
        if parent_id is not None:
            parent = self.channels.get(int(parent_id))
            if parent is None or parent["type"] != 4:
                errors.add(["parent_id"], "CHANNEL_PARENT_INVALID", "Category does not exist")
            elif sum(1 for c in self.channels.values() if c["parent_id"] == str(parent_id)) >= 50:
                errors.add(
                    ["parent_id"],
                    "CHANNEL_PARENT_MAX_CHANNELS",
                    "Maximum number of channels in category reached (50)",
                )
        if (invalid := errors.response()) is not None:
            return invalid
        if len(self.channels) >= 500:
            return _error(400, 30013, "Maximum number of guild channels reached (500)")
        siblings = [c["position"] for c in self.channels.values() if c["type"] == kind]
        channel = self._add_channel(
            {
                "type": kind,
                "name": name,
                "topic": body.get("topic"),
                "parent_id": parent_id,
                "nsfw": body.get("nsfw", False),
                "rate_limit_per_user": body.get("rate_limit_per_user"),
                "permission_overwrites": self._overwrites(body.get("permission_overwrites") or []),
                "position": body.get("position", max(siblings, default=-1) + 1),
            }
        )
        await self._broadcast("CHANNEL_CREATE", channel)
        return _json(channel, 201)

    async def _search_members(self, rec: RecordedRequest, params: dict[str, str]) -> web.StreamResponse:
        if (bad := self._guild_guard(params)) is not None:
            return bad
        query = rec.query.get("query")
        if query is None:
            errors = _FormErrors()
            errors.add(["query"], "BASE_TYPE_REQUIRED", "This field is required")
            return errors.response() or _error(400, 50035, "Invalid Form Body")
        limit = int(rec.query.get("limit", "1"))
        if not 1 <= limit <= 1000:
            errors = _FormErrors()
            errors.add(["limit"], "NUMBER_TYPE_MAX", "int value should be less than or equal to 1000.")
            return errors.response() or _error(400, 50035, "Invalid Form Body")
        needle = query.casefold()
        found = []
        for member in self.members.values():
            names = [member["user"]["username"], member["user"].get("global_name"), member.get("nick")]
            if any(n and n.casefold().startswith(needle) for n in names):
                found.append(member)
        return _json(found[:limit])

    async def _get_member(self, rec: RecordedRequest, params: dict[str, str]) -> web.StreamResponse:
        if (bad := self._guild_guard(params)) is not None:
            return bad
        member = self.members.get(int(params["user_id"])) if params["user_id"].isdigit() else None
        return _json(member) if member else _error(404, 10007, "Unknown Member")

    # ---------------------------------------------------------------- channels
    def _channel(self, params: Mapping[str, str]) -> dict[str, Any] | None:
        raw = params["channel_id"]
        return self.channels.get(int(raw)) if raw.isdigit() else None

    async def _get_channel(self, rec: RecordedRequest, params: dict[str, str]) -> web.StreamResponse:
        channel = self._channel(params)
        return _json(channel) if channel else _error(404, 10003, "Unknown Channel")

    async def _patch_channel(self, rec: RecordedRequest, params: dict[str, str]) -> web.StreamResponse:
        channel = self._channel(params)
        if channel is None:
            return _error(404, 10003, "Unknown Channel")
        body = rec.json if isinstance(rec.json, Mapping) else {}
        errors = _FormErrors()
        if "name" in body:
            name = body["name"] or ""
            if channel["type"] in (0, 5):
                name = _normalise_text_channel_name(name)
            errors.length(["name"], name, 100, 1)
            body = {**body, "name": name}
        errors.length(["topic"], body.get("topic"), 1024)
        if body.get("parent_id") is not None:
            parent = self.channels.get(int(body["parent_id"]))
            if parent is None or parent["type"] != 4:
                errors.add(["parent_id"], "CHANNEL_PARENT_INVALID", "Category does not exist")
        if (invalid := errors.response()) is not None:
            return invalid
        for key in ("name", "topic", "position", "nsfw", "rate_limit_per_user"):
            if key in body:
                channel[key] = body[key]
        if "parent_id" in body:
            channel["parent_id"] = None if body["parent_id"] is None else str(body["parent_id"])
        if "permission_overwrites" in body:
            channel["permission_overwrites"] = self._overwrites(body["permission_overwrites"] or [])
        await self._broadcast("CHANNEL_UPDATE", channel)
        return _json(channel)

    async def _delete_channel(self, rec: RecordedRequest, params: dict[str, str]) -> web.StreamResponse:
        channel = self._channel(params)
        if channel is None:
            return _error(404, 10003, "Unknown Channel")
        del self.channels[int(channel["id"])]
        await self._broadcast("CHANNEL_DELETE", channel)
        return _json(channel)

    async def _get_messages(self, rec: RecordedRequest, params: dict[str, str]) -> web.StreamResponse:
        channel = self._channel(params)
        if channel is None:
            return _error(404, 10003, "Unknown Channel")
        limit = int(rec.query.get("limit", "50"))
        newest_first = list(reversed(self.messages.get(int(channel["id"]), [])))
        return _json(newest_first[:limit])

    async def _post_message(self, rec: RecordedRequest, params: dict[str, str]) -> web.StreamResponse:
        channel = self._channel(params)
        if channel is None:
            return _error(404, 10003, "Unknown Channel")
        if channel["type"] not in (0, 5):
            return _error(400, 50008, "Cannot send messages in a non-text channel")
        body = rec.json if isinstance(rec.json, Mapping) else {}
        errors = _FormErrors()
        self._validate_message(errors, body)
        if (invalid := errors.response()) is not None:
            return invalid
        if self._is_empty_message(body, rec.files):
            return _error(400, 50006, "Cannot send an empty message")
        channel_id = int(channel["id"])
        nonce = None if body.get("nonce") is None else str(body["nonce"])
        if nonce is not None and body.get("enforce_nonce"):
            # Discord: the same author's message with this nonce in the past few minutes is returned as is.
            earlier = self._nonces.get((channel_id, nonce))
            if earlier is not None and time.time() - earlier[1] < NONCE_WINDOW:
                return _json({**earlier[0], "nonce": nonce})
        message = self._new_message(channel_id=channel_id, body=body, files=rec.files)
        message["guild_id"] = str(self.guild_id)
        self.messages.setdefault(channel_id, []).append(message)
        channel["last_message_id"] = message["id"]
        if nonce is not None:
            self._nonces[(channel_id, nonce)] = (message, time.time())
            return _json({**message, "nonce": nonce})  # only the create answer carries it, not the history
        return _json(message)

    async def _put_permission(self, rec: RecordedRequest, params: dict[str, str]) -> web.StreamResponse:
        channel = self._channel(params)
        if channel is None:
            return _error(404, 10003, "Unknown Channel")
        body = rec.json if isinstance(rec.json, Mapping) else {}
        target = params["overwrite_id"]
        overwrite = self._overwrites([{"id": target, **body}])[0]
        channel["permission_overwrites"] = [
            *(o for o in channel["permission_overwrites"] if o["id"] != target),
            overwrite,
        ]
        await self._broadcast("CHANNEL_UPDATE", channel)
        return _no_content()

    async def _delete_permission(self, rec: RecordedRequest, params: dict[str, str]) -> web.StreamResponse:
        channel = self._channel(params)
        if channel is None:
            return _error(404, 10003, "Unknown Channel")
        target = params["overwrite_id"]
        channel["permission_overwrites"] = [o for o in channel["permission_overwrites"] if o["id"] != target]
        await self._broadcast("CHANNEL_UPDATE", channel)
        return _no_content()
