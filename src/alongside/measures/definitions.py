"""Instrument definitions: the YAML format, its validator, digests and a catalogue of versions.

An instrument (a standardised measure or one of our surveys) is a data file: scales, items,
scores, a missing-data rule and, where known, the norms that change statistics need. The format
is documented field by field in docs/formats/instrument.md.

The validator reports every problem at once, each naming the file, the place and the field
("file: items[3] (code 'q4'): field 'scale': unknown scale 'agree5'"), so a broken definition
never loads and its author can fix it in one pass. A definition's digest is the SHA-256 of its
canonical JSON: a changed definition is detectably different, so it must carry a new version,
and administrations keep scoring by the version (and digest) they were given under.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from enum import StrEnum
from fractions import Fraction
from itertools import pairwise
from pathlib import Path, PurePosixPath
from typing import Any, TypeVar

import yaml

SHIPPED_DIR = Path(__file__).resolve().parent / "instruments"

INSTRUMENT_CODE = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")
NAME = re.compile(r"^[a-z][a-z0-9_]*$")
VERSION = re.compile(r"^[0-9]+(?:\.[0-9]+){0,2}$")
RESPONDENTS = ("service_user", "provider", "psw", "anyone")
EnumT = TypeVar("EnumT", bound=StrEnum)


class DefinitionError(ValueError):
    """A definition (or a file it needs) is broken; `problems` lists every fault found."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(self.problems))


class ItemKind(StrEnum):
    CHOICE = "choice"
    TEXT = "text"


class ScoreMethod(StrEnum):
    SUM = "sum"
    MEAN = "mean"
    MEAN_X25 = "mean_x25"
    LOOKUP = "lookup"


class Better(StrEnum):
    """Which way a score moves when things get better."""

    HIGHER = "higher"
    LOWER = "lower"


class ReliabilityKind(StrEnum):
    TEST_RETEST = "test_retest"
    INTERNAL_CONSISTENCY = "internal_consistency"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class ScaleOption:
    value: int
    label: str | None = None
    # An unscored option ("not applicable", "don't know") is an answer, not a missing one, but
    # it never enters a score: the item is left out of numerator and denominator alike.
    scored: bool = True


@dataclass(frozen=True)
class CombinedOption:
    """Scale values reported together as well as one by one, such as "yes or somewhat"."""

    label: str
    values: tuple[int, ...]


@dataclass(frozen=True)
class Scale:
    code: str
    options: tuple[ScaleOption, ...]
    combined: tuple[CombinedOption, ...] = ()

    @property
    def values(self) -> frozenset[int]:
        return frozenset(o.value for o in self.options)

    @property
    def scored_values(self) -> tuple[int, ...]:
        return tuple(sorted(o.value for o in self.options if o.scored))

    @property
    def low(self) -> int:
        return self.scored_values[0]

    @property
    def high(self) -> int:
        return self.scored_values[-1]

    @property
    def has_unscored(self) -> bool:
        return any(not o.scored for o in self.options)

    def is_scored(self, value: int) -> bool:
        return value in self.scored_values


@dataclass(frozen=True)
class Item:
    code: str
    kind: ItemKind = ItemKind.CHOICE
    scale: str | None = None
    text: str | None = None
    reverse: bool = False
    subscale: str | None = None
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class MissingRule:
    """When a score may still be given with items unanswered.

    With neither field set, every applicable item must be answered. `min_answered` is an
    absolute count of answered items, `min_answered_fraction` a share of the applicable items;
    when both are set, both must hold.
    """

    min_answered: int | None = None
    min_answered_fraction: float | None = None

    @property
    def allows_missing(self) -> bool:
        return self.min_answered is not None or self.min_answered_fraction is not None

    def enough(self, answered: int, applicable: int) -> bool:
        if applicable == 0 or answered == 0:
            return False
        if not self.allows_missing:
            return answered == applicable
        if self.min_answered is not None and answered < self.min_answered:
            return False
        fraction = self.min_answered_fraction
        return fraction is None or Fraction(answered, applicable) >= Fraction(str(fraction))


@dataclass(frozen=True)
class Band:
    """A named range of a score: from `min` (inclusive) up to the next band's `min`."""

    min: float
    label: str


@dataclass(frozen=True)
class Norm:
    mean: float
    sd: float


@dataclass(frozen=True)
class ChangeNorms:
    """What the reliable change index and clinically significant change need for one score."""

    sd: float
    reliability: float
    reliability_kind: ReliabilityKind
    source: str
    cutoff: float | None = None
    clinical: Norm | None = None
    general: Norm | None = None
    unverified: str | None = None


@dataclass(frozen=True)
class ScoreRule:
    code: str
    method: ScoreMethod
    items: tuple[str, ...]
    low: float
    high: float
    label: str | None = None
    subscale: str | None = None
    missing: MissingRule = MissingRule()
    table: tuple[tuple[int, float], ...] = ()
    table_provenance: str | None = None
    better: Better = Better.HIGHER
    bands: tuple[Band, ...] = ()
    change: ChangeNorms | None = None

    def lookup(self, raw: int) -> float:
        return dict(self.table)[raw]


@dataclass(frozen=True)
class Licence:
    """`ships_text` false: the file holds structure and scoring only; wording is in a text pack."""

    ships_text: bool = True
    note: str = ""
    holder: str | None = None
    attribution: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class Instrument:
    code: str
    title: str
    version: str
    scales: tuple[Scale, ...]
    items: tuple[Item, ...]
    scores: tuple[ScoreRule, ...] = ()
    licence: Licence = Licence()
    missing: MissingRule = MissingRule()
    description: str | None = None
    respondent: str | None = None
    instructions: str | None = None
    citation: str | None = None
    provenance: str | None = None
    unverified: tuple[str, ...] = ()
    source: str = field(default="", compare=False)
    digest: str = ""

    @property
    def key(self) -> tuple[str, str]:
        return (self.code, self.version)

    def scale(self, code: str) -> Scale:
        for scale in self.scales:
            if scale.code == code:
                return scale
        raise KeyError(f"{self.code} {self.version} has no scale {code!r}")

    def item(self, code: str) -> Item:
        for item in self.items:
            if item.code == code:
                return item
        raise KeyError(f"{self.code} {self.version} has no item {code!r}")

    def score(self, code: str) -> ScoreRule:
        for rule in self.scores:
            if rule.code == code:
                return rule
        raise KeyError(f"{self.code} {self.version} has no score {code!r}")

    def item_scale(self, item: Item) -> Scale:
        if item.scale is None:
            raise KeyError(f"item {item.code!r} takes a written answer and has no scale")
        return self.scale(item.scale)


def version_key(version: str) -> tuple[int, ...]:
    """Versions compare as numbers, part by part: 1.10 comes after 1.9."""
    return tuple(int(part) for part in version.split("."))


def canonical_json(instrument: Instrument) -> str:
    """The definition as it was understood (defaults filled in), without where it came from."""
    data = asdict(instrument)
    del data["source"], data["digest"]
    # A scale without combined categories reads as it did before they existed, so that
    # definitions stored then keep their digests.
    for scale in data["scales"]:
        if not scale["combined"]:
            del scale["combined"]
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def definition_digest(instrument: Instrument) -> str:
    return hashlib.sha256(canonical_json(instrument).encode("utf-8")).hexdigest()


# --- reading YAML -------------------------------------------------------------------------------


class _StrictLoader(yaml.SafeLoader):
    """Safe YAML that refuses a repeated key instead of silently keeping the last one."""


def _construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> dict[Hashable, Any]:
    loader.flatten_mapping(node)
    seen: set[Hashable] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, Hashable):
            raise yaml.constructor.ConstructorError(
                None,
                None,
                f"a {'mapping' if isinstance(key, Mapping) else 'list or set'} cannot be a key "
                "(keys are plain words or numbers)",
                key_node.start_mark,
            )
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        seen.add(key)
    return loader.construct_mapping(node, deep=True)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def read_yaml(path: str | Path) -> object:
    """Parse a YAML file; an unreadable or malformed file is a DefinitionError naming the line."""
    source = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DefinitionError([f"{source}: cannot read the file: {exc}"]) from exc
    try:
        return yaml.load(text, Loader=_StrictLoader)  # noqa: S506 (a SafeLoader subclass)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"line {mark.line + 1} column {mark.column + 1}: " if mark else ""
        raise DefinitionError([f"{source}: {where}not valid YAML: {exc.problem}"]) from exc
    except yaml.YAMLError as exc:
        raise DefinitionError([f"{source}: not valid YAML: {exc}"]) from exc
    except RecursionError:
        raise DefinitionError([f"{source}: lists or mappings nested too deeply to read"]) from None


# --- the validator ------------------------------------------------------------------------------


class Problems:
    """Collects faults as "source: place: field 'name': message" lines."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.lines: list[str] = []

    def add(self, where: str, fieldname: str | None, message: str) -> None:
        parts = [self.source]
        if where:
            parts.append(where)
        if fieldname is not None:
            parts.append(f"field '{fieldname}'")
        parts.append(message)
        self.lines.append(": ".join(parts))

    def raise_if_any(self) -> None:
        if self.lines:
            raise DefinitionError(self.lines)


def place(section: str, index: int, entry: object) -> str:
    """`items[3] (code 'q4')`, or `items[3]` when the entry has no usable code."""
    code = entry.get("code") if isinstance(entry, Mapping) else None
    return f"{section}[{index}] (code '{code}')" if isinstance(code, str) else f"{section}[{index}]"


def describe(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "nothing"
    if isinstance(value, str):
        return f"'{value}'"
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return repr(value)


def check_fields(
    data: Mapping[object, object], allowed: Sequence[str], where: str, problems: Problems
) -> None:
    for key in data:
        if key not in allowed:
            problems.add(where, str(key), f"unknown field (expected one of: {', '.join(allowed)})")


def text_field(
    data: Mapping[object, object],
    key: str,
    where: str,
    problems: Problems,
    *,
    required: bool = False,
) -> str | None:
    if key not in data or data[key] is None:
        if required:
            problems.add(where, key, "required")
        return None
    value = data[key]
    if isinstance(value, str) and value.strip():
        return value.strip()
    hint = (
        " (YAML reads yes, no, on and off as true or false: put the text in quotes)"
        if isinstance(value, bool)
        else ""
    )
    problems.add(where, key, f"must be non-empty text, got {describe(value)}{hint}")
    return None


def bool_field(
    data: Mapping[object, object], key: str, where: str, problems: Problems, default: bool
) -> bool:
    value = data.get(key, default)
    if isinstance(value, bool):
        return value
    problems.add(where, key, f"must be true or false, got {describe(value)}")
    return default


def number(value: object) -> float | None:
    """A finite int or float (never a bool), as a float; otherwise None."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(value) else None


def number_field(
    data: Mapping[object, object],
    key: str,
    where: str,
    problems: Problems,
    *,
    required: bool = False,
) -> float | None:
    if key not in data or data[key] is None:
        if required:
            problems.add(where, key, "required")
        return None
    value = number(data[key])
    if value is None:
        problems.add(where, key, f"must be a number, got {describe(data[key])}")
    return value


def name_field(
    data: Mapping[object, object],
    key: str,
    where: str,
    problems: Problems,
    *,
    required: bool = False,
    pattern: re.Pattern[str] = NAME,
) -> str | None:
    if key not in data or data[key] is None:
        if required:
            problems.add(where, key, "required")
        return None
    value = data[key]
    if isinstance(value, str) and pattern.match(value):
        return value
    shape = (
        "lower-case letters, digits and hyphens, starting with a letter (like 'qpr-15')"
        if pattern is INSTRUMENT_CODE
        else "lower-case letters, digits and underscores, starting with a letter (like 'q4')"
    )
    problems.add(where, key, f"must be {shape}, got {describe(value)}")
    return None


def enum_field(
    data: Mapping[object, object],
    key: str,
    where: str,
    problems: Problems,
    enum: type[EnumT],
    default: EnumT | None,
) -> EnumT | None:
    if key not in data:
        if default is None:
            problems.add(where, key, "required")
        return default
    value = data[key]
    if isinstance(value, str) and value in enum._value2member_map_:
        return enum(value)
    choices = ", ".join(str(member) for member in enum)
    problems.add(where, key, f"must be one of {choices}, got {describe(value)}")
    return None


def version_field(data: Mapping[object, object], where: str, problems: Problems) -> str | None:
    if "version" not in data or data["version"] is None:
        problems.add(where, "version", "required")
        return None
    value = data["version"]
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return str(value)
    if isinstance(value, float):
        problems.add(
            where,
            "version",
            f'must be quoted text like "1.0", got the number {value!r} '
            "(YAML reads 1.10 as 1.1, so an unquoted version can change)",
        )
        return None
    if isinstance(value, str) and VERSION.match(value):
        return value
    problems.add(where, "version", f"must look like 1, 1.2 or 1.2.3, got {describe(value)}")
    return None


def mapping_list(
    data: Mapping[object, object], key: str, where: str, problems: Problems, *, required: bool
) -> list[object]:
    if key not in data or data[key] is None:
        if required:
            problems.add(where, key, "required")
        return []
    value = data[key]
    if not isinstance(value, list):
        problems.add(where, key, f"must be a list, got {describe(value)}")
        return []
    if required and not value:
        problems.add(where, key, "must not be empty")
    return value


TOP_FIELDS = (
    "code",
    "title",
    "version",
    "description",
    "respondent",
    "licence",
    "citation",
    "provenance",
    "unverified",
    "instructions",
    "missing",
    "scales",
    "items",
    "scores",
)
LICENCE_FIELDS = ("ships_text", "note", "holder", "attribution", "url")
SCALE_FIELDS = ("code", "options", "combined")
COMBINED_FIELDS = ("label", "values")
OPTION_FIELDS = ("value", "label", "scored")
ITEM_FIELDS = ("code", "kind", "text", "scale", "reverse", "subscale", "tags")
MISSING_FIELDS = ("min_answered", "min_answered_fraction")
SCORE_FIELDS = (
    "code",
    "label",
    "method",
    "items",
    "subscale",
    "missing",
    "table",
    "table_file",
    "better",
    "bands",
    "change",
)
BAND_FIELDS = ("min", "label")
CHANGE_FIELDS = (
    "sd",
    "reliability",
    "reliability_kind",
    "source",
    "cutoff",
    "clinical",
    "general",
    "unverified",
)
NORM_FIELDS = ("mean", "sd")
TABLE_FILE_FIELDS = ("title", "table", "provenance", "unverified")

FileResolver = Callable[[str], object]


def parse_definition(
    data: object, *, source: str, resolve_file: FileResolver | None = None
) -> Instrument:
    """Validate parsed YAML and build the instrument, or raise DefinitionError with every fault.

    `resolve_file` reads a file named by `table_file` (relative to the definition); without it a
    definition must carry its tables inline.
    """
    return _Parser(source, resolve_file).parse(data)


def load_definition_file(path: str | Path) -> Instrument:
    """Read, validate and build one definition file; tables named in it are read beside it."""
    path = Path(path)
    folder = path.parent

    def resolve(name: str) -> object:
        return read_yaml(folder / name)

    return parse_definition(read_yaml(path), source=str(path), resolve_file=resolve)


class _Parser:
    def __init__(self, source: str, resolve_file: FileResolver | None) -> None:
        self.problems = Problems(source)
        self.resolve_file = resolve_file
        self.ships_text = True
        self.scales: dict[str, Scale] = {}
        self.declared_scales: set[str] = set()
        self.items: dict[str, Item] = {}
        self.declared_items: set[str] = set()

    def parse(self, data: object) -> Instrument:
        p = self.problems
        if not isinstance(data, Mapping):
            raise DefinitionError(
                [f"{p.source}: a definition must be a mapping of fields, got {describe(data)}"]
            )
        check_fields(data, TOP_FIELDS, "", p)
        code = name_field(data, "code", "", p, required=True, pattern=INSTRUMENT_CODE)
        title = text_field(data, "title", "", p, required=True)
        version = version_field(data, "", p)
        description = text_field(data, "description", "", p)
        citation = text_field(data, "citation", "", p)
        provenance = text_field(data, "provenance", "", p)
        respondent = self._respondent(data)
        unverified = self._unverified(data)
        licence = self._licence(data.get("licence"))
        self.ships_text = licence.ships_text
        instructions = text_field(data, "instructions", "", p)
        if instructions is not None and not self.ships_text:
            p.add("", "instructions", self._no_wording())
        scales = self._scales(data)
        items = self._items(data)
        choice_count = sum(1 for item in items if item.kind is ItemKind.CHOICE)
        missing = self._missing(data.get("missing"), "", "missing", choice_count or None)
        scores = self._scores(data, missing)
        p.raise_if_any()
        assert code is not None
        assert title is not None
        assert version is not None
        instrument = Instrument(
            code=code,
            title=title,
            version=version,
            scales=tuple(scales),
            items=tuple(items),
            scores=tuple(scores),
            licence=licence,
            missing=missing,
            description=description,
            respondent=respondent,
            instructions=instructions,
            citation=citation,
            provenance=provenance,
            unverified=unverified,
            source=p.source,
        )
        return replace(instrument, digest=definition_digest(instrument))

    @staticmethod
    def _no_wording() -> str:
        return "not allowed: licence.ships_text is false, so the wording comes from a text pack"

    def _respondent(self, data: Mapping[object, object]) -> str | None:
        value = data.get("respondent")
        if value is None:
            return None
        if value in RESPONDENTS:
            return str(value)
        self.problems.add(
            "", "respondent", f"must be one of {', '.join(RESPONDENTS)}, got {describe(value)}"
        )
        return None

    def _unverified(self, data: Mapping[object, object]) -> tuple[str, ...]:
        value = data.get("unverified")
        if value is None:
            return ()
        if isinstance(value, list) and all(isinstance(v, str) and v.strip() for v in value):
            return tuple(v.strip() for v in value)
        self.problems.add("", "unverified", "must be a list of notes (text)")
        return ()

    def _licence(self, value: object) -> Licence:
        p = self.problems
        if value is None:
            return Licence()
        if not isinstance(value, Mapping):
            p.add("", "licence", f"must be a mapping, got {describe(value)}")
            return Licence()
        check_fields(value, LICENCE_FIELDS, "licence", p)
        if "ships_text" not in value:
            p.add("licence", "ships_text", "required (true or false)")
        ships_text = bool_field(value, "ships_text", "licence", p, default=True)
        note = text_field(value, "note", "licence", p, required=not ships_text)
        return Licence(
            ships_text=ships_text,
            note=note or "",
            holder=text_field(value, "holder", "licence", p),
            attribution=text_field(value, "attribution", "licence", p),
            url=text_field(value, "url", "licence", p),
        )

    # scales ------------------------------------------------------------------------------------

    def _scales(self, data: Mapping[object, object]) -> list[Scale]:
        p = self.problems
        entries = mapping_list(data, "scales", "", p, required=False)
        for entry in entries:
            code = entry.get("code") if isinstance(entry, Mapping) else None
            if isinstance(code, str):
                self.declared_scales.add(code)
        scales: list[Scale] = []
        seen: set[str] = set()
        for index, entry in enumerate(entries):
            where = place("scales", index, entry)
            if not isinstance(entry, Mapping):
                p.add(where, None, f"must be a mapping, got {describe(entry)}")
                continue
            check_fields(entry, SCALE_FIELDS, where, p)
            code = name_field(entry, "code", where, p, required=True)
            if code is not None and code in seen:
                p.add(where, "code", f"duplicate scale code '{code}'")
                code = None
            elif code is not None:
                seen.add(code)
            options = self._options(entry, where)
            combined = self._combined(entry, where, options or ())
            if code is not None and options is not None and combined is not None:
                scale = Scale(code=code, options=options, combined=combined)
                self.scales[code] = scale
                scales.append(scale)
        return scales

    def _options(
        self, entry: Mapping[object, object], where: str
    ) -> tuple[ScaleOption, ...] | None:
        p = self.problems
        before = len(p.lines)
        raw = mapping_list(entry, "options", where, p, required=True)
        options: list[ScaleOption] = []
        seen: set[int] = set()
        for index, option in enumerate(raw):
            at = f"{where}: options[{index}]"
            if not isinstance(option, Mapping):
                p.add(at, None, f"must be a mapping with a value, got {describe(option)}")
                continue
            check_fields(option, OPTION_FIELDS, at, p)
            value = option.get("value")
            if isinstance(value, bool) or not isinstance(value, int):
                p.add(at, "value", f"must be a whole number, got {describe(value)}")
                continue
            if value in seen:
                p.add(at, "value", f"duplicate value {value}")
                continue
            seen.add(value)
            label = text_field(option, "label", at, p, required=self.ships_text)
            if "label" in option and not self.ships_text:
                p.add(at, "label", self._no_wording())
            scored = bool_field(option, "scored", at, p, default=True)
            options.append(ScaleOption(value=value, label=label, scored=scored))
        if raw and sum(o.scored for o in options) < 2:
            p.add(where, "options", "needs at least two scored options")
        return tuple(options) if len(p.lines) == before else None

    def _combined(
        self, entry: Mapping[object, object], where: str, options: tuple[ScaleOption, ...]
    ) -> tuple[CombinedOption, ...] | None:
        p = self.problems
        before = len(p.lines)
        on_scale = {o.value for o in options}
        combined: list[CombinedOption] = []
        for index, group in enumerate(mapping_list(entry, "combined", where, p, required=False)):
            at = f"{where}: combined[{index}]"
            if not isinstance(group, Mapping):
                p.add(at, None, f"must be a mapping with label and values, got {describe(group)}")
                continue
            check_fields(group, COMBINED_FIELDS, at, p)
            label = text_field(group, "label", at, p, required=True)
            values = group.get("values")
            if (
                not isinstance(values, list)
                or len(values) < 2
                or not all(isinstance(v, int) and not isinstance(v, bool) for v in values)
            ):
                p.add(at, "values", f"must list two or more scale values, got {describe(values)}")
                continue
            stray = sorted(set(values) - on_scale) if on_scale else []
            if stray:
                p.add(at, "values", f"{stray} are not values of this scale")
                continue
            if len(set(values)) != len(values):
                p.add(at, "values", "lists a value twice")
                continue
            if label is not None:
                combined.append(CombinedOption(label=label, values=tuple(values)))
        return tuple(combined) if len(p.lines) == before else None

    # items -------------------------------------------------------------------------------------

    def _items(self, data: Mapping[object, object]) -> list[Item]:
        p = self.problems
        entries = mapping_list(data, "items", "", p, required=True)
        items: list[Item] = []
        for index, entry in enumerate(entries):
            where = place("items", index, entry)
            if not isinstance(entry, Mapping):
                p.add(where, None, f"must be a mapping, got {describe(entry)}")
                continue
            check_fields(entry, ITEM_FIELDS, where, p)
            code = name_field(entry, "code", where, p, required=True)
            if code is not None:
                if code in self.declared_items:
                    p.add(where, "code", f"duplicate item code '{code}'")
                    code = None
                else:
                    self.declared_items.add(code)
            item = self._item(entry, where, code)
            if item is not None:
                self.items[item.code] = item
                items.append(item)
        return items

    def _item(self, entry: Mapping[object, object], where: str, code: str | None) -> Item | None:
        p = self.problems
        before = len(p.lines)
        kind = enum_field(entry, "kind", where, p, ItemKind, ItemKind.CHOICE)
        if self.ships_text:
            text = text_field(entry, "text", where, p, required=True)
        else:
            text = None
            if "text" in entry:
                p.add(where, "text", self._no_wording())
        reverse = bool_field(entry, "reverse", where, p, default=False)
        scale: str | None = None
        if kind is ItemKind.TEXT:
            if "scale" in entry:
                p.add(where, "scale", "not allowed: a text item takes a written answer")
            if reverse:
                p.add(where, "reverse", "not allowed: a text item is never scored")
        elif kind is ItemKind.CHOICE:
            scale = self._item_scale(entry, where, reverse)
        subscale = name_field(entry, "subscale", where, p)
        raw_tags = entry.get("tags", [])
        tags = (
            [t for t in raw_tags if isinstance(t, str) and t] if isinstance(raw_tags, list) else []
        )
        if not isinstance(raw_tags, list) or len(tags) != len(raw_tags):
            p.add(where, "tags", "must be a list of words")
        if code is None or kind is None or len(p.lines) != before:
            return None
        return Item(
            code=code,
            kind=kind,
            scale=scale,
            text=text,
            reverse=reverse,
            subscale=subscale,
            tags=tuple(tags),
        )

    def _item_scale(self, entry: Mapping[object, object], where: str, reverse: bool) -> str | None:
        p = self.problems
        scale = name_field(entry, "scale", where, p, required=True)
        if scale is None:
            return None
        if scale not in self.declared_scales:
            known = ", ".join(sorted(self.declared_scales)) or "none"
            p.add(where, "scale", f"unknown scale '{scale}' (known: {known})")
            return None
        if reverse and scale in self.scales:
            values = self.scales[scale].scored_values
            if {values[0] + values[-1] - v for v in values} != set(values):
                p.add(
                    where,
                    "reverse",
                    f"scale '{scale}' is not symmetric ({', '.join(map(str, values))}), "
                    "so its values cannot be reversed",
                )
        return scale

    # missing-data rules ------------------------------------------------------------------------

    def _missing(
        self, value: object, where: str, fieldname: str, item_count: int | None
    ) -> MissingRule:
        p = self.problems
        if value is None:
            return MissingRule()
        if not isinstance(value, Mapping):
            p.add(where, fieldname, f"must be a mapping, got {describe(value)}")
            return MissingRule()
        at = f"{where}: {fieldname}" if where else fieldname
        check_fields(value, MISSING_FIELDS, at, p)
        count = value.get("min_answered")
        if count is not None and (
            isinstance(count, bool) or not isinstance(count, int) or count < 1
        ):
            p.add(
                at, "min_answered", f"must be a whole number of at least 1, got {describe(count)}"
            )
            count = None
        elif isinstance(count, int) and item_count is not None and count > item_count:
            p.add(
                at,
                "min_answered",
                f"{count} is more than the {item_count} items, so no score could ever be given",
            )
            count = None
        fraction = number_field(value, "min_answered_fraction", at, p)
        if fraction is not None and not 0 < fraction <= 1:
            p.add(at, "min_answered_fraction", f"must be above 0 and at most 1, got {fraction:g}")
            fraction = None
        return MissingRule(min_answered=count, min_answered_fraction=fraction)

    # scores ------------------------------------------------------------------------------------

    def _scores(
        self, data: Mapping[object, object], default_missing: MissingRule
    ) -> list[ScoreRule]:
        p = self.problems
        entries = mapping_list(data, "scores", "", p, required=False)
        rules: list[ScoreRule] = []
        codes: set[str] = set()
        for index, entry in enumerate(entries):
            where = place("scores", index, entry)
            if not isinstance(entry, Mapping):
                p.add(where, None, f"must be a mapping, got {describe(entry)}")
                continue
            check_fields(entry, SCORE_FIELDS, where, p)
            code = name_field(entry, "code", where, p, required=True)
            if code is not None and code in codes:
                p.add(where, "code", f"duplicate score code '{code}'")
                code = None
            elif code is not None:
                codes.add(code)
            rule = self._score(entry, where, code, default_missing)
            if rule is not None:
                rules.append(rule)
        return rules

    def _score(
        self,
        entry: Mapping[object, object],
        where: str,
        code: str | None,
        default_missing: MissingRule,
    ) -> ScoreRule | None:
        p = self.problems
        before = len(p.lines)
        label = text_field(entry, "label", where, p)
        method = enum_field(entry, "method", where, p, ScoreMethod, None)
        better = enum_field(entry, "better", where, p, Better, Better.HIGHER) or Better.HIGHER
        selected, subscale = self._selection(entry, where)
        if "missing" in entry:
            missing = self._missing(entry["missing"], where, "missing", len(selected) or None)
        else:
            missing = default_missing
            if (
                missing.min_answered is not None
                and selected
                and missing.min_answered > len(selected)
            ):
                p.add(
                    where,
                    "missing",
                    f"the definition's min_answered {missing.min_answered} is more than this "
                    f"score's {len(selected)} items: give the score its own missing rule",
                )
        if method is not None and method is not ScoreMethod.LOOKUP:
            for key in ("table", "table_file"):
                if key in entry:
                    p.add(where, key, "only a lookup score has a conversion table")
        if method is None or not selected or len(p.lines) != before:
            self._skim_rest(entry, where)
            return None
        scales = [self.scales.get(self.items[c].scale or "") for c in selected]
        if any(s is None for s in scales):
            return None  # the item's broken scale is reported already
        rng = self._range(where, method, selected, [s for s in scales if s is not None], missing)
        if rng is None:
            self._skim_rest(entry, where)
            return None
        low, high = rng
        table: tuple[tuple[int, float], ...] = ()
        table_provenance: str | None = None
        if method is ScoreMethod.LOOKUP:
            found = self._table(entry, where, int(low), int(high))
            if found is None:
                self._skim_rest(entry, where)
                return None
            table, table_provenance = found
            low, high = table[0][1], table[-1][1]
        bands = self._bands(entry.get("bands"), where, low, high)
        change = self._change(entry.get("change"), where, low, high)
        if len(p.lines) != before:
            return None
        assert code is not None
        return ScoreRule(
            code=code,
            method=method,
            items=tuple(selected),
            low=low,
            high=high,
            label=label,
            subscale=subscale,
            missing=missing,
            table=table,
            table_provenance=table_provenance,
            better=better,
            bands=bands,
            change=change,
        )

    def _skim_rest(self, entry: Mapping[object, object], where: str) -> None:
        """Still report the shape of bands and norms when the range is unknown."""
        self._bands(entry.get("bands"), where, None, None)
        self._change(entry.get("change"), where, None, None)

    def _selection(
        self, entry: Mapping[object, object], where: str
    ) -> tuple[list[str], str | None]:
        p = self.problems
        choice_items = [i.code for i in self.items.values() if i.kind is ItemKind.CHOICE]
        if "items" in entry and "subscale" in entry:
            p.add(where, "items", "give either 'items' or 'subscale', not both")
            return [], None
        if "subscale" in entry:
            subscale = name_field(entry, "subscale", where, p, required=True)
            if subscale is None:
                return [], None
            known = sorted({i.subscale for i in self.items.values() if i.subscale})
            selected = [c for c in choice_items if self.items[c].subscale == subscale]
            if not selected:
                names = ", ".join(known) or "none"
                p.add(where, "subscale", f"unknown subscale '{subscale}' (known: {names})")
            return selected, subscale
        if "items" not in entry:
            if not choice_items and self.items:
                p.add(where, "items", "the definition has no choice items to score")
            return choice_items, None
        raw = entry["items"]
        if not isinstance(raw, list) or not raw:
            p.add(where, "items", f"must be a non-empty list of item codes, got {describe(raw)}")
            return [], None
        selected = []
        for code in raw:
            if not isinstance(code, str) or code not in self.declared_items:
                p.add(where, "items", f"unknown item {describe(code)}")
            elif code in selected:
                p.add(where, "items", f"item '{code}' is listed twice")
            elif code not in self.items:
                continue  # the item itself is broken and reported already
            elif self.items[code].kind is ItemKind.TEXT:
                p.add(where, "items", f"item '{code}' takes a written answer and cannot be scored")
            else:
                selected.append(code)
        return selected, None

    def _range(
        self,
        where: str,
        method: ScoreMethod,
        selected: list[str],
        scales: list[Scale],
        missing: MissingRule,
    ) -> tuple[float, float] | None:
        p = self.problems
        ranges = {(s.low, s.high) for s in scales}
        if method in (ScoreMethod.SUM, ScoreMethod.LOOKUP):
            for code, scale in zip(selected, scales, strict=True):
                if scale.has_unscored:
                    p.add(
                        where,
                        "method",
                        f"a {method} score cannot leave out unscored answers: item '{code}' "
                        f"uses scale '{scale.code}', which has unscored options "
                        "(use mean or mean_x25)",
                    )
                    return None
            if missing.allows_missing and len(ranges) > 1:
                p.add(
                    where,
                    "missing",
                    "prorating a sum needs items that share one answer range, "
                    f"but these have {self._ranges(ranges)}",
                )
                return None
            return float(sum(s.low for s in scales)), float(sum(s.high for s in scales))
        if len(ranges) > 1:
            p.add(
                where,
                "items",
                f"a {method} score needs items that share one answer range, "
                f"but these have {self._ranges(ranges)}",
            )
            return None
        ((low, high),) = ranges
        if method is ScoreMethod.MEAN_X25:
            if (low, high) != (0, 4):
                p.add(
                    where,
                    "method",
                    f"mean_x25 turns 0-4 answers into 0-100, but these items score {low}-{high}",
                )
                return None
            return 0.0, 100.0
        return float(low), float(high)

    @staticmethod
    def _ranges(ranges: set[tuple[int, int]]) -> str:
        return ", ".join(f"{low}-{high}" for low, high in sorted(ranges))

    def _table(
        self, entry: Mapping[object, object], where: str, low: int, high: int
    ) -> tuple[tuple[tuple[int, float], ...], str | None] | None:
        p = self.problems
        provenance: str | None = None
        if "table" in entry and "table_file" in entry:
            p.add(where, "table", "give either 'table' or 'table_file', not both")
            return None
        if "table_file" in entry:
            loaded = self._table_file(entry["table_file"], where)
            if loaded is None:
                return None
            raw, provenance = loaded
            fieldname, prefix = "table_file", f"{entry['table_file']}: table: "
        elif "table" in entry:
            raw, fieldname, prefix = entry["table"], "table", ""
        else:
            p.add(where, "table", "required for a lookup score (or give 'table_file')")
            return None
        if not isinstance(raw, Mapping) or not raw:
            p.add(
                where, fieldname, f"{prefix}must map each raw score to a value, got {describe(raw)}"
            )
            return None
        before = len(p.lines)
        table: dict[int, float] = {}
        for key, value in raw.items():
            converted = number(value)
            if isinstance(key, bool) or not isinstance(key, int):
                p.add(where, fieldname, f"{prefix}raw score {describe(key)} must be a whole number")
            elif converted is None:
                p.add(
                    where,
                    fieldname,
                    f"{prefix}raw score {key} must map to a number, got {describe(value)}",
                )
            else:
                table[key] = converted
        outside = sorted(k for k in table if not low <= k <= high)
        absent = [k for k in range(low, high + 1) if k not in table]
        if outside:
            p.add(
                where,
                fieldname,
                f"{prefix}raw scores {', '.join(map(str, outside))} are outside the possible "
                f"{low} to {high}",
            )
        if absent:
            p.add(
                where,
                fieldname,
                f"{prefix}raw scores {', '.join(map(str, absent))} have no entry "
                f"(the table must cover every raw score from {low} to {high})",
            )
        ordered = sorted(table.items())
        for (raw_a, value_a), (raw_b, value_b) in pairwise(ordered):
            if value_b < value_a:
                p.add(
                    where,
                    fieldname,
                    f"{prefix}must not decrease: raw {raw_a} gives {value_a:g} but raw {raw_b} "
                    f"gives {value_b:g}",
                )
        if len(p.lines) != before:
            return None
        return tuple(ordered), provenance

    def _table_file(self, value: object, where: str) -> tuple[object, str | None] | None:
        p = self.problems
        if not isinstance(value, str) or not value.strip():
            p.add(where, "table_file", f"must be a file name, got {describe(value)}")
            return None
        relative = PurePosixPath(value)
        if relative.is_absolute() or ".." in relative.parts:
            p.add(where, "table_file", f"'{value}' must be a path inside the definition's folder")
            return None
        if self.resolve_file is None:
            p.add(where, "table_file", "cannot read files here: give the table inline")
            return None
        try:
            data = self.resolve_file(value)
        except DefinitionError as exc:
            for problem in exc.problems:
                p.add(where, "table_file", problem)
            return None
        if not isinstance(data, Mapping):
            p.add(
                where,
                "table_file",
                f"{value}: must be a mapping with a table, got {describe(data)}",
            )
            return None
        at = f"{where}: table_file {value}"
        check_fields(data, TABLE_FILE_FIELDS, at, p)
        provenance = text_field(data, "provenance", at, p, required=True)
        text_field(data, "title", at, p)
        text_field(data, "unverified", at, p)
        if "table" not in data:
            p.add(at, "table", "required")
            return None
        return data["table"], provenance

    def _bands(
        self, value: object, where: str, low: float | None, high: float | None
    ) -> tuple[Band, ...]:
        p = self.problems
        if value is None:
            return ()
        if not isinstance(value, list) or not value:
            p.add(where, "bands", f"must be a non-empty list, got {describe(value)}")
            return ()
        bands: list[Band] = []
        for index, entry in enumerate(value):
            at = f"{where}: bands[{index}]"
            if not isinstance(entry, Mapping):
                p.add(at, None, f"must be a mapping with min and label, got {describe(entry)}")
                continue
            check_fields(entry, BAND_FIELDS, at, p)
            start = number_field(entry, "min", at, p, required=True)
            label = text_field(entry, "label", at, p, required=True)
            if start is None or label is None:
                continue
            if bands and start <= bands[-1].min:
                p.add(at, "min", f"must be above the previous band's {bands[-1].min:g}")
            elif not bands and low is not None and start != low:
                p.add(at, "min", f"the first band must start at the lowest score, {low:g}")
            elif high is not None and start > high:
                p.add(at, "min", f"{start:g} is above the highest score, {high:g}")
            bands.append(Band(min=start, label=label))
        return tuple(bands)

    def _norm(self, value: object, where: str, fieldname: str) -> Norm | None:
        p = self.problems
        if value is None:
            return None
        if not isinstance(value, Mapping):
            p.add(where, fieldname, f"must be a mapping with mean and sd, got {describe(value)}")
            return None
        at = f"{where}: {fieldname}"
        check_fields(value, NORM_FIELDS, at, p)
        mean = number_field(value, "mean", at, p, required=True)
        sd = number_field(value, "sd", at, p, required=True)
        if sd is not None and sd <= 0:
            p.add(at, "sd", f"must be above 0, got {sd:g}")
            return None
        return Norm(mean=mean, sd=sd) if mean is not None and sd is not None else None

    def _change(
        self, value: object, where: str, low: float | None, high: float | None
    ) -> ChangeNorms | None:
        p = self.problems
        if value is None:
            return None
        if not isinstance(value, Mapping):
            p.add(where, "change", f"must be a mapping, got {describe(value)}")
            return None
        at = f"{where}: change"
        before = len(p.lines)
        check_fields(value, CHANGE_FIELDS, at, p)
        sd = number_field(value, "sd", at, p, required=True)
        if sd is not None and sd <= 0:
            p.add(at, "sd", f"must be above 0, got {sd:g}")
        reliability = number_field(value, "reliability", at, p, required=True)
        if reliability is not None and not 0 < reliability < 1:
            p.add(at, "reliability", f"must be between 0 and 1 (exclusive), got {reliability:g}")
        kind = enum_field(value, "reliability_kind", at, p, ReliabilityKind, None)
        source = text_field(value, "source", at, p, required=True)
        cutoff = number_field(value, "cutoff", at, p)
        if (
            cutoff is not None
            and low is not None
            and high is not None
            and not low <= cutoff <= high
        ):
            p.add(at, "cutoff", f"{cutoff:g} is outside the score's range {low:g} to {high:g}")
        clinical = self._norm(value.get("clinical"), at, "clinical")
        general = self._norm(value.get("general"), at, "general")
        unverified = text_field(value, "unverified", at, p)
        if len(p.lines) != before:
            return None
        assert sd is not None
        assert reliability is not None
        assert kind is not None
        assert source is not None
        return ChangeNorms(
            sd=sd,
            reliability=reliability,
            reliability_kind=kind,
            source=source,
            cutoff=cutoff,
            clinical=clinical,
            general=general,
            unverified=unverified,
        )


# --- versions -----------------------------------------------------------------------------------


class Catalogue:
    """Every loaded version of every instrument, keyed by (code, version).

    Loading a definition whose code and version are known but whose content differs is refused:
    a changed definition is a new version, so administrations made under the old one keep
    scoring by it.
    """

    def __init__(self, instruments: Iterable[Instrument] = ()) -> None:
        self._by_key: dict[tuple[str, str], Instrument] = {}
        for instrument in instruments:
            self.add(instrument)

    def add(self, instrument: Instrument) -> None:
        known = self._by_key.get(instrument.key)
        if known is not None and known.digest == instrument.digest:
            return  # the same definition again: keep the first source
        if known is not None:
            raise DefinitionError(
                [
                    f"{instrument.source}: field 'version': {instrument.code} version "
                    f"{instrument.version} is already loaded from {known.source} with different "
                    "content; a changed definition needs a new version"
                ]
            )
        self._by_key[instrument.key] = instrument

    def get(self, code: str, version: str) -> Instrument:
        try:
            return self._by_key[(code, version)]
        except KeyError:
            raise KeyError(f"no instrument {code!r} version {version!r}") from None

    def versions(self, code: str) -> tuple[str, ...]:
        return tuple(sorted((v for c, v in self._by_key if c == code), key=version_key))

    def latest(self, code: str) -> Instrument:
        versions = self.versions(code)
        if not versions:
            raise KeyError(f"no instrument {code!r}")
        return self._by_key[(code, versions[-1])]

    def __iter__(self) -> Iterator[Instrument]:
        return iter(sorted(self._by_key.values(), key=lambda i: (i.code, version_key(i.version))))

    def __len__(self) -> int:
        return len(self._by_key)


def shipped_definition_paths() -> list[Path]:
    """The definitions that come with Alongside (conversion tables live in a subfolder)."""
    return sorted(SHIPPED_DIR.glob("*.yaml"))


def load_shipped_catalogue() -> Catalogue:
    return Catalogue(load_definition_file(path) for path in shipped_definition_paths())
