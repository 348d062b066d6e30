"""What SUNAT's padrón offers a person at work: the `sunat` command's answer and the values a form
pre-fills from a RUC.

Every adapter asks the same two things: "what does the padrón say of this RUC or name?" (`find`, the
`/clientes sunat` command) and "the user just typed this RUC: what can the form propose?"
(`proposal`). Both only read the last load (commands.padron); a padrón that was never loaded is a
Spanish sentence saying how to load it, a RUC it lacks proposes nothing, and a taxpayer that is not
ACTIVO/HABIDO is proposed with its warning (never refused).

Proposed values are keyed by field path, as commands.prefill keeps them: ``client.name``,
``address.0.ubigeo`` (only when the UBIGEO names a district the bot knows) and ``address.0.line``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from commands import padron
from commands.forms import CLIENT, RUC
from commands.padron import PadronError, Taxpayer
from commands.texts import texts
from storage.db import Database
from storage.textfold import fold

SOURCE = "sunat"  # its name among commands.prefill's sources
DOC_TYPE_DEFAULT = CLIENT.field("doc_type").default  # what Tipo Doc. shows before anyone picks


@dataclass(frozen=True)
class SunatAnswer:
    """One page of what the padrón says for a query (a RUC finds at most one)."""

    query: str
    fecha: date
    items: list[Taxpayer]
    page: int
    has_more: bool

    def empty_sentence(self) -> str:
        if is_ruc(self.query):
            return texts().padron_ruc_absent(self.query.strip(), self.fecha.isoformat())
        return texts().padron_no_match(self.query.strip(), self.fecha.isoformat())


def is_ruc(text: str) -> bool:
    typed = text.strip()
    return len(typed) == 11 and typed.isascii() and typed.isdigit()


def rows(taxpayer: Taxpayer) -> tuple[tuple[str, str], ...]:
    """(label, value) of one taxpayer as every adapter shows it, the warning first when abnormal."""
    t = texts()
    labels = t.padron_labels
    district = taxpayer.district.label if taxpayer.district else (taxpayer.ubigeo or "—")
    return (
        (labels["name"], taxpayer.name),
        (labels["ruc"], taxpayer.ruc),
        (labels["estado"], taxpayer.estado or "—"),
        (labels["condicion"], taxpayer.condicion or "—"),
        (labels["district"], district),
        (labels["domicilio"], taxpayer.domicilio or "—"),
        (labels["source"], taxpayer.source),
    )


async def find(db: Database, query: str, page: int = 0) -> SunatAnswer:
    """`/clientes sunat <ruc o nombre>`: a RUC of 11 digits is looked up, anything else is a name (or RUC
    digits) prefix, accents and case ignored, PAGE_SIZE a page. Raises PadronError when nothing is loaded."""
    typed = " ".join(query.split())
    if not fold(typed):
        raise PadronError(texts().padron_sunat_usage)
    load = await padron.current_load(db)
    if load is None:
        raise PadronError(texts().padron_not_loaded)
    if is_ruc(typed):
        found = await padron.lookup(db, typed)
        return SunatAnswer(typed, load.fecha, [found] if found else [], 0, False)
    result = await padron.search(db, typed, page)
    return SunatAnswer(typed, load.fecha, result.items, result.page, result.has_more)


def names_ruc(doc_type: str | None, doc_number: str | None) -> bool:
    """Whether a form's Tipo Doc./Número name a RUC: Tipo Doc. RUC, or still at its default (or empty)
    while Número has a RUC's 11 digits — no DNI has them, so the user simply has not changed it yet."""
    untouched = doc_type in (None, "", DOC_TYPE_DEFAULT)
    return (doc_type == RUC or untouched) and bool(doc_number) and is_ruc(doc_number or "")


async def lookup(db: Database, doc_type: str | None, doc_number: str | None) -> Taxpayer | None:
    """The taxpayer a form's Tipo Doc./Número name (`names_ruc`), when the loaded padrón lists it."""
    if not names_ruc(doc_type, doc_number):
        return None
    return await padron.lookup(db, (doc_number or "").strip())


def proposal(taxpayer: Taxpayer) -> dict[str, str]:
    """The values a form offers from the padrón, keyed by field path (see the module docstring)."""
    values = {"client.doc_type": RUC, "client.doc_number": taxpayer.ruc, "client.name": taxpayer.name}
    if taxpayer.district is not None:
        values["address.0.country"] = "PE"
        values["address.0.ubigeo"] = taxpayer.district.code
    if taxpayer.domicilio:
        values["address.0.line"] = taxpayer.domicilio
    return values


def note(taxpayer: Taxpayer) -> str:
    """The sentence over a pre-filled form: where the values come from, and the warning when abnormal."""
    sentence = texts().padron_prefilled(taxpayer.source)
    warned = padron.warning(taxpayer)
    return f"{warned}. {sentence}" if warned else sentence


@dataclass(frozen=True)
class EditOffer:
    """What the padrón says of the RUC typed in an edit of Datos del cliente, weighed against the client.

    The padrón's name replaces nothing by itself: it is proposed in Nombre (`name`) only when the RUC was
    changed (the saved name then most likely belongs to the old RUC) and the Nombre shown is still the
    saved one; otherwise a differing name is only said, and the user decides."""

    taxpayer: Taxpayer
    ruc_changed: bool  # the RUC typed is not the client's saved RUC
    differs: bool  # the Nombre shown differs from the padrón's (accents, case and spaces ignored)
    name: str | None  # the padrón's name to show in Nombre; None keeps what the form shows
    shown: str  # the Nombre the user sees

    @property
    def warning(self) -> str | None:
        """'SUNAT: BAJA DE OFICIO · NO HABIDO' for a taxpayer not ACTIVO/HABIDO (never a refusal)."""
        return padron.warning(self.taxpayer)

    def said(self) -> str:
        """What SUNAT says of the RUC, and what became of Nombre."""
        t = texts()
        taxpayer = self.taxpayer
        parts = [t.padron_edit_says(taxpayer.source, taxpayer.name, taxpayer.estado or "-", taxpayer.condicion or "-")]
        if self.name is not None:
            parts.append(t.padron_edit_name_proposed)
        elif self.differs and self.shown.strip():
            parts.append(t.padron_edit_name_differs(self.shown.strip()))
        return " ".join(parts)

    def note(self) -> str:
        """The line over the edit form: the warning first when not ACTIVO/HABIDO, then `said`."""
        warned = self.warning
        return f"{warned}. {self.said()}" if warned else self.said()


def edit_offer(
    taxpayer: Taxpayer, saved_doc_type: str, saved_doc_number: str, saved_name: str, shown_name: str
) -> EditOffer:
    """The padrón's offer for an edit form of a client saved as (`saved_doc_type`, `saved_doc_number`,
    `saved_name`) that now shows `shown_name` in Nombre beside a RUC the padrón lists (`taxpayer`).
    A name the user typed in this form (neither the saved one nor empty) is never replaced."""
    ruc_changed = not (saved_doc_type == RUC and saved_doc_number.strip() == taxpayer.ruc)
    differs = fold(shown_name) != fold(taxpayer.name)
    untouched = fold(shown_name) in ("", fold(saved_name))
    name = taxpayer.name if ruc_changed and differs and untouched else None
    return EditOffer(taxpayer, ruc_changed, differs, name, shown_name)
