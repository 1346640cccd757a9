"""Notifications (issue 17): routing alert groups to channels, the outbox's planner,
the sender, and one module per channel kind in `channels/` (docs/notifications.md)."""
