"""Bomgar Representative Console Script (BRCS) files: build, render and parse them (pure).

The guide's grammar, enforced both ways::

    brcs_file = header , newline , commands ;
    header    = "BRCS" , digit , "." , digit ;
    commands  = command { newline , command } ;          (1 to 10 commands)
    newline   = "\\n" | "\\r\\n" ;
    command   = "action=" , value , { "&" , key , "=" , value } ;

Keys and values are percent-encoded per RFC 3986 section 2.1: :meth:`Command.render` encodes
the UTF-8 bytes of everything but the unreserved characters ``A-Za-z0-9-._~``; :func:`parse`
also accepts the other characters RFC 3986 allows raw in a query (``!$'()*+,;:@/?``, with
``+`` a literal plus, not a space), decodes ``%XX`` escapes as UTF-8 and rejects malformed
ones. ``login`` may only be the first command, hence appear once. A command's keys are a set:
a key may not repeat, be empty or be ``action``. A single newline ending the file (as text
editors write) is accepted; :meth:`Script.render` never writes one.

Running a script: :func:`run_script_args` and :func:`run_script_file_args` give argv lists for
``subprocess`` (no shell quoting needed); :func:`windows_command_line` joins one into a single
Windows command line for a shortcut, a registry value or ``CreateProcess``.
"""

from __future__ import annotations

from ._console import (
    quote_windows,
    run_script_args,
    run_script_file_args,
    windows_command_line,
)
from ._parse import (
    parse,
    parse_command,
)
from ._script import (
    MAX_COMMANDS,
    BRCSError,
    BRCSScriptError,
    BRCSSyntaxError,
    Command,
    Script,
)

__all__ = [
    "MAX_COMMANDS",
    "BRCSError",
    "BRCSScriptError",
    "BRCSSyntaxError",
    "Command",
    "Script",
    "parse",
    "parse_command",
    "quote_windows",
    "run_script_args",
    "run_script_file_args",
    "windows_command_line",
]

# The private modules are an implementation detail: keep ``bomgar_async.brcs`` as the home that
# tracebacks, pickles, ``help()`` and redacted-error kinds (``_redact``) name, as before the split.
for _public in (
    BRCSError,
    BRCSScriptError,
    BRCSSyntaxError,
    Command,
    Script,
    parse,
    parse_command,
    quote_windows,
    run_script_args,
    run_script_file_args,
    windows_command_line,
):
    _public.__module__ = __name__
del _public
