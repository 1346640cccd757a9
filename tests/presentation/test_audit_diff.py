"""The audit log's diff: only what moved, nested fields by their path, values readable."""

from __future__ import annotations

from statuspage.presentation.audit_diff import (
    NOTHING,
    Change,
    ChangeKind,
    Line,
    LineKind,
    changes,
    line_changes,
    value_text,
)


def test_unchanged_fields_are_left_out() -> None:
    before = {"name": "Checkout", "status": "investigating"}
    after = {"name": "Checkout", "status": "identified"}
    assert changes(before, after) == [
        Change("status", ChangeKind.CHANGED, "investigating", "identified")
    ]


def test_a_creation_lists_every_field_as_added() -> None:
    assert changes(None, {"b": 2, "a": "x"}) == [
        Change("a", ChangeKind.ADDED, None, "x"),
        Change("b", ChangeKind.ADDED, None, "2"),
    ]


def test_a_deletion_lists_every_field_as_removed() -> None:
    assert changes({"name": "Old"}, None) == [Change("name", ChangeKind.REMOVED, "Old", None)]


def test_nested_objects_are_compared_field_by_field() -> None:
    before = {"components": {"api": "major_outage", "web": "operational"}}
    after = {"components": {"api": "operational", "web": "operational", "db": "degraded"}}
    assert changes(before, after) == [
        Change("components.api", ChangeKind.CHANGED, "major_outage", "operational"),
        Change("components.db", ChangeKind.ADDED, None, "degraded"),
    ]


def test_an_object_replaced_by_a_plain_value_is_one_change() -> None:
    assert changes({"x": {"a": 1}}, {"x": None}) == [
        Change("x", ChangeKind.CHANGED, '{"a": 1}', NOTHING)
    ]


def test_a_field_set_to_null_differs_from_a_missing_field() -> None:
    assert changes({"ends": None}, {}) == [Change("ends", ChangeKind.REMOVED, NOTHING, None)]
    assert changes({}, {"ends": None}) == [Change("ends", ChangeKind.ADDED, None, NOTHING)]


def test_lists_are_one_value() -> None:
    assert changes({"ids": [1, 2]}, {"ids": [1, 3]}) == [
        Change("ids", ChangeKind.CHANGED, "[1, 2]", "[1, 3]")
    ]


def test_equal_snapshots_have_no_changes() -> None:
    assert changes({"a": {"b": [1]}}, {"a": {"b": [1]}}) == []
    assert changes(None, None) == []


def test_values_read_as_text_and_hostile_text_is_kept_exactly() -> None:
    assert value_text("<script>alert(1)</script>") == "<script>alert(1)</script>"
    assert value_text(True) == "true"
    assert value_text(1.5) == "1.5"
    assert value_text({"b": 1, "a": "é"}) == '{"a": "é", "b": 1}'


def test_an_object_added_or_removed_whole_lists_its_fields() -> None:
    assert changes(None, {"components": {"api": "major_outage"}}) == [
        Change("components.api", ChangeKind.ADDED, None, "major_outage")
    ]
    assert changes({"components": {"api": "major_outage"}}, {}) == [
        Change("components.api", ChangeKind.REMOVED, "major_outage", None)
    ]


def test_an_empty_object_added_is_one_value() -> None:
    assert changes({}, {"components": {}}) == [Change("components", ChangeKind.ADDED, None, "{}")]


def test_a_changed_text_of_several_lines_lists_the_lines_that_moved() -> None:
    before = "We are investigating.\n\n- cards\n- wallets\n- bank transfers\n\nMore soon."
    after = "We are investigating.\n\n- cards\n- vouchers\n- bank transfers\n\nMore soon."
    (change,) = changes({"body": before}, {"body": after})
    assert (change.before, change.after) == (before, after)
    assert change.lines == (
        Line(LineKind.KEPT, "- cards"),
        Line(LineKind.REMOVED, "- wallets"),
        Line(LineKind.ADDED, "- vouchers"),
        Line(LineKind.KEPT, "- bank transfers"),
    )


def test_separate_runs_of_changes_keep_their_own_context() -> None:
    before = "\n".join("abcdefgh")
    after = "\n".join("aXcdefgY")
    assert [(line.kind.value, line.text) for line in line_changes(before, after)] == [
        ("kept", "a"), ("removed", "b"), ("added", "X"), ("kept", "c"),
        ("kept", "g"), ("removed", "h"), ("added", "Y"),
    ]  # fmt: skip


def test_a_one_line_change_has_no_line_list() -> None:
    (change,) = changes({"name": "Old"}, {"name": "New"})
    assert change.lines == ()
    assert line_changes("one", "one\ntwo") == (
        Line(LineKind.KEPT, "one"),
        Line(LineKind.ADDED, "two"),
    )


def test_a_value_json_cannot_hold_is_shown_as_text() -> None:
    from datetime import UTC, datetime

    assert (
        value_text({"at": datetime(2026, 1, 2, tzinfo=UTC)})
        == '{"at": "2026-01-02 00:00:00+00:00"}'
    )


def test_a_long_message_of_repeated_lines_shows_only_the_line_that_moved() -> None:
    """difflib's "autojunk" would treat a line repeated in a text of 200 lines or more
    as noise and report the whole text as changed."""
    before = "\n".join(["- same step"] * 250 + ["old last line"])
    after = "\n".join(["- same step"] * 250 + ["new last line"])
    assert line_changes(before, after) == (
        Line(LineKind.KEPT, "- same step"),
        Line(LineKind.REMOVED, "old last line"),
        Line(LineKind.ADDED, "new last line"),
    )
