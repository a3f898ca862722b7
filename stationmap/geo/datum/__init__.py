"""Chinese map datums: WGS-84, GCJ-02 and BD-09.

Phones and GPS give WGS-84 (as does CGCS2000, the Tianditu datum, to centimetres);
AMap and Tencent use GCJ-02; Baidu uses BD-09. stationmap stores WGS-84 and converts
at the edges.

* WGS-84 -> GCJ-02 and GCJ-02 -> BD-09 are the published forward formulas.
* The inverses have no closed form. The one-step inverse (``w = g - f(g)``) errs by up
  to about 5 m; here a fixed-point iteration ``w -= f(w) - g`` runs until the forward
  image matches to 1e-9 degrees (about 0.1 mm), which takes 2 to 5 steps.
* The GCJ-02 offset is applied only inside mainland China's land outline
  (``geodata/china_outline.geojson``), never by a rectangle: Seoul, Hanoi,
  Ulaanbaatar, Tokyo, Hong Kong, Macau and Taipei stay unchanged.

Every function takes ``lat, lon`` in degrees, scalars or numpy arrays of equal shape,
and returns ``(lat, lon)`` of the same kind.

The modules: :mod:`~stationmap.geo.datum.names` (the datums and the names offices write
for them), :mod:`~stationmap.geo.datum.outline` (mainland China's outline and its cell
cache), :mod:`~stationmap.geo.datum.gcj02` and :mod:`~stationmap.geo.datum.bd09` (the
formulas and their inverses), :mod:`~stationmap.geo.datum.wgs84` (to and from WGS-84 at
the edges) and :mod:`~stationmap.geo.datum.points` (scalars or arrays in and out, and when
an inverse stops).
"""

from stationmap.geo.datum.bd09 import bd09_to_gcj02, bd09_to_wgs84, gcj02_to_bd09, wgs84_to_bd09
from stationmap.geo.datum.gcj02 import gcj02_to_wgs84, wgs84_to_gcj02
from stationmap.geo.datum.names import DATUMS, Datum, parse_datum
from stationmap.geo.datum.outline import in_china
from stationmap.geo.datum.wgs84 import NoWgs84Point, from_wgs84, to_wgs84

__all__ = [
    "DATUMS",
    "Datum",
    "NoWgs84Point",
    "bd09_to_gcj02",
    "bd09_to_wgs84",
    "from_wgs84",
    "gcj02_to_bd09",
    "gcj02_to_wgs84",
    "in_china",
    "parse_datum",
    "to_wgs84",
    "wgs84_to_bd09",
    "wgs84_to_gcj02",
]
