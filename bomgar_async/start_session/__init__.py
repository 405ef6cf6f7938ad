"""Session Generation API: ``start_session.ns`` URLs, ``BG.start`` calls and Bomgar Button argv.

Pure: nothing here touches the network. ``urls`` builds ``start_session.ns`` links
(:class:`StartSessionURLs`, ``bg.start_session``, whose ``head_html()`` gives the page-head
snippet); ``js`` builds ``BG.setSite`` and ``BG.start`` calls and Bomgar Button arguments.
"""

from __future__ import annotations

from .js import (
    BrowserIssue,
    IssueForm,
    bomgar_button_args,
    browser_set_site_js,
    browser_start_js,
)
from .urls import PLATFORMS, START_SESSION_PATH, StartSessionURLs, start_session_params

__all__ = [
    "PLATFORMS",
    "START_SESSION_PATH",
    "BrowserIssue",
    "IssueForm",
    "StartSessionURLs",
    "bomgar_button_args",
    "browser_set_site_js",
    "browser_start_js",
    "start_session_params",
]
