"""An unseen legacy outlet on loopback whose articles answer under many URLs at once (issue 13, adversarial probe).

None of its URL styles is in the legacy portal (tests/legacyportal) or the demo sites: Joomla
``index.php?option=com_content&view=article&id=N:slug&Itemid=M`` with and without slug and menu id, ``;jsessionid=``
path parameters, ASP.NET cookieless ``/(S(token))/`` path segments, an ``s=`` session token and ``from=rss`` / ``ref`` / ``utm_*`` / ``fbclid`` tracking, raw, lower-case
escaped and NFD Arabic slugs, a slug without its trailing slash (301), ``/./`` and ``/x/../``, ``index.html``, AMP
twins (``/amp/`` and ``?amp=1``, ``rel=canonical`` back), print (``?print=1``, ``/print/``) and mobile (``/m/``)
twins without a canonical, a mobile host, a 301 -> 302 chain that starts on another port ("old origin"), the same body under an
unrelated archive path, and the traps a merge must not fall into: a syndicated copy whose ``rel=canonical`` names
another outlet (tests/unseenportal's agency), pages whose ``rel=canonical`` is the home page (``/index.php``,
``/ar/``) or a section page (``/ar/politics/``), two short articles in one boilerplate-heavy template, and, on
article-shaped URLs, a "latest" page that shows the full text of the newest article and a digest of the week's
stories (linked headlines with their first paragraphs). Standard library only.
"""

from __future__ import annotations

import re
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from unicodedata import normalize
from urllib.parse import parse_qsl, quote, unquote, urlsplit

from helpers import reply

WEEK = "أبرز أخبار الأسبوع"  # the title of the week's digest, a listing of teasers on an article-shaped URL
SLUG = "اشتباكات-قرب-مطار-طرابلس"  # NFC; its NFD spelling differs (ا + hamza below): "إ" is not in it, "آ" is
SLUG_NFC = "آخر-أنباء-الهدنة-في-إجدابيا"
SLUG_NFD = normalize("NFD", SLUG_NFC)

ARTICLES = {
    11: ("اشتباكات عنيفة في محيط مطار معيتيقة تعلق الرحلات",
         ["أعلنت إدارة مطار معيتيقة الدولي في طرابلس تعليق جميع الرحلات الجوية بعد سقوط قذائف على مدرج المطار "
          "إثر اشتباكات عنيفة بين مجموعات مسلحة في المنطقة المحيطة به.",
          "وقال مصدر أمني إن الاشتباكات اندلعت فجراً واستخدمت فيها الأسلحة المتوسطة والثقيلة، ما أدى إلى إصابة "
          "عدد من المدنيين في الأحياء السكنية القريبة من سوق الجمعة.",
          "ودعت وزارة الداخلية في حكومة الوفاق الوطني الأطراف المتقاتلة إلى وقف إطلاق النار فوراً وإخلاء محيط المطار."]),
    22: ("المجلس الأعلى للدولة يرفض قانون الاستفتاء على الدستور",
         ["رفض المجلس الأعلى للدولة في طرابلس قانون الاستفتاء على مشروع الدستور الذي أقره مجلس النواب في طبرق، "
          "معتبراً أن الجلسة التي صدر فيها القانون لم يكتمل نصابها.",
          "وقال المتحدث باسم المجلس إن أي خطوة أحادية تعمق الانقسام بين المؤسسات وتقوض الاتفاق السياسي الموقع في "
          "الصخيرات، داعياً البعثة الأممية إلى التدخل.",
          "ويتبادل المجلسان الاتهامات بعرقلة المسار الانتخابي منذ أشهر وسط تحذيرات من عودة القتال."]),
    33: ("نزوح مئات الأسر من أحياء جنوب طرابلس بسبب القصف",
         ["نزحت مئات الأسر من أحياء عين زارة وصلاح الدين جنوب طرابلس خلال الأيام الماضية بسبب القصف العشوائي "
          "المتبادل بين قوات حكومة الوفاق وقوات القيادة العامة.",
          "وقالت لجنة الطوارئ في البلدية إن مراكز الإيواء في المدارس امتلأت، وإن الحاجة ماسة إلى الأغطية "
          "والأدوية وحليب الأطفال.",
          "وناشدت منظمة الهلال الأحمر الليبي الأطراف المتحاربة فتح ممرات آمنة لإجلاء العالقين في مناطق الاشتباك."]),
    44: ("هدنة هشة في إجدابيا بعد اشتباكات بين كتائب متنافسة",
         ["سادت هدنة هشة مدينة إجدابيا بعد يومين من اشتباكات بين كتائب مسلحة متنافسة على السيطرة على بوابات "
          "المدينة ومخازن السلاح فيها.",
          "وقال عميد بلدية إجدابيا إن وساطة من أعيان القبائل أفضت إلى وقف إطلاق النار وتبادل الجثامين "
          "والأسرى بين الطرفين.",
          "وحذر ناشطون من أن الهدنة قد لا تصمد طويلاً في غياب سلطة موحدة قادرة على نزع سلاح الكتائب."]),
    55: ("محكمة في مصراتة تنظر في قضية خطف ناشطين حقوقيين",
         ["بدأت محكمة استئناف مصراتة النظر في قضية خطف ناشطين حقوقيين على يد مجموعة مسلحة قبل عامين، وسط "
          "حضور ممثلين عن منظمات حقوقية محلية ودولية.",
          "وقال محامي الضحايا إن المتهمين ينتمون إلى كتيبة كانت تتبع وزارة الدفاع، وإن النيابة العامة وجهت "
          "إليهم تهم الخطف والتعذيب والاحتجاز خارج القانون.",
          "وأجلت المحكمة الجلسة إلى الشهر المقبل لاستدعاء شهود الإثبات."]),
    66: ("وكالة: وصول وفد أممي إلى بنغازي لبحث تبادل الأسرى",
         ["وصل وفد من بعثة الأمم المتحدة للدعم في ليبيا إلى مدينة بنغازي لبحث ملف تبادل الأسرى بين قوات "
          "القيادة العامة وقوات حكومة الوفاق، في إطار اتفاق جنيف العسكري.",
          "وقال مصدر في اللجنة العسكرية المشتركة إن الوفد سيلتقي ممثلين عن الطرفين لتحديد قوائم المحتجزين "
          "وآلية التبادل.",
          "ويأتي ذلك بعد أسابيع من توقيع اتفاق وقف إطلاق النار الدائم في جنيف."]),
    77: ("غارات جوية على مواقع لتنظيم الدولة جنوب سرت",
         ["شنت طائرات مجهولة غارات جوية على مواقع يعتقد أنها لعناصر تنظيم الدولة في وديان جنوب مدينة سرت، "
          "بحسب ما أفاد به مسؤول عسكري في غرفة عمليات تأمين سرت والجفرة.",
          "وأضاف المسؤول أن الغارات أسفرت عن تدمير آليات ومخزن للذخيرة، دون أن يحدد عدد القتلى.",
          "وكان التنظيم قد تبنى هجمات متفرقة على بوابات أمنية في الجنوب خلال الأشهر الماضية."]),
    88: ("مجلس النواب يستدعي محافظ المصرف المركزي للمساءلة",
         ["قرر مجلس النواب الليبي في جلسته بطبرق استدعاء محافظ مصرف ليبيا المركزي للمساءلة بشأن توزيع "
          "الإيرادات النفطية بين الحكومتين المتنافستين.",
          "وقال الناطق باسم المجلس إن النواب طالبوا بتوحيد إدارة المصرف المنقسمة بين طرابلس والبيضاء منذ "
          "سنوات، وإنهاء الازدواجية في السياسة النقدية.",
          "ورفض المصرف المركزي في طرابلس التعليق على قرار الاستدعاء."]),
    99: ("اختطاف رئيس مجلس بلدي في الجبل الغربي",
         ["أعلن المجلس البلدي في إحدى مدن الجبل الغربي اختطاف رئيسه على يد مسلحين مجهولين أثناء عودته من "
          "اجتماع في العاصمة طرابلس مساء أمس.",
          "وحمّل المجلس وزارة الداخلية مسؤولية سلامة رئيسه، مطالباً بتحرك عاجل للإفراج عنه.",
          "وتتكرر عمليات الخطف في المنطقة وسط انتشار السلاح وضعف الأجهزة الأمنية."]),
    101: ("موجز: إغلاق الطريق الساحلي غرب الزاوية",
          ["أغلق مسلحون الطريق الساحلي غرب الزاوية صباح اليوم احتجاجاً على اعتقال أحد عناصرهم، ما تسبب في "
           "ازدحام خانق وتعطل حركة الشاحنات نحو الحدود التونسية."]),
    102: ("موجز: إطلاق سراح عمال أجانب خطفوا في الجنوب",
          ["أطلقت مجموعة مسلحة في الجنوب الليبي سراح أربعة عمال أجانب خطفتهم قبل أسبوعين قرب أوباري، بعد "
           "وساطة قادها أعيان المنطقة مع الخاطفين بحسب المجلس المحلي."]),
    130: ("الحكومة المؤقتة تعلن حالة الطوارئ في الهلال النفطي",
          ["أعلنت الحكومة المؤقتة في البيضاء حالة الطوارئ في منطقة الهلال النفطي بعد هجوم مسلح على ميناء راس لانوف "
           "أدى إلى توقف عمليات التصدير.",
           "وقالت المؤسسة الوطنية للنفط في طرابلس إن الهجوم تسبب في حرائق بخزانات الميناء، محملة الأطراف المتصارعة "
           "مسؤولية الخسائر.",
           "ويعد الهلال النفطي من أكثر المناطق التي شهدت تبادلاً للسيطرة بين القوات المتنافسة منذ سنوات."]),
    131: ("لجنة الحوار السياسي تفشل في الاتفاق على آلية اختيار السلطة التنفيذية",
          ["أنهت لجنة ملتقى الحوار السياسي الليبي جولتها الافتراضية دون التوصل إلى اتفاق على آلية اختيار أعضاء "
           "المجلس الرئاسي ورئيس الحكومة الموحدة.",
           "وقالت المبعوثة الأممية بالإنابة إن الخلافات تركزت على نسب التصويت المطلوبة وعلى تمثيل الأقاليم الثلاثة.",
           "ومن المقرر أن تستأنف اللجنة اجتماعاتها الأسبوع المقبل في جنيف."]),
    140: ("الإفراج عن صحفيين محتجزين لدى مجموعة مسلحة في سبها",
          ["أفرجت مجموعة مسلحة في مدينة سبها جنوب ليبيا عن صحفيين اثنين احتجزتهما لأكثر من شهر بسبب تغطيتهما "
           "للاشتباكات القبلية في المدينة.",
           "وقالت نقابة الصحفيين الليبيين إن الإفراج جاء بعد وساطة من المجلس الاجتماعي لقبائل الجنوب، مطالبة "
           "بمحاسبة المسؤولين عن الاحتجاز.",
           "وتصنف منظمات دولية ليبيا من بين أخطر البلدان على الصحفيين منذ سنوات."]),
    120: ("تعزيزات عسكرية تصل إلى خطوط التماس غرب سرت",
          ["وصلت تعزيزات عسكرية كبيرة إلى خطوط التماس غرب مدينة سرت، في وقت تتبادل فيه قوات حكومة الوفاق "
           "وقوات القيادة العامة الاتهامات بخرق وقف إطلاق النار.",
           "وقال آمر غرفة العمليات الميدانية إن قواته رصدت تحركات لآليات ومرتزقة أجانب قرب قاعدة القرضابية "
           "الجوية، محذراً من أن أي تقدم سيقابل برد حاسم.",
           "ودعت اللجنة العسكرية المشتركة الطرفين إلى الالتزام بالاتفاق وسحب القوات الأجنبية."]),
}
# a long block every /briefs/ page carries, far longer than either brief's own story
BOILERPLATE = [
    "بوابة الوسط الليبية مؤسسة إعلامية مستقلة تأسست لتقديم الأخبار المحلية والدولية على مدار الساعة، وتلتزم "
    "بمواثيق الشرف الصحفي وتحرص على نقل الرأي والرأي الآخر في كل ما يتعلق بالشأن الليبي.",
    "جميع المواد المنشورة على البوابة محمية بموجب قوانين الملكية الفكرية، ولا يجوز إعادة نشرها أو نسخها أو "
    "توزيعها دون إذن كتابي مسبق من إدارة التحرير، ويستثنى من ذلك الاقتباس القصير مع ذكر المصدر.",
    "للتواصل مع إدارة التحرير أو الإعلان على صفحات البوابة يرجى مراسلتنا عبر البريد الإلكتروني أو الاتصال "
    "بمكاتبنا في طرابلس وبنغازي ومصراتة وسبها خلال ساعات الدوام الرسمي من الأحد إلى الخميس.",
]
AGENCY_STORY = 1
ETAG = '"a55-v1"'  # article 55 answers If-None-Match with 304
LATE_LINK = "/news.php?id=55&lang=ar"  # an old address of article 55 that only a later visit prints  # the agency's story that article 66 is a syndicated copy of (same text)

CONFIG = r"""
[[outlet]]
name = "unseen-portal"
start_urls = ["{base}/ar/"]
allowed_domains = ["{host}", "127.0.0.25"]
article_urls = ['/index\.php\?.*view=article', '/portal/story\.jsp', '/ar/news/\d{{4}}/\d\d/[^/?]+', '/articles/\w+/',
                '/print/articles/', '/m/articles/', '/legacy/\d+', '/news\.php\?id=', '/old/article\.asp',
                '/archive/\d{{4}}/item-\d+\.html', '/briefs/\d+', '/News/Details\.aspx\?NewsID=\d+']
topic_filter = false
download_delay = 0.0
concurrency = 4

[[outlet]]
name = "wire-agency"
start_urls = ["{agency}/"]
allowed_domains = ["{agency_host}"]
article_urls = ['/story/\d+$']
topic_filter = false
download_delay = 0.0
"""


def slug_path(slug: str) -> str:
    """The folder of the Arabic-slug article, percent-encoded (upper-case escapes)."""
    return f"/ar/news/2019/04/{quote(slug)}/"


# The URL each article's row should carry, relative to the portal's base.
CLEAN = {
    11: None,  # a Joomla article: whichever of its URLs the crawl stored first (any, in one spelling)
    22: "/portal/story.jsp?storyId=22",
    33: slug_path(SLUG),
    44: "/articles/44/",
    55: "/articles/55/",
    66: "/articles/66/",
    77: "/articles/77/",  # or the same path on the mobile host: of two URLs with one body the shorter is kept
    88: "/articles/88/",
    99: "/articles/99/",
    101: "/briefs/101",
    102: "/briefs/102",
    120: "/articles/120/",
    130: "/articles/130/",
    131: "/articles/131/",
    140: "/News/Details.aspx?NewsID=140",
}


@dataclass
class Portal:
    """The running portal and its agency: base URLs, the "old origin" that redirects, and every request served."""

    base: str = ""
    old: str = ""
    agency: str = ""
    mobile: str = ""
    late: bool = False  # set between crawls: the listing then also prints LATE_LINK
    requests: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def links(self, token: str) -> dict[int, list[str]]:
        """Every link to each article the listings print on a visit (``token``: that visit's session token)."""
        b, jm = self.base, "/index.php?option=com_content&view=article"
        return {
            11: [f"{jm}&id=11:airport-clashes&Itemid=9", "/index.php?Itemid=9&id=11:airport-clashes&view=article"
                 "&option=com_content", f"{jm}&id=11&Itemid=101",
                 f"{jm}&id=11:airport-clashes&Itemid=9&utm_source=rss&utm_medium=feed&fbclid=IwAR0x{token}#comments"],
            22: [f"/portal/story.jsp;jsessionid={token.upper()}?storyId=22", f"/portal/story.jsp?storyId=22&s={token}",
                 "/portal/story.jsp?storyId=22&from=rss", f"/portal/story.jsp?ref=home&storyId=22&gclid=Cj0{token}"],
            33: [f"/ar/news/2019/04/{SLUG}/", slug_path(SLUG).lower(), f"/ar/news/2019/04/{SLUG}",
                 f"/./ar/news/x/../2019/04/{quote(SLUG)}/index.html", f"/ar/news/2019/04/{quote(SLUG)}/amp/",
                 f"/ar/news/2019/04/{quote(SLUG)}/?amp=1", f"HTTP://{b.split('//')[1].upper()}{slug_path(SLUG)}"],
            44: ["/articles/44/", "/articles/44/?print=1", "/print/articles/44/", "/m/articles/44/",
                 f"/ar/news/2019/04/{quote(SLUG_NFD)}/", f"/ar/news/2019/04/{SLUG_NFC}/"],
            55: [f"{self.old}/old/article.asp?ID=55", "/news.php?id=55"],
            66: ["/articles/66/"],
            77: ["/articles/77/", f"{self.mobile}/articles/77/"],
            88: ["/articles/88/"],
            99: ["/articles/99/", "/articles/99/?output=amp"],
            101: ["/briefs/101"],
            102: ["/briefs/102"],
            120: ["/articles/120/", "/archive/2019/item-120.html"],
            130: ["/articles/130/", "/articles/130//"],
            140: [f"/(S({token}))/News/Details.aspx?NewsID=140", f"/(X(1)S({token}))/News/Details.aspx?NewsID=140"],
            131: ["/articles/131/"],
        }

    def page(self, path: str, query: dict[str, str]) -> tuple[int, dict[str, str], str]:
        """Status, headers and HTML of one GET on the portal."""
        token = f"q{uuid.uuid4().hex[:12]}"  # a new session token on every visit: "q", then hex
        path = path.split(";", 1)[0]  # the servlet container strips ;jsessionid=
        path = re.sub(r"//+", "/", path)  # as nginx does (merge_slashes)
        if path == "/News/Details.aspx" and query.get("NewsID") == "140":
            # ASP.NET cookieless session: a bare URL is sent to one with a fresh token in the path
            return 302, {"Location": f"/(S({token}))/News/Details.aspx?NewsID=140"}, ""
        aspnet = re.fullmatch(r"/\((?:[A-Z]\([a-z0-9]*\))+\)(/News/Details\.aspx)", path)
        if aspnet and query.get("NewsID") == "140":
            return 200, {}, self.article(140, token)
        if path == "/robots.txt":
            return 200, {"Content-Type": "text/plain"}, "User-agent: *\nDisallow: /admin/\n"
        if path in ("/", "/ar/", "/index.php") and "option" not in query:
            return 200, {}, self.listing(token)
        if path == "/index.php" and query.get("option") == "com_content" and query.get("view") == "article":
            if query.get("id", "").split(":")[0] == "11":
                return 200, {}, self.article(11, token, side=f"menu {query.get('Itemid', '')}")
        if path == "/portal/story.jsp" and query.get("storyId") == "22":
            return 200, {}, self.article(22, token)
        folder = normalize("NFC", unquote(path))
        if folder in (f"/ar/news/2019/04/{SLUG}", f"/ar/news/2019/04/{SLUG_NFC}"):
            return 301, {"Location": quote(folder) + "/"}, ""  # WordPress adds the slash
        if folder in (f"/ar/news/2019/04/{SLUG}/", f"/ar/news/2019/04/{SLUG}/index.html"):
            if query.get("amp") == "1":
                return 200, {}, self.article(33, token, canonical=slug_path(SLUG), chrome=False)
            return 200, {}, self.article(33, token, amphtml=slug_path(SLUG) + "amp/")
        if folder == f"/ar/news/2019/04/{SLUG}/amp/":
            return 200, {}, self.article(33, token, canonical=slug_path(SLUG), chrome=False)
        if folder == f"/ar/news/2019/04/{SLUG_NFC}/":
            # the NFC and NFD spellings both reach it (the server normalises), an old slug of article 44
            return 200, {}, self.article(44, token, side="arabic slug")
        if path == "/articles/44/":
            return 200, {}, self.article(44, token, chrome="print" not in query)
        if path in ("/print/articles/44/", "/m/articles/44/"):
            return 200, {}, self.article(44, token, chrome=False)
        if path == "/legacy/55":
            return 302, {"Location": "/articles/55/"}, ""
        if path == "/news.php" and query.get("id") == "55":  # with or without &lang=ar
            return 301, {"Location": f"{self.base}/articles/55/"}, ""
        if path == "/articles/55/":  # byte-identical on every visit: a second fetch is archived as a revisit
            return 200, {}, self.article(55, token, chrome=False)
        if path == "/articles/66/":  # syndicated: the agency's text, its canonical on the agency
            return 200, {}, self.article(66, token, canonical=f"{self.agency}/story/{AGENCY_STORY}")
        if path == "/articles/77/":
            return 200, {}, self.article(77, token, canonical="/index.php")
        if path in ("/articles/88/", "/articles/99/"):
            n = int(path.split("/")[2])
            return 200, {}, self.article(n, token, canonical="/ar/", chrome="output" not in query)
        if path in ("/articles/130/", "/articles/131/"):  # a section page no configuration names
            return 200, {}, self.article(int(path.split("/")[2]), token, canonical="/ar/politics/")
        if path in ("/briefs/101", "/briefs/102"):
            return 200, {}, self.article(int(path[8:]), token, boilerplate=True)
        if path == "/articles/120/":
            return 200, {}, self.article(120, token, side="today")
        if path == "/archive/2019/item-120.html":
            return 200, {}, self.article(120, token, side="archive 2019")
        if path == "/articles/latest/":
            return 200, {}, self.latest(token)
        if path == "/articles/week/":
            return 200, {}, self.week(token)
        return 404, {}, "<html><body><h1>404</h1></body></html>"

    def listing(self, token: str) -> str:
        """The home page: every link of every article, with this visit's token, and the "latest" page."""
        items = [(href, ARTICLES[n][0]) for n, hrefs in self.links(token).items() for href in hrefs]
        items.append(("/articles/latest/", "آخر الأخبار"))
        items.append(("/articles/week/", WEEK))
        if self.late:
            items.append((LATE_LINK, ARTICLES[55][0]))
        rows = "".join(f'<li><a href="{escape(h)}">{escape(t)}</a></li>' for h, t in items)
        return (f'<html dir="rtl"><head><meta charset="utf-8"><title>بوابة الوسط - الرئيسية</title></head>'
                f'<body><div id="menu"><a href="/ar/">الرئيسية</a></div><ul class="list">{rows}</ul>'
                f'<div id="footer">جميع الحقوق محفوظة</div></body></html>')

    def article(self, n: int, token: str, *, canonical: str | None = None, amphtml: str | None = None,
                chrome: bool = True, side: str = "", boilerplate: bool = False) -> str:
        """An article page; ``chrome`` adds the menu and a most-read box whose links carry the visit's token."""
        title, paragraphs = ARTICLES[n]
        head = f'<link rel="canonical" href="{escape(canonical)}">' if canonical else ""
        head += f'<link rel="amphtml" href="{escape(amphtml)}">' if amphtml else ""
        menu = aside = extra = ""
        if chrome:
            other = 22 if n != 22 else 44
            menu = (f'<div class="menu"><a href="/ar/">الرئيسية</a> | <a href="/articles/latest/">آخر الأخبار</a> '
                    f'<span>{escape(side)}</span></div>')
            aside = (f'<div class="side"><b>الأكثر قراءة</b><ul><li><a href="/portal/story.jsp?storyId={other}&s='
                     f'{token}">{escape(ARTICLES[other][0])}</a></li></ul></div>')
        if boilerplate:
            extra = ('<div class="about"><h3>عن البوابة</h3>' + "".join(f"<p>{escape(p)}</p>" for p in BOILERPLATE)
                     + "</div>")
        body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
        return (f'<!doctype html><html dir="rtl" lang="ar"><head><meta charset="utf-8"><title>{escape(title)} | '
                f'بوابة الوسط</title>{head}</head><body>{menu}<div class="content"><h1>{escape(title)}</h1>'
                f'<div class="date">2019-04-{n % 28 + 1:02d}</div>{body}</div>{aside}{extra}'
                f'<div class="footer">جميع الحقوق محفوظة لبوابة الوسط</div></body></html>')

    def latest(self, token: str) -> str:
        """The "latest news" page: a listing whose lead item is the whole newest article (44), then headlines."""
        title, paragraphs = ARTICLES[44]
        others = "".join(f'<li><a href="{escape(h[0])}">{escape(ARTICLES[n][0])}</a></li>'
                         for n, h in self.links(token).items() if n != 44)
        body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
        return (f'<!doctype html><html dir="rtl" lang="ar"><head><meta charset="utf-8"><title>آخر الأخبار | '
                f'بوابة الوسط</title></head><body><h1>آخر الأخبار</h1><div class="lead"><h2><a href="/articles/44/">'
                f'{escape(title)}</a></h2>{body}</div><ul class="more">{others}</ul></body></html>')

    def week(self, token: str) -> str:
        """The week's digest: each story's headline linked, its first paragraph under it (a listing of teasers)."""
        items = "".join(f'<div class="teaser"><h3><a href="{escape(hrefs[0])}">{escape(ARTICLES[n][0])}</a></h3>'
                        f'<p>{escape(ARTICLES[n][1][0])}</p></div>'
                        for n, hrefs in self.links(token).items() if n in (11, 22, 33, 44, 55, 66))
        return (f'<!doctype html><html dir="rtl" lang="ar"><head><meta charset="utf-8"><title>{WEEK} | بوابة الوسط'
                f'</title></head><body><h1>{WEEK}</h1>{items}</body></html>')

    def agency_page(self, path: str) -> tuple[int, dict[str, str], str]:
        """The wire agency: a home page and its story 1 (the text the portal's article 66 carries)."""
        if path == "/robots.txt":
            return 200, {"Content-Type": "text/plain"}, "User-agent: *\nDisallow:\n"
        if path == "/":
            return 200, {}, ('<html><head><meta charset="utf-8"><title>الوكالة</title></head><body>'
                             f'<a href="/story/{AGENCY_STORY}">{escape(ARTICLES[66][0])}</a></body></html>')
        if path == f"/story/{AGENCY_STORY}":
            title, paragraphs = ARTICLES[66]
            body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
            return 200, {}, (f'<!doctype html><html lang="ar"><head><meta charset="utf-8"><title>{escape(title)}'
                             f'</title></head><body><article><h1>{escape(title)}</h1><div class="date">2019-04-11</div>'
                             f'{body}</article></body></html>')
        return 404, {}, "<html><body>404</body></html>"


def _handler(portal: Portal, role: str) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:
            pass  # Portal.requests is the record

        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            with portal.lock:
                portal.requests.append(f"{role} {self.path}")
            if role == "old":  # the old origin: every path moves to the new one's /legacy/<ID>
                status, headers, html = 301, {"Location": f"{portal.base}/legacy/"
                                                          f"{dict(parse_qsl(parts.query)).get('ID', '0')}"}, ""
            elif role == "agency":
                status, headers, html = portal.agency_page(parts.path)
            else:
                status, headers, html = portal.page(parts.path, dict(parse_qsl(parts.query)))
            if parts.path == "/articles/55/":  # validators: a 304 to a matching If-None-Match
                status, headers, html = ((304, {"ETag": ETAG}, "") if self.headers.get("If-None-Match") == ETAG
                                         else (status, {"ETag": ETAG, "Content-Type": "text/html; charset=utf-8"},
                                               html))
            kind = headers.pop("Content-Type", "text/html; charset=utf-8")
            body = html.encode("utf-8")
            if not headers:
                reply(self, status, kind, body)
                return
            self.send_response(status)
            for key, value in headers.items():
                self.send_header(key, value)
            if body:
                self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    return Handler


@contextmanager
def serve_unseen() -> Iterator[Portal]:
    """Run the portal (127.0.0.23), its old origin (same host, another port), its mobile host (127.0.0.25, the same
    pages) and the agency (127.0.0.24)."""
    portal = Portal()
    servers = {}
    for role, host in (("portal", "127.0.0.23"), ("old", "127.0.0.23"), ("agency", "127.0.0.24"),
                       ("mobile", "127.0.0.25")):
        server = ThreadingHTTPServer((host, 0), _handler(portal, role))
        server.daemon_threads = True
        servers[role] = server
        # a short poll: shutdown() waits for serve_forever's next look at its flag (0.5 s by default)
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, name=f"unseen-{role}",
                         daemon=True).start()
    portal.base, portal.old, portal.agency, portal.mobile = (f"http://{s.server_address[0]}:{s.server_address[1]}"
                                                             for s in servers.values())
    try:
        yield portal
    finally:
        for server in servers.values():
            server.shutdown()
            server.server_close()


def seeds(portal: Portal) -> str:
    """The seeds TOML for the portal and the agency."""
    return CONFIG.format(base=portal.base, host="127.0.0.23", agency=portal.agency, agency_host="127.0.0.24")
