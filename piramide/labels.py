"""The workbook vocabulary shared by the template writer and the reader: the labels a person
sees, so that the reader finds fields by what they say, not by where they stand."""

import re

from .model import BASES, DOCUMENT, ENQUETE, GESPREK, INSCHATTING  # noqa: F401  (the reader and template use them from here)

SHEET_FRONT = "Voorblad"
SHEET_QUESTIONS = "Vragen"
SHEET_OVERVIEW = "Overzicht"
SHEET_CALC = "Berekening"
SHEET_TERMS = "Begrippen"
SHEET_LISTS = "Lijsten"
SHEET_INFO = "_piramide"

# Front-sheet fields: key -> label. The reader also accepts the aliases below.
META = {
    "gemeente": "Gemeente",
    "regio": "RIEC-regio",
    "datum": "Datum meting",
    "soort": "Soort meting",
    "ingevuld_door": "Ingevuld door",
    "geraadpleegd": "Geraadpleegd (functies en afdelingen)",
}
META_ALIASES = {
    "gemeente": ["gemeentenaam", "naam gemeente"],
    "regio": ["riec regio", "regio", "riec"],
    "datum": ["datum", "meetdatum", "datum van meting"],
    "soort": ["soort", "type meting"],
    "ingevuld_door": ["ingevuld", "invuller", "adviseur"],
    "geraadpleegd": ["geraadpleegd", "geraadpleegde functies", "geraadpleegde afdelingen", "gesproken met",
                     "betrokken afdelingen"],
}
AMBITIE_PREFIX = "Ambitie: "
SOORTEN = ["0-meting", "vervolgmeting"]

# Question table headers.
COL_ID = "ID"
COL_ANSWER = "Antwoord"
COL_REMARK = "Toelichting"
ID_ALIASES = ["id", "vraag-id", "vraagid", "nr", "nummer", "vraagnummer"]
ANSWER_ALIASES = ["antwoord", "antwoorden", "score"]
REMARK_ALIASES = ["toelichting", "opmerking", "opmerkingen", "toelichting antwoord", "uw toelichting"]
COL_BASIS = "Hoe bepaald"
COL_EVIDENCE = "Bewijs (vindplaats)"
BASIS_ALIASES = ["hoe bepaald", "bepaald via", "hoe vastgesteld", "onderbouwing", "grondslag"]
EVIDENCE_ALIASES = ["bewijs (vindplaats)", "bewijs", "vindplaats", "bewijsstuk", "bewijs / vindplaats",
                    "bewijs en vindplaats"]
# The ways people write how an answer was reached (model.BASES).
BASIS_FORMS = {"document": DOCUMENT, "documenten": DOCUMENT, "doc": DOCUMENT, "stuk": DOCUMENT,
               "documentstudie": DOCUMENT, "gesprek": GESPREK, "gesprekken": GESPREK, "interview": GESPREK,
               "interviews": GESPREK, "mondeling": GESPREK, "inschatting": INSCHATTING,
               "schatting": INSCHATTING, "ingeschat": INSCHATTING, "eigen inschatting": INSCHATTING,
               "enquête": ENQUETE, "enquete": ENQUETE, "medewerkersenquête": ENQUETE, "medewerkersenquete": ENQUETE,
               "medewerkersonderzoek": ENQUETE, "vragenlijst medewerkers": ENQUETE}

# Info sheet keys.
INFO_ID = "vragenlijst_id"
INFO_VERSION = "vragenlijst_versie"


_INVISIBLE = re.compile("[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")


_NORMED: dict[str, str] = {}     # short texts already normalised (in memory only, bounded)


def norm(text) -> str:
    """Lower-case, single-spaced, no trailing colon: how labels are compared."""
    if type(text) is str:
        hit = _NORMED.get(text)
        if hit is not None:
            return hit
    key = text = str(text)
    if not text.isascii():                   # invisible characters are never ASCII: skip the search
        text = _INVISIBLE.sub("", text)
    out = " ".join(text.replace("\u00a0", " ").split()).strip().rstrip(":").strip().lower()
    if len(key) <= 100 and len(_NORMED) < 20000:
        _NORMED[key] = out
    return out
