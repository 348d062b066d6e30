"""`lista <texto>` in the console: the new search fields and `orden:nombre`, typed over stdin."""

from __future__ import annotations

from commands.service import ClientService
from tests.search_data import seed

from .test_console import drive


async def test_lista_searches_phones_places_and_channels_and_sorts_by_name(service: ClientService) -> None:
    await seed(service)
    output = await drive(
        service, ["lista +51 987 654 321", "lista arequipa", "lista #soporte-nandu", "lista orden:nombre"]
    )
    phone, place, channel, ordered = output.split("Clientes")[1:5]
    assert "Ñandú" in phone and "Beta" not in phone and "Álamo" not in phone
    assert "Beta" in place and "Ñandú" not in place
    assert "Ñandú" in channel and "Beta" not in channel
    assert ordered.index("Álamo Zeta") < ordered.index("Comercial Beta") < ordered.index("Inversiones Ñandú")
