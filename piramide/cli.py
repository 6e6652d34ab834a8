"""The command line: a thin layer that parses arguments, calls the library and turns its
findings and exceptions into Dutch messages and exit codes (0 done, 1 input to fix, 2 usage)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Callable, NoReturn

import click

from . import __version__, clitext
from . import questionnaire as qmod
from .errors import ReadError
from .findings import finding, has_errors
from .output import OutputError, check_distinct, check_target
from .text import display

class Optie(click.Option):
    """An option with Dutch names; the English names of version 0.1 keep working as hidden
    aliases (they are accepted, but help shows only the Dutch ones)."""

    def __init__(self, *args, oud: tuple[str, ...] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.oud = set(oud)

    def _dutch_only(self, show, ctx):
        opts = self.opts
        self.opts = [o for o in opts if o not in self.oud]
        try:
            return show(ctx)
        finally:
            self.opts = opts

    def get_help_record(self, ctx):
        return self._dutch_only(super().get_help_record, ctx)

    def get_error_hint(self, ctx):
        return self._dutch_only(super().get_error_hint, ctx)


class DutchCommand(click.Command):
    """A command whose help option and suggestions show only the Dutch option names."""

    def get_help_option(self, ctx):
        opt = super().get_help_option(ctx)
        if opt is not None and not isinstance(opt, Optie):
            opt.__class__ = Optie
            opt.oud = {"--help"}           # type: ignore[attr-defined]
        return opt

    def parse_args(self, ctx, args):
        try:
            return super().parse_args(ctx, args)
        except click.NoSuchOption as exc:
            old = {o for p in self.get_params(ctx) for o in getattr(p, "oud", ())} | {"--help", "--version"}
            setattr(exc, "possibilities", [p for p in (exc.possibilities or []) if p not in old])
            raise


class DutchGroup(DutchCommand, click.Group):
    pass


DutchGroup.command_class = DutchCommand
DutchGroup.group_class = DutchGroup


def optie(*names: str, oud: tuple[str, ...] = (), **kwargs):
    return click.option(*names, *oud, cls=Optie, oud=oud, **kwargs)


clitext.install()      # click's own texts in Dutch, for this command line only

# Names that say a file is not a workbook: an output with one of these is refused, never a
# plain .xlsx written under a name that promises something else.
NOT_A_WORKBOOK = (".xlsm", ".xls", ".xlsb", ".ods", ".csv", ".txt", ".json", ".pdf", ".docx", ".doc", ".xml", ".html")


def _safe(message: str) -> str:
    """A message shown safely: text from cells and file names cannot steer the terminal."""
    return "\n".join(display(line) for line in str(message).split("\n"))


def echo(message: str = "", err: bool = False) -> None:
    click.echo(_safe(message), err=err)


class DutchError(click.ClickException):
    def format_message(self) -> str:
        return _safe(self.message)

    def show(self, file=None) -> None:
        click.echo(f"fout: {self.format_message()}", file=file, err=True)


def _fail(message: str) -> NoReturn:
    raise DutchError(message)


def _console_never_fails() -> None:
    """A console that cannot show a character (cp1252 on Windows, output redirected) shows a
    replacement instead of stopping the run with a traceback."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            try:
                reconfigure(errors="replace")
            except ValueError:
                pass


def _workbook_output(path: Path | None, option: str = "-o") -> None:
    if path is not None and path.suffix.lower() in NOT_A_WORKBOOK:
        raise click.UsageError(f"{option} {display(str(path))}: piramide schrijft een Excel-werkboek (.xlsx); "
                               "geef een naam die eindigt op .xlsx.")


def _text_output(path, option: str, ok: tuple[str, ...]) -> None:
    if path is not None and str(path) != "-" and Path(path).suffix.lower() in (".xlsx",) + NOT_A_WORKBOOK \
            and Path(path).suffix.lower() not in ok:
        raise click.UsageError(f"{option} {display(str(path))}: geef een naam die eindigt op {' of '.join(ok)}.")


def _questionnaire_failed(exc, name) -> NoReturn:
    if len(exc.findings) == 1 and exc.findings[0].code == "def_bestaat_niet":
        f = exc.findings[0]
        _fail(f"{f.place()}: {f.message}")
    _fail("de vragenlijst heeft fouten:\n" + "\n".join("  " + f.render() for f in exc.findings) +
          f"\nControleer haar met: piramide questionnaire check {name}")


def _load_questionnaire(name: str | None):
    try:
        return qmod.load(name)
    except qmod.QuestionnaireError as exc:
        _questionnaire_failed(exc, name or qmod.DEFAULT)


def _load_candidates(names: tuple[str, ...]):
    """The given definitions, then the built-in ones (see questionnaire.candidates)."""
    try:
        return qmod.candidates(names)
    except qmod.QuestionnaireError as exc:
        _questionnaire_failed(exc, exc.findings[0].file if exc.findings else "PAD")


class MainGroup(DutchGroup):
    """The piramide command; a command group that lives in a module of its own is imported
    only when it is used or listed (the survey commands: their model costs every other
    command its import time)."""

    LAZY = {"enquete": ("piramide.cli_enquete", "enquete")}

    def list_commands(self, ctx):
        return sorted(set(super().list_commands(ctx)) | set(self.LAZY))

    def get_command(self, ctx, name):
        if name in self.LAZY and name not in self.commands:
            import importlib
            module, attr = self.LAZY[name]
            group = getattr(importlib.import_module(module), attr)
            group.options_metavar = clitext.OPTIONS_METAVAR
            _dutch_metavars(group)
            self.add_command(group, name)
        return super().get_command(ctx, name)


@click.group("piramide", cls=MainGroup, context_settings={"help_option_names": ["-h", "--hulp", "--help"]},
             options_metavar=clitext.OPTIONS_METAVAR, subcommand_metavar=clitext.SUBCOMMAND_METAVAR)
@click.version_option(__version__, "-V", "--versie", "--version", prog_name="piramide", message="%(prog)s %(version)s",
                      cls=Optie, oud=("--version",))
def main():
    """piramide: de Piramide Fitte Gemeenten invullen, scoren en volgen.

    Alles draait lokaal; er gaat niets over het netwerk.

    \b
    Voorbeeld:
      piramide example
      piramide score output/voorbeeldstad-vervolgmeting-2026-03-18.xlsx
    """
    _console_never_fails()


QUESTIONNAIRE_OPTION = optie(
    "--vragenlijst", "-q", "questionnaire_name", oud=("--questionnaire",), metavar="NAAM|PAD", default=None,
    help=f"Vragenlijst: een ingebouwde naam ({', '.join(qmod.builtin_names())}) of een pad naar een definitie (.toml of .xlsx).")
QUESTIONNAIRES_OPTION = optie(
    "--vragenlijst", "-q", "questionnaire_names", oud=("--questionnaire",), metavar="NAAM|PAD", multiple=True,
    help="Vragenlijst(en): een ingebouwde naam of een pad naar een definitie (.toml of .xlsx). Meer keer te geven voor metingen "
         "met verschillende versies; elk werkboek wordt gelezen met de versie waarmee het gemaakt is.")


def SURVEY_OPTIONS(f):
    """--enquete-definitie and --minimum-groep, for score and region (--enquete says what it does there)."""
    f = optie("--minimum-groep", "minimum", type=int, default=None, metavar="N",
              help="Bij --enquete: de kleinste groep waarvan cijfers tellen (standaard 5; alleen hoger).")(f)
    return optie("--enquete-definitie", "survey_definition", metavar="NAAM|PAD", default=None,
                 help="De enquête-definitie bij --enquete (standaard medewerkersenquete).")(f)


@main.command()
@QUESTIONNAIRE_OPTION
@optie("-o", "--uitvoer", "output", oud=("--output",), metavar="PAD", type=click.Path(path_type=Path),
              default=None, help="Waar het invulwerkboek komt (standaard output/piramide-invulwerkboek.xlsx).")
@optie("--vervang", "force", oud=("--force",), is_flag=True, help="Een bestaand bestand vervangen.")
def template(questionnaire_name, output, force):
    """Schrijf een leeg invulwerkboek voor de OOV-adviseur.

    \b
    Voorbeeld:
      piramide template -o invulwerkboek-2026.xlsx
    """
    from .template import write_template
    _workbook_output(output)
    q = _load_questionnaire(questionnaire_name)
    output = output or Path("output") / "piramide-invulwerkboek.xlsx"
    if output.exists() and not output.is_dir() and not force:     # as `example` does: say so, change nothing
        echo(f"Bestaat al, niet vervangen: {output} (gebruik --vervang om te vervangen)")
        return
    try:
        check_target(output, force=force)
        write_template(q, output, replace=force)
    except OutputError as exc:
        _fail(str(exc))
    echo(f"Invulwerkboek geschreven: {output} ({len(q.questions)} vragen, {q.label()})")


@main.command()
@QUESTIONNAIRE_OPTION
@optie("-o", "--uitvoer", "folder", oud=("--output",), metavar="MAP", type=click.Path(file_okay=False, path_type=Path),
              default=Path("output"), show_default=True, help="Map voor de voorbeeldwerkboeken.")
@optie("--vervang", "force", oud=("--force",), is_flag=True, help="Bestaande voorbeeldbestanden vervangen.")
def example(questionnaire_name, folder, force):
    """Schrijf twee ingevulde voorbeeldwerkboeken van de fictieve gemeente Voorbeeldstad.

    Een 0-meting en een vervolgmeting een jaar later, om 'piramide score' op te proberen.

    \b
    Voorbeeld:
      piramide example -o voorbeelden
    """
    from .example import example_measurements, file_name
    from .template import write_template
    q = _load_questionnaire(questionnaire_name)
    try:
        for m in example_measurements(q):
            target = folder / file_name(m)
            # Examples are ours to regenerate: only refuse when the user asked not to.
            if target.exists() and not force:
                echo(f"Bestaat al, overgeslagen: {target} (gebruik --vervang om te vervangen)")
                continue
            write_template(q, target, filled=m, replace=force)
            echo(f"Voorbeeld geschreven: {target}")
    except OutputError as exc:
        _fail(str(exc))


KORT, UITGEBREID, STIL = "kort", "uitgebreid", "stil"
WARNINGS_SHOWN = 3        # per file, in the short form; the rest is counted


def _run(files, candidates, strict, problems=(), trend_findings: bool = True, detail: str = KORT, **survey):
    """Read and score each file (on every core when there are many) and show what was found;
    a bad file is reported and never fatal to the batch. Short form: every fout in full, at
    most a few warnings, and the rest counted per kind; --uitgebreid every line; --stil none."""
    from .batch import run
    r = run(files, candidates, strict, problems=list(problems), **survey)
    if detail == STIL:
        return r
    for o in r.inputs:
        for line in summary_lines(o.path, o.findings) if detail == KORT and not o.skipped else o.lines:
            echo(line, err=True)
    for t in r.trends if trend_findings else []:
        for f in t.findings:
            echo(f.render(), err=True)
    return r


def summary_lines(path: Path, findings) -> list[str]:
    """The fouten in full, the first warnings, and one line counting the rest per kind."""
    from .findings import FOUT, short_name
    errors = [f for f in findings if f.severity == FOUT]
    warnings = [f for f in findings if f.severity != FOUT]
    lines = [f.render() for f in errors + warnings[:WARNINGS_SHOWN]]
    rest = warnings[WARNINGS_SHOWN:]
    if rest:
        counts: dict[str, int] = {}
        for f in rest:
            counts[short_name(f.code)] = counts.get(short_name(f.code), 0) + 1
        kinds = ", ".join(f"{n} {kind}" for kind, n in sorted(counts.items(), key=lambda kv: -kv[1]))
        lines.append(f"waarschuwing: {display(str(path))}: en nog {len(rest)} ({kinds}); zie het blad Meldingen van "
                     "het dashboard, of gebruik --uitgebreid voor elke regel.")
    return lines


DETAIL_OPTIONS = [optie("--uitgebreid", "detail", flag_value=UITGEBREID, help="Elke melding op een eigen regel."),
                  optie("--stil", "detail", flag_value=STIL, help="Geen meldingen, alleen de uitkomst en de exitcode."),
                  optie("--kort", "detail", flag_value=KORT, default=True, hidden=True)]


def detail_options(f):
    for option in reversed(DETAIL_OPTIONS):
        f = option(f)
    return f


# Inputs are checked by the library's gate, in Dutch and per file: click must not refuse a
# whole batch in English because one file is unreadable or a folder.
FILES = click.argument("files", metavar="BESTAND...", nargs=-1, required=True, type=click.Path(path_type=Path, readable=False))


def _inputs(files, history, quiet: bool = False) -> tuple[list[Path], list]:
    """The files given, plus the workbooks in each --historie folder and its subfolders (our
    own outputs among them are recognised when read), and a finding for each folder that
    could not be read. Says what was found in each folder."""
    out, problems = list(files), []
    for folder in history:
        out_folder, trouble = _found_in(folder, quiet)
        out += out_folder
        problems += trouble
    if not out and not problems:
        raise click.UsageError("geef minstens één bestand, of een map met --historie.")
    return out, problems


def _found_in(folder: Path, quiet: bool = False) -> tuple[list[Path], list]:
    from .batch import find_workbooks
    found, trouble = find_workbooks(folder)
    subfolders = len({p.parent for p in found} - {folder})
    if not found and not trouble:
        _fail(f"{folder}: geen werkboeken (.xlsx, .xlsm) gevonden, ook niet in submappen. Controleer de map.")
    if not quiet:
        echo(f"{folder}: {len(found)} werkboek(en) gevonden" + (f", in {subfolders} submap(pen)" if subfolders else ""),
             err=True)
    return found, trouble


@main.command()
@click.argument("files", metavar="[BESTAND]...", nargs=-1, type=click.Path(path_type=Path, readable=False))
@QUESTIONNAIRES_OPTION
@optie("--historie", "history", oud=("--history",), metavar="MAP", multiple=True, type=click.Path(exists=True, file_okay=False, readable=False, path_type=Path),
              help="Een map met metingen van een gemeente (alle .xlsx/.xlsm erin), naast of in plaats van bestanden.")
@optie("-o", "--uitvoer", "output", oud=("--output",), metavar="PAD", type=click.Path(path_type=Path), default=None,
              help="Map voor de dashboards (standaard output/), of bij één gemeente een .xlsx-pad.")
@click.option("--json", "json_path", metavar="PAD|-", default=None,
              help="Schrijf de uitslag ook als JSON naar een bestand, of met '-' naar het scherm (dan alleen de "
                   "JSON, geen dashboards, tenzij -o gegeven is).")
@optie("--streng", "strict", oud=("--strict",), is_flag=True, help="Lege antwoorden en 'weet niet' gelden als fout: geen dashboard.")
@optie("--vervang", "force", oud=("--force",), is_flag=True, help="Bestaande dashboards vervangen.")
@optie("--actieplan", "plan_paths", metavar="DASHBOARD", multiple=True, type=click.Path(path_type=Path, readable=False),
       help="Het dashboard van de vorige meting, met het actieplan dat de gemeente op het blad Verbeterpunten "
            "bijhield: elke actie komt op het nieuwe dashboard, naast wat de nieuwe meting zegt. Met --historie "
            "wordt het laatste eerdere dashboard van de gemeente in die map vanzelf genomen.")
@optie("--enquete", "survey_paths", metavar="EXPORT", multiple=True, type=click.Path(path_type=Path, readable=False),
       help="De export van een medewerkersenquête (.xlsx of .csv): beantwoordt de vragen die de vragenlijst aan een "
            "enquête-indicator koppelt, in de laatste meting van de gemeente.")
@SURVEY_OPTIONS
@detail_options
def score(files, questionnaire_names, history, output, json_path, strict, force, plan_paths, survey_paths,
          survey_definition, minimum, detail):
    """Lees ingevulde piramides en schrijf per gemeente een dashboard.

    Meerdere metingen van dezelfde gemeente (in elke volgorde) geven één dashboard van de
    laatste meting, met trendbladen over alle metingen. Meldingen (ongeldige of lege
    antwoorden, ontbrekende vragen) komen op het scherm met bestand, blad en cel. Bij fouten
    wordt voor dat bestand geen dashboard gemaakt en is de exitcode 1; de andere bestanden
    worden gewoon verwerkt.

    \b
    Voorbeeld:
      piramide score output/voorbeeldstad-vervolgmeting-2026-03-18.xlsx
      piramide score 0-meting.xlsx vervolgmeting.xlsx -o dashboards/ --json uitslag.json
      piramide score --historie metingen/voorbeeldstad/
      piramide score vervolgmeting.xlsx --actieplan vorig-dashboard.xlsx
      piramide score vervolgmeting.xlsx --enquete enquete-export.xlsx
    """

    from .batch import write_dashboards
    from .dashboard import dashboard_paths
    if json_path is not None and not json_path.strip():
        raise click.UsageError("--json: geef een bestandsnaam, of '-' voor het scherm.")
    _text_output(json_path, "--json", (".json",))
    folder_out = output is not None and (output.is_dir() or output.suffix.lower() != ".xlsx")
    if output is not None and not output.is_dir():
        _workbook_output(output)
    single_file = output is not None and not folder_out
    files, unreadable = _inputs(files, history, quiet=detail == STIL)
    json_file = Path(json_path) if json_path and json_path != "-" else None
    try:  # before any work: every output we know of now is checked now
        if json_file:
            check_target(json_file, inputs=files, force=force, option="--json")
        if single_file:
            check_target(output, inputs=files, force=force)
        if json_file:
            check_distinct({"de map of het dashboard (-o)": output or Path("output"), "de JSON (--json)": json_file})
    except OutputError as exc:
        _fail(str(exc))
    candidates = _load_candidates(questionnaire_names)
    say = (lambda msg: echo(msg, err=True)) if json_path == "-" else echo
    surveys = _surveys(survey_paths, survey_definition, minimum, files, detail)
    result = _run(files, candidates, strict, unreadable, detail=detail, surveys=surveys, minimum_group=minimum)
    trends = result.trends
    plan_sources = _attach_plans(result, plan_paths, history, candidates, say, detail)
    if single_file and len(trends) > 1:
        raise click.UsageError("-o met een .xlsx-naam kan alleen bij één gemeente; geef een map op.")
    if json_path == "-" and output is None:
        trends_to_write = []                    # JSON on the screen, and no -o: the JSON is all that is asked
    else:
        trends_to_write = trends
    targets = [output] * len(trends_to_write) if single_file else \
        dashboard_paths(trends_to_write, output if folder_out else Path("output"))
    try:  # outputs of one run never share a file, and none lands on an input
        check_distinct({f"het dashboard van {t.gemeente}": target for t, target in zip(trends_to_write, targets)}
                       | ({"de JSON (--json)": json_file} if json_file else {}))
    except OutputError as exc:
        _fail(str(exc))
    # A dashboard of ours given as input (skipped) may be replaced with --force; a measurement never.
    measured = [o.path for o in result.inputs if not o.skipped] + plan_sources
    jobs, failed = [], 0
    for t, target in zip(trends_to_write, targets):
        try:
            check_target(target, inputs=measured, force=force)
        except OutputError as exc:
            echo(f"fout: {exc}", err=True)
            failed += 1
            continue
        jobs.append((t, target, force, result.plans.get(t.gemeente)))
    for (t, target, *_), error in zip(jobs, write_dashboards(jobs)):
        if error:
            echo(f"fout: {error}", err=True)
            failed += 1
            continue
        result.dashboards[t.gemeente] = target
        phases = ", ".join(f"{p.pillar.id} {p.phase}" for p in t.latest.pillars)
        more = f", {len(t.results)} metingen" if len(t.results) > 1 else ""
        say(f"Dashboard geschreven: {target} ({t.gemeente}{more}, fasen {phases})")
    if json_path:
        from .serialize import run_json
        text = run_json(result)
        if json_path == "-":
            click.echo(text)
        else:
            from .output import write_atomic
            try:
                write_atomic(Path(json_path), text.encode("utf-8"), replace=force)
            except OutputError as exc:
                _fail(str(exc))
    not_done = sum(o.failed for o in result.inputs)
    if not result.results and not not_done:
        _fail(finding("niets_verwerkt").message)
    if not_done or failed:
        _fail(f"{not_done} van {len(result.inputs)} bestand(en) niet verwerkt"
              + (f" en {failed} dashboard(s) niet geschreven" if failed else "") + "; zie de meldingen hierboven.")


def _surveys(paths, definition, minimum, inputs, detail):
    """The survey exports of --enquete, read (None without --enquete); an export that cannot
    be read stops the run before any dashboard, since the dashboards would silently lack what
    was asked."""
    if not paths:
        if definition is not None or minimum is not None:
            raise click.UsageError("--enquete-definitie en --minimum-groep horen bij --enquete; geef ook de export.")
        return None
    from .cli_enquete import check_minimum, load_survey, read_exports
    survey = load_survey(definition)
    check_minimum(survey, minimum)
    clash = set(map(str, paths)) & set(map(str, inputs))
    if clash:
        raise click.UsageError(f"--enquete {display(sorted(clash)[0])}: dat bestand is ook als meting gegeven.")
    exports, failed = read_exports(paths, survey, detail)
    if failed:
        _fail(f"{failed} enquête-export(s) niet te lezen; zie de meldingen hierboven. Er is niets geschreven.")
    if any(has_errors(e.findings) for e in exports):
        _fail("de enquête-export heeft fouten; zie de meldingen hierboven. Er is niets geschreven.")
    return exports


def _attach_plans(result, plan_paths, history, candidates, say, detail) -> list[Path]:
    """The action plans of the run (--actieplan, or the latest earlier dashboard in --historie):
    said on the screen, a plan that cannot be used as a failed input. The files used, never to
    be overwritten."""
    if not plan_paths and not history:
        return []
    from .actionplan import attach
    found = [o.path for o in result.inputs if o.skipped and any(o.path.is_relative_to(h) for h in history)]
    before = len(result.inputs)
    lines = attach(result, list(plan_paths), found, candidates)
    if detail != STIL:
        for o in result.inputs[before:]:
            for line in o.lines:
                echo(line, err=True)
        for plan in result.plans.values():
            source = Path(plan.plan.source)
            for line in summary_lines(source, plan.findings) if detail == KORT else [f.render() for f in plan.findings]:
                echo(line, err=True)
    for line in lines:
        say(line)
    return [Path(p.plan.source) for p in result.plans.values()]


@main.command()
@FILES
@QUESTIONNAIRES_OPTION
@optie("--streng", "strict", oud=("--strict",), is_flag=True, help="Lege antwoorden en 'weet niet' gelden als fout.")
@detail_options
def check(files, questionnaire_names, strict, detail):
    """Controleer ingevulde piramides zonder iets te schrijven: alleen de meldingen.

    \b
    Voorbeeld:
      piramide check gemeente.xlsx
    """
    result = _run(files, _load_candidates(questionnaire_names), strict, detail=detail)
    for r in result.results:
        m = r.measurement
        warn = sum(f.severity != "fout" for f in r.findings)
        echo(f"{m.source}: in orde ({m.gemeente}, {m.datum:%d-%m-%Y}, {len(m.answers)} vragen gevonden"
             + (f", {warn} waarschuwing(en))" if warn else ")"))
    failed = sum(o.failed for o in result.inputs)
    if failed:
        _fail(f"{failed} van {len(files)} bestand(en) met fouten; herstel ze en controleer opnieuw.")
    if not result.results:
        _fail(finding("niets_verwerkt").message)


def _workbooks_in(paths, quiet: bool = False) -> tuple[list[Path], list]:
    """Files as given; folders searched with their subfolders (see _found_in)."""
    out, problems = [], []
    for p in paths:
        if p.is_dir():
            found, trouble = _found_in(p, quiet)
            out += found
            problems += trouble
        else:
            out.append(p)
    return out, problems


@main.command()
@click.argument("paths", metavar="BESTAND|MAP...", nargs=-1, required=True, type=click.Path(path_type=Path, readable=False))
@QUESTIONNAIRES_OPTION
@optie("-o", "--uitvoer", "output", oud=("--output",), metavar="PAD", type=click.Path(path_type=Path), default=None,
              help="Het overzicht (standaard output/regio-overzicht-<datum>.xlsx).")
@optie("--anoniem", "anonymous", oud=("--anonymous",), is_flag=True, help="Namen vervangen door codes, om buiten het RIEC te delen.")
@click.option("--sleutel", envvar="PIRAMIDE_SLEUTEL", default=None, metavar="TEKST",
              help="Geheime sleutel voor de codes van --anoniem (of PIRAMIDE_SLEUTEL); met dezelfde sleutel "
                   "houdt een gemeente dezelfde code.")
@click.option("--csv", "csv_path", metavar="PAD", type=click.Path(path_type=Path), default=None,
              help="Schrijf ook één lange tabel (CSV) voor pandas of Power BI.")
@optie("--streng", "strict", oud=("--strict",), is_flag=True, help="Lege antwoorden en 'weet niet' gelden als fout.")
@optie("--vervang", "force", oud=("--force",), is_flag=True, help="Bestaande uitvoer vervangen.")
@optie("--enquete", "survey_paths", metavar="EXPORT", multiple=True, type=click.Path(path_type=Path, readable=False),
       help="Exports van de medewerkersenquête (.xlsx of .csv), om de gemeenten per indicator te vergelijken (blad "
            "Enquête). De gemeente staat in een kolom Gemeente of in de bestandsnaam.")
@SURVEY_OPTIONS
@detail_options
def region(paths, questionnaire_names, output, anonymous, sleutel, csv_path, strict, force, survey_paths,
           survey_definition, minimum, detail):
    """Maak één overzicht van alle gemeenten in een regio.

    Per gemeente de laatste meting (fase en score per pijler, het verschil met de vorige
    meting en de naam van het dashboard), de verdeling van de regio over de fasen, en de
    indicatoren die nog open staan, fundamenten eerst, dan het vaakst open. Mappen worden doorzocht, met submappen.

    \b
    Voorbeeld:
      piramide region metingen/ -o regio-2026.xlsx --csv regio-2026.csv
      piramide region metingen/ --anoniem --sleutel "geheim van het RIEC"
      piramide region metingen/ --enquete enquetes/enquete-voorbeeldstad.xlsx
    """
    import datetime as dt
    import secrets

    from .output import write_atomic
    from .overview_workbook import write_overview
    from .errors import UsageError
    from .regional import build_overview, derive_key, sleutel_finding
    _workbook_output(output)
    if csv_path is not None and str(csv_path) in ("-", "", "."):
        raise click.UsageError("--csv: geef een bestandsnaam die eindigt op .csv.")
    _text_output(csv_path, "--csv", (".csv", ".txt"))
    files, unreadable = _workbooks_in(paths, quiet=detail == STIL)
    if not files and not unreadable:
        raise click.UsageError("geen werkboeken gevonden in de opgegeven mappen.")
    stem = "regio-overzicht-anoniem" if anonymous else "regio-overzicht"
    output = output or Path("output") / f"{stem}-{dt.date.today().isoformat()}.xlsx"
    try:  # before any work: every output is checked, and they never share a file
        check_target(output, inputs=files, force=force)
        if csv_path:
            check_target(csv_path, inputs=files, force=force, option="--csv")
            check_distinct({"het overzicht (-o)": output, "de CSV (--csv)": csv_path})
    except OutputError as exc:
        _fail(str(exc))
    key = None
    if anonymous:
        if sleutel is not None:
            try:
                warning = sleutel_finding(sleutel)
            except UsageError as exc:
                raise click.UsageError(f"--sleutel: {exc}") from None
            if warning:
                echo(warning.render(), err=True)
            key = derive_key(sleutel)
        else:
            key = secrets.token_bytes(32)
            echo("let op: zonder --sleutel gelden de codes alleen voor dit overzicht; geef --sleutel "
                 "(of PIRAMIDE_SLEUTEL) voor codes die bij een volgend overzicht gelijk blijven.", err=True)
    # an export's own findings name columns and cells, never a gemeente: shown also when anonymous
    surveys = _surveys(survey_paths, survey_definition, minimum, files, detail)
    # anonymous: no finding that names a gemeente (spellings, duplicate dates) on the screen
    result = _run(files, _load_candidates(questionnaire_names), strict, unreadable, trend_findings=not anonymous,
                  detail=detail)
    failed = sum(o.failed for o in result.inputs)
    if not result.results:
        _fail(finding("niets_verwerkt").message)
    ov = build_overview(result.results, anonymous, key)
    if surveys:
        from .regional import attach_surveys
        survey_findings = attach_surveys(ov, surveys, minimum, key)
        for f in survey_findings if not anonymous and detail != STIL else []:
            echo(f.render(), err=True)
        if any(f.severity == "fout" for f in survey_findings):
            failed += 1
    try:
        write_overview(ov, output, replace=force)
        if csv_path:
            write_atomic(csv_path, ov.to_csv(), replace=force)
    except OutputError as exc:
        _fail(str(exc))
    echo(f"Regio-overzicht geschreven: {output} ({len(ov.rows)} gemeenten"
         + (f"; CSV: {csv_path}" if csv_path else "") + ")")
    if failed:
        _fail(f"{failed} van {len(result.inputs)} bestand(en) niet verwerkt; zie de meldingen hierboven.")


def _report_output(output: Path | None) -> None:
    if output is not None and not output.is_dir() and output.suffix and output.suffix.lower() != ".docx":
        raise click.UsageError(f"-o {display(str(output))}: piramide rapport schrijft een Word-document; geef een "
                               "naam die eindigt op .docx, of een map.")


def _report_template(sjabloon: Path | None):
    from .rapport import TemplateError, read_template
    if sjabloon is None:
        return None, "het ingebouwde sjabloon"
    try:
        return read_template(sjabloon), f"--sjabloon {display(str(sjabloon))}"
    except TemplateError as exc:
        _fail(str(exc))


def _report_paths(trends, folder: Path) -> list[Path]:
    from .dashboard import dashboard_paths
    return [p.with_name(p.name.replace("-dashboard-", "-rapport-")).with_suffix(".docx")
            for p in dashboard_paths(trends, folder)]


@main.command()
@click.argument("paths", metavar="BESTAND|MAP...", nargs=-1, type=click.Path(path_type=Path, readable=False))
@QUESTIONNAIRES_OPTION
@optie("-o", "--uitvoer", "output", oud=("--output",), metavar="PAD", type=click.Path(path_type=Path), default=None,
       help="Het rapport (.docx), of een map voor een rapport per gemeente (standaard output/).")
@optie("--sjabloon", "sjabloon", metavar="PAD", type=click.Path(path_type=Path), default=None,
       help="Een eigen Word-sjabloon van het RIEC (.docx met plaatshouders); zie --kopieer-sjabloon.")
@click.option("--pdf", "pdf", is_flag=True, help="Maak ook een PDF (met LibreOffice, als dat geïnstalleerd is).")
@optie("--regio", "regio", is_flag=True,
       help="Eén rapport over alle gemeenten in de bestanden en mappen, voor de stuurgroep van het RIEC.")
@optie("--kopieer-sjabloon", "copy_template", metavar="PAD", type=click.Path(path_type=Path), default=None,
       help="Schrijf het ingebouwde sjabloon (met --regio dat van de regio) naar PAD, om in Word aan te passen.")
@optie("--streng", "strict", oud=("--strict",), is_flag=True, help="Lege antwoorden en 'weet niet' gelden als fout.")
@optie("--vervang", "force", oud=("--force",), is_flag=True, help="Bestaande rapporten vervangen.")
@detail_options
def rapport(paths, questionnaire_names, output, sjabloon, pdf, regio, copy_template, strict, force, detail):
    """Schrijf een rapport voor het bestuur: een Word-document om te bewerken.

    Van één of meer metingen van een gemeente (in elke volgorde, ook een map): op pagina 1 de
    samenvatting met fase, ambitie en verandering per pijler en de eerste stappen; dan per
    pijler de huidige en gewenste situatie en de aanbevelingen met een plaatje van de
    piramide; de trend; een bijlage met elk antwoord en de bronbestanden met hun SHA-256.
    Met --regio één rapport over alle gemeenten, voor de stuurgroep. Bij fouten in een
    bestand is de exitcode 1; de andere bestanden worden gewoon verwerkt.

    \b
    Voorbeeld:
      piramide rapport output/voorbeeldstad-*.xlsx -o rapport.docx --pdf
      piramide rapport --kopieer-sjabloon eigen-sjabloon.docx
      piramide rapport metingen/voorbeeldstad/ --sjabloon eigen-sjabloon.docx
      piramide rapport --regio metingen/ -o regio-2026.docx
    """
    import datetime as dt
    import functools

    from .errors import MissingDependency
    from .output import write_atomic
    from .rapport import BUILTIN, BUILTIN_REGIO, TemplateError, builtin_template
    if copy_template is not None:
        if paths:
            raise click.UsageError("--kopieer-sjabloon schrijft alleen het sjabloon; geef dan geen bestanden.")
        _report_output(copy_template)
        try:
            check_target(copy_template, force=force, option="--kopieer-sjabloon")
            write_atomic(copy_template, builtin_template(BUILTIN_REGIO if regio else BUILTIN), replace=force)
        except OutputError as exc:
            _fail(str(exc))
        echo(f"Sjabloon geschreven: {copy_template}. Pas het aan in Word (logo, lettertype, vaste teksten) en gebruik "
             f"het met: piramide rapport{' --regio' if regio else ''} … --sjabloon {copy_template}")
        return
    if not paths:
        raise click.UsageError("geef minstens één bestand of map met metingen.")
    _report_output(output)
    template, label = _report_template(sjabloon)
    files, unreadable = _workbooks_in(paths, quiet=detail == STIL)
    if not files and not unreadable:
        raise click.UsageError("geen werkboeken gevonden in de opgegeven mappen.")
    inputs = files + ([sjabloon] if sjabloon else [])
    folder_out = output is None or output.is_dir() or output.suffix.lower() != ".docx"
    if regio and folder_out:
        output = (output or Path("output")) / f"regio-rapport-{dt.date.today().isoformat()}.docx"
        folder_out = False
    single = None if folder_out else output
    try:  # before any work: every output we know of now is checked now
        if single is not None:
            check_target(single, inputs=inputs, force=force)
            if pdf:
                check_target(single.with_suffix(".pdf"), inputs=inputs, force=force, option="-o (de PDF)")
    except OutputError as exc:
        _fail(str(exc))
    result = _run(files, _load_candidates(questionnaire_names), strict, unreadable, trend_findings=not regio,
                  detail=detail)
    not_done = sum(o.failed for o in result.inputs)
    if not result.results:
        _fail(finding("niets_verwerkt").message)
    measured = [o.path for o in result.inputs if not o.skipped] + ([sjabloon] if sjabloon else [])
    try:
        from . import rapport as R
        jobs: list[tuple[str, Path, Callable[[], bytes]]]
        if regio:
            from .regional import build_overview
            ov = build_overview(result.results)
            assert single is not None            # --regio always writes one file
            jobs = [(f"{len(ov.rows)} gemeente{'n' if len(ov.rows) != 1 else ''}", single,
                     lambda: R.build_region(ov, template, label))]
        else:
            trends = result.trends
            if single is not None and len(trends) > 1:
                raise click.UsageError("-o met een .docx-naam kan alleen bij één gemeente; geef een map op, of --regio.")
            targets: list[Path] = [single] if single is not None else _report_paths(trends, output or Path("output"))
            jobs = [(f"{t.gemeente}, {len(t.results)} meting{'en' if len(t.results) > 1 else ''}", target,
                     functools.partial(R.build, t, template, label)) for t, target in zip(trends, targets)]
        failed, pdf_failed = 0, 0
        for what, target, make in jobs:
            try:
                check_target(target, inputs=measured, force=force)
                write_atomic(target, make(), replace=force)
            except OutputError as exc:
                echo(f"fout: {exc}", err=True)
                failed += 1
                continue
            echo(f"Rapport geschreven: {target} ({what})")
            if pdf:
                pdf_failed += _report_pdf(target, measured, force)
    except MissingDependency as exc:
        _fail(str(exc))
    except TemplateError as exc:
        _fail(str(exc))
    if not_done or failed or pdf_failed:
        _fail(", ".join(x for x in (
            f"{not_done} van {len(result.inputs)} bestand(en) niet verwerkt" if not_done else "",
            f"{failed} rapport(en) niet geschreven" if failed else "",
            f"{pdf_failed} PDF('s) niet gemaakt" if pdf_failed else "") if x) + "; zie de meldingen hierboven.")


def _report_pdf(docx: Path, inputs, force: bool) -> int:
    """Make the PDF beside the report; 1 when it could not be made (the message says how)."""
    from .pdf import soffice, to_pdf
    target = docx.with_suffix(".pdf")
    if soffice() is None:
        from .pdf import missing_message
        echo(f"let op: {missing_message(docx)}", err=True)
        return 1
    try:
        check_target(target, inputs=inputs, force=force, option="-o (de PDF)")
        to_pdf(docx, target, replace=force)
    except OutputError as exc:
        echo(f"fout: {exc}", err=True)
        return 1
    echo(f"PDF geschreven: {target}")
    return 0


@main.group()
def questionnaire():
    """Vragenlijst-definities bekijken en controleren."""


@questionnaire.command("check")
@click.argument("path", metavar="PAD", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--vorige", "previous", metavar="PAD", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="De eerdere versie, om 'vervangt'-verwijzingen te controleren.")
def questionnaire_check(path, previous):
    """Controleer een vragenlijst-definitie (.toml of .xlsx) en meld alle fouten met hun plek.

    Bij TOML is de plek een regel, bij een definitie in Excel een blad en cel.

    \b
    Voorbeeld:
      piramide questionnaire check questionnaires/piramide-fitte-gemeenten.toml
      piramide questionnaire check definitie.xlsx
      piramide questionnaire check mijn-regio-2.toml --vorige mijn-regio-1.toml
    """
    q, findings = qmod.check(path, previous)
    for f in findings:
        echo(f.render(), err=True)
    if q is None or has_errors(findings):
        n = sum(f.severity == "fout" for f in findings)
        _fail(f"{path}: {n} fout(en) gevonden. Herstel ze en controleer opnieuw.")
    phases = ", ".join(f"{p.number} {p.name}" for p in q.phases)
    echo(f"{path}: in orde. {q.label()}: {len(q.pillars)} pijlers, {len(q.indicators)} indicatoren, "
               f"{len(q.questions)} vragen; fasen: {phases}.")


@questionnaire.command("export")
@click.argument("name", metavar="[NAAM|PAD]", required=False, default=None)
@optie("-o", "--uitvoer", "output", oud=("--output",), metavar="PAD", type=click.Path(path_type=Path), required=True,
       help="Het nieuwe bestand: een .xlsx (om in Excel te bewerken) of een .toml.")
@optie("--vervang", "force", oud=("--force",), is_flag=True, help="Een bestaand bestand vervangen.")
def questionnaire_export(name, output, force):
    """Schrijf een vragenlijst-definitie als Excel-werkboek (of als TOML), om te bewerken.

    NAAM is een ingebouwde vragenlijst (standaard de piramide) of een pad naar een definitie
    (.toml of .xlsx). Het werkboek heeft een blad per onderdeel (Instellingen, Fasen, Pijlers,
    Schalen, Indicatoren, Vragen, Bronnen, Begrippen), keuzelijsten voor de verwijzingen en
    een blad Uitleg. Controleer het na het bewerken met 'piramide questionnaire check'.

    \b
    Voorbeeld:
      piramide questionnaire export -o definitie.xlsx
      piramide questionnaire export veilige-publieke-taak -o vpt.xlsx
      piramide questionnaire export definitie.xlsx -o definitie.toml
    """
    from .definition_toml import to_toml
    from .definition_workbook import write_definition
    from .output import write_atomic
    suffix = output.suffix.lower()
    if suffix not in (".xlsx", ".toml"):
        raise click.UsageError(f"-o {display(str(output))}: geef een naam die eindigt op .xlsx of .toml.")
    q = _load_questionnaire(name)
    source = qmod.resolve(name)
    try:
        check_target(output, inputs=[source] if isinstance(source, Path) else [], force=force)
        if suffix == ".xlsx":
            write_definition(q, output, replace=force)
        else:
            write_atomic(output, to_toml(q).encode("utf-8"), replace=force)
    except OutputError as exc:
        _fail(str(exc))
    echo(f"Definitie geschreven: {output} ({q.label()}: {len(q.pillars)} pijlers, {len(q.indicators)} indicatoren, "
         f"{len(q.questions)} vragen). Controleer na het bewerken met: piramide questionnaire check {output}")


@questionnaire.command("infer")
@click.argument("workbook", metavar="WERKBOEK", type=click.Path(path_type=Path))
@optie("-o", "--uitvoer", "output", oud=("--output",), metavar="PAD", type=click.Path(path_type=Path), required=True,
       help="De conceptdefinitie: een .xlsx (om in Excel af te maken).")
@optie("--vervang", "force", oud=("--force",), is_flag=True, help="Een bestaand bestand vervangen.")
def questionnaire_infer(workbook, output, force):
    """Maak een conceptdefinitie uit een eigen vragenlijst-werkboek van het RIEC.

    De vragen (tekst en nummer), de pijlers (uit de bladnamen of uit kopregels tussen de
    vragen) en de antwoorden (uit de kolomkoppen of de keuzelijst) komen uit het werkboek. De
    fasen, de indicatoren en welke vraag bij welke indicator hoort zijn gemarkeerd als 'nog in
    te vullen'; 'piramide questionnaire check' noemt ze met blad en cel.

    \b
    Voorbeeld:
      piramide questionnaire infer piramide-2021.xlsx -o definitie.xlsx
      piramide questionnaire check definitie.xlsx
    """
    from .definition_workbook import write_definition
    from .infer import infer
    if output.suffix.lower() != ".xlsx":
        raise click.UsageError(f"-o {display(str(output))}: geef een naam die eindigt op .xlsx.")
    try:
        check_target(output, inputs=[workbook], force=force)
        draft = infer(workbook)
        write_definition(draft.questionnaire, output, replace=force, todo=draft.todo)
    except ReadError as exc:
        f = exc.finding
        _fail(f"{display(f.file)}: {f.message}")
    except OutputError as exc:
        _fail(str(exc))
    echo(f"Concept geschreven: {output}: {draft.summary()}. Vul die aan in Excel en controleer met: "
         f"piramide questionnaire check {output}")


@questionnaire.command("list")
def questionnaire_list():
    """Toon de ingebouwde vragenlijsten.

    \b
    Voorbeeld:
      piramide questionnaire list
    """
    for name in qmod.builtin_names():
        q = qmod.load(name)
        echo(f"{name}: {q.label()}, {len(q.questions)} vragen")


def _dutch_metavars(group: click.Group) -> None:
    for cmd in group.commands.values():
        cmd.options_metavar = clitext.OPTIONS_METAVAR
        if isinstance(cmd, click.Group):
            cmd.subcommand_metavar = clitext.SUBCOMMAND_METAVAR
            _dutch_metavars(cmd)


_dutch_metavars(main)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
