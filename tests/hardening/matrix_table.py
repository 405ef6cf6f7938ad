"""The fault matrix as a Markdown table (tests/README.md holds it; a test keeps them equal).

Run ``python -m tests.hardening.matrix_table`` to print it after changing ``EXPECTED``.
"""

from __future__ import annotations

from .faults import EXPECTED, FAMILIES, FAULTS

TEST = "tests/hardening/test_fault_matrix.py::test_fault[{fault}-{family}]"
NOTES = {
    "connection refused": "nothing listens; retried, then raised",
    "Content-Length long": "aiohttp refuses data after the announced length",
    "truncated XML": "a download cannot tell: the file is what the framing announced",
    "non-UTF-8": "a download is bytes: kept as sent",
    "wrong charset": "the XML declaration wins over the Content-Type charset",
    "redirect": "never followed; the Location host gets nothing",
    "401 (OAuth)": "one new token, one retry",
    "TLS self-signed": "verification failure: never retried",
    "TLS wrong host": "hostname mismatch: never retried",
}


def _cell(outcome: object, attempts: int | None) -> str:
    name = outcome if isinstance(outcome, str) else getattr(outcome, "__name__", str(outcome))
    return f"{name} / {'-' if attempts is None else attempts}"


def table() -> str:
    """The Markdown table: one row per fault, one column per family."""
    header = "| fault | " + " | ".join(f"{f}: error / requests" for f in FAMILIES) + " | note |"
    lines = [header, "|" + "---|" * (len(FAMILIES) + 2)]
    for fault, row in EXPECTED.items():
        assert fault in FAULTS
        cells = " | ".join(_cell(*row[family]) for family in FAMILIES)
        lines.append(f"| {fault} | {cells} | {NOTES.get(fault, '')} |")
    return "\n".join(lines)


if __name__ == "__main__":
    print(table())
