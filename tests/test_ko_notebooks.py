"""tools/ko_notebooks.py: the Korean notebooks are the English ones with translated markdown.

The catalogs here are made in the test (every block of a notebook mapped to a marked string), so
the tests do not depend on how far the translators have got.
"""
from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys

import pytest

from conftest import ROOT, load_solutions

spec = importlib.util.spec_from_file_location("ko_notebooks", ROOT / "tools" / "ko_notebooks.py")
ko = importlib.util.module_from_spec(spec)
spec.loader.exec_module(ko)

MD = ko._parser()

SAMPLE = """\
# A heading with `code`

A paragraph over
two lines, with $x^2$ and a [link](../chapters/02_perceptrons.ipynb).

- an item
  that goes on
- another item

| column a | column b |
|---|---|
| cell one | cell two |

:::{admonition} A note's title
:class: tip
Inside the note.
:::

```{code-block} python
x = 1  # not prose
```

$$
y = w x + b
$$
"""


def _blocks(text: str) -> list[str]:
    return [ko.msgid(t) for _, _, t in ko._blocks(MD, text, 0)]


def _marked(ids) -> dict[str, str]:
    """A hand-made catalog: each English message -> a marked 'translation' of it."""
    return {i: f"[ko {n}] 번역" for n, i in enumerate(ids)}


def test_blocks_are_the_messages_sphinx_extracts():
    assert _blocks(SAMPLE) == [
        "A heading with `code`",
        "A paragraph over two lines, with $x^2$ and a [link](../chapters/02_perceptrons.ipynb).",
        "an item that goes on", "another item", "column a", "column b", "cell one", "cell two",
        "A note's title", "Inside the note."]


def test_every_block_is_replaced_and_the_markup_kept():
    catalog = _marked(_blocks(SAMPLE))
    out, missing = ko.translate_markdown(SAMPLE, catalog)
    assert missing == []
    assert _blocks(out) == list(catalog.values()), out
    for kept in ("# [ko 0]", "- [ko 2]", "| [ko 6] 번역 | [ko 7] 번역 |", ":::{admonition} [ko 8]",
                 ":class: tip", "x = 1  # not prose", "$$\ny = w x + b\n$$"):
        assert kept in out, f"expected {kept!r} in the translated cell; got:\n{out}"


def test_a_block_without_translation_stays_english_and_is_reported():
    ids = _blocks(SAMPLE)
    catalog = _marked(ids)
    del catalog[ids[1]], catalog[ids[6]]
    out, missing = ko.translate_markdown(SAMPLE, catalog)
    assert missing == [ids[1], ids[6]]
    assert "A paragraph over\ntwo lines" in out and "| cell one |" in out


@pytest.mark.parametrize("rel", ["chapters/03_activation_functions.ipynb",
                                 "exercises/03_activation_functions.ipynb"])
def test_real_notebook_code_identical_structure_unchanged_prose_replaced(rel):
    nb = json.loads((ROOT / rel).read_text(encoding="utf-8"))
    ids = [ko.msgid(t) for c in nb["cells"] if c["cell_type"] == "markdown"
           for _, _, t in ko._blocks(MD, ko._source(c), 0)]
    catalog = _marked(dict.fromkeys(ids))
    new, missing = ko.translate_notebook(nb, catalog)
    assert missing == []
    assert new["metadata"]["dlcourse"]["language"] == "ko"
    assert {k: v for k, v in new["metadata"].items() if k != "dlcourse"} == \
        {k: v for k, v in nb["metadata"].items() if k != "dlcourse"}
    assert len(new["cells"]) == len(nb["cells"])
    for old, cell in zip(nb["cells"], new["cells"]):
        assert (cell["cell_type"], cell.get("id"), cell["metadata"]) == \
            (old["cell_type"], old.get("id"), old["metadata"])
        if (old["metadata"].get("dlcourse") or {}).get("colab_setup"):
            assert ko._source(cell) == ko.colab_cell(ko._source(old)), "the Colab cell"
        elif old["cell_type"] == "code":
            assert json.dumps(cell) == json.dumps(old), f"code cell {old.get('id')} changed"
        else:
            left = [b for b in (ko.msgid(t) for _, _, t in ko._blocks(MD, ko._source(cell), 0))
                    if b not in catalog.values()]
            assert left == [], f"cell {old.get('id')}: blocks still in English: {left}"


def test_the_korean_colab_cell_sets_the_language_only_on_colab(tmp_path):
    """On Colab the kernel cannot read the notebook's language, so the Korean notebook's Colab
    cell sets DLCOURSE_LANGUAGE inside its Colab-only block; anywhere else it does nothing."""
    nb = json.loads((ROOT / "chapters" / "02_perceptrons.ipynb").read_text(encoding="utf-8"))
    cell = next(c for c in nb["cells"] if c["metadata"].get("dlcourse", {}).get("colab_setup"))
    korean = ko.colab_cell(ko._source(cell))
    assert korean.startswith(ko._source(cell).rstrip("\n"))
    assert 'os.environ.setdefault("DLCOURSE_LANGUAGE", "ko")' in korean
    assert ko.colab_cell(korean) == korean  # once
    compile(korean, "colab-cell", "exec")
    env = {k: v for k, v in os.environ.items() if k != "DLCOURSE_LANGUAGE"}
    script = korean + "\nimport os\nprint(os.environ.get('DLCOURSE_LANGUAGE'))"
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         env=env, check=True).stdout.strip()
    assert out == "None"  # not on Colab: nothing set, nothing installed


def test_the_english_notebook_is_not_modified():
    path = ROOT / "exercises/02_perceptrons.ipynb"
    before = path.read_bytes()
    nb = json.loads(before)
    ko.translate_notebook(nb, {})
    assert json.loads(before) == nb


def test_write_notebooks_writes_every_notebook_with_its_language(tmp_path):
    report = ko.write_notebooks(tmp_path)
    assert sorted(report) == sorted(str(p) for p in ko.notebooks())
    for rel in ko.notebooks():
        nb = json.loads((tmp_path / rel).read_text(encoding="utf-8"))
        assert nb["metadata"]["dlcourse"]["language"] == "ko", rel
    stamp = {p: p.stat().st_mtime_ns for p in tmp_path.rglob("*.ipynb")}
    ko.write_notebooks(tmp_path)  # unchanged: nothing rewritten
    assert stamp == {p: p.stat().st_mtime_ns for p in tmp_path.rglob("*.ipynb")}


def test_cli_strict_fails_on_untranslated(tmp_path, capsys):
    catalogs = tmp_path / "empty"
    catalogs.mkdir()
    report = ko.write_notebooks(tmp_path / "out", catalogs=catalogs)
    assert all(report.values()), "with no catalogs every notebook has English blocks left"
    assert ko.main(["--out", str(tmp_path / "cli")]) == 0
    assert "ko_notebooks: wrote" in capsys.readouterr().out


@pytest.mark.slow
def test_korean_exercise_notebook_still_grades(tmp_path):
    """Solutions pasted into the Korean notebook's answer cells score full marks in the batch
    grader: the answer cells kept their metadata and the notebook its chapter."""
    from dlcourse.grading.batch import grade

    rel = "exercises/02_perceptrons.ipynb"
    nb = json.loads((ROOT / rel).read_text(encoding="utf-8"))
    ids = [ko.msgid(t) for c in nb["cells"] if c["cell_type"] == "markdown"
           for _, _, t in ko._blocks(MD, ko._source(c), 0)]
    new, _ = ko.translate_notebook(nb, _marked(dict.fromkeys(ids)))
    solutions = load_solutions("02").SOLUTIONS
    for cell in new["cells"]:
        ex_id = cell["metadata"].get("dlcourse", {}).get("exercise")
        if ex_id:
            cell["source"] = solutions[ex_id]
    sub = tmp_path / "02_perceptrons.ipynb"
    sub.write_text(json.dumps(new, ensure_ascii=False), encoding="utf-8")
    rows = grade([sub], timeout=60, jobs=1)
    assert rows and all(r.status == "passed" for r in rows), [(r.exercise, r.status) for r in rows]


@pytest.mark.slow
def test_korean_notebook_in_jupyter_checks_in_korean(tmp_path, monkeypatch):
    """Run as JupyterLab runs it (the server tells the kernel its notebook in JPY_SESSION_NAME):
    the Korean exercise notebook's check cells and score table answer in Korean, with no
    language set anywhere else."""
    import nbformat
    from nbclient import NotebookClient

    ko.write_notebooks(tmp_path)
    path = tmp_path / "exercises" / "02_perceptrons.ipynb"
    for var in ("DLCOURSE_LANGUAGE", "LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    monkeypatch.setenv("JPY_SESSION_NAME", str(path))
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=120, resources={"metadata": {"path": str(tmp_path)}}).execute()
    shown = "\n".join(o.get("data", {}).get("text/plain", "") for c in nb.cells
                      if c.cell_type == "code" for o in c.get("outputs", []))
    assert "아직 풀지 않음" in shown and "02장 연습 문제" in shown, shown
    assert "not attempted yet" not in shown, shown


# --- the committed Korean notebooks (ko/), which the Korean pages' launch buttons open ----------
def test_the_committed_korean_notebooks_are_up_to_date():
    found = ko.out_of_step()
    assert not found, ("the Korean notebooks in ko/ are not what tools/ko_notebooks.py writes "
                       "now (run it, or tools/build-book.sh, and commit ko/):\n"
                       + "\n".join(found))


def test_the_committed_korean_notebooks_have_the_english_code_and_no_outputs():
    for rel in ko.notebooks():
        english = json.loads((ROOT / rel).read_text(encoding="utf-8"))
        korean = json.loads((ROOT / "ko" / rel).read_text(encoding="utf-8"))
        code = [c for c in korean["cells"] if c["cell_type"] == "code"]
        english_code = [c for c in english["cells"] if c["cell_type"] == "code"]
        lesson = [c for c in code if not c["metadata"].get("dlcourse", {}).get("colab_setup")]
        assert lesson == [c for c in english_code
                          if not c["metadata"].get("dlcourse", {}).get("colab_setup")], rel
        assert all(not c.get("outputs") and c.get("execution_count") is None for c in code), \
            f"ko/{rel}: code cells with outputs (expected none, as in the English notebook)"
        assert korean["metadata"]["dlcourse"]["language"] == "ko", rel


def test_out_of_step_sees_a_changed_a_missing_and_an_extra_notebook(tmp_path):
    ko.write_notebooks(tmp_path)
    assert ko.out_of_step(tmp_path) == []
    changed = tmp_path / "chapters" / "02_perceptrons.ipynb"
    changed.write_text(changed.read_text(encoding="utf-8").replace("퍼셉트론", "perceptron", 1),
                       encoding="utf-8")
    (tmp_path / "exercises" / "03_activation_functions.ipynb").unlink()
    (tmp_path / "chapters" / "99_extra.ipynb").write_text("{}", encoding="utf-8")
    found = ko.out_of_step(tmp_path)
    assert [line.split(":")[0] for line in found] == [
        "chapters/02_perceptrons.ipynb", "exercises/03_activation_functions.ipynb",
        "chapters/99_extra.ipynb"], found
    assert ko.main(["--check", "--out", str(tmp_path)]) == 1
    ko.write_notebooks(tmp_path)
    assert ko.out_of_step(tmp_path) == [], "write_notebooks did not bring the folder in step"
    assert ko.main(["--check", "--out", str(tmp_path)]) == 0


@pytest.mark.slow
@pytest.mark.parametrize("rel", ["chapters/02_perceptrons.ipynb",
                                 "exercises/02_perceptrons.ipynb"])
def test_a_committed_korean_notebook_runs_where_binder_opens_it(tmp_path, rel):
    """Binder and Colab open ko/<dir>/<name>.ipynb from the repository, so the kernel's cwd is
    ko/<dir>: the notebook runs top to bottom there (no path relative to chapters/ or
    exercises/). Only ko/ is copied, so a path reaching outside it fails here."""
    import shutil

    import nbformat
    from nbclient import NotebookClient

    shutil.copytree(ROOT / "ko", tmp_path / "ko")
    path = tmp_path / "ko" / rel
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
              if o.get("output_type") == "error"]
    assert not errors, errors
