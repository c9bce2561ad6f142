"""A named lease in the `leases` table so that exactly one replica runs the sweeps and the digest."""

from __future__ import annotations

import logging
import os
import socket
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.clock import now_utc
from storage import leases
from storage.models import Lease

log = logging.getLogger(__name__)

DEFAULT_TTL = timedelta(seconds=30)


def default_holder() -> str:
    """host:pid:random — unique per process, readable in the table."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class DbLease:
    """Take or renew a lease row with one conditional UPDATE (or the first INSERT).

    The holder renews well before `ttl` runs out; if it dies, the row expires and the next replica that
    tries takes it over. Works on PostgreSQL (any number of replicas) and SQLite (one process, or several
    on one machine). Replicas' clocks must agree to well within `ttl` (NTP).
    """

    def __init__(
        self,
        maker: async_sessionmaker[AsyncSession],
        name: str,
        *,
        holder: str | None = None,
        ttl: timedelta = DEFAULT_TTL,
        clock: Callable[[], datetime] = now_utc,
    ) -> None:
        self.maker = maker
        self.name = name
        self.holder = holder or default_holder()
        self.ttl = ttl
        self.clock = clock
        self.expires_at: datetime | None = None

    @property
    def held(self) -> bool:
        """This process holds the lease as of its last successful take or renewal."""
        return self.expires_at is not None and self.clock() < self.expires_at

    async def acquire(self) -> bool:
        """Take the lease if free or expired, renew it if ours; True when we hold it afterwards."""
        now = self.clock()
        expires = now + self.ttl
        was_held = self.held
        async with self.maker() as session, session.begin():
            won = await leases.renew_or_take_expired(session, self.name, self.holder, now, expires)
        if not won:
            try:
                async with self.maker() as session, session.begin():
                    session.add(Lease(name=self.name, holder=self.holder, expires_at=expires))
                won = True
            except IntegrityError:  # the row exists and another live holder has it
                won = False
        self.expires_at = expires if won else None
        if won != was_held:
            log.info("lease %s %s by %s", self.name, "taken" if won else "lost", self.holder)
        return won

    async def release(self) -> None:
        """Give the lease up at a clean shutdown so another replica takes over at once."""
        async with self.maker() as session, session.begin():
            await leases.release(session, self.name, self.holder)
        self.expires_at = None
