"""Exactly one gateway connection per bot token, across every process sharing the database.

Discord delivers each interaction to every connection of a token, so two processes connected with
the same `.env` answer everything twice. Before connecting, a process takes the token's gateway lock
(`storage.process_lock`: a PostgreSQL advisory lock, a file lock beside an SQLite file); the others
stand by — they neither log in nor answer anything on Discord — and try again every `POLL` seconds,
so one takes over within seconds of the holder dying (a killed process's session or file lock is
released by the server or the kernel).

The holder checks every `POLL` seconds that it still holds the lock. When it cannot show it (the lock's
database session was cut: a restart, a network blip) it disconnects at once and goes back to standing
by, rather than risk two connections. A standby that had to wait waits `TAKEOVER_GRACE` more after
taking the lock, the longest a holder that lost its session may still be connected.

The lock's key is a hash of the token's first part (the bot's user id, public), never of the token
itself, and no part of it is logged. With explicit sharding each shard is a key of its own, taken
all-or-nothing, so two processes whose shard sets overlap never both connect.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Coroutine, Sequence
from typing import Any

from storage.db import Database
from storage.process_lock import QUERY_TIMEOUT, ProcessLock, process_lock

log = logging.getLogger(__name__)

POLL = 1.0  # seconds between a standby's tries, and between a holder's checks
TAKEOVER_GRACE = POLL + QUERY_TIMEOUT


class LockLost(Exception):
    """The holder can no longer show it holds the gateway lock: it must disconnect."""


def lock_names(token: str, shard_ids: Sequence[int] | None = None) -> list[str]:
    """One name per shard (one for an unsharded bot), from the bot's id part of the token."""
    bot_id = token.split(".", 1)[0]
    if not shard_ids:
        return [f"clientes-bot:discord-gateway:{bot_id}"]
    return [f"clientes-bot:discord-gateway:{bot_id}:shard:{shard}" for shard in shard_ids]


def gateway_lock(db: Database, token: str, shard_ids: Sequence[int] | None = None) -> ProcessLock:
    return process_lock(db, lock_names(token, shard_ids))


async def acquire(lock: ProcessLock, on_state: Callable[[str], None], *, poll: float = POLL) -> None:
    """Returns once `lock` is held; until then the process stands by (logged once, not every poll)."""
    waited = elsewhere = unavailable = False
    while True:
        try:
            if await lock.try_acquire():
                break
            if not elsewhere:
                log.info(
                    "Discord: otro proceso tiene la conexión con este token; este queda en espera (no "
                    "responde en Discord) y la toma si aquel se detiene."
                )
            elsewhere, unavailable = True, False
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # the database is down: keep trying, say so once
            if not unavailable:
                log.warning(
                    "Discord: no se pudo consultar el bloqueo de conexión (%s); no se conecta hasta poder "
                    "hacerlo y se reintenta cada %.0f s.",
                    type(exc).__name__,
                    poll,
                )
            unavailable = True
        if not waited:
            on_state("standby")
            waited = True
        await asyncio.sleep(poll)
    if waited:
        log.info("Discord: este proceso toma la conexión.")
        await asyncio.sleep(TAKEOVER_GRACE)  # a holder that lost its session has stopped by now


async def hold(lock: ProcessLock, serve: Coroutine[Any, Any, None], *, poll: float = POLL) -> None:
    """Runs `serve` while `lock` is provably held; raises `LockLost` (after `serve` is cancelled and has
    closed its connection) as soon as it is not. `serve`'s own end or error is returned or raised."""
    task = asyncio.ensure_future(serve)
    try:
        while not task.done():
            await asyncio.wait({task}, timeout=poll)
            if not task.done() and not await lock.still_held():
                log.error("Discord: se perdió el bloqueo de conexión (¿base de datos caída?); se desconecta.")
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task
                raise LockLost()
        await task
    finally:
        if not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
