"""Discord components only (buttons, selects, the section modal), one family per file; what a click
does is a handler's (`bot.discord.handlers.ROUTES`, looked up by `base.Routed`). `DYNAMIC_ITEMS` are
registered on the client at start so every button and select keeps working after a restart (their
state lives in the custom_id, `bot.discord.ids`)."""

from __future__ import annotations

from bot.discord.ui.card_view import CardButton
from bot.discord.ui.client_picker import PickClient
from bot.discord.ui.delete_buttons import ConfirmDelete, UndoDelete
from bot.discord.ui.fix_button import FixButton
from bot.discord.ui.history_pager import HistoryButton
from bot.discord.ui.item_select import ItemSelect
from bot.discord.ui.list_pager import PageButton
from bot.discord.ui.password_select import PasswordSelect
from bot.discord.ui.prefill_button import PrefillButton
from bot.discord.ui.remove_buttons import ConfirmRemove, KeepCard
from bot.discord.ui.section_modal import SectionModal
from bot.discord.ui.section_select import SectionSelect
from bot.discord.ui.sunat_buttons import SunatPage, SunatRegister
from bot.discord.ui.ubigeo_picker import (
    ContinueButton,
    DepartamentoSelect,
    DistritoSelect,
    MoreButton,
    ProvinciaSelect,
)

__all__ = [
    "DYNAMIC_ITEMS",
    "CardButton",
    "ConfirmDelete",
    "ConfirmRemove",
    "ContinueButton",
    "DepartamentoSelect",
    "DistritoSelect",
    "FixButton",
    "HistoryButton",
    "ItemSelect",
    "KeepCard",
    "MoreButton",
    "PageButton",
    "PasswordSelect",
    "PickClient",
    "PrefillButton",
    "ProvinciaSelect",
    "SectionModal",
    "SectionSelect",
    "SunatPage",
    "SunatRegister",
    "UndoDelete",
]

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
    HistoryButton,
    PasswordSelect,
    SectionSelect,
    DepartamentoSelect,
    ProvinciaSelect,
    DistritoSelect,
    MoreButton,
    ContinueButton,
    PrefillButton,
    SunatRegister,
    SunatPage,
)
