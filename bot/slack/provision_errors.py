"""What a Slack Web API failure while provisioning a client's channel means for the outbox worker.

Passing problems (rate limits, Slack's 5xx, the network) become :class:`RetryLater`, so the worker
backs off (honouring ``Retry-After``); problems only a person can fix (a missing scope, a revoked
token, a workspace policy, a name Slack refuses) become :class:`ProvisionFailed` with a Spanish
sentence that names what to fix, shown on the client's card. Nothing here sees or logs the token.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError

from commands.channels import ProvisionFailed, RetryLater

#: Slack error codes that a later attempt can get past (with HTTP 200 or 5xx).
RETRYABLE = frozenset({"ratelimited", "internal_error", "fatal_error", "service_unavailable", "request_timeout"})

#: What the network raises under slack_sdk (after its own connection-error retry).
NETWORK_ERRORS = (aiohttp.ClientError, OSError, TimeoutError)

_RETRY_TEXT = {
    "ratelimited": "Slack limitó las solicitudes (ratelimited); se reintentará",
    "internal_error": "Slack tuvo un error interno; se reintentará",
    "fatal_error": "Slack tuvo un error interno; se reintentará",
    "service_unavailable": "Slack no está disponible por ahora; se reintentará",
    "request_timeout": "Slack no respondió a tiempo; se reintentará",
}

_FIXES = {
    "not_allowed_token_type": (
        "SLACK_BOT_TOKEN no es un token de bot; configure el token «xoxb-…» de la app de Slack y reinicie el bot"
    ),
    "restricted_action": (
        "la configuración del espacio de trabajo de Slack no permite que la app cree o administre canales; "
        "pida a un administrador de Slack que lo permita"
    ),
    "not_authed": "falta SLACK_BOT_TOKEN o Slack no lo recibió; configúrelo y reinicie el bot",
    "invalid_auth": "Slack rechazó SLACK_BOT_TOKEN (token inválido); reinstale la app de Slack y actualice el token",
    "account_inactive": (
        "la app de Slack fue desinstalada o su token fue revocado; reinstálela y actualice SLACK_BOT_TOKEN"
    ),
    "team_access_not_granted": (
        "la app de Slack no tiene acceso a este espacio de trabajo; pida a un administrador que la apruebe"
    ),
    "token_revoked": "el token de la app de Slack fue revocado; reinstálela y actualice SLACK_BOT_TOKEN",
    "ekm_access_denied": "los administradores de Slack bloquearon el acceso de la app; pida que lo restablezcan",
}


def retry_after(headers: Mapping[str, Any] | None) -> float | None:
    """Seconds from a ``Retry-After`` header (aiohttp gives strings, slack_sdk's retry state lists)."""
    if not headers:
        return None
    for key, value in headers.items():
        if str(key).lower() == "retry-after":
            raw = value[0] if isinstance(value, (list, tuple)) and value else value
            try:
                return max(float(raw), 0.0)
            except (TypeError, ValueError):
                return None
    return None


def _missing_scope(response: Mapping[str, Any]) -> str:
    needed = str(response.get("needed") or "").strip()
    if needed:
        return f"falta el permiso {needed} de la app de Slack; agréguelo en la configuración de la app y reinstálela"
    return "a la app de Slack le falta un permiso; actualice su manifiesto y reinstálela"


def failure(exc: SlackApiError, *, action: str, channel_name: str) -> RetryLater | ProvisionFailed:
    """The worker's view of a refused call; ``action`` says what was being done ("crear el canal")."""
    response = exc.response
    status = int(getattr(response, "status_code", 200) or 200)
    error = str(response.get("error") or "")
    if status == 429 or error == "ratelimited":
        return RetryLater(_RETRY_TEXT["ratelimited"], retry_after(getattr(response, "headers", None)))
    if status >= 500:
        return RetryLater(f"Slack respondió HTTP {status}; se reintentará", retry_after(response.headers))
    if error in RETRYABLE:
        return RetryLater(_RETRY_TEXT[error], retry_after(response.headers))
    if error == "missing_scope":
        return ProvisionFailed(_missing_scope(response))
    if error in _FIXES:
        return ProvisionFailed(_FIXES[error])
    if error.startswith("invalid_name"):
        return ProvisionFailed(
            f"Slack no acepta «{channel_name}» como nombre de canal ({error}); corrija el canal de Slack del cliente"
        )
    return ProvisionFailed(f"Slack respondió «{error or status}» al {action} #{channel_name}")


def network_failure(exc: BaseException) -> RetryLater:
    return RetryLater(f"no se pudo conectar con Slack ({type(exc).__name__}); se reintentará")
