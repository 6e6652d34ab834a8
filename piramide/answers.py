"""Turn an answer as a person typed it into the scale's own answer. Pure; shared by the
reader and by the template's pre-filled cached values, and mirrored by the live formulas
(LOWER(TRIM(x)) looked up in the scale's forms)."""

from __future__ import annotations

from .labels import norm
from .measurement import EMPTY, INVALID, Answer
from .model import Option, Scale


def cell_text(value) -> str:
    """A cell value as text the way a spreadsheet shows it: 1.0 -> '1', True -> 'true'."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


_FORMS: dict[int, tuple[Scale, dict[str, Option]]] = {}


def _forms(scale: Scale) -> dict[str, Option]:
    """Every form of every option (label, then synonyms), normalised -> the first option
    that has it; built once per scale."""
    hit = _FORMS.get(id(scale))
    if hit is not None and hit[0] is scale:
        return hit[1]
    forms: dict[str, Option] = {}
    for o in scale.options:
        for form in (o.label, *o.aliases):
            forms.setdefault(norm(form), o)
    _FORMS[id(scale)] = (scale, forms)
    return forms


def normalize(scale: Scale, question_id: str, value, remark: str = "", sheet: str = "", cell: str = "") -> Answer:
    raw = cell_text(value)
    key = norm(raw)
    if not key:
        return Answer(question_id, EMPTY, raw=raw, remark=remark, sheet=sheet, cell=cell)
    o = _forms(scale).get(key)
    if o is not None:
        return Answer(question_id, o.kind, o.label, o.value, raw, remark, sheet, cell)
    return Answer(question_id, INVALID, raw=raw, remark=remark, sheet=sheet, cell=cell)
