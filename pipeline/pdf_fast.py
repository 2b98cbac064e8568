"""pdfminer and pdfplumber, faster, with the same results object for object.

Most of a PDF's extraction time was spent in pure-Python bookkeeping around the content: pdfminer
tokenizes a page's content stream one state-machine step at a time (with a `log.debug` call per token),
then looks up each operator's method by name; pdfplumber then turns every character into a dict by
walking the object's attributes and resolving each value recursively. `install()` replaces those three
hot paths with equivalents that give the same objects:

- `read_content`: a content stream read with one regular expression per token, giving the same
  operands and operators, in the same order, as pdfminer's `PDFContentParser` (its quirks included:
  ``1.2.3`` is 1.2 and 0.3, ``<41>>`` a string and a dictionary end, ``\\`` before any other character
  drops it). Anything it does not read the same way for sure (an inline image, a string, name or
  dictionary left open where a stream ends, an unbalanced bracket) makes it return None, and the page is
  read by pdfminer's own parser, from the start;
- `execute`: the interpreter loop over those objects, each operator's method looked up once;
- `process_object`: pdfplumber's object dict (of a character, a rule …) built statement for statement as
  `pdfplumber.Page.process_object` builds it, without resolving plain values (numbers, strings, tuples of
  them: a content stream holds no PDF reference to resolve).

tests/test_pdf_fast.py compares each with the code it replaces, on the bundled PDFs and on the quirks.
"""

from __future__ import annotations

import re
from unicodedata import normalize

from pdfminer import settings
from pdfminer.layout import LTChar, LTCurve, LTTextContainer
from pdfminer.pdfinterp import PDFPageInterpreter
from pdfminer.pdftypes import stream_value
from pdfminer.psparser import (
    KEYWORD_ARRAY_BEGIN,
    KEYWORD_ARRAY_END,
    KEYWORD_DICT_BEGIN,
    KEYWORD_DICT_END,
    KEYWORD_PROC_BEGIN,
    KEYWORD_PROC_END,
    KWD,
    LIT,
    PSKeyword,
    keyword_name,
    literal_name,
)
from pdfplumber.page import ALL_ATTRS, Page, fix_fontname_bytes
from pdfplumber.utils.pdfinternals import decode_text, resolve_all, resolve_and_decode

_installed = False


class _Unsure(Exception):
    """The content is read by pdfminer's own parser instead."""


# One token per match, at the position where the previous one ended (pdfminer's `PSBaseParser` states).
# pdfminer's whitespace between tokens is bytes-\s and NUL.
_TOKEN = re.compile(
    rb"[ \t\n\r\x0b\x0c\x00]*(?:"
    rb"(?P<number>[-+0-9][0-9]*(?:\.[0-9]*)?|\.[0-9]*)"
    rb"|(?P<keyword>[A-Za-z][^#/%\[\]()<>{}\s]*)"
    rb"|(?P<literal>/(?:[^#/%\[\]()<>{}\s]|#[0-9a-fA-F]{0,2})*)"
    rb"|(?P<comment>%[^\r\n]*)"
    rb"|(?P<string>\()"
    rb"|(?P<dict_begin><<)"
    rb"|(?P<hex><[0-9a-fA-F\s]*)"
    rb"|(?P<dict_end>>>)"
    rb"|(?P<gt>>)"
    rb"|(?P<other>.)"
    rb"|\Z)",  # only whitespace left
    re.DOTALL,
)
_LITERAL_HEX = re.compile(rb"#([0-9a-fA-F]{0,2})")
_SPACE = re.compile(rb"\s")
_HEX_PAIR = re.compile(rb"[0-9a-fA-F]{2}|.", re.DOTALL)
_END_STRING = re.compile(rb"[()\\]")
_ESCAPES = {ord("b"): 8, ord("t"): 9, ord("n"): 10, ord("f"): 12, ord("r"): 13, ord("("): 40, ord(")"): 41,
            ord("\\"): 92}
_BUFSIZ = 4096  # pdfminer reads a stream in chunks of this size (`PSBaseParser.BUFSIZ`)


def _string(data: bytes, i: int) -> tuple[bytes, int]:
    """The literal string that starts after the "(" at i - 1, and the position after its ")"."""
    out = bytearray()
    depth = 1
    n = len(data)
    while True:
        m = _END_STRING.search(data, i)
        if m is None:
            raise _Unsure  # left open where the stream ends: pdfminer goes on into the next stream
        j = m.start()
        out += data[i:j]
        c = data[j]
        if c == 0x5C:  # backslash
            k = j + 1
            if k >= n:
                raise _Unsure
            o = k
            while o < n and o - k < 3 and 0x30 <= data[o] <= 0x37:
                o += 1
            if o > k:
                code = int(data[k:o], 8)
                if code >= 256:
                    raise _Unsure  # pdfminer fails on it (an assertion): let it
                out.append(code)
                i = o
            elif data[k] in _ESCAPES:
                out.append(_ESCAPES[data[k]])
                i = k + 1
            elif data[k] == 0x0D and k + 1 < n and data[k + 1] == 0x0A and (k + 1) % _BUFSIZ:
                i = k + 2  # a line continuation "\\\r\n" (pdfminer misses it across its chunks: so do we)
            else:
                i = k + 1  # any other character after a backslash is dropped
            continue
        if c == 0x28:
            depth += 1
        else:
            depth -= 1
            if not depth:
                return bytes(out), j + 1
        out.append(c)
        i = j + 1


def _tokens(data: bytes, last: bool) -> list:
    """The tokens of one content stream as pdfminer's `PSBaseParser.nexttoken` gives them."""
    out: list = []
    append = out.append
    pos = 0
    n = len(data)
    match = _TOKEN.match
    while pos < n:
        m = match(data, pos)
        kind = m.lastgroup
        end = m.end()
        if kind == "number":
            text = m["number"]
            try:
                append(float(text) if b"." in text else int(text))
            except ValueError:
                pass  # "-", "+" or "." alone: no token
        elif kind == "keyword":
            text = m["keyword"]
            append(True if text == b"true" else False if text == b"false" else KWD(text))
        elif kind is None or kind == "comment":
            pass
        elif kind == "literal":
            raw = m["literal"][1:]
            if end == n and (not raw or b"#" in raw[-3:]):
                raise _Unsure  # pdfminer's literal would go on in the next stream
            if b"#" in raw:
                raw = _LITERAL_HEX.sub(lambda h: bytes((int(h[1], 16),)) if h[1] else b"", raw)
            try:
                name: str | bytes = str(raw, "utf-8")
            except UnicodeDecodeError:
                name = raw
            append(LIT(name))
        elif kind == "string":
            text, end = _string(data, end)
            append(text)
        elif kind == "hex":
            if end == n:
                raise _Unsure  # left open where the stream ends
            append(_HEX_PAIR.sub(lambda p: bytes((int(p.group(), 16),)), _SPACE.sub(b"", m["hex"][1:])))
        elif kind == "dict_begin":
            append(KEYWORD_DICT_BEGIN)
        elif kind == "dict_end":
            append(KEYWORD_DICT_END)
        elif kind == "gt":
            if end == n and not last:
                raise _Unsure  # pdfminer looks at the next stream's first byte for a second ">"
        else:
            append(KWD(m["other"]))
        pos = end
    return out


def read_content(streams: list) -> list | None:
    """The objects pdfminer's `PDFContentParser.nextobject` gives for these content streams (arrays and
    dictionaries built, as `PSStackParser` builds them), or None where it is not sure to read them the same."""
    inline_image = KWD(b"BI")
    try:
        datas = [s.get_data() for s in streams]
    except Exception:
        return None  # pdfminer raises it where it reaches that stream
    tokens: list = []
    try:
        for i, data in enumerate(datas):
            tokens += _tokens(data, last=i == len(datas) - 1)
    except _Unsure:
        return None
    ends = {KEYWORD_ARRAY_END: "a", KEYWORD_DICT_END: "d", KEYWORD_PROC_END: "p"}
    begins = {KEYWORD_ARRAY_BEGIN: "a", KEYWORD_DICT_BEGIN: "d", KEYWORD_PROC_BEGIN: "p"}
    out: list = []
    stack: list[tuple[str, list]] = []  # open arrays, dictionaries and procedures
    current = out
    for token in tokens:
        if token is inline_image:
            return None
        if type(token) is not PSKeyword:
            current.append(token)
            continue
        kind = begins.get(token)
        if kind is not None:
            stack.append((kind, current))
            current = []
            continue
        kind = ends.get(token)
        if kind is not None:
            if not stack or stack[-1][0] != kind:
                return None  # pdfminer drops a closing bracket that closes nothing it opened
            objs = current
            current = stack.pop()[1]
            if kind == "d":
                if len(objs) % 2:
                    return None  # pdfminer raises on it: let it
                current.append({literal_name(k): v for k, v in zip(objs[0::2], objs[1::2], strict=True)})
            else:
                current.append(objs)
            continue
        current.append(token)
    if stack:
        return None  # never closed: pdfminer never hands its content to the interpreter
    return out


def install() -> None:
    """Patch pdfminer's interpreter loop and pdfplumber's character dicts once per process (idempotent)."""
    global _installed
    if _installed:
        return
    execute = PDFPageInterpreter.execute

    def fast_execute(self, streams) -> None:
        valid = []
        for obj in streams:  # what `execute` keeps (it skips a stream that would recurse)
            stream = stream_value(obj)
            if stream.objid is not None and stream.objid not in self.parent_stream_ids:
                valid.append(stream)
        objects = read_content(valid) if len(valid) == len(streams) and not settings.STRICT else None
        if objects is None:
            return execute(self, streams)
        self.stream_ids.clear()
        self.stream_ids.update(s.objid for s in valid)
        methods: dict = {}
        push = self.argstack.append
        for obj in objects:
            if type(obj) is not PSKeyword:
                push(obj)
                continue
            found = methods.get(obj)
            if found is None:
                name = keyword_name(obj)
                method = "do_" + name.replace("*", "_a").replace('"', "_w").replace("'", "_q")
                func = getattr(self, method, None)
                found = methods[obj] = (func, func.__code__.co_argcount - 1) if func is not None else (None, 0)
            func, nargs = found
            if func is None:
                continue  # an unknown operator (pdfminer ignores it unless STRICT)
            if nargs:
                args = self.pop(nargs)
                if len(args) == nargs:
                    func(*args)
            else:
                func()
            push = self.argstack.append  # `pop` (here or in the operator: sc, SC) replaces the stack

    ORIGINAL.update(execute=execute, process_object=Page.process_object)
    PDFPageInterpreter.execute = fast_execute
    Page.process_object = process_object
    _installed = True


ORIGINAL: dict = {}  # what install() replaced, for the tests that compare the two


def process_object(page, obj) -> dict:
    """`pdfplumber.Page.process_object`, statement for statement, with its recursive resolving of every
    value skipped for plain values (numbers, strings, and tuples or lists of them), which hold no PDF
    reference to resolve; and each object type's name and each colour space's decoded name worked out
    once."""
    cls = type(obj)
    kind = _KINDS.get(cls)
    if kind is None:
        kind = _KINDS[cls] = re.sub(r"^LT", "", cls.__name__).lower()
    plain = _PLAIN
    attr = {k: v if type(v) in plain else _resolved(v) for k, v in obj.__dict__.items() if k in ALL_ATTRS}
    attr["object_type"] = kind
    attr["page_number"] = page.page_number
    for cs in ("ncs", "scs"):
        if hasattr(obj, cs):
            name = getattr(obj, cs).name
            attr[cs] = _decoded(name) if type(name) is str else resolve_and_decode(name)
    if isinstance(obj, (LTChar, LTTextContainer)):
        text = obj.get_text()
        norm = page.pdf.unicode_norm
        if norm is not None:
            text = normalize(norm, text)
        attr["text"] = text
    if isinstance(obj, LTChar):
        gs = obj.graphicstate
        attr["stroking_color"] = gs.scolor if isinstance(gs.scolor, tuple) else (gs.scolor,)
        attr["non_stroking_color"] = gs.ncolor if isinstance(gs.ncolor, tuple) else (gs.ncolor,)
        if isinstance(attr["fontname"], bytes):
            attr["fontname"] = fix_fontname_bytes(attr["fontname"])
    height = page.height
    mb_x0, mb_top = page.mediabox[:2]
    if isinstance(obj, LTCurve):
        base = mb_top + height

        def point2coord(pt):  # `Page.point2coord`, its sum in the same order
            return (mb_x0 + pt[0], base - pt[1])

        attr["pts"] = list(map(point2coord, attr["pts"]))
        attr["path"] = [(cmd, *map(point2coord, pts)) for cmd, *pts in obj.original_path]
        attr["dash"] = obj.dashing_style
    if "y0" in attr:
        attr["top"] = (height - attr["y1"]) + mb_top
        attr["bottom"] = (height - attr["y0"]) + mb_top
        attr["doctop"] = page.initial_doctop + attr["top"]
    if "x0" in attr and mb_x0 != 0:
        attr["x0"] = attr["x0"] + mb_x0
        attr["x1"] = attr["x1"] + mb_x0
    return attr


_PLAIN = frozenset((int, float, bool, str, bytes, type(None)))
_KINDS: dict[type, str] = {}
_DECODED: dict[str, str] = {}


def _resolved(value):
    """pdfplumber's `resolve_all` of a value, short-cut for plain values (a copy of a plain tuple or list,
    as `resolve_all` makes)."""
    t = type(value)
    if t in _PLAIN:
        return value
    if t is tuple or t is list:
        if all(type(v) in _PLAIN for v in value):
            return t(value)
        if all(type(v) is tuple and all(type(x) in _PLAIN for x in v) for v in value):
            return t(value)  # points: tuples of numbers (resolve_all makes equal new ones)
    return resolve_all(value)


def _decoded(name: str) -> str:
    """pdfplumber's `decode_text` of a colour space's name (a handful per document)."""
    if name not in _DECODED:
        _DECODED[name] = decode_text(name)
    return _DECODED[name]
