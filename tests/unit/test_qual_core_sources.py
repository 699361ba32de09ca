"""Reading transcripts into text and segments: offsets always point into the stored text."""

import io

import docx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from alongside.qualitative.sources import (
    SourceError,
    join_answers,
    normalise,
    parse_docx,
    parse_open_answers,
    parse_source,
    parse_srt,
    parse_txt,
    parse_vtt,
    segment_text,
    speaker_label,
)


def texts(parsed):
    return [(s.speaker, parsed.segment_text(s)) for s in parsed.segments]


def assert_well_formed(text, segments):
    previous_end = 0
    for segment in segments:
        assert previous_end <= segment.start < segment.end <= len(text)
        piece = text[segment.start : segment.end]
        assert piece
        assert piece == piece.strip()
        previous_end = segment.end


def test_speaker_turns_cover_the_words_not_the_name():
    data = "Interviewer: How did it start?\nMáire: She rang me.\nShe kept ringing.\n".encode()
    parsed = parse_txt(data)
    assert texts(parsed) == [
        ("Interviewer", "How did it start?"),
        ("Máire", "She rang me.\nShe kept ringing."),
    ]
    assert parsed.speakers == ("Interviewer", "Máire")


def test_a_heading_before_the_first_speaker_is_its_own_segment():
    parsed = parse_txt(b"Interview 4, spring\n\nAnn: Yes.\nBob: No.\n")
    assert texts(parsed) == [(None, "Interview 4, spring"), ("Ann", "Yes."), ("Bob", "No.")]


def test_without_speakers_paragraphs_are_blocks_between_blank_lines():
    parsed = parse_txt(b"First line\nstill first.\n\n\nSecond.\n")
    assert texts(parsed) == [(None, "First line\nstill first."), (None, "Second.")]


def test_without_blank_lines_each_line_is_a_paragraph():
    parsed = parse_txt(b"One.\nTwo.\n")
    assert texts(parsed) == [(None, "One."), (None, "Two.")]


def test_one_repeated_label_is_not_a_conversation():
    parsed = parse_txt(b"Note: one.\nNote: two.\n")
    assert [s.speaker for s in parsed.segments] == [None, None]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Mary: hello", "Mary"),
        ("Dr O'Neill: yes", "Dr O'Neill"),
        ("Speaker 2: yes", "Speaker 2"),
        ("10:30 we met", None),
        ("http://example.org is", None),
        ("A very long label with many words: no", None),
        ("Mary:", None),
    ],
)
def test_speaker_labels(line, expected):
    found = speaker_label(line)
    assert (found[0] if found else None) == expected


def test_bom_and_crlf_are_normalised_and_offsets_are_into_the_normalised_text():
    parsed = parse_txt("\ufeffAnn: a\r\nb 😀\r\nBob: c\r".encode())
    assert parsed.text == "Ann: a\nb 😀\nBob: c\n"
    assert texts(parsed) == [("Ann", "a\nb 😀"), ("Bob", "c")]


def test_decomposed_accents_are_composed_once():
    assert normalise("Ma\u0301ire") == "Máire"


def test_text_that_is_not_utf8_names_its_line():
    with pytest.raises(SourceError) as caught:
        parse_txt(b"fine\nstill fine\ncaf\xe9\n")
    assert caught.value.line == 3
    assert "UTF-8" in str(caught.value)


def test_an_empty_file_is_refused():
    with pytest.raises(SourceError, match="empty"):
        parse_txt(b"  \n")


def test_vtt_voice_tags_and_merged_cues():
    data = (
        "WEBVTT\n\nNOTE recorded online\n\n1\n00:00:01.000 --> 00:00:02.500\n"
        "<v Ann>Hi <i>there</i></v>\n\n00:00:02.500 --> 00:00:03.000 align:start\n"
        "<v.loud Ann>again &amp; again\n\n00:01:03.000 --> 00:01:04.000\nBob: ok ✓\n"
    ).encode()
    parsed = parse_vtt(data)
    assert texts(parsed) == [("Ann", "Hi there again & again"), ("Bob", "ok ✓")]
    assert parsed.text.startswith("Ann: Hi there")


def test_vtt_without_header_is_refused_on_line_one():
    with pytest.raises(SourceError) as caught:
        parse_vtt(b"00:00:01.000 --> 00:00:02.000\nhi\n")
    assert caught.value.line == 1


@pytest.mark.parametrize(
    ("data", "line", "words"),
    [
        (b"WEBVTT\n\n00:00:01.000 -> 00:00:02.000\nhi\n", 3, "cue timing"),
        (b"WEBVTT\n\n00:00:01.000 --> 00:00:0x.000\nhi\n", 3, "is not a time"),
        (b"WEBVTT\n\n00:00:05.000 --> 00:00:02.000\nhi\n", 3, "ends"),
    ],
)
def test_vtt_faults_name_the_line(data, line, words):
    with pytest.raises(SourceError, match=words) as caught:
        parse_vtt(data)
    assert caught.value.line == line


def test_srt_with_speaker_labels():
    data = (
        b"1\n00:00:01,000 --> 00:00:02,000\nAnn: one\n\n"
        b"2\n00:00:02,000 --> 00:00:03,000\nBob: two\nmore\n"
    )
    assert texts(parse_srt(data)) == [("Ann", "one"), ("Bob", "two more")]


def test_srt_faults_name_the_line():
    with pytest.raises(SourceError) as caught:
        parse_srt(
            b"1\n00:00:01,000 --> 00:00:02,000\nok\n\nsecond\n00:00:01,000 --> 00:00:02,000\n"
        )
    assert caught.value.line == 5
    with pytest.raises(SourceError, match="not a time") as caught:
        parse_srt(b"1\n00:00:01.000 --> 00:00:02,000\nok\n")
    assert caught.value.line == 2


def _docx(paragraphs):
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_docx_paragraphs_become_lines():
    parsed = parse_docx(_docx(["Facilitator: Welcome.", "Seán: Thanks — glad to be here."]))
    assert texts(parsed) == [("Facilitator", "Welcome."), ("Seán", "Thanks — glad to be here.")]


def test_a_broken_docx_is_refused_plainly():
    with pytest.raises(SourceError, match="not a Word document"):
        parse_docx(b"PK\x03\x04 not really a zip")


def test_unknown_suffix_is_refused():
    with pytest.raises(SourceError, match=r"\.txt, \.docx"):
        parse_source(b"x", "notes.pdf")


def test_open_answers_csv():
    data = b"participant,question,answer\nSU-1,What helped?,Being listened to\nSU-2,What helped?,\n"
    rows = parse_open_answers(data)
    assert [(r.line, r.participant, r.answer) for r in rows] == [(2, "SU-1", "Being listened to")]


@pytest.mark.parametrize(
    ("data", "line", "words"),
    [
        (b"participant,answer\nSU-1,x\n", 1, "question"),
        (b"participant,question,answer\n,Q,x\n", 2, "participant column is empty"),
        (b"participant,question,answer\nSU-1,Q\n", 2, "2 values"),
    ],
)
def test_open_answer_faults_name_the_line(data, line, words):
    with pytest.raises(SourceError, match=words) as caught:
        parse_open_answers(data)
    assert caught.value.line == line


# --- Properties -----------------------------------------------------------------------------

_alphabet = st.sampled_from(
    [*"abcXYZ .,:'-", "\n", "\r\n", "\r", "é", "ñ", "😀", "👩‍👩‍👧", "\u0301", "ß", "\t"]
)
_raw = st.lists(_alphabet, max_size=200).map("".join)
_names = st.sampled_from(["Ann", "Bob", "Seán", "P-0003", "Interviewer"])
_turn = st.tuples(_names, st.text(st.sampled_from(list("ab 😀é.\n")), min_size=1, max_size=30))


@given(_raw)
def test_segments_are_exact_spans_of_any_text(raw):
    text = normalise(raw)
    assert_well_formed(text, segment_text(text))


@given(st.lists(_turn, min_size=1, max_size=8), st.sampled_from(["\n", "\r\n"]))
def test_turns_survive_crlf_and_emoji(turns, newline):
    raw = newline.join(f"{name}: {words}" for name, words in turns)
    parsed = parse_txt(("\ufeff" + raw).encode())
    assert "\r" not in parsed.text
    assert_well_formed(parsed.text, parsed.segments)
    joined = " ".join(parsed.segment_text(s) for s in parsed.segments)
    for _, words in turns:
        for word in normalise(words).split():
            assert word in joined


@given(
    st.lists(
        st.tuples(_names, st.text(min_size=1, max_size=20).filter(str.strip)),
        min_size=1,
        max_size=6,
    )
)
def test_vtt_offsets_are_exact(cues):
    lines = ["WEBVTT", ""]
    for index, (name, words) in enumerate(cues):
        safe = " ".join(words.replace("<", " ").replace(">", " ").replace("&", " ").split())
        if not safe or "-->" in safe:
            continue
        lines += [f"00:00:{index:02d}.000 --> 00:00:{index:02d}.500", f"<v {name}>{safe}", ""]
    if len(lines) == 2:
        return
    parsed = parse_vtt("\n".join(lines).encode())
    assert_well_formed(parsed.text, parsed.segments)


@given(st.lists(st.text(min_size=0, max_size=40), max_size=10))
def test_joined_answers_keep_one_exact_segment_per_answer(answers):
    parsed = join_answers(answers)
    kept = [normalise(a).strip() for a in answers if normalise(a).strip()]
    assert [parsed.segment_text(s) for s in parsed.segments] == kept
