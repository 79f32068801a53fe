"""Write the titles of every labelled set here, one per line, for the writers of a new blind set.

The brief (`brief.md`) tells a writer to grep this list for the event they have in mind, so that a new set does not
repeat an earlier one. Usage: ``python benchmarks/relevance/protocol/used_events.py OUT.txt``.
"""

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent


def main(out: str) -> int:
    lines = []
    for path in sorted(HERE.glob("*.jsonl")):
        for raw in path.read_text(encoding="utf-8").splitlines():
            if raw.strip():
                title = json.loads(raw).get("title", "").replace("\n", " ")
                lines.append(f"{path.stem}\t{title}")
    Path(out).write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(lines)} titles from {len(list(HERE.glob('*.jsonl')))} files -> {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "used_events.txt"))
