"""Request bodies checked against Discord's own OpenAPI spec (``specs/discord-openapi.json``).

Why: the fake's hand-written checks (``discord_validation``) come from reading Discord's docs, by us; a
reference nobody here wrote catches what we did not think of (a component type Discord does not know,
a string where an integer enum goes, ``embeds`` that is not a list). The hand checks stay: the docs are
stricter than the spec in places (message content 2000, 5 action rows without Components V2).

The spec is loaded and every validator compiled once per process (the file is 1.2 MB). Three of the
spec's conventions are encoded here, each as narrowly as possible:

* integer fields may arrive as digit strings (discord.py sends permission bitsets as ``"1024"``); in a
  ``oneOf`` of a string and an integer (``nonce``) such a string is the string member;
* snowflakes (``SnowflakeType``, a digit string) may arrive as JSON integers (discord.py sends
  ``parent_id``, overwrite ``id`` … as ints, which Discord accepts);
* ``x-discord-union`` marks an ``anyOf`` whose members are alternatives. Where the members are tagged
  (interaction callbacks by ``type``), their ``enum``s are disjoint, so "at least one" already means
  "exactly one". The untagged ones (``PATCH /channels/{id}``: DM/group DM/guild channel/thread partials;
  ``POST /webhooks/{id}/{token}``: execute/update partials) have no ``required`` nor
  ``additionalProperties: false``, so any valid body matches several members and Discord picks the
  member from the route's context: "exactly one" is undecidable from the body alone and ``anyOf`` is
  what can be checked.
"""

from __future__ import annotations

import contextvars
import copy
import functools
import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import referencing
from jsonschema import Draft202012Validator, ValidationError
from jsonschema.validators import extend
from referencing.jsonschema import DRAFT202012

SPEC_PATH = Path(__file__).parent / "specs" / "discord-openapi.json"
_SPEC_URI = "urn:discord:openapi"
_DIGITS = re.compile(r"-?[0-9]+")


_STRICT_INTEGERS: contextvars.ContextVar[bool] = contextvars.ContextVar("strict_integers", default=False)


def _is_integer(checker: Any, instance: object) -> bool:
    """Draft 2020-12's integer, plus the digit strings Discord accepts for integer fields."""
    if isinstance(instance, str) and not _STRICT_INTEGERS.get():
        return _DIGITS.fullmatch(instance) is not None
    return Draft202012Validator.TYPE_CHECKER.is_type(instance, "integer")


_MEMBER_TAGS: dict[int, tuple[list[Any], list[tuple[Any, ...]] | None]] = {}


def _member_tags(members: list[Any]) -> list[tuple[Any, ...]] | None:
    """The ``type`` enum of each union member, or ``None`` unless every member is a tagged schema ref."""
    known = _MEMBER_TAGS.get(id(members))
    if known is not None and known[0] is members:
        return known[1]
    schemas = spec()["components"]["schemas"]
    tags: list[tuple[Any, ...]] | None = []
    for member in members:
        ref = member.get("$ref", "") if isinstance(member, dict) else ""
        target = schemas.get(ref.removeprefix("#/components/schemas/")) if ref.startswith("#/components/") else None
        enum = ((target or {}).get("properties") or {}).get("type", {}).get("enum")
        if tags is None or not isinstance(enum, list):
            tags = None
            break
        tags.append(tuple(enum))
    _MEMBER_TAGS[id(members)] = (members, tags)
    return tags


def _dispatching(keyword: str) -> Any:
    """``oneOf``/``anyOf`` evaluated only on the members that can match, for speed (same verdict).

    Discord's unions are mostly tagged by ``type`` (components, callbacks): a member whose ``type`` enum
    lacks the body's ``type`` fails anyway, so it is skipped; and an enum spelled as a union of
    ``const``s (``MessageComponentTypes``) is a set lookup. Only a body that fits no member takes the
    full path, whose errors ``form_errors`` reads."""
    base = Draft202012Validator.VALIDATORS[keyword]

    def check(validator: Any, members: list[Any], instance: Any, schema: Any) -> Iterable[ValidationError]:
        if isinstance(instance, int) and not isinstance(instance, bool):
            consts = [m.get("const") for m in members if isinstance(m, dict) and set(m) <= _CONST_KEYS]
            if len(consts) == len(members) and consts.count(instance) == 1:
                return
        if (
            isinstance(instance, dict)
            and isinstance(instance.get("type"), int)
            and not isinstance(instance["type"], bool)
        ):
            tags = _member_tags(members)
            if tags is not None:
                picked = [m for m, tag in zip(members, tags, strict=True) if instance["type"] in tag]
                if picked:
                    members = picked
        yield from base(validator, members, instance, schema)

    return check


_CONST_KEYS = {"const", "title", "description"}
_ONE_OF_DISPATCHING = _dispatching("oneOf")


def _one_of(validator: Any, one_of: list[Any], instance: object, schema: Any) -> Iterable[ValidationError]:
    """``oneOf``, where a digit string that fits both a string and an integer member is the string.

    Accepting digit strings as integers would otherwise make ``nonce`` (string | int64) refuse every
    digit-string nonce as "valid under each of"."""
    errors = list(_ONE_OF_DISPATCHING(validator, one_of, instance, schema))
    if errors and isinstance(instance, str) and _DIGITS.fullmatch(instance):
        token = _STRICT_INTEGERS.set(True)
        try:
            if sum(validator.evolve(schema=member).is_valid(instance) for member in one_of) == 1:
                return
        finally:
            _STRICT_INTEGERS.reset(token)
    yield from errors


_Validator = extend(
    Draft202012Validator,
    validators={"oneOf": _one_of, "anyOf": _dispatching("anyOf")},
    type_checker=Draft202012Validator.TYPE_CHECKER.redefine("integer", _is_integer),
)


@functools.cache
def spec() -> dict[str, Any]:
    """The spec exactly as shipped (read once per process)."""
    loaded: dict[str, Any] = json.loads(SPEC_PATH.read_text(encoding="utf-8"))
    return loaded


@functools.cache
def _registry() -> referencing.Registry[Any]:
    document = copy.deepcopy(spec())
    snowflake = document["components"]["schemas"]["SnowflakeType"]
    # Convention: a snowflake may be sent as a non-negative JSON integer as well as a digit string.
    document["components"]["schemas"]["SnowflakeType"] = {
        "anyOf": [snowflake, {"type": "integer", "minimum": 0}],
    }
    return referencing.Registry().with_resource(_SPEC_URI, DRAFT202012.create_resource(document))


def _canonical(template: str) -> str:
    """``/webhooks/{application_id}/{webhook_token}`` and the spec's ``/webhooks/{webhook_id}/...`` alike."""
    return re.sub(r"\{\w+\}", "{}", template)


def _pointer_part(text: str) -> str:
    return text.replace("~", "~0").replace("/", "~1")


@functools.cache
def _operations() -> dict[tuple[str, str], str]:
    """(METHOD, canonical template) -> JSON pointer of the operation's ``application/json`` body schema."""
    found: dict[tuple[str, str], str] = {}
    for path, item in spec()["paths"].items():
        for method, operation in item.items():
            if not isinstance(operation, dict):
                continue
            content = (operation.get("requestBody") or {}).get("content") or {}
            if "application/json" in content:
                found[(method.upper(), _canonical(path))] = (
                    f"#/paths/{_pointer_part(path)}/{method}/requestBody/content/application~1json/schema"
                )
    return found


def has_body_schema(method: str, template: str) -> bool:
    """Whether the spec publishes a JSON request body for this route of the fake."""
    return (method.upper(), _canonical(template)) in _operations()


@functools.cache
def _validator(method: str, template: str) -> Any:
    pointer = _operations()[(method.upper(), _canonical(template))]
    return _Validator({"$ref": _SPEC_URI + pointer}, registry=_registry())


def spec_errors(method: str, template: str, body: object) -> list[ValidationError]:
    """What is wrong with ``body`` for ``method template`` per the spec ([] when valid or not described)."""
    if not has_body_schema(method, template):
        return []
    return sorted(_validator(method, template).iter_errors(body), key=lambda e: list(e.absolute_path))


def _member_rank(errors: list[ValidationError]) -> int:
    """How far a union member got with the body: 0 it is a tagged member of another ``type``, 1 the
    body is not even of its JSON type (``null`` vs object), 2 it fits but something inside is wrong."""
    for error in errors:
        if error.validator == "enum" and list(error.relative_path) == ["type"]:
            return 0
    if all(e.validator == "type" and not e.relative_path for e in errors):
        return 1
    return 2


def _causes(error: ValidationError) -> Iterable[tuple[list[str | int], str, str]]:
    """(path, code, message) of what is wrong, looking inside failed unions for the member meant."""
    path = list(error.absolute_path)
    if error.validator in ("oneOf", "anyOf") and error.context:
        members: dict[int, list[ValidationError]] = {}
        for sub in error.context:
            members.setdefault(int(sub.schema_path[0]), []).append(sub)
        if all(e.validator in ("const", "enum") and not e.relative_path for e in error.context):
            # an enum spelled as a union of ``const``s (``ChannelTypes``): one "must be one of"
            allowed = ", ".join(
                str(v) for v in sorted({e.validator_value for e in error.context if e.validator == "const"})
            )
            yield path, "BASE_TYPE_CHOICES", f"Value must be one of {{{allowed}}}."
            return
        ranks = {index: _member_rank(subs) for index, subs in members.items()}
        best = max(ranks.values())
        if best == 0 and isinstance(error.instance, dict):
            # every tagged member refuses the ``type``: Discord's UNION_TYPE_CHOICES
            accepted = sorted(
                {v for subs in members.values() for e in subs if e.validator == "enum" for v in e.validator_value}
            )
            allowed = ", ".join(str(v) for v in accepted)
            yield [*path, "type"], "UNION_TYPE_CHOICES", f'Value of field "type" must be one of ({allowed}).'
            return
        for index, subs in members.items():
            if ranks[index] == best:
                for sub in subs:
                    yield from _causes(sub)
        return
    yield _discord_code(error, path)


def _discord_code(error: ValidationError, path: list[str | int]) -> tuple[list[str | int], str, str]:
    """Discord's error code and message for the failed keyword where we know it, else ``SPEC_<KEYWORD>``."""
    keyword, value, schema = str(error.validator), error.validator_value, error.schema
    if keyword in ("maxLength", "maxItems"):
        return path, "BASE_TYPE_MAX_LENGTH", f"Must be {value} or fewer in length."
    if keyword in ("minLength", "minItems"):
        high = schema.get("maxLength", schema.get("maxItems")) if isinstance(schema, dict) else None
        if high is not None:
            return path, "BASE_TYPE_BAD_LENGTH", f"Must be between {value} and {high} in length."
        return path, "BASE_TYPE_MIN_LENGTH", f"Must be {value} or more in length."
    if keyword == "required":
        missing = re.match(r"'(.+)' is a required property", error.message)
        return [*path, missing.group(1) if missing else "?"], "BASE_TYPE_REQUIRED", "This field is required"
    if keyword == "enum":
        allowed = ", ".join(str(v) for v in value)
        return path, "BASE_TYPE_CHOICES", f"Value must be one of {{{allowed}}}."
    if keyword == "maximum":
        return path, "NUMBER_TYPE_MAX", f"int value should be less than or equal to {value}."
    if keyword == "minimum":
        return path, "NUMBER_TYPE_MIN", f"int value should be greater than or equal to {value}."
    if keyword == "type":
        expected = value if isinstance(value, list) else [value]
        if "array" in expected:
            return path, "LIST_TYPE_CONVERT", "Only iterables may be used in a ListType"
        if "object" in expected:
            return path, "DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType"
        if "integer" in expected:
            return path, "NUMBER_TYPE_COERCE", f'Value "{error.instance}" is not int.'
    return path, f"SPEC_{keyword.upper()}", error.message[:300]


def form_errors(errors: Iterable[ValidationError]) -> dict[str, Any]:
    """Discord's nested ``Invalid Form Body`` tree (``{"data": {"title": {"_errors": [...]}}}``), with
    Discord's codes for the keywords whose Discord answer we know (``BASE_TYPE_MAX_LENGTH``…)."""
    causes = [cause for error in errors for cause in _causes(error)]
    # a value of the wrong JSON type fails every other keyword at its path too: say only that
    unconvertible = {tuple(path) for path, code, _ in causes if code.endswith(("_CONVERT", "_COERCE"))}
    tree: dict[str, Any] = {}
    for path, code, message in causes:
        if tuple(path) in unconvertible and not code.endswith(("_CONVERT", "_COERCE")):
            continue
        node = tree
        for part in path:
            node = node.setdefault(str(part), {})
        entry = {"code": code, "message": message}
        if entry not in node.setdefault("_errors", []):
            node["_errors"].append(entry)
    return tree
