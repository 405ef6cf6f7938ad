"""The HTTP plumbing every API call goes through (private).

``transport`` (the only module that imports aiohttp: one connection per call), ``request``
(the request/response values), ``auth`` (password and OAuth 2 credentials), ``pipeline``
(credentials, concurrency, status, 401 refresh, retries), ``retry`` and ``status`` (the
policies), ``download`` (streamed, atomic file downloads), ``config`` (base URLs), ``redact``
(secrets out of messages), ``aio`` (task helpers) and ``host`` (what an endpoint group needs
from its client). Nothing here knows an API's parameters or answers.
"""
