"""The command line: a thin layer that parses arguments, calls the library and turns its
findings and exceptions into Dutch messages and exit codes (0 done, 1 input to fix, 2 usage)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from . import __version__
from . import questionnaire as qmod
from .findings import has_errors
from .output import OutputError, check_target


def _fail(message: str) -> None:
    raise click.ClickException(message)


def _load_questionnaire(name: str | None):
    try:
        return qmod.load(name)
    except qmod.QuestionnaireError as exc:
        _fail("de vragenlijst heeft fouten:\n" + "\n".join(f.render() for f in exc.findings) +
              f"\nControleer haar met: piramide questionnaire check {name or qmod.DEFAULT}")


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
