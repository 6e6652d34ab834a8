"""Dutch for what click itself says: usage lines, help headings, and its errors about wrong
command-line use. click marks these texts for gettext; the command line installs this
catalogue into click's modules when it starts (the library never does), so that everything
a user reads is Dutch. A text not in the catalogue stays as click wrote it."""

from __future__ import annotations

import importlib

DUTCH: dict[str, str] = {
    "Usage:": "Gebruik:",
    "Options": "Opties",
    "Commands": "Commando's",
    "Positional arguments": "Argumenten",
    "Show this message and exit.": "Toon deze hulp en stop.",
    "Show the version and exit.": "Toon de versie en stop.",
    "%(prog)s, version %(version)s": "%(prog)s, versie %(version)s",
    "Error: {message}": "fout: {message}",
    "Aborted!": "Afgebroken.",
    "Missing argument": "Argument ontbreekt",
    "Missing option": "Optie ontbreekt",
    "Missing parameter": "Gegeven ontbreekt",
    "Missing parameter: {param_name}": "Gegeven ontbreekt: {param_name}",
    "Missing {param_type}": "{param_type} ontbreekt",
    "Missing command.": "Geef een commando.",
    "No such command {name!r}.": "Onbekend commando {name!r}.",
    "No such option {name!r}.": "Onbekende optie {name!r}.",
    "No such option: {name}": "Onbekende optie: {name}",
    "Try '{command} {option}' for help.": "Zie '{command} {option}' voor hulp.",
    "Invalid value for {param_hint}: {message}": "Ongeldige waarde voor {param_hint}: {message}",
    "Invalid value: {message}": "Ongeldige waarde: {message}",
    "Option {name!r} does not take a value.": "Optie {name!r} neemt geen waarde.",
    "Argument {name!r} takes {nargs} values.": "Argument {name!r} neemt {nargs} waarden.",
    "Invalid start character for option ({option})": "Ongeldig beginteken voor een optie ({option})",
    "Value must be an iterable.": "De waarde moet een reeks zijn.",
    "default: {default}": "standaard: {default}",
    "env var: {var}": "omgevingsvariabele: {var}",
    "required": "verplicht",
    "deprecated": "verouderd",
    "file": "bestand",
    "directory": "map",
    "path": "pad",
    "{name} {filename!r} does not exist.": "{name} {filename!r} bestaat niet.",
    "{name} {filename!r} is a file.": "{name} {filename!r} is een bestand, geen map.",
    "{name} {filename!r} is a directory.": "{name} {filename!r} is een map, geen bestand.",
    "{name} {filename!r} is not readable.": "{name} {filename!r} is niet te lezen.",
    "{name} {filename!r} is not writable.": "{name} {filename!r} is niet te beschrijven.",
    "{name} {filename!r} is not executable.": "{name} {filename!r} is niet uitvoerbaar.",
    "Could not open file {filename!r}: {message}": "Bestand {filename!r} kan niet worden geopend: {message}",
    "{value!r} is not a valid {number_type}.": "{value!r} is geen geldig {number_type}.",
    "{value} is not in the range {range}.": "{value} ligt niet in het bereik {range}.",
    "Choose from:\n\t{choices}": "Kies uit:\n\t{choices}",
    "unknown error": "onbekende fout",
    # plural forms (ngettext): singular and plural share a translation with {…} placeholders
    "Got unexpected extra argument ({args})": "Onverwacht extra argument ({args})",
    "Got unexpected extra arguments ({args})": "Onverwachte extra argumenten ({args})",
    "Option {name!r} requires an argument.": "Optie {name!r} heeft een waarde nodig.",
    "Option {name!r} requires {nargs} arguments.": "Optie {name!r} heeft {nargs} waarden nodig.",
    "Did you mean {possibility}?": "Bedoelt u {possibility}?",
    "(Did you mean one of: {possibilities}?)": "(Bedoelt u een van: {possibilities}?)",
    "(Possible options: {possibilities})": "(Mogelijke opties: {possibilities})",
    "{value!r} is not {choice}.": "{value!r} is niet {choice}.",
    "{value!r} is not one of {choices}.": "{value!r} is geen van {choices}.",
    "Takes {nargs} values but 1 was given.": "Neemt {nargs} waarden, maar er is er 1 gegeven.",
    "Takes {nargs} values but {len} were given.": "Neemt {nargs} waarden, maar er zijn er {len} gegeven.",
}

# Metavars click writes itself, not through gettext.
OPTIONS_METAVAR = "[OPTIES]"
SUBCOMMAND_METAVAR = "COMMANDO [ARGUMENTEN]..."

_MODULES = ("core", "decorators", "exceptions", "formatting", "parser", "types", "termui", "utils", "_termui_impl")


def _gettext(message: str) -> str:
    return DUTCH.get(message, message)


def _ngettext(singular: str, plural: str, n: int) -> str:
    return _gettext(singular if n == 1 else plural)


def install() -> None:
    """Make click speak Dutch in this process: the command line calls it once at start."""
    for name in _MODULES:
        try:
            module = importlib.import_module(f"click.{name}")
        except ImportError:
            continue
        if hasattr(module, "_"):
            module._ = _gettext           # type: ignore[attr-defined]
        if hasattr(module, "ngettext"):
            module.ngettext = _ngettext   # type: ignore[attr-defined]
