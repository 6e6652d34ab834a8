"""Dutch sentences about a definition's answer scales, shared by the writers (fill-in workbook,
dashboard), so that what a workbook says about answers follows the definition, whatever its
scales are: "ja = 1, deels = 0,5, nee = 0" for the default one, "volledig = 1, half = 0,5,
geen = 0" for a RIEC's own."""

from __future__ import annotations

from .model import NVT, UNKNOWN, VALUE, Option, Questionnaire, Scale


def used_scales(q: Questionnaire) -> list[Scale]:
    """The scales questions use, in the definition's order."""
    used = {qq.scale_id for qq in q.questions}
    return [s for s in q.scales if s.id in used]


def number(v: float) -> str:
    """A value the Dutch way: 1, 0,5, 0,25."""
    return f"{v:g}".replace(".", ",")


def or_list(words: list[str]) -> str:
    """'a', 'a of b', 'a, b of c'."""
    words = list(dict.fromkeys(words))
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " of " + words[-1]


def _labels(q: Questionnaire, test) -> list[str]:
    return list(dict.fromkeys(o.label for s in used_scales(q) for o in s.options if test(o)))


def full_labels(q: Questionnaire) -> list[str]:
    """Answers that count as fully met (value 1): 'ja'."""
    return _labels(q, lambda o: o.kind == VALUE and o.value == 1.0)


def partial_labels(q: Questionnaire) -> list[str]:
    """Answers between nothing and fully met: 'deels'."""
    return _labels(q, lambda o: o.kind == VALUE and o.value is not None and 0 < o.value < 1)


def nvt_labels(q: Questionnaire) -> list[str]:
    return _labels(q, lambda o: o.kind == NVT)


def unknown_labels(q: Questionnaire) -> list[str]:
    return _labels(q, lambda o: o.kind == UNKNOWN)


def _meaning(o: Option) -> str | None:
    if o.kind == VALUE:
        return f"{o.label} = {number(o.value or 0.0)}"
    if o.kind == UNKNOWN:
        return f"{o.label} = 0"
    return None


def answer_choices(q: Questionnaire) -> str:
    """'ja, deels, nee, n.v.t. of weet niet'; with several scales, each one after the first."""
    scales = used_scales(q)
    lists = list(dict.fromkeys(or_list(s.labels()) for s in scales))
    if len(lists) == 1:
        return lists[0]
    return "een antwoord uit de keuzelijst: " + lists[0] + "; bij sommige vragen " + \
        "; bij andere ".join(lists[1:])


def value_legend(q: Questionnaire) -> str:
    """How answers count in the score: 'ja = 1, deels = 0,5, nee = 0, weet niet = 0'. One list
    when a label means the same in every scale; else per scale."""
    scales = used_scales(q)
    meanings: dict[str, str] = {}
    clash = False
    for s in scales:
        for o in s.options:
            m = _meaning(o)
            if m is None:
                continue
            clash |= meanings.setdefault(o.label, m) != m
    if not clash:
        return ", ".join(meanings.values())
    return "; ".join(f"schaal '{s.name}': " + ", ".join(m for o in s.options if (m := _meaning(o)))
                     for s in scales)


def score_legend(q: Questionnaire, empty: str = "leeg = 0", nvt: str = "telt niet mee") -> str:
    """'ja = 1, deels = 0,5, nee = 0, weet niet = 0, leeg = 0; n.v.t. telt niet mee'."""
    labels = nvt_labels(q)
    return f"{value_legend(q)}, {empty}" + (f"; {or_list(labels)} {nvt}" if labels else "")


def special_answers(q: Questionnaire) -> str:
    """What n.v.t., weet niet and an empty answer do, for the filling-in instructions."""
    parts = []
    if nvt_labels(q):
        only = ", en kan alleen waar de vraag dat zegt" if any(not qq.nvt_allowed for qq in q.questions) else ""
        parts.append(f"{or_list(nvt_labels(q))} telt niet mee{only}")
    if unknown_labels(q):
        parts.append(f"'{or_list(unknown_labels(q))}' telt als niet behaald en wordt gemeld als kennisleemte")
    lead = "; ".join(parts)
    return (f"{lead}. " if lead else "") + "Laat geen vraag leeg: een lege vraag telt als 0 en wordt gemeld."


def status_rule(q: Questionnaire) -> str:
    """The indicator rule of the design notes, in the definition's own answer words."""
    full = or_list(full_labels(q)) or "volledig"
    unknown = or_list(["leeg"] + unknown_labels(q))
    nvt = or_list(nvt_labels(q))
    text = (f"behaald: alle toepasselijke antwoorden {full}; onbekend: de rest {full} maar minstens één antwoord "
            f"{unknown}; deels: gemiddelde boven 0; anders niet behaald")
    if nvt:
        text += f"; n.v.t.: alle vragen {nvt}"
    text = text.rstrip(".") + ". Een indicator telt als gehaald bij behaald" + (" of n.v.t." if nvt else "")
    if any(i.minimum for i in q.indicators):
        text += (". Een keuzemenu-indicator (minimaal k) is behaald zodra k toepasselijke antwoorden "
                 f"{full} zijn (of alle, als er minder dan k toepassen)")
    if nvt and any(not qq.nvt_allowed for qq in q.questions):
        text += (f". Waar een vraag {nvt} niet toestaat, telt dat antwoord als ongeldig: niet beantwoord, "
                 "en een fout in de meldingen")
    return text + "."


# Several invullers, one measurement (combine.py): the rule, said once for every writer.
COMBINE_RULE = (
    "Werkboeken van één gemeente met dezelfde datum en een verschillende invuller ('Ingevuld door') vormen "
    "samen één meting. Per vraag telt het voorzichtigste antwoord: de laagste waarde (ja 1, deels ½, nee 0, of "
    "de waarden van de eigen schaal). Weet niet telt als 0 en wint dus van elk antwoord boven 0; een echt "
    "antwoord met waarde 0 (nee) wint van weet niet. N.v.t. alleen als alle invullers die de vraag "
    "beantwoordden n.v.t. zeggen; een n.v.t. naast een echt antwoord telt niet mee. Laat een invuller een vraag "
    "leeg, dan telt het antwoord van de anderen. Daarna geldt de n.v.t.-regel van de vraag zoals altijd. De "
    "toelichtingen van alle invullers blijven staan, elk met de naam ervoor; de onderbouwing is de stevigste "
    "(document, dan gesprek, dan inschatting) van wie het genomen antwoord gaf, met diens bewijs. Geven de "
    "invullers een andere ambitie, dan geldt de laagste (met een melding). Elke vraag waarop ze verschillen, "
    "staat op het blad Verschillen tussen invullers.")
