"""One vocabulary: the words readers see live in the message catalogues, the languages in languages.yaml.

Every module of ``src/analysis`` is read (its syntax tree, not its text) for
- a word list: a dict whose keys include a language code and whose value there is written text
  (``{"vi": "Đã đạt", "en": "Achieved"}``), or a tuple of written texts of which one is Vietnamese
  (``("cấp xã", "commune")``);
- a Vietnamese word in a string literal (docstrings and comments aside);
- the languages written out (``("vi", "en")``) instead of read from ``catalogue.LANGS``.
Each module is its own case, so a failure names the file. ALLOWED lists the few strings that are not shown to
readers, each with the reason.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from analysis import catalogue as C

SRC = Path(C.__file__).parent  # the package: src/analysis
NOTEBOOKS = SRC.parents[1] / "notebooks"
VI_LETTERS = re.compile(r"[àáạảãâầấậẩẫăằắặẳẵèéẹẻẽêềếệểễìíịỉĩòóọỏõôồốộổỗơờớợởỡùúụủũưừứựửữỳýỵỷỹđ]", re.I)

# Modules whose strings are read against source documents, never shown: the parsers of Vietnamese text.
ALLOWED_MODULES = {
    "data/extract.py": "patterns that find figures, units and years in Vietnamese source documents",
    **{f"data/extract_{part}.py": "the extractor's parts (reading, patterns, figures, classifying): patterns that "
       "find figures, units and years in Vietnamese source documents" for part in ("read", "patterns", "figures",
                                                                                    "classify")},
    "vinumbers.py": "Vietnamese number words ('một trăm', 'nghìn') parsed out of source documents",
    "collation.py": "the letters of the Vietnamese alphabet, in order, for sorting names",
}
# Single strings not shown to readers, by module.
ALLOWED = {
    "cli.py": {
        "year the document was written ('đến nay' means this year)": "command-line help for curators",
        "issuing agency, e.g. 'Tổng cục Thống kê'": "command-line help for curators",
        "e.g. 'Niên giám thống kê 2024'": "command-line help for curators",
    },
    "data/curate.py": {"có": "a 'yes' curators may type in a review sheet"},
    "data/import_match.py": {"Toàn quốc": "the name a GSO table gives the country row, to match it"},
    "data/import_table.py": {
        "[ăâđêôơưĂÂĐÊÔƠƯ]|[àáảãạ]": "a pattern telling a Vietnamese table title from an English one",
    },
    "data/locators.py": {r"\blines?\s+((?:\d+(?:\s*(?:,|and|–|-|và)\s*)?)+)": "a pattern reading curated locators"},
    "data/process.py": {"National targets of Decisions 749/QĐ-TTg and 146/QĐ-TTg.":
                        "the data package's description (machine-readable, English; 'QĐ' is the decision's number)"},
    "data/provinces.py": {"Thành phố ": "a prefix stripped from official names to match them",
                          "Tỉnh ": "a prefix stripped from official names to match them"},
    "data/pxweb.py": {
        r"\b(prel\.?|pre\.|preliminary|sơ\s*bộ|so\s*bo|ước\s*tính|uoc\s*tinh|est\.?|estimate)(?=\W|$)":
            "a pattern reading the 'preliminary' mark of PX-Web headers",
        "no header row with years found (expected a first column of provinces and year columns such as 2015, "
        "'Prel. 2016', 'Sơ bộ 2024')": "an error for curators quoting what a header looks like",
    },
    "assess/table_panel.py": {r"percent|\bshare\b|%|tỷ lệ|ty le":
                              "a pattern telling a share's table title, English or Vietnamese, to set its bounds",
                              r"\branks?\b|\branking\b|xếp hạng|xep hang|thứ hạng|thu hang":
                              "a pattern telling a table of ranks, English or Vietnamese, so it is not forecast"},
    "data/validate.py": {"triệu|million": "a pattern reading 'million' in a quoted figure"},
}
# A letter of at most two characters ('đ', 'Đ') is folded to ASCII for search and slugs, not a word.
LETTER_MAX = 2


def _modules() -> list[str]:
    return sorted(p.relative_to(SRC).as_posix() for p in SRC.rglob("*.py"))


def _docstrings(tree: ast.AST) -> set[int]:
    return {id(n.body[0].value) for n in ast.walk(tree)
            if isinstance(n, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and n.body
            and isinstance(n.body[0], ast.Expr) and isinstance(n.body[0].value, ast.Constant)}


def _written(node: ast.AST | None) -> bool:
    """Written text: a non-empty string literal or an f-string."""
    return (isinstance(node, ast.Constant) and isinstance(node.value, str) and bool(node.value.strip())) \
        or isinstance(node, ast.JoinedStr)


def word_lists(tree: ast.AST, allowed: dict[str, str] | None = None) -> list[tuple[int, str]]:
    """Dicts holding text under a language code, and tuples of texts pairing Vietnamese with another language
    (unless every Vietnamese text of the tuple is ``allowed``)."""
    allowed = allowed or {}
    out = []
    for n in ast.walk(tree):
        if isinstance(n, ast.Dict):
            held = [k.value for k, v in zip(n.keys, n.values)
                    if isinstance(k, ast.Constant) and k.value in C.LANGS and _written(v)]
            if held:
                out.append((n.lineno, f"text under {held}: {ast.unparse(n)[:70]}"))
        if isinstance(n, ast.Tuple) and len(n.elts) >= 2 and all(_written(e) for e in n.elts):
            texts = [e.value for e in n.elts if isinstance(e, ast.Constant)]
            vi = [x for x in texts if VI_LETTERS.search(x)]
            if vi and len(vi) < len(texts) and not set(vi) <= set(allowed):
                out.append((n.lineno, f"a language pair: {ast.unparse(n)[:70]}"))
    return out


def vietnamese_strings(tree: ast.AST, allowed: dict[str, str]) -> list[tuple[int, str]]:
    docs = _docstrings(tree)
    return [(n.lineno, n.value[:70]) for n in ast.walk(tree)
            if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in docs
            and VI_LETTERS.search(n.value) and len(n.value) > LETTER_MAX and n.value not in allowed]


def written_languages(tree: ast.AST) -> list[tuple[int, str]]:
    """A tuple or list of two or more language codes written out (``("vi", "en")``)."""
    return [(n.lineno, ast.unparse(n)) for n in ast.walk(tree)
            if isinstance(n, (ast.Tuple, ast.List)) and len(n.elts) >= 2
            and all(isinstance(e, ast.Constant) and e.value in C.LANGS for e in n.elts)]


@pytest.mark.parametrize("module", _modules())
def test_no_word_list_or_vietnamese_word_outside_the_catalogues(module):
    if module in ALLOWED_MODULES:
        return
    tree = ast.parse((SRC / module).read_text(encoding="utf-8"))
    offences = word_lists(tree, ALLOWED.get(module)) + vietnamese_strings(tree, ALLOWED.get(module, {}))
    assert not offences, "\n".join(f"{module}:{line}: {what!r}" for line, what in offences)


@pytest.mark.parametrize("module", _modules())
def test_the_languages_are_read_from_languages_yaml_not_written_out(module):
    tree = ast.parse((SRC / module).read_text(encoding="utf-8"))
    assert not written_languages(tree), [f"{module}:{line}: {what}" for line, what in written_languages(tree)]


def test_the_notebooks_take_their_languages_from_the_runner():
    for nb in NOTEBOOKS.glob("*.ipynb"):
        text = nb.read_text(encoding="utf-8")
        assert not re.search(r'\[\\"vi\\", \\"en\\"\]|\(\\"vi\\", \\"en\\"\)', text), nb.name
        assert 'if lang == \\"vi\\" else' not in text, nb.name  # a sentence pair: the catalogues hold it


def test_every_allowed_string_is_still_there():
    """An allow-list entry whose string has gone would let a new one pass under its name."""
    for module, strings in ALLOWED.items():
        tree = ast.parse((SRC / module).read_text(encoding="utf-8"))
        found = {n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)}
        assert not set(strings) - found, (module, set(strings) - found)
    assert all((SRC / m).exists() for m in ALLOWED_MODULES)


def test_the_scan_finds_a_word_list_a_pair_and_a_vietnamese_word():
    code = ('STATUS = {"achieved": {"vi": "Đã đạt", "en": "Achieved"}}\n'
            'WORDS = {"commune": ("cấp xã", "commune")}\n'
            'x = f"{n} người"\nLANGS = ("vi", "en")\n'
            'ok = {"vi": "", "en": ""}\nfold = "đ"\n')
    tree = ast.parse(code)
    assert sorted(line for line, _ in word_lists(tree)) == [1, 2]
    assert sorted(line for line, _ in vietnamese_strings(tree, {})) == [1, 2, 3]
    assert [line for line, _ in written_languages(tree)] == [4]


def test_the_catalogue_loader_reads_the_languages_file(tmp_path):
    path = tmp_path / "languages.yaml"
    path.write_text("languages:\n  - {code: vi, name: V, locale: vi_VN, web_locale: vi_VN, thousands: '.', decimal: ','}\n"
                    "curated_in: en\n", encoding="utf-8")
    with pytest.raises(ValueError, match=re.escape(str(path)) + ".*curated_in"):
        C._load_languages(path)
    path.write_text("languages:\n  - {code: vi, name: V, locale: vi_VN}\ncurated_in: vi\n", encoding="utf-8")
    with pytest.raises(ValueError, match="web_locale, thousands, decimal"):
        C._load_languages(path)
    assert C.LANGS[0] == "vi" and set(C.LANGS) == {"vi", "en"}
    assert all((C.MESSAGES_DIR / f"{code}.yaml").exists() for code in C.LANGS)
