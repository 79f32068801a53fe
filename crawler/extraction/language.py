"""Judge the language of extracted text from its script; a declared language decides only within one script."""

from __future__ import annotations

import logging
import re

logger = logging.getLogger(__name__)

ARABIC_RE = re.compile(r"[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]")
PERSIAN_RE = re.compile(r"[پچژگکی]")
URDU_RE = re.compile(r"[ٹڈڑںےۓھ]")
LATIN_RE = re.compile(r"[A-Za-z\u00c0-\u024f]")
CYRILLIC_RE = re.compile(r"[\u0400-\u04ff]")
HEBREW_RE = re.compile(r"[\u0590-\u05ff]")
CJK_RE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff\uac00-\ud7af]")


def detect_language(text: str, declared: str | None = None) -> str:
    """The ISO 639-1 code of ``text``, judged by its script; ``declared`` decides among Latin-script languages."""
    sample = text[:5000]
    counts = {
        "arabic": len(ARABIC_RE.findall(sample)), "latin": len(LATIN_RE.findall(sample)),
        "cyrillic": len(CYRILLIC_RE.findall(sample)), "hebrew": len(HEBREW_RE.findall(sample)),
        "cjk": len(CJK_RE.findall(sample)),
    }
    script = max(counts, key=lambda k: counts[k])
    declared = (declared or "").strip().lower().replace("_", "-").split("-")[0] or None
    if counts[script] == 0:
        return declared or "und"
    if script == "arabic":
        if declared in ("ar", "fa", "ur", "ps", "ku", "ckb", "sd", "ug"):
            return declared
        persian, urdu = len(PERSIAN_RE.findall(sample)), len(URDU_RE.findall(sample))
        if urdu > 0.01 * counts["arabic"]:
            return "ur"
        return "fa" if persian > 0.02 * counts["arabic"] else "ar"
    if script == "latin":
        if declared and declared not in ("ar", "fa", "ur", "he", "ru", "zh", "ja", "ko", "uk"):
            return declared
        return "en"
    if script == "cyrillic":
        return declared if declared in ("ru", "uk", "bg", "sr", "mk", "be", "kk") else "ru"
    if script == "hebrew":
        return "he"
    return declared if declared in ("zh", "ja", "ko") else "zh"
