"""Transcripts (.txt, .vtt, .srt, .docx), open answers (.csv) and REFI-QDA projects (.qdpx):
any bytes give a parsed source or the parser's own error, never anything else."""

import io
import struct
import zipfile

import docx
import pytest
from hypothesis import strategies as st

from alongside.qualitative import refi
from alongside.qualitative.sources import SourceError, parse_open_answers, parse_source
from tests.fuzz import fuzz
from tests.unit.test_qual_refi import projects, sample_project

WORDS = st.sampled_from(
    [
        "WEBVTT",
        "WEBVTT - title",
        "1",
        "2",
        "00:00:01.000 --> 00:00:02.500",
        "00:01.000 --> 00:00.500",
        "00:00:01,000 --> 00:00:02,000",
        "99:59:59,999 --> 100:00:00,000",
        "<v Facilitator>Hello</v>",
        "<v.loud Seán>Hi",
        "<b>bold</b>",
        "NOTE a note",
        "STYLE",
        "Facilitator: Welcome.",
        "Seán: Thanks — glad to be here.",
        ":",
        "-->",
        "",
        "\ufeff",
        "\x00",
        "\r",
        "participant,question,answer",
        'P1,q1,"quoted, with comma"',
        '"unterminated',
    ]
)
LINES = st.lists(st.one_of(WORDS, st.text(max_size=30)), max_size=15)
NEWLINE = st.sampled_from(["\n", "\r\n", "\r"])
SUFFIX = st.sampled_from(["t.txt", "t.vtt", "t.srt", "t.docx", "t.TXT", "t.pdf", "noext"])


def _parsed_or_refused(call):
    try:
        call()
    except SourceError as error:
        message = str(error)
    else:
        return
    assert message


@fuzz(LINES, NEWLINE, SUFFIX, st.sampled_from(["utf-8", "utf-16", "latin-1"]))
def test_caption_and_text_transcripts_are_read_or_refused(lines, newline, name, encoding):
    data = newline.join(lines).encode(encoding, errors="replace")
    _parsed_or_refused(lambda: parse_source(data, name))


@fuzz(st.binary(max_size=300), SUFFIX, share=0.5)
def test_any_bytes_under_any_transcript_name_are_read_or_refused(data, name):
    _parsed_or_refused(lambda: parse_source(data, name))


@fuzz(LINES, NEWLINE)
def test_open_answer_files_are_read_or_refused(lines, newline):
    data = newline.join(["participant,question,answer", *lines]).encode()
    _parsed_or_refused(lambda: parse_open_answers(data))


def _docx(paragraphs):
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


VALID_DOCX = _docx(["Facilitator: Welcome.", "Seán: Thanks — glad to be here."])


def _damage(body: bytes, data) -> bytes:
    """Truncate, flip bytes, or rebuild the ZIP with members dropped or rewritten."""
    how = data.draw(st.sampled_from(["truncate", "flip", "drop", "rewrite"]), label="damage")
    if how == "truncate":
        return body[: data.draw(st.integers(0, len(body) - 1))]
    if how == "flip":
        damaged = bytearray(body)
        for _ in range(data.draw(st.integers(1, 20))):
            at = data.draw(st.integers(0, len(damaged) - 1))
            damaged[at] ^= data.draw(st.integers(1, 255))
        return bytes(damaged)
    source = zipfile.ZipFile(io.BytesIO(body))
    names = [info.filename for info in source.infolist()]
    victim = data.draw(st.sampled_from(names), label="member")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name in names:
            if name != victim:
                target.writestr(name, source.read(name))
            elif how == "rewrite":
                target.writestr(name, data.draw(st.binary(max_size=200) | st.just(b"<a><b></a>")))
    return out.getvalue()


@fuzz(st.data(), share=0.5)
def test_a_damaged_word_document_is_read_or_refused(data):
    body = _damage(VALID_DOCX, data)
    _parsed_or_refused(lambda: parse_source(body, "interview.docx"))


# What Word can hold in a paragraph: no control characters but tab and line breaks.
PARAGRAPH = st.text(st.characters(exclude_categories=("Cs", "Cc")) | st.sampled_from("\t\n"))


@fuzz(st.lists(PARAGRAPH, max_size=6), share=0.3)
def test_any_paragraphs_in_a_word_document_are_read_or_refused(paragraphs):
    body = _docx(paragraphs)
    _parsed_or_refused(lambda: parse_source(body, "interview.docx"))


VALID_QDPX = refi.qdpx_bytes(sample_project())


def _read_or_refused(body: bytes) -> None:
    try:
        refi.read_qdpx(body)
    except refi.RefiError as error:
        problems = error.problems
    else:
        return
    assert problems
    assert all(isinstance(problem, str) and problem for problem in problems)


@fuzz(st.data(), share=0.5)
def test_a_damaged_qdpx_is_read_or_refused(data):
    _read_or_refused(_damage(VALID_QDPX, data))


@fuzz(projects(), st.data(), share=0.3)
def test_a_generated_project_damaged_is_read_or_refused(project, data):
    _read_or_refused(_damage(refi.qdpx_bytes(project), data))


XML_PIECES = st.sampled_from(
    [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<Project xmlns="urn:QDA-XML:project:1.0" name="p">',
        "</Project>",
        "<CodeBook><Codes>",
        '<Code guid="not-a-guid" name="c" isCodable="true"/>',
        "</Codes></CodeBook>",
        "<Sources>",
        '<TextSource guid="{00000000-0000-0000-0000-000000000001}" name="s" '
        'plainTextPath="internal://missing.txt">',
        '<PlainTextSelection guid="x" startPosition="-5" endPosition="99999"/>',
        "</TextSource></Sources>",
        '<!DOCTYPE p [<!ENTITY e SYSTEM "file:///etc/passwd">]>',
        "&e;",
        '<!ENTITY a "aaaaaaaaaa">',
        "<PlainTextContent>text</PlainTextContent>",
        "<Users><User guid='u' name='n'/></Users>",
        "\ufeff",
    ]
)


@fuzz(st.lists(XML_PIECES, max_size=12).map("".join), st.binary(max_size=60), share=0.5)
def test_a_project_document_from_pieces_is_read_or_refused(xml, extra):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("project.qde", xml)
        archive.writestr("sources/missing.txt", extra)
    _read_or_refused(buffer.getvalue())


def test_an_external_entity_is_never_read():
    """The project XML may declare an entity naming a local file: it must not be expanded."""
    xml = (
        '<?xml version="1.0"?><!DOCTYPE Project [<!ENTITY e SYSTEM "file:///etc/hostname">]>'
        '<Project xmlns="urn:QDA-XML:project:1.0" name="&e;"/>'
    )
    with open("/etc/hostname", encoding="utf-8") as file:
        secret = file.read().strip()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("project.qde", xml)
    try:
        imported = refi.read_qdpx(buffer.getvalue())
    except refi.RefiError as error:
        shown = "\n".join(error.problems)
    else:
        shown = repr(imported)
    assert secret not in shown


def _corrupt_first_member(body: bytes, member: str) -> bytes:
    """Spoil the first byte of a member's compressed data; the ZIP directory stays intact."""
    info = zipfile.ZipFile(io.BytesIO(body)).getinfo(member)
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    damaged = bytearray(body)
    damaged[start] ^= 0xFF
    return bytes(damaged)


def _central_entry(body: bytes, member: str) -> int:
    """Where MEMBER's entry in the ZIP's central directory starts."""
    at = zipfile.ZipFile(io.BytesIO(body)).start_dir
    while body[at : at + 4] == b"PK\x01\x02":
        name_length, extra_length, comment_length = struct.unpack("<HHH", body[at + 28 : at + 34])
        if body[at + 46 : at + 46 + name_length].decode() == member:
            return at
        at += 46 + name_length + extra_length + comment_length
    raise AssertionError(f"no {member} in the central directory")


def _marked(body: bytes, member: str, *, encrypted: bool = False, method: int | None = None):
    """Mark a member encrypted, or as stored with another compression method."""
    at = _central_entry(body, member)
    damaged = bytearray(body)
    if encrypted:
        damaged[at + 8] |= 0x01
    if method is not None:
        damaged[at + 10 : at + 12] = struct.pack("<H", method)
    return bytes(damaged)


def _with_broken_xml(body: bytes, member: str) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(body))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name in source.namelist():
            target.writestr(name, b"<a><b></a>" if name == member else source.read(name))
    return out.getvalue()


def _longer_than_the_file(body: bytes, member: str) -> bytes:
    """The directory says the member is stored, and longer than the file (EOFError)."""
    at = _central_entry(body, member)
    damaged = bytearray(body)
    damaged[at + 10 : at + 12] = struct.pack("<H", zipfile.ZIP_STORED)
    damaged[at + 20 : at + 28] = struct.pack("<II", 10**7, 10**7)
    return bytes(damaged)


DAMAGE = {
    "compressed data spoilt": lambda body, member: _corrupt_first_member(body, member),
    "member longer than the file": _longer_than_the_file,
    "member marked encrypted": lambda body, member: _marked(body, member, encrypted=True),
    "unknown compression method": lambda body, member: _marked(body, member, method=99),
    "member not well-formed XML": _with_broken_xml,
}


@pytest.mark.parametrize("damage", DAMAGE)
def test_a_damaged_docx_is_refused_plainly(damage):
    body = DAMAGE[damage](VALID_DOCX, "word/document.xml")
    with pytest.raises(SourceError, match="the file is damaged or not a Word document"):
        parse_source(body, "t.docx")


@pytest.mark.parametrize("damage", DAMAGE)
def test_a_damaged_qdpx_is_refused_plainly(damage):
    body = DAMAGE[damage](VALID_QDPX, "project.qde")
    with pytest.raises(refi.RefiError) as refused:
        refi.read_qdpx(body)
    assert refused.value.problems
    assert all(problem for problem in refused.value.problems)
    if damage != "member not well-formed XML":  # that one is read, and its XML refused
        assert refused.value.problems == [refused.value.problems[0]]
        assert refused.value.problems[0].startswith("the file is damaged or not a .qdpx: ")
