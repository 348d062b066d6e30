"""Discord UI components, one per file. `DYNAMIC_ITEMS` are registered on the client at start so
every button and select keeps working after a restart (their state lives in the custom_id)."""

from __future__ import annotations

from bot.discord.ui.card_view import CardButton
from bot.discord.ui.client_picker import PickClient
from bot.discord.ui.delete_buttons import ConfirmDelete, UndoDelete
from bot.discord.ui.fix_button import FixButton
from bot.discord.ui.item_select import ItemSelect
from bot.discord.ui.list_pager import PageButton
from bot.discord.ui.password_select import PasswordSelect
from bot.discord.ui.remove_buttons import ConfirmRemove, KeepCard
from bot.discord.ui.section_select import SectionSelect
from bot.discord.ui.ubigeo_picker import (
    ContinueButton,
    DepartamentoSelect,
    DistritoSelect,
    MoreButton,
    ProvinciaSelect,
)

DYNAMIC_ITEMS = (
    CardButton,
    PickClient,
    ConfirmDelete,
    UndoDelete,
    FixButton,
    ItemSelect,
    ConfirmRemove,
    KeepCard,
    PageButton,
    PasswordSelect,
    SectionSelect,
    DepartamentoSelect,
    ProvinciaSelect,
    DistritoSelect,
    MoreButton,
    ContinueButton,
)
