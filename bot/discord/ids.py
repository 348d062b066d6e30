"""Every custom_id the bot puts on a component or a modal, and how each is read back.

A component's state travels in its custom_id (restart-proof `DynamicItem`s), so the template a
component is matched by and the text it is built with are written side by side here. Discord allows
≤ 100 characters. Every number is a database id read with `bot.record_id` (1 to 9 digits): anything
else matches no template, and the gate answers "Esta acción ya no es válida" instead of letting a
query overflow. Option values (what a Select sends back) are parsed here too, for the same reason.

    cb:c:<action>:<client>:<version>        a card button (`CARD_ACTIONS`)
    cb:pick:<action>                        a Select of clients (`PICK_ACTIONS`); option: client id
    cb:del:<client>:<version>               Eliminar's confirmation; cb:undo:<client> its Deshacer
    cb:fix:<draft id>                       "Corregir" (a FormDraft: 32 hex)
    cb:it:<client>:<version>:<page>         "Direcciones y servidores…"; options `ITEM_OPTION`
    cb:rm:<a|s>:<client>:<version>:<item>   "Sí, eliminar" an address/server; cb:keep:<client> Cancelar
    cb:ls:<n|p>:<cursor id>:<q:text|d:draft> the list's Anterior / Siguiente
    cb:pw:<client>                          which server's password; option: server id
    cb:ed:<client>                          "Editar"'s section Select; options `SECTION_OPTION`
    cb:hi:<client>:<n|p>:<cursor id>        a client's history, Anterior / Siguiente
    cb:form:<32 hex>                        a section modal (its form id)
    cb:ub:<step>:<client>:<version>:<address or 0>:…   the address picker
    cb:pf:<source>:<client>                 "Completar con …": the next section with a source's values
"""

from __future__ import annotations

from bot import record_id
from commands.prefill import SOURCES as PREFILL_SOURCES

# A database id inside a custom_id template (see `bot.record_id`).
ID = record_id.PATTERN
parse_id = record_id.parse
CUSTOM_ID_MAX = 100

# ------------------------------------------------------------------ the card
CARD_ACTIONS = ("addr", "contact", "integ", "srv", "edit", "pw", "share", "del", "chan", "hist")
CARD_BUTTON = rf"cb:c:(?P<action>{'|'.join(CARD_ACTIONS)}):(?P<cid>{ID}):(?P<ver>{ID})"


def card_button(action: str, client_id: int, version: int) -> str:
    return f"cb:c:{action}:{client_id}:{version}"


# ------------------------------------------------------------------ picking a client
PICK_ACTIONS = ("ver", "editar", "eliminar", "restaurar", "canales", "historial")
PICK_CLIENT = rf"cb:pick:(?P<action>{'|'.join(PICK_ACTIONS)})"


def pick_client(action: str) -> str:
    return f"cb:pick:{action}"


# ------------------------------------------------------------------ delete / undo
CONFIRM_DELETE = rf"cb:del:(?P<cid>{ID}):(?P<ver>{ID})"
UNDO_DELETE = rf"cb:undo:(?P<cid>{ID})"


def confirm_delete(client_id: int, version: int) -> str:
    return f"cb:del:{client_id}:{version}"


def undo_delete(client_id: int) -> str:
    return f"cb:undo:{client_id}"


# ------------------------------------------------------------------ forms
FIX = r"cb:fix:(?P<draft>[0-9a-f]{32})"
FORM_PREFIX = "cb:form:"


def fix(draft_id: str) -> str:
    return f"cb:fix:{draft_id}"


def form(form_id: str) -> str:
    """A section modal's custom_id: unique per opening (discord.py keys open modals by it)."""
    return f"{FORM_PREFIX}{form_id}"


# ------------------------------------------------------------------ addresses and servers of a card
ITEM_SELECT = rf"cb:it:(?P<cid>{ID}):(?P<ver>{ID}):(?P<page>{ID})"
CONFIRM_REMOVE = rf"cb:rm:(?P<kind>[as]):(?P<cid>{ID}):(?P<ver>{ID}):(?P<iid>{ID})"
KEEP_CARD = rf"cb:keep:(?P<cid>{ID})"
ITEM_KINDS = {"a": "address", "s": "server"}  # the letter an item's code starts with


def item_select(client_id: int, version: int, page: int) -> str:
    return f"cb:it:{client_id}:{version}:{page}"


def confirm_remove(kind: str, client_id: int, version: int, item_id: int) -> str:
    return f"cb:rm:{kind[0]}:{client_id}:{version}:{item_id}"


def keep_card(client_id: int) -> str:
    return f"cb:keep:{client_id}"


def item_code(kind: str, item_id: int) -> str:
    """`a<id>` / `s<id>`: how selects name an address or a server in an option value."""
    return f"{kind[0]}{item_id}"


def mark_main_option(code: str) -> str:
    return f"m{code}"


def remove_option(code: str) -> str:
    return f"r{code}"


def page_option(page: int) -> str:
    return f"p{page}"


def item_option(value: str) -> tuple[str, str, int] | None:
    """An option of "Direcciones y servidores…": ("page", "", n), ("main", "address", id) or
    ("remove", kind, id); None for anything malformed."""
    if value.startswith("p") and (page := parse_id(value[1:])) is not None:
        return "page", "", page
    if value[:2] == "ma" and (address_id := parse_id(value[2:])) is not None:
        return "main", "address", address_id
    if value[:1] == "r" and value[1:2] in ITEM_KINDS and (item_id := parse_id(value[2:])) is not None:
        return "remove", ITEM_KINDS[value[1:2]], item_id
    return None


# ------------------------------------------------------------------ the list
LIST_PAGE = rf"cb:ls:(?P<dir>[np]):(?P<id>{ID}):(?P<ref>[qd]:.*)"


def list_page(direction: str, cursor_id: int | None, ref: str) -> str:
    return f"cb:ls:{direction}:{cursor_id or 0}:{ref}"[:CUSTOM_ID_MAX]


def query_ref(query: str, draft_id: str | None = None) -> str:
    """The tail of a list button's custom_id: `q:<query>` or, for long queries, `d:<draft id>`."""
    return f"d:{draft_id}" if draft_id else f"q:{query}"


def query_fits(query: str) -> bool:
    """Whether a search travels in the button itself (else it is kept in a FormDraft)."""
    return len(f"cb:ls:n:{10**12}:q:{query}") <= CUSTOM_ID_MAX


# ------------------------------------------------------------------ a client's history
HISTORY_PAGE = rf"cb:hi:(?P<cid>{ID}):(?P<dir>[np]):(?P<id>{ID})"


def history_page(client_id: int, direction: str, cursor_id: int | None) -> str:
    return f"cb:hi:{client_id}:{direction}:{cursor_id or 0}"


# ------------------------------------------------------------------ password, edit menu
PASSWORD_SELECT = rf"cb:pw:(?P<cid>{ID})"
SECTION_SELECT = rf"cb:ed:(?P<cid>{ID})"
ROW_SECTIONS = ("client", "contact", "integrations")  # sections of the client row itself


def password_select(client_id: int) -> str:
    return f"cb:pw:{client_id}"


def section_select(client_id: int) -> str:
    return f"cb:ed:{client_id}"


def section_option(value: str) -> tuple[str, int | None] | None:
    """An option of "Editar": (row section, None), ("server", id) or ("address", id); None if malformed."""
    if value in ROW_SECTIONS:
        return value, None
    kind = ITEM_KINDS.get(value[:1])
    item_id = parse_id(value[1:])
    return (kind, item_id) if kind and item_id is not None else None


# ------------------------------------------------------------------ the address picker
OTHER_COUNTRY = "-"  # "Otro país": no ubigeo, País typed in the modal
_HEAD = rf"(?P<cid>{ID}):(?P<ver>{ID}):(?P<aid>{ID})"
UBIGEO_DEPARTAMENTO = rf"cb:ub:dep:{_HEAD}"
UBIGEO_PROVINCIA = rf"cb:ub:prv:{_HEAD}:(?P<dep>\d{{2}})"
UBIGEO_DISTRITO = rf"cb:ub:dis:{_HEAD}:(?P<prov>\d{{4}}):(?P<page>{ID})"
UBIGEO_MORE = rf"cb:ub:mas:{_HEAD}:(?P<prov>\d{{4}}):(?P<page>{ID}):(?P<dist>\d{{6}}|-)"
UBIGEO_CONTINUE = rf"cb:ub:go:{_HEAD}:(?P<code>\d{{6}}|-)"


def ubigeo_head(client_id: int, version: int, address_id: int) -> str:
    return f"{client_id}:{version}:{address_id}"


def ubigeo_departamento(head: str) -> str:
    return f"cb:ub:dep:{head}"


def ubigeo_provincia(head: str, dep: str) -> str:
    return f"cb:ub:prv:{head}:{dep}"


def ubigeo_distrito(head: str, prov: str, page: int) -> str:
    return f"cb:ub:dis:{head}:{prov}:{page}"


def ubigeo_more(head: str, prov: str, page: int, dist: str) -> str:
    return f"cb:ub:mas:{head}:{prov}:{page}:{dist or '-'}"


def ubigeo_continue(head: str, code: str) -> str:
    return f"cb:ub:go:{head}:{code}"


# ------------------------------------------------------------------ continuing with pre-filled values
# Only the source and the client travel: the values wait server-side under an id that includes who
# clicked (`commands.prefill`), so a forged button finds nothing. A source not listed matches no template.
PREFILL = rf"cb:pf:(?P<source>{'|'.join(PREFILL_SOURCES)}):(?P<cid>{ID})"


def prefill(source: str, client_id: int) -> str:
    return f"cb:pf:{source}:{client_id}"


# SUNAT's padrón (`/clientes sunat`): `texts().padron_register` carries the RUC; the pages carry the page
# and the query (the command's option is short enough for the query to fit).
SUNAT_REGISTER = r"cb:su:r:(?P<ruc>\d{11})"
SUNAT_PAGE = r"cb:su:p:(?P<page>\d{1,6}):(?P<query>.*)"


def sunat_register(ruc: str) -> str:
    return f"cb:su:r:{ruc}"


def sunat_page(page: int, query: str) -> str:
    return f"cb:su:p:{page}:{query}"[:CUSTOM_ID_MAX]
