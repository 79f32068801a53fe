"""``python -m crawler.demo``: serve the demo sites alone, with a seeds file for them, until Ctrl-C."""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

from crawler.demo.standalone import serve_until_stopped


def main(argv: list[str] | None = None) -> None:
    """Parse the arguments and serve until stopped."""
    parser = argparse.ArgumentParser(prog="python -m crawler.demo", description=__doc__,
                                     epilog="Example: python -m crawler.demo --data demo-data")
    parser.add_argument("--data", type=Path, default=Path("demo-data"),
                        help="data folder whose demo addresses to use; the seeds file goes there (default: demo-data)")
    parser.add_argument("-v", "--verbose", action="store_true", help="log every request")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.WARNING,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    serve_until_stopped(args.data)


if __name__ == "__main__":
    main()
