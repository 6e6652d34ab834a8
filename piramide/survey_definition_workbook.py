"""Write a survey definition as a workbook to edit in Excel (`piramide enquete export`): the
sheets of definition_layout.SURVEY, one row per item, and a sheet Uitleg. survey_definition
reads it back (through definition_workbook's reader) into an equal Survey."""

from __future__ import annotations

from pathlib import Path

from . import definition_layout as D
from .survey import Survey
from .survey_definition import to_data


def _cell(value) -> object:
    if isinstance(value, (list, tuple)):
        return "\n".join(str(v) for v in value)
    if isinstance(value, bool):
        return "ja" if value else "nee"
    return value


def _rows(spec: D.Sheet, data: dict) -> list[list]:
    keys = [c.key for c in spec.columns]
    if spec.table == "":
        return [[c.key, _cell(data[c.key])] for c in D.SURVEY.settings if c.key in data]
    if spec.table == "schalen":
        out = []
        for scale in data.get("schalen", []):
            for n, answer in enumerate(scale["antwoorden"]):
                item = {"id": scale["id"], "naam": scale.get("naam") if n == 0 else None, **answer}
                out.append([_cell(item.get(k)) for k in keys])
        return out
    return [[_cell(item.get(k)) for k in keys] for item in data.get(spec.table, [])]


def survey_definition_bytes(s: Survey) -> bytes:
    import io

    import xlsxwriter

    from . import __version__
    from .style import formats, page_setup, row_height

    data = to_data(s)
    out = io.BytesIO()
    wb = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
                                   "strings_to_numbers": False})
    wb.set_properties({"title": f"{s.title}: definitie", "subject": "Enquête-definitie voor piramide",
                       "comments": f"Gemaakt met piramide {__version__}"})
    fmt = formats(wb)
    explain = wb.add_worksheet(D.EXPLANATION)
    explain.set_column(0, 0, 18)
    explain.set_column(1, 1, 22)
    explain.set_column(2, 2, 70)
    explain.write_string(0, 0, f"{s.title}: enquête-definitie", fmt["title"])
    intro = ("Bewerk de bladen hieronder en controleer met: piramide enquete controleer <dit bestand>. Een kolomkop "
             "is precies de naam in de TOML-definitie; een lijst in één cel zet u op aparte regels (Alt+Enter).")
    explain.merge_range(1, 0, 1, 2, intro, fmt["wrap"])
    explain.set_row(1, row_height([(intro, 110, 10)]))
    r = 3
    for spec in D.SURVEY.sheets:
        explain.write_string(r, 0, spec.name, fmt["h2"])
        explain.write_string(r, 2, spec.help, fmt["wrap"])
        explain.set_row(r, row_height([(spec.help, 70, 10)]))
        r += 1
        columns = D.SURVEY.settings if spec.table == "" else spec.columns
        for col in columns:
            help_text = col.help + (" Verplicht." if col.required else "")
            explain.write_string(r, 1, col.key, fmt["label"])
            explain.write_string(r, 2, help_text, fmt["wrap"])
            explain.set_row(r, row_height([(help_text, 70, 10)]))
            r += 1
        r += 1
    page_setup(explain, landscape=False)
    for spec in D.SURVEY.sheets:
        ws = wb.add_worksheet(spec.name)
        widths = [c.width for c in spec.columns]
        for i, col in enumerate(spec.columns):
            ws.set_column(i, i, col.width)
            ws.write_string(0, i, col.key, fmt["head"])
        for n, row in enumerate(_rows(spec, data), 1):
            for c, v in enumerate(row):
                if v is None or v == "":
                    ws.write_blank(n, c, None, fmt["cell"])
                elif isinstance(v, str):
                    ws.write_string(n, c, v, fmt["cell"])
                else:
                    ws.write_number(n, c, v, fmt["cell"])
            ws.set_row(n, row_height([(v, w, 10) for v, w in zip(row, widths) if isinstance(v, str)]))
        ws.freeze_panes(1, 0)
        ws.repeat_rows(0)
        page_setup(ws)
    wb.close()
    return out.getvalue()


def write_survey_definition(s: Survey, target: str | Path, replace: bool = True) -> Path:
    from .output import atomic_buffer
    target = Path(target)
    with atomic_buffer(target, replace) as buf:
        buf.write(survey_definition_bytes(s))
    return target
