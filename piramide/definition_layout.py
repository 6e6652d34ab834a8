"""The vocabulary of a definition workbook: which sheets, which columns, what they mean.

One place for the reader, the writer and the Uitleg sheet (and for `infer`, which drafts such
a workbook). A column's header is exactly the TOML key of the definition format; a sheet is
one TOML table (`[[indicatoren]]` is the sheet Indicatoren), one row per item. Where TOML has
a list:

- `vervangt`, `synoniemen`, `producten`: one value per line in the cell (Alt+Enter in Excel);
- a pillar's `fasen`: one column per phase, `fase 1`, `fase 2`, …, the lowest first;
- a scale's `antwoorden`: one row per answer on the sheet Schalen, the scale's id repeated on
  every row of that scale (`id`, `naam` belong to the scale; `label`, `waarde`, `soort`,
  `synoniemen` to the answer).

The settings (`id`, `versie`, `titel`, …) stand on the sheet Instellingen as rows of two
columns, `veld` and `waarde`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Kinds of cell value.
TEXT, INT, NUMBER, LIST = "tekst", "geheel getal", "getal", "lijst"


@dataclass(frozen=True)
class Column:
    key: str                 # the TOML key, and the column's header
    kind: str = TEXT
    required: bool = False
    width: float = 20
    help: str = ""


@dataclass(frozen=True)
class Sheet:
    name: str                # the sheet's name in the workbook
    table: str               # the TOML table it holds ("" for the settings)
    columns: tuple[Column, ...]
    required: bool
    help: str

    def column(self, key: str) -> Column | None:
        return next((c for c in self.columns if c.key == key), None)


VERVANGT = Column("vervangt", LIST, width=12,
                  help="Id('s) uit een eerdere versie die dit item voortzet, één per regel in de cel. Zo blijft een "
                       "0-meting vergelijkbaar met latere metingen.")

SETTINGS = Sheet("Instellingen", "", (
    Column("veld", TEXT, True, 20, "De naam van de instelling, precies zoals hieronder."),
    Column("waarde", TEXT, True, 70, "De waarde."),
), True, "De gegevens van de vragenlijst als geheel: één rij per instelling, met de kolommen veld en waarde.")

# The rows of the settings sheet: the top-level keys of the definition that are not tables.
SETTING_FIELDS: tuple[Column, ...] = (
    Column("id", TEXT, True, help="Vaste naam van de vragenlijst, zonder spaties (bijvoorbeeld mijn-regio). Het "
                                  "invulwerkboek onthoudt hem, zodat een meting met de goede vragenlijst wordt gelezen."),
    Column("versie", TEXT, True, help="Versie van de vragenlijst, als tekst (bijvoorbeeld 2.0)."),
    Column("titel", TEXT, True, help="De titel boven het invulwerkboek en het dashboard."),
    Column("toelichting", TEXT, help="Een toelichting bij de vragenlijst (optioneel)."),
    Column("standaard_schaal", TEXT, help="De antwoordschaal van een vraag die zelf geen schaal noemt "
                                          "(standaard de eerste schaal op het blad Schalen)."),
    Column("aantal_vragen", INT, help="Optioneel: het aantal vragen dat de vragenlijst moet hebben; de controle "
                                      "meldt het als het niet klopt."),
    Column("vervangt_versie", TEXT, help="Optioneel: de versie die deze versie opvolgt."),
)

PHASE_COLUMN = "fase {n}"                       # a pillar's text for phase n
PHASE_COLUMN_RE = re.compile(r"^fase_?(\d+)$")  # matched on a normalised header

SHEETS: tuple[Sheet, ...] = (
    SETTINGS,
    Sheet("Fasen", "fasen", (
        Column("nummer", INT, True, 9, "Het nummer van de fase: 1, 2, 3 … zonder gaten; 1 is de onderste laag."),
        Column("naam", TEXT, True, 24, "De naam van de fase."),
        Column("beschrijving", TEXT, False, 60, "Wat de fase betekent (optioneel)."),
    ), True, "De fasen van de piramide, van onder naar boven: één rij per fase."),
    Sheet("Pijlers", "pijlers", (
        Column("id", TEXT, True, 8, "Korte vaste code van de pijler (bijvoorbeeld BO)."),
        Column("naam", TEXT, True, 26, "De naam van de pijler."),
        Column("beschrijving", TEXT, False, 40, "Wat de pijler omvat (optioneel)."),
    ), True, "De pijlers: één rij per pijler. Daarnaast per fase een kolom fase 1, fase 2, … met wat die fase in "
             "deze pijler betekent (optioneel; vult u ze in, dan voor elke fase)."),
    Sheet("Schalen", "schalen", (
        Column("id", TEXT, True, 8, "Code van de schaal, op elke rij van die schaal herhaald."),
        Column("naam", TEXT, False, 16, "De naam van de schaal (optioneel)."),
        Column("label", TEXT, True, 12, "Het antwoord zoals het in de keuzelijst staat."),
        Column("waarde", NUMBER, False, 9, "Hoeveel het antwoord telt, van 0 tot 1 (ja = 1, deels = 0,5, nee = 0). "
                                           "Leeg bij soort nvt of onbekend."),
        Column("soort", TEXT, False, 11, "waarde (telt met de waarde), nvt (telt niet mee) of onbekend (weet niet: "
                                         "telt als 0 en wordt gemeld). Leeg is waarde."),
        Column("synoniemen", LIST, False, 16, "Andere schrijfwijzen die als dit antwoord gelden, één per regel."),
    ), True, "De antwoordschalen: één rij per antwoord, met het id van de schaal op elke rij herhaald."),
    Sheet("Indicatoren", "indicatoren", (
        Column("id", TEXT, True, 9, "Vaste code van de indicator; blijft gelijk tussen versies."),
        Column("pijler", TEXT, True, 8, "Het id van de pijler (keuzelijst uit het blad Pijlers)."),
        Column("fase", INT, True, 7, "Het nummer van de fase (keuzelijst uit het blad Fasen)."),
        Column("naam", TEXT, True, 28, "De naam van de indicator."),
        Column("thema", TEXT, False, 14, "Het thema dat van fase tot fase groeit (optioneel)."),
        Column("betekenis", TEXT, False, 30, "Wat de indicator betekent (optioneel)."),
        Column("handvat", TEXT, True, 36, "Wat de gemeente kan doen om de indicator te halen."),
        Column("eerste_stap", TEXT, False, 24, "Een eerste stap (optioneel)."),
        Column("eigenaar", TEXT, False, 14, "Wie de stap zet (optioneel)."),
        Column("klein", TEXT, False, 24, "De variant voor een kleine gemeente (optioneel)."),
        Column("producten", LIST, False, 20, "Bestaande producten om te gebruiken, één per regel (optioneel)."),
        Column("minimaal", INT, False, 9, "Keuzemenu: behaald bij zoveel keer ja (optioneel; leeg is: alle vragen ja)."),
        VERVANGT,
    ), True, "De indicatoren: één rij per indicator. Elke pijler heeft in elke fase minstens één indicator nodig."),
    Sheet("Vragen", "vragen", (
        Column("id", TEXT, True, 8, "Vaste code van de vraag; blijft gelijk tussen versies."),
        Column("indicator", TEXT, True, 9, "Het id van de indicator (keuzelijst uit het blad Indicatoren)."),
        Column("vraag", TEXT, True, 40, "De vraag zoals de OOV-adviseur haar leest."),
        Column("hulp", TEXT, False, 26, "Uitleg bij de vraag (optioneel)."),
        Column("ja_als", TEXT, False, 24, "Wanneer het antwoord ja is (optioneel)."),
        Column("deels_als", TEXT, False, 20, "Wanneer het antwoord deels is (optioneel)."),
        Column("nvt_als", TEXT, False, 20, "Wanneer n.v.t. mag. Staat er wel ja_als maar geen nvt_als, dan mag "
                                           "n.v.t. bij deze vraag niet."),
        Column("schaal", TEXT, False, 8, "Het id van de antwoordschaal (keuzelijst); leeg is de standaard_schaal."),
        Column("bron", TEXT, True, 14, "Het id van een bron van het blad Bronnen, eventueel met de vindplaats "
                                       "erachter (bijvoorbeeld 003 §2.5)."),
        Column("sectie", TEXT, False, 14, "Een tussenkop boven de vraag in het invulwerkboek (optioneel)."),
        VERVANGT,
        Column("enquete", TEXT, False, 14, "Optioneel: het id van een indicator van de medewerkersenquête die deze "
                                           "vraag beantwoordt (piramide score --enquete)."),
    ), True, "De vragen: één rij per vraag, in de volgorde van het invulwerkboek."),
    Sheet("Bronnen", "bronnen", (
        Column("id", TEXT, True, 8, "Code van de bron, waarnaar de kolom bron van Vragen verwijst."),
        Column("titel", TEXT, True, 40, "De volledige titel."),
        Column("kort", TEXT, False, 18, "Een korte naam voor in het invulwerkboek (optioneel)."),
        Column("jaar", INT, False, 7, "Het jaar van uitgave (optioneel)."),
        Column("adres", TEXT, False, 36, "Waar de bron te vinden is (optioneel)."),
    ), False, "De bronnen waarnaar de vragen verwijzen (optioneel blad)."),
    Sheet("Begrippen", "begrippen", (
        Column("term", TEXT, True, 22, "Het begrip."),
        Column("uitleg", TEXT, True, 60, "De uitleg, voor het blad Begrippen van het invulwerkboek."),
        Column("bron", TEXT, False, 14, "De bron van de uitleg (optioneel)."),
    ), False, "De woordenlijst van het invulwerkboek (optioneel blad)."),
)

# --- a staff survey (survey_definition): the same conventions, its own sheets -------------

SURVEY_SETTING_FIELDS: tuple[Column, ...] = (
    Column("id", TEXT, True, help="Vaste naam van de enquête, zonder spaties (bijvoorbeeld medewerkersenquete)."),
    Column("versie", TEXT, True, help="Versie van de enquête, als tekst (bijvoorbeeld 1.0)."),
    Column("titel", TEXT, True, help="De titel boven het enquêtedashboard."),
    Column("toelichting", TEXT, help="Een toelichting bij de enquête (optioneel)."),
    Column("minimum_groep", INT, help="De kleinste groep waarvan cijfers getoond worden: 5 of meer (optioneel; "
                                      "standaard 5)."),
)

SURVEY_SHEETS: tuple[Sheet, ...] = (
    SETTINGS,
    Sheet("Themas", "themas", (
        Column("id", TEXT, True, 12, "Korte vaste code van het thema."),
        Column("naam", TEXT, True, 26, "De naam van het thema, boven zijn grafiek."),
        Column("beschrijving", TEXT, False, 50, "Wat het thema omvat (optioneel)."),
    ), False, "De thema's: één rij per thema; elk thema krijgt een grafiek."),
    Sheet("Schalen", "schalen", (
        Column("id", TEXT, True, 10, "Code van de schaal, op elke rij van die schaal herhaald."),
        Column("naam", TEXT, False, 18, "De naam van de schaal (optioneel)."),
        Column("label", TEXT, True, 22, "Het antwoord zoals de respondent het kiest."),
        Column("synoniemen", LIST, False, 18, "Hoe een enquêteprogramma het antwoord ook schrijft (Y, A1, Yes, 5), "
                                              "één per regel."),
        Column("telt_mee", TEXT, False, 9, "nee bij een antwoord als 'wil ik niet zeggen', dat niet meetelt in de "
                                           "percentages; leeg is ja."),
    ), True, "De antwoordschalen: één rij per antwoord, met het id van de schaal op elke rij herhaald."),
    Sheet("Vragen", "vragen", (
        Column("id", TEXT, True, 12, "Vaste code van de vraag; ook de kolomkop die een export kan gebruiken."),
        Column("vraag", TEXT, True, 44, "De vraag zoals de respondent haar leest; de kolomkop van de export."),
        Column("soort", TEXT, False, 8, "keuze (standaard), groep (zoals afdeling of functie) of open."),
        Column("schaal", TEXT, False, 10, "Het id van de antwoordschaal; nodig bij keuze, mag bij groep."),
        Column("thema", TEXT, False, 12, "Het id van het thema (optioneel)."),
        Column("synoniemen", LIST, False, 22, "Andere kolomkoppen voor deze vraag, één per regel (optioneel)."),
        Column("bron", TEXT, False, 12, "De bron van de vraag (optioneel)."),
    ), True, "De vragen: één rij per vraag."),
    Sheet("Indicatoren", "indicatoren", (
        Column("id", TEXT, True, 14, "Vaste code van de indicator; een piramide-vraag kan ernaar verwijzen."),
        Column("naam", TEXT, True, 30, "De naam van de indicator."),
        Column("vraag", TEXT, True, 12, "Het id van de keuzevraag waarop de indicator rust."),
        Column("antwoorden", LIST, True, 18, "De antwoorden die meetellen voor het percentage, één per regel."),
        Column("minimaal", NUMBER, False, 9, "Behaald bij ten minste dit percentage (of vul maximaal in)."),
        Column("maximaal", NUMBER, False, 9, "Behaald bij hoogstens dit percentage (of vul minimaal in)."),
        Column("thema", TEXT, False, 12, "Het id van het thema (optioneel; standaard dat van de vraag)."),
        Column("betekenis", TEXT, False, 36, "Waarom deze norm (optioneel)."),
        Column("bron", TEXT, False, 12, "De bron (optioneel)."),
    ), False, "De indicatoren: een norm op een percentage van de antwoorden op één vraag."),
    SHEETS[-2],                                           # Bronnen, as in a piramide
)

SURVEY_BY_TABLE = {s.table: s for s in SURVEY_SHEETS}


@dataclass(frozen=True)
class Layout:
    """Which sheets a definition workbook has and which settings its Instellingen holds."""
    sheets: tuple[Sheet, ...]
    settings: tuple[Column, ...]

    @property
    def by_table(self) -> dict[str, Sheet]:
        return {s.table: s for s in self.sheets}


EXPLANATION = "Uitleg"     # written first, ignored when read
LISTS = "Lijsten"          # hidden helper sheet for the dropdowns, ignored when read
IGNORED = (EXPLANATION, LISTS)

BY_TABLE = {s.table: s for s in SHEETS}
BY_NAME = {s.name: s for s in SHEETS}

PIRAMIDE = Layout(SHEETS, SETTING_FIELDS)
SURVEY = Layout(SURVEY_SHEETS, SURVEY_SETTING_FIELDS)

TODO = "nog in te vullen"   # the note on a cell that still has to be filled in (infer)


def norm(name: object) -> str:
    """A sheet name or header as compared: case, surrounding and repeated spaces, and spaces
    against underscores do not matter ('Eerste stap ' is eerste_stap)."""
    return re.sub(r"[\s_]+", "_", str(name).strip().casefold())


def phase_column(n: int) -> str:
    return PHASE_COLUMN.format(n=n)
