"""The glossary: fragments well formed, the generated page up to date, every {term} defined."""
import json
import re
from pathlib import Path

import pytest

from conftest import load_tool

ROOT = Path(__file__).resolve().parent.parent
TERM_ROLE = re.compile(r"\{term\}`([^`]+)`")


mg = load_tool("make_glossary")


def _term_target(text: str) -> str:
    """The glossary entry a {term} role points at: `shown text <target>` or `target`."""
    m = re.search(r"<([^<>]+)>\s*$", text)
    return (m.group(1) if m else text).strip().lower()


def _sources():
    """(path, text) of every page of the book: chapters, exercises, appendix and intro."""
    for path in sorted(ROOT.glob("chapters/*.ipynb")) + sorted(ROOT.glob("exercises/*.ipynb")):
        nb = json.loads(path.read_text(encoding="utf-8"))
        text = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
        yield path, text
    for path in [ROOT / "intro.md", *sorted(ROOT.glob("appendix/*.md"))]:
        if path.exists() and path.name != "glossary.md":
            yield path, path.read_text(encoding="utf-8")


@pytest.mark.parametrize("path", sorted((ROOT / "glossary").glob("*.yml")), ids=lambda p: p.name)
def test_fragment_is_well_formed(path):
    entries = mg.load_fragment(path)
    assert entries, f"{path.name} holds no terms"


def test_committed_page_is_up_to_date():
    expected = mg.render(mg.load_all())
    actual = (ROOT / "appendix" / "glossary.md").read_text(encoding="utf-8")
    assert actual == expected, "appendix/glossary.md is stale: run python tools/make_glossary.py"


def test_every_term_used_is_defined():
    defined = {e["term"].lower() for e in mg.load_all()}
    missing = []
    for path, text in _sources():
        for raw in TERM_ROLE.findall(text):
            if _term_target(raw) not in defined:
                missing.append(f"{path.relative_to(ROOT)}: {{term}}`{raw}`")
    assert not missing, "terms used but not in any glossary/chNN.yml:\n" + "\n".join(missing)


@pytest.mark.parametrize("bad, message", [
    ("- term: x\n  korean: y\n", "exactly the keys"),
    ("- term: x\n  korean: ''\n  definition: d\n", "non-empty"),
    ("term: x\n", "list of entries"),
    ("- [1, 2]\n", "mapping"),
    ("- term: 'a : b'\n  korean: k\n  definition: d\n", "may not contain"),
    ("- term: x\n  korean: y\n  definition: |\n    two\n    lines\n", "one line"),
])
def test_malformed_fragments_are_rejected(tmp_path, bad, message):
    (tmp_path / "chapters").mkdir()
    (tmp_path / "chapters" / "01_intro.ipynb").write_text("{}")
    fragment = tmp_path / "ch01.yml"
    fragment.write_text(bad, encoding="utf-8")
    with pytest.raises(mg.GlossaryError, match=message):
        mg.load_fragment(fragment, root=tmp_path)


def test_duplicate_terms_keep_the_earlier_chapter(tmp_path):
    (tmp_path / "chapters").mkdir()
    for n in ("01_a", "02_b"):
        (tmp_path / "chapters" / f"{n}.ipynb").write_text("{}")
    folder = tmp_path / "glossary"
    folder.mkdir()
    (folder / "ch01.yml").write_text("- term: Weight\n  korean: 가중치\n  definition: first\n", encoding="utf-8")
    (folder / "ch02.yml").write_text("- term: weight\n  korean: 가중치\n  definition: second\n", encoding="utf-8")
    notes = []
    entries = mg.load_all(folder, root=tmp_path, notes=notes)
    assert [e["definition"] for e in entries] == ["first"] and notes


def test_term_target_parsing():
    assert _term_target("neural networks <neural network>") == "neural network"
    assert _term_target("Deep learning") == "deep learning"


@pytest.mark.parametrize("path", sorted((ROOT / "glossary").glob("ch*.yml")), ids=lambda p: p.name)
def test_every_key_term_is_linked_from_its_chapter(path):
    """Each term of ``glossary/chNN.yml`` is linked with {term} at least once in chapter NN."""
    chapter = next(ROOT.glob(f"chapters/{path.stem[2:]}_*.ipynb"))
    nb = json.loads(chapter.read_text(encoding="utf-8"))
    text = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    linked = {_term_target(raw) for raw in TERM_ROLE.findall(text)}
    unlinked = [e["term"] for e in mg.load_fragment(path) if e["term"].lower() not in linked]
    assert not unlinked, f"{chapter.name} never links these key terms with {{term}}: {unlinked}"
