"""bomgar_async: an async, typed SDK for the Bomgar / BeyondTrust Remote Support APIs.

::

    from bomgar_async import BomgarClient

    async with BomgarClient("support.example.com", username="api", password="...") as bg:
        reps = await bg.command.get_logged_in_reps()
"""

from . import brcs
from ._http.auth import (
    OAuth2ClientCredentials,
    PasswordAuth,
)
from ._http.download import DownloadResult
from ._http.request import Timeout
from .cache import (
    Cache,
    CacheKey,
    CacheStats,
    MemoryCache,
    RedisCache,
)
from .client import (
    DEFAULT_CACHE,
    BomgarClient,
    InsecureTLSWarning,
)
from .command.polling import ClientSnapshot
from .command.queue import Queue
from .errors import (
    BomgarAPIError,
    BomgarAuthError,
    BomgarClientClosed,
    BomgarConfigError,
    BomgarError,
    BomgarHTTPError,
    BomgarNoDataError,
    BomgarPermissionError,
    BomgarProtocolError,
    BomgarTimeoutError,
    BomgarTransportError,
    BomgarValidationError,
)
from .fleet import (
    ClientStats,
    LocalLimiter,
    MemoryTokenStore,
    RedisLimiter,
    RedisTokenStore,
)
from .models import *  # noqa: F403
from .models import __all__ as _model_names
from .reporting.sync import (
    FileCheckpointStore,
    SessionSync,
    SyncBatch,
    SyncCheckpoint,
)
from .start_session import (
    BrowserIssue,
    StartSessionURLs,
)

__version__ = "0.1.0"

__all__ = [
    "DEFAULT_CACHE",
    "BomgarAPIError",
    "BomgarAuthError",
    "BomgarClient",
    "BomgarClientClosed",
    "BomgarConfigError",
    "BomgarError",
    "BomgarHTTPError",
    "BomgarNoDataError",
    "BomgarPermissionError",
    "BomgarProtocolError",
    "BomgarTimeoutError",
    "BomgarTransportError",
    "BomgarValidationError",
    "BrowserIssue",
    "Cache",
    "CacheKey",
    "CacheStats",
    "ClientSnapshot",
    "DownloadResult",
    "FileCheckpointStore",
    "InsecureTLSWarning",
    "MemoryCache",
    "OAuth2ClientCredentials",
    "PasswordAuth",
    "Queue",
    "RedisCache",
    "RedisLimiter",
    "RedisTokenStore",
    "LocalLimiter",
    "MemoryTokenStore",
    "ClientStats",
    "SessionSync",
    "StartSessionURLs",
    "SyncBatch",
    "SyncCheckpoint",
    "Timeout",
    "__version__",
    "brcs",
    *_model_names,
]
