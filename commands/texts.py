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
    channel_topic: Callable[[str, str, int], str]  # name, document, client id (points back to the card)
    channel_welcome: Callable[[str, str], str]  # name, document: above the card in the client's channel
    channel_linked: Callable[[str], str]  # name
    client_user: Callable[[str], str]  # the mention of the client's Discord user
    client_user_missing: Callable[[str], str]  # the Discord user as typed
    channel_announced: Callable[[str, str, bool, str], str]  # name, document, created, channel mention
    # ---- truthful states and clearing (issue 11, forms)
    channel_unconfigured: Callable[[str], str]  # platform name: a channel this process cannot create
    client_deleted: Callable[[str, str, int], str]  # name, document, id: `ver` of a deleted client
    deleted_matches: Callable[[str], str]  # what was typed: only deleted clients match it
    clear_rule: str  # how to empty an optional field when editing (ayuda)
    clear_form: str  # the same, under a chat's edit form
    clear_hint: str  # the same, short enough for one field's hint (Discord: ≤ 100 characters)
    password_visible: Callable[[str], str]  # platform: a chat without a hidden input shows what is typed
    password_keep_visible: Callable[[str], str]  # platform: the same on edit, with "blank keeps it"
    # ---- home tab and "Registrar cliente" from a message
    home_title: str
    home_recent: str
    home_channel_problems: str
    home_retry: str
    home_refreshed: str
    register_from_message: str  # the message shortcut's / context command's name
    prefilled_from_message: Callable[[str], str]  # the labels found: above the pre-filled create form
    nothing_in_message: str
    # ---- continuing with pre-filled values (a message's, SUNAT's next): Discord's later sections
    complete_from_message: str  # the button under the saved card
    values_left_from_message: Callable[[str], str]  # the labels still to place, under the saved card
    form_from_message: Callable[[str], str]  # ≤ 100: the create modal's note, labels of what it shows
    later_from_message: Callable[[str], str]  # ≤ 100: the note when only later sections have values
    prefill_gone: str
    # ---- console (the terminal adapter's own prompts and answers)
    console_welcome: str
    console_goodbye: str
    console_cancel_hint: str
    console_cancelled: str
    console_cancelled_short: str
    console_nothing_to_cancel: str
    console_unknown_command: Callable[[str], str]  # what was typed
    console_no_more_pages: str
    console_list_title: str
    console_list_title_query: Callable[[str], str]  # what was searched
    console_list_next: str
    console_list_prev: str
    console_history_next: str  # under a console history page with older changes
    console_trash_hint: str  # after the trash title on the console
    console_trash_column: str  # the console trash's extra column: who deleted it, and when
    console_new_client: Callable[[str], str]  # the cancel hint
    console_created: Callable[[int], str]  # client id
    console_deleted: Callable[[str, int], str]  # the core's notice, client id
    console_channel_line: Callable[[str, str], str]  # platform, channel state
    console_save_again: str
    console_fix_and_save: str
    console_review_section: str
    console_pick_client: str
    console_pick_option: str
    console_pick_district: str
    console_pick_range: Callable[[int], str]  # how many options
    console_section_question: str
    console_edit_menu: tuple[str, ...]  # in the order of the console's edit choices
    console_which_address: str
    console_which_server: str
    console_item_question: Callable[[str], str]  # "Dirección 2 (Av. Larco 345)"
    console_item_edit: str
    console_item_main: str
    console_item_remove: str
    console_no_addresses: Callable[[str, str], str]  # name, the menu option that adds one ("2) …")
    console_no_servers: Callable[[str, str], str]  # name, the menu option that adds one ("6) …")
    console_optional: str  # after an optional field's label
    console_optional_clear: str  # an optional field that has a value: "-" clears it
    console_password_keep_typed: str
    console_password_keep_stored: str
    console_district_prompt: str
    console_district_not_found: Callable[[str], str]  # what was typed
    console_yes_no: str
    console_line_not_text: Callable[[str], str]  # the stream's encoding
    console_line_too_long: Callable[[int], str]  # the limit
    console_no_address_yet: str
    console_help_title: str
    console_help_pages: str
    console_help_cancel: Callable[[str], str]  # the cancel hint
    console_help_exit: str
    # the command line (`clientes-bot`): the words typer/click would otherwise print in English
    cli_usage: str  # the usage line's prefix
    cli_options_metavar: str
    cli_command_metavar: str
    cli_try_help: str  # rich markup; {command_path} {help_option}
    cli_help_option: str
    cli_panel_arguments: str
    cli_panel_options: str
    cli_panel_commands: str
    cli_panel_error: str
    cli_aborted: str
    cli_default: str  # {} is the default value
    cli_env_var: str  # {} is the variable
    cli_required: str
    cli_deprecated: str
    cli_no_command: str
    cli_no_such_command: Callable[[str, list[str]], str]  # typed, close matches
    cli_no_such_option: Callable[[str, list[str]], str]  # typed, close matches
    cli_option_needs_value: Callable[[str], str]  # option
    cli_option_takes_no_value: Callable[[str], str]  # option
    cli_missing_argument: Callable[[str], str]  # argument's metavar
    cli_missing_option: Callable[[str], str]  # option
    cli_bad_value: Callable[[str, str], str]  # parameter, why
    cli_extra_arguments: Callable[[str], str]  # the arguments left over
    # ---- exportar (hojas de cálculo)
    forbidden_export: str
    export_ready: Callable[[int], str]  # clients in the file: the file's own message
    export_sent_dm: Callable[[int], str]  # clients in the file: the ephemeral note in the channel
    export_saved: Callable[[int, str], str]  # clients, file path: the console's `exportar`
    export_not_saved: Callable[[str, str], str]  # file path, reason
    # ---- change notices, history, trash (issue 8)
    audit_actions: dict[str, str]  # audit action -> what the person did ("editó Otros Datos")
    audit_action_other: str  # an action recorded by a newer version
    bot_name: str  # who did what the bot did by itself (a channel it could not create)
    secret_changed: str  # instead of a password's values, in notices and history
    notice_headline: Callable[[str, str, str, str], str]  # who, what, client name, document
    forbidden_history: str
    no_history: Callable[[str], str]  # client name
    history_title: Callable[[str], str]  # client name
    history_caption: Callable[[int, int], str]  # page number, entries on the pages so far
    history_from: Callable[[str], str]  # platform name: "desde Slack"
    trash_title: str
    trash_empty: str
    trash_row: Callable[[str, str], str]  # who deleted, when
    card_command: Callable[[int], str]  # client id: the command that shows its card
    # ---- list search and paging (search fields, orden:nombre, capped count)
    page_caption_more: Callable[[int | None, int], str]  # page number (None: unknown), the cap: "more than N"

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
    # ---- padrón (SUNAT) in forms, cards and the sunat command
    padron_card_status: str  # the card's row label
    padron_card_source: str
    padron_labels: dict[str, str]  # name, ruc, estado, condicion, district, domicilio, source
    padron_prefilled: Callable[[str], str]  # source: over a form the padrón pre-filled
    padron_ruc_absent: Callable[[str, str], str]  # ruc, fecha
    padron_no_match: Callable[[str, str], str]  # text, fecha
    padron_sunat_usage: str
    padron_answer_title: Callable[[str, str], str]  # query, fecha
    padron_register: str  # the button/question that registers a taxpayer as a client
    padron_pick_register: str  # console: which one of the page to register
    padron_console_register: Callable[[str], str]  # ruc: the command that registers it
    complete_from_sunat: str  # Discord: the button under the saved card (commands.prefill source "sunat")
    values_left_from_sunat: Callable[[str], str]  # the labels still offered
    padron_form_note: Callable[[str], str]  # ≤ 100, fecha: Discord's create form opened from the padrón
    padron_prefill_gone: str  # a «Completar con SUNAT» whose values were used or expired
    # ---- padrón en edición (Datos del cliente edited: what SUNAT says of the RUC typed, its name offered)
    padron_edit_says: Callable[[str, str, str, str], str]  # source, name, estado, condición
    padron_edit_name_proposed: str  # the padrón's name was put in Nombre (the RUC changed; not saved yet)
    padron_edit_name_differs: Callable[[str], str]  # the Nombre shown, kept: it differs from SUNAT's

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
    channel_topic=lambda name, document, client_id: f"Cliente: {name} · {document} · Ficha: /clientes ver #{client_id}",
    channel_welcome=lambda name, document: f"Canal del cliente {name} ({document}). Esta es su ficha:",
    channel_linked=lambda name: f"Este canal quedó vinculado al cliente {name}.",
    client_user=lambda mention: f"Usuario de Discord del cliente: {mention}.",
    client_user_missing=lambda typed: (
        f"No se encontró al usuario de Discord «{typed}» en el servidor: agréguelo al canal a mano cuando se una."
    ),
    channel_announced=lambda name, document, created, channel: (
        f"Nuevo cliente: {name} ({document}) · {'canal nuevo' if created else 'canal vinculado'} {channel}"
    ),
    channel_unconfigured=lambda platform: f"{platform} no está configurado",
    client_deleted=lambda name, document, client_id: (
        f"El cliente «{name}» ({document}) está eliminado. Para recuperarlo: /clientes restaurar #{client_id}"
    ),
    deleted_matches=lambda typed: (
        f"Ningún cliente activo coincide con «{typed}», pero sí clientes eliminados: "
        f"/clientes restaurar {typed} para elegir y recuperar uno."
    ),
    clear_rule=(
        "Al editar, escriba «-» en un campo opcional para dejarlo vacío "
        "(en los formularios de Slack y Discord también puede borrar su texto)."
    ),
    clear_form="Para dejar vacío un campo opcional, borre su texto o escriba «-».",
    clear_hint="Opcional: bórrelo o escriba «-» para dejarlo vacío.",
    password_visible=lambda platform: (
        f"{platform} no tiene un campo de contraseña oculto: lo que escriba se verá mientras lo escribe."
    ),
    password_keep_visible=lambda platform: (
        f"En blanco conserva la actual. {platform} no la oculta: se verá mientras la escribe."
    ),
    home_title="Clientes",
    home_recent="Cambiados recientemente",
    home_channel_problems="Canales con error",
    home_retry="Ver canales",
    home_refreshed="Se actualiza cada vez que abre esta pestaña.",
    register_from_message="Registrar cliente",
    prefilled_from_message=lambda labels: (
        f"Se completó desde el mensaje: {labels}. Revise los datos; nada se guarda hasta que pulse Guardar."
    ),
    nothing_in_message=(
        "El mensaje no tiene un RUC, DNI, correo, teléfono ni sitio web reconocible: complete el formulario."
    ),
    # ---- continuing with pre-filled values (a message's, SUNAT's next): Discord's later sections
    complete_from_message="Completar con el mensaje",
    values_left_from_message=lambda labels: (
        f"Quedan del mensaje: {labels}. Pulse «Completar con el mensaje» para revisarlos; "
        "nada se guarda hasta que envíe cada formulario."
    ),
    form_from_message=lambda labels: f"Del mensaje: {labels}. Revíselo; nada se guarda hasta que envíe.",
    later_from_message=lambda labels: f"Del mensaje: {labels}. Se ofrecen al guardar este formulario.",
    prefill_gone=(
        "Los datos del mensaje ya se usaron o caducaron; no se abrió nada. Complete la sección desde la ficha."
    ),
    # ---- console (the terminal adapter's own prompts and answers)
    console_welcome="clientes-bot · consola. Escriba «ayuda» para ver los comandos, «salir» para terminar.",
    console_goodbye="Hasta luego.",
    console_cancel_hint="«cancelar» o Ctrl-C abandonan el formulario sin guardar.",
    console_cancelled="Cancelado; no se guardó nada.",
    console_cancelled_short="Cancelado.",
    console_nothing_to_cancel="No hay ningún formulario abierto que cancelar.",
    console_unknown_command=lambda typed: f"No conozco «{typed}».",
    console_no_more_pages="No hay más páginas en esa dirección.",
    console_history_next="«siguiente» para ver cambios anteriores",
    console_trash_hint="«restaurar #id» para traer uno de vuelta",
    console_trash_column="Eliminado",
    console_list_title="Clientes",
    console_list_title_query=lambda query: f"Clientes que coinciden con «{query}»",
    console_list_next="«siguiente» para avanzar",
    console_list_prev="«anterior» para volver",
    console_new_client=lambda hint: f"Cliente nuevo: {hint}",
    console_created=lambda client_id: f"✓ Cliente #{client_id} registrado.",
    console_deleted=lambda notice, client_id: f"✓ {notice} Para deshacer: restaurar #{client_id}",
    console_channel_line=lambda platform, state: f"Canal {platform}: {state}",
    console_save_again="¿Intentar guardar de nuevo?",
    console_fix_and_save="No se guardó: corrija lo indicado (Enter conserva lo que escribió).",
    console_review_section="No se guardó: revise la sección (Enter conserva lo que escribió).",
    console_pick_client="Elija el cliente de la lista (Enter cancela)",
    console_pick_option="Elija una opción (Enter cancela)",
    console_pick_district="Elija el distrito de la lista",
    console_pick_range=lambda count: f"Escriba la posición en la lista, del 1 al {count}.",
    console_section_question="¿Qué desea editar? (Enter cancela)",
    console_edit_menu=(
        "Datos del cliente (documento, Nombre, Código interno, Nombre Comercial)",
        "Dirección: agregar una",
        "Dirección: editar, marcar como principal o eliminar una",
        "Otros Datos (Nombre y Apellido, Teléfono, Sitio Web)",
        "Datos Servidor (usuarios de Gitlab y Discord, canales de Slack y Discord)",
        "Datos del servidor (Host, IP, Usuario, Contraseña): agregar uno",
        "Datos del servidor (Host, IP, Usuario, Contraseña): editar o eliminar uno",
    ),
    console_which_address="¿Qué dirección? (Enter cancela)",
    console_which_server="¿Qué servidor? (Enter cancela)",
    console_item_question=lambda item: f"¿Qué hacer con {item}? (Enter cancela)",
    console_item_edit="Editar",
    console_item_main="Marcar como dirección principal",
    console_item_remove="Eliminar",
    console_no_addresses=lambda name, option: f"«{name}» no tiene direcciones: elija «{option}» para agregar una.",
    console_no_servers=lambda name, option: f"«{name}» no tiene servidores: elija «{option}» para agregar uno.",
    console_optional="opcional",
    console_optional_clear="opcional, «-» para borrarlo",
    console_password_keep_typed="en blanco conserva la que escribió",
    console_password_keep_stored="en blanco conserva la actual",
    console_district_prompt="Distrito (nombre o ubigeo; Departamento y Provincia se completan solos)",
    console_district_not_found=lambda typed: f"Distrito: no se encontró «{typed}» en el ubigeo INEI.",
    console_yes_no="s/n",
    console_line_not_text=lambda encoding: f"La línea no es texto válido ({encoding}); no se leyó, escríbala de nuevo.",
    console_line_too_long=lambda limit: (
        f"La línea es demasiado larga (más de {limit} caracteres); no se leyó, escríbala de nuevo."
    ),
    console_no_address_yet="Dirección: sin direcciones",
    console_help_title="Comandos (también sin /clientes):",
    console_help_pages="siguiente / anterior — moverse por la última lista",
    console_help_cancel=lambda hint: f"cancelar — en un formulario: {hint}",
    console_help_exit="salir — terminar (también Ctrl-C o Ctrl-D en esta línea)",
    cli_usage="Uso: ",
    cli_options_metavar="[OPCIONES]",
    cli_command_metavar="COMANDO [ARGUMENTOS]...",
    cli_try_help="Para ver la ayuda: [blue]{command_path} {help_option}[/]",
    cli_help_option="Muestra esta ayuda y termina.",
    cli_panel_arguments="Argumentos",
    cli_panel_options="Opciones",
    cli_panel_commands="Comandos",
    cli_panel_error="Error",
    cli_aborted="Cancelado.",
    cli_default="[por defecto: {}]",
    cli_env_var="[variable de entorno: {}]",
    cli_required="[obligatorio]",
    cli_deprecated="(obsoleto) ",
    cli_no_command="Falta el comando: elija uno de la lista de --help.",
    cli_no_such_command=lambda typed, close: (
        f"No existe el comando «{typed}»." + (f" ¿Quiso decir {' o '.join(close)}?" if close else "")
    ),
    cli_no_such_option=lambda typed, close: (
        f"No existe la opción «{typed}»." + (f" ¿Quiso decir {' o '.join(close)}?" if close else "")
    ),
    cli_option_needs_value=lambda option: f"La opción {option} necesita un valor.",
    cli_option_takes_no_value=lambda option: f"La opción {option} no admite un valor.",
    cli_missing_argument=lambda name: f"Falta el argumento {name}.",
    cli_missing_option=lambda option: f"Falta la opción {option}.",
    cli_bad_value=lambda name, why: f"Valor no válido para {name}: {why}",
    cli_extra_arguments=lambda extra: f"Sobran argumentos: {extra}.",
    # ---- exportar (hojas de cálculo)
    forbidden_export=(
        "Solo los administradores (CLIENTES_ADMINS) pueden exportar el registro de clientes: pídaselo a uno."
    ),
    export_ready=lambda count: (
        f"Registro de clientes: {count} cliente(s), una fila por cliente, sin contraseñas. Solo para usted: "
        "no lo comparta en un canal."
    ),
    export_sent_dm=lambda count: f"Le envié por mensaje directo la hoja con {count} cliente(s) (sin contraseñas).",
    export_saved=lambda count, path: f"Registro exportado: {count} cliente(s) en «{path}» (sin contraseñas).",
    export_not_saved=lambda path, reason: f"No se pudo escribir «{path}»: {reason}.",
    # ---- change notices, history, trash (issue 8)
    audit_actions={
        "create": "registró el cliente",
        "edit_client": "editó Datos del cliente",
        "edit_contact": "editó Otros Datos",
        "edit_integrations": "editó Datos Servidor",
        "add_address": "agregó una dirección",
        "edit_address": "editó una dirección",
        "set_main_address": "marcó otra dirección como principal",
        "remove_address": "eliminó una dirección",
        "add_server": "agregó un servidor",
        "edit_server": "editó un servidor",
        "remove_server": "eliminó un servidor",
        "delete": "eliminó el cliente",
        "restore": "restauró el cliente",
        "reveal_password": "vio la contraseña de un servidor",
        "retry_channels": "volvió a pedir los canales",
        "channel_failed": "no pudo crear el canal",
    },
    audit_action_other="hizo un cambio",
    bot_name="El bot",
    secret_changed="cambió (no se muestra)",
    notice_headline=lambda who, what, name, document: f"{who} {what} · {name} ({document})",
    forbidden_history="No tiene permiso para ver el historial de clientes.",
    no_history=lambda name: f"«{name}» aún no tiene cambios registrados.",
    history_title=lambda name: f"Historial de {name}",
    history_caption=lambda number, shown: f"Página {number} · más recientes primero · {shown} cambio(s) hasta aquí",
    history_from=lambda platform: f"desde {platform}",
    trash_title="Papelera: clientes eliminados",
    trash_empty="No hay clientes eliminados.",
    trash_row=lambda who, when: f"Eliminado por {who} el {when}",
    card_command=lambda client_id: f"/clientes ver #{client_id}",
    # ---- list search and paging (search fields, orden:nombre, capped count)
    page_caption_more=lambda number, cap: (f"Página {number} · m" if number else "M") + f"ás de {cap} clientes",
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
    # ---- padrón (SUNAT) in forms, cards and the sunat command
    padron_card_status="Estado / Condición (SUNAT)",
    padron_card_source="Fuente",
    padron_labels={
        "name": "Nombre",
        "ruc": "RUC",
        "estado": "Estado",
        "condicion": "Condición",
        "district": "Distrito",
        "domicilio": "Domicilio fiscal",
        "source": "Fuente",
    },
    padron_prefilled=lambda source: (
        f"Nombre, Distrito y Dirección propuestos según {source}; puede cambiarlos antes de guardar."
    ),
    padron_ruc_absent=lambda ruc, fecha: f"El RUC {ruc} no figura en el padrón de SUNAT del {fecha}.",
    padron_no_match=lambda typed, fecha: f"Ningún contribuyente del padrón de SUNAT del {fecha} empieza con «{typed}».",
    padron_sunat_usage="Indique un RUC o el comienzo de un nombre, por ejemplo: /clientes sunat 20100070970.",
    padron_answer_title=lambda typed, fecha: f"Padrón de SUNAT del {fecha}: «{typed}»",
    padron_register="Registrar como cliente",
    padron_pick_register="Número del contribuyente a registrar como cliente (Enter: ninguno)",
    padron_console_register=lambda ruc: f"Registrar como cliente: nuevo {ruc}",
    complete_from_sunat="Completar con SUNAT",
    values_left_from_sunat=lambda labels: (
        f"SUNAT propone: {labels}. Pulse «Completar con SUNAT» para revisarlos; "
        "nada se guarda hasta que envíe cada formulario."
    ),
    padron_form_note=lambda fecha: f"Del padrón de SUNAT del {fecha}. La dirección se propone al guardar.",
    padron_prefill_gone=(
        "Los datos del padrón de SUNAT ya se usaron o caducaron; no se abrió nada. "
        "Complete la sección desde la ficha o consulte /clientes sunat."
    ),
    # ---- padrón en edición
    padron_edit_says=lambda source, name, estado, condicion: f"Según {source}: {name} ({estado} · {condicion}).",
    padron_edit_name_proposed="Se propone ese nombre en Nombre; puede cambiarlo antes de guardar.",
    padron_edit_name_differs=lambda shown: (
        f"El Nombre «{shown}» no coincide con el de SUNAT; se mantiene salvo que usted lo cambie."
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
