"""The core's shared services: rules, router, calendar, clock and the database, built once per process."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import Config
from bot.core.clock import WorkingCalendar, now_utc
from bot.core.routing import Router
from bot.core.rules import Rules, load_rules


@dataclass
class Core:
    """Everything a handler or job needs besides the event itself."""

    rules: Rules
    router: Router
    calendar: WorkingCalendar
    maker: async_sessionmaker[AsyncSession]
    config: Config = field(default_factory=Config)
    clock: Callable[[], datetime] = now_utc

    @classmethod
    def build(
        cls,
        config: Config,
        maker: async_sessionmaker[AsyncSession],
        rules: Rules | None = None,
        clock: Callable[[], datetime] = now_utc,
    ) -> Core:
        """Load and validate the rules, then assemble the services."""
        rules = rules or load_rules(config.rules_path)
        calendar = WorkingCalendar(rules.calendar.extra_days_off, rules.calendar.extra_working_days)
        return cls(
            rules=rules, router=Router(rules), calendar=calendar, maker=maker, config=config, clock=clock
        )

    def now(self) -> datetime:
        """The current time (injectable for tests)."""
        return self.clock()

    @property
    def prefix(self) -> str:
        """Tracking code prefix."""
        return self.rules.settings.tracking_prefix

    @property
    def coordinator_agency(self) -> str:
        """The focal agency that receives triage."""
        return self.rules.settings.coordinator_agency
