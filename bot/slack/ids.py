"""Every callback_id and action_id the app registers, in one place so renderers and handlers agree."""

from __future__ import annotations

from re import Pattern
from typing import Any

COMMAND = "/clientes"

# Modals (callback_id)
VIEW_CREATE = "clientes_nuevo"
VIEW_EDIT_PICK = "clientes_editar_seccion"
VIEW_EDIT = "clientes_editar"
VIEW_DONE = "clientes_guardado"

# Inputs whose options come from the app (external_select)
OPT_COUNTRY = "country"
OPT_UBIGEO = "ubigeo"
PICK_SECTION = "seccion"

# Buttons and menus (action_id)
CREATE_ADD_ADDRESS = "nuevo_agregar_direccion"
CREATE_ADD_SERVER = "nuevo_agregar_servidor"
LIST_PAGE = "lista_pagina"  # Anterior / Siguiente share the handler; value carries cursor + query
LIST_PAGE_PREV = "lista_anterior"
LIST_PAGE_NEXT = "lista_siguiente"
CLIENT_VIEW = "cliente_ver"
CLIENT_EDIT = "cliente_editar"
CLIENT_ADD_ADDRESS = "cliente_agregar_direccion"
CLIENT_ADD_SERVER = "cliente_agregar_servidor"
CLIENT_REVEAL = "cliente_ver_contrasena"
CLIENT_DELETE = "cliente_eliminar"
CLIENT_RESTORE = "cliente_restaurar"
CLIENT_SHARE = "cliente_compartir"
CLIENT_CHANNELS = "cliente_canales"  # see and retry the client's Slack/Discord channels; value: client id
CLIENT_PICK = "cliente_elegir"  # a choice among ambiguous matches; value "command:id"
CLIENT_HISTORY = "cliente_historial"  # the card's Historial; value: client id
HISTORY_PREV = "historial_anterior"  # value "<client id>:<cursor>"
HISTORY_NEXT = "historial_siguiente"
CARD_ITEM = "ficha_elemento"  # the overflow menu of an address or server section; option value: ItemAction
ITEM_REMOVE = "elemento_eliminar"  # "Eliminar" on the confirmation that replaces the card; value: ItemAction
ITEM_KEEP = "elemento_conservar"  # "Cancelar" on that confirmation; value: ItemAction (the card comes back)

# The Home tab and the message shortcut
HOME_NEW = "inicio_nuevo"  # "Nuevo cliente" on the Home tab
SHORTCUT_REGISTER = "registrar_cliente"  # message shortcut: the create form pre-filled from the message

# Block ids of the card: buttons under one of these came from a card, whose message a change replaces.
CARD_BLOCK = "ficha"

# SUNAT's padrón (issue 9)
RUC_TYPED: dict[str, str | Pattern[Any]] = {
    "block_id": "client.doc_number",
    "action_id": "doc_number",
}  # Número dispatches on enter (create form, and the edit of Datos del cliente)
SUNAT_REGISTER = "sunat_registrar"  # value: the RUC; opens the create form pre-filled
SUNAT_PAGE_PREV = "sunat_anterior"  # value: "<page>:<query>"
SUNAT_PAGE_NEXT = "sunat_siguiente"
