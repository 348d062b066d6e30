"""Validation of every field: Spanish messages naming the field, normalised values, no crashes."""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from commands.access import Actor
from commands.errors import FieldErrors, NotFound
from commands.forms import ADDRESS, CLIENT, CONTACT, INTEGRATIONS, SECTIONS, SERVER
from commands.service import ClientService
from commands.validation import validate_section


def errors_of(section, raw) -> dict[str, str]:  # type: ignore[no-untyped-def]
    with pytest.raises(FieldErrors) as caught:
        validate_section(section, raw)
    return {error.field: error.text for error in reversed(caught.value.errors)}  # first per field


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
        ("1", "12345678X", "el DNI solo admite dígitos"),
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
        "phone": "+51987654321",
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
    assert values["contact_phone"] == "+56961234567"
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


# Text as people paste it: any code point (lone surrogates included), chat and console markup, and the
# characters that broke a validator before.
_MARKUP = st.sampled_from(
    [
        "[",
        "]",
        "https://",
        "[::1",
        "[/bold]",
        "<!channel>",
        "<@U0ALICE>",
        "<@&123>",
        "@everyone",
        "**",
        "`",
        "%",
        "#1234",
        ":",
        "@",
        "\x00",
        "\u200d",
        "\u202e",
        "\u3164",
        "\u2800",
        "\ud800",
        "👩",
        "１２３",
        ".pe",
    ]
)
_ANY_TEXT = st.lists(st.one_of(st.text(st.characters(exclude_categories=()), max_size=12), _MARKUP), max_size=8).map(
    "".join
)


# Every input a property test ever found, pinned so it is tried on every run, not only in lucky ones.
@example(CONTACT, {"website": "["})
@example(CONTACT, {"website": "https://[::1"})
@example(CONTACT, {"website": "a.pe:99999"})
@example(CONTACT, {"website": "a.pe:x"})
@example(SERVER, {"host": "fe80::1%<!channel>", "ip": "fe80::1%"})
@example(CLIENT, {"doc_type": "1", "doc_number": "²³⁴⁵⁶⁷⁸⁹", "name": "x"})
@example(CLIENT, {"doc_type": "6", "doc_number": "\ud800", "name": "\ud800"})
@example(SERVER, {"host": "a.pe", "password": "\udcff"})
@example(INTEGRATIONS, {"discord_user": "١٢٣٤٥٦٧٨٩٠١٢٣٤٥٦٧٨"})
@example(CONTACT, {"contact_phone": "987654321;ext=1234567890123456"})
@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(SECTIONS),
    st.dictionaries(
        st.sampled_from([f.key for s in SECTIONS for f in s.fields]),
        st.one_of(st.none(), st.text(max_size=300), _ANY_TEXT),
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
        for key, value in values.items():  # whatever is accepted can be stored by any engine, in its column
            assert value is None or ("\x00" not in value and value.encode("utf-8"))
            assert value is None or key == "country" or len(value) <= section.field(key).max_length


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


# ----------------------------------------------------------------- passwords: exactly as typed
@pytest.mark.parametrize("password", ["  lead and trail  ", "e\u0301", "ｐａｓｓ", "tab\u200dzwj", " ", "a" * 255])
def test_password_is_kept_exactly_as_typed(password: str) -> None:
    assert validate_section(SERVER, {"host": "erp.empresa.pe", "password": password})["password"] == password


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("a\x00b", "Contraseña: contiene caracteres de control no permitidos."),
        ("line\nbreak", "Contraseña: contiene caracteres de control no permitidos."),
        ("\ud800", "Contraseña: contiene caracteres de control no permitidos."),
        ("x" * 256, "Contraseña: admite como máximo 255 caracteres (tiene 256)."),
    ],
)
def test_password_refuses_only_what_cannot_be_one(password: str, message: str) -> None:
    assert errors_of(SERVER, {"host": "erp.empresa.pe", "password": password}) == {"password": message}


# ----------------------------------------------------------------- classes of bad input, per field
@pytest.mark.parametrize(
    ("website", "fragment"),
    [
        ("[", "no es una dirección web válida"),
        ("https://[::1", "no es una dirección web válida"),
        ("https://[::1]", "no es una dirección web válida"),
        ("empresa.pe:99999", "el puerto debe ser un número de 1 a 65535"),
        ("empresa.pe:0", "el puerto debe ser un número de 1 a 65535"),
        ("empresa.pe:", "el puerto debe ser un número de 1 a 65535"),
        ("https://user:pass@empresa.pe", "no debe incluir usuario ni contraseña"),
        ("https://evil.pe@empresa.pe", "no debe incluir usuario ni contraseña"),
        ("empresa .pe", "no puede tener espacios"),
        ("empresa.pe/a b", "no puede tener espacios"),
        ("empresa.pe/<!channel>", "no puede tener espacios ni < >"),
        ("\u017f.pe", "no es una dirección web válida"),  # "ſ" is not an "s"
    ],
)
def test_website_refusals_are_field_errors(website: str, fragment: str) -> None:
    message = errors_of(CONTACT, {"website": website})["website"]
    assert message.startswith("Sitio Web: ") and fragment in message


def test_website_with_port_and_path_is_kept() -> None:
    assert (
        validate_section(CONTACT, {"website": "empresa.pe:8443/erp?x=1"})["website"]
        == "https://empresa.pe:8443/erp?x=1"
    )


@pytest.mark.parametrize("raw", ["<!channel>", "@EVERYONE", "<@U0ALICE>", "A_B", "Ñ1", "1.2", "-", "---"])
def test_non_domiciled_document_is_letters_digits_and_hyphens(raw: str) -> None:
    errors = errors_of(CLIENT, {"doc_type": "0", "doc_number": raw, "name": "X"})
    assert errors["doc_number"] == "Número: debe tener de 1 a 15 letras (A-Z), números o guiones."


def test_documents_are_nfkc_normalised() -> None:
    assert validate_section(CLIENT, {"doc_type": "0", "doc_number": "１２３", "name": "X"})["doc_number"] == "123"
    assert validate_section(CLIENT, {"doc_type": "0", "doc_number": "ab-12", "name": "X"})["doc_number"] == "AB-12"
    assert validate_section(CLIENT, {"doc_type": "1", "doc_number": "１２３４５６７８", "name": "X"})["doc_number"] == (
        "12345678"
    )
    assert validate_section(CLIENT, {"doc_type": "4", "doc_number": "ｃｅ-001", "name": "X"})["doc_number"] == "CE-001"


@pytest.mark.parametrize(
    "raw", ["20-10007097-0", "20 100 070 970", "20.100.070.970", "２０１００07０９７０", "20–10007097–0"]
)
def test_ruc_is_read_through_separators(raw: str) -> None:
    assert validate_section(CLIENT, {"doc_type": "6", "doc_number": raw, "name": "X"})["doc_number"] == "20100070970"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("2010007097A", "Número: el RUC solo admite dígitos (se recibió «2010007097A»)."),
        ("ABCDEFGHIJK", "Número: el RUC solo admite dígitos (se recibió «ABCDEFGHIJK»)."),
        ("16100070970", "Número: el RUC 16100070970 no es válido (debe empezar por 10, 15, 17 o 20)."),
        ("30100070970", "Número: el RUC 30100070970 no es válido (debe empezar por 10, 15, 17 o 20)."),
        ("201000709", "Número: el RUC debe tener 11 dígitos (tiene 9)."),
    ],
)
def test_ruc_messages_say_what_is_wrong(raw: str, message: str) -> None:
    assert errors_of(CLIENT, {"doc_type": "6", "doc_number": raw, "name": "X"})["doc_number"] == message


@pytest.mark.parametrize("prefix", ["10", "15", "17", "20"])
def test_every_ruc_prefix_the_message_names_is_accepted(prefix: str) -> None:
    from stdnum.pe import ruc

    body = prefix + "12345678"
    number = body + ruc.calc_check_digit(body)
    assert validate_section(CLIENT, {"doc_type": "6", "doc_number": number, "name": "X"})["doc_number"] == number


@pytest.mark.parametrize(
    "user", ["<@&123>#1234", "<@U0ALICE>", "ana`#1234", "ana@x#1234", "١٢٣٤٥٦٧٨٩٠١٢٣٤٥٦٧٨", "a#١٢٣٤", "x"]
)
def test_discord_user_refuses_mentions_and_markup(user: str) -> None:
    assert errors_of(INTEGRATIONS, {"discord_user": user})["discord_user"].startswith("Usuario de Discord: ")


@pytest.mark.parametrize("user", ["ana_perez", "ana.perez", "@ana", "123456789012345678", "Ana Pérez#1234"])
def test_discord_user_accepts_real_forms(user: str) -> None:
    assert validate_section(INTEGRATIONS, {"discord_user": user})["discord_user"] == user.lstrip("@")


@pytest.mark.parametrize("field", ["host", "ip"])
@pytest.mark.parametrize("value", ["fe80::1%<!channel>", "fe80::1%eth0", "fe80::1%"])
def test_ipv6_zone_ids_are_refused(field: str, value: str) -> None:
    message = errors_of(SERVER, {field: value})[field]
    assert "identificador de zona" in message


def test_host_refuses_look_alike_letters() -> None:
    assert "host" in errors_of(SERVER, {"host": "erp.\u017fervidor.pe"})  # "ſ"
    assert validate_section(SERVER, {"host": "\u212aey.pe"})["host"] == "key.pe"  # Kelvin sign lowercases to k


@pytest.mark.parametrize(
    ("name", "fragment"),
    [
        ("\u115f", "invisibles"),
        ("\u2800\u2800", "invisibles"),
        ("\u3164", "invisibles"),
        ("Empresa\u3164", "invisibles"),
        ("\u200b", "de control"),
        ("\u200d", "de control"),
        ("a\u200db", "de control"),
        ("Empresa \u202eCAS", "de control"),
        ("\u2066x", "de control"),
        ("a\u2028b", "de control"),
        ("\U000e0041", "de control"),
        ("\u0301\u0301", "ningún carácter visible"),
        ("\ufe0f", "ningún carácter visible"),
    ],
)
def test_names_need_a_visible_character_and_no_hidden_ones(name: str, fragment: str) -> None:
    assert fragment in errors_of(CLIENT, {"doc_number": "12345678", "name": name})["name"]


@pytest.mark.parametrize(
    ("name", "outcome"),
    [
        ("  Ana  ", "Ana"),
        ("\x1f Ana\x0b", "Ana"),  # what str.strip removes, with or without accents elsewhere
        ("\x1f Añá\x0b", "Añá"),
        ("a\tb", "de control"),
        ("a\x7fb", "de control"),  # DEL: ASCII, yet not printable
        ("añ\x7fb", "de control"),
        ("x" * 256, "admite como máximo 255 caracteres (tiene 256)."),
        ("ñ" * 256, "admite como máximo 255 caracteres (tiene 256)."),
        ("!", "!"),
    ],
)
def test_plain_ascii_names_are_cleaned_as_any_other(name: str, outcome: str) -> None:
    """Printable ASCII takes a shorter path through `clean_text` (imports clean tens of thousands of
    values a second); the answers must be those of the full path, which accented text takes."""
    try:
        assert validate_section(CLIENT, {"doc_number": "12345678", "name": name})["name"] == outcome
    except FieldErrors:
        assert outcome in errors_of(CLIENT, {"doc_number": "12345678", "name": name})["name"]


@pytest.mark.parametrize("name", ["👩\u200d💻 Studio", "❤\ufe0f\u200d🔥", "👨🏽\u200d💻", "José Núñez", "株式会社"])
def test_emoji_sequences_and_any_script_are_names(name: str) -> None:
    assert validate_section(CLIENT, {"doc_number": "12345678", "name": name})["name"] == name


@pytest.mark.parametrize(
    ("value", "kind"), [({"a": 1}, "un objeto"), (["a"], "una lista"), (12345678, "un número"), (True, "verdadero")]
)
def test_values_that_are_not_text_are_refused_not_stringified(value: object, kind: str) -> None:
    errors = errors_of(CLIENT, {"doc_number": value, "name": value})
    assert errors["name"].startswith("Nombre: debe ser texto (entre comillas), no ") and kind in errors["name"]
    assert errors["doc_number"].startswith("Número: debe ser texto")


@pytest.mark.parametrize(
    ("section", "raw", "field"),
    [
        (ADDRESS, {"line": "x", "country": "CL", "email": "a@b.pe\u202e"}, "email"),
        (ADDRESS, {"line": "x", "country": "CL", "email": "<!channel>@b.pe"}, "email"),
        (ADDRESS, {"line": "x", "country": "CL", "phone": "987654321\x00"}, "phone"),
        (ADDRESS, {"line": "x", "country": "CL", "phone": "+51 987 654 321 <@U1>"}, "phone"),
        (INTEGRATIONS, {"gitlab_user": "an\na"}, "gitlab_user"),
        (INTEGRATIONS, {"slack_channel": "\u2800"}, "slack_channel"),
        (SERVER, {"host": "a.pe", "username": "root\x1b[31m"}, "username"),
    ],
)
def test_odd_input_in_other_fields_is_a_field_error(section, raw, field) -> None:  # type: ignore[no-untyped-def]
    assert field in errors_of(section, raw)


# ----------------------------------------------------------------- free text at the core's boundary
async def test_queries_refuse_nul_and_surrogates_in_spanish(service: ClientService, ana: Actor) -> None:
    await service.create(ana, {"doc_number": "12345678", "name": "Empresa"})
    for bad in ("a\x00b", "\ud800", "x" * 201):
        with pytest.raises(FieldErrors) as found:
            await service.find(ana, bad)
        assert found.value.errors[0].text.startswith("Cliente: ")
        with pytest.raises(FieldErrors) as listed:
            await service.list_page(ana, bad)
        assert listed.value.errors[0].text.startswith("Búsqueda: ")
        assert await service.suggest(ana, bad) == []
    assert (await service.find(ana, "１２３４５６７８")).doc_number == "12345678"


async def test_ids_out_of_range_are_not_found(service: ClientService, ana: Actor) -> None:
    card = await service.create(ana, {"doc_number": "12345678", "name": "Empresa"})
    for client_id in (0, -1, 2**31, 10**25):
        with pytest.raises(NotFound):
            await service.get(ana, client_id)
    with pytest.raises(NotFound):
        await service.find(ana, "#²")
    assert (await service.list_page(ana, cursor="n:²")).rows[0].id == card.id
    assert [s.id for s in await service.suggest(ana, "#1")] == [card.id]


async def test_message_text_and_platforms_are_checked(service: ClientService, ana: Actor) -> None:
    card = await service.create(ana, {"doc_number": "12345678", "name": "E"}, integrations={"slack_channel": "e"})
    with pytest.raises(FieldErrors) as nul:
        await service.post_message(ana, card.id, "hola\x00")
    assert nul.value.by_path() == {"message.text": "Mensaje: contiene caracteres de control no permitidos."}
    for platforms in ([["slack"]], "slack", [], [None]):
        with pytest.raises(FieldErrors) as bad:
            await service.post_message(ana, card.id, "hola", platforms)  # type: ignore[arg-type]
        assert bad.value.by_path() == {"message.platforms": "Plataformas: indique «slack» y/o «discord»."}
    assert len(await service.post_message(ana, card.id, "línea 1\nlínea 2\tfin", ["slack"])) == 1


PASSWORD = "  lead and trail  "


async def test_password_survives_every_path_byte_exact(service: ClientService, ana: Actor) -> None:
    card = await service.create(
        ana, {"doc_number": "12345678", "name": "E"}, servers=[{"host": "erp.e.pe", "password": PASSWORD}]
    )
    first = card.servers[0].id
    assert await service.reveal_password(ana, card.id, first) == PASSWORD
    card = await service.add_server(ana, card.id, {"host": "db.e.pe", "password": " e\u0301 "})
    second = card.servers[1].id
    assert await service.reveal_password(ana, card.id, second) == " e\u0301 "  # not NFC-composed to "é"
    with pytest.raises(FieldErrors):
        await service.edit_server(ana, card.id, second, {"host": "db.e.pe", "password": "\x00x"}, card.version)
    assert await service.reveal_password(ana, card.id, second) == " e\u0301 "
    await service.edit_server(ana, card.id, second, {"host": "db.e.pe", "password": " new "}, None)
    assert await service.reveal_password(ana, card.id, second) == " new "
    await service.edit_server(ana, card.id, second, {"host": "db.e.pe", "password": ""}, None)
    assert await service.reveal_password(ana, card.id, second) == " new "  # blank keeps the stored one
    draft = await service.save_draft(ana, "create", {"servers": [{"host": "x.pe", "password": PASSWORD}]})
    assert (await service.load_draft(ana, draft)).data["servers"][0]["password"] == PASSWORD


async def test_forged_form_ids_are_forms_that_do_not_exist(service: ClientService, ana: Actor) -> None:
    """Discord custom_ids carry draft ids and origin keys; a forged one never reaches the database as is."""
    from commands.errors import DraftExpired

    for forged in ("a\x00b", "\ud800", "x" * 33, "../../x", ""):
        with pytest.raises(DraftExpired):
            await service.load_draft(ana, forged)
        await service.discard_draft(forged)
        assert len(await service.save_draft(ana, "create", {"q": "x"}, draft_id=forged)) == 32
    for key in ("discord:a\x00b", "discord:" + "x" * 100, "discord:\ud800", "discord: x"):
        assert await service.by_origin(ana, key) is None
        with pytest.raises(DraftExpired):
            await service.create(ana, {"doc_number": "12345678", "name": "E"}, origin_key=key)
    assert (await service.list_page(ana)).total == 0


async def test_unknown_section_is_an_answer(service: ClientService, ana: Actor) -> None:
    card = await service.create(ana, {"doc_number": "12345678", "name": "E"})
    for section in ("address", "server", "x\x00", ""):
        with pytest.raises(NotFound, match="Esa sección del formulario no existe"):
            await service.edit_section(ana, card.id, section, {}, card.version)


async def test_normalised_values_must_fit_their_column(service: ClientService, ana: Actor) -> None:
    """A phone typed in 30 characters is stored in E.164 with its extension (33): refused by field (PostgreSQL too)."""
    raw = "987654321;ext=1234567890123456"
    message = "Teléfono: admite como máximo 32 caracteres y, normalizado, tendría 33."
    assert errors_of(CONTACT, {"contact_phone": raw}) == {"contact_phone": message}
    with pytest.raises(FieldErrors) as caught:
        await service.create(
            ana, {"doc_number": "12345678", "name": "E"}, addresses=[{"country": "CL", "line": "x", "phone": raw}]
        )
    assert caught.value.by_path() == {"address.0.phone": message}
    assert validate_section(CONTACT, {"contact_phone": "987654321;ext=12345"})["contact_phone"] == (
        "+51987654321;ext=12345"
    )
