"""Turn an answer as a person typed it into the scale's own answer. Pure; shared by the
reader and by the template's pre-filled cached values, and mirrored by the live formulas
(LOWER(TRIM(x)) looked up in the scale's forms)."""

from __future__ import annotations

from .labels import norm
from .measurement import EMPTY, INVALID, Answer
from .model import Scale


def cell_text(value) -> str:
    """A cell value as text the way a spreadsheet shows it: 1.0 -> '1', True -> 'true'."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def normalize(scale: Scale, question_id: str, value, remark: str = "", sheet: str = "", cell: str = "") -> Answer:
    raw = cell_text(value)
    key = norm(raw)
    if not key:
        return Answer(question_id, EMPTY, raw=raw, remark=remark, sheet=sheet, cell=cell)
    for o in scale.options:
        if key == norm(o.label) or key in (norm(a) for a in o.aliases):
            return Answer(question_id, o.kind, o.label, o.value, raw, remark, sheet, cell)
    return Answer(question_id, INVALID, raw=raw, remark=remark, sheet=sheet, cell=cell)
