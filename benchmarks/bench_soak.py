"""The long soak: `newsarchive schedule` for many minutes of back-to-back crawl and watch cycles (issue 12).

Runs the same driver as tests/test_soak.py (a loopback site whose articles are edited and deleted every few
seconds) for ``--seconds`` and writes the samples and a summary: scheduler RSS and open files, the catalogue's WAL,
DATA/logs/ (files and bytes), cycles by outcome, versions and deletions seen, and `newsarchive check` at the end.

    python benchmarks/bench_soak.py --seconds 600 --out benchmarks/results/soak.json
"""

from __future__ import annotations

import argparse
import platform
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from test_soak import assert_flat, run_soak


def main() -> int:
    """Run the soak; print a summary; exit 1 when a flatness assertion fails."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=600.0)
    parser.add_argument("--out", type=Path, default=None, help="write the samples as JSON here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="newsarchive-soak-") as tmp:
        result = run_soak(Path(tmp), args.seconds)
    if args.out:
        args.out.write_text(result.to_json())
    s = result.samples
    n = len(s)
    thirds = [s[: n // 3], s[n // 3: 2 * n // 3], s[2 * n // 3:]]
    print(f"date {datetime.now(UTC).isoformat(timespec='seconds')}, {platform.node()}, "
          f"{subprocess.run(['nproc'], capture_output=True, text=True, check=False).stdout.strip()} CPUs, Python "
          f"{platform.python_version()}")
    print(f"{args.seconds:.0f} s, {sum(result.statuses.values())} cycles {result.statuses}; "
          f"{result.articles} articles, {result.versions} versions, {result.deletions} deletions seen")
    for failure in result.failures:
        print(f"failed cycle: {failure[-600:]}")
    for name in ("rss_kib", "fds", "wal_bytes", "log_files", "log_bytes"):
        print(f"{name:10} max per third: " + " / ".join(str(max(getattr(x, name) for x in t)) for t in thirds))
    print(f"check: {result.check_out.strip().splitlines()[-1] if result.check_out.strip() else result.check_rc}")
    try:
        assert_flat(result)
    except AssertionError as exc:
        print(f"NOT FLAT: {exc}")
        return 1
    print("flat: yes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
