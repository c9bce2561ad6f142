"""abuse controls: the per-sender message window, and the log of wrong codes and rate-limited windows

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

Stamp = sa.DateTime(timezone=True)
BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("identities", schema=None) as batch_op:
        batch_op.add_column(sa.Column("rate_window_at", Stamp, nullable=True))
        batch_op.add_column(sa.Column("rate_count", sa.Integer(), server_default="0", nullable=False))
    op.create_table(
        "abuse_events",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("chat_id", sa.String(length=64), nullable=False),
        sa.Column("at", Stamp, nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("abuse_events", schema=None) as batch_op:
        batch_op.create_index("ix_abuse_user", ["channel", "user_id", "kind", "at"], unique=False)
        batch_op.create_index("ix_abuse_chat", ["channel", "chat_id", "kind", "at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("abuse_events", schema=None) as batch_op:
        batch_op.drop_index("ix_abuse_chat")
        batch_op.drop_index("ix_abuse_user")
    op.drop_table("abuse_events")
    with op.batch_alter_table("identities", schema=None) as batch_op:
        batch_op.drop_column("rate_count")
        batch_op.drop_column("rate_window_at")
