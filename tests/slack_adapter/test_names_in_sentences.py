"""A client's name (or anything typed) quoted in a sentence shows as typed in Slack (issue 12 #13).

mrkdwn has no escape for ``*bold*``, ``_italic_``, ``~strike~`` or backticks, so every sentence that
quotes user text (errors, the delete question and its confirm dialog, notices, choice lists) is a
plain_text object, which Slack never parses; the notification ``text`` escapes ``& < >``."""

from __future__ import annotations

from typing import Any

from .conftest import Slack
from .helpers import ALICE, texts

EVIL = "<https://evil.example/pay|Pague aquí> *URGENTE* <!channel> & _x_ ~y~ `z`"
RUC = "20100070970"


async def evil_client(slack: Slack, doc_type: str = "6", doc: str = RUC) -> int:
    card = await slack.service.create(ALICE, {"doc_type": doc_type, "doc_number": doc, "name": EVIL})
    return card.id


def quoted_verbatim(answer: dict[str, Any]) -> None:
    """Every text object quoting the name is plain_text holding it as typed; the fallback is escaped."""
    quoting = [(kind, text) for kind, text in texts(answer["blocks"]) if "URGENTE" in text]
    assert quoting, answer["blocks"]
    assert all(kind == "plain_text" and EVIL in text for kind, text in quoting), quoting
    assert "<!channel>" not in answer["text"] and "<https://evil" not in answer["text"]


async def test_the_delete_question_and_its_dialog(slack: Slack) -> None:
    await evil_client(slack)
    asked = await slack.command(f"eliminar {RUC}")
    quoted_verbatim(asked)
    [dialog] = [e["confirm"] for b in asked["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert dialog["text"] == {"type": "plain_text", "text": f"Se eliminará «{EVIL}». Podrá deshacerlo.", "emoji": True}


async def test_the_restore_refusal_quotes_both_names(slack: Slack) -> None:
    old = await evil_client(slack)
    await slack.service.delete(ALICE, old)
    await evil_client(slack)  # the same document, now a live client
    refused = await slack.command(f"restaurar #{old}")
    assert "ahora pertenece a" in refused["text"]
    quoted_verbatim(refused)
    [(_, sentence)] = [(k, t) for k, t in texts(refused["blocks"]) if "URGENTE" in t]
    assert sentence.count(EVIL) == 2


async def test_not_found_choices_and_notices(slack: Slack) -> None:
    first = await evil_client(slack)
    await evil_client(slack, "1", "12345678")
    choices = await slack.command("ver URGENTE")  # both match: the choice list
    quoting = [(kind, text) for kind, text in texts(choices["blocks"]) if "URGENTE" in text]
    assert all(kind == "plain_text" for kind, _ in quoting) and sum(EVIL in text for _, text in quoting) == 2

    typed = "*NADA* <!here>"
    missing = await slack.command(f"ver {typed}")
    [(kind, text)] = list(texts(missing["blocks"]))
    assert kind == "plain_text" and f"«{typed}»" in text

    deleted = await slack.click((await slack.command(f"eliminar {RUC}"))["blocks"], "cliente_eliminar")
    quoted_verbatim(deleted)  # "Cliente «…» (RUC …) eliminado." with Deshacer
    restored = await slack.click(deleted["blocks"], "cliente_restaurar")
    assert any(
        kind == "plain_text" and f"Cliente «{EVIL}» restaurado." in text for kind, text in texts(restored["blocks"])
    )
    assert (await slack.service.get(ALICE, first)).deleted is False
