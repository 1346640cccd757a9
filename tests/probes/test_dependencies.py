from __future__ import annotations

from probes.dependencies import MAX_DEPENDENCIES, extract_dependencies


def test_it_reads_the_production_health_response() -> None:
    body = {"status": "healthy", "database": {"status": "connected"}, "memory": {"percent": 42.0}}

    assert extract_dependencies(body) == {"database": "connected"}


def test_it_reads_the_external_services_health_response() -> None:
    body = {
        "status": "degraded",
        "external": {
            "stripe": {"status": "operational", "latency_ms": 120},
            "llm": {"status": "degraded"},
            "email": "operational",
        },
    }

    assert extract_dependencies(body) == {
        "stripe": "operational",
        "llm": "degraded",
        "email": "operational",
    }


def test_it_reads_a_services_map_of_bare_states() -> None:
    assert extract_dependencies({"services": {"stripe": "up"}}) == {"stripe": "up"}


def test_it_reads_a_list_of_named_checks() -> None:
    body = {"checks": [{"name": "db", "status": "ok"}, {"id": "cache", "state": "warn"}]}

    assert extract_dependencies(body) == {"db": "ok", "cache": "warn"}


def test_it_reads_spring_style_components() -> None:
    body = {"status": "UP", "components": {"db": {"status": "UP", "details": {"x": 1}}}}

    assert extract_dependencies(body) == {"db": "UP"}


def test_it_reads_well_known_names_with_bare_states_and_flags() -> None:
    body = {"mongodb": "connected", "redis": {"connected": False}, "stripe": True}

    assert extract_dependencies(body) == {
        "mongodb": "connected",
        "redis": "disconnected",
        "stripe": "up",
    }


def test_it_ignores_the_overall_status_and_stateless_objects() -> None:
    body = {"status": {"status": "ok"}, "version": "1.2.3", "memory": {"percent": 91.2}}

    assert extract_dependencies(body) == {}


def test_it_ignores_bodies_that_are_not_json_objects() -> None:
    assert extract_dependencies("healthy") == {}
    assert extract_dependencies(None) == {}
    assert extract_dependencies(42) == {}


def test_it_strips_control_characters_and_truncates() -> None:
    body = {"services": {"pay\x1b[31mments\n": "x" * 500}}

    assert extract_dependencies(body) == {"pay[31mments": "x" * 64}


def test_it_keeps_at_most_twenty_entries_in_document_order() -> None:
    body = {"services": {f"svc{i:02}": "up" for i in range(50)}}

    found = extract_dependencies(body)

    assert len(found) == MAX_DEPENDENCIES
    assert next(iter(found)) == "svc00"


def test_the_first_of_two_same_names_wins() -> None:
    body = {"database": "connected", "checks": [{"name": "database", "status": "down"}]}

    assert extract_dependencies(body) == {"database": "connected"}


def test_it_skips_list_entries_that_are_not_objects() -> None:
    body = {"checks": ["db", 3, None, [], {"name": "cache", "status": "ok"}]}
    assert extract_dependencies(body) == {"cache": "ok"}


def test_a_false_flag_is_down() -> None:
    assert extract_dependencies({"stripe": False, "email": True}) == {
        "stripe": "down",
        "email": "up",
    }


def test_an_entry_is_named_by_its_first_non_empty_text_name() -> None:
    body = {"checks": [{"name": 7, "id": "", "service": "db", "status": "ok"}]}
    assert extract_dependencies(body) == {"db": "ok"}


def test_a_state_is_read_from_its_first_128_characters_only() -> None:
    # The cut comes before control characters are dropped: a megabyte of them costs nothing.
    body = {"services": {"late": "\x00" * 128 + "up", "early": "\x00" * 127 + "up"}}
    assert extract_dependencies(body) == {"early": "u"}


def test_a_true_flag_reads_as_its_good_word() -> None:
    body = {"redis": {"connected": True}, "search": {"healthy": True}, "queue": {"ok": False}}
    assert extract_dependencies(body) == {
        "redis": "connected",
        "search": "healthy",
        "queue": "failing",
    }


def test_a_body_that_is_a_list_of_named_entries_is_read() -> None:
    assert extract_dependencies([{"name": "db", "status": "ok"}, "noise"]) == {"db": "ok"}
