"""Zalo OA OAuth v4 tokens in the database: refreshed before expiry, one refresh at a time across replicas."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

import aiohttp
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage import delivery
from storage.models import OAuthToken

log = logging.getLogger(__name__)

PROVIDER = "zalo_oa"
DEFAULT_EXPIRES = 90000  # seconds (25 h), Zalo's usual expires_in


class TokenError(Exception):
    """No usable access token: the refresh failed or no refresh token is known."""


async def store_refresh_token(maker: async_sessionmaker[AsyncSession], token: str, now: datetime) -> None:
    """Replace the stored pair by a refresh token an OA admin obtained again (`pcibot zalo-token`)."""
    async with maker() as session, session.begin():
        row = await session.get(OAuthToken, PROVIDER)
        if row is None:
            session.add(OAuthToken(provider=PROVIDER, refresh_token=token, updated_at=now))
        else:
            row.refresh_token, row.access_token, row.access_expires_at = token, None, None
            row.refreshing_until, row.updated_at = None, now


class ZaloTokens:
    """The access token for OA calls. The refresh token is single-use: each refresh commits the new pair first."""

    def __init__(
        self,
        maker: async_sessionmaker[AsyncSession],
        *,
        http: Callable[[], aiohttp.ClientSession],
        oauth_url: str,
        app_id: str,
        app_secret: str,
        bootstrap_refresh_token: str | None,
        now: Callable[[], datetime],
        on_failure: Callable[[str], Awaitable[None]],
        margin: timedelta = timedelta(hours=1),
        claim_seconds: float = 30.0,
    ) -> None:
        self.maker = maker
        self.http = http
        self.oauth_url = oauth_url
        self.app_id = app_id
        self.app_secret = app_secret
        self.bootstrap_refresh_token = bootstrap_refresh_token
        self.now = now
        self.on_failure = on_failure
        self.margin = margin
        self.claim_seconds = claim_seconds
        self._seeded = False

    async def _ensure_row(self) -> None:
        """The env refresh token seeds an empty database and is ignored once a pair is stored."""
        if self._seeded:
            return
        async with self.maker() as session:
            if await session.get(OAuthToken, PROVIDER) is None:
                if not self.bootstrap_refresh_token:
                    raise TokenError("no Zalo refresh token stored or configured")
                session.add(
                    OAuthToken(provider=PROVIDER, refresh_token=self.bootstrap_refresh_token, updated_at=self.now())
                )
                try:
                    await session.commit()
                    log.info("Zalo OA tokens bootstrapped from PCIBOT_ZALO_REFRESH_TOKEN")
                except IntegrityError:  # another replica seeded it first
                    pass
        self._seeded = True

    async def _row(self, session: AsyncSession) -> OAuthToken:
        """The stored pair."""
        row = await session.get(OAuthToken, PROVIDER)
        if row is None:
            self._seeded = False
            raise TokenError("no Zalo refresh token stored")
        return row

    def _usable(self, row: OAuthToken, margin: timedelta) -> bool:
        return (
            bool(row.access_token)
            and row.access_expires_at is not None
            and (row.access_expires_at - margin > self.now())
        )

    async def access_token(self) -> str:
        """A valid access token, refreshed first when it expires within the margin."""
        await self._ensure_row()
        async with self.maker() as session:
            row = await self._row(session)
            if self._usable(row, self.margin):
                assert row.access_token is not None
                return row.access_token
            still_valid = row.access_token if self._usable(row, timedelta(0)) else None
        try:
            return await self.refresh()
        except TokenError:
            if still_valid is None:
                raise
            return still_valid  # refreshing early failed; the current token still works for a while

    async def _claim(self, stale: str | None) -> tuple[str, str]:
        """('fresh', access) when no refresh is needed, ('claimed', refresh token), or ('busy', '')."""
        await self._ensure_row()
        now = self.now()
        async with self.maker() as session, session.begin():
            row = await self._row(session)
            fresh = row.access_token != stale if stale is not None else True
            if fresh and self._usable(row, timedelta(0) if stale is not None else self.margin):
                assert row.access_token is not None
                return "fresh", row.access_token
            until = now + timedelta(seconds=self.claim_seconds)
            if not await delivery.claim_token_refresh(session, PROVIDER, now, until):
                return "busy", ""
            return "claimed", row.refresh_token

    async def refresh(self, stale: str | None = None) -> str:
        """Refresh the pair (unless another caller already replaced `stale`); waits for a refresh elsewhere."""
        deadline = asyncio.get_running_loop().time() + self.claim_seconds + 5
        while True:
            state, value = await self._claim(stale)
            if state == "fresh":
                return value
            if state == "claimed":
                return await self._refresh_claimed(value)
            if asyncio.get_running_loop().time() > deadline:
                raise TokenError("a Zalo token refresh elsewhere did not finish")
            await asyncio.sleep(0.2)

    async def _release(self) -> None:
        async with self.maker() as session, session.begin():
            await delivery.release_token_refresh(session, PROVIDER)

    async def _refresh_claimed(self, refresh_token: str) -> str:
        try:
            access, new_refresh, expires_in = await self._call_oauth(refresh_token)
        except TokenError as err:
            await self._release()
            log.error("Zalo OA token refresh failed: %s", err)
            await self.on_failure(str(err))
            raise
        now = self.now()
        expires_at = now + timedelta(seconds=expires_in)
        for attempt in range(3):  # the old refresh token is dead now: the new pair must reach the database
            try:
                async with self.maker() as session, session.begin():
                    await delivery.store_refreshed_tokens(session, PROVIDER, access, new_refresh, expires_at, now)
                break
            except SQLAlchemyError:
                if attempt == 2:
                    log.critical("new Zalo OA tokens could not be stored; an OA admin must grant access again")
                    raise
                await asyncio.sleep(0.5)
        log.info("Zalo OA access token refreshed (valid %d s)", expires_in)
        return access

    async def _call_oauth(self, refresh_token: str) -> tuple[str, str, int]:
        form = {"refresh_token": refresh_token, "app_id": self.app_id, "grant_type": "refresh_token"}
        try:
            async with self.http().post(
                f"{self.oauth_url}/v4/oa/access_token",
                data=form,
                headers={"secret_key": self.app_secret},
                timeout=aiohttp.ClientTimeout(total=20),
            ) as resp:
                body = await resp.text()
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise TokenError(f"Zalo OAuth unreachable ({type(exc).__name__})") from exc
        try:
            data = json.loads(body)
        except ValueError as exc:
            raise TokenError(f"Zalo OAuth answered HTTP {resp.status} without JSON") from exc
        access, new_refresh = data.get("access_token"), data.get("refresh_token")
        if not access or not new_refresh:
            reason = data.get("error_description") or data.get("error_reason") or data.get("message") or "?"
            raise TokenError(f"Zalo OAuth error {data.get('error', resp.status)}: {reason}")
        try:
            expires_in = int(str(data.get("expires_in", DEFAULT_EXPIRES)))
        except ValueError:
            expires_in = DEFAULT_EXPIRES
        return str(access), str(new_refresh), expires_in

    async def _next_check(self) -> float:
        """Seconds until the stored token enters the refresh margin (between 5 s and 10 min)."""
        async with self.maker() as session:
            row = await session.get(OAuthToken, PROVIDER)
        if row is None or row.access_expires_at is None:
            return 5.0
        due = (row.access_expires_at - self.margin - self.now()).total_seconds()
        return float(min(600.0, max(5.0, due)))

    async def keep_fresh(self) -> None:
        """Background loop: refresh ahead of expiry; after a failure retry with backoff (5 s … 10 min)."""
        delay = 5.0
        while True:
            try:
                await self.access_token()
                wait, delay = await self._next_check(), 5.0
            except (TokenError, SQLAlchemyError) as err:
                log.warning("Zalo OA token not available (%s); retrying in %.0f s", err, delay)
                wait, delay = delay, min(delay * 2, 600.0)
            await asyncio.sleep(wait)
