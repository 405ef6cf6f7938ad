"""Checking ``BomgarClient``'s options: every unusable or unsafe setting is refused with a
``BomgarConfigError`` before anything is built (and ``ssl=False`` warns)."""

from __future__ import annotations

import math
import ssl as ssl_module
import warnings
from typing import Final

from .._http.request import Timeout
from ..errors import BomgarConfigError

__all__ = [
    "DEFAULT_CACHE",
    "DEFAULT_DOWNLOAD_TIMEOUT",
    "USER_AGENT",
    "DefaultCache",
    "InsecureTLSWarning",
    "check_method",
    "check_options",
    "check_retries",
    "check_sharing_and_proxy",
]

USER_AGENT = "bomgar_async/0.1"
DEFAULT_DOWNLOAD_TIMEOUT = Timeout(total=3600.0, connect=10.0, sock_read=120.0)


class InsecureTLSWarning(UserWarning):
    """TLS certificate verification was turned off with ``ssl=False``."""


class DefaultCache:
    """The type of :data:`DEFAULT_CACHE`."""

    def __repr__(self) -> str:
        return "DEFAULT_CACHE"


DEFAULT_CACHE: Final = DefaultCache()
"""Sentinel: use a fresh ``MemoryCache(ttl=cache_ttl)``."""


def _check_proxy(proxy: object, trust_env: object, transport: object) -> None:
    if proxy is not None and (
        not isinstance(proxy, str) or not proxy.lower().startswith(("http://", "https://"))
    ):
        raise BomgarConfigError("proxy must be an http:// or https:// URL")
    if not isinstance(trust_env, bool):
        raise BomgarConfigError("trust_env must be True or False")
    if transport is not None and (proxy is not None or trust_env):
        raise BomgarConfigError("proxy and trust_env apply to the built-in transport only")


def _check_sharing(limiter: object, token_store: object) -> None:
    if limiter is not None and not callable(getattr(limiter, "bind", None)):
        raise BomgarConfigError(
            "limiter must be a limiter (LocalLimiter, RedisLimiter) or None, "
            f"not {type(limiter).__name__}"
        )
    if token_store is not None and not callable(getattr(token_store, "token", None)):
        raise BomgarConfigError(
            "token_store must be a token store (MemoryTokenStore, RedisTokenStore) or None, "
            f"not {type(token_store).__name__}"
        )


def _check_seconds(value: object, name: str, *, allow_zero: bool) -> None:
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not math.isfinite(value)
        or value < 0
        or (value == 0 and not allow_zero)
    ):
        raise BomgarConfigError(f"{name} must be a finite, non-negative number, not {value!r}")


def _is_cache(value: object) -> bool:
    return all(callable(getattr(value, name, None)) for name in ("get_or_fetch", "invalidate"))


def check_retries(retries: object) -> None:
    """Refuse a ``retries`` that is not a non-negative integer."""
    if isinstance(retries, bool) or not isinstance(retries, int) or retries < 0:
        raise BomgarConfigError("retries must be a non-negative integer")


def check_sharing_and_proxy(
    *, proxy: object, trust_env: object, transport: object, limiter: object, token_store: object
) -> None:
    """Refuse a bad proxy, ``trust_env``, limiter or token store (checked before the
    credentials, as the client always did)."""
    _check_proxy(proxy, trust_env, transport)
    _check_sharing(limiter, token_store)


def check_method(method: object) -> None:
    """Refuse a ``method`` other than ``"POST"`` and ``"GET"``."""
    if method not in ("POST", "GET"):
        raise BomgarConfigError(f"method must be 'POST' or 'GET', not {method!r}")


def check_options(
    *,
    max_concurrency: object,
    retries: object,
    retry_backoff: object,
    cache_ttl: object,
    max_response_bytes: object,
    cache: object,
    ssl: object,
) -> None:
    """Refuse the client's other unusable options; warn (:class:`InsecureTLSWarning`, at
    the caller of ``BomgarClient(...)``) when ``ssl=False``.

    Raises:
        BomgarConfigError: for the first unusable option found.
    """
    if isinstance(max_concurrency, bool) or not isinstance(max_concurrency, int):
        raise BomgarConfigError("max_concurrency must be a positive integer")
    if max_concurrency < 1:
        raise BomgarConfigError("max_concurrency must be a positive integer")
    check_retries(retries)
    _check_seconds(retry_backoff, "retry_backoff", allow_zero=True)
    _check_seconds(cache_ttl, "cache_ttl", allow_zero=False)
    if (
        isinstance(max_response_bytes, bool)
        or not isinstance(max_response_bytes, int)
        or max_response_bytes < 1
    ):
        raise BomgarConfigError("max_response_bytes must be a positive integer")
    if cache is not None and not isinstance(cache, DefaultCache) and not _is_cache(cache):
        raise BomgarConfigError(
            f"cache must be a cache object (MemoryCache, RedisCache) or None, not {cache!r}"
        )
    if ssl is False:
        warnings.warn(
            "TLS certificate verification is disabled (ssl=False): anyone on the path "
            "can read the API credentials",
            InsecureTLSWarning,
            stacklevel=3,  # check_options <- BomgarClient.__init__ <- the user's code
        )
    elif not isinstance(ssl, bool | ssl_module.SSLContext):
        raise BomgarConfigError("ssl must be True, False or an ssl.SSLContext")
