"""``bg.reporting``: the Reporting API (``/api/reporting.ns`` or ``/api/reporting``).

``api`` is the endpoint group (on ``base``, the plumbing it shares with ``bg.pra``), ``params``
and ``time_range`` validate arguments and build report requests and windows, ``parse`` and
``session_stream`` turn answers into the models in ``models``, ``streams`` pulls session
reports (streamed and windowed), ``no_data`` recognises the appliance's "no data" answers and
``sync`` keeps an incremental, resumable copy of the session history.
"""
