"""``bg.command``: the Command API (``/api/command.ns`` or ``/api/command``).

``api`` is the endpoint group, ``params`` validates arguments and builds requests, ``parse``
turns answers into models, ``models`` / ``clients`` / ``appliance`` are those models,
``queue`` builds queue strings and ``polling`` watches the connected clients.
"""
