"""The manifest of an example study folder (`example.yaml`): which files to load, in order.

docs/formats/example.md describes it. Paths are relative to the manifest; every problem is
reported at once, and nothing is loaded unless the manifest is sound.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml

FIELDS = frozenset({"study", "instruments", "participants", "responses"})
RESPONSE_FIELDS = frozenset({"file", "cohort", "instrument"})


class ExampleError(ValueError):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class ResponseFile:
    file: Path
    cohort: str
    instrument: str


@dataclass(frozen=True)
class ExampleManifest:
    study: Path
    instruments: list[str]
    participants: list[Path]
    responses: list[ResponseFile]


def load_example_manifest(path: Path) -> ExampleManifest:
    where = str(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise ExampleError([f"{where}: cannot read the file: {error.strerror}"]) from error
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        raise ExampleError([f"{where}: not a readable YAML file: {error}"]) from error
    except RecursionError:
        raise ExampleError([f"{where}: lists or mappings nested too deeply to read"]) from None
    if not isinstance(data, Mapping):
        raise ExampleError([f"{where}: must be a mapping with study, participants, responses"])
    problems = [f"{where}: unknown field {key!r}" for key in data if key not in FIELDS]
    folder = path.parent

    def existing(value: object, field: str) -> Path | None:
        if not isinstance(value, str) or not value:
            problems.append(f"{where}: {field}: must be a file name, got {value!r}")
            return None
        found = folder / value
        try:
            present = found.is_file()
        except OSError as error:  # a name too long for the file system, a folder not allowed
            shown = value if len(value) <= 80 else value[:80] + "..."
            problems.append(f"{where}: {field}: cannot open {shown!r}: {error.strerror}")
            return None
        if not present:
            problems.append(f"{where}: {field}: no file {found}")
            return None
        return found

    def listed(field: str) -> list[object]:
        value = data.get(field) or []
        if not isinstance(value, list):
            problems.append(f"{where}: {field}: must be a list")
            return []
        return value

    study = existing(data.get("study"), "study")
    instruments = [existing(v, "instruments") for v in listed("instruments")]
    participants = [existing(v, "participants") for v in listed("participants")]
    responses = []
    for number, entry in enumerate(listed("responses"), start=1):
        field = f"responses[{number}]"
        if not isinstance(entry, Mapping) or set(entry) != RESPONSE_FIELDS:
            problems.append(f"{where}: {field}: must have exactly file, cohort and instrument")
            continue
        file = existing(entry["file"], field)
        if file is not None:
            responses.append(ResponseFile(file, str(entry["cohort"]), str(entry["instrument"])))
    if problems:
        raise ExampleError(problems)
    assert study is not None
    return ExampleManifest(
        study=study,
        instruments=[str(p) for p in instruments if p is not None],
        participants=[p for p in participants if p is not None],
        responses=responses,
    )
