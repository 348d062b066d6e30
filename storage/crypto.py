"""Encryption of server passwords at rest (Fernet, MultiFernet for rotation).

Keys come from `CLIENTES_SECRET_KEYS`, newest first. Only a single-process SQLite install may have a
key generated for it: with a shared database each process would invent its own key and none could
read the others' passwords.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

KEYS_VARIABLE = "CLIENTES_SECRET_KEYS"


class SecretKeyError(RuntimeError):
    """No usable key: the message is shown to the operator as is (Spanish, never the key itself)."""


class UnreadableSecret(SecretKeyError):
    """A stored token that none of the configured keys opens (wrong key, or one retired too early)."""


class SecretBox:
    """Encrypts and decrypts short secrets; its repr never shows a key.

    The keys are kept one by one as well as combined, so that `keys check` can say which key opens
    which stored secret: a key that opens nothing is the sign of a wrong or mistyped key.
    """

    def __init__(self, keys: list[str]) -> None:
        if not keys:
            raise SecretKeyError(f"No hay claves de cifrado ({KEYS_VARIABLE}).")
        self._keys = [_fernet(key, position) for position, key in enumerate(keys, start=1)]
        self._fernet = MultiFernet(self._keys)
        self.key_count = len(keys)

    def __repr__(self) -> str:
        return f"SecretBox(keys={self.key_count})"

    def encrypt(self, plain: str) -> str:
        return self._fernet.encrypt(plain.encode()).decode()

    def decrypt(self, token: str) -> str:
        try:
            return self._fernet.decrypt(token.encode()).decode()
        except InvalidToken as exc:
            raise UnreadableSecret(UNREADABLE_MESSAGE) from exc

    def rotate(self, token: str) -> str:
        """Re-encrypts with the newest key (any older key may have produced the token)."""
        try:
            return self._fernet.rotate(token.encode()).decode()
        except InvalidToken as exc:
            raise UnreadableSecret(UNREADABLE_MESSAGE) from exc

    def opener(self, token: str) -> int | None:
        """Position (0 = newest) of the first configured key that decrypts `token`; None if none does."""
        data = token.encode()
        for index, key in enumerate(self._keys):
            try:
                key.decrypt(data)
            except InvalidToken:
                continue
            return index
        return None


UNREADABLE_MESSAGE = (
    f"No se pudo descifrar la contraseña: falta la clave con la que se cifró ({KEYS_VARIABLE} no la "
    "incluye). Avise al administrador: `clientes-bot keys check` muestra qué falta."
)


def _fernet(key: str, position: int) -> Fernet:
    """One Fernet, or a Spanish message naming the key's position (never the key) when malformed."""
    try:
        return Fernet(key.strip().encode())
    except (ValueError, TypeError, UnicodeError) as exc:
        raise SecretKeyError(
            f"{KEYS_VARIABLE} contiene una clave inválida (la n.º {position} de la lista): se esperan claves "
            "Fernet (44 caracteres base64) separadas por comas. Genere una con `clientes-bot keys generate`."
        ) from exc


def generate_key() -> str:
    return Fernet.generate_key().decode()


def parse_keys(raw: str | None) -> list[str]:
    """Keys separated by commas or whitespace (one a line in the key file): base64url has neither."""
    return [part for part in re.split(r"[,\s]+", raw or "") if part]


def read_key_file(path: Path) -> list[str] | None:
    """Keys from the local key file, or None when there is none."""
    try:
        return parse_keys(path.read_text())
    except FileNotFoundError:
        return None
    except PermissionError as exc:
        raise SecretKeyError(f"No se pudo leer el archivo de claves {path}: sin permiso de lectura.") from exc
    except UnicodeError as exc:
        raise SecretKeyError(f"El archivo de claves {path} no es texto: debe contener claves Fernet.") from exc
    except OSError as exc:
        raise SecretKeyError(f"No se pudo leer el archivo de claves {path} (error del sistema {exc.errno}).") from exc


def create_key_file(path: Path) -> list[str]:
    """A new key in a new file created 0600 that never overwrites a key someone else just wrote; if
    another process won that race, its key is the one to use.

    The key is written to a private temporary file first and then linked into place (atomic, and
    refused when the name exists), so a process that lost the race never reads a half-written file."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    key = generate_key()
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".secret-", suffix=".tmp")  # 0600
    try:
        with os.fdopen(fd, "w") as handle:
            handle.write(key + "\n")
        os.link(temporary, path)
    except FileExistsError:
        return read_key_file(path) or []
    finally:
        os.unlink(temporary)
    return [key]
