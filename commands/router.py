"""The `/clientes` sub-commands, their Spanish names, English aliases and help, shared by every adapter."""

from __future__ import annotations

from dataclasses import dataclass

from commands.texts import texts


@dataclass(frozen=True)
class CommandSpec:
    name: str
    aliases: tuple[str, ...]
    usage: str
    description: str


COMMANDS: tuple[CommandSpec, ...] = (
    CommandSpec(
        "nuevo",
        ("new", "crear", "create", "agregar"),
        "nuevo",
        "Registrar un cliente nuevo (formulario).",
    ),
    CommandSpec(
        "lista",
        ("list", "listar", "buscar", "search"),
        "lista [texto | eliminados] [orden:nombre]",
        "Listar o buscar (nombre, documento, #canal, contacto, teléfono, correo, distrito…); eliminados.",
    ),
    CommandSpec(
        "ver",
        ("show", "view", "card"),
        "ver <cliente>",
        "Ver la ficha completa de un cliente.",
    ),
    CommandSpec(
        "editar",
        ("edit",),
        "editar <cliente>",
        "Editar un cliente por secciones.",
    ),
    CommandSpec(
        "eliminar",
        ("delete", "borrar", "remove"),
        "eliminar <cliente>",
        "Eliminar un cliente (se puede deshacer con restaurar).",
    ),
    CommandSpec(
        "restaurar",
        ("restore", "deshacer", "undo"),
        "restaurar <cliente>",
        "Restaurar un cliente eliminado.",
    ),
    CommandSpec(
        "canales",
        ("channels", "canal"),
        "canales <cliente>",
        "Ver si los canales de Slack y Discord del cliente ya existen y reintentar los que fallaron.",
    ),
    CommandSpec(
        "historial",
        ("history", "cambios"),
        "historial <cliente>",
        "Ver quién cambió qué del cliente y cuándo (más recientes primero).",
    ),
    CommandSpec(
        "sunat",
        ("padron", "padrón"),
        "sunat <ruc o nombre>",
        "Ver qué dice el padrón de SUNAT de un RUC o nombre, y registrarlo como cliente.",
    ),
    CommandSpec(
        "exportar",
        ("export",),
        "exportar",
        "Recibir en privado el registro en Excel, sin contraseñas (solo administradores).",
    ),
    CommandSpec("ayuda", ("help", "?"), "ayuda", "Mostrar esta ayuda."),
)

# `lista eliminados` (or `papelera`): the deleted clients instead of a search.
TRASH_WORDS = frozenset({"eliminados", "eliminado", "papelera", "deleted", "trash"})


def is_trash(query: str) -> bool:
    return " ".join((query or "").split()).casefold() in TRASH_WORDS


_BY_WORD = {word: spec for spec in COMMANDS for word in (spec.name, *spec.aliases)}

CLIENT_HINT = "<cliente> es un número de documento, #id o parte del nombre."


@dataclass(frozen=True)
class Parsed:
    command: str  # a CommandSpec name; "ayuda" for anything unknown
    argument: str
    unknown: str | None = None  # what the user typed when it was not a command


def parse(text: str) -> Parsed:
    """'/clientes ver 20100070970' or 'VER  #12' -> Parsed('ver', '#12'); blank -> ayuda."""
    words = (text or "").strip().split(maxsplit=1)
    if words and words[0].lower() in ("/clientes", "clientes"):
        words = words[1].split(maxsplit=1) if len(words) > 1 else []
    if not words:
        return Parsed("ayuda", "")
    spec = _BY_WORD.get(words[0].lower())
    argument = words[1].strip() if len(words) > 1 else ""
    if spec is None:
        return Parsed("ayuda", argument, unknown=words[0])
    return Parsed(spec.name, argument)


def help_notes() -> list[str]:
    """What the command list alone does not say: how to name a client, how to empty a field."""
    return [CLIENT_HINT, texts().clear_rule]


def help_lines(prefix: str = "/clientes") -> list[str]:
    return [f"{prefix} {spec.usage} — {spec.description}" for spec in COMMANDS] + help_notes()
