"""SVG charts of a count, for ``councils count --chart`` and (later) the web pages.

A plain SVG written by hand: one polyline per candidate showing how their total moved from
round to round, the quota as a dashed line, a dot where a candidate was elected (green) or
excluded (red). No JavaScript, no external fonts: the file opens in any browser and can be
printed or attached to a published result.
"""

from __future__ import annotations

from decimal import Decimal
from xml.sax.saxutils import escape

from councils.counting.result import Count
from councils.web.palette import OKABE_ITO

__all__ = ["rounds_svg"]

# Okabe & Ito's palette, then black and greys.
_PALETTE = (*OKABE_ITO, "#000000", "#999999", "#6A3D9A", "#B15928", "#1F78B4")

WIDTH, HEIGHT = 900, 520
LEFT, RIGHT, TOP, BOTTOM = 70, 240, 50, 50


def rounds_svg(result: Count, *, title: str = "") -> str:
    """The rounds of ``result`` as an SVG document (a string)."""
    rounds = result.rounds
    names = result.candidates
    n = max(len(rounds), 1)
    peak = max(
        [float(v) for r in rounds for v in r.totals if v is not None]
        + [float(result.quota or 0), 1.0]
    )
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(k: int) -> float:
        return LEFT + (plot_w * k / (n - 1) if n > 1 else plot_w / 2)

    def y(v: Decimal | float) -> float:
        return TOP + plot_h * (1 - float(v) / peak)

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" font-family="sans-serif" font-size="12">',
        f"<title>{escape(title or result.method)}</title>",
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="white"/>',
        f'<text x="{LEFT}" y="24" font-size="16" font-weight="bold">'
        f"{escape(title)} — {escape(result.method)}, {result.seats} seat(s)</text>",
    ]
    # Axes and grid: five horizontal lines with their values.
    for g in range(6):
        level = peak * g / 5
        gy = y(level)
        out.append(
            f'<line x1="{LEFT}" x2="{LEFT + plot_w}" y1="{gy:.1f}" y2="{gy:.1f}" stroke="#ddd"/>'
        )
        out.append(f'<text x="{LEFT - 6}" y="{gy + 4:.1f}" text-anchor="end">{level:,.0f}</text>')
    for k, r in enumerate(rounds):
        out.append(
            f'<text x="{x(k):.1f}" y="{TOP + plot_h + 18}" text-anchor="middle">{r.number}</text>'
        )
    out.append(f'<text x="{LEFT + plot_w / 2}" y="{HEIGHT - 12}" text-anchor="middle">round</text>')
    if result.quota is not None:
        qy = y(result.quota)
        out.append(
            f'<line x1="{LEFT}" x2="{LEFT + plot_w}" y1="{qy:.1f}" y2="{qy:.1f}" '
            'stroke="#333" stroke-dasharray="6 4"/>'
        )
        out.append(
            f'<text x="{LEFT + plot_w - 4}" y="{qy - 5:.1f}" text-anchor="end">'
            f"quota {float(result.quota):,.2f}</text>"
        )
    # One line per candidate who takes part.
    shown = [i for i in range(len(names)) if any(r.totals[i] is not None for r in rounds)]
    for slot, i in enumerate(shown):
        colour = _PALETTE[slot % len(_PALETTE)]
        points = [(x(k), y(v)) for k, r in enumerate(rounds) if (v := r.totals[i]) is not None]
        if points:
            path = " ".join(f"{px:.1f},{py:.1f}" for px, py in points)
            out.append(
                f'<polyline fill="none" stroke="{colour}" stroke-width="2" '
                f'points="{path}"><title>{escape(names[i])}</title></polyline>'
            )
        for k, r in enumerate(rounds):
            v = r.totals[i]
            if v is None:
                continue
            if i in r.elected:
                out.append(f'<circle cx="{x(k):.1f}" cy="{y(v):.1f}" r="5" fill="#1a7f37"/>')
            if i in r.excluded:
                out.append(f'<circle cx="{x(k):.1f}" cy="{y(v):.1f}" r="5" fill="#cf222e"/>')
        ly = TOP + 16 * slot
        mark = " ✓" if i in result.elected else ""
        out.append(
            f'<rect x="{WIDTH - RIGHT + 16}" y="{ly - 9}" width="12" height="12" fill="{colour}"/>'
        )
        out.append(f'<text x="{WIDTH - RIGHT + 34}" y="{ly + 1}">{escape(names[i])}{mark}</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"
