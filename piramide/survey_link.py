"""A staff survey answers piramide questions (score --enquete). Pure: a Measurement and a
SurveyResult in, a new Measurement out.

A piramide question marked `enquete = "<indicator id>"` in its definition gets its answer from
that survey indicator: the scale's highest answer (ja) when the norm is met, its lowest (nee)
when it is not, with the figure as toelichting, the survey as bewijs and "enquête" as how it
was determined. The survey measures what the OOV desk can only estimate, so it takes the place
of the workbook's answer; where the two differ, a warning names both. An indicator that cannot
be judged (too few respondents, question not asked) leaves the workbook's answer as it is.
"""

from __future__ import annotations

import dataclasses

from .findings import finding
from .measurement import EMPTY, INVALID, Answer, Measurement
from .model import ENQUETE, VALUE, Questionnaire
from .survey import SurveyResult
from .text import round_pct


def linked(q: Questionnaire) -> list:
    return [x for x in q.questions if x.survey]


def describe(result: SurveyResult) -> str:
    """The survey in one line, for evidence and the Over sheet (file names, never contents)."""
    files = ", ".join(name for name, _ in result.sources)
    when = f", {result.period}" if result.period else ""
    return f"{result.survey.title} ({result.respondents} respondenten{when}; {files})"


def _months_apart(period: str, when) -> int | None:
    """How many months lie between the survey's month ("oktober 2025") and the measurement."""
    from .survey_reader import MONTHS
    month, _, year = period.partition(" ")
    if when is None or month not in MONTHS or not year.isdigit():
        return None
    return abs((when.year - int(year)) * 12 + when.month - (MONTHS.index(month) + 1))


def fill(m: Measurement, q: Questionnaire, result: SurveyResult) -> Measurement:
    answers = dict(m.answers)
    findings = list(m.findings)
    fname = m.source
    used = []
    questions = linked(q)
    if not questions:
        findings.append(finding("enq_geen_koppeling", file=fname, vragenlijst=q.label()))
    months = _months_apart(result.period, m.datum)
    if months is not None and months > 12:
        findings.append(finding("enq_ver_van_meting", file=fname, periode=result.period,
                                datum=m.datum.strftime("%d-%m-%Y") if m.datum else "", maanden=months))
    for question in questions:
        iid = question.survey
        ir = result.indicators.get(iid)
        if ir is None:
            findings.append(finding("enq_koppeling_onbekend", file=fname, vraag=question.id, indicator=iid,
                                    enquete=result.survey.label()))
            continue
        if ir.met is None or ir.share is None:
            why = "de vraag staat niet in de export" if not ir.asked else \
                f"te weinig antwoorden (minder dan {result.min_group})"
            findings.append(finding("enq_niet_te_beoordelen", file=fname, vraag=question.id,
                                    indicator=ir.indicator.name, reden=why))
            continue
        scale = q.scale(question.scale_id)
        values = [o for o in scale.options if o.kind == VALUE and o.value is not None]
        option = max(values, key=lambda o: o.value or 0) if ir.met else min(values, key=lambda o: o.value or 0)
        remark = (f"Uit de enquête: {round_pct(ir.share)} % ({ir.n} antwoorden) op '{ir.indicator.name}'; "
                  f"norm {ir.indicator.norm_text()}: {'behaald' if ir.met else 'niet behaald'}.")
        before = answers.get(question.id)
        if before is not None and before.kind not in (EMPTY, INVALID) and before.label != option.label:
            findings.append(finding("enq_wijkt_af", file=fname, sheet=before.sheet, cell=before.cell,
                                    vraag=question.id, werkboek=before.label, enquete=option.label))
        # `raw` stays what the workbook's cell holds: the sheet Antwoorden shows both, side by side
        answers[question.id] = Answer(question.id, VALUE, option.label, option.value, raw=before.raw if before else "",
                                      remark=remark,
                                      sheet=before.sheet if before else "", cell=before.cell if before else "",
                                      basis=ENQUETE, evidence=describe(result))
        used.append(question.id)
        findings = [f for f in findings if not (f.code in ("antwoord_leeg", "antwoord_weet_niet", "antwoord_ongeldig",
                                                             "antwoord_nvt_niet_toegestaan")
                                                and before is not None and before.cell and f.cell == before.cell
                                                and f.sheet == before.sheet and f.file == fname)]
    surveys = list(getattr(m, "surveys", []))
    if used:
        surveys.append(f"{describe(result)}: beantwoordt {len(used)} vra{'ag' if len(used) == 1 else 'gen'} "
                       f"({', '.join(used)})")
    return dataclasses.replace(m, answers=answers, findings=findings, surveys=surveys)

