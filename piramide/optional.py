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


RAPPORT_MISSING = ("{name} is niet geïnstalleerd; 'piramide rapport' heeft het nodig voor het Word-rapport. "
                   "Installeer het met: pip install 'piramide[rapport]'")


def matplotlib() -> ModuleType:
    """matplotlib with the Agg backend (no window, no network), for the report's pictures."""
    try:
        import matplotlib as mpl
    except ImportError as exc:
        raise MissingDependency(RAPPORT_MISSING.format(name="matplotlib"), name="matplotlib") from exc
    mpl.use("Agg", force=True)
    return mpl


def rapport() -> None:
    """Both of the report's dependencies, before any work: the message names the extra, never
    a traceback from deep inside a picture."""
    matplotlib()
    docxtpl()


def docxtpl() -> ModuleType:
    """docxtpl (Jinja2 in Word), for the report's template."""
    try:
        import docxtpl as tpl
    except ImportError as exc:
        raise MissingDependency(RAPPORT_MISSING.format(name="docxtpl"), name="docxtpl") from exc
    return tpl
