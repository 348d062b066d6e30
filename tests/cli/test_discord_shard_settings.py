"""DISCORD_SHARD_COUNT and DISCORD_SHARD_IDS (issue 10 #1, explicit sharding): a value the bot cannot
use stops it with a Spanish message naming the variable, exit code 2, through the CLI."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.__main__ import app
from bot.config import load_settings

runner = CliRunner()


@pytest.fixture(autouse=True)
def clean_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    for name in list(os.environ):
        if (
            name.startswith(("SLACK_", "DISCORD_", "CLIENTES_", "ONBOARDING_", "API_", "BOT_"))
            or name == "DATABASE_URL"
        ):
            monkeypatch.delenv(name)


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({"DISCORD_SHARD_COUNT": "dos"}, "DISCORD_SHARD_COUNT: «dos» no es un número de shards (un entero entre 1"),
        ({"DISCORD_SHARD_COUNT": "0"}, "DISCORD_SHARD_COUNT: «0» no es un número de shards"),
        ({"DISCORD_SHARD_IDS": "0,1"}, "DISCORD_SHARD_IDS: requiere DISCORD_SHARD_COUNT (el total de shards del bot)."),
        (
            {"DISCORD_SHARD_COUNT": "4", "DISCORD_SHARD_IDS": "1,4,x"},
            "DISCORD_SHARD_IDS: «4» y «x» no son shards entre 0 y 3.",
        ),
    ],
)
def test_a_bad_shard_setting_is_named_in_spanish(
    monkeypatch: pytest.MonkeyPatch, values: dict[str, str], expected: str
) -> None:
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    result = runner.invoke(app, ["run"])
    assert result.exit_code == 2, result.output
    assert expected in " ".join(result.output.split())
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_the_shards_a_process_connects(monkeypatch: pytest.MonkeyPatch) -> None:
    assert load_settings().discord_shards is None  # unsharded: a plain Client
    monkeypatch.setenv("DISCORD_SHARD_COUNT", "3")
    assert load_settings().discord_shards == (0, 1, 2)  # no ids: every shard
    monkeypatch.setenv("DISCORD_SHARD_IDS", " 2, 0 ,2")
    assert load_settings().discord_shards == (0, 2)
