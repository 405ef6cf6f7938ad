"""``bg.reporting``: the Reporting API (``/api/reporting.ns``).

``api`` is the endpoint group, ``params`` and ``time_range`` validate arguments and build
report requests and windows, ``parse`` and ``session_stream`` turn answers into the models in
``models``, ``streams`` pulls session reports (streamed and windowed) and ``sync`` keeps an
incremental, resumable copy of the session history.
"""
