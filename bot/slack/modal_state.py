"""``private_metadata`` of our modals: a short JSON object (Slack allows 3000 characters).

It carries what the submission needs and Slack does not echo: the channel the command came from
(to post the card there afterwards), the client id and version being edited, how many address and
server groups the create form shows, and the response_url of the card a modal was opened from.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass

from commands.form_target import FormTarget

PRIVATE_METADATA_MAX = 3000


@dataclass
class ModalState:
    channel: str = ""  # where to post the resulting card (the command's channel)
    client_id: int | None = None
    version: int | None = None
    section: str = ""  # client | contact | integrations | address | server
    item_id: int | None = None  # the address or server edited; None adds one
    addresses: int = 1  # create form: address groups shown
    servers: int = 1  # create form: server groups shown
    response_url: str = ""  # the card the modal was opened from: the saved card replaces it

    def target(self) -> FormTarget:
        """The part of the client a section form saves, as the core names it."""
        return FormTarget(self.section, int(self.client_id or 0), self.version, self.item_id)

    def dump(self) -> str:
        data = {k: v for k, v in asdict(self).items() if v not in (None, "", {})}
        text = json.dumps(data, separators=(",", ":"), ensure_ascii=False)
        if len(text) > PRIVATE_METADATA_MAX:
            raise ValueError("private_metadata over Slack's 3000 characters")
        return text

    @classmethod
    def load(cls, text: str | None) -> ModalState:
        try:
            data = json.loads(text or "{}")
        except json.JSONDecodeError:
            data = {}
        if not isinstance(data, dict):
            data = {}
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        return cls(**known)
