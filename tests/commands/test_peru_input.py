"""Peru-aware input (issue 11): phones, accented domains, Discord users, countries by common names,
"-" to clear, and messages that agree with their field. The adapters' tests drive the same rules
through Slack and Discord; these pin the rules on a sample wide enough to catch a regression."""

from __future__ import annotations

import pycountry
import pytest

from commands import countries, phones
from commands.access import Actor
from commands.errors import FieldErrors
from commands.forms import ADDRESS, CONTACT, INTEGRATIONS, SERVER, asks_district
from commands.service import ClientService
from commands.validation import validate_section


def errors_of(section, raw) -> dict[str, str]:  # type: ignore[no-untyped-def]
    with pytest.raises(FieldErrors) as caught:
        validate_section(section, raw)
    return {e.field: e.text for e in caught.value.errors}


@pytest.mark.parametrize(
    ("typed", "stored", "shown"),
    [
        ("6100600", "+5116100600", "(01) 610 0600"),
        ("610-0600", "+5116100600", "(01) 610 0600"),
        ("(01) 610 0600", "+5116100600", "(01) 610 0600"),
        ("01 4445566", "+5114445566", "(01) 444 5566"),
        ("054 223344", "+5154223344", "(054) 223 344"),
        ("987654321", "+51987654321", "987 654 321"),
        ("+51 987 654 321", "+51987654321", "987 654 321"),
        ("01 4445566 anexo 12", "+5114445566;ext=12", "(01) 444 5566 Anexo 12"),
        ("+34 912 345 678", "+34912345678", "+34 912 34 56 78"),
        ("+1 650 253 0000", "+16502530000", "+1 650-253-0000"),
    ],
)
def test_phones_read_in_peru_stored_in_e164_shown_the_peruvian_way(typed: str, stored: str, shown: str) -> None:
    assert validate_section(CONTACT, {"contact_phone": typed})["contact_phone"] == stored
    assert phones.display(stored) == shown
    assert validate_section(CONTACT, {"contact_phone": shown})["contact_phone"] == stored  # the shown form re-reads


def test_rows_saved_in_the_older_international_format_are_shown_and_compared_as_numbers() -> None:
    assert phones.display("+51 1 4445566") == "(01) 444 5566"
    assert phones.stored("+51 987 654 321 Anexo 12") == "+51987654321;ext=12"


@pytest.mark.parametrize("typed", ["610060", "12345678901", "+1 6100600", "abc"])
def test_numbers_that_are_none_are_still_refused(typed: str) -> None:
    assert errors_of(CONTACT, {"contact_phone": typed})["contact_phone"].startswith(f"Teléfono: «{typed}» no es")


async def test_editing_an_old_format_phone_unchanged_changes_nothing(service: ClientService, ana: Actor) -> None:
    """A row stored before E.164 ("+51 1 4445566", written here as an older version did) is the same number."""
    from storage.models import Address

    card = await service.create(
        ana, {"doc_number": "12345678", "name": "Ana"}, addresses=[{"line": "x", "ubigeo": "150122"}]
    )
    async with service.db.session() as session, session.begin():
        row = await session.get(Address, card.addresses[0].id)
        assert row is not None
        row.phone = "+51 1 4445566"
    current = await service.get(ana, card.id)
    address = current.addresses[0]
    assert address.values()["phone"] == "(01) 444 5566"
    same = await service.edit_address(ana, card.id, address.id, address.values(), current.version)
    assert same.version == current.version and same.addresses[0].phone == "+51 1 4445566"


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("https://peñoles.pe", "https://peñoles.pe"), ("peñoles.pe/contacto", "https://peñoles.pe/contacto")],
)
def test_accented_domains_are_accepted_like_in_an_email(typed: str, stored: str) -> None:
    assert validate_section(CONTACT, {"website": typed})["website"] == stored
    assert validate_section(ADDRESS, {"line": "x", "country": "CL", "email": "ventas@peñoles.pe"})["email"]
    assert validate_section(SERVER, {"host": "erp.peñoles.pe"})["host"] == "erp.peñoles.pe"


@pytest.mark.parametrize("typed", ["https://erp.\u017fervidor.pe", "https://-ñ.pe", "https://ñ"])
def test_look_alike_or_malformed_accented_domains_are_refused(typed: str) -> None:
    assert "website" in errors_of(CONTACT, {"website": typed})


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("Rosa.Perez", "rosa.perez"), ("@ANA_01", "ana_01"), ("Ana García#1234", "Ana García#1234")],
)
def test_discord_users_are_lowercased_not_refused(typed: str, stored: str) -> None:
    assert validate_section(INTEGRATIONS, {"discord_user": typed})["discord_user"] == stored


def test_only_ascii_capitals_are_lowered() -> None:
    """Lowering "Ş" would not make a valid username: it is refused as typed, not changed into another."""
    assert "discord_user" in errors_of(INTEGRATIONS, {"discord_user": "Şule"})


def test_required_feminine_fields_agree_in_gender() -> None:
    assert errors_of(ADDRESS, {"country": "CL"})["line"] == "Dirección: es obligatoria."
    assert errors_of(ADDRESS, {"country": "CL", "line": "x", "email": "-x"})["email"].startswith("Correo")


def test_dash_clears_an_optional_field_but_not_a_password_nor_a_required_one() -> None:
    assert validate_section(CONTACT, {"contact_name": "-", "website": "-", "contact_phone": "-"}) == {
        "contact_name": None,
        "website": None,
        "contact_phone": None,
    }
    assert validate_section(SERVER, {"host": "a.pe", "password": "-"})["password"] == "-"
    assert validate_section(ADDRESS, {"country": "CL", "line": "-"})["line"] == "-"  # required: kept as typed


@pytest.mark.parametrize(
    ("typed", "code", "shown"),
    [
        ("EEUU", "US", "Estados Unidos"),
        ("EE. UU.", "US", "Estados Unidos"),
        ("Estados Unidos", "US", "Estados Unidos"),
        ("USA", "US", "Estados Unidos"),
        ("Corea del Sur", "KR", "Corea del Sur"),
        ("corea del norte", "KP", "Corea del Norte"),
        ("Bolivia", "BO", "Bolivia"),
        ("Bolivia, Estado plurinacional de", "BO", "Bolivia"),
        ("Reino Unido", "GB", "Reino Unido"),
        ("Inglaterra", "GB", "Reino Unido"),
        ("Holanda", "NL", "Países Bajos"),
        ("Rusia", "RU", "Rusia"),
        ("Venezuela", "VE", "Venezuela"),
        ("República Checa", "CZ", "Chequia"),
        ("Germany", "DE", "Alemania"),
        ("perú", "PE", "Perú"),
        ("PER", "PE", "Perú"),
    ],
)
def test_countries_by_common_names(typed: str, code: str, shown: str) -> None:
    assert countries.resolve(typed) == code
    assert countries.name(code) == shown
    assert (
        validate_section(ADDRESS, {"country": typed, "line": "x", "ubigeo": "" if code != "PE" else "150122"})[
            "country"
        ]
        == code
    )


def test_the_curated_tables_name_real_codes_and_leave_no_inverted_names() -> None:
    codes = {c.alpha_2 for c in pycountry.countries}
    assert set(countries.COMMON_NAMES) <= codes and set(countries.ALIASES.values()) <= codes
    names = [c.name for c in countries.search("", limit=300)]
    assert len(names) == len(set(names)) == len(codes)
    # "Corea, República de" and the like are all replaced; a comma that lists places stays
    assert [n for n in names if ", " in n] == ["Santa Elena, Ascensión y Tristán de Acuña"]


def test_district_is_asked_only_for_peru() -> None:
    assert asks_district(None) and asks_district("") and asks_district("PE") and asks_district("Perú")
    assert not asks_district("BO") and not asks_district("Chile") and not asks_district("EEUU")


async def test_a_resent_form_with_a_phone_is_recognised_as_saved(service: ClientService, ana: Actor) -> None:
    """Without a submission key the core compares the stored values with the submission: the phone,
    pre-filled as written in Peru and stored in E.164, compares as the same number."""
    from commands.form_target import FormTarget

    card = await service.create(ana, {"doc_number": "12345678", "name": "Ana"}, contact={"contact_phone": "6100600"})
    form = {**card.section_values("contact"), "contact_name": "Ana Ruiz"}
    assert form["contact_phone"] == "(01) 610 0600"
    target = FormTarget("contact", card.id, card.version)
    first = await service.save(ana, target, form)
    again = await service.save(ana, target, form)  # the same form sent again: not a Conflict
    assert again.version == first.version == card.version + 1 and again.contact_phone == "+5116100600"
