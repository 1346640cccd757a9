"""Slack: a readable Block Kit message whose text cannot make links or mentions."""

from __future__ import annotations

from statuspage.notify.channels.slack import slack_body
from tests.notify.helpers import group_message


def test_the_message_shows_severity_component_figures_and_links() -> None:
    body = slack_body(
        group_message(incident_id=4, incident_url="http://s.test/admin/incidents/4"), "#ops"
    )
    header, fields, figures, links = body["blocks"]
    assert header["text"]["text"] == "Critical: API: error-rate-critical"
    assert [f["text"] for f in fields["fields"]][:2] == ["*Severity*\ncritical", "*Component*\nAPI"]
    assert "error rate: 7.5 %" in figures["text"]["text"]
    assert links["elements"][0]["text"] == (
        "<http://s.test/admin/incidents/4|Incident #4> · "
        "<http://status.acme.test/admin/alerts#group-3|Alerts>"
    )
    assert body["channel"] == "#ops"
    assert body["text"] == header["text"]["text"]  # what notifications show


def test_text_from_names_cannot_link_or_mention() -> None:
    message = group_message(component="<!channel> <http://evil.test|click> & co")
    (field,) = [
        f for f in slack_body(message, None)["blocks"][1]["fields"] if "Component" in f["text"]
    ]
    assert field["text"] == "*Component*\n&lt;!channel&gt; &lt;http://evil.test|click&gt; &amp; co"


def test_without_a_channel_the_webhooks_own_is_used() -> None:
    assert "channel" not in slack_body(group_message(), None)
