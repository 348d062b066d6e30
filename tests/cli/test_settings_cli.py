"""Every setting the bot cannot use stops it with a Spanish message naming the variable (and the bad
entry, unless it may be secret), exit code 2, no traceback; through the CLI like an operator."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.__main__ import app
from tests.cli_runner import REPO, cli_env, no_traceback, run_process

runner = CliRunner()


@pytest.fixture(autouse=True)
def clean_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No .env and no configuration from the machine running the tests: only what each case sets."""
    monkeypatch.chdir(tmp_path)
    for name in list(os.environ):
        if (
            name.startswith(("SLACK_", "DISCORD_", "CLIENTES_", "ONBOARDING_", "API_", "BOT_", "OUTBOX_", "DB_"))
            or name in ("HEALTH_PORT", "LOG_FORMAT")
            or name == "DATABASE_URL"
        ):
            monkeypatch.delenv(name)


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        ("DISCORD_GUILD_IDS", "123456789012345678,mi-servidor", "«mi-servidor» no es un ID de servidor de Discord"),
        ("DISCORD_GUILD_IDS", "１２３", "«１２３» no es un ID de servidor de Discord"),  # full-width digits
        (
            "DISCORD_GUILD_IDS",
            "99999999999999999999999",
            "«99999999999999999999999» no es un ID de servidor",
        ),  # beyond 64 bits
        ("CLIENTES_ADMINS", "U0ANA,@bruno", "«@bruno» no es un ID de Slack ni de Discord"),
        ("CLIENTES_SECRET_VIEWERS", "<@U0ANA>", "«<@U0ANA>» no es un ID de Slack ni de Discord"),
        ("CLIENTES_EDITORS", "u0ana", "«u0ana» no es un ID de Slack ni de Discord"),
        ("CLIENTES_VIEWERS", "ana,bruno", "«ana» y «bruno» no son IDs de Slack ni de Discord"),
        ("SLACK_ONBOARDING_USERS", "1310000000000000400", "«1310000000000000400» no es un ID de usuario de Slack"),
        ("ONBOARDING_DISCORD_CHANNEL_ID", "#altas", "«#altas» no es un ID de Discord"),
        ("DISCORD_ONBOARDING_ROLE_ID", "onboarding", "«onboarding» no es un ID de Discord"),
        ("DISCORD_CLIENTS_CATEGORY_ID", "-5", "«-5» no es un ID de Discord"),
        ("API_PORT", "99999", "«99999» no es un puerto (un número entre 1 y 65535)"),
        ("SLACK_PORT", "http", "«http» no es un puerto"),
        ("API_PORT", "0", "«0» no es un puerto"),
        ("SLACK_MODE", "HTTP", "debe ser 'socket' o 'http'"),
        ("BOT_LOCALE", "en", "debe ser 'es'"),
        ("DATABASE_URL", "mysql://root:s3cr3t@db/clientes", "el motor «mysql» no está soportado"),
        ("DATABASE_URL", "postgresql://u:s3cr3t@db:puerto/clientes", "no es una URL de base de datos válida"),
        ("DATABASE_URL", "no es una url", "no es una URL de base de datos válida"),
        ("SLACK_API_URL", "slack.com/api", "no es una URL válida (se espera http:// o https://)"),
        ("DISCORD_API_BASE_URL", "ftp://proxy", "no es una URL válida"),
        ("DISCORD_GATEWAY_URL", "wss://gw:70000", "no es una URL válida"),
        ("DISCORD_GUILD_IDS", "\udcff1", "«\\udcff1» no es un ID de servidor"),  # a non-UTF-8 byte, escaped
        ("CLIENTES_ADMINS", "a\x1bb", "«a\\x1bb» no es un ID de Slack"),  # a control character, escaped
        ("SLACK_SIGNING_SECRET", "s3cr3t-\udcff", "no es texto UTF-8 válido (el valor no se muestra)"),
        ("SLACK_BOT_TOKEN", "xapp-1-s3cr3t", "se espera el token de bot, que empieza por xoxb-"),
        ("SLACK_APP_TOKEN", "xoxb-s3cr3t", "se espera el token de la app (Socket Mode), que empieza por xapp-"),
        # ---- running as a service
        ("OUTBOX_LEASE_SECONDS", "2", "«2» no es válido: se espera un número entero de 5 a 3600 segundos"),
        ("OUTBOX_HEARTBEAT_SECONDS", "0", "«0» no es válido: se espera un número entero de 1 a 1200 segundos"),
        ("OUTBOX_STUCK_SECONDS", "1.5", "«1.5» no es válido: se espera un número entero de 10 a 86400 segundos"),
        ("DB_POOL_SIZE", "cinco", "«cinco» no es válido: se espera un número entero de 1 a 100 conexiones"),
        ("DB_MAX_OVERFLOW", "-1", "«-1» no es válido: se espera un número entero de 0 a 100 conexiones"),
        ("HEALTH_PORT", "70000", "«70000» no es un puerto (un número entre 1 y 65535)"),
    ],
)
def test_a_bad_setting_is_named_in_spanish(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, expected: str
) -> None:
    monkeypatch.setenv(variable, value)
    for command in (["run"], ["keys", "check"], ["db", "upgrade"]):
        result = runner.invoke(app, command)
        assert result.exit_code == 2, (command, result.output)
        assert "Configuración no válida:" in result.output
        assert f"{variable}: {expected}" in " ".join(result.output.split())
        assert result.exception is None or isinstance(result.exception, SystemExit)
        assert "s3cr3t" not in result.output  # a token or a database URL's password is never echoed
    assert not (Path.cwd() / "data").exists()  # refused before anything was created


def test_a_heartbeat_no_shorter_than_the_lease_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OUTBOX_LEASE_SECONDS", "10")
    monkeypatch.setenv("OUTBOX_HEARTBEAT_SECONDS", "10")
    result = runner.invoke(app, ["run"])
    assert result.exit_code == 2
    assert (
        "OUTBOX_HEARTBEAT_SECONDS (10) debe ser menor que OUTBOX_LEASE_SECONDS (10): la reserva vencería entre "
        "dos renovaciones." in " ".join(result.output.split())
    )


def test_every_bad_variable_is_listed_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DISCORD_GUILD_IDS", "abc")
    monkeypatch.setenv("API_PORT", "ochenta")
    result = runner.invoke(app, ["run"])
    assert result.exit_code == 2
    assert "DISCORD_GUILD_IDS: «abc»" in result.output and "API_PORT: «ochenta»" in result.output


def test_a_dotenv_file_that_is_not_utf8_is_named(tmp_path: Path) -> None:
    (tmp_path / ".env").write_bytes("CLIENTES_ADMINS=Peña\n".encode("latin-1"))
    result = runner.invoke(app, ["run"])
    assert result.exit_code == 2
    assert "el archivo .env no está en UTF-8" in result.output


def test_secret_settings_are_never_echoed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://clientes:pa55w0rd-db@db:99999999/x")
    result = runner.invoke(app, ["run"])
    assert result.exit_code == 2 and "DATABASE_URL:" in result.output
    assert "pa55w0rd-db" not in result.output


def test_non_numeric_guild_id_refuses_to_start_as_a_process(tmp_path: Path) -> None:
    """The issue's reproduction: the bot must not start (and serve every server) with a typo'd list."""
    env = cli_env(
        DATABASE_URL=None, DISCORD_BOT_TOKEN="x.y.z", DISCORD_GUILD_IDS="1310000000000000100, servidor-de-pruebas"
    )
    result = run_process(["-m", "bot", "run"], env=env, cwd=tmp_path, timeout=60)
    assert result.code == 2
    assert "DISCORD_GUILD_IDS: «servidor-de-pruebas» no es un ID de servidor de Discord" in result.stderr
    no_traceback(result)


def test_env_example_copied_as_is_opens_the_console(tmp_path: Path) -> None:
    """`.env.example` leaves tokens empty: empty means unset (an empty DISCORD_BOT_TOKEN used to start
    Discord with no token), and every documented default is valid."""
    shutil.copy(REPO / ".env.example", tmp_path / ".env")
    result = run_process(["-m", "bot", "run"], env=cli_env(DATABASE_URL=None), cwd=tmp_path, input="lista\n")
    assert result.code == 0, result.stderr
    assert "Sin credenciales de Slack ni Discord: se abre la consola." in result.stderr


def test_audit_channels_and_time_zone_are_validated_in_spanish() -> None:
    from bot.config import SettingsError, load_settings

    with pytest.raises(SettingsError) as refused:
        load_settings(
            _env_file=None, audit_slack_channel="#auditoria", audit_discord_channel_id="abc", bot_timezone="Lima/Peru"
        )
    message = str(refused.value)
    assert "AUDIT_SLACK_CHANNEL: «#auditoria» no es un ID de canal de Slack" in message
    assert "AUDIT_DISCORD_CHANNEL_ID: «abc» no es un ID de canal de Discord" in message
    assert "BOT_TIMEZONE: «Lima/Peru» no es una zona horaria conocida" in message
    fine = load_settings(_env_file=None, audit_slack_channel="C0AUDIT", audit_discord_channel_id="123")
    assert fine.bot_timezone == "America/Lima" and fine.audit_slack_channel == "C0AUDIT"
