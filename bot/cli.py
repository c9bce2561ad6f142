"""The `pcibot` command: run, web, db, route, import, export, digest, clusters, report, sla, purge, backup, apikey."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Awaitable, Callable
from datetime import date, datetime, time
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
    logging.getLogger("alembic").setLevel(logging.WARNING)  # its INFO lines would interleave with the console


async def _with_app(config: Config, fn: Callable[[App], Awaitable[int]]) -> int:
    """Build the application without listeners, run one command on it, and close it."""
    from bot.app import build, stop

    app = await build(config, rules=load_rules(config.rules_path))  # broken rules stop us before the database
    try:
        return await fn(app)
    finally:
        await stop(app)


def cmd_run(config: Config, _args: argparse.Namespace) -> int:
    """Serve channels, web and scheduler."""
    load_rules(config.rules_path)  # refuse to start with broken rules, before touching the database
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
        result = await import_file(app.core, Path(args.file))
        if result.problems:
            for p in result.problems:
                print(f"{args.file}:{p.line}: {p.message}", file=sys.stderr)
            print(f"Không nhập dòng nào: {len(result.problems)} dòng có lỗi.", file=sys.stderr)
            return 1
        await app.sender.drain()
        for code in result.codes:
            print(code)
        skipped = f"; bỏ qua {result.skipped} dòng đã nhập trước đó" if result.skipped else ""
        print(f"Đã nhập {len(result.codes)} phản ánh{skipped}.", file=sys.stderr)
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


def cmd_purge(config: Config, args: argparse.Namespace) -> int:
    """Anonymise the personal data of tickets closed before the retention period."""
    from bot.core.fmt import fmt_date
    from bot.core.retention import purge

    days = config.retention_days if args.older_than is None else args.older_than
    if days < 1:
        print("Số ngày lưu giữ phải là số nguyên dương, ví dụ: pcibot purge --older-than 1825", file=sys.stderr)
        return 2

    async def go(app: App) -> int:
        result = await purge(app.core, days, dry_run=args.dry_run)
        before = fmt_date(result.cutoff)
        if args.dry_run:
            print(f"Sẽ ẩn danh {result.tickets} phiếu đã đóng trước {before} (chưa thay đổi gì).")
        else:
            print(
                f"Đã ẩn danh {result.tickets} phiếu đã đóng trước {before} và {result.identities} tài khoản chat "
                "không còn phiếu nào; nhật ký xử lý vẫn giữ."
            )
        return 0

    return asyncio.run(_with_app(config, go))


def cmd_backup(config: Config, args: argparse.Namespace) -> int:
    """Online backup of the SQLite database to FILE."""
    from bot.core.fmt import fmt_int
    from storage.backup import BackupError, backup_sqlite

    try:
        size = backup_sqlite(config.database_url, Path(args.file))
    except BackupError as exc:
        print(exc, file=sys.stderr)
        return 1
    print(f"Đã sao lưu cơ sở dữ liệu vào {args.file} ({fmt_int(size)} byte).")
    return 0


def cmd_zalo_token(config: Config, _args: argparse.Namespace) -> int:
    """Store a Zalo OA refresh token read from stdin (after an OA admin granted access again)."""
    from bot.channels.zalo_tokens import store_refresh_token
    from bot.core.clock import now_utc
    from storage.db import make_engine, make_sessionmaker

    token = sys.stdin.readline().strip()
    if not token:
        print("Nhập refresh token của Zalo OA qua stdin, ví dụ: pcibot zalo-token < token.txt", file=sys.stderr)
        return 2

    async def go() -> None:
        engine = make_engine(config.database_url)
        try:
            await store_refresh_token(make_sessionmaker(engine), token, now_utc())
        finally:
            await engine.dispose()

    asyncio.run(go())
    print("Đã lưu refresh token Zalo OA; mã truy cập sẽ được làm mới ở lần gửi tin tiếp theo.", file=sys.stderr)
    return 0


def _local_moment(text: str) -> datetime:
    """ISO time; without an offset it is Vietnam time."""
    from bot.core.clock import TZ

    value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    return value.replace(tzinfo=TZ) if value.tzinfo is None else value


def _day(text: str) -> date:
    """2026-03-31 or 31/03/2026."""
    from bot.core.fmt import parse_date

    try:
        return parse_date(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"ngày không hợp lệ {text!r} (YYYY-MM-DD hoặc dd/mm/yyyy)") from None


def cmd_digest(config: Config, args: argparse.Namespace) -> int:
    """Weekly digest: print it, save the chart, or (by default) post it to the working group."""
    from bot.core import digest as weekly

    try:
        chosen = weekly.Week.parse(args.week) if args.week else None
    except ValueError as exc:
        print(exc, file=sys.stderr)
        return 2
    post = not (args.print or args.png)

    async def go(app: App) -> int:
        week = chosen or weekly.Week.containing(app.core.now()).previous()
        async with app.core.maker() as session, session.begin():
            built = await weekly.build_digest(session, app.core, week)
            if post:
                await weekly.post_digest(session, app.core, built)
        if args.print:
            print("\n\n".join(weekly.render_text(built)))
        if args.png:
            Path(args.png).write_bytes(weekly.render_png(built))
            print(f"Đã ghi biểu đồ tuần {week.label} vào {args.png}.", file=sys.stderr)
        if post:
            await app.sender.drain()
            print(f"Đã đưa bản tin tuần {week.label} vào hàng đợi gửi nhóm Tổ công tác PCI.", file=sys.stderr)
        return 0

    return asyncio.run(_with_app(config, go))


def cmd_clusters(config: Config, args: argparse.Namespace) -> int:
    """Print the clusters of similar items (recurring problems), largest first."""
    from bot.core.clock import TZ
    from bot.core.clusters import DEFAULT_WINDOW, find_clusters, render_cluster
    from bot.core.fmt import fmt_date

    async def go(app: App) -> int:
        now = app.core.now()
        since = datetime.combine(args.since, time(0), tzinfo=TZ) if args.since else now - DEFAULT_WINDOW
        async with app.core.maker() as session:
            found = await find_clusters(session, app.core, since=since, until=now)
        for cluster in found:
            print(render_cluster(app.core, cluster, samples=args.samples))
        print(
            f"{len(found)} nhóm phản ánh tương tự (tiếp nhận từ {fmt_date(since)}, và mọi phản ánh còn mở).",
            file=sys.stderr,
        )
        return 0

    return asyncio.run(_with_app(config, go))


def cmd_report(config: Config, args: argparse.Namespace) -> int:
    """The periodic report to the province for a quarter or a range of dates, as Excel and/or Word."""
    from bot.core.reports import LISTING, ReportPeriod, write_report

    problem = None
    if args.quarter and (args.date_from or args.date_to):
        problem = "Vui lòng chọn kỳ báo cáo bằng --quarter hoặc bằng --from và --to, không dùng cả hai."
    elif not args.quarter and not (args.date_from and args.date_to):
        problem = "Vui lòng chọn kỳ báo cáo: --quarter YYYY-Qn (ví dụ 2026-Q4), hoặc cả --from và --to."
    elif not (args.xlsx or args.docx):
        problem = "Vui lòng chọn ít nhất một tệp kết quả: --xlsx TỆP và/hoặc --docx TỆP."
    if problem:
        print(problem, file=sys.stderr)
        return 2
    try:
        chosen = (
            ReportPeriod.quarter(args.quarter) if args.quarter else ReportPeriod.between(args.date_from, args.date_to)
        )
    except ValueError as exc:
        print(exc, file=sys.stderr)
        return 2

    async def go(app: App) -> int:
        xlsx, docx = (Path(f) if f else None for f in (args.xlsx, args.docx))
        written = await write_report(app.core, chosen, xlsx=xlsx, docx=docx)
        total = written.report.total
        if xlsx is not None:
            listed = written.sheets.get(LISTING, 0)
            print(f"Đã ghi {xlsx}: {len(written.sheets)} trang tính, {listed} phản ánh.", file=sys.stderr)
        if docx is not None:
            print(f"Đã ghi {docx}: báo cáo {chosen.title}.", file=sys.stderr)
        print(f"{chosen.title}: tiếp nhận {total.received}, đã trả lời {total.answered} "
              f"(đúng hạn {total.answered_on_time}), quá hạn {total.open_overdue}.", file=sys.stderr)
        return 0

    return asyncio.run(_with_app(config, go))


def cmd_sla(config: Config, args: argparse.Namespace) -> int:
    """SLA report: what is due, overdue and paused as of a moment."""
    from bot.core import sla

    try:
        at = _local_moment(args.at) if args.at else None
    except ValueError:
        print(f"Thời điểm không hợp lệ {args.at!r} (ISO 8601, ví dụ 2026-03-10T09:00).", file=sys.stderr)
        return 2

    async def go(app: App) -> int:
        print(await sla.report(app.core, at or app.core.now()))
        return 0

    return asyncio.run(_with_app(config, go))


def cmd_web(config: Config, _args: argparse.Namespace) -> int:
    """Serve only the public web site, open data, Open311 and /metrics."""
    from bot.web.server import run_web

    asyncio.run(run_web(config))
    return 0


def cmd_apikey(config: Config, args: argparse.Namespace) -> int:
    """Create (printing the key once) or revoke a partner's Open311 API key."""
    from bot.web.apikeys import create_key, revoke_keys

    async def go(app: App) -> int:
        async with app.core.maker() as session, session.begin():
            if args.action == "create":
                row, key = await create_key(session, args.name, app.core.now())
                print(key)
                print(f"Đã tạo khoá API #{row.id} cho {row.name}. Khoá chỉ hiển thị một lần này.", file=sys.stderr)
                return 0
            revoked = await revoke_keys(session, args.name, app.core.now())
        if not revoked:
            print(f"Không có khoá API đang hiệu lực nào là {args.name}.", file=sys.stderr)
            return 1
        for row in revoked:
            print(f"Đã thu hồi khoá API #{row.id} ({row.name}).")
        return 0

    if not args.name.strip():
        print("Cần tên đối tác (create) hoặc số/tên khoá (revoke).", file=sys.stderr)
        return 2
    return asyncio.run(_with_app(config, go))


def build_parser() -> argparse.ArgumentParser:
    """Every verb and its options."""
    parser = argparse.ArgumentParser(prog="pcibot", description="Lạng Sơn business feedback bot")
    sub = parser.add_subparsers(dest="verb", required=True)
    sub.add_parser("run", help="run the bot (console channel when no tokens are set)").set_defaults(fn=cmd_run)
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
    dig = sub.add_parser("digest", help="weekly working-group digest (posted to the group unless --print/--png)")
    dig.add_argument("--week", metavar="YYYY-Www", help="ISO week, default: the last complete week")
    dig.add_argument("--print", action="store_true", help="print the Vietnamese text")
    dig.add_argument("--png", metavar="FILE", help="write the chart")
    dig.set_defaults(fn=cmd_digest)
    clu = sub.add_parser("clusters", help="clusters of similar items (recurring problems), largest first")
    clu.add_argument("--since", type=_day, metavar="DATE", help="received since this day (default: the last 90 days)")
    clu.add_argument("--samples", type=int, default=5, metavar="N", help="codes listed per cluster (default 5)")
    clu.set_defaults(fn=cmd_clusters)
    rep = sub.add_parser("report", help="periodic report to the province (Excel workbook and/or Word document)")
    rep.add_argument("--quarter", metavar="YYYY-Qn", help="a quarter, e.g. 2026-Q4 (instead of --from/--to)")
    rep.add_argument("--from", dest="date_from", type=_day, metavar="DATE")
    rep.add_argument("--to", dest="date_to", type=_day, metavar="DATE")
    rep.add_argument("--xlsx", metavar="FILE", help="write the workbook (report sheets, summaries, ticket lists)")
    rep.add_argument("--docx", metavar="FILE", help="write the report as a Word document")
    rep.set_defaults(fn=cmd_report)
    sla_cmd = sub.add_parser("sla", help="SLA clock: what is due, overdue and paused")
    sla_cmd.add_argument("action", choices=["report"])
    sla_cmd.add_argument("--at", metavar="ISO-TIME", help="moment to evaluate (Vietnam time without offset)")
    sla_cmd.set_defaults(fn=cmd_sla)
    purge_cmd = sub.add_parser("purge", help="anonymise personal data of tickets closed before the retention period")
    purge_cmd.add_argument(
        "--older-than", type=int, metavar="DAYS", help="days since closing (default PCIBOT_RETENTION_DAYS, 1825)"
    )
    purge_cmd.add_argument("--dry-run", action="store_true", help="only count what would be anonymised")
    purge_cmd.set_defaults(fn=cmd_purge)
    backup = sub.add_parser("backup", help="consistent copy of the live SQLite database (PostgreSQL: pg_dump)")
    backup.add_argument("file", help="where to write the copy (must not exist)")
    backup.set_defaults(fn=cmd_backup)
    sub.add_parser("zalo-token", help="store a new Zalo OA refresh token read from stdin").set_defaults(
        fn=cmd_zalo_token
    )
    sub.add_parser("web", help="serve only the public web site, open data, Open311 and /metrics").set_defaults(
        fn=cmd_web
    )
    key = sub.add_parser("apikey", help="partner API keys for Open311 POST")
    key.add_argument("action", choices=["create", "revoke"])
    key.add_argument("name", help="partner name (create), or key id or name (revoke)")
    key.set_defaults(fn=cmd_apikey)
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
