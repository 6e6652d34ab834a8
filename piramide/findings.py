"""Findings are data: one catalogue of Dutch message templates, each with where, what, and
what to do. Code raises a finding by its code and context, never with a pasted string."""

from __future__ import annotations

from dataclasses import dataclass

from .text import display

FOUT, WAARSCHUWING = "fout", "waarschuwing"

# code: (severity, template). Templates say what is wrong and what to do; the place (file,
# sheet, cell or line) is rendered in front of them by Finding.render().
CATALOGUE: dict[str, tuple[str, str]] = {
    # --- questionnaire definitions ---------------------------------------------------------
    "def_onleesbaar": (FOUT, "het bestand is geen geldige TOML: {detail}. Herstel de opmaak op die plek."),
    "def_bestaat_niet": (FOUT, "deze vragenlijst bestaat niet: geen bestand met die naam en geen ingebouwde vragenlijst. "
                               "Geef een pad naar een .toml of .xlsx, of een ingebouwde naam: {namen}."),
    "def_geen_tekst": (FOUT, "dit bestand is geen tekst (UTF-8), dus geen vragenlijst-definitie. Geef het .toml-bestand, of een definitie in Excel (.xlsx)."),
    "def_veld_ontbreekt": (FOUT, "{waar} mist het veld '{veld}'. Vul het in."),
    "def_veld_type": (FOUT, "{waar}: '{veld}' moet {soort} zijn. Pas de waarde aan."),
    "def_onbekend_veld": (WAARSCHUWING, "{waar}: onbekend veld '{veld}'{suggestie}. Het wordt genegeerd."),
    "def_dubbel_id": (FOUT, "{soort} '{id}' komt meer dan eens voor. Geef elk(e) {soort} een eigen id."),
    "def_onbekende_pijler": (FOUT, "indicator '{id}' verwijst naar pijler '{pijler}', die niet bestaat{suggestie}. Kies een van: {keuzes}."),
    "def_onbekende_fase": (FOUT, "indicator '{id}' heeft fase {fase}, die niet bestaat. Kies een van: {keuzes}."),
    "def_onbekende_indicator": (FOUT, "vraag '{id}' verwijst naar indicator '{indicator}', die niet bestaat{suggestie}. Kies een bestaande indicator."),
    "def_vraag_zonder_indicator": (FOUT, "vraag '{id}' hoort bij geen indicator. Vul 'indicator' in."),
    "def_indicator_zonder_vragen": (FOUT, "indicator '{id}' heeft geen vragen. Voeg een vraag toe of verwijder de indicator."),
    "def_fase_zonder_indicator": (FOUT, "pijler '{pijler}' heeft geen indicator in fase {fase}. Elke pijler heeft in elke fase minstens één indicator nodig."),
    "def_onbekende_schaal": (FOUT, "vraag '{id}' gebruikt schaal '{schaal}', die niet bestaat. Kies een van: {keuzes}."),
    "def_schaal_fout": (FOUT, "schaal '{id}': {detail}."),
    "def_fasen_volgorde": (FOUT, "de fasen moeten genummerd zijn 1, 2, 3 … zonder gaten; gevonden: {nummers}."),
    "def_aantal_vragen": (FOUT, "de definitie belooft {verwacht} vragen (aantal_vragen) maar bevat er {gevonden}. Pas 'aantal_vragen' of de vragen aan."),
    "def_vervangt_onbekend": (FOUT, "{soort} '{id}' vervangt '{oud}', maar dat id staat niet in de eerdere versie {vorige}. Controleer 'vervangt'."),
    "def_pijler_fasen": (FOUT, "pijler '{pijler}' beschrijft {gevonden} fasen in 'fasen', maar de definitie heeft er {fasen}. Geef één beschrijving per fase, de laagste eerst."),
    "def_minimaal": (FOUT, "indicator '{id}' vraagt minimaal {minimaal} keer ja, maar heeft maar {vragen} vragen. Verlaag 'minimaal' of voeg vragen toe."),
    "def_onbekende_bron": (FOUT, "vraag '{id}' noemt bron '{bron}', die niet bij [[bronnen]] staat{suggestie}. Voeg de bron toe of verbeter de verwijzing."),
    "def_is_enquete": (FOUT, "dit is een enquête-definitie (soort = \"enquete\"), geen piramide. Controleer haar met "
                             "'piramide enquete controleer' en gebruik haar met 'piramide enquete' of --enquete-definitie."),
    "def_leeg": (FOUT, "de definitie bevat geen {soort}. Voeg ze toe."),
    # --- a definition authored in Excel (a definition workbook) ------------------------------
    "defx_blad_ontbreekt": (FOUT, "het blad '{blad}' ontbreekt{suggestie}. Voeg het toe met de kolommen {kolommen} in "
                                  "de eerste rij (zie het blad Uitleg van een geëxporteerde definitie: piramide "
                                  "questionnaire export -o definitie.xlsx)."),
    "defx_blad_onbekend": (WAARSCHUWING, "onbekend blad{suggestie}; het wordt niet gelezen. Een definitie heeft de bladen {bladen}."),
    "defx_blad_dubbel": (FOUT, "het blad '{blad}' staat er twee keer (ook als '{ander}'). Verwijder of hernoem een van beide."),
    "defx_blad_verborgen": (FOUT, "dit blad van de definitie is verborgen en wordt niet gelezen. Maak het zichtbaar "
                                  "(rechtsklik op een bladtab > Zichtbaar maken) en controleer wat erop staat."),
    "defx_blad_leeg": (FOUT, "dit blad is leeg: de eerste rij hoort de kolomnamen te bevatten ({kolommen}). Vul ze in."),
    "defx_kolom_ontbreekt": (FOUT, "de kolom '{kolom}' ontbreekt{suggestie}. Zet '{kolom}' als kolomnaam in rij {rij}."),
    "defx_kolom_onbekend": (WAARSCHUWING, "onbekende kolom '{kolom}'{suggestie}; ze wordt niet gelezen. Kolommen van dit blad: {kolommen}."),
    "defx_kolom_dubbel": (FOUT, "de kolom '{kolom}' staat er twee keer (ook in {ander}). Verwijder of hernoem een van beide."),
    "defx_formule": (FOUT, "de cel bevat een formule ({formule}); een definitie bevat alleen vaste waarden. Typ de waarde zelf in."),
    "defx_foutwaarde": (FOUT, "de cel bevat de foutwaarde {waarde}. Typ de waarde zelf in."),
    "defx_geen_tekst": (FOUT, "'{veld}' moet tekst zijn, maar de cel bevat {wat}. Typ het als tekst: zet er een apostrof "
                              "voor ('{waarde}) of geef de cel de opmaak Tekst."),
    "defx_geen_getal": (FOUT, "'{veld}' moet {soort} zijn, maar de cel bevat {wat}. Typ een getal."),
    "defx_samengevoegd": (FOUT, "samengevoegde cellen ({bereik}): de waarde staat alleen in de eerste cel. Maak de "
                                "samenvoeging ongedaan (Start > Samenvoegen en centreren) en vul elke rij zelf in."),
    "defx_antwoord_zonder_schaal": (FOUT, "het antwoord '{label}' hoort bij geen schaal: de kolom 'id' is leeg. Herhaal het "
                                          "id van de schaal op elke rij van die schaal."),
    "defx_instelling_dubbel": (FOUT, "de instelling '{veld}' staat er twee keer (ook in {ander}). Verwijder een van beide."),
    # --- reading a filled workbook --------------------------------------------------------
    "antwoord_ongeldig": (FOUT, "'{waarde}' is geen geldig antwoord op vraag {vraag}; kies {keuzes}."),
    "antwoord_foutwaarde": (FOUT, "de cel bevat de foutwaarde {waarde} in plaats van een antwoord op vraag {vraag}. "
                                  "Typ het antwoord zelf in of herstel de formule."),
    "antwoord_nvt_niet_toegestaan": (FOUT, "vraag {vraag} is beantwoord met n.v.t., maar n.v.t. kan bij deze vraag niet; het telt als niet beantwoord. Kies {keuzes}; wanneer ja of deels past, staat naast de vraag."),
    "bepaald_onbekend": (WAARSCHUWING, "'{waarde}' bij vraag {vraag} zegt niet hoe het antwoord is bepaald; kies {keuzes}. Het antwoord telt niet als onderbouwd met een document."),
    "antwoord_leeg": (WAARSCHUWING, "vraag {vraag} is niet beantwoord. Vul een antwoord in (of n.v.t.); een leeg antwoord telt als niet behaald."),
    "antwoord_weet_niet": (WAARSCHUWING, "vraag {vraag} is beantwoord met 'weet niet': een kennisleemte. Zoek het antwoord uit voor de volgende meting."),
    "antwoord_formule_zonder_waarde": (FOUT, "het antwoord op vraag {vraag} is een formule zonder opgeslagen uitkomst. Open het bestand in Excel of LibreOffice, sla het op en probeer opnieuw."),
    "vraag_ontbreekt": (FOUT, "vraag {vraag} staat niet in het werkboek. Zet de rij terug (zie een leeg invulwerkboek: piramide template)."),
    "vraag_dubbel": (FOUT, "vraag {vraag} staat er meer dan eens in (ook op {andere}). Verwijder de dubbele rij."),
    "vraag_onbekend": (WAARSCHUWING, "'{vraag}' is geen vraag uit {vragenlijst}. Deze rij wordt genegeerd."),
    "vraag_tekst_lijkt_op": (FOUT, "de vraag '{tekst}' lijkt op vraag {vraag} ('{vraagtekst}'), maar is niet dezelfde tekst; "
                                   "het antwoord telt niet mee. Is het dezelfde vraag, neem dan de tekst uit de vragenlijst "
                                   "over of zet {vraag} in een kolom ID."),
    "vraag_tekst_onbekend": (WAARSCHUWING, "'{tekst}' is geen vraag uit {vragenlijst} (niet op id, nummer of tekst gevonden). "
                                           "Deze rij wordt genegeerd."),
    "vraag_nummer_onbekend": (WAARSCHUWING, "vraagnummer '{nummer}' wijst geen vraag aan {waar}; {uitleg}. Deze rij wordt "
                                            "genegeerd; controleer de nummering."),
    "vraag_nummer_tekst": (FOUT, "nummer '{nummer}' is vraag {vraag}, maar de tekst is die van vraag {andere}. Controleer de "
                                 "nummering of de tekst; deze rij telt niet mee."),
    "antwoord_twee_markeringen": (FOUT, "vraag {vraag} heeft meer dan één antwoord aangekruist: {plekken}. Laat één kruisje "
                                        "staan, onder het antwoord dat geldt."),
    "markering_ongeldig": (FOUT, "'{waarde}' onder '{kolom}' is geen kruisje bij vraag {vraag}. Zet een x onder het gekozen "
                                 "antwoord en laat de andere kolommen leeg."),
    "indeling_onbekend": (FOUT, "hier is geen vragentabel herkend. Gevonden: {gevonden}. Ontbreekt: {ontbreekt}. Zet boven de "
                                "vragen één kopregel met een kolom ID, Nr of Vraag en een kolom Antwoord, of een kolom per "
                                "antwoord ({labels}) met een x onder het gekozen antwoord; of gebruik het invulwerkboek "
                                "(piramide template)."),
    "blad_niet_herkend": (WAARSCHUWING, "dit blad lijkt vragen te bevatten, maar er is geen vragentabel herkend; het wordt niet "
                                        "gelezen. Gevonden: {gevonden}. Ontbreekt: {ontbreekt}. Zet boven de vragen één kopregel "
                                        "met een kolom ID, Nr of Vraag en een kolom Antwoord, of een kolom per antwoord ({labels})."),
    "indeling_geen_vragen": (FOUT, "de kopregel op rij {rij} is herkend ({kolommen}), maar geen van de {aantal} rijen eronder "
                                   "hoort op id, nummer of tekst bij een vraag van {vragenlijst}. Geef met --vragenlijst (-q) "
                                   "de vragenlijst van dit werkboek, of zet de id's van de vragen in een kolom ID."),
    "infer_eigen_uitvoer": (FOUT, "dit is een {soort} dat piramide zelf heeft gemaakt; daar valt geen vragenlijst uit af te "
                                  "leiden. Geef het vragenlijst-werkboek van het RIEC, of gebruik 'piramide questionnaire "
                                  "export' voor een ingebouwde vragenlijst."),
    "infer_geen_tabel": (FOUT, "in dit werkboek is geen vragentabel herkend, dus er valt geen vragenlijst uit af te leiden "
                               "(gezien: {gezien}). Zet boven de vragen één kopregel met een kolom Nr of Vraag en een kolom "
                               "Antwoord, of een kolom per antwoord (Ja, Deels, Nee, N.v.t.)."),
    "geen_vragen": (FOUT, "het werkboek bevat geen enkele vraag van {vragenlijst}. Is dit wel een ingevulde piramide?"),
    "meta_ontbreekt": (FOUT, "'{veld}' is niet ingevuld op het voorblad. Vul het in."),
    "meta_tegenstrijdig": (FOUT, "'{veld}' is hier '{waarde}', maar op {plek} staat '{andere}'. Staat er een kopie van "
                                 "een oud voorblad in het werkboek? Verwijder de kopie of maak beide gelijk, en probeer opnieuw."),
    "meta_verborgen": (FOUT, "'{veld}' ('{waarde}') staat alleen op een verborgen blad en wordt daar niet gelezen. "
                             "Maak het voorblad zichtbaar (rechtsklik op een bladtab > Zichtbaar maken) of vul het veld in op het voorblad."),
    "meta_verborgen_optioneel": (WAARSCHUWING, "'{veld}' ('{waarde}') staat alleen op een verborgen blad en wordt daar "
                                               "niet gelezen. Vul het in op het voorblad als het mee moet tellen."),
    "vragen_verborgen": (WAARSCHUWING, "dit blad is verborgen en bevat vragen; het wordt niet gelezen. Staan de "
                                       "antwoorden hier, maak het blad dan zichtbaar (rechtsklik op een bladtab > Zichtbaar maken)."),
    "voorblad_verborgen": (FOUT, "het voorblad is verborgen, en '{veld}' wordt nu op {plek} gevonden, een ander blad. "
                                 "Is dat een kopie van een oud voorblad? Maak het voorblad zichtbaar of verwijder de kopie."),
    "meta_foutwaarde": (FOUT, "'{veld}' bevat de foutwaarde {waarde} in plaats van een waarde. Typ de waarde zelf in of herstel de formule."),
    "meta_formule_zonder_waarde": (FOUT, "'{veld}' is een formule zonder opgeslagen uitkomst. Open het bestand in Excel of "
                                         "LibreOffice, sla het op en probeer opnieuw, of typ de waarde zelf in."),
    "meta_datum_toekomst": (WAARSCHUWING, "de datum van de meting, {datum}, ligt in de toekomst. Controleer het jaartal."),
    "meta_datum_oud": (WAARSCHUWING, "de datum van de meting, {datum}, ligt voor 2000. Controleer het jaartal."),
    "meta_datum_ongeldig": (FOUT, "'{waarde}' is geen datum die ik herken. Schrijf bijvoorbeeld 15-03-2026."),
    "meta_ambitie_ongeldig": (WAARSCHUWING, "ambitie '{waarde}' voor {pijler} is geen fase; kies een fasenummer of fasenaam. De ambitie wordt niet getoond."),
    "meta_soort_ongeldig": (WAARSCHUWING, "soort meting '{waarde}' is onbekend; kies 0-meting of vervolgmeting."),
    "versie_anders": (WAARSCHUWING, "het werkboek is gemaakt met {werkboek}, maar de geladen vragenlijst is {geladen}. Gebruik --vragenlijst (-q) met de juiste versie."),
    "vragenlijst_anders": (FOUT, "het werkboek is gemaakt met vragenlijst '{werkboek}', niet met '{geladen}'. Gebruik --vragenlijst (-q) met de juiste vragenlijst."),
    # --- staff surveys (enquête) -------------------------------------------------------------
    "enq_def_bestaat_niet": (FOUT, "deze enquête bestaat niet: geen bestand met die naam en geen ingebouwde enquête. "
                                   "Geef een pad naar een .toml-bestand of een ingebouwde naam: {namen}."),
    "enq_def_geen_enquete": (FOUT, "dit is geen enquête-definitie: 'soort' is {soort}, niet \"enquete\". Zet soort = \"enquete\" "
                                   "bovenaan, of gebruik een piramide-definitie met -q."),
    "enq_def_minimum": (FOUT, "minimum_groep '{waarde}' mag niet lager zijn dan {minimum}: kleinere groepen maken "
                              "respondenten herkenbaar. Geef een heel getal van {minimum} of meer."),
    "enq_def_soort_vraag": (FOUT, "vraag '{id}' heeft soort '{soort}'; kies een van: {keuzes}."),
    "enq_def_open_schaal": (WAARSCHUWING, "vraag '{id}' is een open vraag en heeft geen schaal nodig; de schaal wordt genegeerd."),
    "enq_def_onbekend_thema": (FOUT, "'{id}' noemt thema '{thema}', dat niet bij [[themas]] staat{suggestie}. Kies een van: {keuzes}."),
    "enq_def_indicator_vraag": (FOUT, "indicator '{id}' noemt vraag '{vraag}', maar dat is geen keuzevraag van deze enquête{suggestie}. "
                                      "Geef het id van een vraag met soort keuze."),
    "enq_def_indicator_antwoord": (FOUT, "indicator '{id}' telt antwoord '{antwoord}', dat niet (als meetellend antwoord) in de "
                                         "schaal van de vraag staat. Kies uit: {keuzes}."),
    "enq_def_norm": (FOUT, "indicator '{id}' heeft precies één norm nodig: 'minimaal' of 'maximaal' (een percentage). Vul er één in."),
    "enq_geen_vragen": (FOUT, "in deze export is geen enkele vraag van {enquete} gevonden als kolomkop. Gevonden kolommen: "
                              "{kolommen}. Is dit de export van deze enquête? Kies anders de juiste definitie met --definitie."),
    "enq_vraag_ontbreekt": (WAARSCHUWING, "de vraag '{vraag}' ({id}) staat niet als kolom in de export; ze en haar indicatoren "
                                          "tellen als niet gevraagd."),
    "enq_kolom_lijkt_op": (WAARSCHUWING, "de kolom '{kolom}' lijkt op vraag {id} ('{vraag}'), maar is niet dezelfde tekst; ze wordt "
                                         "niet gelezen. Is het dezelfde vraag, zet de kolomkop dan als synoniem bij de vraag."),
    "enq_kolom_dubbel": (FOUT, "vraag {id} staat in twee kolommen ({kolommen}). Verwijder een van beide uit een kopie van de export."),
    "enq_antwoord_onbekend": (FOUT, "'{waarde}' is geen antwoord op vraag {id}; kies {keuzes}. Het komt {aantal} keer voor in "
                                    "deze kolom. Voeg het als synoniem toe aan de schaal in de definitie, of verbeter een kopie van de export."),
    "enq_geen_respondenten": (FOUT, "de export bevat geen enkele ingevulde rij onder de kopregel. Exporteer de antwoorden opnieuw."),
    "enq_foutwaarde": (FOUT, "de cel bevat de foutwaarde {waarde} in plaats van een antwoord op vraag {id}. Verbeter een kopie van de export."),
    "enq_csv_onleesbaar": (FOUT, "dit CSV-bestand is niet te lezen: {detail}. Exporteer opnieuw als CSV (UTF-8) of als Excel-bestand."),
    "enq_geen_export": (FOUT, "dit is geen enquête-export: {detail}. Geef de export van het enquêteprogramma als .xlsx of .csv."),
    "enq_gemeenten_meerdere": (FOUT, "de export bevat antwoorden van meer dan één gemeente ({gemeenten}). Kies er één met "
                                     "--gemeente, of vergelijk ze met piramide region --enquete."),
    "enq_gemeente_onbekend": (FOUT, "gemeente '{gemeente}' komt niet voor in de kolom Gemeente van de export; wel: {gemeenten}."),
    "enq_te_veel_rijen": (FOUT, "de export heeft meer dan {aantal} rijen; dat is geen enquête van één organisatie. Splits de export."),
    "enq_minimum_lager": (FOUT, "de kleinste groep kan niet kleiner dan {minimum} respondenten: kleinere groepen maken mensen herkenbaar."),
    "enq_geen_koppeling": (WAARSCHUWING, "{vragenlijst} koppelt geen enkele vraag aan een enquête-indicator, dus --enquete "
                                         "vult hier niets in. Zet enquete = \"<indicator-id>\" bij de vragen die de enquête beantwoordt."),
    "enq_koppeling_onbekend": (WAARSCHUWING, "vraag {vraag} wordt beantwoord door enquête-indicator '{indicator}', maar die staat "
                                             "niet in {enquete}. Het antwoord uit het werkboek blijft staan; controleer 'enquete' bij de vraag."),
    "enq_niet_te_beoordelen": (WAARSCHUWING, "vraag {vraag} kan niet uit de enquête worden ingevuld ('{indicator}': {reden}); "
                                             "het antwoord uit het werkboek blijft staan."),
    "enq_wijkt_af": (WAARSCHUWING, "vraag {vraag} is in het werkboek '{werkboek}', maar de enquête geeft '{enquete}'; het antwoord "
                                   "uit de enquête telt. Bespreek het verschil met de OOV-adviseur."),
    "enq_welke_gemeente": (FOUT, "de export heeft geen kolom Gemeente, en deze run heeft metingen van {aantal} gemeenten: "
                                 "welke gemeente de enquête hield is niet te zeggen. Geef --enquete bij één gemeente per keer, "
                                 "of voeg een kolom Gemeente toe aan een kopie van de export."),
    "enq_rijen_zonder_gemeente": (WAARSCHUWING, "{aantal} rij(en) van de export hebben geen gemeente in de kolom Gemeente; "
                                                "ze tellen bij geen enkele gemeente mee."),
    "enq_gemeente_niet_gevonden": (FOUT, "bij welke gemeente hoort deze export? Hij heeft geen kolom Gemeente, en de bestandsnaam "
                                         "noemt niet precies één gemeente van de metingen (gevonden: {gevonden}). Zet de naam van de "
                                         "gemeente in de bestandsnaam (enquete-voorbeeldstad.xlsx) of voeg een kolom Gemeente toe "
                                         "aan een kopie van de export."),
    "enq_eigen_uitvoer": (FOUT, "dit is een {soort} dat piramide zelf heeft gemaakt, geen export van een enquête. Geef de "
                                "export van het enquêteprogramma (.xlsx of .csv), of het ingevulde invulformulier."),
    "enq_export_dubbel": (WAARSCHUWING, "deze export is hetzelfde bestand als {ander} (zelfde inhoud); ze telt één keer mee."),
    "enq_export_zelfde_antwoorden": (WAARSCHUWING, "deze export bevat precies dezelfde antwoorden als {ander}: dezelfde enquête "
                                                   "in een ander formaat? Ze telt één keer mee."),
    "enq_map_leeg": (FOUT, "in deze map staan geen exports (.xlsx of .csv). Geef de bestanden zelf, of een andere map."),
    "enq_ver_van_meting": (WAARSCHUWING, "de enquête is van {periode}, {maanden} maanden van de meting van {datum}: haar "
                                         "antwoorden zeggen misschien niet meer hoe het nu is. Gebruik een recente enquête."),
    "enq_gemeente_niet_in_export": (WAARSCHUWING, "de enquête-export {export} heeft geen antwoorden van {gemeente}; de vragen "
                                                  "die de enquête zou beantwoorden, blijven zoals in het werkboek."),
    "enq_weinig_respondenten": (WAARSCHUWING, "de enquête{van} heeft {aantal} respondenten, minder dan {minimum}: er worden geen cijfers "
                                              "getoond, alleen het aantal."),
    "pijler_niet_te_beoordelen": (WAARSCHUWING, "alle vragen van pijler {pijler} zijn n.v.t.; deze pijler is niet te beoordelen."),
}


@dataclass(frozen=True)
class Finding:
    code: str
    severity: str
    message: str
    file: str = ""
    sheet: str = ""
    cell: str = ""
    line: int | None = None
    strict: bool = False        # a warning made a fout by --strict

    def place(self) -> str:
        parts = [self.file] if self.file else []
        if self.sheet:
            parts.append(f"{self.sheet}!{self.cell}" if self.cell else self.sheet)
        if self.line:
            parts.append(f"regel {self.line}")
        return ", ".join(parts)

    def render(self) -> str:
        place = self.place()
        severity = f"{self.severity} (--streng)" if self.strict else self.severity
        return f"{severity}: {place}: {self.message}" if place else f"{severity}: {self.message}"

    def to_dict(self) -> dict:
        """Plain data with the keys of every piramide JSON (Dutch, like the CSV and frames)."""
        return {"code": self.code, "ernst": self.severity, "bericht": self.message, "bestand": self.file or None,
                "blad": self.sheet or None, "cel": self.cell or None, "regel": self.line}


def finding(code: str, *, file: str = "", sheet: str = "", cell: str = "",
            line: int | None = None, **context) -> Finding:
    """A finding from the catalogue. Every text from a file or a cell is shown safely: no
    control character, escape sequence or lone surrogate reaches a terminal or a report."""
    severity, template = CATALOGUE[code]
    context = {k: display(v) if isinstance(v, str) else v for k, v in context.items()}
    return Finding(code, severity, template.format(**context), display(file), display(sheet), display(cell), line)


SHORT = {"antwoord_leeg": "niet beantwoord", "antwoord_weet_niet": "weet niet", "vraag_onbekend": "onbekende vraag",
         "versie_anders": "andere versie", "pijler_niet_te_beoordelen": "pijler niet te beoordelen",
         "meta_datum_oud": "datum voor 2000", "meta_datum_toekomst": "datum in de toekomst",
         "vragen_verborgen": "verborgen blad", "gemeente_spelling": "schrijfwijze", "datum_dubbel": "dubbele datum",
         "invullers_samengenomen": "invullers samengenomen", "ambitie_verschilt": "andere ambitie"}


def short_name(code: str) -> str:
    """A few words for a kind of finding, to count them on one line."""
    return SHORT.get(code, code.replace("_", " "))


def has_errors(findings) -> bool:
    return any(f.severity == FOUT for f in findings)

CATALOGUE.update({
    # --- trends over several measurements --------------------------------------------------
    "bestand_dubbel": (WAARSCHUWING, "dit bestand is hetzelfde als {ander} (zelfde inhoud); het telt één keer mee."),
    "datum_dubbel": (WAARSCHUWING, "{gemeente} heeft twee metingen op {datum}: {bestanden}. Beide staan in de trend; "
                                   "als laatste meting geldt {gekozen}. Is één ervan een oude versie, laat die dan weg. Zijn het "
                                   "werkboeken van verschillende invullers, vul dan bij elk 'Ingevuld door' in: dan "
                                   "worden ze samengenomen tot één meting."),
    "gemeente_spelling": (WAARSCHUWING, "dezelfde gemeente staat er in verschillende schrijfwijzen: {namen}. "
                                        "Ze zijn samengenomen onder {gekozen}, want dat is {reden}. "
                                        "Gebruik voortaan die schrijfwijze."),
})

CATALOGUE.update({
    # --- the gate: files that cannot be read as a workbook at all --------------------------
    "invoer_bestaat_niet": (FOUT, "dit bestand bestaat niet. Controleer de naam en de map."),
    "invoer_map": (FOUT, "dit is een map, geen bestand. Geef een werkboek, of gebruik --historie voor een map met metingen."),
    "eigen_uitvoer": (WAARSCHUWING, "dit is een {soort} dat piramide zelf heeft gemaakt, geen ingevulde meting; het wordt "
                                    "overgeslagen. Geef het ingevulde invulwerkboek."),
    "invoer_kapot_werkboek": (FOUT, "het bestand is geen leesbaar of een beschadigd Excel-werkboek ({detail}). Open "
                                    "het in Excel of LibreOffice, sla het opnieuw op als .xlsx en probeer opnieuw."),
    "invoer_calamine": (FOUT, "python-calamine kan dit werkboek niet lezen. Lees het zonder engine='calamine'."),
    "invoer_intern": (FOUT, "onverwachte fout bij het lezen ({detail}). De andere bestanden zijn wel verwerkt; meld "
                            "dit bestand aan de beheerder van piramide."),
    "map_onleesbaar": (FOUT, "deze map kan niet worden gelezen ({detail}); de werkboeken erin zijn niet meegenomen. "
                             "Vraag leesrechten of kopieer de map."),
    "sleutel_kort": (WAARSCHUWING, "de sleutel is korter dan {minimum} tekens en dus te raden; wie de namen kent, kan de "
                                   "codes dan terugrekenen. Kies een lange zin die alleen het RIEC kent."),
    "niets_verwerkt": (FOUT, "geen enkele meting verwerkt: alle bestanden zijn overgeslagen of hebben fouten. Geef de "
                             "ingevulde invulwerkboeken."),
    "invoer_te_veel_cellen": (FOUT, "de bladen van dit werkboek hebben samen meer dan {aantal} cellen; een ingevulde "
                                    "piramide heeft er veel minder. Controleer of dit het goede bestand is."),
    "invoer_geen_bestand": (FOUT, "dit is {soort}, geen gewoon bestand; het wordt niet gelezen. Geef het ingevulde "
                                  ".xlsx-werkboek zelf."),
    "invoer_geen_rechten": (FOUT, "u mag dit bestand niet lezen. Vraag leesrechten of kopieer het naar een eigen map."),
    "invoer_onleesbaar": (FOUT, "dit bestand kan niet worden gelezen ({detail}). Kopieer het opnieuw en probeer nog eens."),
    "invoer_leeg": (FOUT, "het bestand is leeg (0 bytes). Vraag het ingevulde werkboek opnieuw op."),
    "invoer_te_groot": (FOUT, "het bestand is {grootte} MB; een ingevulde piramide is veel kleiner. Controleer of dit het goede bestand is."),
    "invoer_tekst": (FOUT, "dit is een tekstbestand (bijvoorbeeld CSV), geen Excel-werkboek. Gebruik het ingevulde .xlsx-werkboek."),
    "invoer_pdf": (FOUT, "dit is een PDF, geen Excel-werkboek. Gebruik het ingevulde .xlsx-werkboek."),
    "invoer_onbekend": (FOUT, "dit is geen spreadsheet (onbekend formaat). Gebruik het ingevulde .xlsx-werkboek."),
    "invoer_zip_kapot": (FOUT, "het bestand is beschadigd of onvolledig (een afgebroken download of bijlage?). Vraag het opnieuw op."),
    "invoer_geen_werkboek": (FOUT, "dit is een zip-bestand maar geen Excel-werkboek{soort}. Gebruik het ingevulde .xlsx-werkboek."),
    "invoer_wachtwoord": (FOUT, "het werkboek is met een wachtwoord versleuteld. Open het in Excel, verwijder het wachtwoord "
                                "(Bestand > Info > Werkmap beveiligen > Versleutelen met wachtwoord, veld leegmaken), sla op en probeer opnieuw."),
    "invoer_xls": (FOUT, "dit is het oude Excel-formaat (.xls, Excel 97-2003). Open het in Excel of LibreOffice en sla het op als "
                         "Excel-werkmap (.xlsx)."),
    "invoer_ods": (FOUT, "dit is een LibreOffice-rekenblad (.ods). Open het in LibreOffice en kies Bestand > Opslaan als > "
                         "Excel 2007-365 (.xlsx), en gebruik dat bestand."),
    "document_geen_docx": (FOUT, "dit is geen Word-document (.docx){soort}. Open het sjabloon in Word en sla het op als "
                                 "Word-document (.docx)."),
    "document_te_groot": (FOUT, "het bestand is {grootte} MB; een sjabloon met logo is veel kleiner. Controleer of dit het "
                                "goede bestand is, of maak de plaatjes erin kleiner."),
    "document_zip_bom": (FOUT, "het document pakt uit tot {grootte} (onderdeel {onderdeel}); dat is verdacht groot en wordt "
                               "niet geopend. Sla het sjabloon opnieuw op in Word."),
    "document_xml_onveilig": (FOUT, "onderdeel {onderdeel} bevat een DOCTYPE- of ENTITY-declaratie, wat een Word-document "
                                    "nooit heeft; het wordt niet geopend. Sla het sjabloon opnieuw op in Word."),
    "invoer_zip_bom": (FOUT, "het werkboek pakt uit tot {grootte} (onderdeel {onderdeel}); dat is verdacht groot en wordt niet "
                             "geopend. Vraag het werkboek opnieuw op."),
    "invoer_xml_onveilig": (FOUT, "onderdeel {onderdeel} bevat een DOCTYPE- of ENTITY-declaratie, wat een Excel-werkboek nooit heeft; "
                                  "het bestand wordt niet geopend. Vraag het werkboek opnieuw op."),
})


CATALOGUE.update({
    # --- the action plan of a previous dashboard (--actieplan) -------------------------------
    "actieplan_geen_dashboard": (FOUT, "dit is {wat}, dus geen actieplan om over te nemen. Geef met --actieplan het "
                                       "dashboard van de vorige meting (het blad Verbeterpunten met actiehouder, "
                                       "streefdatum en status)."),
    "actieplan_geen_blad": (FOUT, "dit dashboard heeft geen blad Verbeterpunten met een kolom Indicator en een kolom "
                                  "Actiehouder, Streefdatum of Status actie. Zet die kolomkoppen terug (of geef het "
                                  "dashboard zoals piramide het schreef) en probeer opnieuw."),
    "actieplan_andere_gemeente": (FOUT, "dit actieplan is van {gemeente}, maar in deze run is geen meting van die gemeente "
                                        "verwerkt. Geef het dashboard van dezelfde gemeente, of de meting erbij."),
    "actieplan_niet_gebruikt": (WAARSCHUWING, "er is een later actieplan van dezelfde gemeente gegeven ({gekozen}); dit "
                                              "wordt niet gebruikt. Geef één actieplan per gemeente."),
    "actieplan_status_onbekend": (WAARSCHUWING, "'{waarde}' is geen status van een actie die ik herken; hij blijft staan "
                                                "zoals getypt en telt als open. Kies afgerond, loopt, open of vervallen."),
    "actieplan_datum_onbekend": (WAARSCHUWING, "'{waarde}' is geen streefdatum die ik herken; hij blijft staan zoals "
                                               "getypt en telt niet als over tijd. Schrijf bijvoorbeeld 15-03-2026 of "
                                               "maart 2026."),
    "actieplan_niet_gekoppeld": (WAARSCHUWING, "'{tekst}' is geen indicator van {vragenlijst}; de actie staat als eigen "
                                               "actie op het nieuwe actieplan. Verbeter het id als het een indicator "
                                               "moest zijn."),
    "actieplan_afgerond_open": (WAARSCHUWING, "de actie voor {indicator} staat op afgerond, maar de indicator is nu "
                                              "{status}. Bespreek of de actie genoeg was en wat er nog nodig is."),
    "actieplan_later": (WAARSCHUWING, "dit actieplan hoort bij een meting van {plan}, na de nieuwe meting van {meting}. "
                                      "Controleer of u het goede dashboard gaf."),
})

# Parts of the layout messages above, so that every Dutch word stays in this catalogue.
FRAGMENTS = {
    "leeg_blad": "een leeg blad",
    "rijen": "{rijen} gevulde rijen, waarvan {vragen} die op vragen lijken",
    "kopregel": "een kopregel op rij {rij} met {koppen}",
    "geen_kopregel": "geen kopregel",
    "mist_antwoord": "een antwoordkolom (Antwoord, Score, Ja/Nee) of een kolom per antwoord ({labels})",
    "mist_sleutel": "een kolom met het id, het nummer of de tekst van de vraag (ID, Nr, Vraag)",
    "mist_kopregel": "een kopregel boven de vragen",
    "in_pijler": "in pijler {pijler}",
    "in_vragenlijst": "in {vragenlijst}",
    "nummer_id": "een nummer is hier het getal aan het eind van het id ({voorbeeld})",
    "nummer_volgorde": "een nummer is hier de plaats van de vraag, 1 tot en met {aantal}",
}


def fragment(key: str, **context) -> str:
    return FRAGMENTS[key].format(**context)

CATALOGUE.update({
    # --- several invullers, one measurement (combine.py) -----------------------------------
    "invuller_dubbel": (FOUT, "'{naam}' heeft op {datum} ook {ander} ingevuld ('Ingevuld door' daar: '{andere_naam}', "
                              "{andere_cel}). Twee werkboeken van één invuller op één datum worden niet samengenomen, en "
                              "geen van beide telt mee. Laat de oude versie weg, of zet in elk werkboek de naam van wie "
                              "het echt invulde."),
    "invuller_andere_vragenlijst": (FOUT, "dit werkboek (ingevuld door {naam}, {datum}) is gemaakt met vragenlijst {deze}, "
                                          "maar {ander} van dezelfde meting (ingevuld door {andere_naam}) met {die}. "
                                          "Invullers van één meting gebruiken dezelfde vragenlijst: laat de invuller "
                                          "opnieuw invullen in een invulwerkboek van de goede versie (piramide template)."),
    "invullers_samengenomen": (WAARSCHUWING, "{aantal} werkboeken van {gemeente} op {datum} (ingevuld door {namen}) "
                                             "vormen samen één meting, per vraag met het voorzichtigste antwoord. Op "
                                             "{verschillen} vraag/vragen verschillen de invullers: bespreek ze met het "
                                             "blad Verschillen tussen invullers van het dashboard."),
    "ambitie_verschilt": (WAARSCHUWING, "de invullers van {datum} geven een andere ambitie voor {pijler} ({wie}); de "
                                        "meting neemt de laagste, fase {gekozen}. Spreek één ambitie af en zet die in "
                                        "elk werkboek."),
    "invuller_niet_meegeteld": (WAARSCHUWING, "de meting van {gemeente} op {datum} is samengesteld zonder {bestand} "
                                              "(ingevuld door {naam}), want dat werkboek heeft een fout. Herstel het en "
                                              "maak het dashboard opnieuw."),
})
