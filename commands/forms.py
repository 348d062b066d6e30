"""The register's form, declared once: sections, fields, Spanish labels, kinds and limits.

Every adapter renders this schema and `validation` reads it, so a label or a limit changes in one
place. Labels are the manual's own ("Tipo Doc. Identidad", "Nombre Comercial", ...).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Kind(StrEnum):
    TEXT = "text"
    CHOICE = "choice"
    EMAIL = "email"
    URL = "url"
    PHONE = "phone"
    PASSWORD = "password"
    COUNTRY = "country"
    UBIGEO = "ubigeo"
    DOCUMENT = "document"
    HOST = "host"
    IP = "ip"
    CHANNEL_SLACK = "channel_slack"
    CHANNEL_DISCORD = "channel_discord"
    GITLAB_USER = "gitlab_user"
    DISCORD_USER = "discord_user"


@dataclass(frozen=True)
class Choice:
    value: str
    label: str
    short: str


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    kind: Kind = Kind.TEXT
    required: bool = False
    max_length: int = 255
    choices: tuple[Choice, ...] = ()
    default: str | None = None
    placeholder: str | None = None
    hint: str | None = None
    feminine: bool = False  # the label's gender, for "es obligatoria" (Dirección, Contraseña, IP)


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    fields: tuple[Field, ...]
    repeatable: bool = False
    add_label: str | None = None
    fields_by_key: dict[str, Field] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "fields_by_key", {f.key: f for f in self.fields})

    def field(self, key: str) -> Field:
        return self.fields_by_key[key]


# SUNAT catálogo 06, in the order a Peruvian team picks them most.
DOC_TYPES: tuple[Choice, ...] = (
    Choice("1", "DNI", "DNI"),
    Choice("6", "RUC", "RUC"),
    Choice("4", "Carnet de extranjería", "CE"),
    Choice("7", "Pasaporte", "PAS"),
    Choice("0", "Doc.trib.no.dom.sin.ruc", "DOC"),
)
DOC_TYPE_BY_VALUE = {choice.value: choice for choice in DOC_TYPES}
RUC = "6"  # the document type SUNAT's padrón lists

CLIENT = Section(
    "client",
    "Datos del cliente",
    (
        Field(
            "doc_type", "Tipo Doc. Identidad", Kind.CHOICE, required=True, max_length=40, choices=DOC_TYPES, default="1"
        ),
        Field("doc_number", "Número", Kind.DOCUMENT, required=True, max_length=20, placeholder="20100070970"),
        Field("name", "Nombre", required=True, max_length=255, placeholder="Nombre completo o razón social"),
        Field("internal_code", "Código interno", max_length=100),
        Field("trade_name", "Nombre Comercial", max_length=255),
    ),
)

ADDRESS = Section(
    "address",
    "Dirección",
    (
        Field("country", "País", Kind.COUNTRY, required=True, max_length=60, default="PE"),
        Field(
            "ubigeo",
            "Distrito",
            Kind.UBIGEO,
            max_length=6,
            hint="Departamento, Provincia y Distrito (ubigeo INEI); obligatorio en Perú",
        ),
        Field("line", "Dirección", required=True, max_length=255, placeholder="Av. Larco 345, Of. 201", feminine=True),
        Field("phone", "Teléfono", Kind.PHONE, max_length=32, placeholder="01 4445566"),
        Field("email", "Correo electrónico", Kind.EMAIL, max_length=255, placeholder="facturas@empresa.pe"),
    ),
    repeatable=True,
    add_label="Agregar dirección",
)

CONTACT = Section(
    "contact",
    "Otros Datos",
    (
        Field("contact_name", "Nombre y Apellido", max_length=255),
        Field("contact_phone", "Teléfono", Kind.PHONE, max_length=32, placeholder="987 654 321"),
        Field("website", "Sitio Web", Kind.URL, max_length=255, placeholder="https://empresa.pe"),
    ),
)

INTEGRATIONS = Section(
    "integrations",
    "Datos Servidor",
    (
        Field("gitlab_user", "Usuario Gitlab", Kind.GITLAB_USER, max_length=255),
        Field("discord_user", "Usuario de Discord", Kind.DISCORD_USER, max_length=64),
        Field(
            "slack_channel", "Nombre del canal Slack", Kind.CHANNEL_SLACK, max_length=80, placeholder="cliente-empresa"
        ),
        Field(
            "discord_channel",
            "Nombre del canal Discord",
            Kind.CHANNEL_DISCORD,
            max_length=100,
            placeholder="cliente-empresa",
        ),
    ),
)

SERVER = Section(
    "server",
    "Datos del servidor",
    (
        Field("host", "Host", Kind.HOST, max_length=255, placeholder="erp.empresa.pe"),
        Field("ip", "IP", Kind.IP, max_length=45, placeholder="203.0.113.10", feminine=True),
        Field("username", "Usuario", max_length=100),
        Field(
            "password",
            "Contraseña",
            Kind.PASSWORD,
            max_length=255,
            hint="En edición, déjela en blanco para conservar la actual",
            feminine=True,
        ),
    ),
    repeatable=True,
    add_label="Agregar Servidor",
)

SECTIONS: tuple[Section, ...] = (CLIENT, ADDRESS, CONTACT, INTEGRATIONS, SERVER)
SECTION_BY_KEY = {section.key: section for section in SECTIONS}
# Sections stored on the client row itself (edited with one form each).
CLIENT_ROW_SECTIONS = ("client", "contact", "integrations")
# The Datos Servidor field that names each platform's channel: the one map of platform <-> field.
CHANNEL_FIELDS: dict[str, str] = {"slack": "slack_channel", "discord": "discord_channel"}
PLATFORM_OF_FIELD: dict[str, str] = {field: platform for platform, field in CHANNEL_FIELDS.items()}
PLATFORMS: tuple[str, ...] = tuple(CHANNEL_FIELDS)


def asks_district(country: str | None) -> bool:
    """Departamento, Provincia and Distrito (INEI) only exist in Peru: a form asks them unless the
    País chosen (code or name) is another country. Unset or unrecognised: asked (Perú is the default)."""
    from commands import countries  # here: the schema module stays free of pycountry at import

    code = countries.resolve(country) if country else None
    return code in (None, "PE")


def shows_hint(spec: Field, *, editing: bool) -> bool:
    """A field's hint is shown, except Contraseña's ("déjela en blanco…") on a form that adds."""
    return spec.hint is not None and (spec.kind != Kind.PASSWORD or editing)


def doc_type_short(value: str) -> str:
    choice = DOC_TYPE_BY_VALUE.get(value)
    return choice.short if choice else value
