"""Validation of every field: Spanish messages naming the field, normalised values, no crashes."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from commands.errors import FieldErrors
from commands.forms import ADDRESS, CLIENT, CONTACT, INTEGRATIONS, SECTIONS, SERVER
from commands.validation import validate_section


def errors_of(section, raw) -> dict[str, str]:  # type: ignore[no-untyped-def]
    with pytest.raises(FieldErrors) as caught:
        validate_section(section, raw)
    return caught.value.by_field()


def test_valid_ruc_client_is_cleaned() -> None:
    values = validate_section(
        CLIENT, {"doc_type": "RUC", "doc_number": " 20100070970 ", "name": '  Empresa "La Ñusta" S.A.C. '}
    )
    assert values == {
        "doc_type": "6",
        "doc_number": "20100070970",
        "name": 'Empresa "La Ñusta" S.A.C.',
        "internal_code": None,
        "trade_name": None,
    }


def test_ruc_check_digit_message_names_field() -> None:
    errors = errors_of(CLIENT, {"doc_type": "6", "doc_number": "20512333798", "name": "X"})
    assert errors == {"doc_number": "Número: el RUC 20512333798 no es válido (dígito verificador)."}


@pytest.mark.parametrize(
    ("doc_type", "number", "fragment"),
    [
        ("6", "2010007097", "11 dígitos"),
        ("6", "30100070970", "debe empezar por"),
        ("1", "1234567", "8 dígitos"),
        ("1", "12345678X", "8 dígitos"),
        ("4", "AB!", "de 4 a 20"),
        ("7", "X" * 21, "máximo 20 caracteres"),
        ("0", "X" * 16, "1 a 15"),
    ],
)
def test_document_numbers_by_type(doc_type: str, number: str, fragment: str) -> None:
    errors = errors_of(CLIENT, {"doc_type": doc_type, "doc_number": number, "name": "X"})
    assert errors["doc_number"].startswith("Número: ")
    assert fragment in errors["doc_number"]


def test_dni_and_foreign_documents_accepted() -> None:
    assert validate_section(CLIENT, {"doc_number": "12345678", "name": "A"})["doc_type"] == "1"
    assert (
        validate_section(CLIENT, {"doc_type": "7", "doc_number": "ab-12345", "name": "A"})["doc_number"] == "AB-12345"
    )


def test_required_long_and_control_characters() -> None:
    errors = errors_of(CLIENT, {"doc_type": "1", "doc_number": "", "name": "x" * 5000, "trade_name": "a\u0000b"})
    assert errors["doc_number"] == "Número: es obligatorio."
    assert errors["name"] == "Nombre: admite como máximo 255 caracteres (tiene 5000)."
    assert errors["trade_name"] == "Nombre Comercial: contiene caracteres de control no permitidos."


def test_unknown_document_type() -> None:
    errors = errors_of(CLIENT, {"doc_type": "9", "doc_number": "1", "name": "X"})
    assert errors["doc_type"].startswith("Tipo Doc. Identidad: elija una de estas opciones: DNI, RUC")


def test_sql_looking_text_is_just_text() -> None:
    name = "Robert'); DROP TABLE clients;--"
    assert validate_section(CLIENT, {"doc_number": "12345678", "name": name})["name"] == name


def test_address_normalises_phone_email_and_ubigeo() -> None:
    values = validate_section(
        ADDRESS,
        {
            "country": "Perú",
            "ubigeo": "150122",
            "line": "Av. Larco 345",
            "phone": "987654321",
            "email": "Ventas@Empresa.PE",
        },
    )
    assert values == {
        "country": "PE",
        "ubigeo": "150122",
        "line": "Av. Larco 345",
        "phone": "+51 987 654 321",
        "email": "Ventas@empresa.pe",
    }


def test_address_errors() -> None:
    errors = errors_of(ADDRESS, {"ubigeo": "999999", "line": "x", "phone": "12", "email": "no-arroba"})
    assert errors["ubigeo"].startswith("Distrito: el ubigeo «999999» no es un distrito")
    assert errors["phone"].startswith("Teléfono: «12» no es un número de teléfono")
    assert errors["email"].startswith("Correo electrónico: «no-arroba» no es un correo")


def test_ubigeo_required_in_peru_only() -> None:
    assert "ubigeo" in errors_of(ADDRESS, {"country": "PE", "line": "Calle 1"})
    values = validate_section(ADDRESS, {"country": "Chile", "line": "Av. Providencia 1", "ubigeo": "150122"})
    assert values["country"] == "CL"
    assert values["ubigeo"] is None


def test_unknown_country() -> None:
    assert errors_of(ADDRESS, {"country": "Narnia", "line": "x"})["country"] == "País: no se reconoce el país «Narnia»."


def test_contact_and_website() -> None:
    values = validate_section(
        CONTACT, {"contact_name": "Ana Pérez", "contact_phone": "+56 9 6123 4567", "website": "empresa.pe"}
    )
    assert values["website"] == "https://empresa.pe"
    assert values["contact_phone"] == "+56 9 6123 4567"
    assert "website" in errors_of(CONTACT, {"website": "ftp://empresa.pe"})
    assert "website" in errors_of(CONTACT, {"website": "not a url"})


def test_channel_names_normalised_per_platform() -> None:
    values = validate_section(
        INTEGRATIONS,
        {
            "slack_channel": "#Cliente Ñandú S.A.C.",
            "discord_channel": "Cliente Ñandú SAC",
            "gitlab_user": "@ana.perez",
            "discord_user": "ana_perez",
        },
    )
    assert values["slack_channel"] == "cliente-nandu-s-a-c"
    assert values["discord_channel"] == "cliente-ñandú-sac"
    assert values["gitlab_user"] == "ana.perez"
    assert errors_of(INTEGRATIONS, {"slack_channel": "!!!"})["slack_channel"].startswith("Nombre del canal Slack:")


def test_server_needs_host_or_ip_and_checks_both() -> None:
    assert errors_of(SERVER, {"username": "root"})["host"] == "Host: indique el Host o la IP del servidor."
    errors = errors_of(SERVER, {"host": "bad host!", "ip": "300.1.1.1"})
    assert errors["ip"] == "IP: «300.1.1.1» no es una dirección IPv4 o IPv6 válida."
    assert errors["host"].startswith("Host: «bad host!» no es un nombre de host")
    assert validate_section(SERVER, {"ip": "2001:DB8::1"})["ip"] == "2001:db8::1"


def test_every_error_of_a_form_comes_at_once() -> None:
    errors = errors_of(ADDRESS, {"country": "PE", "line": "", "phone": "1", "email": "@"})
    assert set(errors) == {"ubigeo", "line", "phone", "email"}


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(SECTIONS),
    st.dictionaries(
        st.sampled_from([f.key for s in SECTIONS for f in s.fields]),
        st.one_of(st.none(), st.text(max_size=300)),
        max_size=8,
    ),
)
def test_no_input_raises_anything_but_field_errors(section, raw) -> None:  # type: ignore[no-untyped-def]
    try:
        values = validate_section(section, raw)
    except FieldErrors as exc:
        assert exc.errors
        for error in exc.errors:
            assert error.text.startswith(section.field(error.field).label + ": ")
    else:
        assert set(values) == {f.key for f in section.fields}


def test_district_search_ranks_own_names_first() -> None:
    from commands import ubigeo

    assert ubigeo.search("lima")[0].label == "Lima — Lima, Lima"
    labels = [d.label for d in ubigeo.search("MIRAFLORES")]
    assert "Miraflores — Lima, Lima" in labels and all(label.startswith("Miraflores") for label in labels[:4])
    assert labels[4] == "San Juan de Miraflores — Lima, Lima"
    assert [d.code for d in ubigeo.search("san juan miraflores")] == ["150133"]
    assert [d.code for d in ubigeo.search("1501")][:2] == ["150101", "150102"]
    assert ubigeo.search("   ") == [] and len(ubigeo.search("a", limit=25)) == 25


def test_website_length_counts_the_added_scheme() -> None:
    host = ".".join(ch * 60 for ch in "abcd") + ".peru"  # 248 characters: fits the field, not with https://
    assert len(host) == 248
    errors = errors_of(CONTACT, {"website": host})
    assert errors["website"] == "Sitio Web: admite como máximo 255 caracteres con «https://» (tendría 256)."
    assert validate_section(CONTACT, {"website": host[:-2]})["website"] == f"https://{host[:-2]}"
