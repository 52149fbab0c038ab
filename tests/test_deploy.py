"""The cluster recipes of ``deploy/``, simulated: N local processes run the recipes' own
command lines (the Slurm script itself; the Kubernetes Job's container command, read from the
YAML) with the environment variables the schedulers set, and ``dlcourse merge`` joins their
parts into a gradebook identical, byte for byte, to one single run's."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import ROOT, load_solutions, write_notebook

pytestmark = pytest.mark.slow

DEPLOY = ROOT / "deploy"
BIN = Path(sys.executable).parent
IMPORTS = "import numpy as np\nfrom dlcourse.grading import check, score_table"
N = 3


@pytest.fixture(scope="module")
def single(tmp_path_factory):
    """A small class (uneven shares: 5 submissions in 3) and its single run's gradebook."""
    root = tmp_path_factory.mktemp("class")
    subs = root / "submissions"
    subs.mkdir()
    s1, s2 = load_solutions("01").SOLUTIONS, load_solutions("02").SOLUTIONS
    write_notebook(subs / "01_alice.ipynb", [IMPORTS] + [(v, k) for k, v in s1.items()])
    write_notebook(subs / "01_bob.ipynb", [IMPORTS, (s1["01.kmeans_step"], "01.kmeans_step")])
    write_notebook(subs / "02_carol.ipynb", [IMPORTS] + [(v, k) for k, v in s2.items()],
                   chapter="02")
    write_notebook(subs / "02_dan.ipynb", [IMPORTS, ("def and_gate(a, b):\n    return 1\n",
                                                    "02.and_gate")], chapter="02")
    (subs / "01_eve.ipynb").write_text("{ not a notebook", encoding="utf-8")
    out = root / "single.csv"
    files = sorted(str(p) for p in subs.glob("*.ipynb"))
    proc = subprocess.run([str(BIN / "dlcourse"), "grade", *files, "--out", str(out),
                           "--no-cache"], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    return {"root": root, "subs": subs, "bytes": out.read_bytes()}


def _env(**extra) -> dict:
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    env.update({k: str(v) for k, v in extra.items()})
    return env


def _run_all(cmds) -> None:
    procs = [subprocess.Popen(c, env=e, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True) for c, e in cmds]
    for p in procs:
        out, _ = p.communicate(timeout=600)
        assert p.returncode == 0, f"{p.args} failed:\n{out}"


def test_slurm_job_array(single, tmp_path):
    outdir = tmp_path / "grades"
    common = {"SUBMISSIONS": single["subs"], "OUTDIR": outdir, "SLURM_ARRAY_TASK_COUNT": N,
              "SLURM_CPUS_PER_TASK": 1, "SLURM_ARRAY_JOB_ID": 77}
    _run_all([(["bash", str(DEPLOY / "slurm-grade.sh")],
               _env(**common, SLURM_ARRAY_TASK_ID=i)) for i in range(1, N + 1)])
    assert sorted(p.name for p in outdir.glob("part-*.csv")) == [f"part-{i}.csv"
                                                                 for i in range(1, N + 1)]
    _run_all([(["bash", str(DEPLOY / "slurm-merge.sh")], _env(OUTDIR=outdir))])
    assert (outdir / "grades.csv").read_bytes() == single["bytes"]
    assert len(list((outdir / "feedback").glob("*.html"))) == 5


def _k8s_job() -> dict:
    return yaml.safe_load((DEPLOY / "k8s-grade-job.yaml").read_text(encoding="utf-8"))


def test_kubernetes_indexed_job(single, tmp_path):
    job = _k8s_job()
    box = job["spec"]["template"]["spec"]["containers"][0]
    env = {e["name"]: e["value"] for e in box.get("env", [])}
    env.update(SHARDS=N, SUBMISSIONS=single["subs"], OUTDIR=tmp_path / "grades")
    cmd = list(box["command"]) + list(box["args"])
    _run_all([(cmd, _env(**env, JOB_COMPLETION_INDEX=k)) for k in range(N)])  # 0-based
    parts = sorted(str(p) for p in (tmp_path / "grades").glob("part-*.csv"))
    assert [Path(p).name for p in parts] == [f"part-{i}.csv" for i in range(1, N + 1)]
    merged = tmp_path / "merged.csv"
    _run_all([([str(BIN / "dlcourse"), "merge", *parts, "--out", str(merged)], _env())])
    assert merged.read_bytes() == single["bytes"]


def test_kubernetes_job_is_indexed_and_consistent():
    job = _k8s_job()
    spec = job["spec"]
    env = {e["name"]: e["value"] for e in spec["template"]["spec"]["containers"][0]["env"]}
    assert spec["completionMode"] == "Indexed"
    assert spec["completions"] == spec["parallelism"] == int(env["SHARDS"])
    assert "JOB_COMPLETION_INDEX + 1" in spec["template"]["spec"]["containers"][0]["args"][0]


def test_slurm_script_uses_the_array_task_id():
    text = (DEPLOY / "slurm-grade.sh").read_text(encoding="utf-8")
    assert '--shard "$SLURM_ARRAY_TASK_ID/$SHARDS"' in text
    assert "sbatch --array=1-" in text


def test_containerfile_installs_the_grader():
    text = (DEPLOY / "Containerfile").read_text(encoding="utf-8")
    assert text.startswith("#") and "FROM " in text and "pip install" in text
    assert "COPY dlcourse" in text and "USER grader" in text
