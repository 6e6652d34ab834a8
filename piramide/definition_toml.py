"""Write a Questionnaire as a TOML definition, the format `questionnaire` reads.

A small serializer for exactly this structure (strings, integers, floats, lists of strings,
arrays of tables), so that no dependency is needed: every string is a TOML basic string with
backslash, quote and every control character escaped, so what tomllib reads back is what was
written. Loading the text again gives an equal Questionnaire (tests hold it to that).
"""

from __future__ import annotations

import math

from .model import Questionnaire

_ORDER = ("fasen", "pijlers", "schalen", "bronnen", "begrippen", "indicatoren", "vragen")
_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}


def string(text: str) -> str:
    """A TOML basic string."""
    out = []
    for ch in text:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04X}")
        elif 0xD800 <= ord(ch) <= 0xDFFF:      # a lone surrogate cannot be written as UTF-8
            out.append("\\uFFFD")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def value(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if not math.isfinite(v):
            raise ValueError(f"geen eindig getal: {v}")
        return repr(v)
    if isinstance(v, str):
        return string(v)
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(value(x) for x in v) + "]"
    raise TypeError(f"kan {type(v).__name__} niet als TOML schrijven")


def _table(lines: list[str], name: str, item: dict) -> None:
    lines.append("")
    lines.append(f"[[{name}]]")
    nested = []
    for k, v in item.items():
        if isinstance(v, list) and v and all(isinstance(x, dict) for x in v):
            nested.append((k, v))
        else:
            lines.append(f"{k} = {value(v)}")
    for k, items in nested:
        for sub in items:
            _table(lines, f"{name}.{k}", sub)


def dumps(data: dict, order: tuple[str, ...] = _ORDER) -> str:
    """TOML text for definition data (as `definition_workbook.to_data` gives it; `order`: its
    tables, in the order they are written)."""
    lines = []
    for k, v in data.items():
        if k not in order:
            lines.append(f"{k} = {value(v)}")
    for table in order:
        for item in data.get(table, []):
            _table(lines, table, item)
    return "\n".join(lines) + "\n"


def to_toml(q: Questionnaire) -> str:
    from .definition_workbook import to_data
    return dumps(to_data(q))
