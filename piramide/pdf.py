"""A PDF of a Word document, converted by LibreOffice when it is installed.

LibreOffice runs headless with a throw-away profile (so it never meets the user's own open
LibreOffice), in a hidden folder beside the target, never in the system temp folder (the
report is confidential), and is stopped after a time limit. The PDF lands atomically."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from .errors import OutputError
from .output import write_atomic
from .text import display

TIMEOUT = 180          # seconds; a report converts in a few


def soffice() -> str | None:
    """The LibreOffice program, or None when it is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def missing_message(docx: Path) -> str:
    return (f"LibreOffice (soffice) is niet gevonden, dus er is geen PDF gemaakt. Het Word-rapport "
            f"{display(str(docx))} is wel geschreven. Maak de PDF zelf: open het rapport in Word en kies Bestand > "
            "Opslaan als > PDF. Of installeer LibreOffice (https://nl.libreoffice.org) en geef de opdracht opnieuw "
            "met --pdf.")


def to_pdf(docx: Path, target: Path, replace: bool = True, timeout: int = TIMEOUT, program: str | None = None) -> Path:
    """Convert `docx` to the PDF `target`. OutputError with a Dutch message when it fails."""
    program = program or soffice()
    if program is None:
        raise OutputError(missing_message(docx))
    folder = target.parent
    folder.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".~piramide-{os.getpid()}-pdf-", dir=folder)).resolve()   # absolute: LibreOffice reads a relative --outdir as a URL
    try:
        out = work / "uit"
        cmd = [program, "--headless", "--norestore", "--nolockcheck",
               f"-env:UserInstallation={(work / 'profiel').resolve().as_uri()}",
               "--convert-to", "pdf", "--outdir", str(out), str(docx.resolve())]
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                                start_new_session=True)
        try:
            _, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            _stop(proc)
            raise OutputError(f"{display(str(target))}: LibreOffice deed er langer dan {timeout} seconden over en is "
                              "gestopt; er is geen PDF. Het Word-rapport is wel geschreven: open het in Word en kies "
                              "Bestand > Opslaan als > PDF.") from None
        pdf = out / (docx.stem + ".pdf")
        if proc.returncode != 0 or not pdf.is_file():
            why = " ".join(err.decode("utf-8", "replace").split())[:200] if err else f"exitcode {proc.returncode}"
            raise OutputError(f"{display(str(target))}: LibreOffice kon het rapport niet omzetten naar PDF ({why}). "
                              "Het Word-rapport is wel geschreven: open het in Word en kies Bestand > Opslaan als > "
                              "PDF.")
        return write_atomic(target, pdf.read_bytes(), replace=replace)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _stop(proc: subprocess.Popen) -> None:
    """End LibreOffice and what it started (its own process group only)."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError, AttributeError):
        proc.kill()
    proc.wait()
