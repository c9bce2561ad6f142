"""Partner API keys for Open311 POST: created once and shown once, stored only as a SHA-256 hash, revocable."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import ApiKey
from storage.web_queries import active_api_keys, api_key_by_hash

PREFIX = "pcb_"


def hash_key(key: str) -> str:
    """SHA-256 of a key (keys are 256 random bits, so a plain hash cannot be reversed or guessed)."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


async def create_key(session: AsyncSession, name: str, now: datetime) -> tuple[ApiKey, str]:
    """A new key for a partner: (the row, the key itself, which is never stored and cannot be shown again)."""
    name = name.strip()
    if not name:
        raise ValueError("a key needs the partner's name")
    key = PREFIX + secrets.token_urlsafe(32)
    row = ApiKey(name=name, key_hash=hash_key(key), created_at=now)
    session.add(row)
    await session.flush()
    return row, key


async def verify_key(session: AsyncSession, key: str) -> ApiKey | None:
    """The active key row matching a presented key, or None."""
    digest = hash_key(key.strip())
    row = await api_key_by_hash(session, digest)
    if row is None or row.revoked_at is not None or not hmac.compare_digest(row.key_hash, digest):
        return None
    return row


async def revoke_keys(session: AsyncSession, id_or_name: str, now: datetime) -> list[ApiKey]:
    """Revoke the key with this id, or every active key with this name; returns what was revoked."""
    ref = id_or_name.strip()
    rows = await active_api_keys(session, ref, int(ref) if ref.isdigit() else None)
    for row in rows:
        row.revoked_at = now
    return list(rows)
