"""Decode the addresses that Cloudflare's email obfuscation hides in a page, as a reader's browser shows them.

A site behind Cloudflare with "Email Address Obfuscation" on (the default of its Scrape Shield) has every address its
pages print rewritten at the edge: the text becomes the placeholder "[email protected]" inside an element whose
``data-cfemail`` attribute holds the address, and a script (``/cdn-cgi/scripts/.../email-decode.min.js``) puts the
address back in the reader's browser. The attribute is hex: a key byte, then each byte of the address's UTF-8 XOR-ed
with it (the script's own decoding: https://developers.cloudflare.com/waf/tools/scrape-shield/email-address-obfuscation/).
Read without that script, a story's "write to the editor: name@example.org" line or a quoted statement's address
became "[email protected]": two words the story never held and the address lost. The element's text is set to the
address here before any reading, as the script does; a value that does not decode to an address is left as it is.
"""

from __future__ import annotations

import logging

from lxml.html import HtmlElement

logger = logging.getLogger(__name__)

MARK = "data-cfemail"


def decode_cfemail(code: str) -> str | None:
    """The address a ``data-cfemail`` value holds, or None when it is no such value (odd length, not hex, not UTF-8,
    no "@", or a control character in it)."""
    try:
        data = bytes.fromhex(code.strip())
    except ValueError:
        return None
    if len(data) < 2:
        return None
    key = data[0]
    try:
        address = bytes(b ^ key for b in data[1:]).decode("utf-8")
    except UnicodeDecodeError:
        return None
    if "@" not in address or not address.isprintable() or any(c.isspace() for c in address):
        return None
    return address


def reveal_cfemails(root: HtmlElement, html: str) -> int:
    """Set the text of each obfuscated address element of ``root`` (the parsed ``html``) to its address, in place;
    return how many were. The markup is searched only when ``html`` holds the attribute's name."""
    if MARK not in html:
        return 0
    revealed = 0
    for element in root.xpath(f"//*[@{MARK}]"):
        address = decode_cfemail(element.get(MARK) or "")
        if address is None:
            continue
        for child in list(element):  # the placeholder's own markup; the element's tail stays where it is
            element.remove(child)
        element.text = address
        revealed += 1
    if revealed:
        logger.debug("%d Cloudflare-obfuscated address(es) decoded", revealed)
    return revealed
