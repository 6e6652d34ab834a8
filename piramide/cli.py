"""The command line: a thin layer that parses arguments, calls the library and turns its
findings and exceptions into Dutch messages and exit codes (0 done, 1 input to fix, 2 usage)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import NoReturn

import click

from . import __version__
from . import questionnaire as qmod
from .findings import has_errors
from .output import OutputError, check_target


def _fail(message: str) -> NoReturn:
    raise click.ClickException(message)


def _load_questionnaire(name: str | None):
    try:
        return qmod.load(name)
    except qmod.QuestionnaireError as exc:
        _fail("de vragenlijst heeft fouten:\n" + "\n".join(f.render() for f in exc.findings) +
              f"\nControleer haar met: piramide questionnaire check {name or qmod.DEFAULT}")


def _load_candidates(names: tuple[str, ...]):
    """The given definitions (the first is the main one), then the built-in ones, so that each
    workbook is read with the version it was made from."""
    given = [_load_questionnaire(n) for n in names] or [_load_questionnaire(None)]
    builtin = [qmod.load(n) for n in qmod.builtin_names()]
    return given + [b for b in builtin if (b.id, b.version) not in {(g.id, g.version) for g in given}]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", "-V", prog_name="piramide", message="%(prog)s %(version)s")
def main():
    """piramide: de Piramide Fitte Gemeenten invullen, scoren en volgen.

    Alles draait lokaal; er gaat niets over het netwerk.

    \b
    Voorbeeld:
      piramide example
      piramide score output/voorbeeldstad-vervolgmeting-2026-03-18.xlsx
    """


QUESTIONNAIRE_OPTION = click.option(
    "--questionnaire", "-q", "questionnaire_name", metavar="NAAM|PAD", default=None,
    help=f"Vragenlijst: een ingebouwde naam ({', '.join(qmod.builtin_names())}) of een pad naar een .toml.")
QUESTIONNAIRES_OPTION = click.option(
    "--questionnaire", "-q", "questionnaire_names", metavar="NAAM|PAD", multiple=True,
    help="Vragenlijst(en): een ingebouwde naam of een pad naar een .toml. Meer keer te geven voor metingen "
         "met verschillende versies; elk werkboek wordt gelezen met de versie waarmee het gemaakt is.")


@main.command()
@QUESTIONNAIRE_OPTION
@click.option("-o", "--output", "output", type=click.Path(dir_okay=False, path_type=Path),
              default=None, help="Waar het invulwerkboek komt (standaard output/piramide-invulwerkboek.xlsx).")
@click.option("--force", is_flag=True, help="Een bestaand bestand vervangen.")
def template(questionnaire_name, output, force):
    """Schrijf een leeg invulwerkboek voor de OOV-adviseur.

    \b
    Voorbeeld:
      piramide template -o invulwerkboek-2026.xlsx
    """
    from .template import write_template
    q = _load_questionnaire(questionnaire_name)
    output = output or Path("output") / "piramide-invulwerkboek.xlsx"
    try:
        check_target(output, force=force)
        write_template(q, output)
    except OutputError as exc:
        _fail(str(exc))
    click.echo(f"Invulwerkboek geschreven: {output} ({len(q.questions)} vragen, {q.label()})")


@main.command()
@QUESTIONNAIRE_OPTION
@click.option("-o", "--output", "folder", type=click.Path(file_okay=False, path_type=Path),
              default=Path("output"), show_default=True, help="Map voor de voorbeeldwerkboeken.")
@click.option("--force", is_flag=True, help="Bestaande voorbeeldbestanden vervangen.")
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
                click.echo(f"Bestaat al, overgeslagen: {target} (gebruik --force om te vervangen)")
                continue
            write_template(q, target, filled=m)
            click.echo(f"Voorbeeld geschreven: {target}")
    except OutputError as exc:
        _fail(str(exc))


def _read_all(files, candidates, strict):
    """Read and score each file (on every core when there are many); bad files are reported
    and skipped, never fatal to the batch."""
    from .batch import score_files
    results, failed = [], []
    for o in score_files(files, candidates, strict):
        for line in o.lines:
            click.echo(line, err=True)
        if o.failed:
            failed.append(o.path)
        else:
            results.append(o.result)
    return results, failed


FILES = click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))


def _inputs(files, history) -> list[Path]:
    """The files given, plus the workbooks in each --history folder (not our own dashboards)."""
    out = list(files)
    for folder in history:
        for p in sorted(folder.iterdir()):
            if p.suffix.lower() in (".xlsx", ".xlsm") and not p.name.startswith(("~$", ".~")) \
                    and "-dashboard-" not in p.name:
                out.append(p)
    if not out:
        raise click.UsageError("geef minstens één bestand, of een map met --history.")
    return out


@main.command()
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@QUESTIONNAIRES_OPTION
@click.option("--history", multiple=True, type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Een map met metingen van een gemeente (alle .xlsx/.xlsm erin), naast of in plaats van bestanden.")
@click.option("-o", "--output", type=click.Path(path_type=Path), default=None,
              help="Map voor de dashboards (standaard output/), of bij één gemeente een .xlsx-pad.")
@click.option("--json", "json_path", metavar="PAD|-", default=None,
              help="Schrijf de uitslag ook als JSON (naar een bestand, of '-' voor het scherm).")
@click.option("--strict", is_flag=True, help="Lege antwoorden en 'weet niet' gelden als fout: geen dashboard.")
@click.option("--force", is_flag=True, help="Bestaande dashboards vervangen.")
def score(files, questionnaire_names, history, output, json_path, strict, force):
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
      piramide score --history metingen/voorbeeldstad/
    """
    import json

    from .batch import write_dashboards
    from .dashboard import default_name
    from .trends import build_trends
    files = _inputs(files, history)
    if json_path and json_path != "-":
        try:  # before any work: an existing JSON is an output like the dashboards
            check_target(json_path, inputs=files, force=force)
        except OutputError as exc:
            _fail(str(exc))
    candidates = _load_candidates(questionnaire_names)
    say = (lambda msg: click.echo(msg, err=True)) if json_path == "-" else click.echo
    results, failed = _read_all(files, candidates, strict)
    trends = build_trends(results)
    single_file = output is not None and output.suffix.lower() in (".xlsx", ".xlsm")
    if single_file and len(trends) > 1:
        raise click.UsageError("-o met een .xlsx-naam kan alleen bij één gemeente; geef een map op.")
    jobs = []
    for t in trends:
        for f in t.findings:
            click.echo(f.render(), err=True)
        target = output if single_file else (output or Path("output")) / default_name(t.latest)
        try:
            check_target(target, inputs=files, force=force)
        except OutputError as exc:
            click.echo(f"fout: {exc}", err=True)
            failed.append(Path(t.latest.measurement.source))
            continue
        jobs.append((t, target))
    for (t, target), error in zip(jobs, write_dashboards(jobs)):
        if error:
            click.echo(f"fout: {error}", err=True)
            failed.append(Path(t.latest.measurement.source))
            continue
        phases = ", ".join(f"{p.pillar.id} {p.phase}" for p in t.latest.pillars)
        more = f", {len(t.results)} metingen" if len(t.results) > 1 else ""
        say(f"Dashboard geschreven: {target} ({t.gemeente}{more}, fasen {phases})")
    if json_path:
        payload = [t.latest.to_dict() | {"trend": t.to_dict()} for t in trends]
        text = json.dumps(payload[0] if len(trends) == 1 else payload, ensure_ascii=False, indent=2)
        if json_path == "-":
            click.echo(text)
        else:
            from .output import atomic_path
            try:
                with atomic_path(json_path) as tmp:
                    tmp.write_text(text, encoding="utf-8")
            except OutputError as exc:
                _fail(str(exc))
    if failed:
        _fail(f"{len(failed)} van {len(files)} bestand(en) niet verwerkt; zie de meldingen hierboven.")


@main.command()
@FILES
@QUESTIONNAIRES_OPTION
@click.option("--strict", is_flag=True, help="Lege antwoorden en 'weet niet' gelden als fout.")
def check(files, questionnaire_names, strict):
    """Controleer ingevulde piramides zonder iets te schrijven: alleen de meldingen.

    \b
    Voorbeeld:
      piramide check gemeente.xlsx
    """
    results, failed = _read_all(files, _load_candidates(questionnaire_names), strict)
    for r in results:
        m = r.measurement
        warn = sum(f.severity != "fout" for f in r.findings)
        click.echo(f"{m.source}: in orde ({m.gemeente}, {m.datum:%d-%m-%Y}, {len(m.answers)} vragen gevonden"
                   + (f", {warn} waarschuwing(en))" if warn else ")"))
    if failed:
        _fail(f"{len(failed)} van {len(files)} bestand(en) met fouten; herstel ze en controleer opnieuw.")


def _workbooks_in(paths) -> list[Path]:
    """Files as given; folders searched (with subfolders) for workbooks, not our own outputs."""
    out = []
    for p in paths:
        if p.is_dir():
            out += sorted(f for f in p.rglob("*") if f.suffix.lower() in (".xlsx", ".xlsm")
                          and not f.name.startswith(("~$", ".~")) and "-dashboard-" not in f.name
                          and not f.name.startswith("regio-overzicht"))
        else:
            out.append(p)
    return out


CSV_COLUMNS = ["gemeente", "datum", "questionnaire", "pijler", "fase", "score", "indicator", "status"]


def _csv_safe(value):
    """Text that a spreadsheet would run as a formula is written with a leading apostrophe."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return "" if value is None else value


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@QUESTIONNAIRES_OPTION
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Het overzicht (standaard output/regio-overzicht-<datum>.xlsx).")
@click.option("--anonymous", is_flag=True, help="Namen vervangen door codes, om buiten het RIEC te delen.")
@click.option("--sleutel", envvar="PIRAMIDE_SLEUTEL", default=None, metavar="TEKST",
              help="Geheime sleutel voor de codes van --anonymous (of PIRAMIDE_SLEUTEL); met dezelfde sleutel "
                   "houdt een gemeente dezelfde code.")
@click.option("--csv", "csv_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Schrijf ook één lange tabel (CSV) voor pandas of Power BI.")
@click.option("--strict", is_flag=True, help="Lege antwoorden en 'weet niet' gelden als fout.")
@click.option("--force", is_flag=True, help="Bestaande uitvoer vervangen.")
def region(paths, questionnaire_names, output, anonymous, sleutel, csv_path, strict, force):
    """Maak één overzicht van alle gemeenten in een regio.

    Per gemeente de laatste meting (fase en score per pijler, het verschil met de vorige
    meting en de naam van het dashboard), de verdeling van de regio over de fasen, en de
    indicatoren die het vaakst nog open staan. Mappen worden doorzocht, met submappen.

    \b
    Voorbeeld:
      piramide region metingen/ -o regio-2026.xlsx --csv regio-2026.csv
      piramide region metingen/ --anonymous --sleutel "geheim van het RIEC"
    """
    import csv
    import datetime as dt
    import hashlib
    import secrets

    from .regionbook import write_overview
    from .regions import build_overview
    files = _workbooks_in(paths)
    if not files:
        raise click.UsageError("geen werkboeken gevonden in de opgegeven mappen.")
    results, failed = _read_all(files, _load_candidates(questionnaire_names), strict)
    if not results:
        _fail(f"geen enkel bestand te verwerken ({len(failed)} met fouten); zie de meldingen hierboven.")
    key = None
    if anonymous:
        if sleutel:
            key = hashlib.sha256(sleutel.encode()).digest()
        else:
            key = secrets.token_bytes(32)
            click.echo("let op: zonder --sleutel gelden de codes alleen voor dit overzicht; geef --sleutel "
                       "(of PIRAMIDE_SLEUTEL) voor codes die bij een volgend overzicht gelijk blijven.", err=True)
    ov = build_overview(results, anonymous, key)
    if not anonymous:
        for f in ov.findings:
            click.echo(f.render(), err=True)
    stem = "regio-overzicht-anoniem" if anonymous else "regio-overzicht"
    output = output or Path("output") / f"{stem}-{dt.date.today().isoformat()}.xlsx"
    try:
        check_target(output, inputs=files, force=force)
        write_overview(ov, output)
        if csv_path:
            from .output import atomic_path
            check_target(csv_path, inputs=files, force=force)
            with atomic_path(csv_path) as tmp:
                with open(tmp, "w", newline="", encoding="utf-8-sig") as fh:
                    w = csv.DictWriter(fh, CSV_COLUMNS)
                    w.writeheader()
                    for row in ov.long_rows():
                        w.writerow({k: _csv_safe(v) for k, v in row.items()})
    except OutputError as exc:
        _fail(str(exc))
    click.echo(f"Regio-overzicht geschreven: {output} ({len(ov.rows)} gemeenten"
               + (f"; CSV: {csv_path}" if csv_path else "") + ")")
    if failed:
        _fail(f"{len(failed)} van {len(files)} bestand(en) niet verwerkt; zie de meldingen hierboven.")


@main.group()
def questionnaire():
    """Vragenlijst-definities bekijken en controleren."""


@questionnaire.command("check")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--vorige", "previous", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="De eerdere versie, om 'vervangt'-verwijzingen te controleren.")
def questionnaire_check(path, previous):
    """Controleer een vragenlijst-definitie en meld alle fouten met hun regel.

    \b
    Voorbeeld:
      piramide questionnaire check questionnaires/piramide-fitte-gemeenten.toml
      piramide questionnaire check mijn-regio-2.toml --vorige mijn-regio-1.toml
    """
    q, findings = qmod.check(path, previous)
    for f in findings:
        click.echo(f.render(), err=True)
    if q is None or has_errors(findings):
        n = sum(f.severity == "fout" for f in findings)
        _fail(f"{path}: {n} fout(en) gevonden. Herstel ze en controleer opnieuw.")
    phases = ", ".join(f"{p.number} {p.name}" for p in q.phases)
    click.echo(f"{path}: in orde. {q.label()}: {len(q.pillars)} pijlers, {len(q.indicators)} indicatoren, "
               f"{len(q.questions)} vragen; fasen: {phases}.")


@questionnaire.command("list")
def questionnaire_list():
    """Toon de ingebouwde vragenlijsten.

    \b
    Voorbeeld:
      piramide questionnaire list
    """
    for name in qmod.builtin_names():
        q = qmod.load(name)
        click.echo(f"{name}: {q.label()}, {len(q.questions)} vragen")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
