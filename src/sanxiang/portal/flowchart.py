"""执法流程图 — each procedure's flowchart drawn as SVG from its workflow definition
(`cases.workflow.registry`), so what is published is exactly what the engine enforces.

Stages are laid out in rows by their distance from the first stage; each transition is an arrow
labelled with its name and the role that fires it (forward arrows go down, others curve along
the right). Acts that leave the stage unchanged are listed per stage beside the chart.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from functools import lru_cache

from django.utils.html import escape
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from sanxiang.cases.workflow import Procedure, registry
from sanxiang.core.roles import Role

BOX_W, BOX_H, COL_GAP, ROW_GAP, MARGIN = 150, 42, 60, 78, 20


@dataclass(frozen=True)
class Placed:
    code: str
    x: int
    y: int


def ranks(procedure: Procedure) -> dict[str, int]:
    rank = {procedure.initial.code: 0}
    queue = deque([procedure.initial.code])
    while queue:
        stage = queue.popleft()
        for t in procedure.available(stage):
            if t.target and t.target not in rank:
                rank[t.target] = rank[stage] + 1
                queue.append(t.target)
    return rank


def roles_label(roles) -> str:
    return "、".join(str(Role(r).label) for r in sorted(roles) if r in Role.values)


def layout(procedure: Procedure) -> tuple[dict[str, Placed], int, int]:
    rank = ranks(procedure)
    rows: dict[int, list[str]] = {}
    for stage in procedure.stages:
        rows.setdefault(rank.get(stage.code, 0), []).append(stage.code)
    widest = max(len(r) for r in rows.values())
    width = MARGIN * 2 + widest * BOX_W + (widest - 1) * COL_GAP + 260
    placed = {}
    for r, codes in rows.items():
        row_w = len(codes) * BOX_W + (len(codes) - 1) * COL_GAP
        start = MARGIN + ((width - 260 - 2 * MARGIN) - row_w) // 2
        for i, code in enumerate(codes):
            placed[code] = Placed(code, start + i * (BOX_W + COL_GAP), MARGIN + r * (BOX_H + ROW_GAP))
    height = MARGIN * 2 + (max(rows) + 1) * (BOX_H + ROW_GAP) - ROW_GAP
    return placed, width, height


def _text(
    x: float, y: float, text: str, size: int = 12, anchor: str = "middle", fill: str = "#1f2328"
) -> str:
    return (
        f'<text x="{x:.0f}" y="{y:.0f}" font-size="{size}" text-anchor="{anchor}" fill="{fill}">'
        f"{escape(text)}</text>"
    )


def svg(procedure: Procedure) -> str:
    return _svg(procedure.code, get_language() or "")


@lru_cache(maxsize=64)
def _svg(code: str, language: str) -> str:
    procedure = registry.procedure(code)
    placed, width, height = layout(procedure)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="flowchart" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{escape(_(procedure.name))}">',
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
        'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#5b6470"/></marker></defs>',
    ]
    bends = 0
    labels = []
    right = max(p.x for p in placed.values()) + BOX_W
    for t in procedure.transitions:
        if not t.target:
            continue
        for source in t.sources:
            a, b = placed[source], placed[t.target]
            label = f"{_(t.label)}（{roles_label(t.roles)}）"
            if b.y > a.y:
                x1, y1 = a.x + BOX_W / 2, a.y + BOX_H
                x2, y2 = b.x + BOX_W / 2, b.y
                parts.append(
                    f'<path d="M{x1:.0f},{y1:.0f} C{x1:.0f},{y1 + 30:.0f} '
                    f'{x2:.0f},{y2 - 30:.0f} {x2:.0f},{y2:.0f}" '
                    'fill="none" stroke="#5b6470" stroke-width="1.3" marker-end="url(#arrow)"/>'
                )
                if x2 < x1 - 5:  # branches to the left and right of a stage label on their own side
                    labels.append(((x1 + x2) / 2 - 6, (y1 + y2) / 2 + 4, label, "end"))
                elif x2 > x1 + 5:
                    labels.append(((x1 + x2) / 2 + 6, (y1 + y2) / 2 + 4, label, "start"))
                else:
                    labels.append((x1 + 6, (y1 + y2) / 2 + 4, label, "start"))
            else:
                bends += 1
                x1, y1 = a.x + BOX_W, a.y + BOX_H / 2 - 6
                x2, y2 = b.x + BOX_W, b.y + BOX_H / 2 + 6
                reach = right + 18 + 12 * (bends % 6)  # back and side edges run right of every box
                parts.append(
                    f'<path d="M{x1:.0f},{y1:.0f} C{reach:.0f},{y1:.0f} '
                    f'{reach:.0f},{y2:.0f} {x2:.0f},{y2:.0f}" fill="none" stroke="#9a6700" '
                    'stroke-dasharray="4 3" stroke-width="1.2" marker-end="url(#arrow)"/>'
                )
                labels.append((reach + 4, (y1 + y2) / 2 + 4, label, "start"))
    for stage in procedure.stages:
        p = placed[stage.code]
        fill = "#eef1f4" if stage.terminal else ("#fdecea" if p.y == MARGIN else "#e8efff")
        acts = [
            f"{_(t.label)}（{roles_label(t.roles)}）" for t in procedure.available(stage.code) if t.is_act
        ]
        title = escape("；".join(acts)) if acts else ""
        parts.append(
            f'<g><title>{title}</title><rect x="{p.x}" y="{p.y}" width="{BOX_W}" height="{BOX_H}" rx="8" '
            f'fill="{fill}" stroke="#1d4ed8" stroke-width="{1 if stage.terminal else 1.5}"/>'
            + _text(p.x + BOX_W / 2, p.y + BOX_H / 2 + 5, _(stage.name), size=14)
            + "</g>"
        )
    for x, y, label, anchor in labels:
        parts.append(
            f'<text x="{x:.0f}" y="{y:.0f}" font-size="11" text-anchor="{anchor}" fill="#1f2328" '
            f'stroke="#ffffff" stroke-width="3" paint-order="stroke">{escape(label)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def acts_by_stage(procedure: Procedure) -> list[tuple[str, list[str]]]:
    """The acts (检查、询问、延期…) possible in each stage, for the list beside the chart."""
    rows = []
    for stage in procedure.stages:
        acts = [
            f"{_(t.label)}（{roles_label(t.roles)}）" for t in procedure.available(stage.code) if t.is_act
        ]
        if acts:
            rows.append((_(stage.name), acts))
    return rows
