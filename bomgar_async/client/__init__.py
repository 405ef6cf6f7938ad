"""The client: ``BomgarClient`` (:mod:`.core`), its option checks (:mod:`.options`) and the
calls its endpoint groups make through it, with the cache glue (:mod:`.calls`)."""

from .core import BomgarClient
from .options import DEFAULT_CACHE, InsecureTLSWarning

__all__ = ["DEFAULT_CACHE", "BomgarClient", "InsecureTLSWarning"]
