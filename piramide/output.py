"""Writing outputs safely.

An output is built in memory and lands on disk in one step: nothing confidential is ever
written to the system temp folder, and a run that is killed leaves no half file behind. On
Linux the bytes go to an unnamed file (O_TMPFILE) that only gets its name when it is
complete; elsewhere to a hidden temporary file beside the target. Without `replace` the name
is claimed exclusively (a hard link fails when the name exists), so two runs at once never
both claim one output. Every OSError on the way (disk full, file-size limit, a name too
long, a file held open by Excel) becomes an OutputError with a Dutch message.
"""

from __future__ import annotations

import errno
import io
import os
import re
import tempfile
from contextlib import contextmanager
from pathlib import Path

from .errors import OutputError
from .text import display


# A custom document property on every workbook piramide writes as output (dashboard, region
# overview), so that such a file is recognised as ours wherever it is given, also renamed.
OUTPUT_MARK = "piramide_uitvoer"


def _why(target: Path, exc: OSError) -> OutputError:
    """The Dutch message for an OSError while writing `target`."""
    name = display(str(target))
    code = exc.errno
    if code in (errno.ENOSPC, getattr(errno, "EDQUOT", -1)):
        text = f"{name}: de schijf is vol. Maak ruimte vrij of kies met -o een andere map, en probeer opnieuw."
    elif code == errno.EFBIG:
        text = (f"{name}: het bestand wordt groter dan hier mag (bestandsgrootte-limiet, ulimit -f). "
                "Verhoog de limiet of kies met -o een andere plek.")
    elif code == errno.ENAMETOOLONG:
        text = f"{name}: de bestandsnaam is te lang voor dit systeem. Kies met -o een kortere naam of map."
    elif code in (errno.EACCES, errno.EPERM, errno.EBUSY, errno.ETXTBSY) or isinstance(exc, PermissionError):
        text = (f"{name}: kan niet worden geschreven: het bestand is geopend in een ander programma (Excel?) of u "
                "mag hier niet schrijven. Sluit het bestand of kies met -o een andere plek, en probeer opnieuw.")
    elif code == errno.EISDIR or isinstance(exc, IsADirectoryError):
        text = f"{name}: dit is een map. Geef een bestandsnaam, of kies een andere map."
    elif code == errno.EEXIST:
        text = (f"{name} bestaat al (zojuist door een ander programma geschreven?). Gebruik --vervang om het te "
                "vervangen, of kies met -o een andere naam.")
    else:
        text = (f"{name}: kan niet worden geschreven ({exc.strerror or type(exc).__name__}). "
                "Kies met -o een andere plek en probeer opnieuw.")
    return OutputError(text)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        n = os.write(fd, view)
        view = view[n:]


_UNNAMED = {"works": True}     # set to False once this system refused to name an unnamed file


def _unnamed_file(folder: Path) -> int | None:
    """An O_TMPFILE descriptor in `folder`, or None where the system has none."""
    flag = getattr(os, "O_TMPFILE", 0)
    if not flag or not _UNNAMED["works"] or not os.path.isdir("/proc/self/fd"):
        return None
    try:
        return os.open(folder, flag | os.O_WRONLY, 0o600)
    except OSError:
        return None   # filesystem without O_TMPFILE: the named fallback below


def write_atomic(target: str | Path, data: bytes, replace: bool = True) -> Path:
    """Put `data` at `target` in one step. Without `replace` an existing target is an error,
    also one that appeared since the checks (another run)."""
    target = Path(target)
    folder = target.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"{display(str(folder))}: map kan niet worden beschreven ({exc.strerror or type(exc).__name__}). "
                          "Kies met -o een map waar u mag schrijven.") from None
    try:
        if target.is_dir():
            raise IsADirectoryError(errno.EISDIR, "is a directory")
        fd = _unnamed_file(folder)
        if fd is None or not _land_unnamed(fd, data, target, replace):
            _land_named(data, target, replace)
    except OSError as exc:
        raise _why(target, exc) from None
    return target


_NO_LINK = {errno.EXDEV, errno.ENOENT, errno.EPERM, errno.EOPNOTSUPP, errno.EINVAL, errno.ENOSYS}


def _land_unnamed(fd: int, data: bytes, target: Path, replace: bool) -> bool:
    """False when this system cannot give the unnamed file a name (some sandboxes)."""
    proc = f"/proc/self/fd/{fd}"
    try:
        _write_all(fd, data)
        tmp = target if not replace else _free_name(target)
        try:
            os.link(proc, tmp, follow_symlinks=True)     # EEXIST when the name is taken
        except OSError as exc:
            if exc.errno in _NO_LINK:
                _UNNAMED["works"] = False     # not again in this process: the bytes would be written twice
                return False
            raise
        if not replace:
            return True
        try:
            os.replace(tmp, target)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        return True
    finally:
        os.close(fd)


_SWEPT: set[str] = set()
_TEMP = re.compile(r"^\.~piramide-(\d+)-.*\.tmp$")


def _sweep(folder: Path) -> None:
    """Remove what a killed run left in `folder`: temporary files of processes that are gone.
    Once per folder per process."""
    key = str(folder.resolve())
    if key in _SWEPT or os.name != "posix":
        return
    _SWEPT.add(key)
    try:
        names = [n for n in os.listdir(folder) if n.startswith(".~piramide-")]
    except OSError:
        return
    for name in names:
        m = _TEMP.match(name)
        if m is None or int(m.group(1)) == os.getpid():
            continue
        try:
            os.kill(int(m.group(1)), 0)
        except ProcessLookupError:
            (folder / name).unlink(missing_ok=True)
        except (PermissionError, OverflowError, OSError):
            pass


def _land_named(data: bytes, target: Path, replace: bool) -> None:
    _sweep(target.parent)
    fd, name = tempfile.mkstemp(prefix=f".~piramide-{os.getpid()}-", suffix=".tmp", dir=target.parent)
    tmp = Path(name)
    try:
        try:
            _write_all(fd, data)
        finally:
            os.close(fd)
        if replace:
            os.replace(tmp, target)
            return
        try:
            os.link(tmp, target)
        except OSError as exc:
            if exc.errno == errno.EEXIST:
                raise
            if target.exists():                      # no hard links here (FAT, some shares)
                raise FileExistsError(errno.EEXIST, "exists") from None
            os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def _free_name(target: Path) -> Path:
    for n in range(100):
        cand = target.parent / f".~piramide-{os.getpid()}-{n}.tmp"
        if not cand.exists():
            return cand
    raise FileExistsError(errno.EEXIST, "no free temporary name")


@contextmanager
def atomic_buffer(target: str | Path, replace: bool = True):
    """Yield an in-memory buffer; when the block ends without error its bytes land at target."""
    buf = io.BytesIO()
    yield buf
    write_atomic(target, buf.getvalue(), replace)


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)          # also through links
    except OSError:
        return _key(a, fold=False) == _key(b, fold=False)   # one of them does not exist (yet)


def _key(p: Path, fold: bool = True) -> str:
    """One name for one place; with `fold`, also on a file system that ignores case (Windows,
    macOS): two outputs of one run that differ only in case are kept apart everywhere."""
    try:
        p = p.resolve()
    except (OSError, RuntimeError):            # a loop of links: the name as given
        p = p.absolute()
    name = os.path.normcase(str(p))
    return name.casefold() if fold else name


def check_target(target: str | Path, inputs=(), force: bool = False, option: str = "-o") -> None:
    """Refuse to write over an input or a folder, or over an existing file without --force."""
    target = Path(target)
    if any(_same_file(target, Path(inp)) for inp in inputs):
        raise OutputError(f"{display(str(target))}: dit is een invoerbestand; een invoerbestand wordt nooit "
                          f"overschreven. Kies met {option} een andere naam.")
    if target.is_dir():
        raise OutputError(f"{display(str(target))}: dit is een map. Geef met {option} een bestandsnaam.")
    if target.exists() and not force:
        raise OutputError(f"{display(str(target))} bestaat al. Gebruik --vervang om het te vervangen, of kies met "
                          f"{option} een andere naam.")


def check_distinct(targets: dict[str, Path]) -> None:
    """Outputs of one run never share a file: `targets` maps a Dutch description (e.g.
    "het dashboard van Zaanstad") to its path."""
    seen: dict[str, str] = {}
    for what, path in targets.items():
        k = _key(Path(path))
        if k in seen:
            raise OutputError(f"{display(str(path))}: {what} en {seen[k]} zouden hetzelfde bestand worden. "
                              "Kies voor elk een eigen naam.")
        seen[k] = what
