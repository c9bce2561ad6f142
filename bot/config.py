"""Configuration from PCIBOT_* environment variables and an optional .env file; secrets never logged."""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import BaseModel, Field, SecretStr

from storage.db import DEFAULT_URL


def load_dotenv(path: Path = Path(".env")) -> None:
    """Put KEY=VALUE lines of a .env file into the environment, without overriding what is set."""
    if not path.is_file():
        return
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.partition("=")
        os.environ.setdefault(key.strip(), value.strip().strip('"').strip("'"))


def _secret(name: str) -> SecretStr | None:
    value = os.environ.get(name, "").strip()
    return SecretStr(value) if value else None


def _opt(name: str) -> str | None:
    value = os.environ.get(name, "").strip()
    return value or None


class Config(BaseModel):
    """Everything the process reads from the environment."""

    database_url: str = DEFAULT_URL
    rules_path: Path | None = None
    web_host: str = "127.0.0.1"
    web_port: int = 8080
    public_url: str = "http://127.0.0.1:8080"
    admins: list[str] = []
    telegram_token: SecretStr | None = None
    telegram_api_url: str = "https://api.telegram.org"
    telegram_webhook_url: str | None = None
    telegram_webhook_secret: SecretStr | None = None
    telegram_public_channel: str | None = None
    zalo_app_id: str | None = None
    zalo_app_secret: SecretStr | None = None
    zalo_oa_secret: SecretStr | None = None
    zalo_refresh_token: SecretStr | None = None
    zalo_api_url: str = "https://openapi.zalo.me"
    zalo_oauth_url: str = "https://oauth.zaloapp.com"
    zalobot_token: SecretStr | None = None
    zalobot_api_url: str = "https://bot-api.zaloplatforms.com"
    zalobot_webhook_secret: SecretStr | None = None
    notify_hours: str | None = None
    sweep_seconds: float | None = None
    console: bool | None = None
    log_level: str = "INFO"
    retention_days: int = 1825
    rate_limit_per_minute: int = Field(default=20, ge=0)  # messages a business may send a minute; 0: no limit

    @classmethod
    def from_env(cls) -> Config:
        """Read PCIBOT_* variables (after loading .env if present)."""
        load_dotenv()
        env = os.environ
        admins = [a.strip() for a in env.get("PCIBOT_ADMINS", "").split(",") if a.strip()]
        host = env.get("PCIBOT_WEB_HOST", "127.0.0.1")
        port = int(env.get("PCIBOT_WEB_PORT", "8080"))
        sweep = _opt("PCIBOT_SWEEP_SECONDS")
        console = _opt("PCIBOT_CONSOLE")
        return cls(
            database_url=env.get("PCIBOT_DATABASE_URL", DEFAULT_URL),
            rules_path=Path(env["PCIBOT_RULES"]) if env.get("PCIBOT_RULES") else None,
            web_host=host,
            web_port=port,
            public_url=env.get("PCIBOT_PUBLIC_URL", f"http://{host}:{port}").rstrip("/"),
            admins=admins,
            telegram_token=_secret("PCIBOT_TELEGRAM_TOKEN"),
            telegram_api_url=env.get("PCIBOT_TELEGRAM_API_URL", "https://api.telegram.org").rstrip("/"),
            telegram_webhook_url=_opt("PCIBOT_TELEGRAM_WEBHOOK_URL"),
            telegram_webhook_secret=_secret("PCIBOT_TELEGRAM_WEBHOOK_SECRET"),
            telegram_public_channel=_opt("PCIBOT_TELEGRAM_PUBLIC_CHANNEL"),
            zalo_app_id=_opt("PCIBOT_ZALO_APP_ID"),
            zalo_app_secret=_secret("PCIBOT_ZALO_APP_SECRET"),
            zalo_oa_secret=_secret("PCIBOT_ZALO_OA_SECRET"),
            zalo_refresh_token=_secret("PCIBOT_ZALO_REFRESH_TOKEN"),
            zalo_api_url=env.get("PCIBOT_ZALO_API_URL", "https://openapi.zalo.me").rstrip("/"),
            zalo_oauth_url=env.get("PCIBOT_ZALO_OAUTH_URL", "https://oauth.zaloapp.com").rstrip("/"),
            zalobot_token=_secret("PCIBOT_ZALOBOT_TOKEN"),
            zalobot_api_url=env.get("PCIBOT_ZALOBOT_API_URL", "https://bot-api.zaloplatforms.com").rstrip(
                "/"
            ),
            zalobot_webhook_secret=_secret("PCIBOT_ZALOBOT_WEBHOOK_SECRET"),
            notify_hours=_opt("PCIBOT_NOTIFY_HOURS"),
            sweep_seconds=float(sweep) if sweep else None,
            console=None if console is None else console.lower() in {"1", "true", "yes"},
            log_level=env.get("PCIBOT_LOG_LEVEL", "INFO"),
            retention_days=int(env.get("PCIBOT_RETENTION_DAYS", "1825")),
            rate_limit_per_minute=int(env.get("PCIBOT_RATE_LIMIT_PER_MINUTE", "20")),
        )

    @property
    def zalo_oa_enabled(self) -> bool:
        """All four Zalo OA settings are present."""
        return bool(
            self.zalo_app_id and self.zalo_app_secret and self.zalo_oa_secret and self.zalo_refresh_token
        )

    @property
    def console_enabled(self) -> bool:
        """The terminal channel runs when asked, or when no chat platform is configured."""
        if self.console is not None:
            return self.console
        return not (self.telegram_token or self.zalo_oa_enabled or self.zalobot_token)
