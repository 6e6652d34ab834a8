"""`piramide enquete`: staff surveys on the command line. Parses, calls the library, and turns
findings into Dutch messages and exit codes, as cli.py does for the piramide.

    piramide enquete EXPORT... -o enquete-dashboard.xlsx [--json PAD|-] [--csv PAD]
    piramide enquete voorbeeld -o MAP
    piramide enquete formulier -o formulier.xlsx
    piramide enquete controleer DEFINITIE.toml
"""

from __future__ import annotations

from pathlib import Path

import click

from .cli import DutchCommand, DutchGroup, _fail, _text_output, _workbook_output, detail_options, echo, optie, \
    summary_lines
from .errors import QuestionnaireError, ReadError
from .findings import FOUT, has_errors
from .output import OutputError, check_distinct, check_target
from .text import display

READ = "lees"
MIN_GROUP = 5      # survey.MIN_GROUP, written out: importing the survey model costs every command 12 ms (a test holds them equal)
KORT, STIL = "kort", "stil"           # cli.py's detail levels (its module is still loading when this one is)


class SurveyGroup(DutchGroup):
    """`piramide enquete EXPORT…` reads exports; `piramide enquete voorbeeld` and the other
    subcommands do what they say. A first argument that is no subcommand is an export."""

    def resolve_command(self, ctx, args):
        if args and args[0] not in self.commands and not args[0].startswith("-"):
            args = [READ, *args]
        elif args and args[0].startswith("-") and args[0] not in ("-h", "--hulp", "--help"):
            args = [READ, *args]
        return super().resolve_command(ctx, args)

    def list_commands(self, ctx):
        return [c for c in super().list_commands(ctx) if c != READ]


def load_survey(name):
    from . import survey_definition as sd
    try:
        return sd.load(name)
    except QuestionnaireError as exc:
        findings = exc.findings
        if len(findings) == 1 and findings[0].code == "enq_def_bestaat_niet":
            _fail(f"{findings[0].place()}: {findings[0].message}")
        _fail("de enquête-definitie heeft fouten:\n" + "\n".join("  " + f.render() for f in findings) +
              f"\nControleer haar met: piramide enquete controleer {name or sd.DEFAULT}")


def minimum_option(f):
    return optie("--minimum-groep", "minimum", type=int, default=None, metavar="N",
                 help=f"De kleinste groep waarvan cijfers getoond worden (standaard {MIN_GROUP}, of wat de definitie "
                      "zegt); alleen hoger, nooit lager.")(f)


def definition_option(f):
    return optie("--definitie", "-d", "definition", metavar="NAAM|PAD", default=None,
                 help="De enquête-definitie: een ingebouwde naam (standaard medewerkersenquete) of een pad naar een "
                      ".toml of .xlsx.")(f)


def check_minimum(survey, minimum: int | None) -> None:
    from .survey import MIN_GROUP as floor_min
    floor = max(survey.min_group, floor_min)
    if minimum is not None and minimum < floor:
        raise click.UsageError(f"--minimum-groep {minimum}: de kleinste groep kan niet kleiner dan {floor} "
                               "respondenten; kleinere groepen maken mensen herkenbaar.")


def read_exports(paths, survey, detail: str = KORT):
    """Every export read, its findings said; None for the ones that could not be read."""
    from .findings import finding
    from .survey_reader import read_export
    out, failed = [], 0
    found: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            inside = sorted(p for p in path.rglob("*") if p.suffix.lower() in (".xlsx", ".xlsm", ".csv")
                            and not p.name.startswith(("~$", ".~")) and p.is_file())
            if not inside:
                echo(finding("enq_map_leeg", file=str(path)).render(), err=True)
                failed += 1
            found += inside
        else:
            found.append(path)
    for path in found:
        try:
            responses = read_export(Path(path), survey)
        except ReadError as exc:
            echo(exc.finding.render(), err=True)
            failed += 1
            continue
        if detail != STIL:
            lines = summary_lines(Path(path), responses.findings) if detail == KORT else \
                [f.render() for f in responses.findings]
            for line in lines:
                echo(line, err=True)
        out.append(responses)
    return out, failed


@click.group("enquete", cls=SurveyGroup, options_metavar="[OPTIES]", subcommand_metavar="EXPORT... | OPDRACHT ...")
def enquete():
    """Medewerkersenquêtes: exports tellen, met kleine groepen verborgen.

    \b
    piramide enquete EXPORT... -o enquete-dashboard.xlsx   een export (Microsoft Forms, LimeSurvey, .xlsx of .csv) tellen
    piramide enquete voorbeeld -o MAP                     voorbeeldexports van de fictieve gemeente Voorbeeldstad
    piramide enquete formulier -o formulier.xlsx          een invulformulier voor wie geen enquêteprogramma heeft
    piramide enquete export -o mijn-enquete.xlsx          de enquête-definitie om te bewerken (Excel of TOML)
    piramide enquete controleer mijn-enquete.xlsx         een eigen enquête-definitie controleren

    Namen, e-mailadressen, respondentnummers en tijdstippen worden nooit overgenomen. Een groep
    met minder dan 5 respondenten krijgt geen cijfers.
    """


@enquete.command(READ, cls=DutchCommand)
@click.argument("files", metavar="EXPORT...", nargs=-1, required=True, type=click.Path(path_type=Path, readable=False))
@definition_option
@optie("-o", "--uitvoer", "output", metavar="PAD", type=click.Path(path_type=Path), default=None,
       help="Het enquêtedashboard: een .xlsx-pad, of een map (standaard output/<gemeente>-enquete-<maand>.xlsx).")
@click.option("--json", "json_path", metavar="PAD|-", default=None,
              help="Schrijf de uitkomst ook als JSON naar een bestand, of met '-' naar het scherm.")
@click.option("--csv", "csv_path", metavar="PAD", type=click.Path(path_type=Path), default=None,
              help="Schrijf ook één lange tabel (CSV) voor pandas of Power BI.")
@optie("--gemeente", "gemeente", metavar="NAAM", default=None,
       help="De gemeente: kiest haar rijen als de export een kolom Gemeente heeft, en geeft anders de naam.")
@minimum_option
@optie("--vrije-tekst", "texts", is_flag=True,
       help="Neem de antwoorden op open vragen op (alleen voor de hele organisatie, nooit per groep).")
@optie("--vervang", "force", is_flag=True, help="Bestaande uitvoer vervangen.")
@detail_options
def read(files, definition, output, json_path, csv_path, gemeente, minimum, texts, force, detail):
    """Tel een of meer exports van één enquête van één gemeente.

    Per vraag en per groep (afdeling, functie) de verdeling van de antwoorden, het aantal
    respondenten, een grafiek per thema en de indicatoren die behaald zijn.

    \b
    Voorbeeld:
      piramide enquete voorbeeld -o voorbeelden
      piramide enquete voorbeelden/enquete-voorbeeldstad-forms.xlsx -o enquete-voorbeeldstad.xlsx
    """
    from .survey_aggregate import aggregate, pool
    _workbook_output(output)
    if json_path is not None and not json_path.strip():
        raise click.UsageError("--json: geef een bestandsnaam, of '-' voor het scherm.")
    _text_output(json_path, "--json", (".json",))
    if csv_path is not None and str(csv_path) in ("-", "", "."):
        raise click.UsageError("--csv: geef een bestandsnaam die eindigt op .csv.")
    _text_output(csv_path, "--csv", (".csv", ".txt"))
    survey = load_survey(definition)
    check_minimum(survey, minimum)
    json_file = Path(json_path) if json_path and json_path != "-" else None
    folder = output if output is not None and output.is_dir() else None     # -o MAP: the usual name in it
    if folder is not None:
        output = None
    write_dash = json_path != "-" or output is not None or folder is not None
    try:
        named = {"het dashboard (-o)": output} if output else {}
        for option, target in (("--json", json_file), ("--csv", csv_path)):
            if target is not None:
                check_target(target, inputs=files, force=force, option=option)
                named[f"de uitvoer van {option}"] = target
        if output is not None:
            check_target(output, inputs=files, force=force)
        check_distinct(named)
    except OutputError as exc:
        _fail(str(exc))
    exports, failed = read_exports(files, survey, detail)
    if failed or not exports:
        _fail(f"{failed} van {len(files)} export(en) niet te lezen; zie de meldingen hierboven. Er is niets geschreven.")
    pooled = pool(exports, gemeente)
    if gemeente and not pooled.gemeente:
        pooled.gemeente = gemeente
    result = aggregate(pooled, minimum, texts=texts)
    own = [f for f in result.findings if f not in [x for e in exports for x in e.findings]]
    for f in own:
        if detail != STIL:
            echo(f.render(), err=True)
    if has_errors(result.findings):
        n = sum(f.severity == FOUT for f in result.findings)
        _fail(f"{n} fout(en) in de export; er is geen dashboard geschreven. Herstel ze (in een kopie van de export) "
              "en probeer opnieuw.")
    from . import survey_dashboard, survey_serialize
    target = output or (folder or Path("output")) / survey_dashboard.default_name(result)
    try:
        if write_dash:
            if output is None:
                check_target(target, inputs=files, force=force)
            survey_dashboard.write_dashboard(result, target, replace=force)
        if json_path:
            text = survey_serialize.to_json(result)
            if json_path == "-":
                click.echo(text)
            else:
                from .output import write_atomic
                write_atomic(Path(json_path), text.encode("utf-8"), replace=force)
        if csv_path:
            survey_serialize.write_csv([result], csv_path, replace=force)
    except OutputError as exc:
        _fail(str(exc))
    say = (lambda msg: echo(msg, err=True)) if json_path == "-" else echo
    met = [ir for ir in result.indicators.values() if ir.met]
    judged = [ir for ir in result.indicators.values() if ir.met is not None]
    if write_dash:
        say(f"Enquêtedashboard geschreven: {target} ({result.gemeente or 'gemeente onbekend'}, {result.respondents} "
            f"respondenten, {len(met)} van {len(judged)} indicatoren behaald)")


@enquete.command("voorbeeld", cls=DutchCommand)
@optie("-o", "--uitvoer", "folder", metavar="MAP", type=click.Path(file_okay=False, path_type=Path),
       default=Path("output"), show_default=True, help="Map voor de voorbeeldexports.")
@optie("--vervang", "force", is_flag=True, help="Bestaande voorbeeldbestanden vervangen.")
def voorbeeld(folder, force):
    """Schrijf voorbeeldexports van een enquête in de fictieve gemeente Voorbeeldstad.

    Eén zoals Microsoft Forms haar schrijft (.xlsx) en één zoals LimeSurvey (.csv), om
    'piramide enquete' op te proberen.

    \b
    Voorbeeld:
      piramide enquete voorbeeld -o voorbeelden
    """
    from .survey_example import write_example
    try:
        written = write_example(folder, force=force)
    except OutputError as exc:
        _fail(str(exc))
    for path in written:
        echo(f"Voorbeeld geschreven: {path}")


@enquete.command("formulier", cls=DutchCommand)
@definition_option
@optie("-o", "--uitvoer", "output", metavar="PAD", type=click.Path(path_type=Path), default=None,
       help="Het invulformulier (standaard output/enquete-invulformulier.xlsx).")
@optie("--vervang", "force", is_flag=True, help="Een bestaand bestand vervangen.")
def formulier(definition, output, force):
    """Schrijf een invulformulier (Excel) voor wie geen enquêteprogramma heeft.

    Eén rij per respondent, één kolom per vraag, met keuzelijsten. Het ingevulde formulier
    leest 'piramide enquete' zoals een export.

    \b
    Voorbeeld:
      piramide enquete formulier -o formulier.xlsx
    """
    from .survey_form import write_form
    _workbook_output(output)
    survey = load_survey(definition)
    output = output or Path("output") / "enquete-invulformulier.xlsx"
    try:
        check_target(output, force=force)
        write_form(survey, output, replace=force)
    except OutputError as exc:
        _fail(str(exc))
    echo(f"Invulformulier geschreven: {output} ({len(survey.questions)} vragen, {survey.label()})")


@enquete.command("controleer", cls=DutchCommand)
@click.argument("path", metavar="PAD", type=click.Path(dir_okay=False, path_type=Path))
def controleer(path):
    """Controleer een enquête-definitie (.toml of .xlsx) en meld alle fouten met hun plek.

    \b
    Voorbeeld:
      piramide enquete controleer mijn-enquete.toml
    """
    from . import survey_definition as sd
    survey, findings = sd.check(path)
    for f in findings:
        echo(f.render(), err=True)
    if survey is None or has_errors(findings):
        n = sum(f.severity == FOUT for f in findings)
        _fail(f"{display(str(path))}: {n} fout(en) gevonden. Herstel ze en controleer opnieuw.")
    echo(f"{display(str(path))}: in orde. {survey.label()}: {len(survey.questions)} vragen, "
         f"{len(survey.indicators)} indicatoren, kleinste groep {survey.min_group}.")


@enquete.command("export", cls=DutchCommand)
@click.argument("name", metavar="[NAAM|PAD]", required=False, default=None)
@optie("-o", "--uitvoer", "output", metavar="PAD", type=click.Path(path_type=Path), required=True,
       help="Het nieuwe bestand: een .xlsx (om in Excel te bewerken) of een .toml.")
@optie("--vervang", "force", is_flag=True, help="Een bestaand bestand vervangen.")
def export(name, output, force):
    """Schrijf een enquête-definitie als Excel-werkboek (of als TOML), om te bewerken.

    NAAM is een ingebouwde enquête (standaard medewerkersenquete) of een pad naar een
    definitie (.toml of .xlsx). Controleer het na het bewerken met 'piramide enquete controleer'.

    \b
    Voorbeeld:
      piramide enquete export -o mijn-enquete.xlsx
      piramide enquete controleer mijn-enquete.xlsx
    """
    from . import survey_definition as sd
    from .output import write_atomic
    from .survey_definition_workbook import write_survey_definition
    suffix = output.suffix.lower()
    if suffix not in (".xlsx", ".toml"):
        raise click.UsageError(f"-o {display(str(output))}: geef een naam die eindigt op .xlsx of .toml.")
    survey = load_survey(name)
    source = sd.resolve(name)
    try:
        check_target(output, inputs=[source] if isinstance(source, Path) else [], force=force)
        if suffix == ".xlsx":
            write_survey_definition(survey, output, replace=force)
        else:
            write_atomic(output, sd.to_toml(survey).encode("utf-8"), replace=force)
    except OutputError as exc:
        _fail(str(exc))
    echo(f"Definitie geschreven: {output} ({survey.label()}: {len(survey.questions)} vragen, "
         f"{len(survey.indicators)} indicatoren). Controleer na het bewerken met: piramide enquete controleer {output}")
