"""Which part of a client a submitted form changes, said the same way by every adapter.

Slack keeps it in ``private_metadata``, Discord in a custom_id or a draft, the console in its menu;
each builds a `FormTarget` and hands it to `ClientService.save`, which alone decides which use case
the form calls.
"""

from __future__ import annotations

from dataclasses import dataclass

from commands.forms import CLIENT_ROW_SECTIONS, SECTION_BY_KEY, Section

ITEM_SECTIONS = ("address", "server")


@dataclass(frozen=True)
class FormTarget:
    section: str  # client | contact | integrations | address | server
    client_id: int
    version: int | None  # the version the form was rendered from; a newer one is a Conflict
    item_id: int | None = None  # the address or server edited; None adds one

    @property
    def spec(self) -> Section:
        return SECTION_BY_KEY[self.section]

    @property
    def adds(self) -> bool:
        """A new address or server, rather than values already stored."""
        return self.section in ITEM_SECTIONS and self.item_id is None

    @property
    def editing(self) -> bool:
        """The form shows stored values: a blank Contraseña keeps the stored one."""
        return not self.adds

    @property
    def known(self) -> bool:
        """Whether the section exists (it travels in platform metadata a client can forge)."""
        return self.section in CLIENT_ROW_SECTIONS or self.section in ITEM_SECTIONS
