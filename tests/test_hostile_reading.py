"""Hostile input, read: nothing lost silently, no personal data published, bounded work.

- a table cell that looks like a number but is no amount (1e30, 1,2,3, a phone or ID number) is an
  unparsed line with its reason, never a fact and never dropped;
- mobile numbers, ID numbers and e-mail addresses are masked in every published text;
- encrypted and damaged PDFs, UTF-16 text and oversized files get clear messages (or are read);
- the narrative stage finds the same sentences as before, without a search over the whole text per figure.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
import struct
from pathlib import Path

import pytest
from conftest import DISCLOSURES
from pdfs import one_page_pdf

from pipeline import narrative
from pipeline.checks import run_checks
from pipeline.errors import UnreadableInput
from pipeline.pdf import check_pdf, extract_pdf
from pipeline.privacy import mask_personal_data
from pipeline.read import Timings, read_document
from pipeline.sources import read_pdf
from pipeline.text.decode import MAX_FILE_BYTES, MAX_TEXT_CHARS, check_text, read_text
from pipeline.text.lines import Line

BASIC = """\
测试中心2025年单位预算

公开表3-1
一般公共预算基本支出预算表
单位：测试中心 金额单位：万元
科目编码\t单位名称（科目）\t合计\t人员经费\t公用经费
合 计\t\t50.00\t40.00\t10.00
301\t工资福利支出\t40.00\t40.00\t
30101\t基本工资\t{total}\t{staff}\t
302\t商品和服务支出\t10.00\t\t10.00
30201\t办公费\t10.00\t\t10.00
"""
ROW = 9  # the line of 基本工资


def read_basic(tmp_path: Path, total: str = "40.00", staff: str = "40.00"):
    path = tmp_path / "basic.txt"
    path.write_text(BASIC.format(total=total, staff=staff), encoding="utf-8")
    return read_document(path, {"doc_id": "test"})


def test_a_well_formed_row_is_read(tmp_path):
    result = read_basic(tmp_path)
    assert {(f.column_path, f.printed) for f in result.facts if f.source_line == ROW} == {
        ("合计", "40.00"), ("人员经费", "40.00")}
    assert result.unparsed == []


@pytest.mark.parametrize("cell, reason", [
    ("1e30", "exponent notation"),
    ("4.0E+1", "exponent notation"),
    ("1,2,3", "thousands separators out of place"),
    ("40,00", "thousands separators out of place"),
    ("12.3.4", "more than one decimal point"),
    ("４０.００", "digits other than 0-9 (full-width or another script)"),
    ("١٢٣", "digits other than 0-9 (full-width or another script)"),
    ("4，000.00", "a full-width comma inside the number"),
    ("9" * 40, "40 digits before the decimal point: larger than any budget prints"),
])
def test_a_number_that_is_no_amount_is_an_unparsed_line_with_its_reason(tmp_path, cell, reason):
    result = read_basic(tmp_path, total=cell)
    assert [(u.source_line, u.text, u.reason) for u in result.unparsed] == [
        (ROW, f"30101 基本工资 {cell} 40.00", f"{cell}: not an amount ({reason})")]
    assert [f for f in result.facts if f.source_line == ROW] == []  # not read with a column missing
    assert not any(cell in f.item for f in result.facts)  # and not glued to the label
    assert {f.source_line for f in result.facts} == {7, 8, 10, 11}  # the other rows are read
    assert result.document.status == "partial"


@pytest.mark.parametrize("cell, masked, what", [
    ("13812345678", "138****5678", "a mobile phone number"),
    ("11010119900307123X", "110101********123X", "an ID card number"),
    ("110101199003071234", "110101********1234", "an ID card number"),
])
def test_a_phone_or_id_number_in_an_amount_column_is_no_amount_and_is_masked(tmp_path, cell, masked, what):
    result = read_basic(tmp_path, staff=cell)
    assert [(u.source_line, u.text, u.reason) for u in result.unparsed] == [
        (ROW, f"30101 基本工资 40.00 {masked}", f"{masked}: not an amount (looks like {what})")]
    assert [f for f in result.facts if f.source_line == ROW] == []


@pytest.mark.parametrize("cell", ["13812345678.00", "13,812,345,678", "1381234567", "138123456789"])
def test_amounts_of_a_phone_number_s_size_stay_amounts(tmp_path, cell):
    """A phone number has no decimals and no thousands separators, and exactly 11 digits."""
    result = read_basic(tmp_path, total=cell)
    assert ("合计", cell) in {(f.column_path, f.printed) for f in result.facts if f.source_line == ROW}
    assert result.unparsed == []


@pytest.mark.parametrize("text, masked", [
    ("联系人：张三，13812345678。", "联系人：张三，138****5678。"),
    ("手机 139-1234-5678 或 +86 15012345678", "手机 139-****-5678 或 +86 150****5678"),
    ("身份证号 11010119900307123x", "身份证号 110101********123x"),
    ("邮箱 zhang.san@example.com；", "邮箱 z***@example.com；"),
    ("Mail: a@b.gov.cn", "Mail: a***@b.gov.cn"),
])
def test_personal_data_is_masked(text, masked):
    assert mask_personal_data(text) == masked
    assert mask_personal_data(masked) == masked  # masking again changes nothing


@pytest.mark.parametrize("text", [
    "办公电话：0755-12345678，028-86601234",  # office numbers are printed for the public
    "收入 13812345678.00 元，13,812,345,678 元",  # amounts
    "科目编码 2013808 单位代码 332901 项目编号 51000024T000001234567",
    "2025 年预算 21,749.66 万元",
])
def test_public_contacts_and_amounts_are_not_masked(text):
    assert mask_personal_data(text) == text


MOBILE, EMAIL, ID_NUMBER = "13812345678", "zhang.san@example.com", "11010119900307123X"
SECRETS = f"（联系人 {MOBILE}，{EMAIL}，证件 {ID_NUMBER}，办公电话 028-86601234）"
MASKED = "（联系人 138****5678，z***@example.com，证件 110101********123X，办公电话 028-86601234）"


def test_no_personal_data_reaches_any_published_record(tmp_path):
    """Glossary definitions, indicator and goal text, project names, unparsed lines and the narrative's
    sentence quoted in a check: every text field of every record is masked."""
    text = (DISCLOSURES / "sichuan-gov-office-it-center-2025.txt").read_text(encoding="utf-8")
    for printed in ("指省级财政当年拨付的资", "应急演练次数", "一般公共预算拨款收入 21,749.66万元，占 100%",
                    "省人民政府网站运行维护服务"):
        assert printed in text
        text = text.replace(printed, printed + SECRETS)
    row = "302 01 30201 办公费 3.50 3.50\n"  # a row with a cell that is no amount: an unparsed line
    assert text.count(row) == 1
    text = text.replace(row, f"302 01 30201 办公费{SECRETS} 3.50 1e30\n")
    path = tmp_path / "sichuan-gov-office-it-center-2025.txt"
    path.write_text(text, encoding="utf-8")
    result = read_document(path)
    run_checks(result)

    published = repr([dataclasses.asdict(r) for name in ("facts", "projects", "goals", "indicators", "glossary",
                                                         "checks", "unparsed", "units")
                      for r in getattr(result, name)])
    for secret in (MOBILE, EMAIL, ID_NUMBER, "19900307"):
        assert secret not in published
    assert any(MASKED in g.definition for g in result.glossary)
    assert any(MASKED in i.name for i in result.indicators)
    assert any(MASKED in p.name for p in result.projects)
    assert any(MASKED in c.message for c in result.checks if c.check == "narrative-figure-mismatch")
    assert [(u.text, u.reason) for u in result.unparsed] == [
        (f"302 01 30201 办公费{MASKED} 3.50 1e30", "1e30: not an amount (exponent notation)")]


# ------------------------------------------------------------------------------------------------ PDFs

PAD = bytes.fromhex("28BF4E5E4E758A4164004E56FFFA01082E2E00B6D0683E802F0CA9FE6453697A")


def _rc4(key: bytes, data: bytes) -> bytes:
    s = list(range(256))
    j = 0
    for i in range(256):
        j = (j + s[i] + key[i % len(key)]) % 256
        s[i], s[j] = s[j], s[i]
    out, i, j = bytearray(), 0, 0
    for byte in data:
        i = (i + 1) % 256
        j = (j + s[i]) % 256
        s[i], s[j] = s[j], s[i]
        out.append(byte ^ s[(s[i] + s[j]) % 256])
    return bytes(out)


def encrypted_pdf(user_password: str, text: str = "Budget 2025") -> bytes:
    """A one-page PDF encrypted with the standard security handler, revision 2 (RC4, 40-bit keys: PDF
    1.7, 7.6.3, algorithms 2, 3 and 4), written here because no installed library writes encryption.
    With an empty user password it opens without one (only the owner's permissions are restricted)."""
    def padded(password: str) -> bytes:
        return (password.encode("latin-1") + PAD)[:32]

    owner = _rc4(hashlib.md5(padded("owner")).digest()[:5], padded(user_password))
    permissions = -4
    doc_id = hashlib.md5(text.encode()).digest()
    key = hashlib.md5(padded(user_password) + owner + struct.pack("<i", permissions) + doc_id).digest()[:5]
    stream = _rc4(hashlib.md5(key + b"\x04\x00\x00\x00\x00").digest()[:10],  # object 4, generation 0
                  f"BT /F1 12 Tf 20 50 Td ({text}) Tj ET".encode())
    encrypt = (b"<< /Filter /Standard /V 1 /R 2 /O <%s> /U <%s> /P %d >>"
               % (owner.hex().encode(), _rc4(key, PAD).hex().encode(), permissions))
    return one_page_pdf(stream, b"0 0 200 100", (encrypt,),
                        b" /Encrypt 6 0 R /ID [<%s> <%s>]" % (doc_id.hex().encode(), doc_id.hex().encode()))


def test_the_encrypted_test_pdf_is_real(tmp_path):
    import pdfplumber

    path = tmp_path / "locked.pdf"
    path.write_bytes(encrypted_pdf("secret"))
    with pdfplumber.open(path, password="secret") as pdf:
        assert pdf.pages[0].extract_text() == "Budget 2025"


def test_an_encrypted_pdf_says_it_needs_its_password(tmp_path):
    path = tmp_path / "locked.pdf"
    path.write_bytes(encrypted_pdf("secret"))
    for read in (extract_pdf, check_pdf, lambda p: read_pdf(p, None, Timings())):
        with pytest.raises(UnreadableInput) as e:
            read(path)
        assert str(e.value) == f"{path}: encrypted PDF: cannot be read without its password"


def test_a_pdf_encrypted_without_a_user_password_is_read(tmp_path):
    path = tmp_path / "permissions-only.pdf"
    path.write_bytes(encrypted_pdf(""))
    assert extract_pdf(path).text == "Budget 2025\n"


@pytest.mark.parametrize("cut, reason", [
    (100_000, "damaged PDF: the file ends too early (truncated?)"),
    (None, "damaged PDF: No /Root object! - Is this really a PDF?"),
])
def test_a_damaged_pdf_says_what_is_wrong(tmp_path, cut, reason):
    path = tmp_path / "damaged.pdf"
    data = (DISCLOSURES / "shanghai-finance-bureau-2025.pdf").read_bytes()
    path.write_bytes(data[:cut] if cut else b"%PDF-1.4\n" + b"not a PDF body " * 100)
    for read in (extract_pdf, check_pdf):
        with pytest.raises(UnreadableInput) as e:
            read(path)
        assert str(e.value) == f"{path}: {reason}"


# ------------------------------------------------------------------------------------- text and limits


@pytest.mark.parametrize("encoding, bom", [("utf-16-le", b"\xff\xfe"), ("utf-16-be", b"\xfe\xff"),
                                           ("utf-16-le", b""), ("utf-16-be", b"")])
def test_utf16_text_is_decoded(tmp_path, encoding, bom):
    text = BASIC.format(total="40.00", staff="40.00")
    path = tmp_path / "utf16.txt"
    path.write_bytes(bom + text.encode(encoding))
    assert read_text(path) == (text, hashlib.sha256(path.read_bytes()).hexdigest())
    utf8 = tmp_path / "utf8.txt"
    utf8.write_text(text, encoding="utf-8")
    assert [f.printed for f in read_document(path).facts] == [f.printed for f in read_document(utf8).facts]


def test_utf16_cut_in_a_character_is_reported(tmp_path):
    path = tmp_path / "cut.txt"
    path.write_bytes(b"\xff\xfe" + "一行\n两行\n".encode("utf-16-le")[:-1])
    with pytest.raises(UnreadableInput, match=r"cut\.txt:2: the file ends inside a character \(truncated\?\)"):
        read_text(path)


def test_binary_data_is_still_binary(tmp_path):
    path = tmp_path / "program.txt"
    path.write_bytes(bytes(range(256)) * 8)
    with pytest.raises(UnreadableInput, match=r"program\.txt: the file is binary \(NUL bytes\)"):
        read_text(path)


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path):
    path = tmp_path / "huge.txt"
    with path.open("wb") as f:
        f.truncate(MAX_FILE_BYTES + 1)  # sparse: nothing is written, nothing should be read
    with pytest.raises(UnreadableInput) as e:
        read_text(path)
    assert str(e.value) == f"{path}: the file is 50.0 MB: over the limit of 50 MB for a disclosure's text"


def test_a_pdf_over_the_size_limit_is_refused_before_it_is_read(tmp_path):
    from pipeline.pdf import MAX_PDF_BYTES
    from pipeline.read import Timings
    from pipeline.sources import read_pdf

    path = tmp_path / "huge.pdf"
    with path.open("wb") as f:
        f.write(b"%PDF-1.7\n")
        f.truncate(MAX_PDF_BYTES + 1)  # sparse
    with pytest.raises(UnreadableInput) as e:
        read_pdf(path, None, Timings(), tmp_path / "cache")
    assert str(e.value) == f"{path}: the PDF is 200.0 MB: over the limit of 200 MB for a disclosure"


def test_a_text_over_the_limit_is_refused():
    text = "一\n" * (MAX_TEXT_CHARS // 2 + 1)
    with pytest.raises(UnreadableInput) as e:
        check_text("extracted.txt", text)
    assert str(e.value) == (f"extracted.txt: the text is {len(text):,} characters long: over the limit of "
                            f"{MAX_TEXT_CHARS:,} for a disclosure")


def test_real_disclosures_are_within_the_limits():
    for path in sorted(DISCLOSURES.glob("*.txt")):
        assert read_text(path)[0]
    check_text("pdf", extract_pdf(DISCLOSURES / "shanghai-finance-bureau-2025.pdf").text)


# --------------------------------------------------------------------------------------------- narrative


def _sentence_before(text: str, start: int, end: int) -> str:
    """The sentence search before it was made linear (a search of the whole text per figure)."""
    left = max(text.rfind(c, 0, start) for c in narrative.SENTENCE_END) + 1
    rights = [i for i in (text.find(c, end) for c in narrative.SENTENCE_END) if i != -1]
    right = min(rights) + 1 if rights else len(text)
    return text[max(left, start - 150):min(right, end + 150)].strip()


FIGURE_TEXTS = [
    "2025 年收入预算 100.00 万元；支出预算 100.00 万元。其中：基本支出 60 万元，项目支出 40 万元",
    "“三公”经费 12.4 万元，比 2024 年预算减少 8.7 万元；公务接待费 2.1 万元;公用经费" + "很长" * 200 + " 5 万元。",
    "基本支出 1 万元" * 50,  # no sentence end at all
]


@pytest.mark.parametrize("text", FIGURE_TEXTS)
def test_each_figure_keeps_the_sentence_it_had(text):
    statements = narrative.read_statements([Line(1, text)])
    assert statements
    joined = narrative.joined([Line(1, text)])[0]
    for s in statements:
        subject = [m for m in narrative.SUBJECT_RE.finditer(joined)]
        assert any(_sentence_before(joined, m.start(), e) == s.sentence
                   for m in subject for e in range(m.end(), len(joined) + 1))


def test_the_narratives_of_the_samples_read_the_same_sentences():
    """Every statement of the bundled disclosures has the sentence the whole-text search found."""
    for path in sorted(DISCLOSURES.glob("*.txt")):
        result = read_document(path)
        text = path.read_text(encoding="utf-8")
        for s in result.statements:
            assert s.sentence
            assert re.sub(r"\s", "", s.sentence) in re.sub(r"\s", "", text.replace("\n", ""))


def test_a_figure_far_from_a_clause_mark_is_not_searched_to_the_end():
    """A subject followed by a long gap without an amount: the figure pattern stops after MAX_GAP."""
    text = "基本支出" + "没有标点" * 10_000 + " 5 万元"
    assert narrative.read_statements([Line(1, text)]) == []
    assert narrative.read_statements([Line(1, "基本支出" + "字" * 30 + "5 万元")])[0].printed == "5"
    assert narrative.read_statements([Line(1, "基本支出" + "字" * 31 + "5 万元")]) == []
