"""Errors that word themselves in their reader's language. Pure: imports nothing of ours.

A :class:`WordedError` carries the kind of problem and its values, not a sentence; its
class holds the templates, English and Chinese, by kind. So the command line (in the
terminal's language) and a page (in the interface's) each word the same error for their
reader, as the import's :class:`~stationmap.station_fields.FieldError` and the boundary's
:class:`~stationmap.geo.boundary_error.BoundaryError` do.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar


class WordedError(Exception):
    """An error of a ``kind`` (a key of the class's :attr:`TEXT`) with the ``values``
    that fill its message. ``str(error)`` is the English; :meth:`text` gives either
    language. Subclasses set :attr:`TEXT` and, as a second base, the built-in error
    callers catch (``ValueError``, ``LookupError``, ...)."""

    #: kind -> (English, Chinese) templates, filled by :meth:`str.format` from ``values``.
    TEXT: ClassVar[Mapping[str, tuple[str, str]]] = {}

    def __init__(self, kind: str, values: Mapping[str, object] | None = None) -> None:
        if kind not in self.TEXT:
            raise ValueError(f"unknown {type(self).__name__} kind {kind!r}")
        self.kind = kind
        self.values: dict[str, object] = dict(values or {})
        super().__init__(self.text("en"))

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.kind, self.values))

    def text(self, lang: str = "zh") -> str:
        """The message in ``lang`` (``zh``, ``zh_CN``, ... or ``en``)."""
        return self.TEXT[self.kind][1 if lang.startswith("zh") else 0].format(**self.values)
