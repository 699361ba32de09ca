"""Text packs: the wording of an instrument, kept apart from its structure and scoring.

Licensed instruments ship as structure-only definitions (`licence.ships_text: false`); the
deploying organisation, under its own licence, writes a text pack with the item texts and scale
labels and loads it. A pack can also re-word an instrument whose wording we ship (a
translation, a plainer-English version). Format: docs/formats/textpack.md.

A pack is checked against the exact definition version it names: every item has text, no item
is unknown, and every scale's labels match its values. An administration records the
instrument version and digest and the pack id and digest (`AdministrationStamp`), so what a
person saw can always be told apart from what was scored.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

from alongside.measures.definitions import (
    INSTRUMENT_CODE,
    DefinitionError,
    Instrument,
    ItemKind,
    Problems,
    check_fields,
    describe,
    name_field,
    read_yaml,
    text_field,
    version_field,
)

BUILT_IN = "built-in"
PACK_FIELDS = (
    "pack",
    "instrument",
    "version",
    "language",
    "licence",
    "title",
    "instructions",
    "items",
    "scales",
)
PACK_LICENCE_FIELDS = ("holder", "attribution", "note")


class TextPackError(ValueError):
    """A pack is malformed or does not fit its definition; `problems` lists every fault."""

    def __init__(self, problems: list[str] | tuple[str, ...]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(self.problems))


@dataclass(frozen=True)
class TextPack:
    pack: str
    instrument: str
    version: str
    holder: str
    items: tuple[tuple[str, str], ...]
    scales: tuple[tuple[str, tuple[tuple[int, str], ...]], ...]
    language: str = "en"
    attribution: str | None = None
    note: str | None = None
    title: str | None = None
    instructions: str | None = None
    source: str = field(default="", compare=False)
    digest: str = ""

    def item_text(self, code: str) -> str:
        return dict(self.items)[code]

    def labels(self, scale: str) -> dict[int, str]:
        return dict(dict(self.scales)[scale])


@dataclass(frozen=True)
class AdministrationStamp:
    """What an administration records about the instrument a person was given."""

    instrument: str
    version: str
    digest: str
    text_pack: str  # a pack id, or "built-in" for wording shipped in the definition
    text_pack_digest: str | None = None


@dataclass(frozen=True)
class DisplayOption:
    value: int
    label: str
    scored: bool


@dataclass(frozen=True)
class DisplayItem:
    code: str
    kind: ItemKind
    text: str
    scale: str | None
    options: tuple[DisplayOption, ...]


@dataclass(frozen=True)
class DisplayInstrument:
    """An instrument ready to show: definition structure with the wording filled in."""

    code: str
    version: str
    title: str
    instructions: str | None
    items: tuple[DisplayItem, ...]
    licence_note: str
    attribution: str | None
    language: str
    stamp: AdministrationStamp


def pack_digest(pack: TextPack) -> str:
    data = asdict(pack)
    del data["source"], data["digest"]
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def load_text_pack_file(path: str | Path) -> TextPack:
    try:
        data = read_yaml(path)
    except DefinitionError as exc:  # unreadable, or not YAML
        raise TextPackError(exc.problems) from exc
    return parse_text_pack(data, source=str(path))


def parse_text_pack(data: object, *, source: str) -> TextPack:
    """Check a pack's own shape (not yet against a definition) and build it."""
    p = Problems(source)
    if not isinstance(data, Mapping):
        raise TextPackError([f"{source}: a text pack must be a mapping of fields"])
    check_fields(data, PACK_FIELDS, "", p)
    pack = name_field(data, "pack", "", p, required=True, pattern=INSTRUMENT_CODE)
    instrument = name_field(data, "instrument", "", p, required=True, pattern=INSTRUMENT_CODE)
    version = version_field(data, "", p)
    language = text_field(data, "language", "", p) or "en"
    title = text_field(data, "title", "", p)
    instructions = text_field(data, "instructions", "", p)
    licence = data.get("licence")
    holder = attribution = note = None
    if not isinstance(licence, Mapping):
        p.add("", "licence", f"required: a mapping with at least 'holder', got {describe(licence)}")
    else:
        check_fields(licence, PACK_LICENCE_FIELDS, "licence", p)
        holder = text_field(licence, "holder", "licence", p, required=True)
        attribution = text_field(licence, "attribution", "licence", p)
        note = text_field(licence, "note", "licence", p)
    items = _items(data.get("items"), p)
    scales = _scales(data.get("scales"), p)
    if p.lines:
        raise TextPackError(p.lines)
    assert pack is not None
    assert instrument is not None
    assert version is not None
    assert holder is not None
    built = TextPack(
        pack=pack,
        instrument=instrument,
        version=version,
        holder=holder,
        items=items,
        scales=scales,
        language=language,
        attribution=attribution,
        note=note,
        title=title,
        instructions=instructions,
        source=source,
    )
    return replace(built, digest=pack_digest(built))


def _items(value: object, p: Problems) -> tuple[tuple[str, str], ...]:
    if not isinstance(value, Mapping) or not value:
        p.add("", "items", f"required: a mapping of item code to text, got {describe(value)}")
        return ()
    texts = []
    for code, text in value.items():
        if not isinstance(code, str):
            p.add("", "items", f"item code {describe(code)} must be text (quote it)")
        elif not isinstance(text, str) or not text.strip():
            p.add("", "items", f"item '{code}': must be non-empty text, got {describe(text)}")
        else:
            texts.append((code, text.strip()))
    return tuple(texts)


def _scales(value: object, p: Problems) -> tuple[tuple[str, tuple[tuple[int, str], ...]], ...]:
    if value is None:
        return ()
    if not isinstance(value, Mapping):
        p.add("", "scales", f"must map each scale code to its labels, got {describe(value)}")
        return ()
    scales = []
    for code, labels in value.items():
        if not isinstance(code, str):
            p.add("", "scales", f"scale code {describe(code)} must be text")
            continue
        if not isinstance(labels, Mapping) or not labels:
            p.add("", "scales", f"scale '{code}': must map each value to a label")
            continue
        pairs = []
        for option, label in labels.items():
            if isinstance(option, bool) or not isinstance(option, int):
                p.add("", "scales", f"scale '{code}': value {describe(option)} must be a number")
            elif not isinstance(label, str) or not label.strip():
                hint = " (quote it: YAML reads yes and no as true and false)"
                p.add(
                    "",
                    "scales",
                    f"scale '{code}': value {option}: the label must be non-empty text, "
                    f"got {describe(label)}{hint if isinstance(label, bool) else ''}",
                )
            else:
                pairs.append((option, label.strip()))
        scales.append((code, tuple(sorted(pairs))))
    return tuple(scales)


def check_text_pack(pack: TextPack, instrument: Instrument) -> None:
    """Raise TextPackError unless the pack words exactly this definition version."""
    p = Problems(pack.source)
    if pack.instrument != instrument.code:
        p.add(
            "",
            "instrument",
            f"the pack is for '{pack.instrument}' but the definition is '{instrument.code}'",
        )
    if pack.version != instrument.version:
        p.add(
            "",
            "version",
            f"the pack is for {pack.instrument} version {pack.version} but the definition is "
            f"version {instrument.version}: a new version needs its own pack",
        )
    texts = dict(pack.items)
    for item in instrument.items:
        if item.code not in texts:
            p.add("", "items", f"item '{item.code}' has no text")
    known_items = {item.code for item in instrument.items}
    for code in texts:
        if code not in known_items:
            p.add("", "items", f"unknown item '{code}'")
    used = {item.scale for item in instrument.items if item.scale is not None}
    labels = dict(pack.scales)
    for scale in instrument.scales:
        if scale.code not in labels:
            if scale.code in used:
                p.add("", "scales", f"scale '{scale.code}' has no labels")
            continue
        given = dict(labels[scale.code])
        for value in sorted(scale.values - set(given)):
            p.add("", "scales", f"scale '{scale.code}': value {value} has no label")
        for value in sorted(set(given) - scale.values):
            values = ", ".join(str(v) for v in sorted(scale.values))
            p.add(
                "",
                "scales",
                f"scale '{scale.code}': {value} is not a value of this scale (values: {values})",
            )
    known_scales = {scale.code for scale in instrument.scales}
    for code in labels:
        if code not in known_scales:
            p.add("", "scales", f"unknown scale '{code}'")
    if p.lines:
        raise TextPackError(p.lines)


def display_instrument(instrument: Instrument, pack: TextPack | None = None) -> DisplayInstrument:
    """The instrument with its wording: the pack's if given, else the definition's own.

    A structure-only definition without a pack cannot be shown and raises TextPackError.
    """
    if pack is None:
        if not instrument.licence.ships_text:
            raise TextPackError(
                [
                    f"{instrument.source}: {instrument.code} {instrument.version} ships no "
                    "wording (licensed instrument): load the organisation's text pack "
                    "(docs/formats/textpack.md)"
                ]
            )
        return _display(instrument, None)
    check_text_pack(pack, instrument)
    return _display(instrument, pack)


def _display(instrument: Instrument, pack: TextPack | None) -> DisplayInstrument:
    items = []
    for item in instrument.items:
        text = pack.item_text(item.code) if pack else item.text
        options: tuple[DisplayOption, ...] = ()
        if item.scale is not None:
            scale = instrument.scale(item.scale)
            labels = pack.labels(scale.code) if pack else {}
            options = tuple(
                DisplayOption(
                    value=o.value,
                    label=labels[o.value] if pack else str(o.label),
                    scored=o.scored,
                )
                for o in scale.options
            )
        items.append(
            DisplayItem(
                code=item.code, kind=item.kind, text=str(text), scale=item.scale, options=options
            )
        )
    stamp = AdministrationStamp(
        instrument=instrument.code,
        version=instrument.version,
        digest=instrument.digest,
        text_pack=pack.pack if pack else BUILT_IN,
        text_pack_digest=pack.digest if pack else None,
    )
    return DisplayInstrument(
        code=instrument.code,
        version=instrument.version,
        title=(pack.title if pack and pack.title else instrument.title),
        instructions=(pack.instructions if pack else instrument.instructions),
        items=tuple(items),
        licence_note=instrument.licence.note,
        attribution=(pack.attribution if pack else instrument.licence.attribution),
        language=pack.language if pack else "en",
        stamp=stamp,
    )
