"""The authorization matrix: who may act on which ticket and who may see a submitter's identity."""

from __future__ import annotations

import pytest

from bot.core.authz import SYSTEM, Actor, can_act, can_administer, can_assign, can_hide, can_see_identity
from storage.models import Ticket

OFFICER = Actor(role="officer", ref="officer:1", agency_id="thue_tinh", officer_id=1)
OTHER_OFFICER = Actor(role="officer", ref="officer:2", agency_id="so_tai_chinh", officer_id=2)
HEAD = Actor(role="head", ref="officer:3", agency_id="thue_tinh", officer_id=3)
OTHER_HEAD = Actor(role="head", ref="officer:4", agency_id="so_tai_chinh", officer_id=4)
COORDINATOR = Actor(role="coordinator", ref="officer:5", agency_id="so_tai_chinh", officer_id=5)
ADMIN = Actor(role="admin", ref="officer:6", officer_id=6)
OWNER = Actor(role="business", ref="identity:7", identity_id=7)
STRANGER = Actor(role="business", ref="identity:8", identity_id=8)
ANONYMOUS = Actor(role="business", ref="identity:None")
INACTIVE_ROLE = Actor(role="former", ref="officer:9", agency_id="thue_tinh", officer_id=9)
ACTORS = {
    "officer": OFFICER,
    "other_officer": OTHER_OFFICER,
    "head": HEAD,
    "other_head": OTHER_HEAD,
    "coordinator": COORDINATOR,
    "admin": ADMIN,
    "owner": OWNER,
    "stranger": STRANGER,
    "anonymous": ANONYMOUS,
    "unknown_role": INACTIVE_ROLE,
    "system": SYSTEM,
}


def _ticket(*, confidential: bool = False, kind: str = "phan_anh", identity_id: int | None = 7) -> Ticket:
    return Ticket(
        code="LS-7K3QX9",
        kind=kind,
        state="new",
        agency_id="thanh_tra_tinh" if kind == "to_cao" else "thue_tinh",
        identity_id=identity_id,
        confidential=confidential,
        contact_name="Nguyễn Văn An",
        contact_phone="0912345678",
    )


# who may act on a ticket of thue_tinh
ACT = {"officer", "head", "coordinator", "system"}
# who sees the contact details of an ordinary ticket of thue_tinh
SEE_PLAIN = {"officer", "head", "coordinator", "owner"}
# who sees a confidential identity (and any tố cáo submitter): the coordinator, and the submitter itself
SEE_CONFIDENTIAL = {"coordinator", "owner"}


@pytest.mark.parametrize("name", sorted(ACTORS))
def test_who_acts_on_an_agency_ticket(name: str) -> None:
    assert can_act(ACTORS[name], _ticket()) is (name in ACT)


@pytest.mark.parametrize("name", sorted(ACTORS))
def test_who_sees_an_ordinary_identity(name: str) -> None:
    assert can_see_identity(ACTORS[name], _ticket()) is (name in SEE_PLAIN)


@pytest.mark.parametrize("name", sorted(ACTORS))
@pytest.mark.parametrize("ticket", [_ticket(confidential=True), _ticket(kind="to_cao")], ids=["confidential", "to_cao"])
def test_only_the_coordinator_sees_a_confidential_identity(name: str, ticket: Ticket) -> None:
    assert can_see_identity(ACTORS[name], ticket) is (name in SEE_CONFIDENTIAL)


def test_inspectorate_officers_act_on_reports_but_do_not_see_who_sent_them() -> None:
    inspector = Actor(role="officer", ref="officer:10", agency_id="thanh_tra_tinh", officer_id=10)
    report = _ticket(kind="to_cao")
    assert can_act(inspector, report) and not can_see_identity(inspector, report)
    assert not can_act(OFFICER, report)


def test_ticket_without_identity_is_nobodys_own() -> None:
    offline = _ticket(identity_id=None)
    assert not can_see_identity(ANONYMOUS, offline)
    assert can_see_identity(OFFICER, offline)


@pytest.mark.parametrize("name", sorted(ACTORS))
def test_assign_administer_hide(name: str) -> None:
    actor = ACTORS[name]
    assert can_assign(actor) is (name in {"coordinator", "admin", "system"})
    assert can_administer(actor) is (name in {"coordinator", "admin"})
    assert can_hide(actor) is (name == "coordinator")
