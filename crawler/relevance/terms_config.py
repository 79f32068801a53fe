"""The validation of a lexicon's terms (``seeds/lexicon.toml``): every key of a term entry checked, a ConfigError naming
the file, the key and the fix for a bad one. Moved out of ``crawler.relevance.lexicon`` in round 31 (no rule changed);
``load_lexicon`` builds each ``Term`` from ``term_fields``.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from archive.corpus.arabic import tokens
from archive.errors import ConfigError

if TYPE_CHECKING:
    from crawler.relevance.lexicon import Term


def strings(path: Path, key: str, value: Any) -> list[str]:
    """A list of non-empty strings, or a ConfigError saying how to write one."""
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ConfigError(path, 'must be a list of non-empty strings, e.g. ["طرابلس", "Tripoli"]', key=key)
    return value


#: The true/false keys of a term (and, for scene and armed, of its category's default).
FLAGS = tuple(
    "ambiguous exact scene speaker alone crime armed seat beside_armed beside_party regime venue party pair era "
    "placed beside_camp timeless court".split()
)


def term_fields(
    path: Path, cat: str, feeds: tuple[str, ...], i: int, raw: Any, scene: bool = True, armed: bool = False
) -> dict[str, Any]:
    """Validate one ``{ term = ..., weight = ... }`` entry of a category: the keyword arguments of its ``Term``."""
    key = f"category.{cat}.terms[{i}]"
    if not isinstance(raw, dict):
        raise ConfigError(path, 'must be an inline table: { term = "قصف", weight = 2.5 }', key=key)
    unknown = set(raw) - {"term", "weight", "variants", "english", "body", "shadows", "side", "note", *FLAGS}
    if unknown:
        raise ConfigError(
            path,
            f"unknown key; use term, weight, variants, english, body, shadows, side, note, {', '.join(FLAGS)}",
            key=f"{key}.{min(unknown)}",
        )
    name = raw.get("term")
    if not isinstance(name, str) or not name.strip():
        raise ConfigError(path, 'missing or empty; add term = "<Arabic spelling>"', key=f"{key}.term")
    key = f"category.{cat}.terms[{i}] ({name})"
    weight = raw.get("weight")
    if isinstance(weight, bool) or not isinstance(weight, (int, float)) or not 0 < weight <= 10:
        raise ConfigError(path, f"must be a number in (0, 10], got {weight!r}", key=f"{key}.weight")
    for flag in FLAGS:
        if not isinstance(raw.get(flag, False), bool):
            raise ConfigError(path, "must be true or false", key=f"{key}.{flag}")
    body = raw.get("body", "")
    if not isinstance(body, str) or (("body" in raw) and not body.strip()):
        raise ConfigError(
            path, 'must be a non-empty name of a body of the split, e.g. body = "house"', key=f"{key}.body"
        )
    for gate in (
        "beside_armed",
        "beside_party",
        "beside_camp",
    ):  # round 28: the war economy (round 29: trials; round 47: detentions) is conflict evidence
        if raw.get(gate) and "conflict" not in feeds:
            raise ConfigError(
                path,
                f'{gate} marks conflict evidence; move the term to a category feeding "conflict" or remove {gate}',
                key=f"{key}.{gate}",
            )
    if raw.get("venue") and not (
        raw.get("ambiguous") and "libya" in feeds
    ):  # round 31: a venue is such a name
        raise ConfigError(
            path,
            "venue marks an ambiguous Libya name (a foreign town that hosted the talks); add ambiguous = true in a "
            'category feeding "libya", or remove venue',
            key=f"{key}.venue",
        )
    side = raw.get("side", "")
    if side and (
        side not in ("west", "east") or "libya" not in feeds
    ):  # round 43: a seat of one side of the split
        raise ConfigError(
            path,
            'side names a Libyan seat\'s side: "west" or "east", in a category feeding "libya"',
            key=f"{key}.side",
        )
    if raw.get("court") and "foreign" not in feeds:  # round 72: another state's court or security service
        raise ConfigError(
            path, 'court marks another state\'s court; use a category feeding "foreign"', key=f"{key}.court"
        )
    if raw.get("placed") and not raw.get("pair"):
        raise ConfigError(
            path, "placed qualifies a pair term; add pair = true or remove placed", key=f"{key}.placed"
        )
    spellings = [name, *strings(path, f"{key}.variants", raw.get("variants"))]
    spellings += strings(path, f"{key}.english", raw.get("english"))
    forms: list[tuple[str, ...]] = []
    for spelling in spellings:
        form = tuple(tokens(spelling))
        if not form:
            raise ConfigError(path, f"spelling {spelling!r} has no letters or digits; remove it", key=key)
        if form not in forms:
            forms.append(form)
    return dict(
        term=name,
        category=cat,
        weight=float(weight),
        feeds=feeds,
        forms=tuple(forms),
        ambiguous=raw.get("ambiguous", False),
        body=body.strip(),
        exact=raw.get("exact", False),
        scene=raw.get("scene", scene),
        speaker=raw.get("speaker", bool(body.strip()) or not scene),
        alone=raw.get("alone", True),
        crime=raw.get("crime", False),
        armed=raw.get("armed", armed),
        seat=raw.get("seat", False),
        shadows=tuple(strings(path, f"{key}.shadows", raw.get("shadows"))),
        beside_armed=raw.get("beside_armed", False),
        beside_party=raw.get("beside_party", False),
        regime=raw.get("regime", False),
        venue=raw.get("venue", False),
        party=raw.get("party", False),
        pair=raw.get("pair", False),
        era=raw.get("era", False),
        side=side,
        placed=raw.get("placed", False),
        beside_camp=raw.get("beside_camp", False),
        timeless=raw.get("timeless", False),
        court=raw.get("court", False),
    )


def check_shadows(path: Path, terms: Sequence[Term]) -> None:
    """A term's ``shadows`` (round 25) name ambiguous Libya terms, and only a foreign term has them."""
    libya = {t.term for t in terms if t.ambiguous and "libya" in t.feeds}
    seen: dict[str, int] = {}  # category -> terms so far: the index of a term in its category's list
    for term in terms:
        at = seen[term.category] = seen.get(term.category, -1) + 1
        key = f"category.{term.category}.terms[{at}] ({term.term}).shadows"
        if term.shadows and "foreign" not in term.feeds:
            raise ConfigError(path, "only a foreign term may shadow a Libya name; remove shadows", key=key)
        for name in term.shadows:
            if name not in libya:
                raise ConfigError(
                    path, f"{name!r} is no ambiguous Libya term; name one (its term, not a variant)", key=key
                )
