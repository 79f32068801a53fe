"""Camp-marked institutions (round 50): one side's ministry, registry or consul, read as one half of a doubled state.

A story of the split told through its institutions alone names one camp's ministry or authority ("وزارة العدل في
الحكومة المكلفة من مجلس النواب", "خارجية البيضاء", "مصلحة الجمارك في طرابلس") and says the other's papers are
refused. ``camp_marks`` finds each institution noun marked with a camp (a seat of a rival authority, or a government
named by its camp) within its own sentence, and ``refusal`` the everyday words of non-recognition.
"""

from __future__ import annotations

import re

from archive.corpus.arabic import stems, tokens
from crawler.relevance.sentences import _SENTENCE_END, after_dateline

#: Institution nouns (normalised stems): a ministry, authority, registry, consulate, fund, office of state.
INSTITUTIONS = frozenset(
    {
        "وزاره",
        "وزارات",
        "هييه",
        "مصلحه",
        "جهاز",
        "مصرف",
        "صندوق",
        "ديوان",
        "سفاره",
        "قنصليه",
        "اداره",
        "ملحقيه",
        "مفوضيه",
        "خارجيه",
        "داخليه",
        "لجنه",  # round 51: a committee a government formed ("لجنة أزمة الوقود التابعة للحكومة المؤقتة")
        "وزير",  # round 53: a minister of one camp's government ("وزير الصحة في حكومة الوحدة"), as a mission is marked
        "وزيره",
        # round 61: a centre, office or union (see BRANCHES)
        "مركز",
        "مكتب",
        "نقابه",
    }
)
#: Cheap tests before ``stems``: a normalised word, or a raw sentence, that may hold an institution noun (most hold
#: none; the raw test allows the hamza forms and the ta marbuta that normalising folds).
_NOUNISH = re.compile("|".join(sorted({noun.removesuffix("ه") for noun in INSTITUTIONS})))
_RAW_NOUNISH = re.compile(
    "|".join(
        sorted(
            {noun.removesuffix("ه").replace("ا", "[اأإآ]").replace("يي", "ي[يئ]") for noun in INSTITUTIONS}
        )
    )
)
#: A state's missions: one in a Libyan seat is a foreign state's ("القنصلية في بنغازي"), so only a government named by
#: its camp marks them ("قنصلية ... التابعة للحكومة المؤقتة"), never a seat.
#: Round 51 (its review): so is a committee: "لجنة القبول في جامعة طرابلس" names a university's, not a camp's.
#: Round 53: so is a minister: "وزير الصحة يزور بنغازي" is a visit, not the east's minister.
MINISTERS = frozenset({"وزير", "وزيره"})
MISSIONS = frozenset({"سفاره", "قنصليه", "ملحقيه", "لجنه"}) | MINISTERS
#: Round 61: institutions every city has one of (a centre, an office, a union): a seat as the noun's own complement is
#: its name ("مركز طرابلس الطبي", "نقابة بنغازي"), no camp, and they mark a camp only in a story that names a camp's
#: government ("مركز المواصفات الذي أنشأته الحكومة المؤقتة في بنغازي"): else two of them are a city's branches.
BRANCHES = frozenset({"مركز", "مكتب", "نقابه"})
#: How many words after a minister his government may be named: his portfolio, then "في" (a clitic "ب" or "ل" on the
#: government's first word needs none).
MINISTER_WINDOW = 3
#: A camp named by one word (stems): the seats of rival authorities and their sides.
_SEATS = {"طرابلس": "west", "البيضاء": "east", "بنغازي": "east", "طبرق": "east", "الشرق": "east"}
#: A camp named by a phrase, matched in order on normalised words (``tokens``: "المؤقتة" is "الموقته"); the first
#: word may carry a clitic ("بالحكومة المؤقتة", "للحكومة المؤقتة", "بحكومة الوحدة": round 51, which found that
#: round 50 had matched only the bare forms and never "الحكومة المؤقتة" at all).
_PHRASES = tuple(
    (tuple(tokens(phrase)), side)
    for phrase, side in (
        ("حكومة الوحدة", "west"),
        ("الحكومة المؤقتة", "east"),
        ("المكلفة من مجلس النواب", "east"),
        # round 51 (its review): the governments named by their name or their head ("بحكومة الاستقرار الوطني");
        # not "الحكومة الموازية", which is Tripoli's in 2015 copy and the east's in 2023's
        ("حكومة الوفاق", "west"),
        ("حكومة الدبيبة", "west"),
        ("حكومة الاستقرار", "east"),
        ("حكومة حماد", "east"),
        ("حكومة باشاغا", "east"),
        ("حكومة الثني", "east"),
    )
)
#: A foreign state's adjective after the noun: its consulate or embassy in Benghazi is no camp of Libya's split.
FOREIGN = frozenset(
    "المصريه التونسيه الجزايريه المغربيه السودانيه التشاديه النيجريه التركيه الايطاليه الفرنسيه البريطانيه "
    "الامريكيه الروسيه الالمانيه الصينيه اليونانيه المالطيه الاماراتيه القطريه السعوديه الاردنيه اللبنانيه "
    "السوريه العراقيه الفلسطينيه".split()
)
#: Round 53: and the masculine forms, after a minister ("وزير الخارجية المصري"), where the adjective agrees with him.
FOREIGN |= {adjective.removesuffix("ه") for adjective in FOREIGN}
#: A company's head office ("مصرف الواحة ومقره في بنغازي") is no camp: a bank's seat is where it trades.
HEAD_OFFICE = frozenset({"مقره", "مقرها", "ومقره", "ومقرها"})
#: The first words of those phrases, and a cheap test before ``stems`` (a word that may hold one).
_OPENERS = frozenset(phrase[0] for phrase, _ in _PHRASES)
_OPENER_LETTERS = re.compile("|".join(sorted({opener.removeprefix("ال") for opener in _OPENERS})))
#: How many words after the institution noun its camp may be named (its complement and a "في" or "التابعة ل").
WINDOW = 8
#: Non-recognition in everyday words (normalised word sequences).
REFUSALS = frozenset(
    {
        ("لا", "تعترف"),
        ("لا", "يعترف"),
        ("غير", "معترف"),
        ("لا", "يعتد"),
        ("لا", "تعتد"),
        ("غير", "معتمده"),
        ("لا", "يسري"),
        # round 51: papers, bills or acts of an authority "not competent" or "not authorised", "will not be adopted"
        ("غير", "مختصه"),
        ("غير", "مخوله"),
        ("غير", "مخول"),
        ("لن", "تعتمد"),
        ("لن", "يعتمد"),
        ("لا", "تعتمد"),
        ("لا", "يعتمد"),
    }
)
#: Round 54: an act called void, one word (normalised; never with the article: "الباطل" is falsehood).
NULLITY = frozenset({"باطل", "باطله", "باطلا", "منعدم", "منعدمه", "منعدما", "لاغيه", "لاغيا"})
#: The first words of those pairs, and "عدم" (a cheap test before the pairs).
_REFUSAL_FIRSTS = frozenset({first for first, _ in REFUSALS} | {"عدم"})
#: "لا يعتمد على" / "إلا على" is "relies on", no refusal (round 51's review).
_RELIES = frozenset({"علي", "الا", "عليه", "عليها", "عليهم"})
#: "عدم" before a noun of recognition ("عدم اعتمادها", "عدم الاعتراف بها"), whatever its suffix (round 51), or of
#: acceptance ("عدم قبول بطاقات القيد": round 61).
REFUSED_NOUNS = ("اعتماد", "الاعتراف", "الاعتداد", "اعتراف", "قبول")


def _government_at(words: list[str], k: int) -> str | None:
    """The camp whose government's phrase begins at word ``k`` ("الحكومة المؤقتة", "بحكومة الوحدة"), if any."""
    word = words[k]
    if _OPENER_LETTERS.search(word) and (bare := _OPENERS.intersection(stems(word))):
        for phrase, side in _PHRASES:
            if phrase[0] in bare and tuple(words[k + 1 : k + len(phrase)]) == phrase[1:]:
                return side
    return None


def _camp_at(words: list[str], k: int, mission: bool) -> str | None:
    """The camp named at word ``k`` (a seat, unless for a ``mission``, or the first word of a camp's phrase), if any."""
    if (side := _government_at(words, k)) is not None:
        return side
    word = words[k]
    if mission or not any(seat in word for seat in _SEATS):
        return None
    if word.endswith("الشرق") and words[k + 1 : k + 2] == ["الاوسط"]:
        return None  # the Middle East
    for stem in stems(word):
        if stem in _SEATS:
            return _SEATS[stem]
    return None


def camp_marks(text: str, branches: bool = True) -> list[str]:
    """The camp of each camp-marked institution in the body (its dateline left out), in order: "east" or "west";
    a centre, office or union (``BRANCHES``) only where ``branches``."""
    out: list[str] = []
    text = after_dateline(text)
    seen = -1
    # only the words from each institution noun to its sentence's end are tokenised: most of a body names none
    for hit in _RAW_NOUNISH.finditer(text):
        start = max(text.rfind(" ", 0, hit.start()), text.rfind("\n", 0, hit.start())) + 1
        if start <= seen:  # a second hit inside the same word
            continue
        seen = start
        end = _SENTENCE_END.search(text, hit.end())
        words = tokens(text[start : end.start() if end else len(text)])[: WINDOW + 4]
        if not words or not (nouns := INSTITUTIONS.intersection(stems(words[0]))):
            continue
        if nouns <= BRANCHES and not branches:
            continue
        mission = bool(nouns & MISSIONS)
        # round 53: a minister's camp is his title's own complement ("وزير الصحة في حكومة الوحدة"); further on, the
        # government he names is whom he deals with ("وقع الوزير اتفاقا مع الحكومة المؤقتة")
        minister = nouns <= MINISTERS
        for k in range(1, min((MINISTER_WINDOW if minister else WINDOW) + 1, len(words))):
            if minister and k == MINISTER_WINDOW and words[k - 1] != "في":
                break
            if words[k] in FOREIGN or words[k] in HEAD_OFFICE:
                break
            if _NOUNISH.search(words[k]) and INSTITUTIONS.intersection(stems(words[k])):
                break
            if (side := _camp_at(words, k, mission)) is not None:
                if k == 1 and nouns <= BRANCHES and _government_at(words, k) is None:
                    break  # "مركز طرابلس الطبي": the centre's name
                out.append(side)
                break
    return out


def refusal(words: list[str]) -> bool:
    """Whether the words say papers or acts are not recognised ("لا تعترف", "غير معتمدة", "لا يعتد") or void
    ("باطلة", "منعدم": round 54)."""
    if not NULLITY.isdisjoint(words):
        return True
    for k in range(len(words) - 1):
        first = words[k]
        if first not in _REFUSAL_FIRSTS:
            first = first[1:] if first[:1] in "وف" and len(first) > 2 else ""  # "ولا يعترف", "فلن تعتمد"
            if first not in _REFUSAL_FIRSTS:
                continue
        if (first, words[k + 1]) in REFUSALS:
            if words[k + 1].endswith("عتمد") and words[k + 2 : k + 3] and words[k + 2] in _RELIES:
                continue
            return True
        if first == "عدم" and words[k + 1].startswith(REFUSED_NOUNS):
            return True
    return False


def governed(words: list[str]) -> bool:
    """Whether the words name a camp's government ("الحكومة المؤقتة", "حكومة الوحدة") anywhere (round 61)."""
    padded = [*words, "", "", "", ""]
    return any(_government_at(padded, k) for k in range(len(words)))


#: Round 61: the endings of a dual (normalised): feminine, whose singular ends in ta marbuta ("قائمتان", "شهادتا",
#: "لجنتين"), and masculine nominative ("وفدان", "مكتبان"); not "ين" after a masculine noun, the sound plural's too.
_DUAL_FEMININE = ("تان", "تين", "تا")
#: The clitics a singular may carry where the story uses it ("بالقائمة", "للوفد").
_CLITICS = ("", "و", "ب", "ل", "ف", "وب", "ول")


#: Round 73: masculine nouns of an office or a body whose plural is broken ("مجالس", "رؤساء", "مكاتب"), so the
#: genitive dual in "ين" is theirs alone; a sound plural in "ين" ("مسلحين", "موظفين", "الليبيين") is no dual. A
#: short hand-kept list: no maintained library here tells an Arabic noun's plural pattern.
_BROKEN_PLURALS = frozenset("مجلس رييس مكتب مصرف مركز وفد فرع جهاز سجل مقر منصب وزير عميد نقيب قرار".split())
#: Round 73: the prepositions that may lead a title's dual ("بقائمتين", "لوفدين").
_PREPOSITIONS = frozenset("بل")


def _singular_used(singular: str, words: set[str], article: bool) -> bool:
    """Whether ``words`` hold ``singular`` (with the article or a clitic; bare too unless ``article``: a masculine
    singular's bare form, or after "و" or "ف", may be a verb, "فقد" beside the masdar "فقدان")."""
    forms = {clitic + "ال" + singular for clitic in _CLITICS} | {"لل" + singular}
    if not article:
        forms |= {clitic + singular for clitic in _CLITICS}
    else:
        # the indefinite accusative ("مكتباً واحداً") and a preposition's noun ("لمركز الإنذار"): no verb's forms
        forms |= {singular + "ا", "ب" + singular, "ل" + singular}
    return not forms.isdisjoint(words)


def _dual_singular(word: str) -> tuple[str, bool] | None:
    """The singular of a title word read as a dual, and whether it needs the article where the story uses it; None
    when the word is no dual (round 61; round 73: the genitive "ين" of a noun whose plural is broken)."""
    if word.endswith("ين") and word[:-2] in _BROKEN_PLURALS:
        return word[:-2], True
    if word.endswith("ستان") or len(word) < 5:
        return None
    feminine = word.endswith(_DUAL_FEMININE)
    if not feminine and not word.endswith("ان"):
        return None
    stem = word[: -3 if word.endswith(("تان", "تين")) else -2]
    return (stem + "ه", False) if feminine else (stem, True)


def title_duals(title_words: list[str], body_words: list[str]) -> list[str]:
    """The title's duals whose singular the story uses too ("قائمتان لكشافة ليبيا.. والمنظمة تعتمد قائمة طرابلس"):
    two of one thing, the doubling the split made (round 61). A country in "-ستان" is no dual; a masculine form's
    singular must appear with the article or a preposition, so a masdar in "-ان" beside its verb ("فقدان") is none.
    Round 73: a preposition may lead the dual ("برئيسين", "بقائمتين"), and the genitive "ين" of a noun whose plural is
    broken is its dual ("من مجلسين للقضاء"); a sound plural's "ين" ("مسلحين", "موظفين") stays none."""
    found: list[str] = []
    words: set[str] | None = None
    for word in title_words:
        readings = [word] + ([word[1:]] if word[:1] in _PREPOSITIONS else [])
        for reading in readings:
            if (dual := _dual_singular(reading)) is None:
                continue
            if words is None:
                words = set(title_words) | set(body_words)
            if _singular_used(dual[0], words, article=dual[1]):
                found.append(word)
                break
    return found


def named_sides(words: list[str]) -> set[str]:
    """The camps the words name anywhere (a seat or a government's phrase), not only beside an institution."""
    padded = [*words, "", "", "", ""]
    return {side for k in range(len(words)) if (side := _camp_at(padded, k, False))}


def acting_across(text: str) -> bool:
    """Whether a body sentence names one camp's government by its phrase and a seat of the other camp (round 63): one
    government's act for the other's city ("وزارة الصحة بحكومة الوحدة تصدر تراخيص لصيدليات في بنغازي"); a sentence
    naming both governments is no act across, it is both."""
    for sentence in _SENTENCE_END.split(after_dateline(text)):
        words = tokens(sentence)
        padded = [*words, "", "", "", ""]
        governments = {side for k in range(len(words)) if (side := _government_at(padded, k))}
        if len(governments) != 1:
            continue
        seats = {_SEATS[stem] for w in words if any(s in w for s in _SEATS) for stem in stems(w) if stem in _SEATS}
        if seats - governments:
            return True
    return False


def camp_split(title_words: list[str], body_words: list[str], title: str, text: str, across: bool = True) -> int:
    """How many camp-marked institutions the body names where they tell the split (institutions of both camps, or one
    camp's beside words of non-recognition), else 0 (round 50; the caller checks that Libya is anchored).

    Round 51: both camps' institutions beside a refusal count one more (the contest itself); one camp's refusal counts
    only where the story names the other camp somewhere (a seat or a government): else it is that camp's word on
    something else (a court "غير مختصة", Libya's foreign ministry that "does not recognise" Somaliland)."""
    branches = governed(title_words) or governed(body_words)
    marks = camp_marks(text, branches)
    titled = camp_marks(title, branches)
    # round 61: two of one thing in the title, in a story that names both camps (a seat or a government of each),
    # is the split's doubling: one institution's worth more
    doubled = bool(title_duals(title_words, body_words)) and (
        len(named_sides(title_words) | named_sides(tokens(after_dateline(text)))) == 2
    )
    if not marks and not titled:
        if doubled:
            return 1 + (refusal(title_words) or refusal(body_words))
        # round 54: no institution named, but both camps and one calling the other's act void or unrecognised ("قائمتان
        # للحجاج.. الحكومة المكلفة تعتمد كشوفا ... وطرابلس تعتبرها «باطلة»"): the contest itself, one institution's worth
        # (a wire dateline, "طرابلس - وكالات", is where the report was filed, no camp: a football federation in Tripoli
        # calling a Benghazi meeting void is no contest of the split, round 28's guard)
        if not (refusal(title_words) or refusal(body_words)):
            return 0
        return int(len(named_sides(title_words) | named_sides(tokens(after_dateline(text)))) == 2)
    both = len(set(marks + titled)) == 2
    refused = refusal(title_words) or refusal(body_words)
    if refused and not both:
        refused = bool((named_sides(title_words) | named_sides(body_words)) - set(marks + titled))
    # round 63: one camp's institution, and a sentence where that camp's government acts in the other camp's seat
    # (``across``: the caller's word that the story names no other theatre; a ministry's care for another war's
    # refugees in Benghazi is that war's)
    if across and not both and not refused and not doubled and acting_across(text):
        return max(len(marks), 1)
    # round 51: the two camps' institutions and one refusing the other's acts: the contest itself
    if both and refused:
        return len(marks) + 1 + doubled
    return max(len(marks), 1) + doubled if both or refused or doubled else 0
