"""English names for /clientes and its options (Spanish is the base text Discord shows by default).

Only names are localised: a user whose Discord is in English types `/clients list`, and reads
everything else — descriptions, forms, answers — in Spanish, like the rest of the team, instead of a
mix (English descriptions above Spanish forms). Localised names must stay lowercase `[-_\\w]{1,32}`.
"""

from __future__ import annotations

import discord
from discord import app_commands

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
}
_NAMES = frozenset(
    {
        app_commands.TranslationContextLocation.command_name,
        app_commands.TranslationContextLocation.group_name,
        app_commands.TranslationContextLocation.parameter_name,
    }
)


class EnglishTranslator(app_commands.Translator):
    """Discord asks for each string and locale; only English gets one (Spanish is the base text)."""

    async def translate(
        self,
        string: app_commands.locale_str,
        locale: discord.Locale,
        context: app_commands.TranslationContextTypes,
    ) -> str | None:
        if locale not in ENGLISH or context.location not in _NAMES:
            return None  # no localisation: Discord shows the Spanish base text
        return CATALOG_EN.get(string.extras.get("key", string.message))
