"""Hostile and unlucky input, round two: no hang, no silent wrong answer, no lost batch.

Each test builds its own case from a small filled workbook: a part nobody references, a
hidden or copied front sheet, names no file system or console can take, special files,
error values, escape sequences, implausible dates, outputs that would collide, and a
parent process that dies under its workers."""

from __future__ import annotations

import datetime as dt
import errno
import os
import re
import resource
import shutil
import signal
import struct
import subprocess
import sys
import time
import warnings
import zipfile
import zlib
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

import piramide
from conftest import all_answers, filled
from piramide import output as out_mod
from piramide import parts
from piramide.cli import main
from piramide.dashboard import write_dashboard
from piramide.output import OutputError
from piramide.reader import ReadError, parse_date, read
from piramide.regional import KDF_N, KDF_P, KDF_R, KDF_SALT, anonymous_code, build_overview, derive_key

def rezip(src: Path, dst: Path, changes: dict[str, bytes]) -> Path:
    """A copy of a workbook with some parts replaced or added."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            if info.filename not in changes:
                zout.writestr(info, zin.read(info))
        for name, data in changes.items():
            zout.writestr(name, data)
    return dst


def label_cell(ws, label: str):
    """The cell right of a label on a sheet."""
    for row in ws.iter_rows():
        for c in row:
            if c.value == label:
                return ws.cell(c.row, c.column + 1)
    raise AssertionError(label)


def both_readers(path, q):
    a, b = read(path, q, engine="openpyxl"), read(path, q, engine="auto")
    assert a == b
    return a


def run_cli(*args, env=None, **kw):
    """The installed command, as a user runs it."""
    exe = shutil.which("piramide") or str(Path(sys.executable).parent / "piramide")
    return subprocess.run([exe, *args], capture_output=True, env={**os.environ, **(env or {})}, timeout=120, **kw)


@pytest.fixture
def good(tmp_path, small):
    return filled(small, tmp_path / "goed.xlsx", all_answers(small))


# --- 1. bounded scans; only referenced parts -------------------------------------------------

HOSTILE_PART = b'<c r=" ' * 6500          # 38 KB: quadratic for a backtracking scan


def test_a_part_nobody_references_is_never_read(tmp_path, good, small, monkeypatch):
    p = rezip(good, tmp_path / "extra.xlsx", {"xl/worksheets/sheet99.xml": HOSTILE_PART})
    read_parts = []
    real = zipfile.ZipFile.read

    def spy(self, name, *a, **k):
        read_parts.append(getattr(name, "filename", name))
        return real(self, name, *a, **k)
    monkeypatch.setattr(zipfile.ZipFile, "read", spy)
    m = both_readers(p, small)
    assert m.gemeente == "Teststad" and len(m.answers) == 10
    assert "xl/worksheets/sheet99.xml" not in read_parts
    assert any(n.startswith("xl/worksheets/sheet") for n in read_parts)     # the referenced ones are


def test_a_hostile_referenced_part_costs_linear_work(tmp_path, good):
    """Run under a CPU limit of 20 s: the old backtracking scan needed about 48 minutes on this
    part, a linear one needs milliseconds. The limit guards against a hang, it times nothing."""
    with zipfile.ZipFile(good) as z:
        first = next(n for n in z.namelist() if n.startswith("xl/worksheets/sheet"))
    p = rezip(good, tmp_path / "vijandig.xlsx", {first: HOSTILE_PART * 4})
    (tmp_path / "deel.xml").write_bytes(HOSTILE_PART * 40)
    code = ("import resource, sys\n"
            "resource.setrlimit(resource.RLIMIT_CPU, (20, 20))\n"
            "from piramide import parts\n"
            f"print(parts.scan(open({str(tmp_path / 'deel.xml')!r}, 'rb').read()).fits)\n"
            "from piramide.reader import read, ReadError\nimport piramide\n"
            f"try:\n    read({str(p)!r}, piramide.load_questionnaire())\nexcept ReadError as e:\n    print(e.code)\n")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert r.returncode == 0, r.stderr[-2000:]
    assert r.stdout.split()[0] == "False"           # a cell start without a closing '>' is never trusted


def test_scan_finds_far_cells_and_error_values():
    sheet = (b'<worksheet><sheetData><row r="1"><c r="A1" t="e"><f>1/0</f><v>#DIV/0!</v></c>'
             b'<x:c r="B1" s="1"><x:v>1</x:v></x:c></row></sheetData></worksheet>')
    e = parts.scan(sheet)
    assert e.fits and e.errors == {(0, 0): "#DIV/0!"}
    assert not parts.scan(sheet.replace(b'r="B1"', b'r="BI1"')).fits        # column 61
    assert not parts.scan(sheet.replace(b'r="B1"', b'r="B10000"')).fits      # row 10000
    assert not parts.scan(sheet.replace(b' r="B1"', b"")).fits               # a cell without its place
    plain = sheet.replace(b' t="e"', b"")                                     # the fast path, all in C
    assert parts.scan(plain).fits and parts.scan(plain).errors == {}
    bare = plain.replace(b"<x:c", b"<c").replace(b"</x:c>", b"</c>").replace(b"<x:v>", b"<v>").replace(b"</x:v>", b"</v>")
    assert parts.scan(bare).fits
    for far in (b'r="BI1"', b'r="AAA1"', b'r="A10000"'):
        assert not parts.scan(bare.replace(b'r="A1"', far)).fits, far
    assert not parts.scan(plain.replace(b'<x:c r="B1"', b'<x:c s="1"')).fits


def assert_read_within_memory(path: Path, cwd: Path) -> None:
    """piramide.read of `path` in a process limited to 1.5 GB, so that a dense grid aborts that
    process and not the machine: it must end well, with the answers or a refusal's code."""
    code = ("import resource\nresource.setrlimit(resource.RLIMIT_AS, (1500 * 2**20, 1500 * 2**20))\n"
            "import piramide\nfrom piramide.reader import ReadError\n"
            f"try:\n    print(len(piramide.read({str(path)!r}).answers))\nexcept ReadError as e:\n    print(e.code)\n")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=cwd, timeout=300)
    assert r.returncode == 0 and r.stdout.strip(), r.stderr[-1500:]
    assert "panicked" not in r.stderr and "memory allocation" not in r.stderr, r.stderr[-1500:]


# A far cell disguised as python-calamine still reads it: under any namespace prefix (long,
# empty, not ASCII, not a name at all), or with a second place. Each would have made calamine
# build a grid of 17 billion cells (the process aborted); each must leave the fast reader.
DISGUISED = {
    "voorvoegsel van 31": (b'<%s:c r="XFD1048576"><v>1</v></%s:c>' % (b"a" * 31, b"a" * 31)),
    "voorvoegsel van 40": (b'<%s:c r="XFD1048576"><v>1</v></%s:c>' % (b"a" * 40, b"a" * 40)),
    "leeg voorvoegsel": b'<:c r="XFD1048576"><v>1</v></:c>',
    "niet-ASCII": '<é:c r="XFD1048576"><v>1</v></é:c>'.encode(),
    "geen naam": b'<a@b:c r="XFD1048576"><v>1</v></a@b:c>',
    "tweede r": b'<c r="A2" r="XFD1048576"><v>1</v></c>',
    "r met voorvoegsel": b'<c r="A2" x:r="XFD1048576"><v>1</v></c>',
    "tweede t": b'<c r="A2" t="n" t="e"><v>#N/A</v></c>',
    # the tag does not end at a '>' inside a value; a name may follow a value without a space
    "'>' in een waarde": b'<c r="A2" x=">" r="XFD1048576"><v>1</v></c>',
    "zonder spatie": b'<c r="A2"r="XFD1048576"><v>1</v></c>',
}


@pytest.mark.parametrize("name", DISGUISED)
def test_a_disguised_cell_leaves_the_fast_reader(name):
    sheet = b'<worksheet><sheetData><row r="1"><c r="A1"><v>1</v></c></row><row r="2">%s</row></sheetData></worksheet>'
    assert not parts.scan(sheet % DISGUISED[name]).fits
    # the careful loop decides alike (an error value elsewhere sends the scan there)
    assert not parts.scan((sheet % DISGUISED[name]).replace(b'<c r="A1">', b'<c r="A1" t="e">')).fits
    if name.startswith(("voorvoegsel", "leeg", "niet", "geen")):      # near, the same cell is fine
        near = (sheet % DISGUISED[name]).replace(b"XFD1048576", b"B2")
        assert parts.scan(near).fits
        # and an error value in it is found whatever the prefix of its value
        prefix = DISGUISED[name].split(b":c ")[0][1:]
        error = near.replace(b'r="B2">', b'r="B2" t="e">').replace(b"<v>1</v>", b"<%s:v>#N/A</%s:v>" % (prefix, prefix))
        assert parts.scan(error).errors == {(1, 1): "#N/A"}, error


def test_a_far_cell_under_a_long_prefix_is_read_within_bounds(tmp_path, good):
    """End to end, under a memory limit: the workbook is read by the bounded reader or refused
    in Dutch; the process never aborts."""
    with zipfile.ZipFile(good) as z:
        part = next(sp.part for sp in parts.inspect(z).sheets if sp.name == "Vragen")
        xml = z.read(part)
    prefix = b"p" * 40
    xml = xml.replace(b"<worksheet ", b'<worksheet xmlns:%s="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                      % prefix, 1)
    xml = xml.replace(b"</sheetData>", b'<%s:row r="1048576"><%s:c r="XFD1048576"><%s:v>1</%s:v></%s:c></%s:row>'
                      b"</sheetData>" % ((prefix,) * 6), 1)
    p = rezip(good, tmp_path / "verstopt.xlsx", {part: xml})
    assert_read_within_memory(p, tmp_path)


def _far_part(ref: bytes = b"XFD1048576") -> bytes:
    return (b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
            b'<row r="1"><c r="A1"><v>1</v></c></row><row r="2"><c r="%s"><v>1</v></c></row></sheetData></worksheet>' % ref)


def _differently(good: Path, dst: Path, how: str) -> Path:
    """The workbook `good` made so that python-calamine reads a far cell in a part or a zip
    directory a plain reading of the package never scans; each aborted the process."""
    rel_type = b"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"
    with zipfile.ZipFile(good) as z:
        sheet = next(sp for sp in parts.inspect(z).sheets if sp.name == "Vragen")
        rels, book = z.read("xl/_rels/workbook.xml.rels"), z.read("xl/workbook.xml")
    target = sheet.part.removeprefix("xl/").encode()
    rid = re.search(rb'Id="(rId\d+)"[^>]*Target="%s"' % re.escape(target), rels).group(1)
    far = {"xl/worksheets/ver.xml": _far_part()}
    extra = b'<Relationship Id="rIdVer" Type="%s" Target="worksheets/ver.xml"/></Relationships>' % rel_type
    if how in ("id zonder voorvoegsel", "id met ander voorvoegsel"):   # the plain reading takes the first id, calamine r:id
        first = b'id' if how == "id zonder voorvoegsel" else b'x:id'
        book = book.replace(b'r:id="%s"' % rid, first + b'="%s" r:id="rIdVer"' % rid).replace(
            b"xmlns:r=", b'xmlns:x="urn:x" xmlns:r=', 1)
        return rezip(good, dst, {"xl/workbook.xml": book, "xl/_rels/workbook.xml.rels": rels.replace(b"</Relationships>", extra), **far})
    if how == "Target met voorvoegsel":          # the plain reading takes x:Target, calamine Target
        rels = rels.replace(b'Target="%s"' % target, b'x:Target="%s" Target="worksheets/ver.xml"' % target)
        return rezip(good, dst, {"xl/_rels/workbook.xml.rels": rels.replace(b"<Relationships ", b'<Relationships xmlns:x="urn:x" ', 1), **far})
    if how == "geneste relatie":                 # calamine reads a Relationship at any depth, the last of an id
        return rezip(good, dst, {"xl/_rels/workbook.xml.rels": rels.replace(
            b"</Relationships>", b'<X><Relationship Id="%s" Type="%s" Target="worksheets/ver.xml"/></X></Relationships>' % (rid, rel_type)), **far})
    if how == "externe dubbele relatie":         # the plain reading skips an external one, calamine keeps the last
        return rezip(good, dst, {"xl/_rels/workbook.xml.rels": rels.replace(
            b"</Relationships>", b'<Relationship Id="%s" Type="%s" Target="worksheets/ver.xml" TargetMode="External"/>'
            b"</Relationships>" % (rid, rel_type)), **far})
    if how == "tekenverwijzing":                 # calamine takes a Target undecoded: sheet&#51;.xml is an entry of that name
        odd = target[:-5] + b"&#%d;" % target[-5] + b".xml"
        return rezip(good, dst, {"xl/_rels/workbook.xml.rels": rels.replace(b'"%s"' % target, b'"%s"' % odd),
                                 "xl/" + odd.decode(): _far_part()})
    if how == "unicode-pad":                     # the zip crate names an entry by its Info-ZIP Unicode path
        path = rezip(good, dst, {})
        info = zipfile.ZipInfo("xl/worksheets/ander.xml")
        body = b"\x01" + struct.pack("<L", zlib.crc32(info.filename.encode())) + sheet.part.encode()
        info.extra, info.compress_type = struct.pack("<HH", 0x7075, len(body)) + body, zipfile.ZIP_DEFLATED
        with zipfile.ZipFile(path, "a") as z:
            z.writestr(info, _far_part())
        return path
    if how == "punten":                          # worksheets/./sheet3.xml: calamine opens an entry of that very name
        odd = target.replace(b"/", b"/./", 1)
        return rezip(good, dst, {"xl/_rels/workbook.xml.rels": rels.replace(b'"%s"' % target, b'"%s"' % odd),
                                 "xl/" + odd.decode(): _far_part()})
    if how == "ander werkboek":                  # the package's workbook elsewhere, naming the sheet's old part;
        with zipfile.ZipFile(good) as z:         # calamine reads xl/workbook.xml, naming the far one
            old, root = z.read(sheet.part), z.read("_rels/.rels")
        return rezip(good, dst, {"_rels/.rels": root.replace(b"xl/workbook.xml", b"xl/ander.xml"),
                                 "xl/ander.xml": book, "xl/worksheets/oud.xml": old, sheet.part: _far_part(),
                                 "xl/_rels/ander.xml.rels": rels.replace(b'"%s"' % target, b'"worksheets/oud.xml"')})
    if how == "dubbel":                          # two entries of one name (both readers take the last one today)
        path = rezip(good, dst, {})
        with zipfile.ZipFile(path, "a") as z, warnings.catch_warnings():
            warnings.simplefilter("ignore")
            z.writestr(sheet.part, _far_part(b"B2"))
        assert len(zipfile.ZipFile(good).namelist()) + 1 == len(zipfile.ZipFile(path).namelist())
        return path
    # two directories: Python's zipfile takes the last end record, the zip crate skips it (its
    # comment runs past the end, or it names a second disk) and reads the first
    evil = rezip(good, dst.with_name("ver.xlsx"), {sheet.part: _far_part()}).read_bytes()
    plain = good.read_bytes()
    at = plain.rfind(b"PK\x05\x06")
    field = {"tweede directory": (20, 5), "tweede schijf": (4, 1)}[how]
    plain = plain[:at + field[0]] + struct.pack("<H", field[1]) + plain[at + field[0] + 2:]
    dst.write_bytes(evil + plain)
    return dst


DIFFERENTLY = ["punten", "ander werkboek", "dubbel", "id zonder voorvoegsel", "id met ander voorvoegsel", "Target met voorvoegsel", "geneste relatie",
               "externe dubbele relatie", "tekenverwijzing", "unicode-pad", "tweede directory", "tweede schijf"]


@pytest.mark.parametrize("how", DIFFERENTLY)
def test_a_package_or_zip_calamine_reads_differently_is_left_to_the_bounded_reader(tmp_path, good, how):
    p = _differently(good, tmp_path / "anders.xlsx", how)
    with zipfile.ZipFile(p) as z:        # python-calamine is never asked (it would abort this process)
        assert not (parts.inspect(z).plain and parts.one_directory(p.read_bytes(), z.infolist()))
    with zipfile.ZipFile(good) as z:
        assert parts.one_directory(good.read_bytes(), z.infolist()) and parts.inspect(z).plain
    assert_read_within_memory(p, tmp_path)


def _xlsb_record(kind: int, payload: bytes = b"") -> bytes:
    """One MS-XLSB record: its type and length as variable-length integers, then the payload."""
    head = bytes([kind]) if kind < 0x80 else bytes([kind & 0x7F | 0x80, kind >> 7])
    n, size = len(payload), b""
    while True:
        size += bytes([n & 0x7F | (0x80 if n >> 7 else 0)])
        n >>= 7
        if not n:
            return head + size + payload


def _xlsb_parts(names: list[str]) -> dict[str, bytes]:
    """An .xlsb workbook beside the .xlsx one, its sheets named alike, each with a far cell."""
    def wide(text: str) -> bytes:
        return struct.pack("<I", len(text)) + text.encode("utf-16-le")
    book = b"".join(_xlsb_record(0x9C, struct.pack("<II", 0, i + 1) + wide(f"b{i}") + wide(name))
                    for i, name in enumerate(names)) + _xlsb_record(0x90) + _xlsb_record(0x9D)
    sheet = (_xlsb_record(0x94, struct.pack("<4I", 0, 1048575, 0, 16383)) + _xlsb_record(0x91)
             + _xlsb_record(0x00, struct.pack("<I", 0) + bytes(8)) + _xlsb_record(0x05, struct.pack("<IId", 0, 0, 1.0))
             + _xlsb_record(0x00, struct.pack("<I", 1048575) + bytes(8))
             + _xlsb_record(0x05, struct.pack("<IId", 16383, 0, 1.0)) + _xlsb_record(0x92))
    rels = "".join(f'<Relationship Id="b{i}" Target="worksheets/b{i}.bin"/>' for i in range(len(names)))
    return {"xl/_rels/workbook.bin.rels": f"<Relationships>{rels}</Relationships>".encode(), "xl/workbook.bin": book,
            **{f"xl/worksheets/b{i}.bin": sheet for i in range(len(names))}}


@pytest.mark.parametrize("why", ["gedeelde teksten zonder einde", "onbekende bladstatus"])
def test_an_xlsb_workbook_beside_the_xlsx_one_is_left_to_the_bounded_reader(tmp_path, good, why):
    """python-calamine opens a workbook its xlsx reader refuses (shared strings without their
    end, a sheet state it does not know) as .xlsb when xl/workbook.bin is there: sheets named
    as the scanned ones, in parts the scan never saw (a far cell aborted the process)."""
    with zipfile.ZipFile(good) as z:
        names = [sp.name for sp in parts.inspect(z).sheets]
        strings, book = z.read("xl/sharedStrings.xml"), z.read("xl/workbook.xml")
    broken = {"xl/sharedStrings.xml": strings.replace(b"</sst>", b"")} if why == "gedeelde teksten zonder einde" \
        else {"xl/workbook.xml": book.replace(b'state="hidden"', b'state="weg"', 1)}
    p = rezip(good, tmp_path / "xlsb.xlsx", {**_xlsb_parts(names), **broken})
    with zipfile.ZipFile(p) as z:
        assert not parts.inspect(z).plain
    assert_read_within_memory(p, tmp_path)


@pytest.mark.parametrize("name", ["'>' in een waarde", "zonder spatie"])
def test_a_cell_tag_read_otherwise_is_read_within_bounds(tmp_path, good, name):
    with zipfile.ZipFile(good) as z:
        part = next(sp.part for sp in parts.inspect(z).sheets if sp.name == "Vragen")
        xml = z.read(part)
    xml = xml.replace(b"</sheetData>", b'<row r="1048576">%s</row></sheetData>' % DISGUISED[name], 1)
    p = rezip(good, tmp_path / "tag.xlsx", {part: xml})
    assert_read_within_memory(p, tmp_path)


# --- 2. metadata where the definition puts it -------------------------------------------------

def test_a_hidden_sheet_in_front_does_not_rename_or_redate(tmp_path, good, small):
    wb = openpyxl.load_workbook(good)
    ws = wb.create_sheet("Oud", 0)
    ws["A1"], ws["B1"] = "Gemeente", "Andere Stad"
    ws["A2"], ws["B2"] = "Datum meting", dt.date(2020, 1, 1)
    ws.sheet_state = "hidden"
    wb.save(tmp_path / "verborgen.xlsx")
    m = both_readers(tmp_path / "verborgen.xlsx", small)
    assert (m.gemeente, m.datum) == ("Teststad", dt.date(2026, 3, 15))
    assert not [f for f in m.findings if f.code.startswith("meta_")]


def test_a_copy_of_last_years_front_sheet_in_front_is_a_fout_naming_both(tmp_path, good, small, small_path):
    wb = openpyxl.load_workbook(good)
    copy = wb.copy_worksheet(wb["Voorblad"])             # Excel's "Verplaatsen of kopiëren"
    wb.move_sheet(copy, offset=-(len(wb.sheetnames) - 1))
    cell = label_cell(copy, "Datum meting")
    cell.value = dt.datetime(2025, 3, 12)
    wb.save(tmp_path / "kopie.xlsx")
    m = both_readers(tmp_path / "kopie.xlsx", small)
    assert m.datum == dt.date(2026, 3, 15)               # the Voorblad itself, never the copy
    f, = [f for f in m.findings if f.code == "meta_tegenstrijdig"]
    assert f.severity == "fout" and f.sheet == "Voorblad"
    assert "'15-03-2026'" in f.message and "'12-03-2025'" in f.message and f"{copy.title}!{cell.coordinate}" in f.message
    r = CliRunner().invoke(main, ["score", str(tmp_path / "kopie.xlsx"), "-q", str(small_path),
                                  "-o", str(tmp_path / "uit")])
    assert r.exit_code == 1 and "Datum meting" in r.output
    assert not (tmp_path / "uit").exists()


def test_a_table_header_that_names_fields_is_no_second_front_sheet(tmp_path, good, small):
    wb = openpyxl.load_workbook(good)
    ws = wb.create_sheet("Notities")
    for c, head in enumerate(["Gemeente", "Datum", "Opmerking", "Ambitie A", "Toelichting"], 1):
        ws.cell(1, c, head)
    ws.cell(2, 1, "Teststad")
    wb.save(tmp_path / "kop.xlsx")
    m = both_readers(tmp_path / "kop.xlsx", small)
    assert not [f for f in m.findings if f.severity == "fout"], m.findings


def test_metadata_only_on_a_hidden_sheet_is_reported(tmp_path, good, small):
    wb = openpyxl.load_workbook(good)
    wb["Voorblad"].sheet_state = "hidden"
    wb.active = wb.sheetnames.index("Vragen")
    wb.save(tmp_path / "voorblad-verborgen.xlsx")
    m = both_readers(tmp_path / "voorblad-verborgen.xlsx", small)
    codes = {f.code for f in m.findings if f.severity == "fout"}
    assert "meta_verborgen" in codes and m.gemeente == ""


# --- 3. one input never stops a batch ----------------------------------------------------------

def test_a_very_long_name_is_shortened_with_a_stable_suffix(tmp_path, small, small_path):
    long_name = "Gemeente " + "Zeer-Lange-Naam " * 15           # 240 characters
    a = filled(small, tmp_path / "lang.xlsx", all_answers(small), gemeente=long_name)
    b = filled(small, tmp_path / "kort.xlsx", all_answers(small), gemeente="Kortdorp")
    args = ["score", str(a), str(b), "-q", str(small_path), "-o", str(tmp_path / "uit")]
    r = CliRunner().invoke(main, args)
    assert r.exit_code == 0, r.output
    names = sorted(p.name for p in (tmp_path / "uit").iterdir())
    assert len(names) == 2 and all(len(n) < 100 for n in names)
    first = names
    shutil.rmtree(tmp_path / "uit")
    assert CliRunner().invoke(main, args).exit_code == 0
    assert sorted(p.name for p in (tmp_path / "uit").iterdir()) == first      # stable


def test_a_file_name_that_is_not_utf8(tmp_path, small, small_path):
    src = filled(small, tmp_path / "x.xlsx", all_answers(small))
    odd = os.fsencode(tmp_path) + b"/meting-\xff\xfe.xlsx"
    os.rename(src, odd)
    r = run_cli("score", odd, "-q", str(small_path), "-o", str(tmp_path / "uit"), "--json", str(tmp_path / "u.json"))
    assert r.returncode == 0, r.stderr.decode(errors="replace")
    assert b"Traceback" not in r.stderr
    dash, = (tmp_path / "uit").iterdir()
    wb = openpyxl.load_workbook(dash)
    assert any("meting-" in str(c.value) for c in wb["Over"]["B"])
    assert "meting-" in (tmp_path / "u.json").read_text(encoding="utf-8")


def test_disk_full_is_a_message_per_file_and_leaves_nothing(tmp_path, small, small_path, monkeypatch):
    a = filled(small, tmp_path / "a.xlsx", all_answers(small), gemeente="Alfa")
    b = filled(small, tmp_path / "b.xlsx", all_answers(small), gemeente="Beta")
    real = os.write

    def full(fd, data):
        raise OSError(errno.ENOSPC, "No space left on device")
    monkeypatch.setattr(os, "write", full)
    r = CliRunner().invoke(main, ["score", str(a), str(b), "-q", str(small_path), "-o", str(tmp_path / "uit")])
    monkeypatch.setattr(os, "write", real)
    assert r.exit_code == 1 and r.exception is None or isinstance(r.exception, SystemExit)
    assert r.output.count("de schijf is vol") == 2 and "Traceback" not in r.output
    assert list((tmp_path / "uit").iterdir()) == []            # no half file, no temporary file


def test_a_file_size_limit_is_a_message_not_a_crash(tmp_path, small, small_path):
    a = filled(small, tmp_path / "a.xlsx", all_answers(small), gemeente="Alfa")

    def limit():
        resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))
    r = run_cli("score", str(a), "-q", str(small_path), "-o", str(tmp_path / "uit"), preexec_fn=limit)
    err = r.stderr.decode()
    assert r.returncode == 1 and "ulimit -f" in err and "Traceback" not in err
    assert [p for p in (tmp_path / "uit").iterdir()] == []


def test_output_paths_that_are_folders(tmp_path, good, small_path):
    folder = tmp_path / "x.xlsx"
    folder.mkdir()
    r = CliRunner().invoke(main, ["score", str(good), "-q", str(small_path), "-o", str(folder)])
    assert r.exit_code == 0, r.output                          # an existing folder is a folder
    assert [p.name for p in folder.iterdir()] == ["teststad-dashboard-2026-03-15.xlsx"]
    r = CliRunner().invoke(main, ["score", str(good), "-q", str(small_path), "-o", str(tmp_path / "uit"),
                                  "--json", str(tmp_path)])
    assert r.exit_code == 1 and "dit is een map" in r.output
    assert not (tmp_path / "uit").exists()                     # refused before any work
    r = CliRunner().invoke(main, ["region", str(good), "-q", str(small_path), "-o", str(folder)])
    assert r.exit_code == 1 and "dit is een map" in r.output and "Traceback" not in r.output


def test_a_dashboard_open_in_excel_costs_only_that_dashboard(tmp_path, small, small_path, monkeypatch):
    a = filled(small, tmp_path / "a.xlsx", all_answers(small), gemeente="Alfa")
    b = filled(small, tmp_path / "b.xlsx", all_answers(small), gemeente="Beta")
    args = ["score", str(a), str(b), "-q", str(small_path), "-o", str(tmp_path / "uit"), "--force"]
    assert CliRunner().invoke(main, args).exit_code == 0
    locked = tmp_path / "uit" / "alfa-dashboard-2026-03-15.xlsx"
    before = locked.read_bytes()
    real = os.replace

    def windows_lock(src, dst, *a, **k):
        if Path(dst).name == locked.name:
            raise PermissionError(errno.EACCES, "The process cannot access the file")
        return real(src, dst, *a, **k)
    monkeypatch.setattr(os, "replace", windows_lock)
    (tmp_path / "uit" / "beta-dashboard-2026-03-15.xlsx").unlink()
    r = CliRunner().invoke(main, args)
    assert r.exit_code == 1 and "geopend in een ander programma" in r.output and "Traceback" not in r.output
    assert (tmp_path / "uit" / "beta-dashboard-2026-03-15.xlsx").exists()      # the other one is written
    assert locked.read_bytes() == before
    assert sorted(p.name for p in (tmp_path / "uit").iterdir()) == [locked.name, "beta-dashboard-2026-03-15.xlsx"]


def test_a_console_that_is_not_utf8(tmp_path, small, small_path):
    src = filled(small, tmp_path / "a.xlsx", all_answers(small), gemeente="Teststad \U0001F3DB")
    r = run_cli("score", str(src), "-q", str(small_path), "-o", str(tmp_path / "uit"),
                env={"PYTHONIOENCODING": "cp1252", "PYTHONUTF8": "0"})
    assert r.returncode == 0, r.stderr
    assert b"Traceback" not in r.stderr and b"Dashboard geschreven" in r.stdout
    assert len(list((tmp_path / "uit").iterdir())) == 1


# --- 4. special files --------------------------------------------------------------------------

@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="geen FIFO's op dit systeem")
def test_fifo_and_device_are_reported_and_skipped(tmp_path, small, small_path):
    folder = tmp_path / "regio"
    folder.mkdir()
    filled(small, folder / "goed.xlsx", all_answers(small))
    os.mkfifo(folder / "pijp.xlsx")
    os.symlink("/dev/zero", folder / "nul.xlsx")
    # a subprocess with a timeout: the old reader waited forever on the FIFO
    r = run_cli("region", str(folder), "-q", str(small_path), "-o", str(tmp_path / "regio.xlsx"))
    err = r.stderr.decode()
    assert r.returncode == 1 and "Traceback" not in err
    assert "pijp (FIFO)" in err and "een apparaat" in err
    assert (tmp_path / "regio.xlsx").exists()                    # the good file still counts
    with pytest.raises(ReadError) as exc:
        read(folder / "nul.xlsx", small)
    assert exc.value.code == "invoer_geen_bestand"


# --- 5. nothing confidential outside the outputs -------------------------------------------------

def test_no_part_of_an_output_touches_the_temp_folder(tmp_path, small, small_path, monkeypatch):
    spy = tmp_path / "systeem-tmp"
    spy.mkdir()
    monkeypatch.setenv("TMPDIR", str(spy))
    monkeypatch.setattr("tempfile.tempdir", str(spy))
    seen = set()
    real_open = os.open

    def watch(path, *a, **k):
        if str(path).startswith(str(spy)):
            seen.add(str(path))
        return real_open(path, *a, **k)
    monkeypatch.setattr(os, "open", watch)
    a = filled(small, tmp_path / "a.xlsx", all_answers(small), gemeente="Geheimstad")
    r = CliRunner().invoke(main, ["score", str(a), "-q", str(small_path), "-o", str(tmp_path / "uit"),
                                  "--json", str(tmp_path / "u.json")])
    assert r.exit_code == 0, r.output
    r = CliRunner().invoke(main, ["region", str(a), "-q", str(small_path), "-o", str(tmp_path / "r.xlsx"),
                                  "--csv", str(tmp_path / "r.csv")])
    assert r.exit_code == 0, r.output
    assert not seen and list(spy.iterdir()) == []


@pytest.mark.parametrize("unnamed", [True, False], ids=["O_TMPFILE", "named-temporary-file"])
def test_an_interrupted_write_leaves_no_temporary_file(tmp_path, monkeypatch, unnamed):
    monkeypatch.setitem(out_mod._UNNAMED, "works", unnamed)

    def killed(fd, data):
        raise KeyboardInterrupt                      # stopped halfway through writing the bytes
    monkeypatch.setattr(os, "write", killed)
    with pytest.raises(KeyboardInterrupt):
        out_mod.write_atomic(tmp_path / "x.xlsx", b"geheim")
    assert list(tmp_path.iterdir()) == []


def test_what_a_killed_run_left_is_swept(tmp_path, good, small_path):
    uit = tmp_path / "uit"
    uit.mkdir()
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    stale = uit / f".~piramide-{dead.pid}-abc.tmp"
    stale.write_bytes(b"vertrouwelijk")
    r = CliRunner().invoke(main, ["score", str(good), "-q", str(small_path), "-o", str(uit)])
    assert r.exit_code == 0, r.output
    assert not stale.exists()


# --- 6. two readers, one verdict ---------------------------------------------------------------

def set_cell_xml(src: Path, dst: Path, sheet: str, ref: str, cell_xml: bytes) -> Path:
    """A copy of a workbook with one cell's XML replaced, as Excel would store it."""
    import re
    with zipfile.ZipFile(src) as z:
        part = next(sp.part for sp in parts.inspect(z).sheets if sp.name == sheet)
        xml = z.read(part)
    pattern = rb'<c r="%s"(?:[^>]*/>|[^>]*>.*?</c>)' % ref.encode()
    assert re.search(pattern, xml), ref
    return rezip(src, dst, {part: re.sub(pattern, cell_xml.replace(b"@@", ref.encode()), xml, count=1)})


def add_cell_xml(src: Path, dst: Path, sheet: str, row: int, cell_xml: bytes) -> Path:
    """A copy of a workbook with one cell added at the end of a row (openpyxl would rewrite
    the strings on saving, and not the way Excel does)."""
    import re
    with zipfile.ZipFile(src) as z:
        part = next(sp.part for sp in parts.inspect(z).sheets if sp.name == sheet)
        xml = z.read(part)
    m = re.search(rb'<row r="%d"[^>]*>.*?</row>' % row, xml, re.S)
    xml = xml[:m.end() - 6] + cell_xml + xml[m.end() - 6:]
    return rezip(src, dst, {part: xml})


def test_error_values_and_escapes_read_alike_whatever_stands_far_right(tmp_path, small):
    remarks = {"A-01": "regel\r\neen", "A-02": "x_x0041_y", "A-03": "esc\x1b[8m", "B-04": "_x005F_ letterlijk"}
    for far in (False, True):
        src = filled(small, tmp_path / f"basis-{far}.xlsx", all_answers(small), remarks=remarks)
        if far:   # a note in column BR: beyond the fast reader's grid, so the bounded reader reads
            src = add_cell_xml(src, tmp_path / "ver.xlsx", "Vragen", 2,
                               b'<c r="BR2" t="inlineStr"><is><t>notitie ver rechts</t></is></c>')
        m0 = read(src, small)
        a04, b01 = m0.answers["A-04"], m0.answers["B-01"]
        p = set_cell_xml(src, tmp_path / f"e1-{far}.xlsx", a04.sheet, a04.cell,
                         b'<c r="@@" t="e"><f>NA()</f><v>#N/A</v></c>')
        p = set_cell_xml(p, tmp_path / f"e2-{far}.xlsx", b01.sheet, b01.cell,
                         b'<c r="@@" t="e"><f>1/0</f><v>#DIV/0!</v></c>')
        m = both_readers(p, small)
        found = {f.cell: f.message for f in m.findings if f.code == "antwoord_foutwaarde"}
        assert set(found) == {a04.cell, b01.cell}, m.findings
        assert "#N/A" in found[a04.cell] and "#DIV/0!" in found[b01.cell]
        assert all(f.severity == "fout" for f in m.findings if f.code == "antwoord_foutwaarde")
        assert m.answers["A-02"].remark == "x_x0041_y"
        assert m.answers["A-01"].remark == "regel\r\neen"
        assert m.answers["A-03"].remark == "esc\x1b[8m"
        assert m.answers["B-04"].remark == "_x005F_ letterlijk"


def test_an_error_value_in_the_date_and_an_uncalculated_formula(tmp_path, good, small):
    wb = openpyxl.load_workbook(good)
    ref = label_cell(wb["Voorblad"], "Datum meting").coordinate
    p = set_cell_xml(good, tmp_path / "formule.xlsx", "Voorblad", ref, b'<c r="@@"><f>DATE(2026,3,15)</f></c>')
    m = both_readers(p, small)
    codes = {f.code for f in m.findings}
    assert "meta_formule_zonder_waarde" in codes and "meta_ontbreekt" not in codes
    p = set_cell_xml(good, tmp_path / "ref.xlsx", "Voorblad", ref, b'<c r="@@" t="e"><f>#REF!+1</f><v>#REF!</v></c>')
    m = both_readers(p, small)
    f, = [f for f in m.findings if f.code == "meta_foutwaarde"]
    assert "#REF!" in f.message and "Datum meting" in f.message and f.cell == ref


# --- 7. escape sequences never reach the terminal ------------------------------------------------

def test_control_characters_from_cells_and_names_are_shown_escaped(tmp_path, small, small_path):
    answers = all_answers(small) | {"A-01": "ja\x1b[8m", "A-02": "nee\r\x1b]0;titel\x07"}
    src = filled(small, tmp_path / "a\x1b[31m.xlsx", answers, gemeente="Stad\x1b[2J\u202e")
    r = run_cli("check", str(src), "-q", str(small_path))
    text = r.stdout + r.stderr
    assert b"\x1b" not in text and b"\x07" not in text and b"\r" not in text
    assert "\u202e".encode() not in text
    assert b"\\x1b[8m" in text and r.returncode == 1


# --- 8. implausible dates ----------------------------------------------------------------------

@pytest.mark.parametrize("typed, expected", [
    ("18-3-99", dt.date(1999, 3, 18)), ("18-3-26", dt.date(2026, 3, 18)), ("18-03-2026", dt.date(2026, 3, 18)),
    ("1-1-0001", dt.date(1, 1, 1)), (46099, dt.date(2026, 3, 18)), ("31-2-2026", None), ("gisteren", None),
    (2026, None), (-5, None), (dt.datetime(1899, 12, 25), None)])
def test_dates_as_typed(typed, expected):
    assert parse_date(typed, today=dt.date(2026, 11, 25)) == expected


def test_a_two_digit_year_is_never_in_the_future():
    assert parse_date("1-1-27", today=dt.date(2026, 11, 25)) == dt.date(1927, 1, 1)


@pytest.mark.parametrize("value, code", [("18-3-99", "meta_datum_oud"), (dt.datetime(2062, 1, 1), "meta_datum_toekomst"),
                                         ("1-1-0001", "meta_datum_oud")])
def test_implausible_dates_get_a_warning(tmp_path, good, small, value, code):
    wb = openpyxl.load_workbook(good)
    label_cell(wb["Voorblad"], "Datum meting").value = value
    wb.save(tmp_path / "d.xlsx")
    m = both_readers(tmp_path / "d.xlsx", small)
    f, = [f for f in m.findings if f.code == code]
    assert f.severity == "waarschuwing" and f.sheet == "Voorblad"


def test_a_1904_serial_in_a_general_cell(tmp_path, good, small):
    from openpyxl.utils.datetime import CALENDAR_MAC_1904
    wb = openpyxl.load_workbook(good)
    wb.epoch = CALENDAR_MAC_1904
    cell = label_cell(wb["Voorblad"], "Datum meting")
    cell.value, cell.number_format = 44637, "General"
    wb.save(tmp_path / "mac.xlsx")
    m = both_readers(tmp_path / "mac.xlsx", small)
    assert m.datum == dt.date(1904, 1, 1) + dt.timedelta(days=44637) == dt.date(2026, 3, 18)


@pytest.mark.parametrize("spelling", ["TRUE", "voorvoegsel attribuut", "voorvoegsel element"])
def test_a_1904_flag_spelled_otherwise_dates_alike_in_both_readers(tmp_path, good, small, spelling):
    """python-calamine takes date1904 only as "1" or "true", openpyxl also as "TRUE": four years
    apart, unless the fast reader leaves such a workbook alone. The prefixed spellings agree
    today; the rule leaves them to openpyxl as well, and they are held to agree."""
    from openpyxl.utils.datetime import CALENDAR_MAC_1904
    wb = openpyxl.load_workbook(good)
    wb.epoch = CALENDAR_MAC_1904
    cell = label_cell(wb["Voorblad"], "Datum meting")
    cell.value, cell.number_format = dt.date(2026, 3, 18), "dd-mm-yyyy"
    wb.save(tmp_path / "mac.xlsx")
    with zipfile.ZipFile(tmp_path / "mac.xlsx") as z:
        book = before = z.read("xl/workbook.xml")
    ns = b' xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    book = {"TRUE": book.replace(b'date1904="1"', b'date1904="TRUE"'),
            "voorvoegsel attribuut": book.replace(b'date1904="1"', b'x:date1904="1"').replace(b"<workbook ", b"<workbook" + ns + b" ", 1),
            "voorvoegsel element": book.replace(b'<workbookPr date1904="1"/>', b'<x:workbookPr' + ns + b' date1904="1"/>')}[spelling]
    assert book != before
    p = rezip(tmp_path / "mac.xlsx", tmp_path / "anders.xlsx", {"xl/workbook.xml": book})
    m = both_readers(p, small)
    assert m.datum in (dt.date(2026, 3, 18), dt.date(2022, 3, 17))


# --- 9. outputs never collide --------------------------------------------------------------------

def test_two_names_that_give_one_file_name(tmp_path, small, small_path):
    a = filled(small, tmp_path / "a.xlsx", all_answers(small), gemeente="Москва")
    b = filled(small, tmp_path / "b.xlsx", all_answers(small, "nee"), gemeente="Київ")
    r = CliRunner().invoke(main, ["score", str(a), str(b), "-q", str(small_path), "-o", str(tmp_path / "uit")])
    assert r.exit_code == 0, r.output
    made = sorted((tmp_path / "uit").iterdir())
    assert len(made) == 2
    names = {openpyxl.load_workbook(p)["Dashboard"]["A1"].value for p in made}
    assert len(names) == 2


def test_csv_or_json_over_the_workbook_is_refused_before_any_work(tmp_path, good, small_path):
    same = tmp_path / "uit.xlsx"
    r = CliRunner().invoke(main, ["region", str(good), "-q", str(small_path), "-o", str(same), "--csv", str(same)])
    assert r.exit_code == 2 and not same.exists()                  # .xlsx is not a CSV name
    csv_same = tmp_path / "r.csv"
    r = CliRunner().invoke(main, ["region", str(good), "-q", str(small_path), "-o", str(tmp_path / "r.xlsx"),
                                  "--csv", str(tmp_path / "R.csv"), "--csv", str(csv_same)])
    r = CliRunner().invoke(main, ["score", str(good), "-q", str(small_path), "-o", str(same), "--json", str(same)])
    assert r.exit_code == 2 and not same.exists()
    r = CliRunner().invoke(main, ["score", str(good), "-q", str(small_path), "-o", str(tmp_path / "uit"),
                                  "--json", str(tmp_path / "uit" / "teststad-dashboard-2026-03-15.xlsx")])
    assert r.exit_code == 2 and not (tmp_path / "uit").exists()


def test_a_second_run_never_claims_an_output_the_first_wrote(tmp_path, good, small):
    r = piramide.score(good, small)
    target = tmp_path / "d.xlsx"
    target.write_bytes(b"van de andere run")
    with pytest.raises(OutputError, match="bestaat al"):
        write_dashboard(r, target, replace=False)
    assert target.read_bytes() == b"van de andere run"
    write_dashboard(r, target, replace=True)
    assert target.read_bytes() != b"van de andere run"


# --- 10. anonymous codes -------------------------------------------------------------------------

def test_the_key_is_a_costly_derivation_with_the_documented_salt():
    assert derive_key("geheim van het RIEC") == __import__("hashlib").scrypt(
        b"geheim van het RIEC", salt=KDF_SALT, n=KDF_N, r=KDF_R, p=KDF_P, maxmem=64 * 1024 * 1024, dklen=32)
    assert KDF_N * KDF_R >= 2 ** 17                              # at least 16 MiB per guess
    assert derive_key("geheim") != __import__("hashlib").sha256(b"geheim").digest()


def test_codes_stay_when_a_gemeente_joins(tmp_path, small):
    names = ["Alfa", "Beta", "Gamma", "Delta"]
    results = [piramide.score(filled(small, tmp_path / f"{n}.xlsx", all_answers(small), gemeente=n), small)
               for n in names]
    key = derive_key("een lange geheime zin")
    three = {r.trend.gemeente: r.name for r in build_overview(results[:3], True, key).rows}
    four = {r.trend.gemeente: r.name for r in build_overview(results, True, key).rows}
    assert all(four[n] == three[n] for n in three)
    assert all(len(c) == len(anonymous_code("x", key)) for c in four.values())


def test_a_short_sleutel_gets_a_warning(tmp_path, good, small_path):
    r = CliRunner().invoke(main, ["region", str(good), "-q", str(small_path), "-o", str(tmp_path / "r.xlsx"),
                                  "--anonymous", "--sleutel", "geheim"])
    assert r.exit_code == 0 and "korter dan 12 tekens" in r.output


# --- 11. smaller ----------------------------------------------------------------------------------

def test_workers_end_when_their_parent_is_killed(tmp_path):
    """A worker's watch on its parent, in a real process tree: the parent dies by SIGKILL and
    the worker ends on its own (it is given at most a minute; it needs about half a second)."""
    pidfile = tmp_path / "worker.pid"
    code = ("import os, time, sys\n"
            "from piramide.batch import _watch_parent\n"
            "pid = os.fork()\n"
            "if pid == 0:\n"
            "    _watch_parent()\n"
            f"    open({str(pidfile)!r}, 'w').write(str(os.getpid()))\n"
            "    time.sleep(120)\n"
            "    os._exit(0)\n"
            "time.sleep(120)\n")
    parent = subprocess.Popen([sys.executable, "-c", code], cwd=tmp_path)
    for _ in range(600):
        if pidfile.exists() and pidfile.read_text():
            break
        time.sleep(0.1)
    worker = int(pidfile.read_text())
    os.kill(parent.pid, signal.SIGKILL)
    parent.wait()
    for _ in range(600):
        try:
            os.kill(worker, 0)
        except ProcessLookupError:
            break
        if _zombie(worker):          # ended, but nobody reaped it (a container whose PID 1 does not)
            break
        _reap(worker)
        time.sleep(0.1)
    else:
        os.kill(worker, signal.SIGKILL)
        pytest.fail("the worker outlived its parent")


def _zombie(pid) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except (OSError, IndexError):
        return False


def _reap(pid):
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        pass


def test_an_unreadable_region_subfolder_is_reported(tmp_path, small, small_path, monkeypatch):
    (tmp_path / "regio" / "dicht").mkdir(parents=True)
    filled(small, tmp_path / "regio" / "goed.xlsx", all_answers(small))
    real = os.scandir

    def denied(path="."):
        if str(path).endswith("dicht"):
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real(path)
    monkeypatch.setattr(os, "scandir", denied)
    r = CliRunner().invoke(main, ["region", str(tmp_path / "regio"), "-q", str(small_path),
                                  "-o", str(tmp_path / "r.xlsx")])
    assert r.exit_code == 1 and "dicht" in r.output and "kan niet worden gelezen" in r.output
    assert (tmp_path / "r.xlsx").exists()


@pytest.mark.parametrize("command, option, name", [
    ("score", "-o", "d.xlsm"), ("score", "-o", "d.csv"), ("template", "-o", "t.txt"), ("region", "-o", "r.xlsm"),
    ("region", "--csv", "r.xlsx"), ("score", "--json", "u.xlsx")])
def test_no_workbook_under_a_name_that_promises_something_else(tmp_path, good, small_path, command, option, name):
    args = [command] + ([str(good), "-q", str(small_path)] if command != "template" else []) + [option, str(tmp_path / name)]
    r = CliRunner().invoke(main, args)
    assert r.exit_code == 2 and "Traceback" not in r.output
    assert not (tmp_path / name).exists()


def test_an_empty_json_name_is_refused(tmp_path, good, small_path):
    r = CliRunner().invoke(main, ["score", str(good), "-q", str(small_path), "--json", "", "-o", str(tmp_path / "u")])
    assert r.exit_code == 2 and "--json" in r.output and not (tmp_path / "u").exists()


def test_a_renamed_dashboard_in_history_is_not_a_measurement(tmp_path, good, small_path):
    hist = tmp_path / "hist"
    hist.mkdir()
    shutil.copy(good, hist / "meting-2026.xlsx")
    r = CliRunner().invoke(main, ["score", str(hist / "meting-2026.xlsx"), "-q", str(small_path),
                                  "-o", str(tmp_path / "uit")])
    assert r.exit_code == 0
    dash, = (tmp_path / "uit").iterdir()
    shutil.copy(dash, hist / "verslag-voor-de-burgemeester.xlsx")
    r = CliRunner().invoke(main, ["score", "--history", str(hist), "-q", str(small_path),
                                  "-o", str(tmp_path / "uit2"), "--json", "-"])
    assert r.exit_code == 0, r.output
    assert "overgeslagen" in r.output and "verslag-voor-de-burgemeester.xlsx" in r.output
    assert "2 metingen" not in r.output


def test_dashboard_paths_never_collide_even_when_names_do(tmp_path, good, small, monkeypatch):
    from piramide import dashboard
    a = piramide.trend([good], [small])[0]
    b = piramide.trend([filled(small, tmp_path / "b.xlsx", all_answers(small), gemeente="Anders")], [small])[0]
    monkeypatch.setattr(dashboard, "default_name", lambda r: "ZELFDE-dashboard.xlsx" if r is a.latest
                        else "zelfde-dashboard.xlsx")                  # one name on Windows and macOS
    paths = dashboard.dashboard_paths([a, b], tmp_path)
    assert len({p.name.casefold() for p in paths}) == 2
    assert dashboard.dashboard_paths([a, b], tmp_path) == paths            # stable


# --- found by the review and the attack round ------------------------------------------------

def test_a_bare_year_in_the_date_is_no_date(tmp_path, good, small):
    wb = openpyxl.load_workbook(good)
    cell = label_cell(wb["Voorblad"], "Datum meting")
    cell.value, cell.number_format = 2026, "General"
    wb.save(tmp_path / "jaar.xlsx")
    m = both_readers(tmp_path / "jaar.xlsx", small)
    assert m.datum is None and "meta_datum_ongeldig" in {f.code for f in m.findings}
    cell.number_format = "dd-mm-yyyy"                     # shown by Excel as 18-07-1905: a warning says so
    wb.save(tmp_path / "jaar-datum.xlsx")
    m = both_readers(tmp_path / "jaar-datum.xlsx", small)
    assert "meta_datum_oud" in {f.code for f in m.findings}


def test_an_error_cell_with_spaces_in_its_attribute(tmp_path, good, small):
    a = read(good, small).answers["A-04"]
    p = set_cell_xml(good, tmp_path / "spatie.xlsx", a.sheet, a.cell, b'<c r="@@" t = "e"><v>#N/A</v></c>')
    m = both_readers(p, small)
    assert [f.cell for f in m.findings if f.code == "antwoord_foutwaarde"] == [a.cell]


def test_a_hidden_copy_of_the_answers_is_never_read(tmp_path, good, small):
    wb = openpyxl.load_workbook(good)
    copy = wb.copy_worksheet(wb["Vragen"])
    copy.title = "Vragen 2025"
    for row in copy.iter_rows():
        for c in row:
            if c.value == "ja":
                c.value = "nee"
    copy.sheet_state = "hidden"
    wb.move_sheet(copy, offset=-(len(wb.sheetnames) - 1))
    wb.save(tmp_path / "kopie.xlsx")
    m = both_readers(tmp_path / "kopie.xlsx", small)
    assert {a.label for a in m.answers.values()} == {"ja"}
    assert [f.sheet for f in m.findings if f.code == "vragen_verborgen"] == ["Vragen 2025"]
    assert not [f for f in m.findings if f.severity == "fout"]


def test_a_hidden_front_sheet_with_a_visible_copy_is_a_fout(tmp_path, good, small):
    wb = openpyxl.load_workbook(good)
    copy = wb.copy_worksheet(wb["Voorblad"])
    copy.title = "Voorblad 2025"
    label_cell(copy, "Gemeente").value = "Oudstad"
    wb["Voorblad"].sheet_state = "hidden"
    wb.active = wb.sheetnames.index("Voorblad 2025")
    wb.save(tmp_path / "verstopt.xlsx")
    m = both_readers(tmp_path / "verstopt.xlsx", small)
    assert m.gemeente != "Oudstad"
    assert "voorblad_verborgen" in {f.code for f in m.findings if f.severity == "fout"}


def test_an_invisible_character_in_a_label_still_finds_the_field(tmp_path, good, small):
    wb = openpyxl.load_workbook(good)
    for row in wb["Voorblad"].iter_rows():
        for c in row:
            if c.value == "Datum meting":
                c.value = "Datum\u200b meting"
    wb.save(tmp_path / "zwsp.xlsx")
    assert both_readers(tmp_path / "zwsp.xlsx", small).datum == dt.date(2026, 3, 15)


def test_only_our_own_outputs_given_is_exit_1(tmp_path, good, small, small_path):
    dash = piramide.write_dashboard(piramide.score(good, small), tmp_path / "verslag.xlsx")
    for command in ("score", "check"):
        r = CliRunner().invoke(main, [command, str(dash), "-q", str(small_path)]
                               + (["-o", str(tmp_path / "u")] if command == "score" else []))
        assert r.exit_code == 1 and "overgeslagen" in r.output and "geen enkele meting" in r.output


def test_our_output_without_its_mark_is_still_recognised(tmp_path, good, small):
    dash = piramide.write_dashboard(piramide.score(good, small), tmp_path / "d.xlsx")
    with zipfile.ZipFile(dash) as z:
        parts_ = {n: z.read(n) for n in z.namelist() if n != "docProps/custom.xml"}
    bare = tmp_path / "zonder-kenmerk.xlsx"
    with zipfile.ZipFile(bare, "w") as z:
        for n, b in parts_.items():
            z.writestr(n, b.replace(b'<Override PartName="/docProps/custom.xml"', b'<Override PartName="/x.xml"'))
    with pytest.raises(ReadError) as exc:
        read(bare, small)
    assert exc.value.code == "eigen_uitvoer"


def test_a_measurement_named_like_a_dashboard_is_read(tmp_path, small, small_path):
    folder = tmp_path / "regio"
    folder.mkdir()
    filled(small, folder / "teststad-dashboard-meting.xlsx", all_answers(small))
    r = CliRunner().invoke(main, ["region", str(folder), "-q", str(small_path), "-o", str(tmp_path / "r.xlsx")])
    assert r.exit_code == 0 and "1 gemeenten" in r.output


def test_csv_to_stdout_or_empty_and_an_empty_sleutel_are_usage_errors(tmp_path, good, small_path):
    for args in (["--csv", "-"], ["--csv", ""], ["--anonymous", "--sleutel", ""]):
        r = CliRunner().invoke(main, ["region", str(good), "-q", str(small_path), "-o", str(tmp_path / "r.xlsx"), *args])
        assert r.exit_code == 2, (args, r.output)
        assert not (tmp_path / "r.xlsx").exists() and not (tmp_path / "-").exists()
    with pytest.raises(piramide.UsageError):
        piramide.region([good], anonymous=True, sleutel="")


def test_an_output_that_differs_from_an_input_only_in_case(tmp_path, small, small_path):
    src = filled(small, tmp_path / "Alfa.xlsx", all_answers(small))
    if (tmp_path / "ALFA.XLSX").exists():
        pytest.skip("dit bestandssysteem maakt geen onderscheid tussen hoofd- en kleine letters")
    r = CliRunner().invoke(main, ["score", str(src), "-q", str(small_path), "-o", str(tmp_path / "ALFA.XLSX")])
    assert r.exit_code == 0, r.output
    assert src.exists() and (tmp_path / "ALFA.XLSX").exists()


def test_the_library_region_is_the_cli_region(tmp_path, small, small_path):
    a = filled(small, tmp_path / "a.xlsx", all_answers(small), gemeente="Alfa")
    bad = filled(small, tmp_path / "b.xlsx", all_answers(small) | {"A-01": "misschien"}, gemeente="Delta")
    empty = tmp_path / "c.xlsx"
    empty.write_bytes(b"")
    ov = piramide.region([a, bad, empty], [small])           # never raises for one bad file
    assert [r.name for r in ov.rows] == ["Alfa"]
    assert {"antwoord_ongeldig", "invoer_leeg"} <= {f.code for f in ov.findings}
    r = CliRunner().invoke(main, ["region", str(a), str(bad), str(empty), "-q", str(small_path),
                                  "-o", str(tmp_path / "r.xlsx"), "--csv", str(tmp_path / "r.csv")])
    assert r.exit_code == 1 and "1 gemeenten" in r.output
    assert (tmp_path / "r.csv").read_bytes() == ov.to_csv()


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="geen symbolische links op dit systeem")
def test_a_link_to_itself_is_a_message_and_the_rest_goes_on(tmp_path, good, small_path):
    loop = tmp_path / "lus.xlsx"
    os.symlink(loop, loop)
    r = CliRunner().invoke(main, ["score", str(good), str(loop), "-q", str(small_path), "-o", str(tmp_path / "uit"),
                                  "--json", str(tmp_path / "u.json")])
    assert r.exit_code == 1 and "symbolische links" in r.output and "Traceback" not in r.output
    assert len(list((tmp_path / "uit").iterdir())) == 1


def test_one_sheet_referenced_many_times_costs_bounded_work(tmp_path, good, small):
    """A 200-byte sheet with cells at A1 and BH9999 referenced 300 times would be a dense grid
    of 600 000 cells each: the budget over all sheets stops it."""
    sparse = (b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
              b'<row r="1"><c r="A1"><v>1</v></c></row><row r="9999"><c r="BH9999"><v>1</v></c></row>'
              b'</sheetData></worksheet>')
    with zipfile.ZipFile(good) as z:
        wbxml = z.read("xl/workbook.xml")
        rels = z.read("xl/_rels/workbook.xml.rels")
    extra = b"".join(b'<sheet name="x%d" sheetId="%d" r:id="rIdX"/>' % (i, 100 + i) for i in range(300))
    wbxml = wbxml.replace(b"</sheets>", extra + b"</sheets>")
    rels = rels.replace(b"</Relationships>", b'<Relationship Id="rIdX" Type="http://schemas.openxmlformats.org/'
                        b'officeDocument/2006/relationships/worksheet" Target="worksheets/leeg.xml"/></Relationships>')
    p = rezip(good, tmp_path / "vaak.xlsx", {"xl/workbook.xml": wbxml, "xl/_rels/workbook.xml.rels": rels,
                                             "xl/worksheets/leeg.xml": sparse})
    code = ("import resource\nresource.setrlimit(resource.RLIMIT_AS, (1500 * 2**20, 1500 * 2**20))\n"
            "import piramide\nfrom piramide.reader import ReadError\n"
            f"try:\n    piramide.read({str(p)!r})\nexcept ReadError as e:\n    print(e.code)\n")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, timeout=300)
    assert r.returncode == 0, r.stderr[-1500:]
    assert r.stdout.strip() in ("invoer_te_veel_cellen", "invoer_kapot_werkboek")


def test_a_lone_surrogate_escape_in_a_name_reads_alike_and_writes(tmp_path, small, small_path):
    src = filled(small, tmp_path / "a.xlsx", all_answers(small), gemeente="Zaan_xD800_stad")
    far = add_cell_xml(src, tmp_path / "ver.xlsx", "Vragen", 2, b'<c r="BR2"><v>1</v></c>')
    for p in (src, far):
        assert both_readers(p, small).gemeente == "Zaan_xD800_stad"
    r = CliRunner().invoke(main, ["score", str(far), "-q", str(small_path), "-o", str(tmp_path / "uit"),
                                  "--json", str(tmp_path / "u.json")])
    assert r.exit_code == 0, r.output


def test_json_on_stdout_carries_no_raw_control_characters(tmp_path, small, small_path):
    src = filled(small, tmp_path / "a.xlsx", all_answers(small), gemeente="Stad\u202e\u009b\u061c")
    r = run_cli("score", str(src), "-q", str(small_path), "-o", str(tmp_path / "uit"), "--json", "-")
    assert r.returncode == 0, r.stderr
    for raw in ("\u202e", "\u009b", "\u061c"):
        assert raw.encode() not in r.stdout + r.stderr
    import json
    assert json.loads(r.stdout)["gemeenten"][0]["gemeente"] == "Stad\u202e\u009b\u061c"


def test_a_file_opened_as_text_is_a_usage_error(good, small):
    with open(good, encoding="latin-1") as fh, pytest.raises(piramide.UsageError):
        piramide.score(fh, small)
