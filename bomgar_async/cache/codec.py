"""Versioned JSON for what :class:`~bomgar_async.cache.RedisCache` stores: cached values and
the failures behind a cooldown. Never pickle: reading a cache entry never runs code (pure).

A value document is ``{"v": 1, "value": ...}`` where ``value`` is encoded as:

- ``None``, ``bool``, ``int``, ``str`` and finite ``float``: as themselves;
- a tuple: a JSON array (arrays always decode to tuples);
- ``datetime`` / ``date``: ``{"$datetime": "<ISO 8601>"}`` / ``{"$date": "<ISO 8601>"}``;
- ``timedelta``: ``{"$timedelta": [days, seconds, microseconds]}``;
- a read-only mapping (``MappingProxyType``): ``{"$mapping": [[key, value], ...]}``;
- a model: ``{"$model": "Representative", "fields": {"id": 7, ...}}``, for the attrs classes
  exported by :mod:`bomgar_async.models` (or those given to :class:`JsonCodec`).

Anything else is refused when writing (:class:`CodecError`). When reading, an unknown
version, tag, model or field set is a :class:`CodecError`, which the cache treats as a miss:
a fleet in the middle of an upgrade refetches instead of guessing.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta
from types import MappingProxyType
from typing import Any

import attrs

from .. import models as _models
from ..errors import (
    BomgarAPIError,
    BomgarAuthError,
    BomgarError,
    BomgarHTTPError,
    BomgarPermissionError,
    BomgarProtocolError,
    BomgarTimeoutError,
    BomgarTransportError,
)

__all__ = ["FORMAT_VERSION", "CodecError", "Entry", "Failure", "JsonCodec"]

FORMAT_VERSION = 1
_SCALARS = (str, bool, int, type(None))
_ERRORS: Mapping[str, type[BomgarError]] = MappingProxyType(
    {
        cls.__name__: cls
        for cls in (
            BomgarTransportError,
            BomgarTimeoutError,
            BomgarHTTPError,
            BomgarProtocolError,
            BomgarAPIError,
            BomgarAuthError,
            BomgarPermissionError,
        )
    }
)


class CodecError(ValueError):
    """A value that cannot be stored, or a stored document this version cannot read."""


@attrs.frozen
class Entry:
    """A decoded value document (a wrapper, so that a cached ``None`` is not "no value")."""

    value: Any


@attrs.frozen
class Failure:
    """A decoded failure document: the error, rebuilt."""

    error: BomgarError


def _default_models() -> dict[str, type]:
    found = {name: getattr(_models, name) for name in _models.__all__}
    return {name: cls for name, cls in found.items() if isinstance(cls, type) and attrs.has(cls)}


class JsonCodec:
    """Encodes cached values (and failures) as versioned JSON, and back.

    Args:
        models: the attrs classes it may write and read, by name (default: every model
            exported by :mod:`bomgar_async.models`).
    """

    def __init__(self, models: Mapping[str, type] | Iterable[type] | None = None) -> None:
        if models is None:
            named = _default_models()
        elif isinstance(models, Mapping):
            named = dict(models)
        else:
            named = {cls.__name__: cls for cls in models}
        for name, cls in named.items():
            if not attrs.has(cls):
                raise TypeError(f"{name} is not an attrs class")
        self._by_name = named
        self._by_class = {cls: name for name, cls in named.items()}
        self._fields = {
            cls: tuple((f.name, f.alias) for f in attrs.fields(cls) if f.init)
            for cls in named.values()
        }

    # -- values --------------------------------------------------------------------------

    def dumps(self, value: object) -> bytes:
        """The document for ``value``.

        Raises:
            CodecError: ``value`` holds something this codec cannot write.
        """
        document = {"v": FORMAT_VERSION, "value": self._encode(value)}
        return json.dumps(document, separators=(",", ":"), allow_nan=False).encode()

    def loads(self, raw: bytes | str) -> Entry:
        """The entry in ``raw``.

        Raises:
            CodecError: not JSON, another version, an unknown tag, model or field set.
        """
        document = _document(raw)
        if set(document) != {"v", "value"}:
            raise CodecError("a value document has exactly v and value")
        try:
            return Entry(self._decode(document["value"]))
        except (TypeError, ValueError, RecursionError) as err:
            raise CodecError(f"unreadable value: {type(err).__name__}") from err

    def _encode(self, value: object) -> Any:
        kind = type(value)  # exact types: a subclass (an enum, a named tuple) would not survive
        if kind in _SCALARS:
            return value
        if isinstance(value, float) and kind is float:
            if not math.isfinite(value):
                raise CodecError("cannot store a non-finite float")
            return value
        if isinstance(value, tuple) and kind is tuple:
            return [self._encode(item) for item in value]
        if isinstance(value, datetime) and kind is datetime:
            return {"$datetime": value.isoformat()}
        if isinstance(value, date) and kind is date:
            return {"$date": value.isoformat()}
        if isinstance(value, timedelta) and kind is timedelta:
            return {"$timedelta": [value.days, value.seconds, value.microseconds]}
        if isinstance(value, MappingProxyType):
            pairs = value.items()
            return {"$mapping": [[self._encode(k), self._encode(v)] for k, v in pairs]}
        name = self._by_class.get(kind)
        if name is None:
            raise CodecError(f"cannot store a {kind.__qualname__} in the cache")
        fields = {field: self._encode(getattr(value, field)) for field, _ in self._fields[kind]}
        return {"$model": name, "fields": fields}

    def _decode(self, data: Any) -> Any:
        kind = type(data)
        if kind in _SCALARS or kind is float:
            return data
        if kind is list:
            return tuple(self._decode(item) for item in data)
        if kind is not dict:
            raise CodecError(f"unexpected JSON {kind.__name__}")
        if "$model" in data:
            return self._decode_model(data)
        if len(data) != 1:
            raise CodecError("a tagged value has exactly one key")
        ((tag, body),) = data.items()
        if tag == "$datetime" and type(body) is str:
            return datetime.fromisoformat(body)
        if tag == "$date" and type(body) is str:
            return date.fromisoformat(body)
        if tag == "$timedelta" and type(body) is list and len(body) == 3:
            days, seconds, micros = (int(part) for part in body)
            return timedelta(days=days, seconds=seconds, microseconds=micros)
        if tag == "$mapping" and type(body) is list:
            return MappingProxyType({self._decode(k): self._decode(v) for k, v in body})
        raise CodecError(f"unknown tag {tag!r}")

    def _decode_model(self, data: dict[str, Any]) -> Any:
        cls = self._by_name.get(data["$model"])
        fields = data.get("fields")
        if cls is None or set(data) != {"$model", "fields"} or type(fields) is not dict:
            raise CodecError(f"unknown model {data['$model']!r}")
        known = self._fields[cls]
        if set(fields) != {name for name, _ in known}:
            raise CodecError(f"the fields of {data['$model']} changed")
        return cls(**{alias: self._decode(fields[name]) for name, alias in known})


# -- failures ---------------------------------------------------------------------------


def dump_failure(err: BomgarError) -> bytes:
    """A document describing ``err`` well enough to raise an equivalent error elsewhere."""
    kind = next(cls for cls in type(err).__mro__ if cls.__name__ in _ERRORS)
    document: dict[str, Any] = {
        "v": FORMAT_VERSION,
        "type": kind.__name__,
        "message": str(err),
        "retryable": err.retryable,
    }
    if isinstance(err, BomgarHTTPError):
        document.update(status=err.status, retry_after=err.retry_after)
    if isinstance(err, BomgarAPIError):
        document.update(api_message=err.message, action=err.action)
    return json.dumps(document, separators=(",", ":")).encode()


def load_failure(raw: bytes | str) -> Failure:
    """The failure in ``raw``, its error rebuilt with a note saying where it came from.

    Raises:
        CodecError: not a failure document of this version.
    """
    document = _document(raw)
    try:
        cls = _ERRORS[document["type"]]
        error: BomgarError
        if issubclass(cls, BomgarHTTPError):
            retry_after = document["retry_after"]
            error = cls(
                str(document["message"]),
                status=int(document["status"]),
                retry_after=None if retry_after is None else float(retry_after),
            )
        elif issubclass(cls, BomgarAPIError):
            error = cls(str(document["api_message"]), action=document["action"])
        else:
            error = cls(str(document["message"]))
        error.retryable = bool(document["retryable"])
    except (KeyError, TypeError, ValueError) as err:
        raise CodecError(f"unreadable failure: {type(err).__name__}") from err
    note = "raised again from a recent failure of the same call (cache cooldown)"
    if hasattr(error, "add_note"):  # Python 3.11+
        error.add_note(note)
    return Failure(error)


def _document(raw: bytes | str) -> dict[str, Any]:
    try:
        document = json.loads(raw)
    except (ValueError, RecursionError) as err:
        raise CodecError("not JSON") from err
    if type(document) is not dict or document.get("v") != FORMAT_VERSION:
        raise CodecError("not a document of this format version")
    return document
