"""One fast gate before any parser sees a file: recognise what it is, refuse what is not a
workbook or is hostile, and say so in Dutch with what to do.

Declared sizes in the zip directory bound what Python's zipfile will ever inflate (it stops
at the declared size and checks the CRC), so checking them here stops zip bombs before
openpyxl starts. XML with a DOCTYPE is refused outright; openpyxl also uses defusedxml.
"""

from __future__ import annotations

import errno
import io
import os
import stat
import zipfile
from pathlib import Path
from typing import NoReturn

from .errors import InputError
from .findings import finding

MAX_FILE = 50 * 1024 * 1024           # bytes on disk
MAX_UNPACKED = 100 * 1024 * 1024      # all entries together, as declared
MAX_ENTRY = 60 * 1024 * 1024          # one entry
MAX_ENTRIES = 5000
MAX_RATIO = 200                       # per entry above 1 MB unpacked
# Tags per entry ('<' counted, whatever its name): bytes do not bound elements. 14 million empty
# elements in a workbook.xml of 497 KB cost 1.3 GB and 18 s to parse, 1 million <xf/> in the
# styles about 560 MB in openpyxl; a sheet of 250,000 cells still fits (a filled piramide has
# about 3,000).
MAX_TAGS = 1_000_000
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _refuse(code: str, path: Path, **ctx) -> NoReturn:
    raise InputError(finding(code, file=str(path), **ctx))


def read_checked(path: str | Path) -> bytes:
    """The file's bytes, once it is known to be a workbook that is safe to parse.

    Only a regular file is read. The file is opened without blocking and looked at through
    its own descriptor, so a FIFO named .xlsx never hangs and a link to /dev/zero never
    fills memory; and at most MAX_FILE + 1 bytes are ever read, whatever the file claims."""
    data, archive = gated_archive(path)
    archive.close()
    return data


def gated(path: str | Path, data: bytes | None = None) -> bytes:
    """The workbook's bytes through the gate: read from `path`, or `data` already read (the
    path then names it in messages)."""
    data, archive = gated_archive(path, data)
    archive.close()
    return data


def gated_archive(path: str | Path, data: bytes | None = None) -> tuple[bytes, zipfile.ZipFile]:
    """As `gated`, with the zip the gate opened and checked: the reader looks into that one
    instead of parsing the directory again (once per file instead of four times). The caller
    closes it."""
    path = Path(path)
    if data is None:
        data = _read_regular(path, MAX_FILE)
    return data, check_bytes(data, path)


MAX_DOCUMENT = 20 * 1024 * 1024       # a Word template with a logo is far smaller


def read_document(path: str | Path) -> bytes:
    """The bytes of a Word document (a report template), once it is known to be safe to open:
    a regular file, not too large, a .docx zip that unpacks to a sane size, no DOCTYPE."""
    path = Path(path)
    data = _read_regular(path, MAX_DOCUMENT, "document_te_groot")
    check_document(data, path)
    return data


def _read_regular(path: Path, limit: int, too_big: str = "invoer_te_groot") -> bytes:
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        _refuse("invoer_bestaat_niet", path)
    except IsADirectoryError:
        _refuse("invoer_map", path)
    except PermissionError:
        _refuse("invoer_map" if path.is_dir() else "invoer_geen_rechten", path)
    except OSError as exc:
        _refuse("invoer_onleesbaar", path, detail=_why(exc))
    try:
        st = os.fstat(fd)
        if stat.S_ISDIR(st.st_mode):
            _refuse("invoer_map", path)
        if not stat.S_ISREG(st.st_mode):
            _refuse("invoer_geen_bestand", path, soort=_kind(st.st_mode))
        if st.st_size > limit:
            _refuse(too_big, path, grootte=st.st_size // (1024 * 1024))
        chunks, total = [], 0
        while total <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
    except PermissionError:
        _refuse("invoer_geen_rechten", path)
    except OSError as exc:
        _refuse("invoer_onleesbaar", path, detail=_why(exc))
    finally:
        os.close(fd)
    if total > limit:             # it grew while we read it
        _refuse(too_big, path, grootte=total // (1024 * 1024))
    return b"".join(chunks)


def check_document(data: bytes, path: Path) -> None:
    """A .docx that is safe to open: a zip with word/document.xml, sane sizes, no DOCTYPE."""
    if not data:
        _refuse("document_geen_docx", path, soort=" (het bestand is leeg)")
    if data[:8].startswith(OLE2):
        _refuse("document_geen_docx", path, soort=" (het oude .doc-formaat, of met een wachtwoord)")
    if not data.startswith(b"PK"):
        _refuse("document_geen_docx", path, soort="")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        _refuse("document_geen_docx", path, soort=" (beschadigd zip-bestand)")
    names = {i.filename for i in infos}
    if "[Content_Types].xml" not in names or "word/document.xml" not in names:
        kind = " maar een Excel-werkboek" if any(n.endswith("workbook.xml") for n in names) else ""
        _refuse("document_geen_docx", path, soort=kind)
    _check_entries(archive, infos, path, "document")


def _check_entries(archive: zipfile.ZipFile, infos: list, path: Path, kind: str = "invoer") -> None:
    """Zip bombs and XML with a DOCTYPE or ENTITY are refused before any parser sees them."""
    if len(infos) > MAX_ENTRIES:
        _refuse(f"{kind}_zip_bom", path, grootte=f"{len(infos)} onderdelen", onderdeel="(alle)")
    total = 0
    for i in infos:
        total += i.file_size
        ratio = i.file_size / max(i.compress_size, 1)
        if i.file_size > MAX_ENTRY or (i.file_size > 1024 * 1024 and ratio > MAX_RATIO) or total > MAX_UNPACKED:
            _refuse(f"{kind}_zip_bom", path, grootte=f"{max(i.file_size, total) // (1024 * 1024)} MB",
                    onderdeel=i.filename)
    for i in infos:
        xml = i.filename.lower().endswith((".xml", ".rels", ".vml"))
        if not xml and i.file_size <= MAX_TAGS:
            continue
        try:
            with archive.open(i) as fh:
                start = fh.read(2048)
                tags = start.count(b"<")
                # An entry of at most MAX_TAGS bytes cannot hold more tags (zipfile never reads
                # past the size it declares): only a large one is read through, counting.
                while i.file_size > MAX_TAGS and tags <= MAX_TAGS and (chunk := fh.read(1 << 20)):
                    tags += chunk.count(b"<")
        except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError):
            _refuse("invoer_zip_kapot", path)
        if xml and (b"<!DOCTYPE" in start.upper() or b"<!ENTITY" in start.upper()):
            _refuse(f"{kind}_xml_onveilig", path, onderdeel=i.filename)
        if tags > MAX_TAGS:
            _refuse(f"{kind}_zip_bom", path, grootte=f"meer dan {MAX_TAGS:,} XML-elementen".replace(",", "."),
                    onderdeel=i.filename)


def _why(exc: OSError) -> str:
    """The reason in Dutch where the system gives it in English."""
    dutch = {errno.ELOOP: "te veel symbolische links, of een link die naar zichzelf wijst",
             errno.ENAMETOOLONG: "de naam is te lang", errno.EIO: "leesfout van de schijf",
             errno.ENXIO: "geen apparaat of pijp met een schrijver"}
    return dutch.get(exc.errno or 0, exc.strerror or type(exc).__name__)


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "een pijp (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "een apparaat"
    if stat.S_ISSOCK(mode):
        return "een socket"
    return "geen gewoon bestand"


def check_bytes(data: bytes, path: Path) -> zipfile.ZipFile:
    """Refuse what is not a workbook that is safe to parse; return its zip, opened and checked."""
    if not data:
        _refuse("invoer_leeg", path)
    if len(data) > MAX_FILE:
        _refuse("invoer_te_groot", path, grootte=len(data) // (1024 * 1024))
    head = data[:8]
    if head.startswith(OLE2):
        # Excel's encrypted OOXML and the old .xls both live in an OLE2 container.
        if "EncryptedPackage".encode("utf-16-le") in data or "EncryptionInfo".encode("utf-16-le") in data:
            _refuse("invoer_wachtwoord", path)
        _refuse("invoer_xls", path)
    if head.startswith(b"%PDF"):
        _refuse("invoer_pdf", path)
    if not head.startswith(b"PK"):
        _refuse("invoer_tekst" if _looks_like_text(data[:4096]) else "invoer_onbekend", path)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        _refuse("invoer_zip_kapot", path)
    names = {i.filename for i in infos}
    if "mimetype" in names and b"opendocument.spreadsheet" in _head(archive, "mimetype", path):
        _refuse("invoer_ods", path)
    if "[Content_Types].xml" not in names or not any(n.lower().endswith("workbook.xml") for n in names):
        kind = " maar een Word-document" if "word/document.xml" in names else \
            " maar een PowerPoint-presentatie" if "ppt/presentation.xml" in names else ""
        _refuse("invoer_geen_werkboek", path, soort=kind)
    _check_entries(archive, infos, path)
    return archive


def _head(archive: zipfile.ZipFile, name: str, path: Path, size: int = 100) -> bytes:
    """The first bytes of one entry, never more: the sizes are checked later, and a 'mimetype'
    of a few MB can unpack to gigabytes."""
    try:
        with archive.open(name) as fh:
            return fh.read(size)
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError, ValueError):
        _refuse("invoer_zip_kapot", path)


def _looks_like_text(sample: bytes) -> bool:
    try:
        text = sample.decode("utf-8")
    except UnicodeDecodeError:
        try:
            text = sample.decode("cp1252")
        except UnicodeDecodeError:
            return False
    printable = sum(ch.isprintable() or ch in "\r\n\t" for ch in text)
    return printable >= 0.95 * max(len(text), 1)
