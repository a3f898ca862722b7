"""Printed district maps: a map sheet and a station table, as PDF pages or PNG.

Pure builder: it takes plain data (:class:`MapArea`, :class:`MapStation`,
:class:`~stationmap.render.sheet.PrintSettings`) and returns matplotlib figures and the
geometry it computed (:class:`DistrictMap`), so tests can check the scale bar and the
labels without reading pixels.

* **Projection.** The map is drawn in an azimuthal equidistant projection centred on
  the district (WGS-84 ellipsoid, metres; distances from the centre are true and scale
  errs by under 0.01 % across a county), so shapes are not stretched as they are in
  plate carrée. Grid north is true north at the centre.
* **Scale.** The map scale is rounded to a familiar 1:n. The scale bar states a round
  distance and is drawn as long as the projected segment whose geodesic length (WGS-84,
  Karney) is that distance at the bar's position.
* **Labels.** Each station is a numbered marker; numbers are placed by
  :func:`~stationmap.render.labels.place_labels` and never overlap. Dense cores are
  framed (A, B ...) and enlarged in insets, on the sheet or on detail pages after it,
  with smaller numbers down to a legible minimum and, as a last resort, a grid of
  numbers on leader lines: see :mod:`stationmap.render.insets`.
* **Base map.** None by default: a plain land background. ``basemap`` is a hook that
  may draw raster tiles into the map axes and return their attribution.

The package: :mod:`~stationmap.render.printmap.data` (what goes in and what comes out),
:mod:`~stationmap.render.printmap.build` (the map sheet and the station table),
:mod:`~stationmap.render.printmap.layout` (where things stand on the page, station
numbering) and :mod:`~stationmap.render.printmap.details` (the detail pages of enlarged
cores).
"""

from stationmap.render.colours import HOST_COLOURS
from stationmap.render.insets import Inset
from stationmap.render.printmap.build import build_district_map
from stationmap.render.printmap.data import DistrictMap, MapArea, MapOptions, MapStation
from stationmap.render.projection import ScaleBar, local_crs, nice_scale, scale_bar_geometry

__all__ = [
    "HOST_COLOURS",
    "DistrictMap",
    "Inset",
    "MapArea",
    "MapOptions",
    "MapStation",
    "ScaleBar",
    "build_district_map",
    "local_crs",
    "nice_scale",
    "scale_bar_geometry",
]
