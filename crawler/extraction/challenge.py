"""Pages a protection layer or a consent platform serves instead of the page asked for (no scrapy imports).

A bot-protection layer (Cloudflare, Sucuri, DDoS-Guard, BitNinja, a hosting panel's "anti-DDoS" module) answers some
requests with a challenge: a page that runs a script, sets a cookie and reloads, in English, Arabic or both, with a
200 on some hosts and a 503 or 429 on others. A consent platform answers with a wall. Neither is the article: it
is an ``ExtractionFailure`` (``challenge-page``, ``consent-wall``), never a row, a version or a text file.
"""

from __future__ import annotations

import re

from lxml.html import HtmlElement

from archive.records import ExtractionFailure
from crawler.extraction.titles import clean_space

CHALLENGE_MARKERS = (
    "just a moment...", "attention required! | cloudflare", "cf-browser-verification", "cf_chl_opt",
    "challenge-platform", "checking your browser before accessing", "ddos-guard", "enable javascript and cookies to continue",
    "g-recaptcha", "h-captcha", "hcaptcha.com/1/api.js", "are you a robot", "px-captcha", "_incapsula_resource",
    "verify you are human",
    # round sixteen: Sucuri's JavaScript page, BitNinja's and LiteSpeed's waits, a hosting panel's "anti-DDoS" page,
    # and the Arabic of these pages ("checking your browser", "... your connection", "... your request")
    "sucuri_cloudproxy", "sucuri website firewall", "bitninja", "checking your browser", "ddos protection by",
    "please wait while your request is being verified", "one moment, please...",
    "التحقق من متصفحك", "التحقق من المتصفح", "التحقق من اتصالك", "التحقق من طلبك", "أنك لست روبوت",
)
CONSENT_MARKERS = (
    "before you continue", "consent.google", "cookie consent", "we value your privacy", "manage your privacy",
    "privacy choices", "consent-page", "gdpr-consent", "accept all cookies", "consentmanager", "quantcast choice",
    # round sixteen: the Arabic of a consent platform's wall ("we respect / value your privacy"; not "cookies" or
    # "accept all", which a brief's cookie bar says too) and an age or region gate in either language
    "نحترم خصوصيتك", "نقدر خصوصيتك", "you are over 18", "age verification",
    "not available in your region", "تجاوزت الثامنة عشرة", "تجاوزت 18", "غير متاح في منطقتك", "غير متاحة في منطقتك",
)
CHALLENGE_MAX_TEXT = 1500  # a challenge marker in the markup counts on pages with less visible text than this
CONSENT_MAX_TEXT = 600  # ... a consent marker on pages with less than this
CHALLENGE_MAX_BYTES = 262_144  # a feed, sitemap or listing answer larger than this is no challenge page
SCRIPTED_MAX_TEXT = 300  # ... and a script that sets a cookie and reloads on a page with less readable text than this
_SETS_COOKIE = re.compile(r"document\s*\.\s*cookie\s*=")
_NAVIGATES = re.compile(r"location\s*\.\s*(?:reload|replace|assign)\s*\(|location(?:\s*\.\s*href)?\s*=(?!=)")


def failure_from_markers(root: HtmlElement, html: str, url: str) -> ExtractionFailure | None:
    """A challenge-page or consent-wall failure when the page is one, else None.

    A marker in the markup counts only on a page with little visible text, so the markup is lower-cased and searched
    only on such pages (issue 10: on an article page the two cost a millisecond and a half).
    """
    title = clean_space(root.findtext(".//title") or "").lower()
    text_len = _collapsed_text_len(root, CHALLENGE_MAX_TEXT)  # exact below the larger of the two limits
    markup = html.lower() if text_len < CHALLENGE_MAX_TEXT else ""
    for marker in CHALLENGE_MARKERS:
        if marker in title or (text_len < CHALLENGE_MAX_TEXT and marker in markup):
            return ExtractionFailure(url, "challenge-page", f"marker {marker!r}")
    if text_len < CHALLENGE_MAX_TEXT and (script := scripted_challenge(root)):
        return ExtractionFailure(url, "challenge-page", script)
    for marker in CONSENT_MARKERS:
        if marker in title or (text_len < CONSENT_MAX_TEXT and marker in markup):
            return ExtractionFailure(url, "consent-wall", f"marker {marker!r}")
    return None


def challenge_in(body: bytes, content_type: str | None = None) -> str | None:
    """What makes ``body`` a bot-protection challenge (``failure_from_markers``'s detail), or None.

    For a feed, sitemap or listing page that gave no links: a challenge answered for it was recorded as an empty
    feed or sitemap, or not at all for a listing, so the crawl said nothing of why an outlet's start page led nowhere.
    """
    import lxml.etree
    import lxml.html

    from crawler.extraction.decode import decode_html

    if not body or len(body) > CHALLENGE_MAX_BYTES or b"<" not in body[:4096]:
        return None
    html = decode_html(body, content_type)
    try:
        root = lxml.html.document_fromstring(html)
    except (lxml.etree.ParserError, ValueError):
        return None
    failure = failure_from_markers(root, html, "")
    return failure.detail if failure is not None and failure.reason == "challenge-page" else None


def scripted_challenge(root: HtmlElement) -> str | None:
    """Why the page is a JavaScript cookie challenge, or None: an inline script that writes ``document.cookie`` and
    then reloads or leaves the page, on a page with almost nothing to read outside scripts.

    This is how the challenges of Sucuri, the nginx "testcookie" module of free hosts and the panels' "anti-DDoS"
    modules work whatever they print (often only a ``<noscript>`` line, in any language, or nothing), so no list of
    vendors' words finds them all. A brief's page with a cookie banner that reloads on "accept" has its story, menu
    and footer to read, far more than ``SCRIPTED_MAX_TEXT``.
    """
    scripts = [s.text or "" for s in root.iter("script") if not s.get("src")]
    if not any(_SETS_COOKIE.search(s) and _NAVIGATES.search(s) for s in scripts):
        return None
    readable = sum(len(clean_space(t)) for e in root.iter("body") for t in _readable_text(e))
    if readable >= SCRIPTED_MAX_TEXT:
        return None
    return f"a script sets a cookie and reloads ({readable} characters to read)"


def _readable_text(element: HtmlElement) -> list[str]:
    """The text a reader sees in ``element``: no script, style or noscript."""
    out: list[str] = []
    for node in element.iter():
        if not isinstance(node.tag, str):
            continue
        if node.tag not in ("script", "style", "noscript", "template"):
            out.append(node.text or "")
        if node is not element and node.getparent() is not None:
            out.append(node.tail or "")
    return out


def _collapsed_text_len(root: HtmlElement, enough: int) -> int:
    """The length of the page's whitespace-collapsed text, exact below ``enough``, else some value at least ``enough``.

    The text is gathered only until it is long enough: on an article page the whole page's text cost about half a
    millisecond, to learn only that it is longer than ``enough`` (issue 10). A prefix's collapsed length never exceeds
    the whole text's, so stopping early never turns a long page into a short one.
    """
    parts: list[str] = []
    raw = 0
    check = enough
    for piece in root.itertext():  # the same text as text_content(), piece by piece
        parts.append(piece)
        raw += len(piece)
        if raw >= check:
            collapsed = len(" ".join("".join(parts).split()))
            if collapsed >= enough:
                return collapsed
            check = 2 * raw  # mostly whitespace so far: look again once the text has doubled
    return len(" ".join("".join(parts).split()))
