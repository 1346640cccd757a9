"""Alert evaluation: rules in force, the evaluator, and what it writes (docs/alerting.md)."""
