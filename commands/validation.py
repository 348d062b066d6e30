"""Validation of every field of the form, keyed by field, worded in Spanish with the manual's labels.

Each validator returns the value to store (normalised) or raises `_Invalid` with the message; the
section validator collects every problem of a form at once so the user fixes them in one go.
Libraries do the hard parts: python-stdnum (RUC, DNI), phonenumbers, email-validator, idna, pycountry.
Text outside a form (searches, `ver` arguments, API messages) goes through `user_text` at the core's
entry points.
"""

from __future__ import annotations

import ipaddress
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit

import idna
from email_validator import EmailNotValidError, validate_email
from stdnum import exceptions as stdnum_errors
from stdnum.pe import cui, ruc

from commands import channels, countries, phones, ubigeo
from commands.errors import FieldError, FieldErrors
from commands.forms import ADDRESS, DOC_TYPE_BY_VALUE, SECTION_BY_KEY, SERVER, Field, Kind, Section


class _Invalid(Exception):
    """A field's value is wrong; the message completes "<Label>: ..."."""


# ASCII-only classes: with Unicode matching `\d` takes Arabic-Indic digits and IGNORECASE lets "ſ" and
# the Kelvin sign pass as "s" and "k".
# Documents other than DNI/RUC: letters, digits and hyphens, at least one letter or digit ("----" is none).
_OTHER_DOC = re.compile(r"(?=.*[A-Z0-9])[A-Z0-9-]{4,20}", re.ASCII)
_NON_DOMICILED_DOC = re.compile(r"(?=.*[A-Z0-9])[A-Z0-9-]{1,15}", re.ASCII)
_HOST_LABEL = re.compile(r"(?!-)[a-z0-9-]{1,63}(?<!-)", re.IGNORECASE | re.ASCII)
_GITLAB_USER = re.compile(r"[A-Za-z0-9_.][A-Za-z0-9_.-]{0,254}", re.ASCII)
# Today's usernames, a user id, or a legacy "name#1234" whose name is letters, digits, space, "_", "." or
# "-": no "<", "@", "&", ":" or "`" that a chat would read as a mention or markup.
_DISCORD_USER = re.compile(r"[a-z0-9_.]{2,32}|[0-9]{17,20}|\w[\w .-]{0,30}\w#[0-9]{4}")
# Separators people type inside RUC and DNI numbers ("20-10007097-0", "20.100.070.970").
_DOC_SEPARATORS = re.compile(r"[\s.\-‐-―−]")
# The prefixes python-stdnum's pe.ruc accepts: 10 persona natural (with DNI), 15 and 17 personas naturales
# with other documents, 20 persona jurídica. 16 is not among them, so the message no longer offers it:
# the rule and the sentence are built from this one tuple.
RUC_PREFIXES = ("10", "15", "17", "20")

# Letters and symbols that render as nothing: Hangul fillers and the blank braille pattern are used to
# fake a blank or a look-alike name, so they are refused wherever they appear.
_INVISIBLE = frozenset("\u115f\u1160\u3164\uffa0\u2800")
_ZWJ = "\u200d"
_REFUSED_CATEGORIES = ("Cc", "Cf", "Cs", "Co", "Zl", "Zp")


def _emoji_joiner(text: str, index: int) -> bool:
    """A zero-width joiner inside an emoji sequence (👩‍💻, ❤️‍🔥, 👨🏽‍💻), the only place it is legitimate."""
    before = text[index - 1] if index > 0 else ""
    if before == "\ufe0f" and index > 1:  # emoji presentation selector after the emoji
        before = text[index - 2]
    after = text[index + 1] if index + 1 < len(text) else ""
    return (
        bool(before)
        and unicodedata.category(before) in ("So", "Sk")
        and bool(after)
        and unicodedata.category(after) == "So"
    )


def _visible(ch: str) -> bool:
    return unicodedata.category(ch)[0] in "LNPS" and ch not in _INVISIBLE


def _type_name(value: object) -> str:
    if isinstance(value, bool):
        return "verdadero/falso"
    if isinstance(value, int | float):
        return "un número"
    if isinstance(value, Mapping):
        return "un objeto"
    if isinstance(value, list | tuple):
        return "una lista"
    return type(value).__name__


def _as_text(value: object) -> str:
    """Only text is read as text: a number or an object from a hand-edited file is refused, not stringified.

    A number is refused too: a DNI or ubigeo given as a JSON number has already lost its leading zeros.
    """
    if value is None:
        return ""
    if not isinstance(value, str):
        raise _Invalid(f"debe ser texto (entre comillas), no {_type_name(value)}.")
    return value


def clean_text(value: object, max_length: int) -> str:
    """Trimmed NFC text with at least one visible character.

    Refuses control, format and separator characters (a tab or newline in a name is always a paste
    slip; a bidi override or a zero-width space disguises what the name says), except a zero-width
    joiner inside an emoji sequence.
    """
    text = _as_text(value)
    if text.isascii():
        text = text.strip()
        if text.isprintable():
            # Printable ASCII is already NFC, holds no invisible letter, and once stripped of spaces
            # starts with a visible character: only the length is left to check (an import cleans
            # tens of thousands of such values a second).
            if len(text) > max_length:
                raise _Invalid(f"admite como máximo {max_length} caracteres (tiene {len(text)}).")
            return text
    text = unicodedata.normalize("NFC", text).strip()
    # Every control, format and separator character but the space is non-printable, so the common case
    # skips the per-character look-up (an import validates tens of thousands of these per second).
    suspect = not (text.isprintable() and _INVISIBLE.isdisjoint(text))
    for index, ch in enumerate(text if suspect else ""):
        if ch in _INVISIBLE:
            raise _Invalid("contiene caracteres invisibles no permitidos.")
        if unicodedata.category(ch) in _REFUSED_CATEGORIES and not (ch == _ZWJ and _emoji_joiner(text, index)):
            raise _Invalid("contiene caracteres de control no permitidos.")
    if len(text) > max_length:
        raise _Invalid(f"admite como máximo {max_length} caracteres (tiene {len(text)}).")
    if text and not any(_visible(ch) for ch in text):
        raise _Invalid("no contiene ningún carácter visible.")
    return text


def clean_password(value: object, max_length: int) -> str:
    """The password exactly as typed: no trimming, no normalisation, spaces and any script allowed.

    Only what cannot be a password is refused: control characters (NUL ends a C string, a newline is a
    paste slip) and lone surrogates (not text at all: they cannot be encrypted or stored).
    """
    text = _as_text(value)
    if any(unicodedata.category(ch) in ("Cc", "Cs") for ch in text):
        raise _Invalid("contiene caracteres de control no permitidos.")
    if len(text) > max_length:
        raise _Invalid(f"admite como máximo {max_length} caracteres (tiene {len(text)}).")
    return text


def _digits_only(raw: str, message: str) -> str:
    """The digits of a RUC or DNI typed with separators or full-width digits; anything else is refused."""
    number = _DOC_SEPARATORS.sub("", unicodedata.normalize("NFKC", raw))
    if not (number.isascii() and number.isdigit()):
        raise _Invalid(message)
    return number


def document_number(doc_type: str, raw: str) -> str:
    """The number as stored, NFKC-normalised so that "１２３" and "123" are the same client."""
    if doc_type == "6":
        number = _digits_only(raw, f"el RUC solo admite dígitos (se recibió «{raw}»).")
        if len(number) != 11:
            raise _Invalid(f"el RUC debe tener 11 dígitos (tiene {len(number)}).")
        prefixes = ", ".join(RUC_PREFIXES[:-1]) + f" o {RUC_PREFIXES[-1]}"
        if not number.startswith(RUC_PREFIXES):
            raise _Invalid(f"el RUC {number} no es válido (debe empezar por {prefixes}).")
        try:
            return ruc.validate(number)
        except stdnum_errors.InvalidChecksum:
            raise _Invalid(f"el RUC {number} no es válido (dígito verificador).") from None
        except stdnum_errors.ValidationError:
            raise _Invalid(f"el RUC {number} no es válido (debe empezar por {prefixes}).") from None
    if doc_type == "1":
        wrong = f"el DNI debe tener 8 dígitos (se recibió «{raw}»)."
        number = _digits_only(raw, f"el DNI solo admite dígitos (se recibió «{raw}»).")
        if len(number) not in (8, 9):
            raise _Invalid(wrong)
        try:
            return cui.validate(number)[:8]
        except stdnum_errors.ValidationError:
            raise _Invalid(f"el DNI {number} no es válido (dígito verificador).") from None
    number = "".join(unicodedata.normalize("NFKC", raw).split()).upper()
    if doc_type in ("4", "7"):
        if not _OTHER_DOC.fullmatch(number):
            kind = DOC_TYPE_BY_VALUE[doc_type].label
            raise _Invalid(f"el {kind} debe tener de 4 a 20 letras (A-Z), números o guiones.")
        return number
    if not _NON_DOMICILED_DOC.fullmatch(number):
        raise _Invalid("debe tener de 1 a 15 letras (A-Z), números o guiones.")
    return number


def phone(raw: str) -> str:
    """E.164 (see `phones`): a bare 7-digit number is a Lima landline."""
    try:
        return phones.parse(raw)
    except phones.NotAPhone as exc:
        if not exc.valid_shape:
            raise _Invalid(f"«{raw}» no es un número de teléfono.") from None
        raise _Invalid(f"«{raw}» no es un número de teléfono válido (Perú por defecto, o +código de país).") from None


def email(raw: str) -> str:
    try:
        return validate_email(raw, check_deliverability=False).normalized
    except EmailNotValidError:
        raise _Invalid(f"«{raw}» no es un correo electrónico válido.") from None


WEBSITE_MAX = 255
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://", re.ASCII)
_URL_FORBIDDEN = frozenset('<>"{}|\\^`')


def website(raw: str) -> str:
    bad = f"«{raw}» no es una dirección web válida (http:// o https://)."
    if any(ch.isspace() or ch in _URL_FORBIDDEN for ch in raw):
        raise _Invalid(f'«{raw}» no es una dirección web válida: no puede tener espacios ni < > " {{ }} | \\ ^ `.')
    candidate = raw if _SCHEME.match(raw) else f"https://{raw}"
    try:  # urlsplit raises ValueError on a "[" without its "]" ("Invalid IPv6 URL")
        parts = urlsplit(candidate)
        hostname = parts.hostname
    except ValueError:
        raise _Invalid(bad) from None
    if "@" in parts.netloc:
        raise _Invalid(f"«{raw}» no debe incluir usuario ni contraseña (usuario:clave@).")
    if parts.scheme not in ("http", "https") or not hostname or not _valid_hostname(hostname):
        raise _Invalid(bad)
    try:  # .port raises ValueError beyond 65535 or when not a number
        port = parts.port
    except ValueError:
        port = 0
    if (port is not None and not 1 <= port <= 65535) or parts.netloc.endswith(":"):
        raise _Invalid(f"«{raw}»: el puerto debe ser un número de 1 a 65535.")
    if len(candidate) > WEBSITE_MAX:  # checked after adding https://: what is stored must fit
        raise _Invalid(f"admite como máximo {WEBSITE_MAX} caracteres con «https://» (tendría {len(candidate)}).")
    return candidate


def _valid_hostname(name: str) -> bool:
    """A DNS name of two labels or more; an accented one ("peñoles.pe") is checked in its IDNA 2008 form
    ("xn--peoles-rwa.pe"), as e-mail domains are. Strict IDNA 2008, without UTS #46 mapping: that
    would read a look-alike "ſ" as "s"."""
    if not name.isascii():
        try:
            name = idna.encode(name.rstrip(".")).decode("ascii")
        except (idna.IDNAError, UnicodeError):
            return False
    labels = name.rstrip(".").split(".")
    return len(name) <= 253 and len(labels) >= 2 and all(_HOST_LABEL.fullmatch(label) for label in labels)


def _address(raw: str) -> str | None:
    """The canonical IP address, None when `raw` is not one; an IPv6 zone ("%eth0") is refused.

    A zone only means something on the machine that typed it, and after "%" anything goes.
    """
    if "%" in raw:
        raise _Invalid(f"«{raw}» no puede llevar identificador de zona (%…): escriba solo la dirección.")
    try:
        return str(ipaddress.ip_address(raw))
    except ValueError:
        return None


def host(raw: str) -> str:
    value = raw.lower()
    address = _address(value)
    if address is not None:
        return address
    if not (_valid_hostname(value) or _HOST_LABEL.fullmatch(value)):
        raise _Invalid(f"«{raw}» no es un nombre de host válido (p. ej. erp.empresa.pe).")
    return value


def ip(raw: str) -> str:
    address = _address(raw)
    if address is None:
        raise _Invalid(f"«{raw}» no es una dirección IPv4 o IPv6 válida.")
    return address


def country(raw: str) -> str:
    code = countries.resolve(raw)
    if not code:
        raise _Invalid(f"no se reconoce el país «{raw}».")
    return code


def ubigeo_code(raw: str) -> str:
    district = ubigeo.get(raw)
    if district is None:
        raise _Invalid(f"el ubigeo «{raw}» no es un distrito del INEI.")
    return district.code


def slack_channel(raw: str) -> str:
    name = channels.slack_channel_name(raw)
    if not name:
        raise _Invalid("use letras, números, guiones o guiones bajos.")
    return name


def discord_channel(raw: str) -> str:
    name = channels.discord_channel_name(raw)
    if not name:
        raise _Invalid("use letras, números o guiones.")
    return name


def gitlab_user(raw: str) -> str:
    value = raw.lstrip("@")
    if not _GITLAB_USER.fullmatch(value):
        raise _Invalid(f"«{raw}» no es un usuario de GitLab válido (letras, números, _ . -).")
    return value


def discord_user(raw: str) -> str:
    """Today's usernames are lowercase, so capitals typed are lowered rather than refused; a legacy
    "Name#1234" keeps its case. Only ASCII is lowered: "K" (Kelvin) must not become "k"."""
    value = raw.lstrip("@")
    if "#" not in value and value.isascii():
        value = value.lower()
    if not _DISCORD_USER.fullmatch(value):
        raise _Invalid(
            f"«{raw}» no es un usuario de Discord válido (2 a 32 caracteres: a-z 0-9 _ .; o el id numérico)."
        )
    return value


_BY_KIND: dict[Kind, Callable[[str], str]] = {
    Kind.PHONE: phone,
    Kind.EMAIL: email,
    Kind.URL: website,
    Kind.HOST: host,
    Kind.IP: ip,
    Kind.COUNTRY: country,
    Kind.UBIGEO: ubigeo_code,
    Kind.CHANNEL_SLACK: slack_channel,
    Kind.CHANNEL_DISCORD: discord_channel,
    Kind.GITLAB_USER: gitlab_user,
    Kind.DISCORD_USER: discord_user,
}


def _fits(spec: Field, value: str) -> str:
    """The normalised value must fit the column too: a phone formatted with its "Anexo", an e-mail or a
    channel name can grow past what was typed (the database would refuse it with an error, not a field).
    """
    if spec.kind != Kind.COUNTRY and len(value) > spec.max_length:
        raise _Invalid(f"admite como máximo {spec.max_length} caracteres y, normalizado, tendría {len(value)}.")
    return value


def _choice(spec: Field, raw: str) -> str:
    for choice in spec.choices:
        if raw.casefold() in (choice.value.casefold(), choice.label.casefold(), choice.short.casefold()):
            return choice.value
    options = ", ".join(choice.label for choice in spec.choices)
    raise _Invalid(f"elija una de estas opciones: {options}.")


# Typed in an optional field, empties it: on edit a blank answer keeps the value on the console, and a
# chat user may not see that a pre-filled field can be emptied.
CLEAR = "-"


def validate_section(
    section: Section, raw: Mapping[str, Any], *, index: int | None = None, keep_blank: frozenset[str] = frozenset()
) -> dict[str, Any]:
    """Cleaned values of one section, or `FieldErrors` listing every bad field.

    `keep_blank` names fields whose blank means "keep the stored value" (Contraseña on edit);
    they come back as None rather than as "" so the caller can tell.
    """
    errors: list[FieldError] = []
    out: dict[str, Any] = {}

    def fail(spec: Field, message: str) -> None:
        errors.append(FieldError(section.key, spec.key, spec.label, message, index))

    for spec in section.fields:
        try:
            if spec.kind == Kind.PASSWORD:
                text = clean_password(raw.get(spec.key), spec.max_length)
            else:
                text = clean_text(raw.get(spec.key), spec.max_length if spec.kind != Kind.COUNTRY else 100)
        except _Invalid as exc:
            fail(spec, str(exc))
            continue
        if text == CLEAR and not spec.required and spec.kind != Kind.PASSWORD:
            text = ""  # "-" empties an optional field on every adapter (a password may be "-")
        if not text:
            if spec.default is not None:
                text = spec.default
            elif spec.required:
                fail(spec, "es obligatoria." if spec.feminine else "es obligatorio.")
                continue
            else:
                out[spec.key] = None
                continue
        try:
            if spec.kind == Kind.CHOICE:
                out[spec.key] = _choice(spec, text)
            elif spec.kind == Kind.DOCUMENT:
                out[spec.key] = text  # checked below, once the document type is known
            elif spec.kind in _BY_KIND:
                out[spec.key] = _fits(spec, _BY_KIND[spec.kind](text))
            else:
                out[spec.key] = text
        except _Invalid as exc:
            fail(spec, str(exc))
    _cross_checks(section, out, errors, fail)
    if errors:
        raise FieldErrors(errors)
    for key in keep_blank:
        if out.get(key) in ("", None):
            out[key] = None
    return out


def _cross_checks(
    section: Section, out: dict[str, Any], errors: list[FieldError], fail: Callable[[Field, str], None]
) -> None:
    if section.key == "client" and out.get("doc_number") and "doc_type" in out:
        try:
            out["doc_number"] = document_number(out["doc_type"], out["doc_number"])
        except _Invalid as exc:
            fail(section.field("doc_number"), str(exc))
    ubigeo_missing = out.get("country") == "PE" and not out.get("ubigeo")
    if section.key == "address" and ubigeo_missing and not any(e.field == "ubigeo" for e in errors):
        fail(section.field("ubigeo"), "es obligatorio cuando el país es Perú (Departamento, Provincia, Distrito).")
    if section.key == "address" and out.get("country") not in (None, "PE") and out.get("ubigeo"):
        out["ubigeo"] = None  # INEI codes only mean something in Peru
    if section.key == "server" and not out.get("host") and not out.get("ip") and not errors:
        fail(section.field("host"), "indique el Host o la IP del servidor.")


# ----------------------------------------------------------------- text typed outside a form
QUERY_MAX = 200
_LINE_BREAKS = frozenset("\t\n\r")


def user_text(
    value: object, *, field: str, label: str, max_length: int, multiline: bool = False, section: str = "query"
) -> str:
    """Text typed outside a form (a search, a `ver` argument, a message), checked at the core's door.

    PostgreSQL refuses NUL in text and no engine can store a lone surrogate: both would surface as a
    DBAPIError (a 500, a traceback) from deep inside a query, so every entry point that takes free text
    passes it through here first and gets `FieldErrors` naming what was wrong, in Spanish.
    """

    def refuse(message: str) -> FieldErrors:
        return FieldErrors([FieldError(section, field, label, message)])

    if value is None:
        return ""
    if not isinstance(value, str):
        raise refuse(f"debe ser texto, no {_type_name(value)}.")
    allowed = _LINE_BREAKS if multiline else frozenset()
    if any(unicodedata.category(ch) in ("Cc", "Cs") and ch not in allowed for ch in value):
        raise refuse("contiene caracteres de control no permitidos.")
    if len(value) > max_length:
        raise refuse(f"admite como máximo {max_length} caracteres (tiene {len(value)}).")
    return value


def validate_client(
    client: Mapping[str, Any],
    addresses: Sequence[Mapping[str, Any]],
    contact: Mapping[str, Any] | None,
    integrations: Mapping[str, Any] | None,
    servers: Sequence[Mapping[str, Any]],
) -> tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]]]:
    """Validates every section of a new client and reports all errors of all sections together (the
    form's create, and an import's workers, which import this module and not the service)."""
    errors: list[FieldError] = []
    values: dict[str, Any] = {}
    for section, raw in (("client", client), ("contact", contact or {}), ("integrations", integrations or {})):
        try:
            values.update(validate_section(SECTION_BY_KEY[section], raw))
        except FieldErrors as exc:
            errors.extend(exc.errors)
    address_values = _each(ADDRESS, addresses, errors)
    server_values = _each(SERVER, servers, errors)
    if errors:
        raise FieldErrors(errors)
    return values, address_values, server_values


def _each(section: Section, items: Sequence[Mapping[str, Any]], errors: list[FieldError]) -> list[dict[str, Any]]:
    """Every item of a repeated section validated; the errors of all of them go to `errors`."""
    valid: list[dict[str, Any]] = []
    for index, raw in enumerate(items):
        try:
            valid.append(validate_section(section, raw, index=index))
        except FieldErrors as exc:
            errors.extend(exc.errors)
    return valid
