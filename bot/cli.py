"""The `pcibot` command: run, web, db, route, import, export, digest, report, sla, apikey."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING

from bot.config import Config
from bot.core.rules import RulesError, load_rules

if TYPE_CHECKING:
    from bot.app import App


class SecretFilter(logging.Filter):
    """Never let a configured secret reach the logs."""

    def __init__(self, secrets: list[str]) -> None:
        super().__init__()
        self.secrets = [s for s in secrets if len(s) >= 6]

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if any(s in message for s in self.secrets):
            for s in self.secrets:
                message = message.replace(s, "***")
            record.msg, record.args = message, ()
        return True


def setup_logging(config: Config) -> None:
    """Plain logging to stderr, with secrets masked; httpx request lines only at WARNING."""
    logging.basicConfig(
        level=config.log_level.upper(),
        stream=sys.stderr,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    secrets = [
        s.get_secret_value()
        for s in (
            config.telegram_token,
            config.telegram_webhook_secret,
            config.zalo_app_secret,
            config.zalo_oa_secret,
            config.zalo_refresh_token,
            config.zalobot_token,
            config.zalobot_webhook_secret,
        )
        if s is not None
    ]
    for handler in logging.getLogger().handlers:
        handler.addFilter(SecretFilter(secrets))
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)


async def _with_app(config: Config, fn: Callable[[App], Awaitable[int]]) -> int:
    """Build the application without listeners, run one command on it, and close it."""
    from bot.app import build, stop

    app = await build(config)
    try:
        return await fn(app)
    finally:
        await stop(app)


def cmd_run(config: Config, _args: argparse.Namespace) -> int:
    """Serve channels, web and scheduler."""
    from bot.app import run

    asyncio.run(run(config))
    return 0


def cmd_db(config: Config, args: argparse.Namespace) -> int:
    """Database maintenance."""
    from storage.db import upgrade_url

    if args.action == "upgrade":
        upgrade_url(config.database_url)
        print("Cơ sở dữ liệu đã được cập nhật lên phiên bản mới nhất.")
    return 0


def cmd_route(config: Config, args: argparse.Namespace) -> int:
    """Route stdin lines, or evaluate a labelled file."""
    from bot.core.route_cli import evaluate, route_stream
    from bot.core.routing import Router

    router = Router(load_rules(config.rules_path))
    if args.eval:
        evaluate(router, Path(args.eval), sys.stdout)
        return 0
    route_stream(router, sys.stdin, sys.stdout)
    return 0


def cmd_import(config: Config, args: argparse.Namespace) -> int:
    """Import hotline, paper and e-mail items."""
    from bot.core.offline import import_file

    async def go(app: App) -> int:
        codes, problems = await import_file(app.core, Path(args.file))
        if problems:
            for p in problems:
                print(f"{args.file}:{p.line}: {p.message}", file=sys.stderr)
            print(f"Không nhập dòng nào: {len(problems)} dòng có lỗi.", file=sys.stderr)
            return 1
        await app.sender.drain()
        for code in codes:
            print(code)
        print(f"Đã nhập {len(codes)} phản ánh.", file=sys.stderr)
        return 0

    if not Path(args.file).is_file():
        print(f"Không tìm thấy tệp {args.file}.", file=sys.stderr)
        return 2
    return asyncio.run(_with_app(config, go))


def cmd_export(config: Config, args: argparse.Namespace) -> int:
    """Export tickets as CSV or JSONL."""
    from bot.core.offline import export

    async def go(app: App) -> int:
        if args.out:
            with open(args.out, "w", encoding="utf-8", newline="") as fh:
                n = await export(app.core, fh, args.format, args.public)
        else:
            n = await export(app.core, sys.stdout, args.format, args.public)
        print(f"Đã xuất {n} phản ánh.", file=sys.stderr)
        return 0

    return asyncio.run(_with_app(config, go))


def build_parser() -> argparse.ArgumentParser:
    """Every verb and its options."""
    parser = argparse.ArgumentParser(prog="pcibot", description="Lạng Sơn business feedback bot")
    sub = parser.add_subparsers(dest="verb", required=True)
    sub.add_parser("run", help="run the bot (console channel when no tokens are set)").set_defaults(
        fn=cmd_run
    )
    db = sub.add_parser("db", help="database maintenance")
    db.add_argument("action", choices=["upgrade"])
    db.set_defaults(fn=cmd_db)
    route = sub.add_parser("route", help="route stdin lines to topics and agencies")
    route.add_argument("--eval", metavar="FILE", help="score a labelled JSONL file")
    route.set_defaults(fn=cmd_route)
    imp = sub.add_parser("import", help="import CSV or JSONL items (hotline, paper, e-mail)")
    imp.add_argument("file")
    imp.set_defaults(fn=cmd_import)
    exp = sub.add_parser("export", help="export tickets")
    exp.add_argument("--format", choices=["csv", "jsonl"], default="csv")
    exp.add_argument("--public", action="store_true", help="only public fields, scrubbed")
    exp.add_argument("--out", metavar="FILE")
    exp.set_defaults(fn=cmd_export)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `pcibot` console script."""
    args = build_parser().parse_args(argv)
    config = Config.from_env()
    setup_logging(config)
    try:
        return int(args.fn(config, args))
    except RulesError as exc:
        print(f"Lỗi trong tệp quy tắc định tuyến: {exc}", file=sys.stderr)
        return 2
