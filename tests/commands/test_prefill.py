"""The pending-values store behind "Completar con el mensaje": only its owner sees it, it moves from
the create form to the client, each saved section drops its values, and it expires."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update

from commands.access import Actor
from commands.message_prefill import values_from_message
from commands.prefill import Pending, split
from commands.service import ClientService
from storage.models import FormDraft, utcnow

MESSAGE = "ACME SAC, RUC 20100070970, facturas@acme.pe, 987 654 321, (01) 444 5566, https://acme.pe"
FORM = "0123456789abcdef0123456789abcdef"


def test_split_keeps_the_create_form_values_apart() -> None:
    here, later = split(values_from_message(MESSAGE))
    assert here == {"doc_type": "6", "doc_number": "20100070970"}
    assert set(later) == {"address.0.email", "address.0.phone", "contact.contact_phone", "contact.website"}
    pending = Pending("message", 7, later)
    assert pending.sections() == ["contact", "address"] and pending.next_section() == "contact"
    assert pending.section_values("address") == {"email": "facturas@acme.pe", "phone": later["address.0.phone"]}
    assert pending.district() is None
    assert "Correo electrónico" in pending.left_note() and "Sitio Web" in pending.left_note()


async def test_owner_only_attach_use_and_discard(service: ClientService, ana: Actor, bruno: Actor) -> None:
    store = service.prefill
    _, later = split(values_from_message(MESSAGE))
    await store.keep(ana, "message", later, form_id=FORM)
    assert await store.attach(bruno, FORM, 5) == []  # Bruno's attach finds nothing of Ana's
    [pending] = await store.attach(ana, FORM, 5)
    assert pending.client_id == 5 and dict(pending.values) == later
    assert await store.attach(ana, FORM, 5) == [pending]  # a re-sent create: still waiting for the client
    assert await store.get(bruno, 5, "message") is None and await store.find(bruno, 5) == []
    assert await store.get(ana, 6, "message") is None  # another client's button finds nothing
    assert await store.get(ana, 5, "forged") is None

    [left] = await store.used(ana, 5, "contact")
    assert left.sections() == ["address"]
    assert await store.used(bruno, 5, "address") == []  # Bruno's save uses nothing of Ana's
    assert (await store.get(ana, 5, "message")) == left
    assert await store.used(ana, 5, "address") == []  # nothing left: discarded
    assert await store.get(ana, 5, "message") is None
    async with service.db.session() as session:
        assert (await session.execute(FormDraft.__table__.select())).all() == []

    await store.keep(ana, "message", later, client_id=9)
    await store.discard(ana, 9, "message")
    assert await store.find(ana, 9) == []


async def test_pending_values_expire(service: ClientService, ana: Actor) -> None:
    store = service.prefill
    await store.keep(ana, "message", {"contact.website": "https://acme.pe"}, client_id=3)
    assert (await store.get(ana, 3, "message")) is not None
    async with service.db.session() as session:
        await session.execute(update(FormDraft).values(expires_at=utcnow() - timedelta(seconds=1)))
        await session.commit()
    assert await store.get(ana, 3, "message") is None and await store.find(ana, 3) == []
    # The next write sweeps expired rows away.
    await store.keep(ana, "message", {"contact.website": "https://acme.pe"}, client_id=4)
    async with service.db.session() as session:
        rows = (await session.execute(FormDraft.__table__.select())).all()
    assert [row.client_id for row in rows] == [4]
