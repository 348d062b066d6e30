"""Encryption of server passwords at rest (Fernet, MultiFernet for rotation).

Keys come from `CLIENTES_SECRET_KEYS`, newest first. Only a single-process SQLite install may have a
key generated for it: with a shared database each process would invent its own key and none could
read the others' passwords.
"""

from __future__ import annotations

import os
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet


class SecretKeyError(RuntimeError):
    """No usable key: the message is shown to the operator as is."""


class SecretBox:
    """Encrypts and decrypts short secrets; its repr never shows a key."""

    def __init__(self, keys: list[str]) -> None:
        if not keys:
            raise SecretKeyError("No hay claves de cifrado (CLIENTES_SECRET_KEYS).")
        try:
            self._fernet = MultiFernet([Fernet(key.strip().encode()) for key in keys])
        except (ValueError, TypeError) as exc:
            raise SecretKeyError(
                "CLIENTES_SECRET_KEYS contiene una clave inválida (se esperan claves Fernet en base64)."
            ) from exc
        self.key_count = len(keys)

    def __repr__(self) -> str:
        return f"SecretBox(keys={self.key_count})"

    def encrypt(self, plain: str) -> str:
        return self._fernet.encrypt(plain.encode()).decode()

    def decrypt(self, token: str) -> str:
        try:
            return self._fernet.decrypt(token.encode()).decode()
        except InvalidToken as exc:
            raise SecretKeyError("No se pudo descifrar la contraseña: falta la clave con la que se cifró.") from exc

    def rotate(self, token: str) -> str:
        """Re-encrypts with the newest key (any older key may have produced the token)."""
        return self._fernet.rotate(token.encode()).decode()


def generate_key() -> str:
    return Fernet.generate_key().decode()


def parse_keys(raw: str | None) -> list[str]:
    return [part.strip() for part in (raw or "").split(",") if part.strip()]


def load_or_create_key_file(path: Path) -> tuple[list[str], bool]:
    """Keys from the local key file, creating it (mode 0600) when missing; says whether it created."""
    if path.exists():
        return parse_keys(path.read_text()), False
    path.parent.mkdir(parents=True, exist_ok=True)
    key = generate_key()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key + "\n")
    return [key], True
