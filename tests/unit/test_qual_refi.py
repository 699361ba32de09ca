"""REFI-QDA export and import (qualitative/refi.py): schema validity, round trips, quirks."""

import io
import uuid
import zipfile
from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from alongside.qualitative import refi
from alongside.qualitative.exchange import (
    Case,
    Code,
    ExchangeProject,
    Selection,
    TextSource,
    User,
    check_project,
    stable_guid,
)

TEXT = (
    "Interviewer: How did the peer worker help?\r\n"
    "Service user: She'd been through it herself 🙂 — at the café in Łódź.\r\n"
    "Interviewer: And after that?\n"
    "Service user: I started going to the walking group.\n"
)


def g(*parts: object) -> str:
    return stable_guid("test", *parts)


def sample_project() -> ExchangeProject:
    codes = (
        Code(
            g("theme"),
            "Recovery Role Model",
            is_codable=False,
            description="Peers as living proof that recovery happens.",
            color="#3366AA",
            children=(
                Code(
                    g("sub"),
                    "Lived experience",
                    is_codable=False,
                    children=(Code(g("hope"), "Hope", description="Seeing someone recover."),),
                ),
            ),
        ),
        Code(g("connect"), "Making Connections"),
    )
    users = (User(g("ana"), "Ana Coder"), User(g("ben"), "Ben Coder"))
    source = TextSource(g("src"), "Interview 1 (Łódź)", TEXT, description="First interview")
    start = TEXT.index("She'd")
    end = TEXT.index("Łódź") + len("Łódź")
    walk = TEXT.index("I started")
    selections = (
        Selection(
            g("s1"),
            source.guid,
            start,
            end,
            users[0].guid,
            (g("hope"),),
            memo="Key quote",
            created=datetime(2026, 3, 1, 9, 30, tzinfo=UTC),
        ),
        Selection(g("s2"), source.guid, start, end, users[1].guid, (g("hope"), g("connect"))),
        Selection(g("s3"), source.guid, walk, len(TEXT) - 1, users[0].guid, (g("connect"),)),
        Selection(g("turn"), source.guid, TEXT.index("Service user"), end),
    )
    cases = (
        Case(
            g("p01"),
            "P01",
            (("role", "Service user"), ("site", "North"), ("cohort", "2025")),
            source_guids=(source.guid,),
            selection_guids=(g("turn"),),
        ),
    )
    return ExchangeProject(
        "Peer support study", users, codes, cases, (source,), selections, "Project memo"
    )


def archive(files: dict[str, bytes | str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zipped:
        for name, data in files.items():
            zipped.writestr(name, data.encode("utf-8") if isinstance(data, str) else data)
    return buffer.getvalue()


def members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as zipped:
        return {name: zipped.read(name) for name in zipped.namelist()}


# --- Export ------------------------------------------------------------------------------------


def test_export_validates_against_the_project_schema():
    files = members(refi.qdpx_bytes(sample_project()))
    assert refi.schema_problems(files["project.qde"], refi.project_schema()) == []


def test_export_layout_is_project_qde_and_lowercase_sources_without_bom():
    project = sample_project()
    files = members(refi.qdpx_bytes(project))
    assert sorted(files) == ["project.qde", f"sources/{g('src')}.txt"]
    assert files["project.qde"].startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    assert files[f"sources/{g('src')}.txt"] == TEXT.encode("utf-8")  # no BOM, CRLF kept


def test_export_marks_themes_not_codable_and_records_each_coder():
    root = etree.fromstring(members(refi.qdpx_bytes(sample_project()))["project.qde"])
    ns = {"q": refi.PROJECT_NS}
    codable = {c.get("name"): c.get("isCodable") for c in root.iterfind(".//q:Code", ns)}
    assert codable == {
        "Recovery Role Model": "false",
        "Lived experience": "false",
        "Hope": "true",
        "Making Connections": "true",
    }
    coders = [c.get("creatingUser") for c in root.iterfind(".//q:Coding", ns)]
    assert coders == [g("ana"), g("ben"), g("ben"), g("ana")]
    values = [v.text for v in root.iterfind(".//q:Case/q:VariableValue/q:TextValue", ns)]
    assert values == ["Service user", "North", "2025"]


def test_selection_label_is_the_selected_text_in_code_points():
    root = etree.fromstring(members(refi.qdpx_bytes(sample_project()))["project.qde"])
    first = root.find(".//{urn:QDA-XML:project:1.0}PlainTextSelection")
    start, end = int(first.get("startPosition")), int(first.get("endPosition"))
    assert first.get("name") == TEXT[start:end]
    assert first.get("name").startswith("She'd")
    assert first.get("name").endswith("Łódź")


def test_export_is_byte_identical_for_the_same_project():
    assert refi.qdpx_bytes(sample_project()) == refi.qdpx_bytes(sample_project())


def test_codebook_validates_and_round_trips():
    codes = sample_project().codes
    document = refi.codebook_xml(codes)
    assert refi.schema_problems(document, refi.codebook_schema()) == []
    assert refi.read_qdc(document) == codes


def test_schema_rejects_what_the_standard_forbids():
    # The schema itself is live: a bad GUID and a missing isCodable are caught.
    bad = (
        b'<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>'
        b'<Code guid="not-a-guid" name="x"/></Codes></CodeBook>'
    )
    problems = refi.schema_problems(bad, refi.codebook_schema())
    assert any("guid" in p for p in problems)
    assert any("isCodable" in p for p in problems)


def test_export_refuses_an_unsound_project():
    project = sample_project()
    broken = ExchangeProject(
        project.name,
        project.users,
        project.codes,
        project.cases,
        project.sources,
        (*project.selections, Selection(g("bad"), g("src"), 5, len(TEXT) + 3, None, (g("x"),))),
    )
    with pytest.raises(refi.RefiError) as caught:
        refi.qdpx_bytes(broken)
    assert any("outside" in p for p in caught.value.problems)
    assert any("unknown code" in p for p in caught.value.problems)


def test_export_refuses_a_coding_on_a_theme_and_characters_xml_cannot_hold():
    project = sample_project()
    bad = ExchangeProject(
        "bell\x07",
        project.users,
        project.codes,
        sources=project.sources,
        selections=(Selection(g("t"), g("src"), 0, 3, g("ana"), (g("theme"),)),),
    )
    with pytest.raises(refi.RefiError) as caught:
        refi.qdpx_bytes(bad)
    assert caught.value.problems == [
        f"selection {g('t')}: code {g('theme')} is a theme container, not codable",
        "project name: U+0007 cannot be written in XML",
    ]


# --- Round trip --------------------------------------------------------------------------------


def test_round_trip_is_lossless():
    project = sample_project()
    imported = refi.read_qdpx(refi.qdpx_bytes(project))
    assert imported.project == project
    assert imported.notes == ()


XML_TEXT = st.text(
    alphabet=st.characters(
        blacklist_categories=("Cs",),
        blacklist_characters="\ufeff\ufffe\uffff",
        min_codepoint=0x09,
    ).filter(lambda ch: ch in "\t\n\r" or ord(ch) >= 0x20),
    max_size=12,
)
# Source texts: any code point a file can hold, with CRLF, emoji and accents made likely.
SOURCE_TEXT = st.lists(
    st.one_of(
        st.sampled_from(["\r\n", "\n", "🙂", "👩🏽‍⚕️", "é", "Łódź", " ", "—"]),
        st.text(
            alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\ufeff"),
            max_size=8,
        ),
    ),
    min_size=1,
    max_size=30,
).map("".join)


@st.composite
def projects(draw: st.DrawFn) -> ExchangeProject:
    base = draw(st.integers(0, 2**127))
    counter = iter(range(1000))

    def guid() -> str:
        return str(uuid.UUID(int=base + next(counter)))

    users = tuple(User(guid(), draw(XML_TEXT)) for _ in range(draw(st.integers(1, 3))))
    leaves = tuple(
        Code(guid(), draw(XML_TEXT), True, draw(XML_TEXT)) for _ in range(draw(st.integers(1, 4)))
    )
    codes = (Code(guid(), draw(XML_TEXT), False, draw(XML_TEXT), children=leaves[:2]), *leaves[2:])
    sources = tuple(
        TextSource(guid(), draw(XML_TEXT), draw(SOURCE_TEXT), draw(XML_TEXT))
        for _ in range(draw(st.integers(1, 3)))
    )
    selections = []
    for _ in range(draw(st.integers(0, 6))):
        source = draw(st.sampled_from(sources))
        start = draw(st.integers(0, len(source.text)))
        end = draw(st.integers(start, len(source.text)))
        chosen = draw(st.lists(st.sampled_from(leaves), max_size=3, unique_by=lambda c: c.guid))
        coded = bool(chosen) or draw(st.booleans())
        selections.append(
            Selection(
                guid(),
                source.guid,
                start,
                end,
                draw(st.sampled_from(users)).guid if coded else None,
                tuple(c.guid for c in chosen),
                draw(XML_TEXT),
                draw(
                    st.none()
                    | st.datetimes(
                        min_value=datetime(2000, 1, 1), max_value=datetime(2090, 1, 1)
                    ).map(lambda d: d.replace(microsecond=0, tzinfo=UTC))
                ),
            )
        )
    # A .qde lists selections inside their source: the order a round trip keeps.
    order = {source.guid: index for index, source in enumerate(sources)}
    selections.sort(key=lambda selection: order[selection.source_guid])
    # Distinct variable names per holder: they are attribute definitions.
    variable_names = draw(st.lists(XML_TEXT, unique=True, max_size=3))
    cases = tuple(
        Case(
            guid(),
            draw(XML_TEXT),
            tuple((name, draw(XML_TEXT)) for name in variable_names),
            source_guids=tuple(s.guid for s in sources[:1]),
            selection_guids=tuple(s.guid for s in selections[:1]),
        )
        for _ in range(draw(st.integers(0, 2)))
    )
    return ExchangeProject(
        draw(XML_TEXT), users, codes, cases, sources, tuple(selections), draw(XML_TEXT)
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(projects())
def test_round_trip_property_offsets_and_everything_survive(project):
    assert check_project(project) == []
    data = refi.qdpx_bytes(project)
    assert refi.schema_problems(members(data)["project.qde"], refi.project_schema()) == []
    imported = refi.read_qdpx(data).project
    assert imported == project
    texts = {s.guid: s.text for s in project.sources}
    for before, after in zip(project.selections, imported.selections, strict=True):
        assert (
            texts[after.source_guid][after.start : after.end]
            == (texts[before.source_guid][before.start : before.end])
        )


# --- Import quirks -----------------------------------------------------------------------------

QDE_HEAD = '<?xml version="1.0" encoding="utf-8"?>\n'
SRC = "0D62985D-B147-5D01-A9B5-CAE5DCD98342"
CODE = "{1FF58B12-6F6F-4B0C-8BE5-BBDC91F55294}"
USER = "AB3F3B6C-56B6-4E2B-9E0F-9C1E2F3A4B5C"


def qde(body: str, ns: str = "urn:QDA-XML:project:1.0", attrs: str = "") -> str:
    return (
        f'{QDE_HEAD}<Project xmlns="{ns}" name="Imported" {attrs}>'
        f'<Users><User guid="{USER}" name="Maria"/></Users>'
        f'<CodeBook><Codes><Code guid="{CODE}" name="Hope" isCodable="true"/></Codes></CodeBook>'
        f"{body}</Project>"
    )


def text_source(path: str, selection: str = "") -> str:
    return (
        f'<Sources><TextSource guid="{SRC}" name="Transcript" plainTextPath="{path}">'
        f"{selection}</TextSource></Sources>"
    )


def coded(start: int, end: int, name: str | None = None, code: str = CODE) -> str:
    label = f' name="{name}"' if name is not None else ""
    return (
        f'<PlainTextSelection guid="{uuid.uuid4()}"{label} startPosition="{start}" '
        f'endPosition="{end}" creatingUser="{USER}">'
        f'<Coding guid="{uuid.uuid4()}"><CodeRef targetGUID="{code}"/></Coding>'
        "</PlainTextSelection>"
    )


def test_import_tolerates_other_names_capital_sources_bom_and_braced_guids():
    data = archive(
        {
            "MyProject.qde": "\ufeff" + qde(text_source(f"internal://{SRC}.txt", coded(0, 5))),
            f"Sources/{SRC}.txt": "\ufeffHello world",
        }
    )
    imported = refi.read_qdpx(data)
    project = imported.project
    assert project.sources[0].text == "Hello world"
    assert project.sources[0].guid == SRC.lower()
    assert project.codes[0].guid == CODE.strip("{}").lower()
    (selection,) = project.selections
    assert (selection.start, selection.end, selection.coder_guid) == (0, 5, USER.lower())
    assert selection.code_guids == (CODE.strip("{}").lower(),)
    assert any("byte order mark" in note for note in imported.notes)


def test_import_reads_namespace_version_dynamically_and_ignores_15_extras():
    extras = (
        '<Sets><Set guid="6f1c2a9e-3b0d-5e4f-9a61-0c7d2b8e4f16" name="Baseline"/></Sets>'
        "<Graphs/><FutureElement whatever='1'/>"
    )
    document = qde(text_source("internal://t.txt") + extras, ns="urn:QDA-XML:project:1.5")
    imported = refi.read_qdpx(archive({"project.qde": document, "sources/t.txt": "abc"}))
    assert imported.project.sources[0].text == "abc"
    assert "read namespace urn:QDA-XML:project:1.5 as urn:QDA-XML:project:1.0" in imported.notes


def test_import_resolves_relative_paths_against_base_path_and_inline_text():
    relative = qde(text_source("relative://texts/t.txt"), attrs='basePath="data"')
    imported = refi.read_qdpx(archive({"project.qde": relative, "data/texts/t.txt": "rel"}))
    assert imported.project.sources[0].text == "rel"
    inline = qde(
        f'<Sources><TextSource guid="{SRC}" name="Inline">'
        "<PlainTextContent>inline text</PlainTextContent>"
        f"{coded(0, 6, 'inline')}</TextSource></Sources>"
    )
    assert refi.read_qdpx(archive({"p.qde": inline})).project.selections[0].end == 6


def test_import_repairs_atlas_ti_offsets_that_count_crlf_as_one():
    text = "line one\r\nline two\r\nthe quote here"
    quote_at = text.index("the quote")
    lf_offset = quote_at - 2  # two CRLFs counted as one character each
    document = qde(
        text_source("internal://t.txt", coded(lf_offset, lf_offset + 9)),
        attrs='origin="ATLAS.ti Windows 23.2"',
    )
    imported = refi.read_qdpx(archive({"project.qde": document, "sources/t.txt": text}))
    selection = imported.project.selections[0]
    assert text[selection.start : selection.end] == "the quote"


def test_import_repairs_by_label_and_reports_it():
    text = "alpha\r\nbeta\r\ngamma delta"
    at = text.index("gamma")
    document = qde(text_source("internal://t.txt", coded(at - 2, at + 3, name="gamma")))
    imported = refi.read_qdpx(archive({"project.qde": document, "sources/t.txt": text}))
    selection = imported.project.selections[0]
    assert text[selection.start : selection.end] == "gamma"
    assert any("line ends counted as one character" in n for n in imported.notes)
    shifted = qde(text_source("internal://t.txt", coded(at + 3, at + 8, name="gamma")))
    imported = refi.read_qdpx(archive({"project.qde": shifted, "sources/t.txt": text}))
    assert imported.project.selections[0].start == at
    assert any("moved by -3 character(s)" in n for n in imported.notes)


def test_import_splits_one_span_coded_by_two_coders():
    other = "11111111-2222-3333-4444-555555555555"
    selection = (
        f'<PlainTextSelection guid="{uuid.uuid4()}" startPosition="0" endPosition="3">'
        f'<Coding guid="{uuid.uuid4()}" creatingUser="{USER}"><CodeRef targetGUID="{CODE}"/>'
        f'</Coding><Coding guid="{uuid.uuid4()}" creatingUser="{other}">'
        f'<CodeRef targetGUID="{CODE}"/></Coding></PlainTextSelection>'
    )
    document = qde(text_source("internal://t.txt", selection))
    imported = refi.read_qdpx(archive({"project.qde": document, "sources/t.txt": "abcdef"}))
    coders = [s.coder_guid for s in imported.project.selections]
    assert coders == [USER.lower(), other]
    assert [u.name for u in imported.project.users] == ["Maria", "Unknown coder 11111111"]


def test_import_takes_maxqda_document_variables_from_unnamed_cases():
    variables = (
        '<Variables><Variable guid="aaaaaaaa-0000-0000-0000-000000000001" name="Site" '
        'typeOfVariable="Text"/></Variables>'
    )
    cases = (
        '<Cases><Case guid="aaaaaaaa-0000-0000-0000-000000000002"><VariableValue>'
        '<VariableRef targetGUID="aaaaaaaa-0000-0000-0000-000000000001"/>'
        f'<TextValue>North</TextValue></VariableValue><SourceRef targetGUID="{SRC}"/>'
        '</Case><Case guid="aaaaaaaa-0000-0000-0000-000000000003" name="P1"><VariableValue>'
        '<VariableRef targetGUID="aaaaaaaa-0000-0000-0000-000000000001"/>'
        "<IntegerValue>7</IntegerValue></VariableValue></Case></Cases>"
    )
    document = qde(variables + cases + text_source("internal://t.txt"))
    project = refi.read_qdpx(archive({"project.qde": document, "sources/t.txt": "x"})).project
    assert project.sources[0].variables == (("Site", "North"),)
    assert [(c.name, c.variables) for c in project.cases] == [("P1", (("Site", "7"),))]


def test_import_treats_a_coded_container_as_codable():
    codes = f'<CodeBook><Codes><Code guid="{CODE}" name="Theme" isCodable="false"/></Codes>'
    document = qde(text_source("internal://t.txt", coded(0, 1))).replace(
        f'<CodeBook><Codes><Code guid="{CODE}" name="Hope" isCodable="true"/></Codes>', codes
    )
    imported = refi.read_qdpx(archive({"project.qde": document, "sources/t.txt": "x"}))
    assert imported.project.codes[0].is_codable is True
    assert any("imported as codable" in n for n in imported.notes)


# --- Precise errors ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        (None, ["not a .qdpx file: it is not a ZIP archive"]),
        (
            {"sources/t.txt": "x"},
            ["not a .qdpx file: no project (.qde) file at the root of the archive"],
        ),
        (
            {"a.qde": "<Project/>", "b.qde": "<Project/>"},
            ["several project files in the archive: a.qde, b.qde"],
        ),
        (
            {"project.qde": '<?xml version="1.0"?>\n<Project name="x">\n<Users>\n</Project>'},
            [
                "project.qde: XML syntax error on line 4: "
                "Opening and ending tag mismatch: Users line 3 and Project, line 4, column 11"
            ],
        ),
        (
            {"project.qde": "<CodeBook/>"},
            ["not a REFI-QDA project: the root element is CodeBook"],
        ),
    ],
)
def test_malformed_archives_get_precise_errors(files, expected):
    data = b"PK\x03\x04 definitely not a zip" if files is None else archive(files)
    with pytest.raises(refi.RefiError) as caught:
        refi.read_qdpx(data)
    assert caught.value.problems == expected


def test_every_problem_is_reported_at_once():
    missing_code = "99999999-9999-9999-9999-999999999999"
    body = (
        f'<Sources><TextSource guid="{SRC}" name="T" plainTextPath="internal://t.txt">'
        f"{coded(2, 50)}{coded(0, 1, code=missing_code)}</TextSource>"
        '<TextSource guid="6f1c2a9e-3b0d-5e4f-9a61-0c7d2b8e4f17" name="Gone" '
        'plainTextPath="internal://gone.txt"/>'
        '<TextSource guid="6f1c2a9e-3b0d-5e4f-9a61-0c7d2b8e4f18" name="Latin1" '
        'plainTextPath="internal://latin1.txt"/></Sources>'
    )
    files = {"project.qde": qde(body), "sources/t.txt": "short", "sources/latin1.txt": b"caf\xe9"}
    with pytest.raises(refi.RefiError) as caught:
        refi.read_qdpx(archive(files))
    assert caught.value.problems == [
        "selection on line 2 of source 'T': characters 2-50 lie outside the 5 characters "
        "of the text",
        f"coding on line 2: unknown code {missing_code}",
        "source 'Gone': internal://gone.txt is not in the archive",
        "source 'Latin1': internal://latin1.txt is not UTF-8 text (byte 3)",
    ]


def test_duplicate_guids_are_an_error():
    body = text_source("internal://t.txt").replace(SRC, USER)
    with pytest.raises(refi.RefiError) as caught:
        refi.read_qdpx(archive({"project.qde": qde(body), "sources/t.txt": "x"}))
    assert caught.value.problems == [
        f"source 'Transcript' (line 2): GUID {USER.lower()} is also used by user 'Maria'"
    ]


def test_codebook_import_errors():
    with pytest.raises(refi.RefiError, match="not a REFI-QDA codebook"):
        refi.read_qdc(b"<Project xmlns='urn:QDA-XML:project:1.0' name='x'/>")
    with pytest.raises(refi.RefiError, match=r"code 'a' \(line 1\): 'zz' is not a GUID"):
        refi.read_qdc(
            b"<CodeBook xmlns='urn:QDA-XML:codebook:1.0'><Codes>"
            b"<Code guid='zz' name='a' isCodable='true'/></Codes></CodeBook>"
        )


def test_export_filename_is_safe():
    assert refi.export_filename("Peer support / Łódź: wave 2", ".qdpx") == (
        "Peer-support-Łódź-wave-2.qdpx"
    )
    assert refi.export_filename("../..", ".qdc") == "project.qdc"
