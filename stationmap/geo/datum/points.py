"""What every conversion shares: one point as floats or many as numpy arrays of equal
shape in, the same kind out; and when an iterative inverse stops."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

# An inverse iterates until the forward image matches to 1e-9 degrees (about 0.1 mm).
_TOLERANCE_DEG = 1e-9
_MAX_STEPS = 30

FloatArray = npt.NDArray[np.float64]


def _is_scalar(value: object) -> bool:
    return isinstance(value, float | int) and not isinstance(value, bool)


def _as_arrays(lat: npt.ArrayLike, lon: npt.ArrayLike) -> tuple[FloatArray, FloatArray]:
    lat_a = np.array(lat, dtype=np.float64, copy=True)
    lon_a = np.array(lon, dtype=np.float64, copy=True)
    if lat_a.shape != lon_a.shape:
        raise ValueError("lat and lon must have the same shape")
    return lat_a, lon_a


def _result(lat_in: npt.ArrayLike, lat_a: FloatArray, lon_a: FloatArray) -> tuple[Any, Any]:
    """Scalars for a scalar input, arrays for arrays."""
    if np.ndim(lat_in) == 0:
        return float(lat_a), float(lon_a)
    return lat_a, lon_a
