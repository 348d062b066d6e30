"""Use cases against a real database: create, find, list, edit with locking, delete and restore."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from sqlalchemy import select, text

from commands.access import AccessPolicy, Actor, Permission
from commands.errors import Ambiguous, Conflict, FieldErrors, Forbidden, NotFound
from commands.service import ClientService
from commands.views import AddressView, ClientCard
from storage.models import AuditEntry, Client, OutboxJob, Server

RUC = {"doc_type": "6", "doc_number": "20100070970", "name": "Supermercados Peruanos S.A."}
MIRAFLORES = {
    "country": "PE",
    "ubigeo": "150122",
    "line": "Av. Larco 345",
    "phone": "014445566",
    "email": "facturas@spsa.pe",
}
AREQUIPA = {
    "country": "PE",
    "ubigeo": "040101",
    "line": "Calle Mercaderes 120",
    "phone": "054223344",
    "email": "aqp@spsa.pe",
}
SERVER = {"host": "erp.spsa.pe", "ip": "203.0.113.10", "username": "root", "password": "s3cr3t-Ñ!"}


def main_address(card: ClientCard) -> AddressView:
    return next(a for a in card.addresses if a.is_main)


async def make(service: ClientService, actor: Actor, **overrides: Any) -> Any:
    client = {**RUC, **overrides.pop("client", {})}
    return await service.create(actor, client, **overrides)


async def test_create_with_every_section(service: ClientService, ana: Actor) -> None:
    card = await make(
        service,
        ana,
        addresses=[MIRAFLORES, AREQUIPA],
        contact={"contact_name": "Ana Pérez", "contact_phone": "987654321", "website": "spsa.pe"},
        integrations={
            "gitlab_user": "spsa",
            "discord_user": "spsa_ops",
            "slack_channel": "Cliente SPSA",
            "discord_channel": "cliente-spsa",
        },
        servers=[SERVER],
    )
    assert card.document == "RUC 20100070970"
    assert card.version == 1
    assert [a.is_main for a in card.addresses] == [True, False]
    assert main_address(card).place == "Miraflores — Lima, Lima"
    assert card.contact_phone == "+51987654321"
    assert card.slack_channel == "cliente-spsa"
    assert card.servers[0].has_password and card.servers[0].password_display == "••••••••"
    assert "s3cr3t" not in repr(card)


async def test_create_enqueues_channel_jobs_in_the_same_transaction(service: ClientService, ana: Actor) -> None:
    card = await make(service, ana, integrations={"slack_channel": "spsa", "discord_channel": "spsa"})
    async with service.db.session() as session:
        jobs = (await session.execute(select(OutboxJob).where(OutboxJob.client_id == card.id))).scalars().all()
    assert sorted((j.platform, j.payload["name"]) for j in jobs) == [("discord", "spsa"), ("slack", "spsa")]


async def test_password_is_encrypted_at_rest(service: ClientService, ana: Actor) -> None:
    card = await make(service, ana, servers=[SERVER])
    async with service.db.session() as session:
        raw = (await session.execute(text("SELECT password_token FROM servers"))).scalar_one()
        server = (await session.execute(select(Server))).scalar_one()
    assert "s3cr3t" not in raw and raw.startswith("gAAAA")
    assert "s3cr3t" not in repr(server)
    assert await service.reveal_password(ana, card.id, card.servers[0].id) == "s3cr3t-Ñ!"
    history = await service.history(ana, card.id)
    assert history[0].action == "reveal_password"
    assert all("s3cr3t" not in str(entry.changes) for entry in history)


async def test_invalid_input_stores_nothing(service: ClientService, ana: Actor) -> None:
    with pytest.raises(FieldErrors) as caught:
        await make(
            service,
            ana,
            client={"doc_number": "20512333798"},
            addresses=[MIRAFLORES, {**AREQUIPA, "email": "x@"}],
            servers=[{"ip": "1.2.3"}],
        )
    assert caught.value.by_path() == {
        "client.doc_number": "Número: el RUC 20512333798 no es válido (dígito verificador).",
        "address.1.email": "Correo electrónico: «x@» no es un correo electrónico válido.",
        "server.0.ip": "IP: «1.2.3» no es una dirección IPv4 o IPv6 válida.",
    }
    async with service.db.session() as session:
        assert (await session.execute(select(Client))).first() is None


async def test_duplicate_document_names_existing_client(service: ClientService, ana: Actor) -> None:
    first = await make(service, ana)
    with pytest.raises(FieldErrors) as caught:
        await make(service, ana, client={"name": "Otro"})
    assert caught.value.by_path()["client.doc_number"] == (
        f"Número: ya existe un cliente con RUC 20100070970: «Supermercados Peruanos S.A.» (#{first.id})."
    )


async def test_same_origin_key_creates_once(service: ClientService, ana: Actor) -> None:
    first, second = await asyncio.gather(make(service, ana, origin_key="V123"), make(service, ana, origin_key="V123"))
    assert first.id == second.id
    again = await make(service, ana, origin_key="V123")
    assert again.id == first.id
    page = await service.list_page(ana)
    assert page.total == 1


async def test_quotes_are_stored_as_typed(service: ClientService, ana: Actor) -> None:
    name = 'O\'Brien "Consultores" <S.A.C.> ; DROP TABLE clients;--'
    card = await make(service, ana, client={"doc_type": "1", "doc_number": "12345678", "name": name})
    assert (await service.get(ana, card.id)).name == name


async def test_find_by_document_id_and_accentless_fragment(service: ClientService, ana: Actor) -> None:
    nunez = await make(service, ana, client={"doc_type": "1", "doc_number": "12345678", "name": "José Núñez Ibáñez"})
    spsa = await make(service, ana)
    assert (await service.find(ana, "20100070970")).id == spsa.id
    assert (await service.find(ana, f"#{nunez.id}")).id == nunez.id
    assert (await service.find(ana, "NUNEZ ibanez")).id == nunez.id
    with pytest.raises(NotFound, match="No se encontró ningún cliente con «zzz»"):
        await service.find(ana, "zzz")


async def test_find_ambiguous_offers_choices(service: ClientService, ana: Actor) -> None:
    await make(service, ana, client={"doc_type": "1", "doc_number": "12345678", "name": "Pérez Hermanos"})
    await make(service, ana, client={"doc_type": "1", "doc_number": "87654321", "name": "Pérez y Asociados"})
    with pytest.raises(Ambiguous) as caught:
        await service.find(ana, "perez")
    assert sorted(c.name for c in caught.value.choices) == ["Pérez Hermanos", "Pérez y Asociados"]


async def test_list_pages_with_the_manuals_columns(service: ClientService, ana: Actor, bruno: Actor) -> None:
    ids = []
    for n in range(23):
        card = await service.create(
            ana,
            {"doc_type": "1", "doc_number": f"{10000000 + n}", "name": f"Cliente {n:02d}"},
            addresses=[MIRAFLORES] if n == 22 else (),
            contact={"contact_phone": "987654321"},
            integrations={"slack_channel": f"cli-{n}", "discord_channel": f"dc-{n}"},
        )
        ids.append(card.id)
    first = await service.list_page(ana)
    assert [r.id for r in first.rows] == ids[::-1][:10]
    top = first.rows[0]
    assert (top.channel, top.name, top.document, top.contact_phone, top.phone, top.email) == (
        "#cli-22",
        "Cliente 22",
        "DNI 10000022",
        "+51987654321",
        "+5114445566",
        "facturas@spsa.pe",
    )
    assert first.total == 23 and first.page_count == 3 and first.page_number == 1 and first.prev_cursor is None
    second = await service.list_page(ana, cursor=first.next_cursor)
    assert [r.id for r in second.rows] == ids[::-1][10:20] and second.page_number == 2
    third = await service.list_page(ana, cursor=second.next_cursor)
    assert [r.id for r in third.rows] == ids[::-1][20:] and third.next_cursor is None
    back = await service.list_page(ana, cursor=third.prev_cursor)
    assert [r.id for r in back.rows] == [r.id for r in second.rows]
    assert (await service.list_page(bruno)).rows[0].channel == "#dc-22"
    searched = await service.list_page(ana, "CLIENTE 2")
    assert [r.name for r in searched.rows] == ["Cliente 22", "Cliente 21", "Cliente 20", "Cliente 12", "Cliente 02"]


async def test_search_treats_like_wildcards_literally(service: ClientService, ana: Actor) -> None:
    await make(service, ana, client={"name": "100% Natural"})
    await make(service, ana, client={"doc_type": "1", "doc_number": "12345678", "name": "Otro"})
    assert [r.name for r in (await service.list_page(ana, "%")).rows] == ["100% Natural"]
    assert (await service.list_page(ana, "_")).total == 0


async def test_edit_with_optimistic_locking(service: ClientService, ana: Actor, bruno: Actor) -> None:
    card = await make(service, ana)
    edited = await service.edit_section(ana, card.id, "contact", {"contact_name": "Ana"}, card.version)
    assert edited.version == 2
    with pytest.raises(Conflict) as caught:
        await service.edit_section(bruno, card.id, "contact", {"contact_name": "Bruno"}, card.version)
    assert caught.value.current.contact_name == "Ana"
    assert "modificado por otra persona" in str(caught.value)
    assert (await service.get(ana, card.id)).contact_name == "Ana"


async def test_concurrent_edits_never_overwrite_silently(service: ClientService, ana: Actor, bruno: Actor) -> None:
    card = await make(service, ana)
    results = await asyncio.gather(
        service.edit_section(ana, card.id, "contact", {"contact_name": "Ana"}, card.version),
        service.edit_section(bruno, card.id, "contact", {"contact_name": "Bruno"}, card.version),
        return_exceptions=True,
    )
    assert sum(isinstance(r, Conflict) for r in results) == 1, results
    winner = next(r for r in results if not isinstance(r, BaseException))
    assert (await service.get(ana, card.id)).contact_name == winner.contact_name


async def test_child_changes_bump_the_version(service: ClientService, ana: Actor) -> None:
    card = await make(service, ana)
    with_address = await service.add_address(ana, card.id, MIRAFLORES, card.version)
    assert with_address.version == card.version + 1 and with_address.addresses[0].is_main
    with pytest.raises(Conflict):
        await service.add_server(ana, card.id, SERVER, card.version)


async def test_exactly_one_main_address(service: ClientService, ana: Actor) -> None:
    card = await make(service, ana, addresses=[MIRAFLORES, AREQUIPA])
    second = card.addresses[1]
    card = await service.edit_address(ana, card.id, second.id, AREQUIPA, card.version, main=True)
    assert [(a.id, a.is_main) for a in card.addresses if a.is_main] == [(second.id, True)]
    card = await service.remove_address(ana, card.id, second.id, card.version)
    assert len(card.addresses) == 1 and card.addresses[0].is_main


async def test_blank_password_on_edit_keeps_it(service: ClientService, ana: Actor) -> None:
    card = await make(service, ana, servers=[SERVER])
    server_id = card.servers[0].id
    card = await service.edit_server(
        ana, card.id, server_id, {**SERVER, "password": "", "username": "admin"}, card.version
    )
    assert card.servers[0].username == "admin"
    assert await service.reveal_password(ana, card.id, server_id) == SERVER["password"]
    card = await service.edit_server(ana, card.id, server_id, {**SERVER, "password": "nueva"}, card.version)
    assert await service.reveal_password(ana, card.id, server_id) == "nueva"
    card = await service.remove_server(ana, card.id, server_id, card.version)
    assert card.servers == ()


async def test_delete_and_restore(service: ClientService, ana: Actor) -> None:
    card = await make(service, ana)
    notice = await service.delete(ana, card.id)
    assert notice.undo == "restaurar" and "eliminado" in notice.text
    with pytest.raises(NotFound):
        await service.get(ana, card.id)
    assert (await service.list_page(ana)).total == 0
    assert (await service.find(ana, "20100070970", deleted=True)).id == card.id
    restored = await service.restore(ana, card.id)
    assert not restored.deleted and (await service.list_page(ana)).total == 1


async def test_restore_refused_when_document_reused(service: ClientService, ana: Actor) -> None:
    old = await make(service, ana)
    await service.delete(ana, old.id)
    new = await make(service, ana, client={"name": "Nuevo dueño"})
    with pytest.raises(FieldErrors) as caught:
        await service.restore(ana, old.id)
    assert f"ahora pertenece a «Nuevo dueño» (#{new.id})" in str(caught.value)


async def test_every_change_is_audited_with_secrets_redacted(service: ClientService, ana: Actor) -> None:
    card = await make(service, ana, servers=[SERVER])
    card = await service.edit_server(ana, card.id, card.servers[0].id, {**SERVER, "password": "otra"}, card.version)
    await service.delete(ana, card.id)
    async with service.db.session() as session:
        entries = (await session.execute(select(AuditEntry).order_by(AuditEntry.id))).scalars().all()
    assert [e.action for e in entries] == ["create", "edit_server", "delete"]
    assert entries[1].changes["password"] == ["[redactado]", "[redactado]"]
    assert all(e.user_id == "U0ANA" and e.platform == "slack" for e in entries)
    assert "otra" not in str([e.changes for e in entries]) and "s3cr3t" not in str([e.changes for e in entries])


async def test_access_policy(db, box) -> None:  # type: ignore[no-untyped-def]
    policy = AccessPolicy(
        editors=frozenset({"UEDIT"}), admins=frozenset({"UADMIN"}), secret_viewers=frozenset({"SECRETS"})
    )
    service = ClientService(db, box, policy)
    viewer = Actor("slack", "UVIEW")
    editor = Actor("slack", "UEDIT")
    with pytest.raises(Forbidden, match="No tiene permiso para crear"):
        await service.create(viewer, RUC)
    card = await service.create(editor, RUC, servers=[SERVER])
    assert (await service.get(viewer, card.id)).id == card.id
    with pytest.raises(Forbidden, match="contraseñas"):
        await service.reveal_password(editor, card.id, card.servers[0].id)
    group_member = Actor("discord", "42", groups=frozenset({"SECRETS"}))
    assert await service.reveal_password(group_member, card.id, card.servers[0].id) == SERVER["password"]
    with pytest.raises(Forbidden, match="eliminar"):
        await service.delete(editor, card.id)
    await service.delete(Actor("slack", "UADMIN"), card.id)


async def test_drafts_roundtrip_encrypt_and_expire(service: ClientService, ana: Actor, bruno: Actor) -> None:
    draft_id = await service.save_draft(ana, "create", {"client": RUC, "servers": [SERVER]})
    assert len(draft_id) == 32
    async with service.db.session() as session:
        raw = (await session.execute(text("SELECT data FROM form_drafts"))).scalar_one()
    assert "s3cr3t" not in str(raw)
    draft = await service.load_draft(ana, draft_id)
    assert draft.data["servers"][0]["password"] == SERVER["password"]
    with pytest.raises(Exception, match="caducó"):
        await service.load_draft(bruno, draft_id)
    await service.discard_draft(draft_id)
    with pytest.raises(Exception, match="caducó"):
        await service.load_draft(ana, draft_id)


async def test_set_main_address(service: ClientService, ana: Actor) -> None:
    card = await make(service, ana, addresses=[MIRAFLORES, AREQUIPA])
    second = card.addresses[1].id
    moved = await service.set_main_address(ana, card.id, second, card.version)
    assert main_address(moved).id == second and moved.version == card.version + 1
    assert sum(a.is_main for a in moved.addresses) == 1
    page = await service.list_page(ana)
    assert page.rows[0].email == AREQUIPA["email"]
    same = await service.set_main_address(ana, card.id, second, moved.version)
    assert same.version == moved.version  # already main: nothing to change
    with pytest.raises(Conflict):
        await service.set_main_address(ana, card.id, card.addresses[0].id, card.version)


def test_access_lists_combine_sensibly() -> None:
    only_viewers = AccessPolicy(viewers=frozenset({"UVIEW"}))
    stranger, viewer = Actor("slack", "UOTHER"), Actor("slack", "UVIEW")
    assert not only_viewers.allows(stranger, Permission.VIEW)
    assert not only_viewers.allows(stranger, Permission.EDIT)  # may not edit what they may not see
    assert only_viewers.allows(viewer, Permission.EDIT) and only_viewers.allows(viewer, Permission.DELETE)
    open_team = AccessPolicy()
    assert all(open_team.allows(stranger, p) for p in Permission if p not in (Permission.REVEAL, Permission.EXPORT))
    assert not open_team.allows(stranger, Permission.REVEAL)  # passwords are never open by default
    assert not open_team.allows(stranger, Permission.EXPORT)  # nor is the whole register in one file
    with_admins = AccessPolicy(admins=frozenset({"UADMIN"}))
    assert with_admins.allows(stranger, Permission.EDIT)
    assert not with_admins.allows(stranger, Permission.DELETE)
    assert not with_admins.allows(stranger, Permission.REVEAL)
    assert all(with_admins.allows(Actor("discord", "9", groups=frozenset({"UADMIN"})), p) for p in Permission)
    assert all(with_admins.allows(Actor("console", "me"), p) for p in Permission)


async def test_racing_edits_to_the_same_document_get_a_field_error(service: ClientService, ana: Actor) -> None:
    first = await make(service, ana, client={"doc_type": "1", "doc_number": "12345678", "name": "Uno"})
    second = await make(service, ana, client={"doc_type": "1", "doc_number": "87654321", "name": "Dos"})
    target = {"doc_type": "6", "doc_number": "20100070970"}
    results = await asyncio.gather(
        service.edit_section(ana, first.id, "client", {**target, "name": "Uno"}, first.version),
        service.edit_section(ana, second.id, "client", {**target, "name": "Dos"}, second.version),
        return_exceptions=True,
    )
    errors = [r for r in results if isinstance(r, BaseException)]
    assert len(errors) == 1 and isinstance(errors[0], FieldErrors), results
    assert "client.doc_number" in errors[0].by_path()


async def test_a_draft_id_of_another_user_starts_a_new_draft(service: ClientService, ana: Actor, bruno: Actor) -> None:
    mine = await service.save_draft(ana, "create", {"client": {"name": "de Ana"}})
    theirs = await service.save_draft(bruno, "create", {"client": {"name": "de Bruno"}}, draft_id=mine)
    assert theirs != mine
    assert (await service.load_draft(ana, mine)).data == {"client": {"name": "de Ana"}}
    assert (await service.load_draft(bruno, theirs)).data == {"client": {"name": "de Bruno"}}
