"""Normalise legacy page layout before extraction (layout tables unwrapped, <br><br> paragraphs); the shown blocks."""

from __future__ import annotations

import logging
import re
from html.parser import HTMLParser

from lxml.html import HtmlElement

from crawler.extraction.giant_markup import empty_giant_markup
from crawler.extraction.titles import clean_space

logger = logging.getLogger(__name__)

# Tags that start a new block: a paragraph being assembled from a <br>-separated run stops at them.
BLOCK_TAGS = frozenset(
    {"address", "article", "aside", "blockquote", "center", "dd", "details", "dialog", "div", "dl", "dt", "fieldset",
     "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main",
     "menu", "nav", "ol", "p", "pre", "section", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
     "iframe", "marquee", "select", "textarea", "script", "style", "noscript"}
)
# Inline wrappers that legacy pages put around whole articles (<font face=Tahoma><b>...).
INLINE_WRAPPERS = frozenset({"font", "span", "b", "strong", "i", "em", "small", "big", "u", "center", "a"})
TABLE_PARTS = ("tbody", "thead", "tfoot", "tr", "td", "th")
# readability's _markDataTables thresholds: a table this big is data, whatever else it looks like.
DATA_TABLE_MIN_ROWS = 10
DATA_TABLE_MIN_COLUMNS = 5
DATA_TABLE_MIN_CELLS = 10
LAYOUT_CELL_TEXT = 300  # a cell holding this much running text is a page column, not a datum
# A grid of this many rows of one shape is a listing, whatever its cells hold: extraction-dev's CleanEval tune half
# 0.825 -> 0.831, the trafilatura set +0.0002, Zyte unchanged (3 and 5 rows did about as well in a first variant that
# counted columns, not cells: 0.830-0.832), issue 13.
LISTING_MIN_ROWS = 4
# Tags that only wrap: past the depth limit they are left out (paragraphs, lists, headings and links stay).
FLATTEN_WRAPPERS = frozenset({"div", "span", "font", "section", "article", "main", "center", "b", "i", "em", "strong",
                              "u", "small", "big", "blockquote", "aside", "header", "footer", "nav", "table", "tbody",
                              "tr", "td", "th", "form", "label"})
# What a browser does not show as text (shown_paragraphs)
UNSHOWN_TAGS = frozenset({"script", "style", "noscript", "template", "head", "title", "select", "textarea", "iframe"})
VOID_TAGS = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
                       "track", "wbr"})


def _rows(table: HtmlElement) -> list[HtmlElement]:
    """The rows of ``table`` itself (not of tables nested in it)."""
    rows = []
    for child in table:
        if child.tag == "tr":
            rows.append(child)
        elif child.tag in ("tbody", "thead", "tfoot"):
            rows.extend(r for r in child if r.tag == "tr")
    return rows


def _own_cells(row: HtmlElement) -> list[HtmlElement]:
    """The cells of one row."""
    return [c for c in row if c.tag in ("td", "th")]


def is_data_table(table: HtmlElement) -> bool:
    """True when ``table`` holds data (headers, a caption, a grid of short cells) rather than page layout.

    Follows Mozilla readability's ``_markDataTables``, plus two rules: a regular grid of rows is a listing, its prose
    cells included (_is_listing_grid); otherwise a cell holding a long run of prose is a page column (the article
    itself), so its table is layout.
    """
    role = (table.get("role") or "").strip().lower()
    if role in ("presentation", "none") or table.get("datatable") == "0":
        return False
    if table.get("summary") or any(c.tag == "caption" for c in table):
        return True
    rows = _rows(table)
    if _is_listing_grid(table, rows):
        return True
    headed = any(c.tag == "th" for r in rows for c in r) or any(
        c.tag in ("thead", "tfoot", "colgroup", "col") for c in table)
    for cell in (c for r in rows for c in _own_cells(r)):
        if cell.find(".//table") is not None:
            return False  # nested tables are layout (readability)
        if any(len(" ".join((t or "").split())) >= LAYOUT_CELL_TEXT for t in cell.itertext()):
            return False
        if _paragraph_like_children(cell) >= 2:
            return False
    if headed:
        return True
    columns = max((sum(_colspan(c) for c in _own_cells(r)) for r in rows), default=0)
    if len(rows) <= 1 or columns <= 1:
        return False
    if len(rows) >= DATA_TABLE_MIN_ROWS or columns >= DATA_TABLE_MIN_COLUMNS:
        return True
    return len(rows) * columns > DATA_TABLE_MIN_CELLS


def _is_listing_grid(table: HtmlElement, rows: list[HtmlElement]) -> bool:
    """True for a regular grid: LISTING_MIN_ROWS rows or more, each of the same two or more cells, no nested table.

    A job board, a course list or a bulleted activity table repeats one row shape, prose cells and all; a page
    layout does not (its header, columns and footer rows differ in width). Unwrapped, such a grid left the extractor
    its long cells and dropped the short ones beside them (titles, companies, places, dates): issue 13.
    """
    if len(rows) < LISTING_MIN_ROWS or table.find(".//table") is not None:
        return False
    shapes = {len(_own_cells(r)) for r in rows}  # cells, not columns: a colspan header row is another shape
    return len(shapes) == 1 and shapes.pop() >= 2


def _colspan(cell: HtmlElement) -> int:
    """The colspan of a cell (1 when absent or malformed)."""
    value = (cell.get("colspan") or "1").strip()
    # isascii: str.isdigit() accepts "²", which int() refuses (hostile web, round four)
    return int(value) if value.isascii() and value.isdigit() and 0 < int(value) < 100 else 1


def _paragraph_like_children(cell: HtmlElement) -> int:
    """How many <p>, <br><br> breaks or block children a cell holds (a data cell holds one datum)."""
    count = 0
    for element in cell.iter("p", "ul", "ol", "div", "h1", "h2", "h3", "h4", "blockquote", "br"):
        if element.tag == "br":
            following = element.getnext()
            if following is not None and following.tag == "br" and not (element.tail or "").strip():
                count += 1
        else:
            count += 1
    return count


def unwrap_layout_tables(root: HtmlElement) -> int:
    """Turn every layout table (and its rows and cells) into <div>s in place; return how many were turned.

    Extractors render a table as a data grid ("| cell | cell |"): right for a price list, wrong for a 2000s page
    whose whole layout, article included, sits in nested tables.
    """
    tables = list(root.iter("table"))
    turned = 0
    # Innermost first: a table's verdict must not depend on whether its nested tables were already turned.
    verdicts = {id(t): is_data_table(t) for t in tables}
    for table in tables:
        if verdicts[id(table)]:
            continue
        for part in table.iter(*TABLE_PARTS):
            if next(part.iterancestors("table")) is table:
                part.tag = "div"
        table.tag = "div"
        for attr in ("cellpadding", "cellspacing", "border"):
            table.attrib.pop(attr, None)
        turned += 1
    logger.debug("unwrapped %d layout tables", turned)
    return turned


def _is_br_run(element: HtmlElement) -> bool:
    """True when ``element`` is a <br> directly followed (only whitespace between) by another <br>."""
    if element.tag != "br" or (element.tail or "").strip():
        return False
    following = element.getnext()
    return following is not None and following.tag == "br"


def split_br_paragraphs(root: HtmlElement) -> int:
    """Wrap the inline runs that <br><br> separates into <p> elements in place; return how many <p> were made."""
    holders = []
    for br in root.iter("br"):
        parent = br.getparent()
        if parent is not None and _is_br_run(br) and (not holders or holders[-1] is not parent):
            holders.append(parent)
    made = 0
    # the innermost first: a wrapper split inside another (a <font> of <br><br> paragraphs under a cell's headline
    # and dateline, also split) is a block by the time the outer runs are made, so no <p> holds its <p>s, which
    # trafilatura read as one line (a black-box probe, stop 37)
    for holder in sorted(dict.fromkeys(holders), key=lambda h: -sum(1 for _ in h.iterancestors())):
        made += _wrap_runs(holder)
    return made


def _wrap_runs(holder: HtmlElement) -> int:
    """Rebuild ``holder``'s children so that each <br><br>-separated inline run is one <p>."""
    children = list(holder)
    text = holder.text
    holder.text = None
    for child in children:
        holder.remove(child)
    segments: list[list[HtmlElement | str]] = [[]]
    out: list[HtmlElement | list[HtmlElement | str]] = []
    if text and text.strip():
        segments[-1].append(text)
    index = 0
    while index < len(children):
        child = children[index]
        tail, child.tail = child.tail, None
        if child.tag == "br" and _run_length(children, index, tail) >= 2:
            length = _run_length(children, index, tail)
            last = children[index + length - 1]
            tail = last.tail if length > 1 else tail
            last.tail = None
            out.append(segments.pop())
            segments.append([])
            index += length
        elif isinstance(child.tag, str) and child.tag in BLOCK_TAGS:
            out.append(segments.pop())
            out.append(child)
            segments.append([])
            index += 1
        else:
            segments[-1].append(child)
            index += 1
        if tail and tail.strip():
            segments[-1].append(tail)
    out.append(segments.pop())
    made = 0
    for item in out:
        if isinstance(item, list):
            made += _append_paragraph(holder, item)
        else:
            holder.append(item)
    if (holder.tag in INLINE_WRAPPERS or holder.tag == "p") and made:
        # a <p> inside <font>/<span> or another <p> is invalid (trafilatura reads the paragraphs of a <p> held in a
        # <p> as one line: "<p>a<br><br>b</p>", shift-enter lines in an editor); the holder becomes a block
        holder.tag = "div"
    return made


def _run_length(children: list[HtmlElement], index: int, tail: str | None) -> int:
    """How many consecutive <br> (with only whitespace between) start at ``children[index]``."""
    length = 1
    if tail and tail.strip():
        return length
    while index + length < len(children) and children[index + length].tag == "br":
        if (children[index + length].tail or "").strip():
            return length + 1
        length += 1
    return length


def _append_paragraph(holder: HtmlElement, parts: list[HtmlElement | str]) -> int:
    """Append a <p> holding ``parts`` (strings and inline elements) to ``holder``; 0 when they are blank."""
    if not any((p.strip() if isinstance(p, str) else True) for p in parts):
        return 0
    paragraph = holder.makeelement("p", {})
    for part in parts:
        if isinstance(part, str):
            if len(paragraph):
                paragraph[-1].tail = (paragraph[-1].tail or "") + part
            else:
                paragraph.text = (paragraph.text or "") + part
        else:
            paragraph.append(part)
    holder.append(paragraph)
    return 1


def may_normalise(root: HtmlElement) -> bool:
    """False when normalise_layout would leave ``root`` exactly as it is: no table and no <br><br> run."""
    return next(root.iter("table"), None) is not None or any(_is_br_run(br) for br in root.iter("br"))


def normalise_layout(root: HtmlElement) -> tuple[int, int]:
    """Make a legacy page look like a modern one to the extractor: layout tables unwrapped, <br><br> paragraphs.

    Returns (tables turned, paragraphs made); (0, 0): the page was left as it was.
    """
    return unwrap_layout_tables(root), split_br_paragraphs(root)


def shown_paragraphs(page: HtmlElement) -> tuple[str, ...]:
    """The page's text cut into the blocks a browser would show apart (p, div, td, li, ...), scripts left out.

    A cheap stand-in for a reading: one walk of the tree, no scoring (jusText's ParagraphMaker does the same
    but costs half a trafilatura run).
    """
    found: list[str] = []

    def flush(parts: list[str]) -> None:
        text = clean_space(" ".join(parts))
        if text:
            found.append(text)
        parts.clear()

    def walk(element: HtmlElement, parts: list[str]) -> None:
        for child in element:  # each tag, text and tail read once: lxml builds a new string at each read
            tag = child.tag
            if not isinstance(tag, str) or tag in UNSHOWN_TAGS:
                pass
            elif tag in BLOCK_TAGS:
                flush(parts)
                text = child.text
                inner = [text] if text else []
                walk(child, inner)
                flush(inner)
            else:
                text = child.text
                if text:
                    parts.append(text)
                walk(child, parts)
            tail = child.tail
            if tail:
                parts.append(tail)

    body = page.find("body")
    body = page if body is None else body
    parts = [body.text] if body.text else []
    walk(body, parts)
    flush(parts)
    return tuple(found)


class _Flattener(HTMLParser):
    """Re-emit a page leaving out the tags of wrappers (div, span, ...) nested deeper than ``limit`` (content kept)."""

    def __init__(self, limit: int):
        super().__init__(convert_charrefs=False)
        self.limit, self.depth, self.emitted, self.out = limit, 0, 0, []
        self.stack: list[tuple[str, bool]] = []  # (tag, emitted)

    def handle_starttag(self, tag: str, attrs: list) -> None:
        """Keep the tag while the page is shallow enough; past the limit keep only what it holds."""
        if tag in VOID_TAGS:
            self.out.append(self.get_starttag_text() or "")
            return
        kept = self.emitted < self.limit or tag not in FLATTEN_WRAPPERS
        self.emitted += kept
        self.stack.append((tag, kept))
        self.depth = max(self.depth, len(self.stack))
        if kept:
            self.out.append(self.get_starttag_text() or "")

    def handle_startendtag(self, tag: str, attrs: list) -> None:
        """A self-closed tag stays as written."""
        self.out.append(self.get_starttag_text() or "")

    def handle_endtag(self, tag: str) -> None:
        """Close up to the matching open element; emit the end tag only for elements whose start tag was kept."""
        if not any(open_tag == tag for open_tag, _ in reversed(self.stack)):
            return  # a stray end tag: browsers ignore it too
        while self.stack:
            open_tag, kept = self.stack.pop()
            self.emitted -= kept
            if open_tag == tag:
                if kept:
                    self.out.append(f"</{tag}>")
                return

    def handle_data(self, data: str) -> None:
        """Text (and script/style content) as written."""
        self.out.append(data)

    def handle_entityref(self, name: str) -> None:
        """``&name;`` as written."""
        self.out.append(f"&{name};")

    def handle_charref(self, name: str) -> None:
        """``&#nnn;`` as written."""
        self.out.append(f"&#{name};")

    def handle_decl(self, decl: str) -> None:
        """The doctype as written."""
        self.out.append(f"<!{decl}>")


def flatten_deep_html(page: str, limit: int) -> tuple[str, int]:
    """(page, depth): ``page`` without the tags of wrappers nested deeper than ``limit``, and its real depth.

    libxml2 (lxml, trafilatura) silently drops everything nested deeper than 255 elements, so a page wrapped in
    thousands of <div>s would lose its article. The standard library's tokenizer has no such limit; it only finds the
    tags here, the page is still parsed by lxml afterwards. Comments are dropped.
    """
    flattener = _Flattener(limit)
    flattener.feed(page)
    flattener.close()
    return "".join(flattener.out), flattener.depth


_SCRIPT_OPEN = re.compile(r"<(script|style)\b[^<>]*>", re.IGNORECASE)
_SCRIPT_CLOSE = {name: re.compile(rf"</{name}\s*>", re.IGNORECASE) for name in ("script", "style")}
GIANT_SCRIPT_CHARS = 1_000_000  # a script or style longer than this is emptied when the page hits libxml2's limit


def empty_giant_scripts(html: str) -> str:
    r"""``html`` with every script or style of GIANT_SCRIPT_CHARS or more emptied (its tags kept), then its giant
    comments and attribute values (crawler.extraction.giant_markup).

    Read opener by opener, each closed by the first closing tag of its name after it. The regex it replaces,
    ``(<(script|style)\b[^>]*>)(.*?)(</\2\s*>)``, searched to the page's end from every opener that never closes:
    10,000 unclosed ``<style>`` in a page of 10 MB took some 20 minutes (a black-box audit, stop 35). Here a name that
    found no closing tag after one opener is not looked for again: none comes after a later one either.
    """
    out, pos, unclosed = [], 0, set()
    for opener in _SCRIPT_OPEN.finditer(html):
        name = opener[1].lower()
        if opener.start() < pos or name in unclosed:
            continue
        close = _SCRIPT_CLOSE[name].search(html, opener.end())
        if close is None:
            unclosed.add(name)
            continue
        if close.start() - opener.end() >= GIANT_SCRIPT_CHARS:
            out += [html[pos:opener.end()], close[0]]
            pos = close.end()
    # then giant comments and attribute values, which end the parse the same way (crawler.extraction.giant_markup)
    return empty_giant_markup("".join(out) + html[pos:] if out else html)
