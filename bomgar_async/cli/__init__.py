"""The ``bomgar-async`` command line: ``main`` parses arguments and runs a subcommand,
``demo`` walks through every capability against the bundled simulated appliance.

Sits on top of the SDK: nothing in the core imports it.
"""

from __future__ import annotations

from .main import main

__all__ = ["main"]
