"""Three clients with every field the list search covers, shared by the core's and each adapter's tests."""

from __future__ import annotations

from sqlalchemy import update

from commands.access import Actor
from commands.service import ClientService
from commands.views import ClientCard
from storage.models import Client

SEEDER = Actor("console", "seed")
SLACK_CHANNEL_ID = "C0NANDU01"
DISCORD_CHANNEL_ID = "123456789012345678"


async def seed(service: ClientService) -> dict[str, ClientCard]:
    """Ñandú (Miraflores, Lima), Beta (Arequipa) and Zeta (nothing but its name), created in that order."""
    nandu = await service.create(
        SEEDER,
        {"doc_type": "6", "doc_number": "20100070970", "name": "Inversiones Ñandú S.A.C.", "internal_code": "INV-7"},
        addresses=[
            {
                "country": "PE",
                "ubigeo": "150122",
                "line": "Av. Larco 345",
                "phone": "014445566",
                "email": "pagos@nandu.pe",
            }
        ],
        contact={"contact_name": "Rosa Quispe Ñahui", "contact_phone": "987654321"},
        integrations={
            "gitlab_user": "rquispe",
            "discord_user": "rosa.q",
            "slack_channel": "soporte-nandu",
            "discord_channel": "nandu-ops",
        },
    )
    beta = await service.create(
        SEEDER,
        {"doc_type": "1", "doc_number": "45678912", "name": "Comercial Beta"},
        addresses=[
            {"country": "PE", "ubigeo": "040101", "line": "Calle Mercaderes 120", "email": "ventas@beta.com.pe"}
        ],
        contact={"contact_phone": "+51 912 345 678"},
    )
    zeta = await service.create(SEEDER, {"doc_type": "1", "doc_number": "10000001", "name": "Álamo Zeta"})
    return {"nandu": nandu, "beta": beta, "zeta": zeta}


async def link_channels(service: ClientService, client_id: int) -> None:
    """What the outbox worker records once it has created the client's channels."""
    async with service.db.session() as session, session.begin():
        await session.execute(
            update(Client)
            .where(Client.id == client_id)
            .values(slack_channel_id=SLACK_CHANNEL_ID, discord_channel_id=DISCORD_CHANNEL_ID)
        )


# What people type, and whom it must find: every field the search covers, typed as people remember it.
FINDS: tuple[tuple[str, str], ...] = (
    ("rosa quispe", "nandu"),  # contact name
    ("ÑAHUI", "nandu"),  # contact name, accents and case ignored
    ("987654321", "nandu"),  # contact phone as stored nationally
    ("987 654 321", "nandu"),  # spaced
    ("+51987654321", "nandu"),  # E.164
    ("+51 987-654-321", "nandu"),
    ("4445566", "nandu"),  # the address' phone, without area code
    ("01 444 5566", "nandu"),
    ("912345678", "beta"),  # stored as +51 912 345 678
    ("pagos@nandu", "nandu"),  # e-mail
    ("ventas@beta.com.pe", "beta"),
    ("rquispe", "nandu"),  # GitLab user
    ("rosa.q", "nandu"),  # Discord user
    ("miraflores", "nandu"),  # district
    ("arequipa", "beta"),  # district and province
    ("soporte-nandu", "nandu"),  # channels, bare and as shown
    ("#soporte-nandu", "nandu"),
    ("#nandu-ops", "nandu"),
    ("inv-7", "nandu"),  # internal code
    ("nandu", "nandu"),  # name, accent-insensitive (also in the e-mail and channels)
    ("20100070970", "nandu"),  # document
)
