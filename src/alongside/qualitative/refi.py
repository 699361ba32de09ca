"""REFI-QDA exchange: write and read `.qdpx` projects and `.qdc` codebooks.

Writes what the REFI-QDA 1.0 schemas accept (checked against them, see schemas/): a ZIP with
``project.qde`` (UTF-8, no BOM) and each text as ``sources/<GUID>.txt``. Reads what other tools
write, tolerating their known quirks (docs/formats/qdpx.md lists them). Every problem with a
file is collected and raised together as one ``RefiError``; nothing is returned half-read.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from functools import cache
from importlib import resources
from pathlib import Path
from typing import BinaryIO

from lxml import etree

from alongside.qualitative.exchange import (
    Case,
    Code,
    ExchangeProject,
    Selection,
    TextSource,
    User,
    Variables,
    check_project,
    iter_code_tree,
    normalise_guid,
    stable_guid,
)

PROJECT_NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
PROJECT_SCHEMA_URL = "http://schema.qdasoftware.org/versions/Project/v1.0/Project.xsd"
CODEBOOK_SCHEMA_URL = "http://schema.qdasoftware.org/versions/Codebook/v1.0/Codebook.xsd"
ORIGIN = "Alongside"
# The selected text goes into PlainTextSelection@name as a checksum, capped at this length.
LABEL_LENGTH = 200
# How far an importer looks around a selection whose label does not match its text.
REPAIR_WINDOW = 64
# The standard's limit for one file inside the archive (2 GiB - 1).
MAX_INTERNAL_BYTES = 2_147_483_647
BOM = "\ufeff"
# Characters XML 1.0 cannot carry at all (not even escaped).
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


class RefiError(ValueError):
    """A file that cannot be exchanged, with every problem found in it."""

    def __init__(self, problems: Iterable[str]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(self.problems))


# What zipfile raises for a damaged archive: besides BadZipFile, a spoilt member's data gives
# zlib.error or EOFError, and a flipped header bit can mark a member encrypted (RuntimeError)
# or name an unknown compression method (NotImplementedError).
DAMAGED_ZIP = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    OSError,
    ValueError,
    RuntimeError,
    NotImplementedError,
)


def _damage_detail(error: BaseException) -> str:
    """What went wrong reading a damaged archive, in words (EOFError comes without any)."""
    return str(error) or "the file ends before its contents do"


@dataclass(frozen=True)
class QdpxImport:
    """What ``read_qdpx`` found: the project, and notes on what was repaired or skipped."""

    project: ExchangeProject
    notes: tuple[str, ...] = ()


# --- Schemas -------------------------------------------------------------------------------


@cache
def _schema(name: str) -> etree.XMLSchema:
    path = resources.files("alongside.qualitative") / "schemas" / name
    with resources.as_file(path) as file:
        return etree.XMLSchema(etree.parse(str(file)))


def project_schema() -> etree.XMLSchema:
    """The REFI-QDA Project schema 1.0."""
    return _schema("Project.xsd")


def codebook_schema() -> etree.XMLSchema:
    """The REFI-QDA Codebook schema 1.0."""
    return _schema("Codebook.xsd")


def schema_problems(xml: bytes, schema: etree.XMLSchema) -> list[str]:
    """Validation errors of an XML document against a schema, with line numbers."""
    document = etree.fromstring(xml, parser=etree.XMLParser(resolve_entities=False)).getroottree()
    if schema.validate(document):
        return []
    return [f"line {error.line}: {error.message}" for error in schema.error_log]


# --- Writing -------------------------------------------------------------------------------


def _timestamp(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _code_element(parent: etree._Element, tag: str, code: Code) -> None:
    attributes = {
        "guid": code.guid,
        "name": code.name,
        "isCodable": "true" if code.is_codable else "false",
    }
    if code.color:
        attributes["color"] = code.color
    element = etree.SubElement(parent, tag, attributes)
    if code.description:
        etree.SubElement(element, _tag_in(tag, "Description")).text = code.description
    for child in code.children:
        _code_element(element, tag, child)


def _tag_in(sibling: str, local: str) -> str:
    return sibling[: sibling.index("}") + 1] + local


def _variable_guid(name: str) -> str:
    return stable_guid("refi-variable", name)


def _coding_guid(selection: Selection, code_guid: str) -> str:
    return stable_guid("refi-coding", selection.guid, code_guid)


def _variable_values(parent: etree._Element, variables: Variables) -> None:
    p = f"{{{PROJECT_NS}}}"
    for name, value in variables:
        holder = etree.SubElement(parent, p + "VariableValue")
        etree.SubElement(holder, p + "VariableRef", targetGUID=_variable_guid(name))
        etree.SubElement(holder, p + "TextValue").text = value


def project_xml(project: ExchangeProject) -> bytes:
    """The ``project.qde`` document for a project (sources referenced as internal files)."""
    problems = check_project(project) + _xml_problems(project)
    if problems:
        raise RefiError(problems)
    p = f"{{{PROJECT_NS}}}"
    root = etree.Element(
        p + "Project",
        {
            "name": project.name,
            "origin": project.origin or ORIGIN,
            f"{{{XSI_NS}}}schemaLocation": f"{PROJECT_NS} {PROJECT_SCHEMA_URL}",
        },
        nsmap={None: PROJECT_NS, "xsi": XSI_NS},
    )
    if project.users:
        users = etree.SubElement(root, p + "Users")
        for user in project.users:
            etree.SubElement(users, p + "User", guid=user.guid, name=user.name)
    if project.codes:
        codes = etree.SubElement(etree.SubElement(root, p + "CodeBook"), p + "Codes")
        for code in project.codes:
            _code_element(codes, p + "Code", code)
    variable_names = list(
        dict.fromkeys(
            name
            for variables in [c.variables for c in project.cases]
            + [s.variables for s in project.sources]
            for name, _value in variables
        )
    )
    if variable_names:
        variables = etree.SubElement(root, p + "Variables")
        for name in variable_names:
            etree.SubElement(
                variables,
                p + "Variable",
                guid=_variable_guid(name),
                name=name,
                typeOfVariable="Text",
            )
    if project.cases:
        cases = etree.SubElement(root, p + "Cases")
        for case in project.cases:
            element = etree.SubElement(cases, p + "Case", guid=case.guid, name=case.name)
            if case.description:
                etree.SubElement(element, p + "Description").text = case.description
            _variable_values(element, case.variables)
            for guid in case.source_guids:
                etree.SubElement(element, p + "SourceRef", targetGUID=guid)
            for guid in case.selection_guids:
                etree.SubElement(element, p + "SelectionRef", targetGUID=guid)
    if project.sources:
        by_source: dict[str, list[Selection]] = {}
        for selection in project.selections:
            by_source.setdefault(selection.source_guid, []).append(selection)
        sources = etree.SubElement(root, p + "Sources")
        for source in project.sources:
            element = etree.SubElement(
                sources,
                p + "TextSource",
                guid=source.guid,
                name=source.name,
                plainTextPath=f"internal://{source.guid}.txt",
            )
            if source.description:
                etree.SubElement(element, p + "Description").text = source.description
            for selection in by_source.get(source.guid, []):
                _selection_element(element, selection, source.text)
            _variable_values(element, source.variables)
    if project.description:
        etree.SubElement(root, p + "Description").text = project.description
    return _document(root)


def _xml_problems(project: ExchangeProject) -> list[str]:
    """Names and notes holding characters XML cannot carry (source texts go in files)."""
    fields: list[tuple[str, str]] = [
        ("project name", project.name),
        ("project", project.description),
    ]
    fields += [(f"user {u.guid}", u.name) for u in project.users]
    for _ancestors, code in iter_code_tree(project.codes):
        fields += [(f"code {code.guid}", code.name), (f"code {code.guid}", code.description)]
    for case in project.cases:
        fields += [(f"case {case.guid}", case.name), (f"case {case.guid}", case.description)]
        fields += [(f"case {case.guid}", part) for pair in case.variables for part in pair]
    for source in project.sources:
        fields += [
            (f"source {source.guid}", source.name),
            (f"source {source.guid}", source.description),
        ]
        fields += [(f"source {source.guid}", part) for pair in source.variables for part in pair]
    fields += [(f"selection {s.guid}", s.memo) for s in project.selections]
    return [
        f"{what}: U+{ord(match.group()):04X} cannot be written in XML"
        for what, value in fields
        if (match := _NOT_XML.search(value))
    ]


def _selection_element(parent: etree._Element, selection: Selection, text: str) -> None:
    p = f"{{{PROJECT_NS}}}"
    attributes = {
        "guid": selection.guid,
        "name": _NOT_XML.split(text[selection.start : selection.end][:LABEL_LENGTH], 1)[0],
        "startPosition": str(selection.start),
        "endPosition": str(selection.end),
    }
    if selection.coder_guid:
        attributes["creatingUser"] = selection.coder_guid
    if selection.created:
        attributes["creationDateTime"] = _timestamp(selection.created)
    element = etree.SubElement(parent, p + "PlainTextSelection", attributes)
    if selection.memo:
        etree.SubElement(element, p + "Description").text = selection.memo
    for code_guid in selection.code_guids:
        coding = etree.SubElement(element, p + "Coding", guid=_coding_guid(selection, code_guid))
        if selection.coder_guid:
            coding.set("creatingUser", selection.coder_guid)
        if selection.created:
            coding.set("creationDateTime", _timestamp(selection.created))
        etree.SubElement(coding, p + "CodeRef", targetGUID=code_guid)


def _document(root: etree._Element) -> bytes:
    # Written by hand: the double-quoted declaration every importer expects, and no BOM.
    body: bytes = etree.tostring(root, encoding="utf-8", pretty_print=True)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + body


def _zip_entry(archive: zipfile.ZipFile, name: str, data: bytes) -> None:
    # A fixed date keeps exports of the same project byte-identical.
    info = zipfile.ZipInfo(name, date_time=(2019, 3, 18, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    archive.writestr(info, data)


def write_qdpx(project: ExchangeProject, target: BinaryIO) -> None:
    """Write the project as a `.qdpx` archive into a binary file object."""
    qde = project_xml(project)
    too_big = [
        source.name
        for source in project.sources
        if len(source.text.encode("utf-8")) > MAX_INTERNAL_BYTES
    ]
    if too_big:
        raise RefiError(f"source {name!r} is larger than 2 GiB" for name in too_big)
    with zipfile.ZipFile(target, "w") as archive:
        _zip_entry(archive, "project.qde", qde)
        for source in project.sources:
            _zip_entry(archive, f"sources/{source.guid}.txt", source.text.encode("utf-8"))


def qdpx_bytes(project: ExchangeProject) -> bytes:
    buffer = io.BytesIO()
    write_qdpx(project, buffer)
    return buffer.getvalue()


def codebook_xml(codes: tuple[Code, ...], *, origin: str = ORIGIN) -> bytes:
    """The codebook alone as a `.qdc` document."""
    problems = check_project(ExchangeProject(name="codebook", codes=codes))
    if problems:
        raise RefiError(problems)
    if not codes:
        raise RefiError(["a codebook needs at least one code"])
    c = f"{{{CODEBOOK_NS}}}"
    root = etree.Element(
        c + "CodeBook",
        {"origin": origin, f"{{{XSI_NS}}}schemaLocation": f"{CODEBOOK_NS} {CODEBOOK_SCHEMA_URL}"},
        nsmap={None: CODEBOOK_NS, "xsi": XSI_NS},
    )
    holder = etree.SubElement(root, c + "Codes")
    for code in codes:
        _code_element(holder, c + "Code", code)
    return _document(root)


# --- Reading -------------------------------------------------------------------------------


def _parse_xml(data: bytes, what: str) -> etree._Element:
    if data.startswith(BOM.encode("utf-8")):
        data = data[3:]
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        return etree.fromstring(data, parser=parser)
    except etree.XMLSyntaxError as error:
        line = error.lineno if error.lineno is not None else "?"
        raise RefiError([f"{what}: XML syntax error on line {line}: {error.msg}"]) from None


def _namespace(element: etree._Element) -> str:
    return etree.QName(element).namespace or ""


class _Reader:
    """One pass over a parsed project document, collecting problems instead of stopping."""

    def __init__(self, root: etree._Element, files: dict[str, bytes]) -> None:
        self.ns = _namespace(root)
        self.root = root
        self.files = files
        self.problems: list[str] = []
        self.notes: list[str] = []
        self.guids: dict[str, str] = {}
        self.coded_containers: set[str] = set()

    def q(self, local: str) -> str:
        return f"{{{self.ns}}}{local}" if self.ns else local

    def children(self, element: etree._Element, local: str) -> list[etree._Element]:
        found: list[etree._Element] = element.findall(self.q(local))
        return found

    def child_text(self, element: etree._Element, local: str) -> str:
        found = element.find(self.q(local))
        return found.text or "" if found is not None else ""

    def guid(self, element: etree._Element, attribute: str = "guid", *, what: str) -> str:
        raw = element.get(attribute)
        if raw is None:
            self.problems.append(f"{what} (line {element.sourceline}): no {attribute}")
            return ""
        try:
            return normalise_guid(raw)
        except ValueError:
            self.problems.append(f"{what} (line {element.sourceline}): {raw!r} is not a GUID")
            return ""

    def claim(self, element: etree._Element, what: str) -> str:
        guid = self.guid(element, what=what)
        if guid and guid in self.guids:
            self.problems.append(
                f"{what} (line {element.sourceline}): GUID {guid} is also used by "
                f"{self.guids[guid]}"
            )
        elif guid:
            self.guids[guid] = what
        return guid

    # The parts of a project, in document order.

    def users(self) -> list[User]:
        found = []
        for holder in self.children(self.root, "Users"):
            for element in self.children(holder, "User"):
                name = element.get("name") or element.get("id") or ""
                guid = self.claim(element, f"user {name!r}")
                found.append(User(guid=guid, name=name))
        return found

    def codes(self, parent: etree._Element) -> tuple[Code, ...]:
        found = []
        for element in self.children(parent, "Code"):
            name = element.get("name")
            if name is None:
                self.problems.append(f"code on line {element.sourceline}: no name")
                name = ""
            # Only an explicit "false" makes a pure grouping (MAXQDA and NVivo code parents).
            codable = (element.get("isCodable") or "true").strip().lower() not in ("false", "0")
            found.append(
                Code(
                    guid=self.claim(element, f"code {name!r}"),
                    name=name,
                    is_codable=codable,
                    description=self.child_text(element, "Description"),
                    color=element.get("color") or None,
                    children=self.codes(element),
                )
            )
        return tuple(found)

    def variable_names(self) -> dict[str, str]:
        names = {}
        for holder in self.children(self.root, "Variables"):
            for element in self.children(holder, "Variable"):
                guid = self.guid(element, what=f"variable {element.get('name')!r}")
                names[guid] = element.get("name") or ""
        return names

    def values(self, element: etree._Element, names: dict[str, str]) -> Variables:
        found = []
        for holder in self.children(element, "VariableValue"):
            ref = holder.find(self.q("VariableRef"))
            if ref is None:
                continue
            guid = self.guid(ref, "targetGUID", what="variable value")
            if guid not in names:
                self.problems.append(
                    f"variable value on line {holder.sourceline}: unknown variable {guid}"
                )
                continue
            # Whichever of TextValue, IntegerValue, DateValue... is there, read as text.
            value = next(
                (
                    child.text or ""
                    for child in holder
                    if isinstance(child.tag, str) and etree.QName(child).localname.endswith("Value")
                ),
                "",
            )
            found.append((names[guid], value))
        return tuple(found)

    def refs(self, element: etree._Element, local: str) -> tuple[str, ...]:
        return tuple(
            guid
            for ref in self.children(element, local)
            if (guid := self.guid(ref, "targetGUID", what=local))
        )

    def text_of(self, element: etree._Element, name: str) -> str | None:
        inline = element.find(self.q("PlainTextContent"))
        if inline is not None:
            return inline.text or ""
        path = element.get("plainTextPath")
        if not path:
            self.problems.append(
                f"source {name!r} (line {element.sourceline}): no plain text "
                "(neither plainTextPath nor PlainTextContent)"
            )
            return None
        data = self.find_file(path)
        if data is None:
            self.problems.append(f"source {name!r}: {path} is not in the archive")
            return None
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as error:
            self.problems.append(f"source {name!r}: {path} is not UTF-8 text (byte {error.start})")
            return None
        if text.startswith(BOM):
            self.notes.append(f"source {name!r}: removed a byte order mark before the text")
            text = text[1:]
        return text

    def find_file(self, path: str) -> bytes | None:
        scheme, _, rest = path.partition("://")
        if not _:
            scheme, rest = "relative", path
        rest = rest.replace("\\", "/")
        candidates = []
        if scheme == "internal":
            candidates = [f"sources/{rest}", f"Sources/{rest}", rest]
        elif scheme == "relative":
            base = (self.root.get("basePath") or "").replace("\\", "/")
            candidates = [posixpath.normpath(posixpath.join(base, rest)), rest]
        lowered = {name.lower(): name for name in self.files}
        for candidate in candidates:
            hit = self.files.get(candidate) or self.files.get(lowered.get(candidate.lower(), ""))
            if hit is not None:
                return hit
        # Media and texts referenced outside the archive: take a file of that name inside it.
        basename = posixpath.basename(rest).lower()
        matches = [name for name in self.files if posixpath.basename(name).lower() == basename]
        if len(matches) == 1:
            self.notes.append(f"{path}: read {matches[0]} from the archive instead")
            return self.files[matches[0]]
        return None


def _repair_offsets(
    text: str, start: int, end: int, label: str | None, crlf_as_one: bool
) -> tuple[int, int, str | None]:
    """Offsets that cover the selection's label (its text, by convention), and why they moved.

    Tools disagree on line ends: ATLAS.ti counts CRLF as one character. The label decides when
    there is one; without one, the exporter's origin does.
    """
    as_written: tuple[int, int, str | None] = (start, end, None)
    collapsed: tuple[int, int, str | None] = (
        _lf_offset_to_crlf(text, start),
        _lf_offset_to_crlf(text, end),
        "line ends counted as one character",
    )
    if "\r\n" not in text or collapsed[:2] == as_written[:2]:
        candidates = [as_written]
    else:
        candidates = [collapsed, as_written] if crlf_as_one else [as_written, collapsed]
    if not label:
        return candidates[0]
    for candidate in candidates:
        if text[candidate[0] : candidate[1]][: len(label)] == label:
            return candidate
    length = end - start
    low = max(0, start - REPAIR_WINDOW)
    found = text.find(label, low, min(len(text), end + REPAIR_WINDOW + len(label)))
    if found != -1:
        return found, found + length, f"moved by {found - start} character(s) to match its label"
    return start, end, "its label does not match the text at its offsets; kept as written"


def _lf_offset_to_crlf(text: str, offset: int) -> int:
    """Map an offset that counted CRLF as one character to one that counts it as two."""
    seen = position = 0
    while position < len(text) and seen < offset:
        position += 2 if text.startswith("\r\n", position) else 1
        seen += 1
    return position


def _read_project(root: etree._Element, files: dict[str, bytes]) -> QdpxImport:
    reader = _Reader(root, files)
    if etree.QName(root).localname != "Project" or not (
        reader.ns == "" or reader.ns.lower().startswith("urn:qda-xml:project:")
    ):
        raise RefiError([f"not a REFI-QDA project: the root element is {root.tag}"])
    if reader.ns and reader.ns != PROJECT_NS:
        reader.notes.append(f"read namespace {reader.ns} as {PROJECT_NS}")
    origin = root.get("origin") or ""
    crlf_as_one = origin.lower().startswith("atlas.ti")

    users = reader.users()
    codes: tuple[Code, ...] = ()
    for book in reader.children(root, "CodeBook"):
        for holder in reader.children(book, "Codes"):
            codes += reader.codes(holder)
    names = reader.variable_names()

    raw_cases = []
    for holder in reader.children(root, "Cases"):
        for element in reader.children(holder, "Case"):
            raw_cases.append(element)

    sources: list[TextSource] = []
    selections: list[Selection] = []
    source_elements = []
    for holder in reader.children(root, "Sources"):
        for element in holder:
            if not isinstance(element.tag, str):
                continue
            kind = etree.QName(element).localname
            if kind == "TextSource":
                source_elements.append((element, element))
            elif kind == "PDFSource" and element.find(reader.q("Representation")) is not None:
                source_elements.append((element, element.find(reader.q("Representation"))))
                reader.notes.append(
                    f"PDF source {element.get('name')!r}: imported its plain-text "
                    "representation; PDF areas were skipped"
                )
            else:
                reader.notes.append(f"{kind} {element.get('name')!r}: not a text, skipped")

    code_index = {code.guid for _ancestors, code in iter_code_tree(codes)}
    codable = {code.guid for _ancestors, code in iter_code_tree(codes) if code.is_codable}
    known_users = {user.guid for user in users}
    for outer, element in source_elements:
        name = outer.get("name") or ""
        guid = reader.claim(outer, f"source {name!r}")
        text = reader.text_of(element, name)
        if text is None:
            continue
        sources.append(
            TextSource(
                guid=guid,
                name=name,
                text=text,
                description=reader.child_text(outer, "Description"),
                variables=reader.values(outer, names),
            )
        )
        for item in reader.children(element, "PlainTextSelection"):
            selections.extend(
                _read_selection(
                    reader, item, guid, name, text, crlf_as_one, code_index, codable, known_users
                )
            )
        if reader.children(element, "Coding"):
            reader.notes.append(f"source {name!r}: codings of the whole document were skipped")

    missing_users = sorted(
        {s.coder_guid for s in selections if s.coder_guid and s.coder_guid not in known_users}
    )
    for guid in missing_users:
        users.append(User(guid=guid, name=f"Unknown coder {guid[:8]}"))
        reader.notes.append(f"coder {guid} is not among the users; added as an unknown coder")

    cases: list[Case] = []
    variables_of_source: dict[str, Variables] = {}
    for element in raw_cases:
        name = element.get("name") or ""
        source_refs = reader.refs(element, "SourceRef")
        values = reader.values(element, names)
        guid = reader.claim(element, f"case {name!r}")
        if (
            not name
            and values
            and len(source_refs) == 1
            and not reader.children(element, "SelectionRef")
            and not origin.startswith(ORIGIN)
        ):
            # MAXQDA and Quirkos keep document variables in unnamed one-document cases.
            variables_of_source[source_refs[0]] = values
            continue
        cases.append(
            Case(
                guid=guid,
                name=name,
                variables=values,
                source_guids=source_refs,
                selection_guids=reader.refs(element, "SelectionRef"),
                description=reader.child_text(element, "Description"),
            )
        )
    if variables_of_source:
        sources = [
            replace(s, variables=s.variables + variables_of_source.get(s.guid, ())) for s in sources
        ]
    if reader.coded_containers:
        codes = _make_codable(codes, reader.coded_containers)
        reader.notes.append(
            f"{len(reader.coded_containers)} code(s) marked not codable carry codings; "
            "imported as codable"
        )
    project = ExchangeProject(
        name=root.get("name") or "",
        users=tuple(users),
        codes=codes,
        cases=tuple(cases),
        sources=tuple(sources),
        selections=tuple(selections),
        description=reader.child_text(root, "Description"),
        origin=origin,
    )
    if not reader.problems:
        reader.problems.extend(
            problem for problem in check_project(project) if "unknown code" not in problem
        )
    if reader.problems:
        raise RefiError(reader.problems)
    return QdpxImport(project=project, notes=tuple(reader.notes))


def _make_codable(codes: tuple[Code, ...], guids: set[str]) -> tuple[Code, ...]:
    return tuple(
        replace(
            code,
            is_codable=code.is_codable or code.guid in guids,
            children=_make_codable(code.children, guids),
        )
        for code in codes
    )


def _read_selection(
    reader: _Reader,
    element: etree._Element,
    source_guid: str,
    source_name: str,
    text: str,
    crlf_as_one: bool,
    code_index: set[str],
    codable: set[str],
    known_users: set[str],
) -> list[Selection]:
    line = element.sourceline
    what = f"selection on line {line} of source {source_name!r}"
    guid = reader.claim(element, what)
    try:
        start = int(element.get("startPosition", ""))
        end = int(element.get("endPosition", ""))
    except ValueError:
        reader.problems.append(f"{what}: startPosition and endPosition must be whole numbers")
        return []
    start, end, repair = _repair_offsets(text, start, end, element.get("name"), crlf_as_one)
    if repair:
        reader.notes.append(f"{what}: {repair}")
    if not 0 <= start <= end <= len(text):
        reader.problems.append(
            f"{what}: characters {start}-{end} lie outside the {len(text)} characters of the text"
        )
        return []
    creator = element.get("creatingUser")
    default_coder = reader.guid(element, "creatingUser", what=what) if creator else None
    created = _parse_time(element.get("creationDateTime"))
    by_coder: dict[str | None, list[str]] = {}
    for coding in reader.children(element, "Coding"):
        ref = coding.find(reader.q("CodeRef"))
        if ref is None:
            reader.problems.append(f"coding on line {coding.sourceline}: no CodeRef")
            continue
        code_guid = reader.guid(ref, "targetGUID", what=f"coding on line {coding.sourceline}")
        if code_guid not in code_index:
            reader.problems.append(
                f"coding on line {coding.sourceline}: unknown code {ref.get('targetGUID')}"
            )
            continue
        if code_guid not in codable:
            reader.coded_containers.add(code_guid)
        coder = (
            reader.guid(coding, "creatingUser", what=f"coding on line {coding.sourceline}")
            if coding.get("creatingUser")
            else default_coder
        )
        codes_of_coder = by_coder.setdefault(coder, [])
        if code_guid not in codes_of_coder:
            codes_of_coder.append(code_guid)
    memo = reader.child_text(element, "Description")
    if not by_coder:
        return [
            Selection(guid, source_guid, start, end, default_coder, (), memo, created),
        ]
    found = []
    # Several coders on one span become one selection each; the first keeps the GUID.
    for index, (coder, code_guids) in enumerate(by_coder.items()):
        found.append(
            Selection(
                guid=guid if index == 0 else stable_guid("refi-split", guid, coder),
                source_guid=source_guid,
                start=start,
                end=end,
                coder_guid=coder,
                code_guids=tuple(code_guids),
                memo=memo,
                created=created,
            )
        )
    return found


def _parse_time(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def read_qdpx(source: bytes | BinaryIO | Path) -> QdpxImport:
    """Read a `.qdpx` archive; raises RefiError listing every problem found."""
    if isinstance(source, Path):
        source = source.read_bytes()
    stream = io.BytesIO(source) if isinstance(source, bytes) else source
    try:
        archive = zipfile.ZipFile(stream)
    except zipfile.BadZipFile:
        raise RefiError(["not a .qdpx file: it is not a ZIP archive"]) from None
    except DAMAGED_ZIP as error:
        raise RefiError([f"the file is damaged or not a .qdpx: {_damage_detail(error)}"]) from None
    with archive:
        names = [info.filename for info in archive.infolist() if not info.is_dir()]
        project_files = [name for name in names if "/" not in name and name.endswith(".qde")]
        if not project_files:
            raise RefiError(["not a .qdpx file: no project (.qde) file at the root of the archive"])
        if len(project_files) > 1 and "project.qde" not in project_files:
            raise RefiError([f"several project files in the archive: {', '.join(project_files)}"])
        main = "project.qde" if "project.qde" in project_files else project_files[0]
        try:
            files = {name: archive.read(name) for name in names}
        except DAMAGED_ZIP as error:
            raise RefiError(
                [f"the file is damaged or not a .qdpx: {_damage_detail(error)}"]
            ) from None
    root = _parse_xml(files.pop(main), main)
    return _read_project(root, files)


def read_qde(data: bytes) -> QdpxImport:
    """Read a bare project document whose texts are inline (PlainTextContent)."""
    return _read_project(_parse_xml(data, "project"), {})


def read_qdc(data: bytes) -> tuple[Code, ...]:
    """Read a `.qdc` codebook (any codebook namespace version)."""
    root = _parse_xml(data, "codebook")
    namespace = _namespace(root)
    if etree.QName(root).localname != "CodeBook" or not (
        namespace == "" or namespace.lower().startswith("urn:qda-xml:codebook:")
    ):
        raise RefiError([f"not a REFI-QDA codebook: the root element is {root.tag}"])
    reader = _Reader(root, {})
    codes: tuple[Code, ...] = ()
    for holder in reader.children(root, "Codes"):
        codes += reader.codes(holder)
    if reader.problems:
        raise RefiError(reader.problems)
    return codes


_SAFE_NAME = re.compile(r"[^\w.-]+")


def export_filename(project_name: str, suffix: str) -> str:
    """A safe download name such as ``Peer-support-study.qdpx``."""
    stem = _SAFE_NAME.sub("-", project_name).strip("-.") or "project"
    return f"{stem[:80]}{suffix}"
