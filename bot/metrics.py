"""Prometheus metrics of a bot process, served at `/metrics` (see `bot.health`).

Adapters only call `observe(adapter, command)` at their one entry point (Bolt middleware, the
Discord client's interaction hooks, the console's command loop, the API middleware) and
`adapter_state` when their connection changes; everything else is measured here or by the outbox
worker's failure hook. Label values are bounded: a command is one of the router's names (or the kind
of interaction), never user text.

Names (all prefixed `clientes_`) are listed in docs/deploy.md.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from prometheus_client import Counter, Gauge, Histogram
from sqlalchemy import event

from commands.router import parse

REQUESTS = Counter("clientes_requests", "Requests answered, by adapter and command.", ["adapter", "command"])
LATENCY = Histogram(
    "clientes_request_duration_seconds",
    "Time to answer a request (Slack: until the ack; Discord: until the handler returned).",
    ["adapter", "command"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0, 10.0),
)
IN_PROGRESS = Gauge(
    "clientes_requests_in_progress", "Requests being answered now, by adapter and command.", ["adapter", "command"]
)
OUTBOX_DEPTH = Gauge("clientes_outbox_depth", "Outbox jobs pending or running (every platform).")
OUTBOX_OLDEST = Gauge(
    "clientes_outbox_oldest_due_seconds",
    "How long the oldest due job of the platforms this process serves has waited (0: none due).",
)
JOB_FAILURES = Counter(
    "clientes_outbox_job_failures",
    "Outbox attempts that did not succeed, by platform and reason.",
    ["platform", "reason"],
)
DB_ERRORS = Counter("clientes_database_errors", "Database errors, by the driver's error class.", ["error"])
ADAPTER_CONNECTED = Gauge(
    "clientes_adapter_connected", "1 while the adapter is connected to its platform (or serving HTTP).", ["adapter"]
)
ADAPTER_STANDBY = Gauge(
    "clientes_adapter_standby",
    "1 while the adapter waits as a standby (another process holds the connection).",
    ["adapter"],
)

#: What readiness counts as up. "standby" is a healthy second process waiting to take over.
UP_STATES = frozenset({"connected", "standby"})
_states: dict[str, str] = {}
_probes: dict[str, Callable[[], str]] = {}


def adapter_state(adapter: str, state: str) -> None:
    """`state`: "connecting", "connected", "standby" or "disconnected" (readiness reads it)."""
    _states[adapter] = state
    ADAPTER_CONNECTED.labels(adapter).set(1 if state == "connected" else 0)
    ADAPTER_STANDBY.labels(adapter).set(1 if state == "standby" else 0)


def adapter_probe(adapter: str, probe: Callable[[], str] | None) -> None:
    """An adapter whose library keeps its own connection (discord.py) is asked its state when it is
    needed, instead of reporting every change; None: no longer asked."""
    if probe is None:
        _probes.pop(adapter, None)
    else:
        _probes[adapter] = probe


def adapter_states() -> dict[str, str]:
    """Each adapter's state now (and the connection gauges set to match)."""
    states = dict(_states)
    for adapter, probe in list(_probes.items()):
        states[adapter] = probe()
        ADAPTER_CONNECTED.labels(adapter).set(1 if states[adapter] == "connected" else 0)
    return states


def forget_adapters() -> None:
    """A new `run` in this process (tests) starts from no adapter."""
    _states.clear()
    _probes.clear()


def command_label(text: str) -> str:
    """The router's name for a typed sub-command ("list" → "lista"); "otro" for an unknown word."""
    parsed = parse(text)
    return "otro" if parsed.unknown else parsed.command


@contextmanager
def observe(adapter: str, command: str) -> Iterator[None]:
    """Counts the request and times it, whether it ends normally or raises."""
    started = time.perf_counter()
    IN_PROGRESS.labels(adapter, command).inc()
    try:
        yield
    finally:
        IN_PROGRESS.labels(adapter, command).dec()
        REQUESTS.labels(adapter, command).inc()
        LATENCY.labels(adapter, command).observe(time.perf_counter() - started)


def job_failed(platform: str, reason: str) -> None:
    JOB_FAILURES.labels(platform, reason).inc()


def count_database_errors(engine: Any) -> None:
    """Every error the engine sees (statements, connecting, a lost connection), by the driver's class."""

    if not event.contains(engine.sync_engine, "handle_error", _count_error):
        event.listen(engine.sync_engine, "handle_error", _count_error)


def _count_error(context: Any) -> None:
    DB_ERRORS.labels(type(context.original_exception).__name__).inc()
