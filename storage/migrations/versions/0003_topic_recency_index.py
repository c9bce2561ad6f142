"""the tickets of a topic by time: (topic_id, created_at, id) replaces the index on topic_id alone

The clusters read each topic's most recent candidates; with the index on created_at alone a topic with
few recent items walked the whole table backwards to find them.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-07
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.create_index("ix_tickets_topic_created", ["topic_id", "created_at", "id"], unique=False)
        batch_op.drop_index("ix_tickets_topic_id")


def downgrade() -> None:
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.create_index("ix_tickets_topic_id", ["topic_id"], unique=False)
        batch_op.drop_index("ix_tickets_topic_created")
