"""The list search: every field people remember, `orden:nombre`, channels as shown, capped counts."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from sqlalchemy import text

from commands.access import Actor
from commands.service import ClientService
from storage import migrate, migrations, repository
from storage.crypto import SecretBox, generate_key
from storage.db import Database
from storage.searchtext import Term, phone_keys, terms
from tests.search_data import DISCORD_CHANNEL_ID, FINDS, SLACK_CHANNEL_ID, link_channels, seed


@pytest.mark.parametrize(("typed", "who"), FINDS)
async def test_each_field_finds_its_client(service: ClientService, ana: Actor, typed: str, who: str) -> None:
    cards = await seed(service)
    found = await service.list_page(ana, typed)
    assert [r.id for r in found.rows] == [cards[who].id], typed


async def test_a_short_number_does_not_match_inside_phones(service: ClientService, ana: Actor) -> None:
    await seed(service)
    # Every phone above contains a 4 and a 45: only a document holding it matches (Beta's DNI 45678912).
    assert [r.name for r in (await service.list_page(ana, "45")).rows] == ["Comercial Beta"]
    assert (await service.list_page(ana, "654")).rows == ()


async def test_words_combine_across_fields(service: ClientService, ana: Actor) -> None:
    cards = await seed(service)
    assert [r.id for r in (await service.list_page(ana, "lima rosa 987654321")).rows] == [cards["nandu"].id]
    assert (await service.list_page(ana, "lima beta")).rows == ()


async def test_a_pasted_channel_mention_finds_the_linked_client(service: ClientService, ana: Actor) -> None:
    cards = await seed(service)
    await link_channels(service, cards["nandu"].id)
    for typed in (f"<#{SLACK_CHANNEL_ID}|soporte-nandu>", f"<#{SLACK_CHANNEL_ID}>", f"<#{DISCORD_CHANNEL_ID}>"):
        assert [r.id for r in (await service.list_page(ana, typed)).rows] == [cards["nandu"].id], typed
    assert (await service.list_page(ana, "<#C0OTHER99>")).rows == ()


async def test_a_mention_of_a_channel_not_linked_yet_matches_by_name(service: ClientService, ana: Actor) -> None:
    cards = await seed(service)
    assert [r.id for r in (await service.list_page(ana, "<#C0NEW|soporte-nandu>")).rows] == [cards["nandu"].id]


async def test_orden_nombre_sorts_by_name_and_pages_both_ways(service: ClientService, ana: Actor) -> None:
    names = ["zorro", "Ñu", "álamo", "Beta", "alfa", "Ómnibus", "casa", "Delta", "eco", "Foxtrot", "gama", "Hotel"]
    for n, name in enumerate(names):
        await service.create(ana, {"doc_type": "1", "doc_number": f"{20000000 + n}", "name": name})
    expected = sorted(names, key=lambda s: s.casefold().replace("á", "a").replace("ñ", "n").replace("ó", "o"))
    default = await service.list_page(ana, page_size=5)
    assert [r.name for r in default.rows] == names[::-1][:5]  # newest first stays the default
    first = await service.list_page(ana, "orden:nombre", page_size=5)
    assert [r.name for r in first.rows] == expected[:5] and first.total == 12 and first.prev_cursor is None
    assert first.query == "orden:nombre"  # kept, so the pager's buttons keep the order
    second = await service.list_page(ana, first.query, cursor=first.next_cursor, page_size=5)
    assert [r.name for r in second.rows] == expected[5:10] and second.page_number == 2
    third = await service.list_page(ana, first.query, cursor=second.next_cursor, page_size=5)
    assert [r.name for r in third.rows] == expected[10:] and third.next_cursor is None and third.page_number == 3
    back = await service.list_page(ana, first.query, cursor=third.prev_cursor, page_size=5)
    assert [r.name for r in back.rows] == expected[5:10] and back.prev_cursor is not None
    again = await service.list_page(ana, first.query, cursor=back.prev_cursor, page_size=5)
    assert [r.name for r in again.rows] == expected[:5] and again.prev_cursor is None


async def test_orden_nombre_with_a_search(service: ClientService, ana: Actor) -> None:
    await seed(service)
    found = await service.list_page(ana, "ORDEN:NOMBRE lima")
    assert [r.name for r in found.rows] == ["Inversiones Ñandú S.A.C."]
    both = await service.list_page(ana, "e orden:nombre")
    assert [r.name for r in both.rows] == ["Álamo Zeta", "Comercial Beta", "Inversiones Ñandú S.A.C."]


async def test_edits_and_addresses_keep_the_search_current(service: ClientService, ana: Actor) -> None:
    cards = await seed(service)
    zeta = cards["zeta"]
    card = await service.add_address(
        ana, zeta.id, {"country": "PE", "ubigeo": "080101", "line": "Plaza de Armas 1", "phone": "084 231 234"}
    )
    assert [r.id for r in (await service.list_page(ana, "cusco 084231234")).rows] == [zeta.id]
    await service.remove_address(ana, zeta.id, card.addresses[0].id, card.version)
    assert (await service.list_page(ana, "cusco")).rows == ()
    await service.edit_section(ana, zeta.id, "contact", {"contact_name": "Óscar Núñez"}, None)
    assert [r.id for r in (await service.list_page(ana, "oscar nunez")).rows] == [zeta.id]


async def test_find_and_type_ahead_use_the_same_fields(service: ClientService, ana: Actor) -> None:
    cards = await seed(service)
    assert (await service.find(ana, "#soporte-nandu")).id == cards["nandu"].id
    await link_channels(service, cards["nandu"].id)
    assert (await service.find(ana, f"<#{DISCORD_CHANNEL_ID}>")).id == cards["nandu"].id
    assert [s.id for s in await service.suggest(ana, "987 654 321")] == [cards["nandu"].id]


async def test_a_count_past_the_cap_says_more_than(
    service: ClientService, ana: Actor, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(repository, "COUNT_CAP", 5)
    for n in range(8):
        await service.create(ana, {"doc_type": "1", "doc_number": f"{30000000 + n}", "name": f"Ñandú {n}"})
    page = await service.list_page(ana, "nandu", page_size=3)
    assert page.total_capped and page.caption == "Página 1 · más de 5 clientes"
    second = await service.list_page(ana, "nandu", page.next_cursor, 3)
    last = await service.list_page(ana, "nandu", second.next_cursor, 3)
    assert [r.name for r in last.rows] == ["Ñandú 1", "Ñandú 0"] and last.next_cursor is None
    pages = [await service.list_page(ana, page_size=2)]
    while pages[-1].next_cursor:
        pages.append(await service.list_page(ana, cursor=pages[-1].next_cursor, page_size=2))
    assert [p.caption for p in pages] == [
        "Página 1 · más de 5 clientes",
        "Página 2 · más de 5 clientes",
        "Página 3 · más de 5 clientes",
        "Más de 5 clientes",  # six rows before it: past the cap its position is not counted
    ]
    assert [r.name for r in pages[-1].rows] == ["Ñandú 1", "Ñandú 0"] and not pages[-1].position_known
    back = await service.list_page(ana, cursor=pages[-1].prev_cursor, page_size=2)
    assert [r.name for r in back.rows] == ["Ñandú 3", "Ñandú 2"] and back.caption == "Página 3 · más de 5 clientes"
    exact = await service.list_page(ana, "nandu 7")
    assert not exact.total_capped and exact.caption == "Página 1 de 1 · 1 cliente(s)"


async def test_the_migration_rebuilt_rows_written_before_it(service: ClientService, ana: Actor) -> None:
    """A row as 0005 left it (old search_text, no phone_text) is found after re-running 0007's backfill."""
    cards = await seed(service)
    async with service.db.session() as session, session.begin():
        await session.execute(text("UPDATE clients SET search_text = 'x', phone_text = '', sort_name = ''"))
    path = Path(migrations.__file__).parent / "versions" / "0007_wider_search.py"
    spec = importlib.util.spec_from_file_location("wider_search", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    async with service.db.engine.begin() as conn:
        await conn.run_sync(module._backfill)
    assert [r.id for r in (await service.list_page(ana, "miraflores 987654321")).rows] == [cards["nandu"].id]


def test_phone_keys_and_typed_terms() -> None:
    assert phone_keys("+51 987 654 321") == ["51987654321", "987654321"]
    assert phone_keys("987654321") == ["987654321", "51987654321"]
    assert phone_keys("+51 1 4445566") == ["5114445566", "14445566", "014445566"]
    assert phone_keys("014445566") == ["014445566", "5114445566"]
    assert terms("Cliente 2") == [Term("cliente"), Term("2")]
    assert terms("+51 (1) 444-5566 lima") == [Term("+51 (1) 444-5566", "5114445566"), Term("lima")]
    assert terms("987-654-321") == [Term("987-654-321", "987654321")]
    assert terms("Ñandú 2020 1") == [Term("nandu"), Term("2020 1")]  # five digits: not a phone


async def test_numbers_typed_with_separators_still_find_codes_and_names(service: ClientService, ana: Actor) -> None:
    """A run of numbers is a phone or the same text in a name or code: "2020-001" still finds INV-2020-001."""
    card = await service.create(
        ana,
        {"doc_type": "1", "doc_number": "30000001", "name": "Obras 2020 12 S.A.C.", "internal_code": "INV-2020-001"},
    )
    for typed in ("2020-001", "2020 12", "obras 2020"):
        assert [r.id for r in (await service.list_page(ana, typed)).rows] == [card.id], typed


async def test_upgrading_a_register_from_0005_indexes_its_clients(tmp_path: Path) -> None:
    """Rows written before 0007 (old search_text, no phone_text or sort_name) are found once migrated."""
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'old.db'}")
    try:
        await migrate.upgrade(db, "0005")
        async with db.engine.begin() as conn:
            await conn.execute(
                text(
                    "INSERT INTO clients (id, doc_type, doc_number, name, contact_phone, search_text, created_at,"
                    " created_by, updated_at, updated_by, version) VALUES (1, '6', '20100070970', 'Ñandú S.A.C.',"
                    " '+51 987 654 321', 'nandu s.a.c. 20100070970', CURRENT_TIMESTAMP, 'x', CURRENT_TIMESTAMP, 'x', 1)"
                )
            )
            await conn.execute(
                text(
                    "INSERT INTO addresses (client_id, is_main, country, ubigeo, email)"
                    " VALUES (1, 1, 'PE', '040101', 'pagos@nandu.pe')"
                )
            )
        await migrate.upgrade(db)
        service = ClientService(db, SecretBox([generate_key()]))
        actor = Actor("console", "x")
        for typed in ("987 654 321", "arequipa", "pagos@nandu", "nandu orden:nombre"):
            assert [r.id for r in (await service.list_page(actor, typed)).rows] == [1], typed
        await service.edit_section(actor, 1, "contact", {"contact_phone": "912345678"}, None)
        assert (await service.list_page(actor, "987654321")).rows == ()  # the index follows edits
        assert [r.id for r in (await service.list_page(actor, "912 345 678")).rows] == [1]
    finally:
        await db.dispose()
