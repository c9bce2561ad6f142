"""Layers: bot/ and handlers/ build no SQL; every statement is a named function in storage/."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# what the core and the handlers may take from SQLAlchemy: the session types and its errors
ALLOWED_MODULES = {"sqlalchemy.ext.asyncio", "sqlalchemy.exc"}
BUILDERS = {"select", "insert", "update", "delete", "text", "union_all", "bindparam", "literal", "exists"}


def _problems(source: str, where: str) -> list[str]:
    """Every SQLAlchemy statement builder imported or called, and every `.execute(…)`, in one module."""
    tree = ast.parse(source, where)
    # a module's own function called `text` (say) is not SQLAlchemy's
    own = {n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [f"{where}:{node.lineno}: import {a.name}" for a in node.names if a.name.startswith("sqlalchemy")]
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("sqlalchemy"):
            if node.module not in ALLOWED_MODULES:
                found.append(f"{where}:{node.lineno}: from {node.module} import …")
        elif isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Attribute) and func.attr == "execute":
                found.append(f"{where}:{node.lineno}: .execute(…) outside storage/")
            elif isinstance(func, ast.Name) and func.id in BUILDERS and func.id not in own:
                found.append(f"{where}:{node.lineno}: {func.id}(…) outside storage/")
    return sorted(found, key=lambda p: int(p.split(":")[1]))


def test_bot_and_handlers_build_no_sql() -> None:
    files = sorted(p for top in ("bot", "handlers") for p in (ROOT / top).rglob("*.py"))
    assert len(files) > 20  # the walk found the code
    problems = [p for path in files for p in _problems(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))]
    assert not problems, "SQL outside storage/ (add a named query function there):\n" + "\n".join(problems)


def test_the_check_sees_a_statement() -> None:
    source = "import sqlalchemy\nfrom sqlalchemy import select\n\nasync def f(s):\n    await s.execute(select(1))\n"
    assert len(_problems(source, "sample.py")) == 4
    assert _problems("from sqlalchemy.exc import IntegrityError\nsession.add(row)\n", "sample.py") == []
    assert _problems("def text(limit):\n    return limit\n\nShort = text(80)\n", "sample.py") == []
