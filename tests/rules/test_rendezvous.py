"""Rendezvous hashing: every component has one owner among the live members, shares are
even, and a member's arrival or departure moves only that member's components."""

from __future__ import annotations

from typing import NamedTuple

from statuspage.rules.rendezvous import holder, owner, share_of, weight


class Named(NamedTuple):
    id: str  # all that shares read of a component


COMPONENTS = [Named(f"component-{i}") for i in range(3000)]
WEIGHT_A_1 = 3127667953895798419  # blake2b-64 of "host-a:10:aa\\x00component-1"
MEMBERS = ["host-a:10:aa", "host-b:11:bb", "host-c:12:cc"]


def owners(members: list[str]) -> dict[str, str | None]:
    return {c.id: owner(c.id, members) for c in COMPONENTS}


def test_every_component_is_probed_by_exactly_one_member() -> None:
    shares = [share_of(m, COMPONENTS, MEMBERS) for m in MEMBERS]
    held = sorted(c.id for share in shares for c in share)
    assert held == sorted(c.id for c in COMPONENTS)


def test_shares_are_even() -> None:
    fair = len(COMPONENTS) / len(MEMBERS)
    for member in MEMBERS:
        assert 0.9 * fair <= len(share_of(member, COMPONENTS, MEMBERS)) <= 1.1 * fair


def test_a_departure_moves_only_the_departed_members_components() -> None:
    before, after = owners(MEMBERS), owners(MEMBERS[:2])
    moved = {cid for cid in before if before[cid] != after[cid]}
    assert moved == {cid for cid, member in before.items() if member == MEMBERS[2]}


def test_an_arrival_takes_only_what_it_now_wins_and_nothing_else_moves() -> None:
    before, after = owners(MEMBERS), owners([*MEMBERS, "host-d:13:dd"])
    moved = {cid for cid in before if before[cid] != after[cid]}
    assert moved == {cid for cid, member in after.items() if member == "host-d:13:dd"}
    assert 0.2 * len(COMPONENTS) <= len(moved) <= 0.3 * len(COMPONENTS)


def test_a_returning_member_takes_back_exactly_its_old_share() -> None:
    departed = owners(MEMBERS[1:])
    assert owners(MEMBERS) == owners(list(reversed(MEMBERS)))  # order does not matter
    returned = owners(MEMBERS)
    assert {cid for cid in returned if returned[cid] != departed[cid]} == {
        cid for cid, member in returned.items() if member == MEMBERS[0]
    }


def test_a_worker_not_yet_among_the_members_probes_nothing() -> None:
    assert share_of("host-z:99:zz", COMPONENTS, MEMBERS) == []


def test_no_members_means_no_owner() -> None:
    assert owner("component-1", []) is None


def test_a_job_of_all_regions_goes_to_its_owner_among_every_regions_members() -> None:
    by_region = {"eu": MEMBERS[:2], "us": MEMBERS[2:]}
    jobs = [f"metric-source:s{i}" for i in range(300)]
    assert [holder(j, by_region) for j in jobs] == [owner(j, MEMBERS) for j in jobs]
    assert {holder(j, by_region) for j in jobs} == set(MEMBERS)  # not one region's alone
    assert holder("metric-source:s0", {}) is None


def test_weights_are_the_same_in_every_process() -> None:
    # A fixed value: a change of hash would split a region differently between
    # workers running different versions during an upgrade.
    assert weight("a", "b") == weight("a", "b")
    assert weight("a", "b") != weight("b", "a")
    assert weight("host-a:10:aa", "component-1") == WEIGHT_A_1
