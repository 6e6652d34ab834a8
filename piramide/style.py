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
        "reached": f(text_wrap=True, bold=True, bg_color=MID, font_color="#FFFFFF", align="center", border=2, border_color="#FFFFFF"),
        "open": f(text_wrap=True, font_color="#7F7F7F", bg_color=GREY, align="center", border=2, border_color="#FFFFFF", pattern=1),
        "stone": f(text_wrap=True, font_color=DARK, bg_color=LIGHT, align="center", border=2, border_color="#FFFFFF", italic=True),
        "reached_amb": f(text_wrap=True, bold=True, bg_color=MID, font_color="#FFFFFF", align="center", border=5, border_color="#C00000"),
        "open_amb": f(text_wrap=True, font_color="#404040", bg_color=GREY, align="center", border=5, border_color="#C00000"),
        "stone_amb": f(text_wrap=True, font_color=DARK, bg_color=LIGHT, align="center", border=5, border_color="#C00000", italic=True),
        "pname": f(bold=True, align="center", text_wrap=True, font_size=10, font_color=DARK),
        "pinfo": f(align="center", valign="top", font_size=9, text_wrap=True),
        "pphase": f(align="center", bold=True, font_size=11, text_wrap=True),
        "head": f(bold=True, bg_color=DARK, font_color="#FFFFFF", text_wrap=True, border=1, valign="top"),
        "cell": f(text_wrap=True, border=1, border_color="#BFBFBF", valign="top"),
        "cell_c": f(border=1, border_color="#BFBFBF", align="center", valign="top"),
        "pct": f(border=1, border_color="#BFBFBF", align="center", num_format="0%", valign="top"),
        "date": f(border=1, border_color="#BFBFBF", num_format="dd-mm-yyyy", valign="top"),
        "wrap": f(text_wrap=True, valign="top"),
        "small": f(font_size=9, font_color="#595959", text_wrap=True, valign="top"),
        "label": f(bold=True, valign="top"),
        "input": f(border=1, border_color="#BFBFBF", bg_color="#FFF2CC", text_wrap=True, valign="top"),
        "input_date": f(border=1, border_color="#BFBFBF", bg_color="#FFF2CC", num_format="dd-mm-yyyy", valign="top"),
    }


# --- print: what fits on a page, how many lines a text takes ----------------------------------
#
# A column's width is counted in characters of the default font. Excel (Calibri) prints one such
# character 5.25 pt wide; LibreOffice without Calibri substitutes a wider font (DejaVu Sans,
# about 7 pt). Everything here is worked out for the wider case, so that text printed from
# either program is 8 pt or more and never cut off: Excel then has room to spare.

UNIT_PT = 7.0                     # a width unit at its widest (DejaVu Sans 11 pt digit)
PAD = 0.71                        # what Excel adds to every column width
PAGE_PT = {True: 842 - 2 * 0.4 * 72, False: 595 - 2 * 0.4 * 72}   # A4 landscape / portrait, 0.4" margins
MIN_SCALE = 0.93                  # 9 pt text prints at 8 pt or more, with a margin
LINE = 1.3                        # line height per point of font size (DejaVu Sans; Calibri needs 1.22)
MAX_ROW = 409                     # Excel's highest row, in points
FOOTER = "&L&9Vertrouwelijk&R&9&A · &P / &N"


def page_units(landscape: bool = True, scale: float = MIN_SCALE) -> float:
    """The total column width (in width units, the padding included) that fits across an A4
    page printed at `scale`."""
    return PAGE_PT[landscape] / scale / UNIT_PT


def columns_width(widths) -> float:
    return sum(w + PAD for w in widths)


def lines(text, width: float, font_size: float = 10, bold: bool = False) -> int:
    """How many lines `text` takes when wrapped in a column `width` units wide, counted by
    words as a spreadsheet wraps them, in the widest font a program may substitute."""
    per_line = max(1, int(width * 1.1 * 10 / font_size / (1.1 if bold else 1.0)))
    n = 0
    for para in str(text).split("\n"):
        if len(para) <= per_line:        # fits as it stands (a list of names: every line does)
            n += 1
            continue
        count, cur = 1, 0
        for word in para.split():
            if cur and cur + 1 + len(word) <= per_line:
                cur += 1 + len(word)
            else:
                count += 1 if cur else 0
                cur = len(word)
            while cur > per_line:        # a word longer than the line breaks inside
                count += 1
                cur -= per_line
        n += count
    return max(1, n)


def row_height(cells, minimum: float = 15, extra_lines: int = 0) -> float:
    """The height (points) a row needs for its wrapped cells: (text, width, font size[, bold])."""
    need = minimum
    for cell in cells:
        text, width, size = cell[:3]
        bold = cell[3] if len(cell) > 3 else False
        if text is None or text == "":
            continue
        need = max(need, (lines(text, width, size, bold) + extra_lines) * size * LINE + 5)
    return min(MAX_ROW, need)


def page_setup(ws, landscape: bool = True, fit_height: int = 0, footer: str = FOOTER,
               margins=(0.4, 0.4, 0.5, 0.5)) -> None:
    """A4, fit to the page width (and to `fit_height` pages tall, 0 = as many as needed), the
    footer with Vertrouwelijk."""
    ws.set_paper(9)
    ws.set_landscape() if landscape else ws.set_portrait()
    ws.fit_to_pages(1, fit_height)
    ws.set_margins(*margins)
    ws.set_footer(footer)


SIZES = {"small": 9}              # the font size of a format, where it is not 10


def table(ws, fmt, heads: list[tuple[str, int]], rows: list[list], fmts: list[str], landscape=True, keep=(),
          top: int = 0):
    """A printable table with a header row, row heights grown for wrapped text, A4, fit to width.
    When the columns are wider than a page printed at MIN_SCALE, the wide text columns give up
    width (their text wraps onto more lines) so that the print stays legible. `top`: the row of
    the header, for a sheet with lines above its table."""
    widths = [float(w) for _, w in heads]
    room = page_units(landscape) - columns_width(widths)
    wide = [i for i, w in enumerate(widths) if w > 14 and i not in keep]   # `keep`: text broken by the caller
    if room < 0 and wide:
        give = sum(widths[i] - 12 for i in wide)
        for i in wide:
            widths[i] -= min(widths[i] - 12, -room * (widths[i] - 12) / give)
    for c, ((title, _), w) in enumerate(zip(heads, widths)):
        ws.set_column(c, c, round(w, 1))
        ws.write_string(top, c, title, fmt["head"])
    ws.set_row(top, row_height([(t, w, 10, True) for (t, _), w in zip(heads, widths)]))
    for r, row in enumerate(rows, top + 1):
        # Row heights are not grown for wrapped text by every program: set them from the text.
        h = row_height([(v, w, SIZES.get(f, 10)) for v, w, f in zip(row, widths, fmts) if isinstance(v, str)])
        if h > 15:
            ws.set_row(r, h)
        for c, (v, f) in enumerate(zip(row, fmts)):
            if v is None:
                ws.write_blank(r, c, None, fmt[f])
            elif isinstance(v, str):
                ws.write_string(r, c, v, fmt[f])
            else:
                ws.write(r, c, v, fmt[f])
    ws.freeze_panes(top + 1, 0)
    ws.autofilter(top, 0, top + max(len(rows), 1), len(heads) - 1)
    ws.repeat_rows(top)
    page_setup(ws, landscape)


CODE_WIDTH = 32                   # the longest finding code (30 characters) on one line, never broken mid-word


def findings_sheet(ws, fmt, findings) -> None:
    """Every finding, one row each, with its place."""
    heads = [("Ernst", 12), ("Code", CODE_WIDTH), ("Bestand", 30), ("Blad", 12), ("Cel", 8), ("Melding", 80)]
    rows = [[f.severity, f.code, Path(f.file).name if f.file else "", f.sheet, f.cell, f.message[:1].upper() + f.message[1:]]
            for f in findings]
    table(ws, fmt, heads, rows, ["cell"] * len(heads))
    if not rows:
        ws.write_string(1, 0, "Geen meldingen: alle vragen zijn gevonden en geldig beantwoord.", fmt["sub"])


def signed(n: int) -> str:
    return f"+{n}" if n > 0 else ("±0" if n == 0 else str(n))
