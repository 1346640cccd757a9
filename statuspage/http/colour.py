"""The accent colour from the configuration, made safe to read (WCAG 2 contrast).

An operator picks any brand colour; the page must still reach 4.5:1 for text.
So the accent used for links on the white page is darkened until it does (and
lightened until it does on the dark scheme's background), and
text drawn *on* the accent is black or white, whichever contrasts more (one of
the two always reaches 4.58:1, since their two ratios multiply to 21).
"""

from __future__ import annotations

MIN_TEXT_CONTRAST = 4.5
PAGE_BACKGROUND = "#ffffff"
DARK_BACKGROUND = "#0d1117"  # style.css, prefers-color-scheme: dark


def _channels(colour: str) -> tuple[int, int, int]:
    value = colour.removeprefix("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def _linear(channel: int) -> float:
    c = channel / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def luminance(colour: str) -> float:
    r, g, b = (_linear(c) for c in _channels(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def darken_until_readable(
    colour: str, background: str = PAGE_BACKGROUND, minimum: float = MIN_TEXT_CONTRAST
) -> str:
    """`colour` scaled towards black in small steps until it reaches `minimum` on `background`."""
    r, g, b = _channels(colour)
    factor = 1.0
    candidate = colour.lower()
    while contrast(candidate, background) < minimum and factor > 0:
        factor = max(factor - 0.02, 0.0)
        candidate = f"#{int(r * factor):02x}{int(g * factor):02x}{int(b * factor):02x}"
    return candidate


def lighten_until_readable(
    colour: str, background: str = DARK_BACKGROUND, minimum: float = MIN_TEXT_CONTRAST
) -> str:
    """`colour` mixed towards white in small steps until it reaches `minimum` on `background`."""
    r, g, b = _channels(colour)
    share = 0.0
    candidate = colour.lower()
    while contrast(candidate, background) < minimum and share < 1:
        share = min(share + 0.02, 1.0)
        mixed = (round(c + (255 - c) * share) for c in (r, g, b))
        candidate = "#" + "".join(f"{c:02x}" for c in mixed)
    return candidate


def text_on(colour: str) -> str:
    return "#000000" if contrast(colour, "#000000") >= contrast(colour, "#ffffff") else "#ffffff"


def theme_css(accent: str) -> str:
    """The only stylesheet built from configuration: custom properties, nothing else."""
    return (
        ":root{"
        f"--accent:{accent.lower()};"
        f"--accent-text:{darken_until_readable(accent)};"
        f"--accent-text-dark:{lighten_until_readable(accent)};"
        f"--on-accent:{text_on(accent)};"
        "}\n"
    )
