"""Writing outputs safely: to a temporary file beside the target, then moved into place."""

from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager
from pathlib import Path


class OutputError(Exception):
    """An output cannot be written; the message says why and what to do (Dutch)."""


@contextmanager
def atomic_path(target: str | Path):
    """Yield a temporary path in the target's folder; on success it replaces the target."""
    target = Path(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".~piramide-", suffix=target.suffix, dir=target.parent)
    except OSError as exc:
        raise OutputError(f"{target.parent}: map kan niet worden beschreven ({exc.strerror}). "
                          "Kies met -o een map waar u mag schrijven.") from exc
    os.close(fd)
    try:
        yield Path(tmp)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)          # also through links
    except OSError:
        return a.resolve() == b.resolve()      # one of them does not exist (yet)


def check_target(target: str | Path, inputs=(), force: bool = False) -> None:
    """Refuse to write over an input, or over an existing file without --force."""
    target = Path(target)
    if any(_same_file(target, Path(inp)) for inp in inputs):
        raise OutputError(f"{target}: dit is een invoerbestand; een invoerbestand wordt nooit "
                          "overschreven. Kies met -o een andere naam.")
    if target.exists() and not force:
        raise OutputError(f"{target} bestaat al. Gebruik --force om het te vervangen, of kies met -o een andere naam.")
