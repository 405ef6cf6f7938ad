"""Parse speed and memory: a SupportSession report into typed models, next to the ways a user
would parse it into dicts, on the same bytes.

Variants (each run in a worker process of its own, ``benchmarks/workers.py``, so each
one's peak RSS is its own; ``--quick`` keeps one worker per variant and report for all its
runs: the peak RSS is then the largest of them, as the table shows anyway):
  sdk               ``SessionStreamParser`` (the default XML backend: lxml when installed,
                    with the compiled builder when it was built), fed 64 KiB chunks ->
                    ``SupportSession`` models
  sdk-python        the same with lxml and the pure-Python builders (no compiled part)
  sdk-expat         the same with the standard-library backend (no lxml)
  xmltodict         read the whole body, ``xmltodict.parse`` it (the baseline: ratio 1.0)
  xmltodict-stream  ``xmltodict.parse(file, item_depth=2, item_callback=...)``
  expat-floor       pyexpat with handlers that do nothing, fed 64 KiB chunks

Reports: 2, 20 and 200 MB, ``light`` (the simulator's bulk sessions) and ``heavy`` (16 more
events per session: chat with encoded bodies, member-added events with data values), written
to a temporary directory first. The variants are interleaved (one run of each, then again),
``--repeats`` times; the table shows the median MB/s with min-max, the ratio of the medians
to whole-body xmltodict, and each variant's peak RSS (max over its runs). JSON is written too.

Run: python -m benchmarks.bench_parse [--quick] [--json bench_parse.json]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.output import command_of, save
from benchmarks.workers import Workers, serve

MB = 1 << 20
CHUNK = 64 << 10
VARIANTS = ("sdk", "sdk-python", "sdk-expat", "xmltodict", "xmltodict-stream", "expat-floor")
BASELINE = "xmltodict"
KINDS = ("light", "heavy")
QUICK_REPEATS = 5


def _chunks(path: str) -> Any:
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            yield chunk


def _rss_now_mb() -> float:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / MB


def _run_variant(variant: str, path: str) -> dict[str, Any]:
    """Parse ``path`` with ``variant`` (in this process); time and count the items."""
    import xmltodict  # every variant starts with the same modules loaded

    from bomgar_async.reporting.session_stream import SessionStreamParser

    before = _rss_now_mb()
    if variant.startswith("sdk"):
        from bomgar_async.reporting import build

        if variant == "sdk-python":
            build._CBUILD = None  # this worker keeps to the pure-Python builders
        parser = SessionStreamParser(backend="expat" if variant == "sdk-expat" else None)
        started = time.perf_counter()
        count = 0
        for chunk in _chunks(path):
            count += len(parser.feed(chunk))
        count += len(parser.close())
    elif variant == "xmltodict":
        started = time.perf_counter()
        with open(path, "rb") as handle:
            body = handle.read()
        parsed = xmltodict.parse(body, force_list=("session",))
        count = len(parsed["session_list"]["session"])
    elif variant == "xmltodict-stream":
        seen = [0]

        def take(_path: Any, _item: Any) -> bool:
            seen[0] += 1
            return True

        started = time.perf_counter()
        with open(path, "rb") as handle:
            xmltodict.parse(handle, item_depth=2, item_callback=take)
        count = seen[0]
    elif variant == "expat-floor":
        from xml.parsers import expat

        parser = expat.ParserCreate()
        parser.buffer_text = True
        ends = [0]

        def start(_name: str, _attributes: Any) -> None:
            return None

        def end(_name: str) -> None:
            ends[0] += 1

        def text(_data: str) -> None:
            return None

        parser.StartElementHandler = start
        parser.EndElementHandler = end
        parser.CharacterDataHandler = text
        started = time.perf_counter()
        for chunk in _chunks(path):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
        count = ends[0]
    else:
        raise SystemExit(f"unknown variant {variant}")
    seconds = time.perf_counter() - started
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    return {"seconds": seconds, "items": count, "peak_rss_mb": rss, "rss_before_mb": before}


def _write_report(path: Path, size: int, kind: str) -> int:
    from benchmarks.reports import report_parts

    written = 0
    with path.open("wb") as handle:
        for part in report_parts(size, kind):
            handle.write(part)
            written += len(part)
    return written


def measure(
    sizes_mb: list[float], repeats: int, variants: tuple[str, ...], *, fresh: bool = True
) -> dict[str, Any]:
    """Run every variant on every report; the figures as a JSON-ready dict. ``fresh``: a new
    worker process per run, else one per variant and report (``--quick``)."""
    results: dict[str, Any] = {
        "python": sys.version.split()[0],
        "cpus": os.cpu_count(),
        "repeats": repeats,
        "baseline": BASELINE,
        "reports": [],
    }
    with tempfile.TemporaryDirectory() as folder:
        for size_mb in sizes_mb:
            for kind in KINDS:
                path = Path(folder) / f"report-{size_mb}-{kind}.xml"
                size = _write_report(path, int(size_mb * MB), kind)
                runs: dict[str, list[dict[str, Any]]] = {v: [] for v in variants}
                with Workers("benchmarks.bench_parse", fresh=fresh) as workers:
                    workers.start({v: [] for v in variants})
                    for _ in range(repeats):
                        for variant in variants:
                            run = workers.run(variant, [], [variant, str(path)])
                            runs[variant].append(run)
                results["reports"].append(_summarise(size_mb, kind, size, runs))
    return results


def _summarise(
    size_mb: float, kind: str, size: int, runs: dict[str, list[dict[str, Any]]]
) -> dict[str, Any]:
    figures: dict[str, Any] = {}
    for variant, items in runs.items():
        speeds = [size / MB / run["seconds"] for run in items]
        figures[variant] = {
            "mb_s_median": statistics.median(speeds),
            "mb_s_min": min(speeds),
            "mb_s_max": max(speeds),
            "peak_rss_mb": max(run["peak_rss_mb"] for run in items),
            "rss_growth_mb": max(run["peak_rss_mb"] - run["rss_before_mb"] for run in items),
            "items": items[0]["items"],
        }
    base = figures[BASELINE]["mb_s_median"]
    for figure in figures.values():
        figure["ratio"] = figure["mb_s_median"] / base
    sessions = {figures[v]["items"] for v in figures if v != "expat-floor"}
    return {
        "size_mb_target": size_mb,
        "bytes": size,
        "kind": kind,
        "sessions_agree": len(sessions) == 1,
        "variants": figures,
    }


def table(results: dict[str, Any]) -> str:
    """The results as a Markdown table."""
    lines = [
        "| report | variant | MB/s median (min-max) | ratio to xmltodict | peak RSS MB (growth) |",
        "| --- | --- | --- | --- | --- |",
    ]
    for report in results["reports"]:
        label = f"{report['bytes'] / MB:.1f} MB {report['kind']}"
        for variant, figure in report["variants"].items():
            lines.append(
                f"| {label} | {variant} | {figure['mb_s_median']:.1f} "
                f"({figure['mb_s_min']:.1f}-{figure['mb_s_max']:.1f}) | "
                f"{figure['ratio']:.2f}x | {figure['peak_rss_mb']:.0f} "
                f"(+{figure['rss_growth_mb']:.0f}) |"
            )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    """Command line: see the module docstring."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="0.5 MB reports, under a minute")
    parser.add_argument("--sizes", default="2,20,200", help="report sizes in MB")
    parser.add_argument("--repeats", type=int, help=f"default 5 ({QUICK_REPEATS} with --quick)")
    parser.add_argument("--json", default="bench_parse.json", help="where to write the figures")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)  # a worker
    args = parser.parse_args(argv)
    if args.serve:
        import xmltodict  # noqa: F401 - every variant starts with the same modules loaded

        from bomgar_async.reporting import session_stream  # noqa: F401

        serve(_run_variant)
        return
    sizes = [0.5] if args.quick else [float(s) for s in args.sizes.split(",")]
    command = command_of("bench_parse", argv)
    repeats = args.repeats or (QUICK_REPEATS if args.quick else 5)
    results = measure(sizes, repeats, VARIANTS, fresh=not args.quick)
    results["fresh_process_per_run"] = not args.quick
    results["command"] = command
    print(table(results))
    save(results, args.json)


if __name__ == "__main__":
    main()
