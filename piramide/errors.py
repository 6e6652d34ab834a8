"""The exceptions a caller of the library can meet, under one base class.

Each carries a Dutch message (file, place, what is wrong and what to do) that the CLI shows
as it is. Findings about a file that could be read are data (findings.Finding), never
exceptions; an exception means a file, a definition or an output could not be handled at all.
"""

from __future__ import annotations

from .findings import Finding


class PiramideError(Exception):
    """Base of every error piramide raises on purpose; str() is the Dutch message."""


class InputError(PiramideError):
    """A file cannot be read as a filled workbook at all; `finding` says why and what to do."""

    def __init__(self, f: Finding):
        self.finding = f
        self.code = f.code
        super().__init__(f"{f.file}: {f.message}" if f.file else f.message)


class ReadError(InputError):
    """The reader's name for InputError: the file cannot be read as a workbook."""


class QuestionnaireError(PiramideError):
    """The definition has errors; `findings` says which and where."""

    def __init__(self, findings: list[Finding]):
        self.findings = findings
        super().__init__("\n".join(f.render() for f in findings))


class OutputError(PiramideError):
    """An output cannot be written; the message says why and what to do."""


class UsageError(PiramideError, ValueError):
    """The library is called in a way it cannot honour (an anonymous overview without a
    sleutel, a file opened as text); the message says how to call it."""


class MissingDependency(PiramideError, ImportError):
    """An optional package is not installed; the message says how to install it."""
