"""See docs/storage.md."""
