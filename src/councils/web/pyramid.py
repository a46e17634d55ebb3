"""The federation drawn as a pyramid of councils: an SVG string, made on the server.

One row of boxes per tier, the top council first; each box is a link to its council's page and
holds one small square per seat, filled with the colour of its holder's faction (hollow when the
seat is vacant or its holder in no faction); a line runs from each council up to every council it
elects into. A legend of the factions sits below. It is a pure function of the tiers (no I/O),
so it is tested by parsing its output, and costs a few string joins per seat: a federation of
hundreds of councils draws in milliseconds. Wide tiers wrap into several rows (at most
:data:`PER_ROW` boxes each) so a base of a hundred city councils stays legible.

No JavaScript and no fonts are needed; SVG links work inside HTML. The ``<svg>`` carries an
``aria-label`` and a ``<title>`` with a text summary, since a screen reader cannot read a
picture, and ``role="group"`` rather than ``role="img"``: an image's children are hidden from
assistive technology, so the council links inside it would be unreachable (axe reports that as
a serious "nested-interactive" violation). Each link is named by its own ``<title>``; the tables
under it on the page give the same facts row by row.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from urllib.parse import quote
from xml.sax.saxutils import escape

from councils.web.palette import OKABE_ITO

__all__ = ["PALETTE", "PER_ROW", "PyramidCouncil", "pyramid_svg"]

#: Colour-blind-safe (Okabe & Ito, 2008, without its black), then darker extras; a faction
#: past the end reuses the palette, which the legend still names.
PALETTE = (*OKABE_ITO, "#999999", "#6A3D9A", "#B15928")

#: At most this many councils side by side; a wider tier wraps into more rows.
PER_ROW = 8

WIDTH = 960
PAD = 16
GAP = 12
ROW_GAP = 40
LABEL_H = 20
SEAT = 8
SEAT_GAP = 2
LEGEND_ROW = 20


@dataclass(frozen=True)
class PyramidCouncil:
    """A council as the pyramid draws it: why only these fields — the drawing needs nothing
    else, and keeping it apart from the page data lets it be tested on its own."""

    council: str
    name: str
    #: One entry per seat: the holder's faction id, or None (vacant or no faction).
    seats: Sequence[str | None]
    #: The councils this one elects into (their ids), drawn as lines up to them.
    elects_into: Sequence[str] = field(default_factory=tuple)


def _attr(text: str) -> str:
    return escape(text, {'"': "&quot;"})


def _fit(name: str, width: float) -> str:
    """The name cut to the box (about 6.5 px a character at 12 px); the full one is its
    title."""
    room = max(int(width / 6.5), 4)
    return name if len(name) <= room else name[: room - 1] + "…"


def pyramid_svg(
    tiers: Sequence[Sequence[PyramidCouncil]],
    factions: Mapping[str, str],
    *,
    title: str = "The federation",
) -> str:
    """The tiers (top first) as one ``<svg>`` element; ``factions`` maps faction id to name in
    the order the legend lists them (and colours are given)."""
    colours = {f: PALETTE[i % len(PALETTE)] for i, f in enumerate(factions)}
    boxes: dict[str, tuple[float, float, float, float]] = {}
    body: list[str] = []
    y = float(PAD)
    for tier in tiers:
        for start in range(0, len(tier), PER_ROW):
            row = tier[start : start + PER_ROW]
            cols = len(row)
            box_w = min(280.0, (WIDTH - 2 * PAD - (cols - 1) * GAP) / cols)
            per_line = max(int((box_w - 12 + SEAT_GAP) // (SEAT + SEAT_GAP)), 1)
            heights = [
                LABEL_H + 10 + -(-max(len(c.seats), 1) // per_line) * (SEAT + SEAT_GAP) for c in row
            ]
            row_h = max(heights)
            total_w = cols * box_w + (cols - 1) * GAP
            x = (WIDTH - total_w) / 2
            for c in row:
                boxes[c.council] = (x, y, box_w, row_h)
                body.append(_box(c, x, y, box_w, row_h, per_line, colours))
                x += box_w + GAP
            y += row_h + ROW_GAP
    lines = []
    for tier in tiers:
        for c in tier:
            if c.council not in boxes:
                continue
            lx, ly, lw, _ = boxes[c.council]
            for up in c.elects_into:
                if up in boxes:
                    ux, uy, uw, uh = boxes[up]
                    lines.append(
                        f'<line class="elects" x1="{lx + lw / 2:.1f}" y1="{ly:.1f}" '
                        f'x2="{ux + uw / 2:.1f}" y2="{uy + uh:.1f}"/>'
                    )
    legend, legend_h = _legend(factions, colours, y)
    height = y + legend_h + PAD
    summary = _summary(tiers, factions)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="pyramid" role="group" '
        f'width="{WIDTH}" height="{height:.0f}" viewBox="0 0 {WIDTH} {height:.0f}" '
        f'font-family="sans-serif" font-size="12" aria-label="{_attr(summary)}">',
        f"<title>{escape(title)}: {escape(summary)}</title>",
        '<g stroke="#888" stroke-width="1" stroke-opacity="0.6">',
        *lines,
        "</g>",
        *body,
        *legend,
        "</svg>",
    ]
    return "\n".join(out)


def _box(
    c: PyramidCouncil,
    x: float,
    y: float,
    w: float,
    h: float,
    per_line: int,
    colours: Mapping[str, str],
) -> str:
    href = "/councils/" + quote(c.council, safe="")
    parts = [
        f'<a class="council" href="{_attr(href)}">',
        f"<title>{escape(c.name)}: {len(c.seats)} seats</title>",
        f'<rect class="box" x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}" rx="4" '
        'fill="white" stroke="#333"/>',
        f'<text x="{x + 6:.1f}" y="{y + 15:.1f}" fill="#0645ad" text-decoration="underline">'
        f"{escape(_fit(c.name, w - 12))}</text>",
    ]
    for i, faction in enumerate(c.seats):
        sx = x + 6 + (i % per_line) * (SEAT + SEAT_GAP)
        sy = y + LABEL_H + 4 + (i // per_line) * (SEAT + SEAT_GAP)
        colour = colours.get(faction) if faction is not None else None
        paint = 'fill="none" stroke="#555"' if colour is None else f'fill="{colour}"'
        parts.append(
            f'<rect class="seat" x="{sx:.1f}" y="{sy:.1f}" width="{SEAT}" height="{SEAT}" {paint}/>'
        )
    parts.append("</a>")
    return "\n".join(parts)


def _legend(
    factions: Mapping[str, str], colours: Mapping[str, str], y: float
) -> tuple[list[str], float]:
    """Swatch and name per faction, then the hollow mark, wrapped to the width."""
    entries = [(name, f'fill="{colours[f]}"') for f, name in factions.items()]
    entries.append(("vacant or no faction", 'fill="none" stroke="#555"'))
    out = ['<g class="legend">']
    x, row = float(PAD), 0
    for name, paint in entries:
        w = 24 + 6.5 * len(name)
        if x + w > WIDTH - PAD and x > PAD:
            x, row = float(PAD), row + 1
        ly = y + row * LEGEND_ROW
        out.append(f'<rect x="{x:.1f}" y="{ly:.1f}" width="12" height="12" {paint}/>')
        out.append(f'<text x="{x + 18:.1f}" y="{ly + 11:.1f}">{escape(name)}</text>')
        x += w + GAP
    out.append("</g>")
    return out, (row + 1) * LEGEND_ROW


def _summary(tiers: Sequence[Sequence[PyramidCouncil]], factions: Mapping[str, str]) -> str:
    """What the picture shows, in a sentence, for readers who cannot see it."""
    n = sum(len(t) for t in tiers)
    if not n:
        return "no council yet."
    top = ", ".join(c.name for c in tiers[0])
    seats: Counter[str | None] = Counter(s for t in tiers for c in t for s in c.seats)
    held = [f"{factions.get(f, f)} {k}" for f, k in seats.most_common() if f is not None]
    held.append(f"vacant or no faction {seats[None]}")
    return (
        f"{n} council{'s' if n != 1 else ''} in {len(tiers)} tier{'s' if len(tiers) != 1 else ''}"
        f", the top: {top}. Seats by faction: {', '.join(held)}."
    )
