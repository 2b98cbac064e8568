"""pipeline/pdf_fast.py gives what pdfminer's and pdfplumber's own code gives, object for object: the
content of every page of the bundled PDFs, the quirks of pdfminer's tokenizer, every object dict, and the
extracted text; where it is not sure (an inline image), pdfminer's own parser reads the page."""

from __future__ import annotations

from pathlib import Path

import pdfplumber
import pytest
from conftest import DISCLOSURES
from pdfminer.layout import LTContainer
from pdfminer.pdfdocument import PDFDocument
from pdfminer.pdfinterp import PDFContentParser, PDFPageInterpreter
from pdfminer.pdfpage import PDFPage
from pdfminer.pdfparser import PDFParser
from pdfminer.pdftypes import PDFStream, resolve1, stream_value
from pdfminer.psparser import LIT, PSEOF
from pdfplumber.page import Page
from pdfs import one_page_pdf

from pipeline import pdf_fast
from pipeline.pdf import extract_pdf

CORPUS = Path(__file__).resolve().parent / "corpus"
BUNDLED = [DISCLOSURES / "shanghai-finance-bureau-2025.pdf", *sorted(CORPUS.glob("*.pdf"))]


def pdfminer_objects(streams: list) -> list:
    """What pdfminer's interpreter is handed for these content streams."""
    try:
        parser = PDFContentParser(streams)
    except PSEOF:
        return []
    out = []
    while True:
        try:
            out.append(parser.nextobject()[1])
        except PSEOF:
            return out


def typed(obj):
    """An object with its type at every level (in Python 1 == 1.0 == True)."""
    if isinstance(obj, list):
        return ("list", [typed(o) for o in obj])
    if isinstance(obj, dict):
        return ("dict", {k: typed(v) for k, v in obj.items()})
    return (type(obj).__name__, obj)  # literals and keywords are interned: equal when the same


def content_streams(path: Path) -> list[list]:
    """The content streams of every page and of every form XObject the pages use."""
    found, seen = [], set()

    def forms(resources) -> None:
        for xobj in (resolve1((resolve1(resources) or {}).get("XObject")) or {}).values():
            stream = stream_value(xobj)
            if stream.get("Subtype") is LIT("Form") and stream.objid not in seen:
                seen.add(stream.objid)
                found.append([stream])
                forms(stream.get("Resources"))

    with open(path, "rb") as f:
        document = PDFDocument(PDFParser(f))
        for page in PDFPage.create_pages(document):
            found.append([stream_value(s) for s in page.contents])
            forms(page.resources)
        for streams in found:
            for s in streams:
                s.get_data()  # decoded while the file is open
    return found


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: p.name)
def test_every_content_stream_of_the_bundled_pdfs_is_read_as_pdfminer_reads_it(path):
    streams = content_streams(path)
    assert len(streams) >= 6
    for content in streams:
        fast = pdf_fast.read_content(content)
        assert fast is not None  # these PDFs are read by the fast path, not handed back to pdfminer
        assert typed(fast) == typed(pdfminer_objects(content))


# pdfminer's tokenizer as it is, quirks included: each of these reads the same both ways
QUIRKS = [
    b"1.2.3 -.5 + - . 5- +7 -0 0. .25 12Tj 1e5",  # 1.2 and 0.3; "+", "-", "." alone are no token
    b"(a\\(b\\)c) (nested (paren) kept) (\\101\\12x\\0) (\\q dropped) (\\\r\nline) (\\\nline) (\\n\\t\\b\\f\\r)",
    b"<41 42 4> <> << /A <41>> <4142>/F1",  # an odd digit; <41>> is a string and a dictionary's end
    b"/Name#41#2 /a##41 /#zz /\xe5\xae\x8b\xe4\xbd\x93 /\xff /F1#20x",  # names with # escapes, not UTF-8
    b"[1 2 [3 (x)] /L] <</K 1 /L [2 <</M true>>] /N false>> BDC EMC {1 2} ",
    b"q 1 0 0 1 0 0 cm BT /F1 12 Tf 0.5 Tc T* (x) ' 1 2 (y) \" ET Q %comment\r\n% another\nW n",
    b"\x00BT\x00 12\x0034 Tj\x00x \x80 # ) EI",  # NUL, stray bytes as single-byte keywords
    b"BT 1 2 Td (end of stream) Tj ET",  # a keyword touching the end of the stream
]


@pytest.mark.parametrize("data", QUIRKS)
def test_pdfminer_tokenizer_quirks_are_read_the_same(data):
    streams = [PDFStream({}, data)]
    fast = pdf_fast.read_content(streams)
    assert fast is not None
    assert typed(fast) == typed(pdfminer_objects(streams))


def test_tokens_are_what_pdfminer_makes_of_them():
    fast = pdf_fast.read_content([PDFStream({}, QUIRKS[0] + b" " + QUIRKS[2])])
    assert fast[:4] == [1.2, 0.3, -0.5, 5] and type(fast[3]) is int
    assert fast[-5:] == [b"AB\x04", b"", {"A": b"A"}, b"AB", LIT("F1")]


def test_a_string_continued_over_a_chunk_of_4096_bytes_is_read_as_pdfminer_reads_it():
    # pdfminer misses "\\\r\n" (a line continuation) where the \r ends one of its 4096-byte chunks
    for pad in range(4088, 4096):
        data = b" " * pad + b"(a\\\r\nb) Tj"
        streams = [PDFStream({}, data)]
        assert typed(pdf_fast.read_content(streams)) == typed(pdfminer_objects(streams))
    assert pdf_fast.read_content([PDFStream({}, b" " * 4092 + b"(a\\\r\nb) Tj")])[0] == b"a\nb"


@pytest.mark.parametrize("parts, readable", [
    ([b"BT 1 0 0 1 0 0 Tm", b"ET"], True),  # a keyword, then a number, touching the end of a stream
    ([b"[(a) 1", b"(b)] TJ"], True),  # an array over two streams
    ([b"BT (a", b"b) Tj ET"], False),  # a string left open: pdfminer goes on in the next stream
    ([b"<41", b"42> Tj"], False),
    ([b"(x) Tj <41>", b"> Tj"], False),  # pdfminer looks for a second ">" in the next stream
    ([b"/F1 12 Tf /", b"F2 9 Tf"], False),
    ([b"/F#4", b"1 9 Tf"], False),
    ([b"[(a) 1 (b) TJ"], False),  # never closed
    ([b"1 0 0 1 0 0 cm ] } Q"], False),  # closing what was never opened: pdfminer drops it
    ([b"<< /K 1 /L >> BDC"], False),  # a dictionary of an odd count: pdfminer raises
    ([b"q BI /W 1 /H 1 /BPC 8 /CS /G ID \x80 EI Q"], False),  # an inline image
])
def test_content_over_several_streams_is_read_the_same_or_handed_to_pdfminer(parts, readable):
    streams = [PDFStream({}, p) for p in parts]
    fast = pdf_fast.read_content(streams)
    assert (fast is not None) == readable
    if readable:
        assert typed(fast) == typed(pdfminer_objects(streams))


def layout_objects(objs):
    for obj in objs:
        if isinstance(obj, LTContainer):
            yield from layout_objects(obj._objs)
        else:
            yield obj


@pytest.mark.parametrize("path", [BUNDLED[0], CORPUS / "guangzhou-58417d10a0.pdf"], ids=lambda p: p.name)
def test_object_dicts_are_pdfplumbers_key_for_key(path):
    pdf_fast.install()
    original = pdf_fast.ORIGINAL["process_object"]
    kinds = set()
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages[:8]:
            for obj in layout_objects(page.layout._objs):
                fast = pdf_fast.process_object(page, obj)
                assert list(fast.items()) == list(original(page, obj).items())
                kinds.add(fast["object_type"])
    assert "char" in kinds and kinds & {"rect", "line", "curve"}  # the rules of the tables


@pytest.fixture
def pdfminer_only(monkeypatch):
    """Extraction by pdfminer's and pdfplumber's own code (what pdf_fast replaces put back)."""
    pdf_fast.install()
    monkeypatch.setattr(PDFPageInterpreter, "execute", pdf_fast.ORIGINAL["execute"])
    monkeypatch.setattr(Page, "process_object", pdf_fast.ORIGINAL["process_object"])


@pytest.fixture(scope="module")
def fast_texts():
    return {p.name: extract_pdf(p) for p in (BUNDLED[0], CORPUS / "guangzhou-58417d10a0.pdf")}


def test_the_extracted_text_is_the_same_as_pdfminers(fast_texts, pdfminer_only):
    for name, fast in fast_texts.items():
        path = DISCLOSURES / name if (DISCLOSURES / name).exists() else CORPUS / name
        assert extract_pdf(path) == fast
    assert "2025年预算单位收入预算总表" in fast_texts[BUNDLED[0].name].text


def test_a_page_the_fast_reader_is_unsure_of_is_read_by_pdfminers_parser(tmp_path):
    content = (b"BT /F1 12 Tf 60 720 Td (BEFORE) Tj ET q 10 0 0 10 100 100 cm "
               b"BI /W 1 /H 1 /BPC 8 /CS /G ID \x80 EI Q BT /F1 12 Tf 60 600 Td (AFTER) Tj ET")
    assert pdf_fast.read_content([PDFStream({}, content)]) is None
    path = tmp_path / "inline-image.pdf"
    path.write_bytes(one_page_pdf(content))
    assert extract_pdf(path).text.split("\n")[:2] == ["BEFORE", "AFTER"]


def test_table_cells_are_pdfplumbers():
    from pipeline.pdf import TABLE_SETTINGS, _CharIndex

    tables = 0
    with pdfplumber.open(BUNDLED[0]) as pdf:
        for page in pdf.pages[6:12]:
            index = _CharIndex(page.chars)
            for table in page.find_tables(TABLE_SETTINGS):
                assert index.extract(table) == table.extract()
                tables += 1
    assert tables >= 5
