"""Issue 10 #7 in the core, every interleaving: the second copy of a create (the same `origin_key`) is
answered with the client the first copy created, whichever of its reads the first copy's commit lands
between. The first copy runs on an engine of its own (another process, as far as the database can
tell) and commits right before the second copy's k-th query, for every k up to its insert — the
"origin-key check, then document check" window that answered "ya existe un cliente con RUC …" among
them. (After the second copy's insert the first would wait on its row lock: the process test,
tests/slack_adapter/test_double_submit_processes.py, covers that order.)
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.util import await_only

from commands.access import Actor
from commands.form_target import FormTarget
from commands.service import ClientService
from storage.crypto import SecretBox
from storage.db import Database

DNI = {"doc_type": "1", "doc_number": "12345678", "name": "Ana Ruiz"}


class CommitBefore:
    """Runs `first()` to its commit just before the `k`-th SELECT of the engine it hooks, if that comes
    before the engine's first write."""

    def __init__(self, db: Database, k: int, first: Any) -> None:
        self.k, self.first, self.selects, self.inserted, self.fired = k, first, 0, False, False
        event.listen(db.engine.sync_engine, "before_cursor_execute", self.hook)

    def hook(self, conn: Any, cursor: Any, statement: str, *rest: Any) -> None:
        verb = statement.lstrip().split(None, 1)[0].upper()
        self.inserted = self.inserted or verb in ("INSERT", "UPDATE", "DELETE")
        if verb != "SELECT" or self.inserted or self.fired:
            return
        if self.selects == self.k:
            self.fired = True
            await_only(self.first())  # the other process's whole create, committed
        self.selects += 1


async def test_the_first_copy_committing_between_any_two_reads_of_the_second_is_saved(
    db: Database, box: SecretBox, ana: Actor
) -> None:
    other = Database(db.url)  # the first copy's process: its own engine and connections
    try:
        first, second = ClientService(other, box), ClientService(db, box)
        k = 0
        while True:
            key = f"test:race:{k}"
            doc = {**DNI, "doc_number": f"{12345678 + k}"}
            made: list[int] = []

            async def create_first(doc: dict[str, str] = doc, key: str = key, made: list[int] = made) -> None:
                made.append((await first.create(ana, doc, origin_key=key)).id)

            hook = CommitBefore(db, k, create_first)
            try:
                card = await second.create(ana, doc, origin_key=key)  # never "ya existe un cliente con DNI …"
            finally:
                event.remove(db.engine.sync_engine, "before_cursor_execute", hook.hook)
            if not hook.fired:  # k is past the second copy's last read before its insert: all covered
                break
            assert made == [card.id], k
            k += 1
        assert k >= 2  # the origin check and the document check, at least
        assert (await second.list_page(ana)).total == k + 1  # one client a round, none twice
    finally:
        await other.dispose()


async def test_the_first_copy_of_an_edit_committing_between_any_two_reads_of_the_second_is_saved(
    db: Database, box: SecretBox, ana: Actor
) -> None:
    """The same for a section form (`save` with the adapter's submission key): a client-row section and
    an added address (an insert), each answered with the one save the first copy made."""
    other = Database(db.url)
    try:
        first, second = ClientService(other, box), ClientService(db, box)
        card = await second.create(ana, DNI)
        for section in ("client", "address"):
            k = 0
            while True:
                target, key = FormTarget(section, card.id, card.version), f"slack:V{section}{k}"
                raw = {**DNI, "name": f"Ana Ruiz {k}"}  # another value each round: a change to save
                if section == "address":
                    raw = {"country": "PE", "ubigeo": "150122", "line": f"Av. Larco {k}"}
                saved: list[int] = []

                async def save_first(
                    target: FormTarget = target, key: str = key, raw: dict[str, str] = raw, saved: list[int] = saved
                ) -> None:
                    saved.append((await first.save(ana, target, raw, submission_key=key)).version)

                hook = CommitBefore(db, k, save_first)
                try:
                    card = await second.save(ana, target, raw, submission_key=key)  # never a Conflict
                finally:
                    event.remove(db.engine.sync_engine, "before_cursor_execute", hook.hook)
                assert card.version == target.version + 1, (section, k)  # saved once
                if not hook.fired:
                    break
                assert saved == [card.version], (section, k)
                k += 1
            assert k >= 1, section
        assert len(card.addresses) == k + 1  # one address a round of the address form
    finally:
        await other.dispose()
