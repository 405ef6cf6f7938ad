"""``bg.scripting``: the Client Scripting API (``/api/client_script.ns``).

``api`` downloads BRCS files and builds their URLs; ``params`` validates the actions and
builds the requests (shared with :mod:`bomgar_async.start_session`).
"""
