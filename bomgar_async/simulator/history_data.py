"""Data tables of the generated session history: public sites, Jumpoints, customers,
platforms, chat lines, files, system-information tables and the exit-survey questions as
configured on the simulated appliance."""

from __future__ import annotations

from .history import SiteRef

__all__ = [
    "COMPANIES",
    "CUSTOMER_LINES",
    "CUST_QUESTIONS",
    "DETAILS",
    "ENCODED_LINES",
    "FILES",
    "FIRST",
    "JUMPOINTS",
    "LAST",
    "PLATFORMS",
    "REP_LINES",
    "REP_QUESTIONS",
    "SITES",
    "TEAM_LINES",
]

SITES = (SiteRef(1, "Default"), SiteRef(2, "Partner Portal"))
"""Public site 1 is always the default one."""
JUMPOINTS = (SiteRef(1, "Jumpoint DC1"), SiteRef(2, "Jumpoint DC2"), SiteRef(3, "Jumpoint DC3"))
_FIRST = "Olivia Samuel Hannah Marcus Fatima Noah Ava Liam Sofia Ethan Mia Lucas Zara Omar Chloe"
_LAST = (
    "Parker Reyes Schultz Lee Haddad Williams Novak Brennan Costa Okafor Lindqvist Moreau Tanaka"
)
FIRST = tuple(_FIRST.split())
LAST = tuple(_LAST.split())
COMPANIES = (
    ("Northwind Traders", "NW-01"),
    ("Contoso Ltd", "CT-17"),
    ("Fabrikam Inc", "FB-22"),
    ("Tailspin Toys", "TT-05"),
    ("Adventure Works", "AW-30"),
    ("Acme Corp", "ACME-9"),
)
PLATFORMS = (  # (operating system, hostname prefix)
    ("Windows 11 Pro", "DESKTOP"),
    ("Windows 10 Enterprise", "LAPTOP"),
    ("macOS 14.4 Sonoma", "MacBook-Pro"),
    ("Ubuntu 22.04.4 LTS", "ubuntu"),
    ("Windows Server 2022 Datacenter", "SRV"),
)
DETAILS = (
    "VPN drops every hour",
    "Cannot print to the 3rd floor printer",
    "Outlook keeps asking for my password",
    "Excel crashes on start <since the update>",
    "Need access to the ERP & the reporting share",
    "Wi-Fi disconnects in meeting rooms",
)
REP_LINES = (
    "Hello {customer}, I'm {rep} & I'll be helping you today.",
    "Could you open <Control Panel> for me, please?",
    "Thanks, I can see your screen now.",
    "I've restarted the print spooler; please try again.",
    "I'm pushing a small script to fix the VPN profile.",
    "Everything looks good on my side. Anything else?",
)
CUSTOMER_LINES = (
    "Hi, thanks for picking this up!",
    "Sure, one moment...",
    "It works now, great \u2013 thank you!",
    'The error says "access denied" & then closes.',
    "Yes, go ahead.",
)
ENCODED_LINES = (  # control characters: sent as <encoded_body>
    "pasted from the console: \x1b[31mERROR\x1b[0m disk full",
    "binary \x01\x02 junk from the clipboard: h\u00e9llo",
)
TEAM_LINES = (
    "Can someone take the VPN ticket in the queue?",
    "Taking the printer session now.",
    "Heads-up: ERP maintenance at 18:00 & logins will fail.",
    "Who knows the Acme hardware <RMA> process?",
)
FILES = (
    ("fix-vpn.ps1", 2048),
    ("driver-setup.exe", 4_718_592),
    ("logs.zip", 1_048_576),
    ("screenshot.png", 183_204),
    ("hosts.txt", 824),
    ("runbook.pdf", 40_960),
)
CUST_QUESTIONS = (  # (id, name, type, label, report header)
    (1, "satisfaction", "radio", "How satisfied are you with the support?", "Satisfaction"),
    (2, "topics", "checkbox", "What did we help you with?", "Topics"),
    (3, "comments", "textarea", "Anything else you would like to tell us?", "Comments"),
)
REP_QUESTIONS = (
    (11, "resolution", "select", "How was the issue resolved?", "Resolution"),
    (12, "notes", "text", "Notes for the knowledge base", "Notes"),
)
