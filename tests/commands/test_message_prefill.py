"""What "Registrar cliente" recognises in a message, and what it must leave alone."""

from __future__ import annotations

import pytest

from commands.message_prefill import labels_found, values_from_message


def test_a_forwarded_slack_message_gives_document_email_phones_and_website() -> None:
    values = values_from_message(
        "Nuevo: ACME SAC, RUC 20100070970, <mailto:facturas@acme.pe|facturas@acme.pe>, "
        "cel 987 654 321, fijo (01) 610-0600, <https://acme.pe|acme.pe>."
    )
    assert values == {
        "client.doc_type": "6",
        "client.doc_number": "20100070970",
        "address.0.email": "facturas@acme.pe",
        "contact.contact_phone": "+51 987 654 321",
        "address.0.phone": "+51 1 6100600",
        "contact.website": "https://acme.pe",
    }
    assert labels_found(values) == "RUC, Correo electrónico, Teléfono, Sitio Web"


def test_a_dni_is_taken_only_when_the_message_calls_it_one() -> None:
    assert values_from_message("DNI: 45678912, juan@gmail.com")["client.doc_number"] == "45678912"
    assert "client.doc_number" not in values_from_message("pedido 45678912 del mes")


@pytest.mark.parametrize("text", ["RUC 20100070971", "código 12345678901"])
def test_eleven_digits_that_fail_the_ruc_check_digit_are_not_a_ruc(text: str) -> None:
    assert "client.doc_number" not in values_from_message(text)


def test_a_ruc_is_never_read_as_a_phone_and_an_email_domain_is_not_the_website() -> None:
    values = values_from_message("RUC 20100070970 ventas@empresa.pe")
    assert "contact.contact_phone" not in values and "contact.website" not in values


def test_first_email_wins_invalid_ones_are_skipped_and_www_gets_https() -> None:
    values = values_from_message("a@@b.pe, ana@empresa.pe, luis@empresa.pe; web: www.empresa.pe.")
    assert values["address.0.email"] == "ana@empresa.pe"
    assert values["contact.website"] == "https://www.empresa.pe"


def test_a_message_with_nothing_recognisable_gives_nothing() -> None:
    assert values_from_message("¿Almorzamos a la 1?") == {}
    assert values_from_message("") == {}
    assert labels_found({}) == ""


def test_discord_markup_ids_are_not_read_as_documents_or_phones() -> None:
    """A Discord message's mentions, timestamps and emoji carry ids, never client data."""
    text = "Reunión <t:987654321:R> con <@20100070970>, <#987654322>, <@&987654323> <:acme:987654324>"
    assert values_from_message(text) == {}
    assert values_from_message(f"{text} RUC 20100070970")["client.doc_number"] == "20100070970"
