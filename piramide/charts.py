"""Pictures for the report, drawn with matplotlib: a pillar's pyramid, the trend over the
measurements, the region's distribution and heat map. PNG bytes out, nothing else.

matplotlib is imported only here and only on the report's path (optional.matplotlib), with
the Agg backend: no window, no network, and only the fonts it ships (DejaVu Sans)."""

from __future__ import annotations

import io
import textwrap
from typing import TYPE_CHECKING

from . import dutch
from .style import DARK, GREY, LIGHT, MID

if TYPE_CHECKING:
    from .history import Trend
    from .model import Questionnaire
    from .regional import Overview
    from .scoring import PillarResult

DPI = 200
AMBITIE_RED = "#C00000"
PHASE_COLORS = ["#D9D9D9", "#BDD7EE", "#9DC3E6", "#2E75B6", "#1F3864", "#0B1A33"]
SERIES = ["#1F3864", "#C00000", "#548235", "#BF9000", "#7030A0", "#2E75B6", "#808080"]
DASHES = ["-", "--", ":", "-.", (0, (5, 1))]


def _figure(width_cm: float, height_cm: float):
    from .optional import matplotlib
    matplotlib()
    from matplotlib.figure import Figure
    fig = Figure(figsize=(width_cm / 2.54, height_cm / 2.54), dpi=DPI)
    fig.patch.set_facecolor("white")
    return fig


def _png(fig) -> bytes:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    FigureCanvasAgg(fig)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI, facecolor="white",
                metadata={"Software": None})        # no version stamp: the same input, the same bytes
    return buf.getvalue()


def pyramid(pr: PillarResult, q: Questionnaire) -> bytes:
    """One pillar's pyramid: a layer per phase, the bottom one widest. Dark with a tick: reached;
    light: a loose stone (met above a missing foundation); grey: open; a red edge: the ambitie.
    Beside each layer its number, name and state."""
    from matplotlib.patches import Polygon
    top = q.top_phase
    fig = _figure(15, 1.3 * top + 1.2)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, 15)
    ax.set_ylim(-0.9, top + 0.15)
    ax.axis("off")
    base, step = 7.0, 5.0 / max(top, 1)       # the pyramid's bottom width and how much each layer narrows
    cx = 3.7
    for k in range(1, top + 1):
        y0, y1 = k - 1, k - 0.08
        w0, w1 = base - step * (k - 1), base - step * k + step * 0.08
        reached = k <= pr.phase
        stone = not reached and any(ir.met for ir in pr.indicators if ir.indicator.phase == k)
        face, ink, state = ((MID, "white", "bereikt") if reached else
                            (LIGHT, DARK, "losse steen") if stone else (GREY, "#595959", "open"))
        amb = pr.ambitie == k
        ax.add_patch(Polygon([(cx - w0 / 2, y0), (cx + w0 / 2, y0), (cx + w1 / 2, y1), (cx - w1 / 2, y1)],
                             closed=True, facecolor=face, edgecolor=AMBITIE_RED if amb else "white",
                             linewidth=2.5 if amb else 1.5))
        ax.text(cx, (y0 + y1) / 2, f"{k}" + (" \u2713" if reached else ""), ha="center", va="center",
                fontsize=11, color=ink, fontweight="bold")
        label = f"{k} {q.phase_name(k)}"
        note = state + (" · ambitie" if amb else "")
        ax.text(cx + base / 2 + 0.45, (y0 + y1) / 2 + 0.14, label, ha="left", va="center", fontsize=10,
                color=DARK, fontweight="bold" if reached else "normal")
        ax.text(cx + base / 2 + 0.45, (y0 + y1) / 2 - 0.24, note, ha="left", va="center", fontsize=8.5,
                color=AMBITIE_RED if amb and not reached else "#595959", style="italic" if stone else "normal")
    phase = f"Fase {pr.phase}: {pr.phase_name}" if pr.phase else "Nog geen fase"
    ax.text(0.2, -0.5, f"{phase} · score {dutch.pct(pr.score)}", ha="left", va="center", fontsize=10,
            color=DARK, fontweight="bold")
    return _png(fig)


def _pct_axis(axis) -> None:
    from matplotlib.ticker import FuncFormatter
    axis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:.0f}{dutch.NBSP}%"))


def trend(t: Trend) -> bytes:
    """The score of every pillar at every measurement, with its phase at each point."""
    fig = _figure(16, 9.5)
    ax = fig.add_axes((0.09, 0.30, 0.88, 0.65))
    xs = list(range(len(t.results)))
    for j, (pid, name, prs) in enumerate(t.pillar_series()):
        pts = [(x, pr.score, pr.phase) for x, pr in zip(xs, prs) if pr is not None and pr.score is not None]
        if not pts:
            continue
        ax.plot([p[0] for p in pts], [p[1] for p in pts], marker="o", markersize=5, linewidth=2,
                color=SERIES[j % len(SERIES)], linestyle=DASHES[j % len(DASHES)], label=name)
    ax.set_ylim(0, 100)
    ax.set_xlim(-0.3, len(xs) - 0.7)
    _pct_axis(ax.yaxis)
    ax.set_xticks(xs)
    ax.set_xticklabels([dutch.short_date(r.measurement.datum) + (f"\n{r.measurement.soort}" if r.measurement.soort else "")
                        for r in t.results], fontsize=9)
    ax.tick_params(axis="y", labelsize=9)
    ax.set_ylabel("Score", fontsize=9)
    ax.grid(axis="y", color="#D9D9D9")
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.legend(loc="upper center", bbox_to_anchor=(0.45, -0.2), ncol=2, fontsize=8.5, frameon=False)
    return _png(fig)


def distribution(ov: Overview) -> bytes:
    """Per pillar how many gemeenten stand in each phase: one stacked bar per pillar."""
    q = ov.questionnaire
    dist = ov.distribution()
    names = [textwrap.fill(p.name, 22) for p in q.pillars]
    fig = _figure(16, 2.0 + 1.2 * len(names))
    ax = fig.add_axes((0.27, 0.30, 0.70, 0.66))
    lefts = [0] * len(names)
    for phase in range(q.top_phase + 1):
        counts = [dist[p.id][phase] for p in q.pillars]
        color = PHASE_COLORS[min(phase, len(PHASE_COLORS) - 1)]
        ax.barh(range(len(names)), counts, left=lefts, color=color, edgecolor="white",
                label=f"{phase} {q.phase_name(phase)}" if phase else "0 geen fase")
        for i, (c, left) in enumerate(zip(counts, lefts)):
            if c:
                ax.text(left + c / 2, i, str(c), ha="center", va="center", fontsize=9,
                        color="white" if phase >= 3 else DARK)
        lefts = [a + b for a, b in zip(lefts, counts)]
    ax.set_yticks(range(len(names)))
    ax.set_yticklabels(names, fontsize=9)
    ax.invert_yaxis()
    ax.set_xlabel("Aantal gemeenten", fontsize=9)
    ax.tick_params(axis="x", labelsize=9)
    ax.xaxis.get_major_locator().set_params(integer=True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.legend(loc="upper center", bbox_to_anchor=(0.35, -0.14 - 0.2 / len(names)), ncol=3, fontsize=8.5,
              frameon=False)
    return _png(fig)


def heatmap(ov: Overview) -> bytes:
    """Gemeenten down, pillars across: the phase of the latest measurement in each cell."""
    q = ov.questionnaire
    pids = ov.pillar_ids()
    rows = ov.rows
    n = len(rows)
    row_cm = 0.75
    total = 3.0 + row_cm * n
    fig = _figure(16, total)
    ax = fig.add_axes((0.24, 0.1 / total, 0.74, row_cm * n / total))
    top = q.top_phase
    for i, row in enumerate(rows):
        for j, pid in enumerate(pids):
            pr = next((p for p in row.latest.pillars if p.pillar.id == pid), None)
            phase = pr.phase if pr is not None and pr.judgeable else None
            color = PHASE_COLORS[min(phase, len(PHASE_COLORS) - 1)] if phase is not None else "white"
            ax.add_patch(_rect(j, i, color))
            text = "–" if phase is None else str(phase)
            ax.text(j + 0.5, i + 0.5, text, ha="center", va="center", fontsize=9,
                    color="white" if phase is not None and phase >= 3 else DARK)
    ax.set_xlim(0, len(pids))
    ax.set_ylim(n, 0)
    ax.set_yticks([i + 0.5 for i in range(n)])
    ax.set_yticklabels([r.name for r in rows], fontsize=9)
    ax.set_xticks([j + 0.5 for j in range(len(pids))])
    ax.set_xticklabels([textwrap.fill(q.pillar(pid).name, 13, break_long_words=False) for pid in pids], fontsize=8)
    ax.xaxis.tick_top()
    ax.tick_params(length=0)
    for side in ("top", "right", "bottom", "left"):
        ax.spines[side].set_visible(False)
    fig.text(0.24, 0.99, f"Fase per pijler (0 tot {top}) in de laatste meting", fontsize=9, va="top",
             color="#404040")
    return _png(fig)


def _rect(x: float, y: float, color: str):
    from matplotlib.patches import Rectangle
    return Rectangle((x, y), 1, 1, facecolor=color, edgecolor="white", linewidth=2)
