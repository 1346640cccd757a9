"""A Prometheus text exposition, parsed into plain samples within limits.

Parsing is `prometheus_client`'s own parser. What it accepts is bounded here: a target
that answers with millions of series or labels thousands of characters long is refused
as a whole with a reason, not half-read, so nothing is stored from it.
"""

from __future__ import annotations

from dataclasses import dataclass

from prometheus_client.parser import text_string_to_metric_families

MAX_SERIES = 50_000
MAX_LABELS_PER_SERIES = 30
MAX_LABEL_CHARS = 1_000  # one label's name plus value


class ExpositionError(ValueError):
    """The exposition cannot be used; the message says why, for the operator."""


@dataclass(frozen=True, slots=True)
class Sample:
    name: str
    labels: tuple[tuple[str, str], ...]  # sorted by label name: one series, one key
    value: float

    @property
    def label_map(self) -> dict[str, str]:
        return dict(self.labels)


def parse_exposition(text: str) -> tuple[Sample, ...]:
    """Every sample of the exposition, or ExpositionError for the whole of it."""
    samples: list[Sample] = []
    try:
        for family in text_string_to_metric_families(text):
            for raw in family.samples:
                samples.append(_checked(raw.name, raw.labels, raw.value))
                if len(samples) > MAX_SERIES:
                    raise ExpositionError(f"more than {MAX_SERIES} series in one exposition")
    except ExpositionError:
        raise
    except (ValueError, IndexError, KeyError, TypeError) as exc:
        # The parser's messages quote the offending line; cut so a huge line stays short.
        raise ExpositionError(f"malformed exposition: {str(exc)[:200]}") from None
    return tuple(samples)


def _checked(name: str, labels: dict[str, str], value: float) -> Sample:
    if len(labels) > MAX_LABELS_PER_SERIES:
        raise ExpositionError(
            f"series {name} has {len(labels)} labels, at most {MAX_LABELS_PER_SERIES}"
        )
    for label, text in labels.items():
        if len(label) + len(text) > MAX_LABEL_CHARS:
            raise ExpositionError(
                f"series {name} label {label} is longer than {MAX_LABEL_CHARS} characters"
            )
    return Sample(name, tuple(sorted(labels.items())), float(value))
