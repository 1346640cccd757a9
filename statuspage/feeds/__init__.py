"""Feeds: Statuspage-style incident history and one entry per update, as RSS and Atom."""
