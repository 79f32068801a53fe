"""An article's history: what counts as a new version, readable diffs, deletion/return events, re-check back-off."""

from __future__ import annotations

import difflib
import functools
import hashlib
import os
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from archive.corpus.bounded import OverBudget, Steps, bounded_opcodes, common_ends

# Characters that change how text looks, never what it says: tatweel (kashida), zero-width joiners and
# marks, bidi controls (the Arabic letter mark U+061C too), soft hyphen, BOM. Outlets' CMSs add and drop these on re-save.
_INVISIBLE_RE = re.compile("[\u0640\u00ad\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")

# Lines that are page furniture rather than the article when extraction lets them through: view and share
# counters, "last updated" stamps, "read also" prompts, bare numbers and punctuation. A change confined to
# such lines is not a new version (Arabic and English forms; the Arabic is written with its common variants).
_BOILERPLATE_LINE_RES = tuple(re.compile(p, re.IGNORECASE) for p in (
    r"^[\W\d_]*$",  # only digits, punctuation, symbols
    (r"^\W*(?:عدد\s+)?(?:المشاهدات|مشاهدة|مشاهدات|القراءات|قراءة|views?|reads?|shares?|comments?|تعليقات?|"
    r"مشاركة|مشاركات)\W*+[\d٠-٩,.\s]*+\W*$"),
    r"^\W*[\d٠-٩,.\s]+(?:المشاهدات|مشاهدة|مشاهدات|قراءة|قراءات|views?|reads?|shares?|comments?|تعليقا?ت?)\W*$",
    (r"^\W*(?:آخر\s+تحديث|اخر\s+تحديث|تم\s+التحديث|تحديث|last\s+updated?|updated(?:\s+on|\s+at)?)\s*[:：]?"
     r".{0,12}[\d٠-٩].{0,30}$"),  # an update stamp carries a date or time
    # a publication stamp ("نشر في 17 أبريل 2019 - آخر تحديث: منذ ساعة"), which extraction cuts since stop 42: its
    # loss from a text stored before then, or its "منذ ساعة" turning "منذ ساعتين", is no new version
    (r"^\W*(?:نُ?شر(?:ت)?\s*(?:في|بتاريخ|[:：])|تاريخ\s+النشر|published(?:\s+on)?\s*[:：]?)\s*[:：]?.{0,12}[\d٠-٩]"
     r".{0,60}$"),
    r"^\W*(?:[اإأآ]قر[أا]\s+(?:[أا]يض[اًا]+|كذلك|المزيد)|read\s+(?:also|more)|also\s+read|see\s+also)\W*$",
    r"^\W*(?:شارك|شاركوا|share(?:\s+this)?|tweet|طباعة|print)\W*$",
))

DeltaRule = tuple[timedelta, timedelta]
# While an article is younger than the first value, check it every second value; older than the last: stop.
DEFAULT_BACKOFF: tuple[DeltaRule, ...] = (
    (timedelta(days=1), timedelta(hours=1)),
    (timedelta(days=7), timedelta(days=1)),
    (timedelta(days=30), timedelta(days=7)),
)
DEFAULT_BACKOFF_SPEC = "1d:1h,7d:1d,30d:7d"
_DURATION_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhdw])\s*$")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}

GONE_STATUSES = frozenset({404, 410})


@dataclass(frozen=True)
class Snapshot:
    """The parts of an article whose change makes a new version."""

    title: str
    text: str  # one paragraph per line
    published: str | None = None

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Snapshot:
        """From an ``articles`` or ``article_versions`` row."""
        return cls(row.get("title") or "", row.get("text") or "", row.get("published") or None)


def normalise_line(line: str) -> str:
    """One line with invisible characters dropped, Unicode NFC, whitespace collapsed."""
    line = _INVISIBLE_RE.sub("", unicodedata.normalize("NFC", line))
    return " ".join(line.split())


# Furniture lines are short: the patterns past the first are tried on lines up to this long. Their overlapping
# repeats (\W, digits, commas and spaces) took cubic time on a hostile line ("views" and 1,000 ", ": 4 s, 2,000:
# 40 s), inside the catalogue's write transaction (a black-box audit, stop 35); the counter's is possessive too.
FURNITURE_MAX_CHARS = 200


def is_boilerplate_line(line: str) -> bool:
    """True for a line that is page furniture (counter, update stamp, share or read-also prompt), not content."""
    norm = normalise_line(line)
    if not norm or _BOILERPLATE_LINE_RES[0].match(norm):
        return True
    return len(norm) <= FURNITURE_MAX_CHARS and any(r.match(norm) for r in _BOILERPLATE_LINE_RES[1:])


def content_lines(text: str) -> list[str]:
    """The text's lines that carry content, normalised, boilerplate lines left out."""
    return [normalise_line(line) for line in text.splitlines() if not is_boilerplate_line(line)]


# the writer asks twice per article (resolving its URL, then storing it): the second answer from here (issue 10)
@functools.lru_cache(maxsize=16)
def text_digest(title: str, text: str) -> str:
    """The stored digest of title and body (``articles.text_digest``): ignores whitespace-only changes.

    Whitespace only, on purpose: stored digests find one body under several URLs (archive.catalogue.aliases),
    so this must never change; whether an edit makes a new version is ``changed_fields``'s rule.
    """
    norm = " ".join(title.split()) + "\n" + " ".join(text.split())
    return "sha256:" + hashlib.sha256(norm.encode("utf-8")).hexdigest()


def _date_key(value: str | None) -> str | None:
    """A published value in a comparable form: an ISO datetime as UTC minutes, a date as itself."""
    if not value:
        return None
    value = value.strip()
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value
    if len(value) <= 10:
        return moment.date().isoformat()
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M")


def date_changed(old: str | None, new: str | None) -> bool:
    """True when the published date really changed (a date that vanished or only gained precision is no change)."""
    old_key, new_key = _date_key(old), _date_key(new)
    if new_key is None or old_key == new_key:
        return False
    if old_key is None:
        return True
    # "2024-05-01" -> "2024-05-01T10:00" adds precision, it does not move the date
    return not (old_key.startswith(new_key) or new_key.startswith(old_key))


def changed_fields(old: Snapshot, new: Snapshot) -> list[str]:
    """Which of title, text and published changed, by the rule that defines a new version."""
    fields = []
    if normalise_line(old.title) != normalise_line(new.title):
        fields.append("title")
    if content_lines(old.text) != content_lines(new.text):
        fields.append("text")
    if date_changed(old.published, new.published):
        fields.append("published")
    return fields


def is_new_version(old: Snapshot | dict[str, Any], new: Snapshot) -> bool:
    """True when ``new`` differs from ``old`` in title, body or date beyond whitespace and boilerplate."""
    if isinstance(old, dict):
        old = Snapshot.from_row(old)
    return bool(changed_fields(old, new))


#: ``readable_diff`` prints at most this many lines of changes, each cut to this many characters.
READABLE_DIFF_LINES = 200
READABLE_LINE_CHARS = 500


def _cut(line: str, start: int = 0) -> str:
    """A line of at most READABLE_LINE_CHARS characters from about ``start`` (a change), saying what was cut."""
    start = max(0, min(start - 40, len(line) - READABLE_LINE_CHARS))
    if start == 0 and len(line) <= READABLE_LINE_CHARS:
        return line
    end = start + READABLE_LINE_CHARS
    return ((f"[{start:,} characters] …" if start else "") + line[start:end]
            + (f"… [{len(line) - end:,} more characters]" if end < len(line) else ""))


def readable_diff(old: Snapshot, new: Snapshot, *, old_label: str = "before", new_label: str = "after",
                  context: int = 1, steps: Steps | None = None) -> str:
    """A unified diff of two versions, one paragraph per line, with the title and date as the first lines.

    Bounded in time and size (a 1 MB article printed its whole diff, after a quadratic line match): the lines are
    matched within ``steps`` (``DIFF_STEPS``; past it the lines from the first change to the last are shown whole,
    removed then added), at most READABLE_DIFF_LINES changed lines are printed, each cut to READABLE_LINE_CHARS
    characters around its first change, and a last line says how much was left out.
    """

    def lines(s: Snapshot) -> list[str]:
        head = [f"title: {normalise_line(s.title)}", f"published: {s.published or '-'}", ""]
        return head + [line for line in (normalise_line(p) for p in s.text.splitlines()) if line]

    a, b = lines(old), lines(new)
    note = ""
    try:
        groups = list(_Made(bounded_opcodes(a, b, steps or Steps())).get_grouped_opcodes(context))
    except OverBudget:
        head, tail = common_ends(a, b)
        note = (f"(too large to compare line by line: {len(a):,} and {len(b):,} lines; the lines from the first "
                "change to the last are shown whole, removed then added)")
        groups = [[("replace", head, len(a) - tail, head, len(b) - tail)]]
    if not any(op != "equal" for group in groups for op, *_ in group):
        return ""
    out, shown, left = [f"--- {old_label}", f"+++ {new_label}"] + ([note] if note else []), 0, 0
    for group in groups:
        if shown >= READABLE_DIFF_LINES:  # the rest is only counted
            left += sum(x2 - x1 + y2 - y1 for op, x1, x2, y1, y2 in group if op != "equal")
            continue
        (_, i1, _, j1, _), (_, _, i2, _, j2) = group[0], group[-1]
        out.append(f"@@ -{_span(i1, i2)} +{_span(j1, j2)} @@")
        for op, x1, x2, y1, y2 in group:
            pairs = [(" ", a[i], 0) for i in range(x1, x2)] if op == "equal" else []
            if op != "equal":
                olds, news = a[x1:x2], b[y1:y2]
                starts = [len(os.path.commonprefix([x, y])) for x, y in zip(olds, news)]
                pairs = [("-", x, starts[k] if k < len(starts) else 0) for k, x in enumerate(olds)]
                pairs += [("+", y, starts[k] if k < len(starts) else 0) for k, y in enumerate(news)]
            for sign, line, start in pairs:
                if sign != " " and shown >= READABLE_DIFF_LINES:
                    left += 1
                    continue
                shown += sign != " "
                out.append(sign + _cut(line, start))
    if left:
        out.append(f"... {left:,} more changed line(s) left out (the versions are in the catalogue's "
                   "article_versions table)")
    return "\n".join(out)


def _span(start: int, stop: int) -> str:
    """A unified-diff hunk range, as difflib writes it."""
    length = stop - start
    return f"{start + 1}" if length == 1 else f"{start + (length > 0)},{length}"


class _Made(difflib.SequenceMatcher):
    """Opcodes already made (bounded), grouped into hunks by difflib's own get_grouped_opcodes."""

    def __init__(self, ops: list[tuple[str, int, int, int, int]]) -> None:
        super().__init__(None, (), ())
        self.made = ops

    def get_opcodes(self) -> list[tuple[str, int, int, int, int]]:
        """The opcodes given."""
        return self.made


_WORD_SPLIT_RE = re.compile(r"(\s+)")

#: One piece of a changed line: ("equal" | "delete" | "insert", text).
DiffPart = tuple[str, str]


@dataclass(frozen=True)
class LineChange:
    """One changed line of two versions: ``kind`` "changed", "added" or "removed", and its pieces in order."""

    kind: str
    parts: tuple[DiffPart, ...]


def line_changes(old: Snapshot, new: Snapshot) -> list[LineChange]:
    """The changed lines of two versions (title first, whitespace collapsed); unchanged lines are left out.

    A run of lines replaced by as many lines is diffed word by word ("changed"); otherwise lines are "removed"
    (one "delete" piece) and "added" (one "insert" piece). The reading room renders these as HTML.
    """

    def lines(s: Snapshot) -> list[str]:
        return [" ".join(s.title.split())] + [" ".join(p.split()) for p in s.text.splitlines() if p.strip()]

    a, b = lines(old), lines(new)
    out: list[LineChange] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            continue
        if op == "replace" and i2 - i1 == j2 - j1:
            out.extend(LineChange("changed", word_parts(x, y)) for x, y in zip(a[i1:i2], b[j1:j2]))
            continue
        out.extend(LineChange("removed", (("delete", x),)) for x in a[i1:i2])
        out.extend(LineChange("added", (("insert", y),)) for y in b[j1:j2])
    return out


def _opcodes(a: list[str], b: list[str]) -> list[tuple[str, int, int, int, int]]:
    return difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()


def word_parts(old_line: str, new_line: str, opcodes: Any = _opcodes) -> tuple[DiffPart, ...]:
    """One edited line as pieces: words (with the spaces between them) kept, deleted and inserted; ``opcodes(a, b)``
    compares the two word lists (difflib's, unless a caller bounds the work: crawler/web/diffs.py)."""
    a, b = _WORD_SPLIT_RE.split(old_line), _WORD_SPLIT_RE.split(new_line)
    parts: list[DiffPart] = []
    for op, i1, i2, j1, j2 in opcodes(a, b):
        if op == "equal":
            parts.append(("equal", "".join(a[i1:i2])))
            continue
        if i2 > i1:
            parts.append(("delete", "".join(a[i1:i2])))
        if j2 > j1:
            parts.append(("insert", "".join(b[j1:j2])))
    return tuple(parts)


# -- deletion and return --------------------------------------------------------------------------


def status_event(article_status: str | None, http_status: int) -> str | None:
    """The event an HTTP status makes for an article: "deleted" (404/410 when live), "returned" (2xx/304 when deleted)."""
    if http_status in GONE_STATUSES and article_status != "deleted":
        return "deleted"
    if (200 <= http_status < 300 or http_status == 304) and article_status == "deleted":
        return "returned"
    return None


# -- re-checking recent articles ------------------------------------------------------------------


def parse_duration(text: str) -> timedelta:
    """A duration such as "90s", "30m", "2h", "1d" or "2w"; ValueError otherwise."""
    m = _DURATION_RE.match(text)
    if not m:
        raise ValueError(f"{text!r} is not a duration like 90s, 30m, 2h, 1d or 2w")
    return timedelta(seconds=float(m.group(1)) * _UNITS[m.group(2)])


def parse_backoff(spec: str) -> tuple[DeltaRule, ...]:
    """Parse "AGE:EVERY,..." (e.g. "1d:1h,7d:1d,30d:7d") into back-off rules; ValueError with the fix otherwise."""
    rules: list[DeltaRule] = []
    for part in (p for p in spec.split(",") if p.strip()):
        age, sep, every = part.partition(":")
        if not sep:
            raise ValueError(f"{part.strip()!r}: write AGE:EVERY, e.g. 1d:1h (check hourly while under a day old)")
        rule = (parse_duration(age), parse_duration(every))
        if rule[1].total_seconds() <= 0:
            raise ValueError(f"{part.strip()!r}: the interval must be more than zero")
        if rules and rule[0] <= rules[-1][0]:
            raise ValueError(f"{spec!r}: ages must increase from one rule to the next")
        rules.append(rule)
    return tuple(rules)


def parse_when(value: str | None) -> datetime | None:
    """An ISO date or datetime as an aware UTC datetime (naive means UTC), None if absent or unparseable."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def article_born(first_seen: str | None, published: str | None) -> datetime | None:
    """When the article's age counts from: the earlier of its publication date and when we first saw it."""
    seen = parse_when(first_seen)
    pub = parse_when(published) if published and len(published.strip()) > 10 else None
    if published and pub is None:
        try:
            day = date.fromisoformat(published.strip()[:10])
            pub = datetime(day.year, day.month, day.day, tzinfo=UTC)
        except ValueError:
            pub = None
    candidates = [m for m in (seen, pub) if m is not None]
    return min(candidates) if candidates else None


def next_check(born: datetime | None, now: datetime,
               rules: Sequence[DeltaRule] = DEFAULT_BACKOFF) -> datetime | None:
    """When to re-check an article next: ``now`` plus the interval for its age, None once it is past the last age."""
    if born is None:
        return None
    age = now - born
    for max_age, every in rules:
        if age < max_age:
            # never schedule past the end of this rule's age band by more than one interval
            return now + every
    return None
