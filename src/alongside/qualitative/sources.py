"""Reading transcripts and open answers into plain text and segments: pure functions, no database.

Every parser returns a `ParsedSource`: the text to store and its segments, each a half-open span
`text[start:end]` (Unicode code points) with the speaker's label when the source names one.

Text is normalised once, here, and never again: a leading byte-order mark is dropped, CRLF and
lone CR become LF, and the text is put in Unicode NFC. Offsets are computed on the normalised
text, so they are offsets into exactly what is stored (and what REFI-QDA exports carry).

Segmentation: speaker turns when the text names its speakers ("Name: words" at the start of a
line, or WebVTT `<v Name>` voice tags), otherwise paragraphs (blocks between blank lines; one
line each when there are no blank lines). A turn's segment covers the words only, not the
"Name:" label, so that a quote taken from it never carries the name.

A malformed file raises `SourceError` naming the line and what is wrong; nothing is returned.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import zipfile
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

MAX_SPEAKER_LABEL = 40
SUFFIXES = (".txt", ".docx", ".vtt", ".srt")

# "Mary:", "Interviewer:", "P3:", "Dr O'Neill:", "Speaker 2:" at the start of a line: a letter
# first, then up to four words of letters, digits, full stops, apostrophes, hyphens.
_LABEL = re.compile(r"[^\W\d_][\w.'\u2019\-]*(?: [\w.'\u2019\-]+){0,3}")
_LABEL_LINE = re.compile(r"[ \t]*(" + _LABEL.pattern + r")[ \t]*:[ \t]+(?=\S)")


class SourceError(ValueError):
    """A file that cannot be read as a source: says where (line) and what is wrong."""

    def __init__(self, message: str, *, line: int | None = None) -> None:
        self.line = line
        self.reason = message
        super().__init__(f"line {line}: {message}" if line is not None else message)


@dataclass(frozen=True)
class ParsedSegment:
    start: int
    end: int
    speaker: str | None


@dataclass(frozen=True)
class ParsedSource:
    text: str
    segments: tuple[ParsedSegment, ...]

    def segment_text(self, segment: ParsedSegment) -> str:
        return self.text[segment.start : segment.end]

    @property
    def speakers(self) -> tuple[str, ...]:
        """Speaker labels in order of first appearance."""
        seen: dict[str, None] = {}
        for segment in self.segments:
            if segment.speaker is not None:
                seen.setdefault(segment.speaker, None)
        return tuple(seen)


def normalise(text: str) -> str:
    """The one normalisation applied at ingestion: no BOM, LF line ends, NFC."""
    text = text.removeprefix("\ufeff")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", text)


def decode(data: bytes) -> str:
    """UTF-8 with or without a BOM; anything else is refused, naming the first bad line."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise SourceError(
            f"byte {data[error.start]:#04x} is not UTF-8 text; save the file as UTF-8 "
            "(plain text, Unicode) and try again",
            line=line,
        ) from None


def _line_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each line of `text`, without its newline."""
    spans = []
    position = 0
    for line in text.split("\n"):
        spans.append((position, position + len(line)))
        position += len(line) + 1
    return spans


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def speaker_label(line: str) -> tuple[str, int] | None:
    """The speaker named at the start of a line and where their words begin, if any."""
    match = _LABEL_LINE.match(line)
    if match is None or len(match.group(1)) > MAX_SPEAKER_LABEL:
        return None
    return match.group(1), match.end()


def segment_text(text: str) -> tuple[ParsedSegment, ...]:
    """Speaker turns when lines name two or more speakers, else paragraphs.

    In speaker-turn mode, lines before the first named speaker are one segment of their own
    (a heading, say), with no speaker.
    """
    lines = _line_spans(text)
    non_blank = [(s, e) for s, e in lines if text[s:e].strip()]
    if not non_blank:
        return ()
    labelled = [speaker_label(text[s:e]) for s, e in non_blank]
    if len({label[0] for label in labelled if label is not None}) >= 2:
        return _turns(text, non_blank, labelled)
    return _paragraphs(text, lines)


def _turns(
    text: str,
    lines: Sequence[tuple[int, int]],
    labels: Sequence[tuple[str, int] | None],
) -> tuple[ParsedSegment, ...]:
    segments: list[ParsedSegment] = []
    speaker: str | None = None
    start = end = 0

    def close() -> None:
        span = _trimmed(text, start, end)
        if span[0] < span[1]:
            segments.append(ParsedSegment(span[0], span[1], speaker))

    for (line_start, line_end), label in zip(lines, labels, strict=True):
        if label is not None:
            close()
            speaker, start = label[0], line_start + label[1]
        end = line_end
    close()
    return tuple(segments)


def _paragraphs(text: str, lines: Sequence[tuple[int, int]]) -> tuple[ParsedSegment, ...]:
    has_blank_lines = any(not text[s:e].strip() for s, e in lines[:-1])
    segments: list[ParsedSegment] = []
    block: tuple[int, int] | None = None
    for line_start, line_end in lines:
        blank = not text[line_start:line_end].strip()
        if blank or not has_blank_lines:
            if block is not None:
                segments.append(ParsedSegment(*_trimmed(text, *block), None))
                block = None
            if blank:
                continue
        block = (block[0] if block is not None else line_start, line_end)
    if block is not None:
        segments.append(ParsedSegment(*_trimmed(text, *block), None))
    return tuple(s for s in segments if s.start < s.end)


def parse_txt(data: bytes) -> ParsedSource:
    text = normalise(decode(data))
    if not text.strip():
        raise SourceError("the file is empty")
    return ParsedSource(text, segment_text(text))


def parse_docx(data: bytes) -> ParsedSource:
    """A Word document's paragraphs, one per line (tables are not read)."""
    import docx  # python-docx: imported here, as only .docx uploads need it
    from docx.opc.exceptions import PackageNotFoundError
    from lxml import etree

    # A damaged archive also gives zlib.error or EOFError (spoilt data), RuntimeError (a member
    # marked encrypted), NotImplementedError (an unknown compression method); a damaged part,
    # XMLSyntaxError.
    damaged: tuple[type[Exception], ...] = (
        PackageNotFoundError,
        zipfile.BadZipFile,
        zlib.error,
        EOFError,
        RuntimeError,
        NotImplementedError,
        KeyError,
        ValueError,
        etree.XMLSyntaxError,
    )
    try:
        document = docx.Document(io.BytesIO(data))
        paragraphs = [paragraph.text for paragraph in document.paragraphs]
    except damaged as error:
        detail = str(error) or "it ends too soon"
        raise SourceError(
            f"the file is damaged or not a Word document (.docx) ({detail}); "
            "open it in Word or LibreOffice and save it as .docx again"
        ) from None
    text = normalise("\n".join(paragraphs))
    if not text.strip():
        raise SourceError("the document has no text in its paragraphs (text in tables is not read)")
    return ParsedSource(text, segment_text(text))


# --- Captions (WebVTT and SubRip) -------------------------------------------------------------

_VTT_TIME = re.compile(r"(?:\d{2,}:)?[0-5]\d:[0-5]\d\.\d{3}")
_SRT_TIME = re.compile(r"\d{1,}:[0-5]\d:[0-5]\d,\d{3}")
_VOICE = re.compile(r"<v(?:\.[^ \t>]+)*[ \t]+([^>]+)>")
_TAG = re.compile(r"</?[^>]*>")


@dataclass(frozen=True)
class _Cue:
    speaker: str | None
    words: str


def _milliseconds(stamp: str) -> int:
    parts = stamp.replace(",", ".").split(":")
    seconds = float(parts[-1])
    minutes = int(parts[-2])
    hours = int(parts[-3]) if len(parts) == 3 else 0
    return round(((hours * 60 + minutes) * 60 + seconds) * 1000)


def _timing(line: str, number: int, pattern: re.Pattern[str], example: str) -> None:
    parts = line.split("-->")
    if len(parts) != 2:
        raise SourceError(
            f"expected a cue timing like '{example}', found {line.strip()!r}", line=number
        )
    begin = parts[0].strip()
    end = parts[1].strip().split()[0] if parts[1].strip() else ""
    for stamp in (begin, end):
        if not pattern.fullmatch(stamp):
            raise SourceError(
                f"{stamp!r} is not a time; expected the form in '{example}'", line=number
            )
    if _milliseconds(end) < _milliseconds(begin):
        raise SourceError(f"the cue ends ({end}) before it starts ({begin})", line=number)


def _cue(payload: Iterable[str]) -> _Cue | None:
    joined = " ".join(line.strip() for line in payload if line.strip())
    voice = _VOICE.search(joined)
    speaker = voice.group(1).strip() if voice else None
    words = " ".join(_TAG.sub("", joined).split())
    words = words.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")
    if speaker is None:
        label = speaker_label(words)
        if label is not None:
            speaker, words = label[0], words[label[1] :]
    if not words:
        return None
    return _Cue(speaker, words)


def _blocks(text: str) -> list[tuple[int, list[str]]]:
    """Blocks of non-blank lines with the line number (from 1) where each begins."""
    blocks: list[tuple[int, list[str]]] = []
    current: list[str] = []
    first = 0
    for number, line in enumerate(text.split("\n"), start=1):
        if line.strip():
            if not current:
                first = number
            current.append(line)
        elif current:
            blocks.append((first, current))
            current = []
    if current:
        blocks.append((first, current))
    return blocks


def parse_vtt(data: bytes) -> ParsedSource:
    text = normalise(decode(data))
    blocks = _blocks(text)
    if not blocks or not re.fullmatch(r"WEBVTT(?:[ \t].*)?", blocks[0][1][0]):
        raise SourceError("a WebVTT file must begin with the line 'WEBVTT'", line=1)
    cues: list[_Cue] = []
    for first, lines in blocks[1:]:
        if lines[0].startswith(("NOTE", "STYLE", "REGION")):
            continue
        looks_timed = "-->" in lines[0] or re.match(r"\s*\d+:\d", lines[0]) is not None
        timing_at = 0 if looks_timed else 1
        if timing_at >= len(lines) or "-->" not in lines[timing_at]:
            found = lines[timing_at].strip() if timing_at < len(lines) else "nothing"
            raise SourceError(
                f"expected a cue timing like '00:01:02.500 --> 00:01:05.000', found {found!r}",
                line=first + timing_at,
            )
        _timing(lines[timing_at], first + timing_at, _VTT_TIME, "00:01:02.500 --> 00:01:05.000")
        cue = _cue(lines[timing_at + 1 :])
        if cue is not None:
            cues.append(cue)
    return _from_cues(cues)


def parse_srt(data: bytes) -> ParsedSource:
    text = normalise(decode(data))
    cues: list[_Cue] = []
    for first, lines in _blocks(text):
        if not lines[0].strip().isdigit():
            raise SourceError(f"expected a cue number, found {lines[0].strip()!r}", line=first)
        if len(lines) < 2:
            raise SourceError("the cue has no timing line", line=first + 1)
        _timing(lines[1], first + 1, _SRT_TIME, "00:01:02,500 --> 00:01:05,000")
        cue = _cue(lines[2:])
        if cue is not None:
            cues.append(cue)
    return _from_cues(cues)


def _from_cues(cues: Sequence[_Cue]) -> ParsedSource:
    """One paragraph per turn ("Name: words", cues of the same speaker joined); the segments
    cover the words."""
    if not cues:
        raise SourceError("the file has no captions with words in them")
    turns: list[tuple[str | None, list[str]]] = []
    for cue in cues:
        if turns and cue.speaker is not None and turns[-1][0] == cue.speaker:
            turns[-1][1].append(cue.words)
        else:
            turns.append((cue.speaker, [cue.words]))
    parts: list[str] = []
    segments: list[ParsedSegment] = []
    position = 0
    for speaker, words in turns:
        if parts:
            parts.append("\n\n")
            position += 2
        prefix = f"{speaker}: " if speaker is not None else ""
        body = " ".join(words)
        parts.append(prefix + body)
        start = position + len(prefix)
        position = start + len(body)
        segments.append(ParsedSegment(start, position, speaker))
    return ParsedSource("".join(parts), tuple(segments))


PARSERS = {".txt": parse_txt, ".docx": parse_docx, ".vtt": parse_vtt, ".srt": parse_srt}


def parse_source(data: bytes, filename: str) -> ParsedSource:
    """Read a transcript by its file name's suffix."""
    suffix = "." + filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    parser = PARSERS.get(suffix)
    if parser is None:
        raise SourceError(
            f"{filename!r} is not a transcript file this can read: use .txt, .docx, .vtt or .srt"
        )
    return parser(data)


# --- Open answers from a CSV ---------------------------------------------------------------------

OPEN_ANSWER_COLUMNS = ("participant", "question", "answer")


@dataclass(frozen=True)
class OpenAnswer:
    line: int
    participant: str
    question: str
    answer: str


def parse_open_answers(data: bytes) -> tuple[OpenAnswer, ...]:
    """Rows of a CSV with columns participant, question, answer (others are ignored).

    Rows with an empty answer are skipped (the person left the question blank).
    """
    text = normalise(decode(data))
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise SourceError("the file is empty", line=1) from None
    names = [name.strip().lower() for name in header]
    missing = [c for c in OPEN_ANSWER_COLUMNS if c not in names]
    if missing:
        raise SourceError(
            f"the header lacks the column{'s' if len(missing) > 1 else ''} {', '.join(missing)} "
            f"(it has: {', '.join(names) or 'nothing'})",
            line=1,
        )
    index = {c: names.index(c) for c in OPEN_ANSWER_COLUMNS}
    answers: list[OpenAnswer] = []
    try:
        for row in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            if len(row) < len(names):
                raise SourceError(
                    f"the row has {len(row)} values, the header {len(names)}", line=line
                )
            values = {c: row[i].strip() for c, i in index.items()}
            if not values["participant"]:
                raise SourceError("the participant column is empty", line=line)
            if not values["question"]:
                raise SourceError("the question column is empty", line=line)
            if values["answer"]:
                answers.append(OpenAnswer(line, **values))
    except csv.Error as error:
        raise SourceError(f"this is not valid CSV ({error})", line=reader.line_num) from None
    if not answers:
        raise SourceError("the file has no answers in it")
    return tuple(answers)


def join_answers(answers: Sequence[str]) -> ParsedSource:
    """One question's answers as one text, a blank line apart, one segment per answer."""
    parts: list[str] = []
    segments: list[ParsedSegment] = []
    position = 0
    for answer in answers:
        body = normalise(answer).strip()
        if not body:
            continue
        if parts:
            parts.append("\n\n")
            position += 2
        parts.append(body)
        segments.append(ParsedSegment(position, position + len(body), None))
        position += len(body)
    return ParsedSource("".join(parts), tuple(segments))
