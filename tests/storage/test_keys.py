"""Keys that cannot silently go wrong: which key opens what, all-or-nothing rotation, a wrong key at
reveal time, and the start-up refusal, on the real database (SQLite, or PostgreSQL with DATABASE_URL)."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from sqlalchemy import select, text

from bot.config import Settings
from bot.runtime import build_core
from commands.access import AccessPolicy, Actor
from commands.errors import CoreError
from commands.secrets_errors import SecretUnreadable
from commands.service import ClientService
from storage import keycheck
from storage.crypto import SecretBox, SecretKeyError, UnreadableSecret, generate_key
from storage.db import Database
from storage.models import FormDraft
from storage.rotation import UnreadableSecrets, rotate_secrets

ANA_REVEALS = AccessPolicy(secret_viewers=frozenset({"U0ANA"}))


async def _client(service: ClientService, actor: Actor, number: str, name: str, *passwords: str) -> int:
    servers = [{"host": f"srv{i}.{number}.pe", "password": pw} for i, pw in enumerate(passwords, start=1)]
    card = await service.create(actor, {"doc_type": "6", "doc_number": number, "name": name}, servers=servers)
    return card.id


async def _tokens(db: Database) -> list[str]:
    async with db.session() as session:
        return list((await session.execute(text("SELECT password_token FROM servers ORDER BY id"))).scalars())


def test_a_malformed_key_is_named_by_position_never_shown() -> None:
    good = generate_key()
    with pytest.raises(SecretKeyError) as refused:
        SecretBox([good, "notakey"])
    message = str(refused.value)
    assert "CLIENTES_SECRET_KEYS" in message and "n.º 2" in message
    assert "notakey" not in message and good not in message


def test_rotate_with_no_key_for_a_token_is_a_spanish_error_not_invalid_token() -> None:
    token = SecretBox([generate_key()]).encrypt("x")
    with pytest.raises(UnreadableSecret, match="falta la clave con la que se cifró"):
        SecretBox([generate_key()]).rotate(token)


async def test_scan_counts_per_key_and_names_what_no_key_opens(db: Database, ana: Actor) -> None:
    old, new, lost = generate_key(), generate_key(), generate_key()
    await _client(ClientService(db, SecretBox([old])), ana, "20100070970", "Vieja SAC", "a", "b")
    await _client(ClientService(db, SecretBox([new])), ana, "20131312955", "Nueva SAC", "c")
    await _client(ClientService(db, SecretBox([lost])), ana, "20100047218", "Perdida SAC", "pw-lost-1", "pw-lost-2")
    drafts = ClientService(db, SecretBox([lost]))
    await drafts.save_draft(ana, "create", {"servers": [{"host": "x.pe", "password": "pw-lost-draft"}]})

    async with db.session() as session:
        report = await keycheck.scan(session, SecretBox([new, old]))

    assert report.checked == 6 and report.opened == [1, 2] and report.readable == 3
    assert report.unreadable[:2] == [
        "«Perdida SAC»: servidor 1 (srv1.20100047218.pe)",
        "«Perdida SAC»: servidor 2 (srv2.20100047218.pe)",
    ]
    assert report.unreadable[2].startswith("formulario en curso de slack:U0ANA (create, caduca ")
    assert "pw-lost" not in " ".join(report.unreadable)


async def test_rotation_with_an_unreadable_token_changes_nothing_and_lists_it(db: Database, ana: Actor) -> None:
    old, stranger, new = generate_key(), generate_key(), generate_key()
    await _client(ClientService(db, SecretBox([old])), ana, "20100070970", "Legible SAC", "uno")
    await _client(ClientService(db, SecretBox([stranger])), ana, "20131312955", "Ilegible SAC", "dos")
    before = await _tokens(db)

    with pytest.raises(UnreadableSecrets) as refused:
        await rotate_secrets(db, SecretBox([new, old]))

    assert refused.value.labels == ["«Ilegible SAC»: servidor 1 (srv1.20131312955.pe)"]
    assert "No se cambió nada: 1 de 2" in str(refused.value)
    assert await _tokens(db) == before  # not even the readable one was re-encrypted


async def test_rotation_reencrypts_live_drafts_and_drops_expired_ones(db: Database, ana: Actor) -> None:
    old, new = generate_key(), generate_key()
    service = ClientService(db, SecretBox([old]), ANA_REVEALS)
    live = await service.save_draft(ana, "create", {"servers": [{"host": "a.pe", "password": "sigue"}]})
    dead = await service.save_draft(ana, "create", {"servers": [{"host": "b.pe", "password": "caducó"}]})
    async with db.session() as session, session.begin():
        expired = await session.get(FormDraft, dead)
        assert expired is not None
        expired.expires_at = expired.expires_at.replace(year=2000)

    await rotate_secrets(db, SecretBox([new, old]))

    only_new = ClientService(db, SecretBox([new]), ANA_REVEALS)
    assert (await only_new.load_draft(ana, live)).data["servers"][0]["password"] == "sigue"
    async with db.session() as session:
        assert (await session.execute(select(FormDraft.id))).scalars().all() == [live]


async def test_reveal_under_a_wrong_key_is_a_core_error_and_not_audited(db: Database, ana: Actor) -> None:
    client_id = await _client(
        ClientService(db, SecretBox([generate_key()]), ANA_REVEALS), ana, "20100070970", "X", "pw"
    )
    wrong = ClientService(db, SecretBox([generate_key()]), ANA_REVEALS)
    card = await wrong.get(ana, client_id)

    with pytest.raises(SecretUnreadable) as refused:
        await wrong.reveal_password(ana, client_id, card.servers[0].id)

    assert isinstance(refused.value, CoreError)
    assert "CLIENTES_SECRET_KEYS" in str(refused.value) and "keys check" in str(refused.value)
    assert [e.action for e in await wrong.history(ana, client_id)] == ["create"]


def _settings(db: Database, *keys: str) -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=db.url.render_as_string(hide_password=False),
        clientes_secret_keys=",".join(keys),
    )


async def test_start_refuses_keys_that_open_nothing_stored(db: Database, ana: Actor) -> None:
    await _client(ClientService(db, SecretBox([generate_key()])), ana, "20100070970", "X", "pw")
    with pytest.raises(SecretKeyError, match="Ninguna clave de CLIENTES_SECRET_KEYS descifra"):
        await build_core(_settings(db, generate_key()))


async def test_start_warns_with_a_count_when_some_stored_secrets_stay_shut(
    db: Database, ana: Actor, caplog: pytest.LogCaptureFixture
) -> None:
    kept, retired = generate_key(), generate_key()
    await _client(ClientService(db, SecretBox([retired])), ana, "20100070970", "Vieja", "a", "b")
    await _client(ClientService(db, SecretBox([kept])), ana, "20131312955", "Nueva", "c")
    with caplog.at_level(logging.WARNING, logger="bot.runtime"):
        core = await build_core(_settings(db, kept))
    await core.close()
    assert any("2 de 3 contraseñas revisadas" in r.getMessage() for r in caplog.records)


async def test_start_with_the_right_keys_and_an_empty_database_is_quiet(
    db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="bot.runtime"):
        core = await build_core(_settings(db, generate_key()))
    await core.close()
    assert caplog.records == []


def test_key_file_is_not_replaced_when_passwords_are_stored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The default SQLite install: losing data/secret.key must not mint a new key beside old passwords."""
    import asyncio

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("CLIENTES_SECRET_KEYS", raising=False)
    settings = Settings(_env_file=None)  # type: ignore[call-arg]

    async def first_run_then_lose_the_key() -> None:
        core = await build_core(settings)
        await _client(core.service, Actor("console", "op"), "20100070970", "X", "pw")
        await core.close()
        (tmp_path / "data" / "secret.key").unlink()
        with pytest.raises(SecretKeyError, match=r"Falta el archivo de claves data/secret\.key y la base de datos"):
            await build_core(settings)

    asyncio.run(first_run_then_lose_the_key())
    assert not (tmp_path / "data" / "secret.key").exists()


def test_keys_may_be_separated_by_commas_or_lines() -> None:
    from storage.crypto import parse_keys

    assert parse_keys(" k1, k2 ,,k3 ") == ["k1", "k2", "k3"]
    assert parse_keys("k1\nk2\n") == ["k1", "k2"]
    assert parse_keys(None) == [] and parse_keys("  ") == []


def test_an_unreadable_key_file_is_a_spanish_message(tmp_path: Path) -> None:
    from storage.crypto import read_key_file

    binary = tmp_path / "secret.key"
    binary.write_bytes(b"\xff\xfe\x00")
    with pytest.raises(SecretKeyError, match="no es texto"):
        read_key_file(binary)
    with pytest.raises(SecretKeyError, match="error del sistema"):
        read_key_file(tmp_path)  # a directory where the file should be
    assert read_key_file(tmp_path / "missing.key") is None
