"""What each interaction does, one module per feature (as `bot.slack.handlers`): `command` (/clientes),
`options` (autocomplete), `card` (the card's buttons, picking a client, delete/undo, passwords),
`edit` (the section menu and which form a section opens), `forms` (section modals: open, submit,
"Corregir"), `items` (addresses and servers of a card), `ubigeo_picker` (the address picker),
`listing` (the list's pages), `prefill` (the message command, and continuing with pre-filled
values; `pending` holds what the forms ask of them), `sunat` (SUNAT's padrón; `sunat_offer`: what a
create keeps from it); `ops` holds what several share and `context` what all start from.

`ROUTES`: the handler of every component, by class. The client carries it (`ClientesBot.routes`) and
`ui.base.Routed` looks a click up there, so components never import a handler.
"""

from __future__ import annotations

from bot.discord.handlers import card, edit, forms, items, listing, prefill, sunat, ubigeo_picker
from bot.discord.handlers.command import ClientesGroup
from bot.discord.handlers.prefill import message_command
from bot.discord.ui import (
    CardButton,
    ConfirmDelete,
    ConfirmRemove,
    ContinueButton,
    DepartamentoSelect,
    DistritoSelect,
    FixButton,
    HistoryButton,
    ItemSelect,
    KeepCard,
    MoreButton,
    PageButton,
    PasswordSelect,
    PickClient,
    PrefillButton,
    ProvinciaSelect,
    SectionModal,
    SectionSelect,
    SunatPage,
    SunatRegister,
    UndoDelete,
)
from bot.discord.ui.base import Routes

ROUTES: Routes = {
    CardButton: card.card_button,
    PickClient: card.client_picked,
    PasswordSelect: card.server_picked,
    ConfirmDelete: card.delete_confirmed,
    UndoDelete: card.undo_clicked,
    SectionSelect: edit.section_picked,
    SectionModal: forms.submitted,
    FixButton: forms.fix_clicked,
    ItemSelect: items.item_picked,
    ConfirmRemove: items.remove_confirmed,
    KeepCard: items.keep_clicked,
    PageButton: listing.page_clicked,
    HistoryButton: card.history_turned,
    DepartamentoSelect: ubigeo_picker.step,
    ProvinciaSelect: ubigeo_picker.step,
    DistritoSelect: ubigeo_picker.step,
    MoreButton: ubigeo_picker.step,
    ContinueButton: ubigeo_picker.continue_clicked,
    PrefillButton: prefill.continue_clicked,
    SunatRegister: sunat.register_clicked,
    SunatPage: sunat.page_clicked,
}

__all__ = ["ROUTES", "ClientesGroup", "message_command"]
