"""The running service: scheduling probes, evaluating status, periodic jobs, processes."""
