"""`clientes-bot` speaks Spanish, typer's and click's own words included: every help screen and every
parse error, through the real typer app (in-process) and one real process."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import typer

from bot.__main__ import app
from tests.cli_runner import Result, cli_env, no_traceback, run_cli, run_process

# What typer/click print by themselves in English (help screens, usage lines and parse errors).
ENGLISH = (
    "Usage",
    "Options",
    "Arguments",
    "Commands",
    "COMMAND",
    "OPTIONS",
    "ARGS",
    "Show this message",
    "Try ",
    "for help",
    "Missing",
    "No such",
    "Invalid value",
    "Got unexpected",
    "requires an argument",
    "does not take a value",
    "Did you mean",
    "Possible options",
    "required]",
    "default:",
    "env var",
    "Aborted",
    "<bool>",
    "<str>",
    "<text>",
    "FileBinaryRead",
    "No such file or directory",
)


def _command_paths() -> list[list[str]]:
    """Every group and sub-command of the real app, found by walking it (a new command is covered too)."""
    root = typer.main.get_command(app)
    paths: list[list[str]] = [[]]

    def walk(command: object, path: list[str]) -> None:
        for name, sub in getattr(command, "commands", {}).items():
            paths.append([*path, name])
            walk(sub, [*path, name])

    walk(root, [])
    return paths


def _assert_spanish(result: Result) -> None:
    shown = result.stdout + result.stderr
    leftovers = [word for word in ENGLISH if word in shown]
    assert leftovers == [], f"English left: {leftovers}\n{shown}"
    no_traceback(result)


def test_every_command_is_walked() -> None:
    names = {" ".join(path) for path in _command_paths()}
    assert {"", "run", "console", "import", "export", "db upgrade", "keys check", "slack-manifest"} <= names


@pytest.mark.parametrize("path", _command_paths(), ids=lambda path: " ".join(path) or "clientes-bot")
def test_every_help_screen_is_spanish(tmp_path: Path, path: list[str]) -> None:
    result = run_cli([*path, "--help"], env=cli_env(DATABASE_URL=None), cwd=tmp_path)
    assert result.code == 0, result.stderr
    assert result.stdout.strip().startswith("Uso: ")  # typer's runner names the program "root"
    assert "Muestra esta ayuda y termina." in result.stdout and "Opciones" in result.stdout
    _assert_spanish(result)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["nada"], "No existe el comando «nada»."),
        (["keys", "rotat"], "No existe el comando «rotat». ¿Quiso decir rotate?"),
        (["import"], "Falta el argumento ARCHIVO."),
        (["export", "--formato"], "No existe la opción «--formato»."),
        (["export", "-o"], "La opción -o necesita un valor."),
        (["run", "de", "más"], "Sobran argumentos: de más."),
        (["slack-manifest", "--http-url"], "La opción --http-url necesita un valor."),
        (["console", "--help=sí"], "La opción --help no admite un valor."),
    ],
)
def test_parse_errors_are_spanish(tmp_path: Path, args: list[str], expected: str) -> None:
    result = run_cli(args, env=cli_env(DATABASE_URL=None), cwd=tmp_path)
    assert result.code == 2
    squeezed = " ".join(result.stderr.replace("│", " ").split())
    assert expected in squeezed, result.stderr
    assert re.search(r"Para ver la ayuda: [\w -]+ --help", result.stderr)
    assert "Error" in result.stderr  # the panel's title, the same word in Spanish
    _assert_spanish(result)


@pytest.mark.parametrize("group", [[], ["keys"], ["db"]], ids=["clientes-bot", "keys", "db"])
def test_a_group_without_a_command_shows_its_help(tmp_path: Path, group: list[str]) -> None:
    result = run_cli(group, env=cli_env(DATABASE_URL=None), cwd=tmp_path)
    assert result.code == 2
    assert "Comandos" in result.stdout + result.stderr
    _assert_spanish(result)


def test_an_import_file_that_cannot_be_read_is_a_spanish_message(tmp_path: Path) -> None:
    result = run_cli(["import", "no-existe.json"], env=cli_env(DATABASE_URL=None), cwd=tmp_path)
    assert result.code == 2
    assert "No se pudo leer «no-existe.json»: el archivo no existe." in result.stderr
    folder = run_cli(["import", "."], env=cli_env(DATABASE_URL=None), cwd=tmp_path)
    assert folder.code == 2 and "es una carpeta" in folder.stderr
    _assert_spanish(result)


def test_import_reads_standard_input_with_a_dash(tmp_path: Path) -> None:
    result = run_cli(["import", "-"], env=cli_env(DATABASE_URL=None), cwd=tmp_path, input="[]")
    assert result.code == 0, result.stderr
    assert "0 cliente(s) creados" in result.stderr


def test_a_real_process_speaks_spanish(tmp_path: Path) -> None:
    """argv, the program name and the terminal are the real ones here."""
    help_screen = run_process(["-m", "bot", "--help"], env=cli_env(DATABASE_URL=None), cwd=tmp_path)
    assert help_screen.code == 0 and "Uso: clientes-bot [OPCIONES] COMANDO [ARGUMENTOS]..." in help_screen.stdout
    _assert_spanish(help_screen)
    wrong = run_process(["-m", "bot", "exportar"], env=cli_env(DATABASE_URL=None), cwd=tmp_path)
    assert wrong.code == 2 and "No existe el comando «exportar». ¿Quiso decir export?" in wrong.stderr
    assert "Para ver la ayuda: clientes-bot --help" in wrong.stderr
    _assert_spanish(wrong)
