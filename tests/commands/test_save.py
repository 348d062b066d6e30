"""`ClientService.save`: the one entry every adapter's section form goes through, and its recognition
of a re-sent submission (a redelivery or a second press of Guardar saves nothing twice)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from commands.access import Actor
from commands.errors import Conflict, NotFound
from commands.form_target import FormTarget
from commands.service import ClientService
from commands.texts import texts
from storage.models import AuditEntry

DNI = {"doc_type": "1", "doc_number": "12345678", "name": "Ana Ruiz"}
ADDRESS = {"country": "PE", "ubigeo": "150122", "line": "Av. Larco 1"}


async def test_each_target_calls_its_use_case(service: ClientService, ana: Actor) -> None:
    card = await service.create(ana, DNI)
    card = await service.save(ana, FormTarget("contact", card.id, card.version), {"contact_name": "Ana"})
    assert card.contact_name == "Ana"
    card = await service.save(ana, FormTarget("address", card.id, card.version), ADDRESS)
    first = card.addresses[0]
    card = await service.save(ana, FormTarget("address", card.id, card.version), {**ADDRESS, "line": "Jr. Dos 2"})
    second = next(a for a in card.addresses if a.id != first.id)
    target = FormTarget("address", card.id, card.version, second.id)
    card = await service.save(ana, target, {**ADDRESS, "line": "Jr. Dos 3"}, main=True)
    assert card.address(second.id).line == "Jr. Dos 3" and card.address(second.id).is_main  # type: ignore[union-attr]
    card = await service.save(ana, FormTarget("server", card.id, card.version), {"host": "a.pe", "password": "pw"})
    server = card.servers[0]
    card = await service.save(ana, FormTarget("server", card.id, card.version, server.id), {"host": "b.pe"})
    assert card.server(server.id).host == "b.pe"  # type: ignore[union-attr]
    assert await service.reveal_password(ana, card.id, server.id) == "pw"  # blank on edit keeps it


async def test_a_forged_section_is_a_spanish_answer(service: ClientService, ana: Actor) -> None:
    card = await service.create(ana, DNI)
    with pytest.raises(NotFound, match=texts().section_gone):
        await service.save(ana, FormTarget("servers", card.id, card.version), {})


async def test_a_re_sent_address_add_is_saved_once(service: ClientService, ana: Actor) -> None:
    card = await service.create(ana, DNI)
    target = FormTarget("address", card.id, card.version)
    first = await service.save(ana, target, ADDRESS, submission_key="test:form-1")
    again = await service.save(ana, target, ADDRESS, submission_key="test:form-1")
    assert again.version == first.version == card.version + 1
    assert len((await service.get(ana, card.id)).addresses) == 1


async def test_the_stamp_is_a_digest_not_the_values(service: ClientService, ana: Actor, db) -> None:  # type: ignore[no-untyped-def]
    card = await service.create(ana, DNI)
    await service.save(ana, FormTarget("address", card.id, card.version), ADDRESS, submission_key="test:k")
    async with db.session() as session:
        entry = (await session.execute(select(AuditEntry).order_by(AuditEntry.id.desc()))).scalars().first()
    assert entry is not None and len(entry.changes["submission"]) == 32
    assert "test:k" not in str(entry.changes["submission"])


@pytest.mark.parametrize(
    ("second", "key"),
    [
        ({**ADDRESS, "line": "Otra 2"}, "test:form-1"),  # the same form with other values
        (ADDRESS, "test:form-2"),  # another form that adds the same address
    ],
)
async def test_another_submission_still_conflicts(
    service: ClientService, ana: Actor, second: dict[str, str], key: str
) -> None:
    card = await service.create(ana, DNI)
    target = FormTarget("address", card.id, card.version)
    await service.save(ana, target, ADDRESS, submission_key="test:form-1")
    with pytest.raises(Conflict):
        await service.save(ana, target, second, submission_key=key)


async def test_someone_else_s_identical_change_conflicts(service: ClientService, ana: Actor) -> None:
    bruno = Actor("slack", "U0BRUNO", "bruno")
    card = await service.create(ana, DNI)
    target = FormTarget("contact", card.id, card.version)
    await service.save(bruno, target, {"contact_name": "Ana"}, submission_key="test:form")
    with pytest.raises(Conflict):
        await service.save(ana, target, {"contact_name": "Ana"}, submission_key="test:form")


async def test_without_a_key_the_same_stored_values_are_recognised(service: ClientService, ana: Actor) -> None:
    card = await service.create(ana, DNI)
    target = FormTarget("contact", card.id, card.version)
    await service.save(ana, target, {"contact_phone": "987654321"})
    again = await service.save(ana, target, {"contact_phone": "987 654 321"})  # cleaned as stored
    assert again.version == card.version + 1


async def test_a_re_sent_typed_password_still_conflicts(service: ClientService, ana: Actor) -> None:
    card = await service.create(ana, DNI, servers=[{"host": "a.pe"}])
    target = FormTarget("server", card.id, card.version, card.servers[0].id)
    await service.save(ana, target, {"host": "a.pe", "password": "uno"}, submission_key="test:s")
    with pytest.raises(Conflict):  # the second might carry another password: never answered "saved"
        await service.save(ana, target, {"host": "a.pe", "password": "dos"}, submission_key="test:s")
