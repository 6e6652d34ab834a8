"""Untrusted input: every bad file gets a clear Dutch message, exit 1, no traceback, within
a time bound, and its bytes unchanged. The corpus is generated here, no binary blobs."""

import io
import os
import random
import subprocess
import sys
import zipfile

import openpyxl
import pytest
from click.testing import CliRunner

from conftest import all_answers, filled
from piramide.cli import main
from piramide.errors import InputError
from piramide.gate import OLE2, read_checked
from piramide.template import write_template
from piramide.reader import COL_LIMIT, ROW_LIMIT, ReadError, load_book, read

CT = b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'


def zip_bytes(entries: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in entries.items():
            z.writestr(name, data)
    return buf.getvalue()


def bomb(size_mb: int, entry: str = "xl/worksheets/sheet1.xml") -> bytes:
    """A workbook-shaped zip whose one entry (a sheet) inflates to size_mb of zeros."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", CT)
        z.writestr("xl/workbook.xml", b"<workbook/>")
        with z.open(entry, "w", force_zip64=True) as fh:
            chunk = b"0" * (1024 * 1024)
            for _ in range(size_mb):
                fh.write(chunk)
    return buf.getvalue()


@pytest.fixture(scope="module")
def good_bytes(tmp_path_factory):
    from piramide import questionnaire as qmod
    from piramide.example import example_measurements
    from piramide.template import write_template
    q = qmod.load()
    p = write_template(q, tmp_path_factory.mktemp("g") / "goed.xlsx", filled=example_measurements(q)[0])
    return p.read_bytes()


def corpus(good: bytes) -> dict[str, tuple[bytes, str]]:
    rnd = random.Random(42)
    half = good[: len(good) // 2]
    flipped = bytearray(good)
    for i in range(len(good) // 3, len(good) // 3 + 200):
        flipped[i] ^= 0xFF
    laughs = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>'
              b'<worksheet>&lol2;</worksheet>')
    return {
        "leeg.xlsx": (b"", "invoer_leeg"),
        "tekst.xlsx": ("Gemeente;Vraag;Antwoord\nTeststad;BO-01;ja\n".encode(), "invoer_tekst"),
        "export.csv": ("id,antwoord\nBO-01,ja\n".encode("utf-8"), "invoer_tekst"),
        "ruis.xlsx": (bytes(rnd.getrandbits(8) for _ in range(4000)).replace(b"PK", b"QK"), "invoer_onbekend"),
        "verslag.xlsx": (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n", "invoer_pdf"),
        "afgebroken.xlsx": (half, "invoer_zip_kapot"),
        "beschadigd.xlsx": (bytes(flipped), "invoer_kapot_werkboek"),
        "archief.xlsx": (zip_bytes({"notities.txt": b"hallo"}), "invoer_geen_werkboek"),
        "brief.xlsx": (zip_bytes({"[Content_Types].xml": CT, "word/document.xml": b"<w/>"}), "invoer_geen_werkboek"),
        "versleuteld.xlsx": (OLE2 + b"\0" * 504 + "EncryptionInfo".encode("utf-16-le") + b"\0" * 64 +
                             "EncryptedPackage".encode("utf-16-le") + b"\0" * 1000, "invoer_wachtwoord"),
        "oud.xlsx": (OLE2 + b"\0" * 504 + "Workbook".encode("utf-16-le") + b"\0" * 2000, "invoer_xls"),
        "rekenblad.ods": (zip_bytes({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet",
                                     "content.xml": b"<office:document-content/>"}), "invoer_ods"),
        "lachbom.xlsx": (zip_bytes({"[Content_Types].xml": CT, "xl/workbook.xml": b"<workbook/>",
                                    "xl/worksheets/sheet1.xml": laughs}), "invoer_xml_onveilig"),
        "zipbom.xlsx": (bomb(300), "invoer_zip_bom"),
    }


CASES = ["leeg.xlsx", "tekst.xlsx", "export.csv", "ruis.xlsx", "verslag.xlsx", "afgebroken.xlsx", "beschadigd.xlsx",
         "archief.xlsx", "brief.xlsx", "versleuteld.xlsx", "oud.xlsx", "rekenblad.ods", "lachbom.xlsx", "zipbom.xlsx"]


@pytest.fixture(scope="module")
def files(tmp_path_factory, good_bytes):
    folder = tmp_path_factory.mktemp("corpus")
    out = {}
    for name, (data, code) in corpus(good_bytes).items():
        (folder / name).write_bytes(data)
        out[name] = (folder / name, code)
    return out


@pytest.mark.parametrize("name", CASES)
def test_bad_file_gets_its_own_dutch_message(files, name, default_q):
    path, code = files[name]
    before = path.read_bytes()
    with pytest.raises(ReadError) as exc:
        read(path, default_q)
    assert exc.value.code == code
    assert str(exc.value).startswith(str(path))
    r = CliRunner().invoke(main, ["check", str(path)])
    assert r.exit_code == 1
    assert r.exception is None or isinstance(r.exception, SystemExit)
    assert "Traceback" not in r.output and r.output.startswith(f"fout: {path}: ")
    assert path.read_bytes() == before


@pytest.mark.parametrize("entry", ["xl/worksheets/sheet1.xml", "mimetype"])
def test_zip_bomb_refused_fast_with_little_memory(tmp_path, entry):
    """Also a 'mimetype' (an .ods says so there): the gate looked at it, whole, before the sizes."""
    path = tmp_path / "zipbom.xlsx"
    path.write_bytes(bomb(300, entry))
    code = ("import sys\n"
            "from piramide.gate import read_checked, InputError\n"
            f"try:\n    read_checked({str(path)!r})\nexcept InputError as e:\n    print(e.finding.code)\n"
            # VmHWM: this process's own peak (ru_maxrss would carry the forking pytest's size over exec)
            "print(int(next(l for l in open('/proc/self/status') if l.startswith('VmHWM')).split()[1]) // 1024)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=path.parent)
    kind, mb = out.stdout.split()
    assert kind == "invoer_zip_bom"
    assert int(mb) < 150                 # the 300 MB inside is never inflated


@pytest.mark.parametrize("part", ["xl/workbook.xml", "xl/styles.xml"])
def test_a_part_of_a_million_elements_is_refused_before_any_parser(tmp_path, default_q, part):
    """Bytes do not bound elements: stored, not compressed, so no ratio gives it away."""
    src = write_template(default_q, tmp_path / "basis.xlsx")
    with zipfile.ZipFile(src) as z:
        xml = z.read(part)
    end = xml.rindex(b"</")
    padded = xml[:end] + b"<x/>" * 1_000_001 + xml[end:]
    path = tmp_path / "elementen.xlsx"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            if info.filename == part:
                zout.writestr(part, padded, compress_type=zipfile.ZIP_STORED)
            else:
                zout.writestr(info, zin.read(info))
    with pytest.raises(InputError) as exc:
        read_checked(path)
    assert exc.value.finding.code == "invoer_zip_bom"
    assert "meer dan 1.000.000 XML-elementen" in exc.value.finding.message and part in exc.value.finding.message


def test_directory_missing_and_unreadable(tmp_path, default_q, monkeypatch):
    runner = CliRunner()
    r = runner.invoke(main, ["check", str(tmp_path)])
    assert r.exit_code == 1 and "dit is een map" in r.output
    r = runner.invoke(main, ["check", str(tmp_path / "weg.xlsx")])
    assert r.exit_code == 1 and "bestaat niet" in r.output
    p = tmp_path / "geheim.xlsx"
    p.write_bytes(b"PK")
    if os.geteuid() != 0:
        p.chmod(0)
        with pytest.raises(ReadError) as exc:
            read(p, default_q)
        assert exc.value.code == "invoer_geen_rechten"
        p.chmod(0o600)
    # As root every file is readable: simulate the refusal the operating system gives others,
    # both to the open and to click's own access check (which must not refuse in English).
    real_open = os.open

    def denied(path, *args, **kwargs):
        if str(path) == str(p):
            raise PermissionError(13, "Permission denied")
        return real_open(path, *args, **kwargs)
    monkeypatch.setattr(os, "open", denied)
    monkeypatch.setattr(os, "access", lambda *a, **k: False)
    r = runner.invoke(main, ["check", str(p), str(tmp_path / "weg.xlsx")])
    assert r.exit_code == 1 and "u mag dit bestand niet lezen" in r.output and "Traceback" not in r.output
    assert "bestaat niet" in r.output            # the batch went on to the next file


def test_valid_workbook_that_is_not_a_piramide(tmp_path):
    wb = openpyxl.Workbook()
    wb.active["A1"], wb.active["B1"] = "Begroting", 2026
    wb.save(tmp_path / "begroting.xlsx")
    r = CliRunner().invoke(main, ["score", str(tmp_path / "begroting.xlsx"), "-o", str(tmp_path / "uit")])
    assert r.exit_code == 1 and "geen enkele vraag" in r.output and "ingevulde piramide" in r.output
    assert not (tmp_path / "uit").exists()


def test_cell_far_away_does_not_blow_up(tmp_path, small, small_path):
    path = filled(small, tmp_path / "f.xlsx", all_answers(small))
    wb = openpyxl.load_workbook(path)
    wb["Vragen"].cell(1048576, 16384).value = "x"      # XFD1048576
    wb.save(path)
    book = load_book(path.read_bytes(), str(path))               # work bounded by rows and columns read
    assert all(len(rows) <= ROW_LIMIT and all(len(row) <= COL_LIMIT for row in rows) for rows in book.sheets.values())
    r = CliRunner().invoke(main, ["check", str(path), "-q", str(small_path)])
    assert r.exit_code == 0, r.output


def test_one_bad_file_in_a_batch_does_not_stop_the_others(tmp_path, files, small, small_path):
    good = filled(small, tmp_path / "goed.xlsx", all_answers(small))
    r = CliRunner().invoke(main, ["score", str(files["leeg.xlsx"][0]), str(good), str(files["oud.xlsx"][0]),
                                  "-q", str(small_path), "-o", str(tmp_path / "uit")])
    assert r.exit_code == 1
    assert "2 van 3 bestand(en) niet verwerkt" in r.output
    assert (tmp_path / "uit" / "teststad-dashboard-2026-03-15.xlsx").exists()


@pytest.mark.parametrize("name, expected", [
    ("'s-Hertogenbosch", "s-hertogenbosch"), ("Súdwest-Fryslân", "sudwest-fryslan"),
    ("Bergen (NH.)", "bergen-nh"), ("Nuenen, Gerwen en Nederwetten", "nuenen-gerwen-en-nederwetten"),
    ("CON", "con"), ("../../etc", "etc"),
])
def test_file_names_from_municipality_names(tmp_path, small, small_path, name, expected):
    src = filled(small, tmp_path / "in.xlsx", all_answers(small), gemeente=name)
    r = CliRunner().invoke(main, ["score", str(src), "-q", str(small_path), "-o", str(tmp_path / "uit")])
    assert r.exit_code == 0, r.output
    made = [p.name for p in (tmp_path / "uit").iterdir()]
    assert made == [f"{expected}-dashboard-2026-03-15.xlsx"]
    assert not set(made[0]) & set('<>:"/\\|?*' + "'")


def test_user_text_lands_as_text_in_the_dashboard(tmp_path, small, small_path):
    src = filled(small, tmp_path / "in.xlsx", all_answers(small), gemeente="=Stad",
                 remarks={"A-01": '=HYPERLINK("http://x","klik")', "A-02": "+31 6", "A-03": "@SUM(1)", "A-04": "-1"})
    r = CliRunner().invoke(main, ["score", str(src), "-q", str(small_path), "-o", str(tmp_path / "uit")])
    assert r.exit_code == 0, r.output
    dash, = (tmp_path / "uit").iterdir()
    wb = openpyxl.load_workbook(dash)
    texts = {c.value: c.data_type for ws in wb.worksheets for row in ws.iter_rows() for c in row
             if isinstance(c.value, str) and c.value[:1] in "=+-@"}
    for t in ['=HYPERLINK("http://x","klik")', "+31 6", "@SUM(1)", "=Stad"]:
        assert texts.get(t) == "s", t


def test_unwritable_output_folder_and_existing_output(tmp_path, small, small_path):
    src = filled(small, tmp_path / "in.xlsx", all_answers(small))
    blocker = tmp_path / "bestand"
    blocker.write_text("geen map")
    r = CliRunner().invoke(main, ["score", str(src), "-q", str(small_path), "-o", str(blocker / "uit")])
    assert r.exit_code == 1 and "kan niet worden beschreven" in r.output and "Traceback" not in r.output
    args = ["score", str(src), "-q", str(small_path), "-o", str(tmp_path / "uit")]
    assert CliRunner().invoke(main, args).exit_code == 0
    r = CliRunner().invoke(main, args)
    assert r.exit_code == 1 and "bestaat al" in r.output
    assert CliRunner().invoke(main, args + ["--force"]).exit_code == 0
    assert not [p for p in (tmp_path / "uit").iterdir() if p.name.startswith(".~")]   # no temp files left


def test_openpyxl_parses_with_defusedxml():
    import openpyxl.xml
    assert openpyxl.xml.DEFUSEDXML


def test_real_password_protected_workbook(tmp_path, good_bytes, default_q):
    msoffcrypto = pytest.importorskip("msoffcrypto.format.ooxml", reason="msoffcrypto-tool hoort bij de test-extra")
    out = io.BytesIO()
    msoffcrypto.OOXMLFile(io.BytesIO(good_bytes)).encrypt("geheim", out)   # Excel's own encryption
    path = tmp_path / "beveiligd.xlsx"
    path.write_bytes(out.getvalue())
    with pytest.raises(ReadError) as exc:
        read(path, default_q)
    assert exc.value.code == "invoer_wachtwoord" and "wachtwoord" in str(exc.value)


def test_mangled_workbooks_never_give_a_traceback(tmp_path, good_bytes):
    """Valid zips whose XML is mangled at random: parsers fail in many ways; the user sees
    a Dutch message or a result, never a traceback."""
    src = zipfile.ZipFile(io.BytesIO(good_bytes))
    names = [n for n in src.namelist() if n.endswith(".xml")]
    runner = CliRunner()
    for seed in range(40):
        rnd = random.Random(seed)
        victim = rnd.choice(names)
        entries = {n: src.read(n) for n in src.namelist()}
        data = bytearray(entries[victim])
        at = rnd.randrange(len(data))
        junk = bytes(rnd.choice(b'<>/"=&;abcXYZ019 ') for _ in range(rnd.randint(1, 40)))
        entries[victim] = bytes(data[:at]) + junk + bytes(data[at + rnd.randint(0, 40):])
        path = tmp_path / f"mangled{seed}.xlsx"
        path.write_bytes(zip_bytes(entries))
        r = runner.invoke(main, ["check", str(path)])
        assert r.exit_code in (0, 1), (seed, victim, r.output)
        assert r.exception is None or isinstance(r.exception, SystemExit), (seed, victim, repr(r.exception))
        assert "Traceback" not in r.output
