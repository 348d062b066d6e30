"""Processes and platform adapters of clientes-bot."""
