"""Optional dependencies: imported only where they are needed, and when one is missing the
message names the extra that brings it."""

from __future__ import annotations

from types import ModuleType

from .errors import MissingDependency

PANDAS_MISSING = ("pandas is niet geïnstalleerd; to_frame() heeft het nodig. "
                  "Installeer het met: pip install 'piramide[pandas]'")


def pandas() -> ModuleType:
    """The pandas module, for analysts' frames; never on the path of a plain score."""
    try:
        import pandas as pd
    except ImportError as exc:
        raise MissingDependency(PANDAS_MISSING, name="pandas") from exc
    return pd
