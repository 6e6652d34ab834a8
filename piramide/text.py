"""Text from cells and file names, made safe to show.

A cell or a file name can hold anything: an escape sequence that hides every later line of
the terminal (ESC[8m), a carriage return that overwrites a message, a right-to-left override
that turns a name around, or, in a file name that is not valid UTF-8, a lone surrogate that
no console, JSON or workbook can encode. `display` shows all of these as visible escapes and
is used for every text that reaches a terminal, a message or a file we write.
"""

from __future__ import annotations

import re

# C0 and C1 controls, DEL, and the invisible format characters that reorder or hide text.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u180e\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u2064"
                     "\u2066-\u2069\ufeff\ud800-\udfff]")
# json.dumps escapes C0 controls inside strings itself; its own line breaks must stay.
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u061c\u180e\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def _escape(m: re.Match) -> str:
    ch = m.group(0)
    if "\udc80" <= ch <= "\udcff":
        return f"\\x{ord(ch) - 0xDC00:02x}"    # a byte of a file name that is not UTF-8
    if "\ud800" <= ch <= "\udfff":
        return "\ufffd"
    return {"\n": "\\n", "\r": "\\r", "\t": " "}.get(ch, f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}")


def display(text: str) -> str:
    """`text` with every control, invisible reordering character and lone surrogate escaped."""
    return _UNSAFE.sub(_escape, text) if _UNSAFE.search(text) else text


def json_safe(text: str) -> str:
    """JSON text whose every control or reordering character is a \\uXXXX escape (json.dumps
    with ensure_ascii=False leaves U+202E and C1 controls raw, and they would steer a terminal)."""
    text = for_file(text)
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group(0)):04x}", text)


def for_file(text: str) -> str:
    """Text for a workbook or JSON: lone surrogates replaced; line breaks and tabs kept."""
    return _SURROGATE.sub("\ufffd", text)


def round_pct(x: float) -> int:
    """A percentage rounded as a spreadsheet's 0% format shows it (half away from zero, where
    Python's round() goes to even), so that a text and the cell beside it never differ by one."""
    from decimal import ROUND_HALF_UP, Decimal
    return int(Decimal(repr(x)).quantize(Decimal(1), rounding=ROUND_HALF_UP))
