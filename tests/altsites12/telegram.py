"""A Libyan outlet's Telegram channel, read through Telegram's public web preview (t.me), where many Libyan outlets and
officials publish first.

Addresses as t.me makes them: the channel preview ``/s/<channel>`` (the newest messages whole, oldest first, with a
"load more" link ``/s/<channel>?before=<id>`` at the top), a message ``/<channel>/<id>`` (the address a reader cites
and the date stamp links), its widget ``/<channel>/<id>?embed=1``, its context ``/s/<channel>/<id>`` (the preview
around it), an album's photos ``/<channel>/<id>?single``, hashtags ``/s/<channel>?q=%23<tag>``.

A message page is a shell: the message is in ``og:description`` (plain text, its line breaks kept) and drawn by
``telegram-widget.js`` from ``data-telegram-post``; ``og:title`` and the ``<title>`` are the channel's name. The
preview and the widget print the message as ``tgme_widget_message_text``: the author's bold first line, ``<br/>``
between lines, hashtags as links; a forwarded message under "Forwarded from <channel>"; an album as a grid of photo
links; an "edited" mark, the views and a ``<time datetime>`` in UTC in the footer."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from html import escape
from urllib.parse import quote

from altsites.common import ExpectedArticle, Reply, RobotsRules, html_reply

from .content import CHANNEL, CHANNEL_DESC, CHANNEL_NAME, POSTS

TZ = timezone(timedelta(hours=2))
PER_PAGE = 2  # messages per preview page (t.me prints about 20)
DISALLOW = ["/share/", "/iv?"]


def stamp(p: dict) -> datetime:
    return datetime(*p["g"], *map(int, p["time"].split(":")), tzinfo=TZ)


def plain(p: dict) -> str:
    """The message as typed: the headline line, then the paragraphs, an empty line between each."""
    return "\n\n".join([p["title"], *p["paras"]])


class TelegramSite:
    """Routes and pages of t.me for one channel."""

    name = "telegram"

    def __init__(self, base: str):
        self.base = base
        self.posts = sorted(POSTS, key=lambda p: p["id"])  # oldest first, as the preview prints them
        self.robots = RobotsRules(DISALLOW)
        self.served: list[tuple[str, int]] = []

    def url(self, p: dict) -> str:
        return f"{self.base}/{CHANNEL}/{p['id']}"

    def message_time(self, p: dict) -> str:
        """The ``<time datetime>`` of a message's stamp: UTC, as t.me writes it."""
        return stamp(p).astimezone(timezone.utc).isoformat()

    def expected(self) -> list[ExpectedArticle]:
        return [ExpectedArticle("telegram", f"telegram-{p['id']}", self.url(p), p["title"], tuple(p["paras"]),
                                p["relevant"]) for p in self.posts]

    def forbidden_links(self) -> list[str]:
        return [f"{self.base}/share/url?url={quote(self.url(p), safe='')}" for p in self.posts]

    # -- routing -------------------------------------------------------------------------------

    def handle(self, path: str, query: dict[str, str], raw: str, headers: dict[str, str]) -> Reply:
        if path == "/robots.txt":
            text = "User-agent: *\n" + "".join(f"Disallow: {d}\n" for d in DISALLOW)
            return Reply(200, (("Content-Type", "text/plain"),), text.encode())
        if path == f"/s/{CHANNEL}":
            if "q" in query:
                tag = query["q"]
                return self.preview([p for p in self.posts if tag in plain(p)], more=None)
            before = int(query.get("before") or 10**9)
            older = [p for p in self.posts if p["id"] < before]
            shown = older[-PER_PAGE:]
            more = shown[0]["id"] if len(older) > len(shown) else None
            return self.preview(shown, more)
        for p in self.posts:
            if path == f"/s/{CHANNEL}/{p['id']}":
                i = self.posts.index(p)
                return self.preview(self.posts[max(0, i - 1): i + 2], more=None)
            if path == f"/{CHANNEL}/{p['id']}":
                if "single" in query:
                    return self.shell(p)
                self.served.append((raw, p["id"]))
                return self.widget(p) if query.get("embed") == "1" else self.shell(p)
        if path in (f"/{CHANNEL}", f"/{CHANNEL}/"):
            return self.shell(None)
        return html_reply("<html><head><title>Telegram</title></head><body></body></html>", status=404)

    # -- pieces --------------------------------------------------------------------------------

    def text_html(self, p: dict) -> str:
        """``tgme_widget_message_text``: the bold first line, ``<br/>`` for each line break, hashtags linked."""
        lines = [f"<b>{escape(p['title'])}</b>"]
        for para in p["paras"]:
            words = [f'<a href="?q={quote(w)}">{escape(w)}</a>' if w.startswith("#") else escape(w)
                     for w in para.split(" ")]
            lines.append(" ".join(words))
        return f'<div class="tgme_widget_message_text js-message_text" dir="auto">{"<br/><br/>".join(lines)}</div>'

    def message(self, p: dict, *, single: bool = False) -> str:
        ch, pid = CHANNEL, p["id"]
        fwd = ""
        if p["forwarded"]:
            name, other, oid = p["forwarded"]
            fwd = ('<div class="tgme_widget_message_forwarded_from accent_color">Forwarded from <a class="tgme_widget_'
                   f'message_forwarded_from_name" href="{self.base}/{other}/{oid}"><span dir="auto">{escape(name)}'
                   "</span></a></div>")
        album = ""
        if p["album"]:
            pics = "".join(f'<a class="tgme_widget_message_photo_wrap grouped_media_wrap blured js-message_photo" '
                           f'style="left:{i * 33}%;width:33%;background-image:url(\'https://cdn4.cdn-telegram.org/file/'
                           f'p{pid}{i}.jpg\')" data-ratio="1.333" href="{self.base}/{ch}/{pid + i}?single"></a>'
                           for i in range(p["album"]))
            album = ('<div class="tgme_widget_message_grouped_wrap js-message_grouped_wrap" data-margin-w="2" '
                     'data-margin-h="2" style="width:453px;"><div class="tgme_widget_message_grouped js-message_grouped"'
                     f' style="padding-top:66%"><div class="tgme_widget_message_grouped_layer js-message_grouped_layer"'
                     f">{pics}</div></div></div>")
        edited = '<span class="tgme_widget_message_edited">edited</span> ' if p["edited"] else ""
        utc = datetime.fromisoformat(self.message_time(p))
        return f"""<div class="tgme_widget_message_wrap js-widget_message_wrap"><div class="tgme_widget_message text_not_supported_wrap js-widget_message" data-post="{ch}/{pid}" data-view="eyJjIjotMTAwMTI{pid}">
<div class="tgme_widget_message_user"><a href="{self.base}/{ch}"><i class="tgme_widget_message_user_photo bgcolor5" style="background-color:#ba5" data-content-len="1"><img src="https://cdn4.cdn-telegram.org/file/avatar.jpg"></i></a></div>
<div class="tgme_widget_message_bubble"><i class="tgme_widget_message_bubble_tail"><svg class="bubble_icon" width="9px" height="20px" viewBox="0 0 9 20"><g fill="none"><path class="background" fill="#ffffff" d="M8,1 L9,1 L9,20 L8,20 C8,18 6,17 3,15 Z"></path></g></svg></i>
<div class="tgme_widget_message_author accent_color"><a class="tgme_widget_message_owner_name" href="{self.base}/{ch}"><span dir="auto">{escape(CHANNEL_NAME)}</span></a></div>
{fwd}{album}{self.text_html(p)}
<div class="tgme_widget_message_footer compact js-message_footer"><div class="tgme_widget_message_info short js-message_info"><span class="tgme_widget_message_views">{p['views']}</span><span class="copyonly"> views</span><span class="tgme_widget_message_meta">{edited}<a class="tgme_widget_message_date" href="{self.base}/{ch}/{pid}"><time datetime="{self.message_time(p)}" class="time">{utc:%H:%M}</time></a></span></div></div>
</div></div></div>"""

    def head(self, title: str, description: str, *, extra: str = "") -> str:
        return f"""<!DOCTYPE html>
<html>
  <head>
    <meta charset="utf-8">
    <title>{escape(title)}</title>
    <meta name="viewport" content="width=device-width, initial-scale=1.0, minimum-scale=1.0, maximum-scale=1.0, user-scalable=no" />
    <meta property="og:title" content="{escape(CHANNEL_NAME)}">
    <meta property="og:image" content="https://cdn4.cdn-telegram.org/file/avatar.jpg">
    <meta property="og:site_name" content="Telegram">
    <meta property="og:description" content="{escape(description)}">
    <meta property="twitter:title" content="{escape(CHANNEL_NAME)}">
    <meta property="twitter:description" content="{escape(description)}">
    <meta property="al:ios:app_store_id" content="686449807">
    <meta property="al:ios:url" content="tg://resolve?domain={CHANNEL}">
    <link rel="icon" type="image/svg+xml" href="//telegram.org/img/website_icon.svg?4">
    <link href="//telegram.org/css/font-roboto.css?1" rel="stylesheet" type="text/css">
    <link href="//telegram.org/css/telegram.css?237" rel="stylesheet" media="screen">
{extra}  </head>"""

    def shell(self, p: dict | None) -> Reply:
        """The message page: the widget script draws the message; the text is in og:description only."""
        desc = plain(p) if p else CHANNEL_DESC
        post = f'data-telegram-post="{CHANNEL}/{p["id"]}" ' if p else ""
        widget = (f'<div class="tgme_page_widget_wrap" id="widget"><script async src="https://telegram.org/js/telegram-'
                  f'widget.js?22" {post}data-width="100%" data-userpic="true"></script></div>') if p else ""
        context = f'<a class="tgme_page_context_link" href="/s/{CHANNEL}/{p["id"]}">Context</a>' if p else ""
        html = f"""{self.head(f"{CHANNEL_NAME} – Telegram", desc)}
  <body class="">
    <div class="tgme_page_wrap">
      <div class="tgme_head_wrap"><div class="tgme_head"><a href="//telegram.org/" class="tgme_head_brand"><i class="tgme_logo"></i></a><a class="tgme_head_right_btn" href="//telegram.org/dl?tme=a1b2c3">Download</a></div></div>
      <div class="tgme_body_wrap"><div class="tgme_page tgme_page_post">
        {widget}
        <div class="tgme_page_widget_actions_wrap"><div class="tgme_page_widget_actions"><div class="tgme_page_widget_action_right">{context}</div><div class="tgme_page_action tgme_page_web_action"><a class="tgme_action_button_new shine" href="tg://resolve?domain={CHANNEL}">View in Telegram</a></div></div></div>
      </div></div>
    </div>
    <div id="tgme_frame_cont"></div>
    <script type="text/javascript">var protoUrl = "tg:\\/\\/resolve?domain={CHANNEL}";</script>
  </body>
</html>"""
        return html_reply(html)

    def widget(self, p: dict) -> Reply:
        html = (self.head(f"{CHANNEL_NAME} – Telegram", plain(p)) + '\n  <body class="body_widget_post emoji_image">'
                f'<div class="tgme_widget_message_wrap" id="widget_message">{self.message(p)}</div></body>\n</html>')
        return html_reply(html)

    def preview(self, posts: list[dict], more: int | None) -> Reply:
        loader = (f'<div class="tgme_widget_message_centered js-messages_more_wrap"><a href="/s/{CHANNEL}?before={more}" '
                  f'data-before="{more}" class="tme_messages_more js-messages_more"></a></div>') if more else ""
        msgs = "\n".join(self.message(p) for p in posts)
        html = f"""{self.head(f"{CHANNEL_NAME} – Telegram", CHANNEL_DESC, extra=f'    <link rel="canonical" href="/s/{CHANNEL}">{chr(10)}')}
  <body class="widget_frame_base tgme_webpreview emoji_image" dir="auto">
    <header class="tgme_header search_collapsed"><div class="tgme_header_search"><form class="tgme_header_search_form" action="/s/{CHANNEL}" method="get"><input class="tgme_header_search_form_input" name="q" placeholder="Search"></form></div>
      <div class="tgme_header_info"><div class="tgme_header_title_wrap"><div class="tgme_header_title"><span dir="auto">{escape(CHANNEL_NAME)}</span></div></div><div class="tgme_header_counter">184K subscribers</div></div></header>
    <main class="tgme_main"><div class="tgme_container">
      <section class="tgme_channel_history js-message_history">
        {loader}
        {msgs}
      </section>
    </div></main>
    <aside class="tgme_right_column"><div class="tgme_channel_info"><div class="tgme_channel_info_header"><div class="tgme_channel_info_header_title"><span dir="auto">{escape(CHANNEL_NAME)}</span></div><div class="tgme_channel_info_header_username"><a href="{self.base}/{CHANNEL}">@{CHANNEL}</a></div></div>
      <div class="tgme_channel_info_description">{escape(CHANNEL_DESC)}</div>
      <div class="tgme_channel_info_counters"><div class="tgme_channel_info_counter"><span class="counter_value">184K</span> <span class="counter_type">subscribers</span></div><div class="tgme_channel_info_counter"><span class="counter_value">21.3K</span> <span class="counter_type">photos</span></div></div></div></aside>
  </body>
</html>"""
        return html_reply(html)
