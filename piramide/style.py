"""What every workbook piramide writes shares: the palette, the cell formats, a printable
table and the Meldingen sheet. The writers (dashboard, region overview, and the rapport to
come) import these from here, never each other's private helpers."""

from __future__ import annotations

from pathlib import Path

from .scoring import BEHAALD, DEELS, NIET_BEHAALD, NVT_STATUS, ONBEKEND

DARK, MID, LIGHT, GREY = "#1F3864", "#2E75B6", "#DDEBF7", "#F2F2F2"
STATUS_FILL = {BEHAALD: "#C6E0B4", DEELS: "#FFE699", NIET_BEHAALD: "#F8CBAD", ONBEKEND: "#D9D9D9",
               NVT_STATUS: "#FFFFFF"}


def formats(wb) -> dict:
    """The named cell formats of a workbook, in the house style."""
    base = {"font_name": "Calibri", "font_size": 10, "valign": "vcenter"}
    f = lambda **kw: wb.add_format({**base, **kw})  # noqa: E731
    return {
        "title": f(bold=True, font_size=18, font_color=DARK),
        "sub": f(font_color="#404040", font_size=10),
        "h2": f(bold=True, font_size=12, font_color=DARK, bottom=1),
        "reached": f(bold=True, bg_color=MID, font_color="#FFFFFF", align="center", border=2, border_color="#FFFFFF"),
        "open": f(font_color="#7F7F7F", bg_color=GREY, align="center", border=2, border_color="#FFFFFF", pattern=1),
        "stone": f(font_color=DARK, bg_color=LIGHT, align="center", border=2, border_color="#FFFFFF", italic=True),
        "reached_amb": f(bold=True, bg_color=MID, font_color="#FFFFFF", align="center", border=5, border_color="#C00000"),
        "open_amb": f(font_color="#404040", bg_color=GREY, align="center", border=5, border_color="#C00000"),
        "stone_amb": f(font_color=DARK, bg_color=LIGHT, align="center", border=5, border_color="#C00000", italic=True),
        "pname": f(bold=True, align="center", text_wrap=True, font_size=10, font_color=DARK),
        "pinfo": f(align="center", font_size=9),
        "pphase": f(align="center", bold=True, font_size=11),
        "head": f(bold=True, bg_color=DARK, font_color="#FFFFFF", text_wrap=True, border=1, valign="top"),
        "cell": f(text_wrap=True, border=1, border_color="#BFBFBF", valign="top"),
        "cell_c": f(border=1, border_color="#BFBFBF", align="center", valign="top"),
        "pct": f(border=1, border_color="#BFBFBF", align="center", num_format="0%", valign="top"),
        "date": f(border=1, border_color="#BFBFBF", num_format="dd-mm-yyyy", valign="top"),
        "wrap": f(text_wrap=True, valign="top"),
        "small": f(font_size=8, font_color="#595959", text_wrap=True, valign="top"),
        "label": f(bold=True, valign="top"),
        "input": f(border=1, border_color="#BFBFBF", bg_color="#FFF2CC", text_wrap=True, valign="top"),
        "input_date": f(border=1, border_color="#BFBFBF", bg_color="#FFF2CC", num_format="dd-mm-yyyy", valign="top"),
    }


def table(ws, fmt, heads: list[tuple[str, int]], rows: list[list], fmts: list[str], landscape=True):
    """A printable table with a header row, row heights grown for wrapped text, A4, fit to width."""
    for c, (title, w) in enumerate(heads):
        ws.set_column(c, c, w)
        ws.write_string(0, c, title, fmt["head"])
    for r, row in enumerate(rows, 1):
        # Row heights are not grown for wrapped text by every program: set them from the text.
        lines = max([1] + [-(-len(v) // max(1, int(w * 1.15))) for v, (_, w) in zip(row, heads) if isinstance(v, str)])
        if lines > 1:
            ws.set_row(r, 13 * lines + 2)
        for c, (v, f) in enumerate(zip(row, fmts)):
            if v is None:
                ws.write_blank(r, c, None, fmt[f])
            elif isinstance(v, str):
                ws.write_string(r, c, v, fmt[f])
            else:
                ws.write(r, c, v, fmt[f])
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, max(len(rows), 1), len(heads) - 1)
    ws.repeat_rows(0)
    ws.set_paper(9)
    ws.set_landscape() if landscape else ws.set_portrait()
    ws.fit_to_pages(1, 0)
    ws.set_margins(0.4, 0.4, 0.5, 0.5)
    ws.set_footer("&L&8Vertrouwelijk&R&8&A · &P / &N")


def findings_sheet(ws, fmt, findings) -> None:
    """Every finding, one row each, with its place."""
    heads = [("Ernst", 12), ("Code", 24), ("Bestand", 30), ("Blad", 12), ("Cel", 8), ("Melding", 80)]
    rows = [[f.severity, f.code, Path(f.file).name if f.file else "", f.sheet, f.cell, f.message] for f in findings]
    table(ws, fmt, heads, rows, ["cell"] * len(heads))
    if not rows:
        ws.write_string(1, 0, "Geen meldingen: alle vragen zijn gevonden en geldig beantwoord.", fmt["wrap"])
