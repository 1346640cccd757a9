"""The application's own metrics: writing points with their roll-ups and problems
(`writes.py`), reading them (`reads.py`) and retention (`retention.py`)."""
