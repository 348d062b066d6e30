"""Validation of every field of the form, keyed by field, worded in Spanish with the manual's labels.

Each validator returns the value to store (normalised) or raises `_Invalid` with the message; the
section validator collects every problem of a form at once so the user fixes them in one go.
Libraries do the hard parts: python-stdnum (RUC, DNI), phonenumbers, email-validator, pycountry.
"""

from __future__ import annotations

import ipaddress
import re
import unicodedata
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlsplit

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from stdnum import exceptions as stdnum_errors
from stdnum.pe import cui, ruc

from commands import channels, countries, ubigeo
from commands.errors import FieldError, FieldErrors
from commands.forms import DOC_TYPE_BY_VALUE, Field, Kind, Section


class _Invalid(Exception):
    """A field's value is wrong; the message completes "<Label>: ..."."""


_OTHER_DOC = re.compile(r"^[A-Z0-9-]{4,20}$")
_HOST_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$", re.IGNORECASE)
_GITLAB_USER = re.compile(r"^[A-Za-z0-9_.][A-Za-z0-9_.-]{0,254}$")
_DISCORD_USER = re.compile(r"^(?:[a-z0-9_.]{2,32}|\d{17,20}|.{2,32}#\d{4})$")


def clean_text(value: object, max_length: int) -> str:
    """Trimmed text; refuses control characters (a tab or newline in a name is always a paste slip)."""
    text = "" if value is None else str(value)
    text = unicodedata.normalize("NFC", text).strip()
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co") for ch in text):
        raise _Invalid("contiene caracteres de control no permitidos.")
    if len(text) > max_length:
        raise _Invalid(f"admite como máximo {max_length} caracteres (tiene {len(text)}).")
    return text


def document_number(doc_type: str, raw: str) -> str:
    number = raw.replace(" ", "").upper()
    if doc_type == "6":
        try:
            return ruc.validate(number)
        except stdnum_errors.InvalidChecksum:
            raise _Invalid(f"el RUC {number} no es válido (dígito verificador).") from None
        except stdnum_errors.InvalidLength:
            raise _Invalid("el RUC debe tener 11 dígitos.") from None
        except stdnum_errors.ValidationError:
            raise _Invalid(f"el RUC {number} no es válido (debe empezar por 10, 15, 16, 17 o 20).") from None
    if doc_type == "1":
        if not number.isdigit() or len(number) not in (8, 9):
            raise _Invalid(f"el DNI debe tener 8 dígitos (se recibió «{raw}»).")
        try:
            return cui.validate(number)[:8]
        except stdnum_errors.ValidationError:
            raise _Invalid(f"el DNI {number} no es válido (dígito verificador).") from None
    if doc_type in ("4", "7"):
        if not _OTHER_DOC.match(number):
            kind = DOC_TYPE_BY_VALUE[doc_type].label
            raise _Invalid(f"el {kind} debe tener de 4 a 20 letras, números o guiones.")
        return number
    if not 1 <= len(number) <= 15:
        raise _Invalid("debe tener de 1 a 15 caracteres.")
    return number


def phone(raw: str) -> str:
    try:
        parsed = phonenumbers.parse(raw, "PE")
    except phonenumbers.NumberParseException:
        raise _Invalid(f"«{raw}» no es un número de teléfono.") from None
    if not phonenumbers.is_valid_number(parsed):
        raise _Invalid(f"«{raw}» no es un número de teléfono válido (Perú por defecto, o +código de país).")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def email(raw: str) -> str:
    try:
        return validate_email(raw, check_deliverability=False).normalized
    except EmailNotValidError:
        raise _Invalid(f"«{raw}» no es un correo electrónico válido.") from None


WEBSITE_MAX = 255


def website(raw: str) -> str:
    candidate = raw if "://" in raw else f"https://{raw}"
    parts = urlsplit(candidate)
    if parts.scheme not in ("http", "https") or not parts.hostname or not _valid_hostname(parts.hostname):
        raise _Invalid(f"«{raw}» no es una dirección web válida (http:// o https://).")
    if len(candidate) > WEBSITE_MAX:  # checked after adding https://: what is stored must fit
        raise _Invalid(f"admite como máximo {WEBSITE_MAX} caracteres con «https://» (tendría {len(candidate)}).")
    return candidate


def _valid_hostname(name: str) -> bool:
    labels = name.rstrip(".").split(".")
    return len(name) <= 253 and len(labels) >= 2 and all(_HOST_LABEL.match(label) for label in labels)


def host(raw: str) -> str:
    value = raw.lower()
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        pass
    if not (_valid_hostname(value) or _HOST_LABEL.match(value)):
        raise _Invalid(f"«{raw}» no es un nombre de host válido (p. ej. erp.empresa.pe).")
    return value


def ip(raw: str) -> str:
    try:
        return str(ipaddress.ip_address(raw))
    except ValueError:
        raise _Invalid(f"«{raw}» no es una dirección IPv4 o IPv6 válida.") from None


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
    if not _GITLAB_USER.match(value):
        raise _Invalid(f"«{raw}» no es un usuario de GitLab válido (letras, números, _ . -).")
    return value


def discord_user(raw: str) -> str:
    value = raw.lstrip("@")
    if not _DISCORD_USER.match(value):
        raise _Invalid(f"«{raw}» no es un usuario de Discord válido (2 a 32 caracteres: a-z 0-9 _ .).")
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


def _choice(spec: Field, raw: str) -> str:
    for choice in spec.choices:
        if raw.casefold() in (choice.value.casefold(), choice.label.casefold(), choice.short.casefold()):
            return choice.value
    options = ", ".join(choice.label for choice in spec.choices)
    raise _Invalid(f"elija una de estas opciones: {options}.")


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
            text = clean_text(raw.get(spec.key), spec.max_length if spec.kind != Kind.COUNTRY else 100)
        except _Invalid as exc:
            fail(spec, str(exc))
            continue
        if not text:
            if spec.default is not None:
                text = spec.default
            elif spec.required:
                fail(spec, "es obligatorio.")
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
                out[spec.key] = _BY_KIND[spec.kind](text)
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
