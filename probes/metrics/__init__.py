"""The application's own metrics, measured from its Prometheus exposition: series
selectors (`selectors.py`), the parsed exposition with its limits (`exposition.py`)
and the small set of operations over it (`operations.py`). Anything richer than
these operations is a PromQL expression sent to a Prometheus server (docs/metrics.md).
"""
