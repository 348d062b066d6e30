"""Block Kit rendering: one module per surface (inputs, create/edit modals, card, list, help, notices)."""
