"""The colours the charts and the pyramid share."""

from __future__ import annotations

__all__ = ["OKABE_ITO"]

#: A colour-blind-safe palette (Okabe & Ito, 2008), without its black.
OKABE_ITO = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#CC79A7",
    "#56B4E9",
    "#D55E00",
    "#F0E442",
)
