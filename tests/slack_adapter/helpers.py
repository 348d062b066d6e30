"""Answers and lookups shared by the scenario tests."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from commands.access import Actor

ALICE = Actor("slack", "U0ALICE", "alice")
RUC = "20100070970"
MIRAFLORES = ("150122", "Miraflores — Lima, Lima")

CLIENT_ANSWERS = {
    "client.doc_type": "6",
    "client.doc_number": RUC,
    "client.name": "Supermercados Peruanos S.A.",
    "client.internal_code": "SP-01",
    "client.trade_name": "Plaza Vea",
}


def block_ids(view: dict[str, Any]) -> list[str]:
    return [b.get("block_id", "") for b in view["blocks"]]


def texts(blocks: list[dict[str, Any]]) -> Iterator[tuple[str, str]]:
    """Every (type, text) of text objects in blocks, nested fields and elements included."""

    def walk(node: Any) -> Iterator[tuple[str, str]]:
        if isinstance(node, dict):
            if node.get("type") in ("mrkdwn", "plain_text") and isinstance(node.get("text"), str):
                yield node["type"], node["text"]
            for value in node.values():
                yield from walk(value)
        elif isinstance(node, list):
            for item in node:
                yield from walk(item)

    yield from walk(blocks)


def all_text(blocks: list[dict[str, Any]]) -> str:
    return "\n".join(text for _, text in texts(blocks))


def find_block(blocks: list[dict[str, Any]], block_id: str) -> dict[str, Any]:
    return next(b for b in blocks if b.get("block_id") == block_id)


async def make_client(service: Any, n: int, *, actor: Actor = ALICE, **extra: Any) -> Any:
    """A minimal valid client with DNI 1000000n (8 digits)."""
    return await service.create(
        actor, {"doc_type": "1", "doc_number": f"{10000000 + n}", "name": f"Cliente {n:02d}"}, **extra
    )
