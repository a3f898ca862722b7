"""Deterministic demo stations for the launch counties.

:func:`generate_demo` draws 10 to 40 believable rest stations per launch county: inside
the county boundary, clustered around the county seat or urban core (mostly within 1-3
km) with a few in outlying towns, with Chinese names, addresses, phones, opening hours
in OSM ``opening_hours`` syntax and vocabulary codes from :mod:`stationmap.catalog`.
Coordinates are WGS-84 degrees. The same seed always gives the same stations: every
county draws from its own ``numpy.random.default_rng([seed, code])`` stream, and nothing
depends on dict or set iteration order.

The places, streets and phone prefixes are plausible, not surveyed: this is demo data.
"""

from stationmap.demo_data.counties import COUNTIES, LAUNCH_CODES
from stationmap.demo_data.generator import DEFAULT_SEED, generate_demo

__all__ = ["COUNTIES", "DEFAULT_SEED", "LAUNCH_CODES", "generate_demo"]
