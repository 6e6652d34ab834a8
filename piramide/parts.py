"""What a workbook's own package says, read before any spreadsheet library sees it: which
worksheet parts the workbook references (by name, in order, visible or hidden), its date
system, and, in one linear pass over each referenced sheet, where its cells lie and which
hold an error value.

Every scan here is bounded by work, not only by bytes: each regular expression is anchored
and has bounded repetition, or a run that stops at the next '<' (so no byte belongs to two
runs), and a hostile part (say 38 KB of `<c r=" ` repeated) costs time in proportion to its
size, never to its square. Parts the workbook does not reference are never read.
"""

from __future__ import annotations

import posixpath
import re
import struct
import zipfile
from dataclasses import dataclass, field

from defusedxml import ElementTree

ROW_LIMIT, COL_LIMIT = 9999, 60      # the dense grid a fast reader may build
MAX_CELLS = 500_000                  # beyond this many cells the bounded reader decides
TAG_MAX = 1024                       # a cell's start tag is never longer than this

# A cell start as a lenient parser sees one: any element whose local name is 'c', whatever its
# prefix (python-calamine reads <é:c>, <:c> and a prefix of 40 characters as cells). The prefix
# runs up to the next space, '/', '<' or '>', so each byte belongs to one candidate: linear.
_CELL = re.compile(rb"<(?:[^\s/<>]*:)?c(?=[\s/>])")
_PREFIXED_CELL = rb"<[^\s/<>]*:c[\s/>]"
_TAG_END = re.compile(rb"[^<>]{0,%d}>" % TAG_MAX)
_ATTR_R = re.compile(rb"""\sr\s{0,8}=\s{0,8}["']\$?([A-Z]{1,3})\$?([0-9]{1,7})["']""")
_ATTR_T = re.compile(rb"""\st\s{0,8}=\s{0,8}["']([A-Za-z]{1,12})["']""")
# Any attribute named r or t, also prefixed: a cell with two of either has no one place or kind
# (calamine takes the last r, the careful loop the first), and is left to the bounded reader.
_ANY_R = re.compile(rb"[\s:]r\s{0,8}=")
_ANY_T = re.compile(rb"[\s:]t\s{0,8}=")
# A cell's start tag as an XML parser reads it: attributes each after whitespace, each value
# quoted and without '<' or '>'. Else the tag need not end at the first '>' (calamine reads
# <c r="A1" x=">" r="XFD1048576"> as one tag with a second, far place) or a name may follow a
# value directly (<c r="A1"r="XFD1048576">), and the bounded reader decides. Possessive: linear.
_TAG_OK = re.compile(rb"""(?:[ \t\r\n]++[^\s=<>"'/]{1,64}+[ \t\r\n]*+=[ \t\r\n]*+(?:"[^"<>]*+"|'[^'<>]*+'))*+"""
                     rb"""[ \t\r\n]*+/?>""")
_ERROR_VALUE = re.compile(rb"(?:<(?:[^\s/<>]*:)?f\b[^<>]{0,1024}(?:/>|>[^<]{0,65536}</(?:[^\s/<>]*:)?f>))?"
                          rb"\s{0,64}<(?:[^\s/<>]*:)?v>([^<]{0,64})</")

# The common case, as Excel, LibreOffice, openpyxl and xlsxwriter write cells: the reference
# first and near (column A..BH, row 1..9999; see ROW_LIMIT, COL_LIMIT), then at most a style and
# a type that is not an error, and the tag ends. One search finds the first cell start that is
# not exactly so (and, with the prefix, a cell with a namespace prefix); when there is none,
# every cell lies within the limits and none holds an error value. Anything else, say a cell
# with its attributes in another order, takes the careful loop, which decides alone.
_PLAIN = rb'<c(?=[\s/>])(?! r="(?:[A-Z]|A[A-Z]|B[A-H])[0-9]{1,4}"(?: s="[0-9]{1,5}")?(?: t="(?:s|n|b|str|inlineStr|d)")?/?>)'
_NOT_PLAIN = re.compile(_PLAIN)
_NOT_PLAIN_OR_PREFIXED = re.compile(_PLAIN + rb"|" + _PREFIXED_CELL)
_SHORTEST_CELL = len(b"<c/>")

REL_WORKSHEET = "/worksheet"


@dataclass
class SheetPart:
    name: str
    part: str                  # the zip member, e.g. xl/worksheets/sheet1.xml
    visible: bool = True
    worksheet: bool = True     # False for chart sheets and the like: they hold no cells


@dataclass
class Extent:
    """What one linear pass over a sheet found."""
    fits: bool                                          # every cell has a reference within the limits
    errors: dict[tuple[int, int], str] = field(default_factory=dict)   # (row, col) 0-based -> "#N/A"


@dataclass
class Package:
    sheets: list[SheetPart]
    date1904: bool = False
    # Every reader finds the same parts: the workbook at xl/workbook.xml (where python-calamine
    # looks, whatever the package's own relationships say), each sheet's target in one plain
    # form, and no two zip entries of one name. Else what was scanned need not be what calamine
    # reads (it takes 'worksheets/../worksheets/x.xml' as an entry of that literal name), and
    # the bounded reader decides. Nor a part another format's reader of calamine starts from
    # (OTHER_FORMATS).
    plain: bool = True

    def hidden(self) -> set[str]:
        return {s.name for s in self.sheets if not s.visible}


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _attr(el, name: str) -> str | None:
    for k, v in el.attrib.items():
        if _local(k) == name:
            return v
    return None


REL_NS = ("http://schemas.openxmlformats.org/officeDocument/2006/relationships",
          "http://purl.oclc.org/ooxml/officeDocument/relationships")


def _rels_read(z: zipfile.ZipFile, part: str) -> tuple[dict[str, tuple[str, str, str]], bool]:
    """Relationship id -> (type, target part, target as written) of `part`, and whether
    python-calamine reads the same relationships: each one a child
    of the root, each id once (an external one too: calamine keeps the last of an id, external
    or not), no attribute with a prefix (calamine takes the bare Id and Target only), and no
    reference or entity anywhere (calamine takes Id and Target as written, undecoded)."""
    folder, base = posixpath.split(part)
    name = posixpath.join(folder, "_rels", base + ".rels")
    try:
        raw = z.read(name)
    except KeyError:
        return {}, True
    root = ElementTree.fromstring(raw)
    plain = b"&" not in raw
    out, ids = {}, set()
    for el in root:
        if _local(el.tag) != "Relationship":
            continue
        plain = plain and not any(k.startswith("{") for k in el.attrib)
        rid = _attr(el, "Id") or ""
        plain = plain and rid not in ids
        ids.add(rid)
        if _attr(el, "TargetMode") == "External":
            continue
        target = _attr(el, "Target") or ""
        path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
        out[rid] = (_attr(el, "Type") or "", path, target)
    plain = plain and len(ids) == sum(1 for el in root.iter() if _local(el.tag) == "Relationship")
    return out, plain


CALAMINE_BOOK = "xl/workbook.xml"
_PREFIXED_BOOK_PR = re.compile(rb"<[^\s/<>]*:workbookPr[\s/>]")
# python-calamine tries its xlsx reader, and when that refuses the package (shared strings
# without their end, a sheet state or folder it does not know), its xlsb and ods readers: a
# workbook.bin beside workbook.xml names sheets alike in parts the scan never sees.
OTHER_FORMATS = frozenset({"xl/workbook.bin", "mimetype"})


def _named_alike(target: str, part: str) -> bool:
    """A sheet target of xl/workbook.xml that every reader resolves to `part`: relative to xl/
    without '.', '..', '//' or a backslash, and not itself starting with 'xl/' (some readers
    take that from the package root); or absolute, and as plain."""
    if "\\" in target:
        return False
    if target.startswith("/"):
        return part == target[1:] and posixpath.normpath(part) == part
    return part == "xl/" + target and not target.startswith("xl/")


def inspect(z: zipfile.ZipFile) -> Package:
    """The sheets the workbook references and its date system. Raises ValueError (or an XML
    error) when the package does not say; the caller then leaves the file to openpyxl."""
    book = next((t for typ, t, _ in _rels_read(z, "")[0].values() if typ.endswith("/officeDocument")), CALAMINE_BOOK)
    raw = z.read(book)
    root = ElementTree.fromstring(raw)
    rels, rels_plain = _rels_read(z, book)
    infos = z.infolist()
    names = {i.filename for i in infos}
    plain = rels_plain and book == CALAMINE_BOOK and len(names) == len(infos) and not names & OTHER_FORMATS
    sheets, date1904 = [], False
    for el in root.iter():
        tag = _local(el.tag)
        if tag == "workbookPr":
            value = _attr(el, "date1904")
            date1904 = (value or "").lower() in ("1", "true")
            # python-calamine dates by date1904 only as "1" or "true", on the element and the
            # attribute without a prefix: any other spelling and the readers date alike by chance
            plain = plain and _PREFIXED_BOOK_PR.search(raw) is None and \
                (value is None or value in ("0", "1", "true", "false") and "date1904" in el.attrib)
        elif tag == "sheet":
            typ, part, target = rels.get(_attr(el, "id") or "", ("", "", ""))
            if not part:
                raise ValueError("sheet without a part")
            # one relationship id, r:id as calamine reads it (any other 'id' it does not)
            ids = [k for k in el.attrib if _local(k) == "id"]
            plain = plain and _named_alike(target, part) and len(ids) == 1 and ids[0][1:].split("}")[0] in REL_NS
            sheets.append(SheetPart(_attr(el, "name") or "", part, (_attr(el, "state") or "visible") == "visible",
                                    typ.endswith(REL_WORKSHEET)))
    return Package(sheets, date1904, plain)


def _column(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n - 1


def scan(xml: bytes) -> Extent:
    """One pass over a worksheet part: do all cells lie within the limits, by their own
    reference, and which cells hold an error value. Stops at the first cell out of bounds."""
    # Without ':c' in the part no cell tag has a namespace prefix, and the plain search does.
    # A part shorter than MAX_CELLS of the shortest cell cannot hold more of them; else count.
    not_plain = _NOT_PLAIN_OR_PREFIXED if b":c" in xml else _NOT_PLAIN
    few = len(xml) < MAX_CELLS * _SHORTEST_CELL or xml.count(b"<c") <= MAX_CELLS
    if few and not_plain.search(xml) is None:
        return Extent(True)               # fast path, all in C: every cell plain and near
    errors: dict[tuple[int, int], str] = {}
    for count, m in enumerate(_CELL.finditer(xml)):
        if count >= MAX_CELLS:
            return Extent(False)
        end = _TAG_END.match(xml, m.end())
        if end is None:
            return Extent(False)
        tag = xml[m.end():end.end()]
        if _TAG_OK.fullmatch(tag) is None:
            return Extent(False)                 # not one tag as a parser reads it: no guessing
        ref = _ATTR_R.search(tag)
        if ref is None or len(_ANY_R.findall(tag)) != 1:
            return Extent(False)                 # a cell without one place of its own: positions are guessed
        row, col = int(ref.group(2)) - 1, _column(ref.group(1))
        if row >= ROW_LIMIT or col >= COL_LIMIT or row < 0:
            return Extent(False)
        if len(_ANY_T.findall(tag)) > 1:
            return Extent(False)
        kind = _ATTR_T.search(tag)
        if kind is not None and kind.group(1) == b"e" and not tag.endswith(b"/>"):
            value = _ERROR_VALUE.match(xml, end.end())
            if value is not None:
                errors[(row, col)] = value.group(1).decode("utf-8", "replace").strip()
    return Extent(True, errors)


_FORMULA = re.compile(rb"\s{0,64}<(?:[\w.-]{1,30}:)?f(?=[\s/>])([^<>]{0,%d})>" % TAG_MAX)
_ATTR_FT = re.compile(rb"""\st\s{0,8}=\s{0,8}["']([A-Za-z]{1,12})["']""")


def formula_cells(xml: bytes, wanted: set[tuple[int, int]]) -> set[tuple[int, int]] | None:
    """Of the cells `wanted` (row, col, 0-based), those that hold a formula, as openpyxl
    (data_only=False) reads one: an <f> child of any text, except an array or data-table
    formula (openpyxl gives those as objects, not as text). One linear pass, bounded as
    `scan`; None when a cell has no reference of its own (positions would be guessed)."""
    found: set[tuple[int, int]] = set()
    for count, m in enumerate(_CELL.finditer(xml)):
        if count >= MAX_CELLS:
            return None
        end = _TAG_END.match(xml, m.end())
        if end is None:
            return None
        tag = xml[m.end():end.end()]
        ref = _ATTR_R.search(tag)
        if ref is None:
            return None
        where = (int(ref.group(2)) - 1, _column(ref.group(1)))
        if where not in wanted or tag.endswith(b"/>"):
            continue
        f = _FORMULA.match(xml, end.end())
        if f is None:
            continue
        kind = _ATTR_FT.search(f.group(1))
        if kind is None or kind.group(1) not in (b"array", b"dataTable"):
            found.add(where)
    return found


_EOCD = b"PK\x05\x06"


def one_directory(data: bytes, infos: list[zipfile.ZipInfo]) -> bool:
    """Whether every zip reader finds the directory Python's zipfile found, and the same names
    in it: one end record, at the end, for one disk, counting the entries there are, right
    after a directory that starts where it says (nothing before the archive), no zip64, and no
    Info-ZIP Unicode path (the Rust zip crate names an entry by it, Python by its own name).
    Else python-calamine may read another directory (it skips an end record whose comment runs
    past the end of the file, or that names a second disk) and cells the scan never saw."""
    at = data.rfind(_EOCD)
    if at < 0 or data.count(_EOCD) != 1 or b"PK\x06\x06" in data or b"PK\x06\x07" in data:
        return False
    _, disk, cd_disk, here, total, size, offset, comment = struct.unpack("<4s4H2LH", data[at:at + 22])
    if (disk, cd_disk) != (0, 0) or here != total or total != len(infos) or offset + size != at \
            or at + 22 + comment != len(data):
        return False
    for info in infos:
        extra = info.extra
        while len(extra) >= 4:
            kind, n = struct.unpack("<HH", extra[:4])
            if kind == 0x7075:
                return False
            extra = extra[4 + n:]
    return True
