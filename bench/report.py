"""Prints the adapters' time-to-answer results and fails the run when a p95 misses its target."""

from __future__ import annotations


def print_and_check(results: dict[str, dict[str, float]], target_ms: float) -> None:
    failed = False
    for name, row in results.items():
        ok = row["p95"] <= target_ms
        failed |= not ok
        verdict = "ok" if ok else "FUERA DE OBJETIVO"
        print(f"{name}: p50 {row['p50']:.1f} ms · p95 {row['p95']:.1f} ms (objetivo p95 {target_ms:.0f} ms) {verdict}")
    raise SystemExit(1 if failed else 0)
