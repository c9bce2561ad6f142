"""The deployment files: compose names the services the docs name, the image runs unprivileged with a healthcheck."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = ROOT / "compose.yaml"
DOCS = ROOT / "docs" / "deploy.md"
REPLICAS = ("pcibot-1", "pcibot-2")


def compose() -> dict[str, Any]:
    data = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def services() -> dict[str, dict[str, Any]]:
    found = compose()["services"]
    assert isinstance(found, dict)
    return found


def test_compose_has_database_migration_two_replicas_and_proxy() -> None:
    assert set(services()) == {"db", "migrate", "pcibot-1", "pcibot-2", "proxy"}


def test_every_compose_service_is_named_in_the_deploy_guide() -> None:
    guide = DOCS.read_text(encoding="utf-8")
    documented = set(re.findall(r"^\| `([a-z0-9-]+)`(?:, `([a-z0-9-]+)`)? \|", guide, flags=re.M))
    names = {name for pair in documented for name in pair if name}
    assert names == set(services())


def test_migrations_run_once_before_the_replicas_start() -> None:
    svc = services()
    assert svc["migrate"]["command"] == ["pcibot", "db", "upgrade"]
    assert svc["migrate"]["restart"] == "no"
    assert svc["migrate"]["depends_on"] == {"db": {"condition": "service_healthy"}}
    for name in REPLICAS:
        assert svc[name]["depends_on"] == {"migrate": {"condition": "service_completed_successfully"}}
        assert "command" not in svc[name]  # the image's default: pcibot run


def test_replicas_share_postgresql_in_webhook_mode() -> None:
    svc = services()
    for name in REPLICAS:
        env = svc[name]["environment"]
        assert env["PCIBOT_DATABASE_URL"].startswith("postgresql+asyncpg://pcibot:")
        assert env["PCIBOT_DATABASE_URL"].endswith("@db:5432/pcibot")
        assert env["PCIBOT_TELEGRAM_WEBHOOK_URL"] == "https://${PCIBOT_DOMAIN}/telegram/webhook"
        assert env["PCIBOT_CONSOLE"] == "0"
        assert env["PCIBOT_WEB_HOST"] == "0.0.0.0"


def test_proxy_balances_both_replicas_with_health_checks() -> None:
    caddyfile = (ROOT / "deploy" / "Caddyfile").read_text(encoding="utf-8")
    assert "reverse_proxy pcibot-1:8080 pcibot-2:8080" in caddyfile
    assert "health_uri /healthz" in caddyfile
    assert "respond /metrics 404" in caddyfile
    assert services()["proxy"]["ports"] == ["80:80", "443:443"]


def test_image_is_slim_unprivileged_and_health_checked() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert re.search(r"^FROM python:3\.11-slim$", dockerfile, flags=re.M)
    users = re.findall(r"^USER (\S+)$", dockerfile, flags=re.M)
    assert users and users[-1] not in {"root", "0"}
    assert re.search(r"^HEALTHCHECK .*\n?.*/healthz", dockerfile, flags=re.M)
    assert re.search(r'^CMD \["pcibot", "run"\]$', dockerfile, flags=re.M)


def test_env_example_sets_what_compose_requires() -> None:
    example = (ROOT / "deploy" / "env.example").read_text(encoding="utf-8")
    keys = {line.split("=", 1)[0] for line in example.splitlines() if "=" in line and not line.startswith("#")}
    required = set(re.findall(r"\$\{([A-Z_]+):\?", COMPOSE.read_text(encoding="utf-8")))
    assert required <= keys


def test_systemd_unit_migrates_then_runs_one_process() -> None:
    unit = (ROOT / "deploy" / "pcibot.service").read_text(encoding="utf-8")
    assert "ExecStartPre=/opt/pcibot/.venv/bin/pcibot db upgrade" in unit
    assert "ExecStart=/opt/pcibot/.venv/bin/pcibot run" in unit
    assert re.search(r"^User=pcibot$", unit, flags=re.M)
    assert "sqlite+aiosqlite:////var/lib/pcibot/pcibot.db" in unit


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze not installed")
def test_systemd_unit_passes_systemd_analyze(tmp_path: Path) -> None:
    """The unit as systemd reads it, with the install path pointed at this environment's own `pcibot`."""
    installed = str(Path(sys.executable).parent / "pcibot")
    text = (ROOT / "deploy" / "pcibot.service").read_text(encoding="utf-8")
    unit = tmp_path / "pcibot.service"
    unit.write_text(text.replace("/opt/pcibot/.venv/bin/pcibot", installed), encoding="utf-8")
    result = subprocess.run(["systemd-analyze", "verify", str(unit)], capture_output=True, text=True, check=False)
    assert "pcibot.service:" not in result.stderr, result.stderr
