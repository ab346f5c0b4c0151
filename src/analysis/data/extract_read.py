"""Reading a document as lines of text: plain text in any encoding, HTML, DOCX, or a PDF with a text layer."""

from __future__ import annotations

import re
from pathlib import Path

from analysis.vinumbers import nfc


class ExtractError(ValueError):
    """A document that cannot be read as text (empty, binary, unknown encoding, no figures)."""


def read_document(path: Path) -> list[str]:
    """The document's text as lines (1-based line numbers are list index + 1)."""
    path = Path(path)
    if not path.is_file():
        raise ExtractError(f"{path}: no such file")
    data = path.read_bytes()
    if not data.strip():
        raise ExtractError(f"{path}: the file is empty")
    suffix = path.suffix.lower()
    if suffix == ".docx" or data[:4] == b"PK\x03\x04":
        return _read_docx(path)
    if suffix == ".pdf" or data[:5] == b"%PDF-":
        return _read_pdf(path)
    text = _decode(path, data)
    if suffix in (".html", ".htm") or re.match(r"\s*(<!doctype html|<html)", text[:500], re.IGNORECASE):
        return _html_lines(text)
    return [nfc(line).rstrip("\r") for line in text.split("\n")]


def _decode(path: Path, data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    if b"\x00" in data[:4096]:
        raise ExtractError(f"{path}: this looks like a binary file, not a text document "
                           "(give a .txt, .html, .docx or a PDF with a text layer)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        from charset_normalizer import from_bytes

        guess = from_bytes(data).best()
        enc = guess.encoding if guess else "unknown"
        raise ExtractError(f"{path}: not UTF-8 (byte {e.start}: {data[e.start:e.start + 4]!r}; looks like {enc}). "
                           f"Convert it first, e.g. iconv -f {enc.upper().replace('_', '-')} -t UTF-8 "
                           f"{path.name} > {path.stem}.utf8{path.suffix}") from None


def _html_lines(text: str) -> list[str]:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(text, "html.parser")
    for tag in soup(["script", "style", "nav", "header", "footer", "noscript"]):
        tag.decompose()
    body = soup.find("article") or soup.body or soup
    lines = []
    for block in body.find_all(["h1", "h2", "h3", "h4", "p", "li", "td", "th", "blockquote", "figcaption"]):
        if block.find(["p", "li"]):  # a container: its children are read on their own
            continue
        t = " ".join(block.get_text(" ").split())
        if t:
            lines.append(nfc(t))
    return lines or [nfc(line) for line in body.get_text("\n").split("\n")]


def _read_docx(path: Path) -> list[str]:
    try:
        import docx
    except ImportError as e:  # pragma: no cover - installed from requirements.lock
        raise ExtractError("reading .docx needs python-docx (make venv installs it)") from e
    try:
        d = docx.Document(str(path))
    except Exception as e:  # noqa: BLE001 - the library raises several types for a bad file
        raise ExtractError(f"{path}: not a readable .docx file ({e})") from None
    lines = [nfc(p.text) for p in d.paragraphs]
    for table in d.tables:
        for row in table.rows:
            lines.append(nfc(" | ".join(c.text.strip() for c in row.cells)))
    return lines


def _read_pdf(path: Path) -> list[str]:
    from pypdf import PdfReader

    try:
        reader = PdfReader(str(path))
        text = "\n".join(page.extract_text() or "" for page in reader.pages)
    except Exception as e:  # noqa: BLE001
        raise ExtractError(f"{path}: not a readable PDF ({e})") from None
    if not text.strip():
        raise ExtractError(f"{path}: the PDF has no text layer (a scan?); run OCR first")
    return [nfc(line) for line in text.split("\n")]
