"""Terminal adapter: the chat commands and forms, for trying the bot with no chat tokens or scripting it."""
