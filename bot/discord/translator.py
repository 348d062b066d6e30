"""English localisations of /clientes (Spanish is the base text Discord shows by default).

Descriptions come from `commands.router.COMMANDS` (description / description_en), so the help, the
Slack manifest and Discord say the same thing. Localised names must stay lowercase `[-_\\w]{1,32}`.
"""

from __future__ import annotations

import discord
from discord import app_commands

from commands.router import COMMANDS
from commands.texts import texts

ENGLISH = (discord.Locale.american_english, discord.Locale.british_english)

GROUP_DESCRIPTION = "Registro de clientes: alta, lista, ficha, edición y baja."
CLIENT_OPTION = "Número de documento, #id o parte del nombre."
DELETED_OPTION = "Cliente eliminado: documento, #id o parte del nombre."
SUNAT_OPTION = "RUC o comienzo del nombre en el padrón de SUNAT."
TEXT_OPTION = "Nombre, documento, #canal, contacto, teléfono, correo, distrito… (orden:nombre ordena)."

CATALOG_EN: dict[str, str] = {
    "clientes": "clients",
    "nuevo": "new",
    "lista": "list",
    "ver": "show",
    "editar": "edit",
    "eliminar": "delete",
    "restaurar": "restore",
    "canales": "channels",
    "exportar": "export",
    "historial": "history",
    "ayuda": "help",
    "cliente": "client",
    "texto": "text",
    "sunat": "sunat",
    "consulta": "query",
    SUNAT_OPTION: "RUC or the start of the name in SUNAT's padrón.",
    texts().register_from_message: "Register client",  # the message context command
    GROUP_DESCRIPTION: "Client register: create, list, card, edit and delete.",
    CLIENT_OPTION: "Document number, #id or part of the name.",
    DELETED_OPTION: "Deleted client: document, #id or part of the name.",
    TEXT_OPTION: "Name, document, #channel, contact, phone, e-mail, district… (orden:nombre sorts).",
    **{spec.description: spec.description_en for spec in COMMANDS},
}


class EnglishTranslator(app_commands.Translator):
    """Discord asks for each string and locale; only English gets one (Spanish is the base text)."""

    async def translate(
        self,
        string: app_commands.locale_str,
        locale: discord.Locale,
        context: app_commands.TranslationContextTypes,
    ) -> str | None:
        if locale not in ENGLISH:
            return None  # no localisation: Discord shows the Spanish base text
        return CATALOG_EN.get(string.extras.get("key", string.message))
