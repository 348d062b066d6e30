"""The padrón in the core on a real database (SQLite, or PostgreSQL with DATABASE_URL): import, lookup,
search, the BAJA/NO HABIDO warning, and what a reader sees while a new load is going in."""

from __future__ import annotations

import asyncio
import threading
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import text

import storage.padron
import storage.padron_file
from bench.padron_file import write
from commands import padron
from storage.db import Database
from tests.padron.sample import FECHA, LINES, write_txt, write_zip


async def test_txt_loads_with_accents_placeholders_duplicates_and_bad_lines(db: Database, tmp_path: Path) -> None:
    result = await padron.import_file(db, write_txt(tmp_path / "padron_reducido_ruc.txt"))

    assert (result.fecha, result.source) == (FECHA, "padron_reducido_ruc.txt")
    assert result.rows == 5 and result.duplicates == 1
    assert [(bad.line, bad.pieces) for bad in result.report.malformed] == [(5, 13), (8, 0)]
    assert result.unknown_ubigeos == ["999999"]

    company = await padron.lookup(db, "20601234565")
    assert company is not None
    assert company.name == "COMPAÑÍA PEÑA NÚÑEZ SOCIEDAD ANONIMA CERRADA"  # the later line of the repeated RUC
    assert company.domicilio == "AV. JAVIER PRADO ESTE NRO. 6210 INT. 302 URB. SANTA FELICIA"
    assert company.district is not None and company.district.distrito == "Miraflores"
    assert company.source == "SUNAT, padrón del 2026-11-28"
    assert padron.warning(company) is None

    person = await padron.lookup(db, " 10456789019 ")
    assert person is not None
    assert person.domicilio == "MZA. B LOTE. 12 A.H. LOS PINOS"
    assert person.district is not None and person.district.distrito == "Santa Cruz de Toledo"  # item 5's fix
    assert padron.warning(person) == "SUNAT: BAJA DE OFICIO · NO HABIDO"

    road = await padron.lookup(db, "20999999990")
    assert road is not None and road.domicilio == "CAR. PANAMERICANA SUR KM. 23.5"
    assert road.district is None and road.ubigeo == "999999"
    assert padron.warning(road) == "SUNAT: ACTIVO · NO HALLADO"

    assert await padron.lookup(db, "20555555555") is None  # the malformed line was skipped
    assert await padron.lookup(db, "20000000000") is None  # absent
    assert await padron.lookup(db, "no es ruc") is None


async def test_zip_is_dated_by_its_member_and_fecha_overrides(db: Database, tmp_path: Path) -> None:
    zipped = write_zip(tmp_path / "padron_reducido_ruc.zip", fecha=date(2026, 11, 27))
    result = await padron.import_file(db, zipped)
    assert result.fecha == date(2026, 11, 27) and result.rows == 5
    taxpayer = await padron.lookup(db, "20100070970")
    assert taxpayer is not None and taxpayer.domicilio == "CAL. MORELLI NRO. 181 INT. P-2"
    assert taxpayer.fecha == date(2026, 11, 27)

    await padron.import_file(db, zipped, fecha=date(2026, 11, 29))
    load = await padron.current_load(db)
    assert load is not None and load.fecha == date(2026, 11, 29)


async def test_search_ignores_accents_and_case_and_pages(db: Database, tmp_path: Path) -> None:
    empty = "|".join("-" * 10)
    lines = [f"2060000{i:04d}|COMPAÑÍA PEÑA {i:02d} S.A.C.|ACTIVO|HABIDO|150122|{empty}|" for i in range(25)]
    await padron.import_file(db, write_txt(tmp_path / "p.txt", [*LINES, *lines]))

    first = await padron.search(db, "compania  pena")
    assert [t.name for t in first.items] == [f"COMPAÑÍA PEÑA {i:02d} S.A.C." for i in range(10)]
    assert first.has_more
    last = await padron.search(db, "COMPAÑIA PEÑA", page=2)
    expected = [*(f"2060000{i:04d}" for i in range(20, 25)), "20601234565"]  # "…peña nuñez" after "…peña 24"
    assert [t.ruc for t in last.items] == expected and not last.has_more
    assert [t.name for t in (await padron.search(db, "Compañía Peña Núñez")).items] == [
        "COMPAÑÍA PEÑA NÚÑEZ SOCIEDAD ANONIMA CERRADA"
    ]
    assert [t.ruc for t in (await padron.search(db, "2010")).items] == ["20100047218", "20100070970"]
    assert (await padron.search(db, "zzz")).items == []
    assert (await padron.search(db, "Łódź")).items == []  # a letter no padrón name can hold
    assert (await padron.search(db, "   ")).items == []


async def test_a_file_without_good_lines_keeps_the_previous_load(db: Database, tmp_path: Path) -> None:
    await padron.import_file(db, write_txt(tmp_path / "good.txt"))
    with pytest.raises(padron.PadronError, match="ninguna línea válida"):
        await padron.import_file(db, write_txt(tmp_path / "bad.txt", ["basura|", "más basura"]))
    assert await padron.lookup(db, "20100070970") is not None


async def test_nothing_loaded_yet(db: Database) -> None:
    assert await padron.lookup(db, "20100070970") is None
    assert (await padron.search(db, "compania")).items == []
    with pytest.raises(padron.PadronError, match="Aún no se cargó el padrón"):
        await padron.check(db)


def _read_elsewhere(url: str, rucs: list[str]) -> tuple[object, dict[str, str]]:
    """What another process would see right now: its own connection, on its own thread and loop."""
    seen: list[tuple[object, dict[str, str]]] = []

    async def read() -> None:
        other = Database(url)
        try:
            load = await padron.current_load(other)
            names = {}
            for ruc in rucs:
                taxpayer = await padron.lookup(other, ruc)
                names[ruc] = taxpayer.name if taxpayer else ""
            seen.append((load.id if load else None, names))
        finally:
            await other.dispose()

    thread = threading.Thread(target=lambda: asyncio.run(read()))
    thread.start()
    thread.join()
    return seen[0]


async def test_readers_see_the_previous_load_whole_until_the_new_one_is_complete(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Commit after every block of lines, so the new slot really holds committed, half-loaded rows
    # while the reader looks (the default commits every 16 blocks, more than this file has).
    monkeypatch.setattr(storage.padron, "COMMIT_EVERY", 1)
    old, new = write(tmp_path / "old.txt", 30_000, seed=1), write(tmp_path / "new.txt", 30_000, seed=2)
    url = db.url.render_as_string(hide_password=False)
    rucs = [f"{20_000_000_000 + i * 7:011d}" for i in (1, 2, 14_000, 29_999)]  # first, middle and last blocks

    during_first: list[tuple[object, dict[str, str]]] = []
    await padron.import_file(db, old, progress=lambda *_: during_first.append(_read_elsewhere(url, rucs)))
    assert len(during_first) >= 4 and all(seen == (None, dict.fromkeys(rucs, "")) for seen in during_first)
    before = _read_elsewhere(url, rucs)

    during: list[tuple[object, dict[str, str]]] = []
    await padron.import_file(db, new, progress=lambda *_: during.append(_read_elsewhere(url, rucs)))
    after = _read_elsewhere(url, rucs)

    assert before[1] != after[1] and before[0] != after[0]  # the two files really differ for these RUCs
    assert all(name for name in before[1].values()) and all(name for name in after[1].values())
    assert len(during) >= 4 and all(seen == before for seen in during)


async def test_a_second_load_at_the_same_time_is_refused(db: Database, tmp_path: Path) -> None:
    """One load at a time: the lock a running load holds (a file lock on SQLite, an advisory lock on
    PostgreSQL) is taken here the way a running load takes it."""
    sample = write_txt(tmp_path / "p.txt")
    if db.is_sqlite:
        assert db.file is not None
        with storage.padron._file_lock(db.file), pytest.raises(padron.PadronError, match="Ya hay una carga"):
            await padron.import_file(db, sample)
    else:
        async with db.engine.connect() as conn:
            await conn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": storage.padron.PG_LOCK})
            with pytest.raises(padron.PadronError, match="Ya hay una carga"):
                await padron.import_file(db, sample)
            await conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": storage.padron.PG_LOCK})
    assert (await padron.import_file(db, sample)).rows == 5  # and once it is over, a load goes through


async def test_a_damaged_zip_is_refused_and_changes_nothing(db: Database, tmp_path: Path) -> None:
    await padron.import_file(db, write_txt(tmp_path / "good.txt"))
    zipped = write_zip(tmp_path / "padron_reducido_ruc.zip", LINES * 200)
    data = bytearray(zipped.read_bytes())
    data[200:260] = bytes(60)  # inside the compressed member: inflating it fails or its CRC does not match
    zipped.write_bytes(bytes(data))
    with pytest.raises(padron.PadronError, match="No se pudo leer"):
        await padron.import_file(db, zipped)
    load = await padron.current_load(db)
    assert load is not None and load.source == "good.txt"


async def test_a_file_resaved_with_unix_line_ends_loads_the_same(db: Database, tmp_path: Path) -> None:
    crlf = write_txt(tmp_path / "crlf.txt")
    unix = tmp_path / "unix.txt"
    unix.write_bytes(crlf.read_bytes().replace(b"\r\n", b"\n"))
    result = await padron.import_file(db, unix)
    assert (result.rows, result.duplicates, [bad.line for bad in result.report.malformed]) == (5, 1, [5, 8])
    road = await padron.lookup(db, "20999999990")
    assert road is not None and road.domicilio == "CAR. PANAMERICANA SUR KM. 23.5"


async def test_postgresql_gives_the_previous_load_back_once_switched(db: Database, tmp_path: Path) -> None:
    if db.is_sqlite:
        pytest.skip("SQLite keeps the idle slot until the next load: its freed pages would stay in the file")
    await padron.import_file(db, write_txt(tmp_path / "first.txt"))
    await padron.import_file(db, write_txt(tmp_path / "second.txt"))
    async with db.engine.connect() as conn:
        counts = [(await conn.execute(text(f"SELECT count(*) FROM padron_{slot}"))).scalar() for slot in "ab"]
    assert counts == [0, 5]  # the first load (slot a) was emptied, the second (slot b) is in use


async def test_a_long_file_reads_back_whole_with_bad_lines_in_some_blocks(db: Database, tmp_path: Path) -> None:
    """Most blocks of a real file are all good (read a column at a time, storage/padron_file.py); the
    blocks holding a bad line go line by line. Both kinds in one file: every field reads back as the file
    has it, and the bad lines, the repeated RUC and the unknown UBIGEO are found wherever they fall."""
    generated = write(tmp_path / "gen.txt", 30_000).read_bytes().decode("latin-1").split("\r\n")
    header, lines = generated[0], generated[1:-1]
    unknown = lines[2_001].split("|")
    unknown[4] = "999998"  # a UBIGEO our district list lacks, in a block with no bad line
    lines[2_001] = "|".join(unknown)
    lines[12_000] = "|".join(lines[12_000].split("|")[:14]) + "|"  # a field short: line 12,002 of the file
    lines[25_000] = "2" + lines[25_000]  # a 12-digit RUC: line 25,002
    lines.append(lines[10].replace("|ACTIVO|", "|BAJA DE OFICIO|", 1).replace("|HABIDO|", "|NO HABIDO|", 1))
    path = tmp_path / "padron.txt"
    path.write_bytes(("\r\n".join([header, *lines]) + "\r\n").encode("latin-1"))

    result = await padron.import_file(db, path)

    assert [(bad.line, bad.pieces) for bad in result.report.malformed] == [(12_002, 14), (25_002, 0)]
    assert (result.rows, result.duplicates, result.report.lines) == (29_998, 1, 30_001)
    assert result.unknown_ubigeos == ["999998"]
    async with db.engine.connect() as conn:
        for index in (0, 10, 2_001, 9_999, 12_001, 29_999):
            expected = lines[-1] if index == 10 else lines[index]  # the repeated RUC: its later line
            row = await storage.padron.lookup(conn, expected[:11])
            assert row is not None
            fields = [getattr(row, name) for name in storage.padron_file.FIELDS]
            assert fields == expected.split("|")[:15], index
        assert await storage.padron.lookup(conn, lines[12_000][:11]) is None
    for index in (5_000, 12_001, 29_999):  # found by name, from blocks of either kind
        assert (await padron.search(db, lines[index].split("|")[1].lower())).items[0].ruc == lines[index][:11]


def test_a_form_names_a_ruc_with_tipo_doc_ruc_or_still_at_its_default() -> None:
    """Every adapter asks the padrón with what the form holds; an 11-digit Número beside a Tipo Doc.
    nobody picked yet (DNI, the default) is a RUC, since no DNI has 11 digits."""
    from commands import sunat
    from commands.forms import RUC

    assert sunat.names_ruc(RUC, " 20100070970 ")
    assert sunat.names_ruc(sunat.DOC_TYPE_DEFAULT, "20100070970")
    assert sunat.names_ruc(None, "20100070970")
    assert not sunat.names_ruc("4", "20100070970")  # Carnet de extranjería: the user chose it
    assert not sunat.names_ruc(RUC, "2010007097")
    assert not sunat.names_ruc(RUC, "")
