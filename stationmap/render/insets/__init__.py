"""Numbers that never overlap in dense cores: the cores get enlarged insets.

The strategy, which always ends with every station numbered once and no two number
boxes overlapping (all in paper millimetres):

1. **Main map.** :func:`find_cores` places every number around its marker
   (:func:`~stationmap.render.labels.place_labels`, leader lines up to 8 mm). Stations
   left without a spot, and crowds of stations pushed out on leader lines, are grouped
   by single linkage into at most :data:`MAX_CORES` dense cores. Each core is a framed
   rectangle (A, B, C ...) on the main map; its stations are shown there as markers
   only, and the numbers of the other stations are placed again around the rectangles.
   This repeats until every station outside a core has its number; each round moves at
   least one more station into a core, so it ends.
2. **Insets.** Each core is drawn again enlarged in a panel (:func:`fit_panel`): on the
   map sheet when there is one core that fits there, otherwise on detail pages that
   follow the map sheet. In its panel, a core's numbers are placed at the map's size,
   then smaller, down to :data:`MIN_LABEL_PT` (still legible in print).
3. **Last resort.** Numbers that still find no spot at the legible minimum stand in a
   grid beside the panel's map, in north-to-south order, each joined to its marker by
   a leader line. A grid column is a few millimetres wide, so a panel holds thousands.

The package: :mod:`~stationmap.render.insets.cores` (step 1),
:mod:`~stationmap.render.insets.panels` (steps 2 and 3) and
:mod:`~stationmap.render.insets.draw` (markers, numbers and panels on the page).

Pure: no Flask, no database.
"""

from stationmap.render.insets.cores import (
    CORE_PAD_MM,
    LETTERS,
    LINK_MM,
    MAX_CORES,
    Inset,
    find_cores,
)
from stationmap.render.insets.draw import draw_labels, draw_markers, draw_panel
from stationmap.render.insets.panels import MIN_LABEL_PT, fit_panel

__all__ = [
    "CORE_PAD_MM",
    "LETTERS",
    "LINK_MM",
    "MAX_CORES",
    "MIN_LABEL_PT",
    "Inset",
    "draw_labels",
    "draw_markers",
    "draw_panel",
    "find_cores",
    "fit_panel",
]
