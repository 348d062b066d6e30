"""The platform-neutral command core: every rule of the register lives here, no chat SDK does."""
