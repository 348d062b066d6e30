"""Every sentence a user reads that is not a field label, written once for every adapter.

`texts()` is the catalogue `BOT_LOCALE` selects (only Spanish exists). A sentence that quotes user
values takes them as parameters: a chat passes them already escaped for its markup (or formatted,
e.g. bold), the console and the HTTP API pass them as typed. Adding a language is one more `Texts`
instance in `CATALOGUES`; no adapter changes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


def _thousands(number: int) -> str:
    """2000000 → '2.000.000', as numbers are written in Peru."""
    return f"{number:,}".replace(",", ".")


@dataclass(frozen=True)
class Texts:
    # ---- failures
    unexpected: str
    storage_unavailable: str
    form_expired: str
    section_gone: str
    item_gone: str  # a card's address or server that someone removed meanwhile
    card_section_gone: str  # a card button naming a section that no longer exists
    stale_action: str
    too_slow: Callable[[str], str]  # platform
    saved_unsent: Callable[[str], str]  # platform: the change committed, the platform refused the reply
    deleted_unsent: Callable[[str], str]
    form_refused: Callable[[str], str]  # platform
    conflict: Callable[[str, int], str]  # name, current version
    forbidden_view: str
    forbidden_edit: str
    forbidden_delete: str
    forbidden_reveal: str
    # ---- finding clients
    ambiguous: Callable[[str], str]  # what was typed
    no_client: Callable[[int, bool], str]  # id, among the deleted
    no_match: Callable[[str, bool], str]  # what was typed, among the deleted
    no_address: Callable[[str, int], str]  # name, address id
    no_server: Callable[[str, int], str]  # name, server id
    no_password: Callable[[str], str]  # server host or IP
    no_clients_yet: str
    no_clients_match: str
    page_caption: Callable[[int, int, int], str]  # page number, page count, total clients
    # ---- changes
    changes_saved: str
    section_saved: Callable[[str], str]  # section title
    created: Callable[[str], str]  # name
    deleted: Callable[[str, str], str]  # name, document
    restored: Callable[[str], str]  # name
    delete_client_title: str
    delete_client_question: Callable[[str, str], str]  # name, document
    delete_client_dialog: Callable[[str], str]  # name: the platform's own "are you sure?" after the question
    delete_item_question: Callable[[str, str, str], str]  # item title, name, document
    nothing_deleted: str
    main_address_changed: str
    address_removed: str
    server_removed: str
    document_taken: Callable[[str, str, int], str]  # "RUC 20100070970", holder's name, holder's id
    document_just_taken: str
    restore_refused: Callable[[str, str, str, int], str]  # name, document, holder's name, holder's id
    # ---- channels
    platform_names: dict[str, str]
    no_channels: Callable[[str], str]  # name
    no_channel_for: Callable[[str, str], str]  # name, "slack ni de discord"
    channel_topic: Callable[[str, str], str]  # name, document
    channel_welcome: Callable[[str, str], str]  # name, document: above the card in the client's channel
    channel_linked: Callable[[str], str]  # name
    client_user: Callable[[str], str]  # the mention of the client's Discord user
    client_user_missing: Callable[[str], str]  # the Discord user as typed
    channel_announced: Callable[[str, str, bool, str], str]  # name, document, created, channel mention

    # ---- padrón (SUNAT)
    padron_source: Callable[[str], str]  # fecha: where a pre-filled value came from
    padron_warning: Callable[[str, str], str]  # estado, condición: a taxpayer not ACTIVO or not HABIDO
    padron_file_errors: dict[str, str]  # storage.padron_file.PadronFileError.reason → sentence, "{path}" inside
    padron_bad_fecha: Callable[[str], str]  # as typed
    padron_busy: str
    padron_empty: str
    padron_not_loaded: str
    padron_loaded: Callable[[str, str, int, float, float], str]  # fecha, source, rows, seconds, lines/s
    padron_malformed_line: Callable[[int, int], str]  # line number, fields it had (0: a RUC not of 11 digits)
    padron_malformed_more: Callable[[int], str]  # not listed
    padron_duplicates: Callable[[int], str]
    padron_unknown_ubigeos: Callable[[int, str], str]  # count, the first few
    padron_check_columns: tuple[str, ...]
    padron_check_kinds: dict[str, str]  # name, estado, condicion, missing
    padron_check_differ: Callable[[int, int, str], str]  # differing, clients with RUC, fecha
    padron_check_same: Callable[[int, str], str]  # clients with RUC, fecha

    def platform(self, platform: str) -> str:
        return self.platform_names.get(platform, platform)


ES = Texts(
    unexpected="Ocurrió un error inesperado. Intente de nuevo y, si persiste, avise al equipo.",
    storage_unavailable=(
        "La base de datos no está disponible en este momento (bloqueada o inaccesible). "
        "No se guardó nada; intente de nuevo en unos segundos."
    ),
    form_expired="El formulario caducó o ya fue enviado; ábralo de nuevo.",
    section_gone="Esa sección del formulario no existe; abra el formulario de nuevo.",
    item_gone="Esa dirección o servidor ya no está en la ficha; esta es la ficha actual.",
    card_section_gone="Esa sección ya no existe; abra la ficha de nuevo.",
    stale_action=(
        "Esta acción ya no es válida (el botón o la opción no corresponde a nada actual). "
        "Abra la ficha de nuevo con /clientes ver."
    ),
    too_slow=lambda platform: (
        f"La base de datos tardó demasiado en responder y {platform} no espera más de 3 segundos. Pulse de nuevo."
    ),
    saved_unsent=lambda platform: (
        f"Se guardó, pero {platform} no aceptó la respuesta; use /clientes ver para ver el resultado."
    ),
    deleted_unsent=lambda platform: (
        f"Se eliminó, pero {platform} no aceptó la respuesta; use /clientes restaurar para deshacerlo."
    ),
    form_refused=lambda platform: (
        f"{platform} no aceptó abrir el formulario; no se guardó nada. "
        "Intente de nuevo y, si persiste, avise al equipo."
    ),
    conflict=lambda name, version: (
        f"El cliente «{name}» fue modificado por otra persona mientras editaba (versión actual {version}). "
        "No se guardó nada: revise los valores actuales y vuelva a intentarlo."
    ),
    forbidden_view="No tiene permiso para ver clientes.",
    forbidden_edit="No tiene permiso para crear ni editar clientes.",
    forbidden_delete="No tiene permiso para eliminar ni restaurar clientes.",
    forbidden_reveal=(
        "No tiene permiso para ver contraseñas de servidores: un administrador debe incluirlo en "
        "CLIENTES_SECRET_VIEWERS (o CLIENTES_ADMINS)."
    ),
    ambiguous=lambda typed: f"Varios clientes coinciden con «{typed}»: elija uno.",
    no_client=lambda client_id, deleted: (
        f"No existe el cliente #{client_id}" + (" entre los eliminados." if deleted else ".")
    ),
    no_match=lambda typed, deleted: (
        "No se encontró ningún cliente" + (" entre los eliminados" if deleted else "") + f" con «{typed}»."
    ),
    no_address=lambda name, address_id: f"El cliente «{name}» no tiene la dirección {address_id}.",
    no_server=lambda name, server_id: f"El cliente «{name}» no tiene el servidor {server_id}.",
    no_password=lambda server: f"El servidor {server} no tiene contraseña guardada.",
    no_clients_yet="Aún no hay clientes.",
    no_clients_match="No hay clientes que coincidan.",
    page_caption=lambda number, count, total: f"Página {number} de {count} · {total} cliente(s)",
    changes_saved="Cambios guardados",
    section_saved=lambda title: f"Se guardó «{title}».",
    created=lambda name: f"Cliente «{name}» registrado. Complete las demás secciones con los botones.",
    deleted=lambda name, document: f"Cliente «{name}» ({document}) eliminado.",
    restored=lambda name: f"Cliente «{name}» restaurado.",
    delete_client_title="¿Eliminar cliente?",
    delete_client_question=lambda name, document: f"¿Eliminar a «{name}» ({document})? Podrá deshacerlo.",
    delete_client_dialog=lambda name: f"Se eliminará «{name}». Podrá deshacerlo.",
    delete_item_question=lambda item, name, document: (
        f"¿Eliminar {item} de «{name}» ({document})? Esta acción no se puede deshacer."
    ),
    nothing_deleted="No se eliminó nada.",
    main_address_changed="Dirección principal cambiada.",
    address_removed="Dirección eliminada.",
    server_removed="Servidor eliminado.",
    document_taken=lambda document, holder, holder_id: (
        f"ya existe un cliente con {document}: «{holder}» (#{holder_id})."
    ),
    document_just_taken="otro usuario acaba de registrar ese documento.",
    restore_refused=lambda name, document, holder, holder_id: (
        f"no se puede restaurar «{name}»: su documento {document} ahora pertenece a «{holder}» (#{holder_id})."
    ),
    platform_names={"slack": "Slack", "discord": "Discord"},
    no_channels=lambda name: f"«{name}» no tiene canal de Slack ni de Discord (se indican en «Datos Servidor»).",
    no_channel_for=lambda name, platforms: f"El cliente «{name}» no tiene canal de {platforms}.",
    channel_topic=lambda name, document: f"Cliente: {name} · {document}",
    channel_welcome=lambda name, document: f"Canal del cliente {name} ({document}). Esta es su ficha:",
    channel_linked=lambda name: f"Este canal quedó vinculado al cliente {name}.",
    client_user=lambda mention: f"Usuario de Discord del cliente: {mention}.",
    client_user_missing=lambda typed: (
        f"No se encontró al usuario de Discord «{typed}» en el servidor: agréguelo al canal a mano cuando se una."
    ),
    channel_announced=lambda name, document, created, channel: (
        f"Nuevo cliente: {name} ({document}) · {'canal nuevo' if created else 'canal vinculado'} {channel}"
    ),
    # ---- padrón (SUNAT)
    padron_source=lambda fecha: f"SUNAT, padrón del {fecha}",
    padron_warning=lambda estado, condicion: f"SUNAT: {estado} · {condicion}",
    padron_file_errors={
        "missing": "No existe el archivo «{path}».",
        "directory": "«{path}» es una carpeta; indique el archivo padron_reducido_ruc.zip o su .txt.",
        "permission": "Sin permiso para leer «{path}».",
        "unreadable": "No se pudo leer «{path}» como el padrón (.zip o .txt).",
        "zip_without_txt": "El .zip «{path}» no contiene ningún .txt (¿es padron_reducido_ruc.zip de SUNAT?).",
    },
    padron_bad_fecha=lambda typed: f"--fecha «{typed}» no es una fecha AAAA-MM-DD (por ejemplo 2026-11-28).",
    padron_busy="Ya hay una carga del padrón en curso en esta base de datos; espere a que termine.",
    padron_empty="El archivo no tiene ninguna línea válida del padrón; se mantiene la carga anterior.",
    padron_not_loaded="Aún no se cargó el padrón de SUNAT: use «clientes-bot padron import ARCHIVO».",
    padron_loaded=lambda fecha, source, rows, seconds, rate: (
        f"Padrón del {fecha} cargado desde «{source}»: {_thousands(rows)} contribuyentes en {seconds:.1f} s "
        f"({_thousands(round(rate))} líneas/s)."
    ),
    padron_malformed_line=lambda line, pieces: (
        f"Línea {line}: el RUC no tiene 11 dígitos; se omitió."
        if pieces == 0
        else f"Línea {line}: tiene {pieces} campos en lugar de 15; se omitió."
    ),
    padron_malformed_more=lambda count: f"… y {_thousands(count)} línea(s) mal formadas más, también omitidas.",
    padron_duplicates=lambda count: (
        f"{_thousands(count)} RUC repetido(s) en el archivo: se conservó la última línea de cada uno."
    ),
    padron_unknown_ubigeos=lambda count, first: (
        f"{count} código(s) UBIGEO del padrón no están en la lista de distritos del bot: {first}."
    ),
    padron_check_columns=("Número", "Nombre en el registro", "Nombre en el padrón", "Estado", "Condición", "Difiere"),
    padron_check_kinds={
        "name": "nombre",
        "estado": "estado",
        "condicion": "condición",
        "missing": "no figura en el padrón",
    },
    padron_check_differ=lambda differing, total, fecha: (
        f"{differing} de {total} cliente(s) con RUC difieren del padrón del {fecha}."
    ),
    padron_check_same=lambda total, fecha: (
        f"Los {total} cliente(s) con RUC coinciden con el padrón del {fecha}."
        if total
        else f"No hay clientes con RUC que comparar con el padrón del {fecha}."
    ),
)

CATALOGUES: dict[str, Texts] = {"es": ES}
_selected = ES


def select(locale: str) -> None:
    """Chooses the catalogue once at start-up (`BOT_LOCALE`); an unknown locale keeps Spanish."""
    global _selected
    _selected = CATALOGUES.get(locale, ES)


def texts() -> Texts:
    """The catalogue in use."""
    return _selected
