"""The channel boundary: clean and validate what a platform sends before it reaches the core; count what is refused.

Every webhook (and poller) turns a request body into a validated event here or refuses it. A refused event
is answered as received (the platform would otherwise redeliver it for ever), logged by channel, reason and
the failing field paths only (never the values: they may hold personal text), and counted on /metrics as
`pcibot_refused_updates_total{channel,reason}`. The counter belongs to the process, as Prometheus counters
do: a scrape of each replica gives its own, and Prometheus sums them.
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any, TypeVar

from prometheus_client import CollectorRegistry, Counter
from pydantic import BaseModel, ValidationError

log = logging.getLogger(__name__)

REGISTRY = CollectorRegistry(auto_describe=True)
REFUSED = Counter(
    "pcibot_refused_updates",
    "Inbound updates refused at the channel boundary (malformed or unusable), by channel and reason.",
    ["channel", "reason"],
    registry=REGISTRY,
)
# the reasons, a closed set (a label value per field path would grow without bound)
NOT_JSON, NOT_OBJECT, TOO_LARGE = "not_json", "not_object", "too_large"
MISSING, BAD_VALUE = "missing_field", "bad_value"
REPLACEMENT = "\ufffd"
# a lone surrogate cannot be encoded as UTF-8 (a database or an HTTP body refuses it); NUL is refused by PostgreSQL
_UNSTORABLE = re.compile("[\ud800-\udfff\x00]")
Model = TypeVar("Model", bound=BaseModel)


class Refused(Exception):
    """An inbound event that cannot be used; `reason` is one of the closed set above."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.detail = detail


def clean_text(text: str) -> str:
    """`text` with lone surrogates and NUL characters replaced by U+FFFD (valid pairs are already joined by JSON)."""
    return _UNSTORABLE.sub(REPLACEMENT, text)


def clean(value: Any) -> Any:
    """A JSON value with every string (object keys included) passed through `clean_text`."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        return {clean_text(str(k)): clean(v) for k, v in value.items()}
    if isinstance(value, list):
        return [clean(v) for v in value]
    return value


def load_object(raw: bytes, max_bytes: int, **json_options: Any) -> dict[str, Any]:
    """A request body as a cleaned JSON object, or Refused (too large, not JSON, not an object)."""
    if len(raw) > max_bytes:
        raise Refused(TOO_LARGE, f"{len(raw)} bytes")
    try:
        value = json.loads(raw, **json_options)
    except (ValueError, RecursionError) as err:  # UnicodeDecodeError is a ValueError; deep nesting recurses
        raise Refused(NOT_JSON, type(err).__name__) from None
    if not isinstance(value, dict):
        raise Refused(NOT_OBJECT, type(value).__name__)
    return clean(value)  # type: ignore[no-any-return]


def validate(model: type[Model], data: dict[str, Any]) -> Model:
    """`data` checked against `model`, or Refused naming the failing fields (not their values)."""
    try:
        return model.model_validate(data)
    except ValidationError as err:
        errors = err.errors(include_input=False, include_url=False, include_context=False)
        reason = MISSING if all(e["type"] == "missing" for e in errors) else BAD_VALUE
        detail = ", ".join(f"{'.'.join(map(str, e['loc']))}: {e['type']}" for e in errors[:5])
        raise Refused(reason, detail) from None
    except RecursionError:
        raise Refused(BAD_VALUE, "nested too deeply") from None


def record(channel: str, refused: Refused) -> None:
    """Log and count a refused event (the caller then answers it as received)."""
    REFUSED.labels(channel=channel, reason=refused.reason).inc()
    log.warning("%s update refused (%s): %s", channel, refused.reason, refused.detail)
