"""Discord adapter: discord.py `Client` + `CommandTree` rendering the shared command core.

Only renders and parses: every rule lives in `commands/` (service, forms, presenter).
"""
