"""The developer tooling: lint, the hosted CI workflow, pre-commit, `make help`, the one-command
regeneration, the README's generated figures, and the tools that execute notebooks and hash data."""

import hashlib
import re
import shutil
import subprocess
import sys

import nbformat
import pytest
import yaml

from tools import execute_notebooks, manifest, readme_figures, regenerate
from tools.project import (
    README,
    ROOT,
    course_notebooks,
    find_notebooks,
    requirement_pins,
    supported_pythons,
)

# ---------------------------------------------------------------- lint


def _ruff(*args):
    return subprocess.run(
        [sys.executable, "-m", "ruff", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )


def test_ruff_finds_nothing():
    """`make lint`'s first half: ruff check on every .py file and notebook (config: pyproject.toml)."""
    out = _ruff("check", ".", "--output-format", "concise", "--quiet")
    files = sorted(
        {line.split(":")[0] for line in out.stdout.splitlines() if ":" in line}
    )
    assert out.returncode == 0, (
        f"ruff check: findings in {len(files)} file(s): {', '.join(files)}\n"
        + "\n".join(out.stdout.splitlines()[:40])
        + "\nfix them (`make format` applies the safe fixes), then `make lint`"
    )


def test_ruff_format_is_applied():
    """`make lint`'s second half: every file as `ruff format` writes it."""
    out = _ruff("format", "--check", ".")
    files = [
        line.removeprefix("Would reformat: ")
        for line in out.stdout.splitlines()
        if line.startswith("Would reformat")
    ]
    assert out.returncode == 0, (
        f"ruff format would change {len(files)} file(s): {', '.join(files)}; run `make format`"
    )


def test_make_lint_runs_both_checks():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    recipe = re.search(r"^lint:.*\n((?:\t.*\n)+)", makefile, re.M)
    assert recipe, "Makefile needs a lint target"
    assert "ruff check ." in recipe.group(1)
    assert "ruff format --check ." in recipe.group(1)


# ---------------------------------------------------------------- hosted CI


def workflow():
    data = yaml.safe_load(
        (ROOT / ".github" / "workflows" / "ci.yml").read_text(encoding="utf-8")
    )
    # YAML 1.1 reads the key `on` as True
    return data, data.get("on", data.get(True))


def _runs(job):
    return [step.get("run", "") for step in job["steps"]]


def test_ci_runs_the_fast_lane_on_every_push_and_pull_request():
    data, on = workflow()
    assert "push" in on and "pull_request" in on
    fast = data["jobs"]["fast"]
    assert any(run.strip() == "make test-fast" for run in _runs(fast)), _runs(
        fast
    )
    assert "push" in fast["if"] and "pull_request" in fast["if"]
    readme = README.read_text(encoding="utf-8")
    assert (
        "`make test-fast` runs every test except those that execute notebooks"
        in readme
    ), "README no longer names the fast lane the workflow runs"


def test_ci_runs_the_whole_suite_nightly_and_on_demand():
    data, on = workflow()
    assert "schedule" in on and "workflow_dispatch" in on
    assert all(
        re.fullmatch(r"[\d*/,-]+ [\d*/,-]+ \* \* \*", s["cron"])
        for s in on["schedule"]
    ), on["schedule"]
    full = data["jobs"]["full"]
    assert "schedule" in full["if"] and "workflow_dispatch" in full["if"]
    assert any(run.strip() == ".ci/run" for run in _runs(full)), _runs(full)
    readme = README.read_text(encoding="utf-8")
    assert (
        "`.ci/run` runs `make test` on the oldest and then on the newest"
        in readme
    )
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_ci_covers_the_supported_pythons_with_a_pip_cache():
    """The matrix is the oldest and the newest of pyproject's classifiers; the full job sets up both."""
    data, _ = workflow()
    pythons = supported_pythons()
    want = [pythons[0], pythons[-1]]
    matrix = data["jobs"]["fast"]["strategy"]["matrix"]["python-version"]
    assert [str(v) for v in matrix] == want, (
        f"the fast lane's matrix {matrix} should be the oldest and newest supported Pythons {want} "
        "(pyproject.toml's classifiers)"
    )
    for name, job in data["jobs"].items():
        setup = next(
            s
            for s in job["steps"]
            if s.get("uses", "").startswith("actions/setup-python")
        )
        assert setup["with"]["cache"] == "pip", f"job {name}: no pip cache"
        if name == "full":
            assert str(setup["with"]["python-version"]).split() == want


# ---------------------------------------------------------------- pre-commit and make help


def test_pre_commit_runs_ruff_and_checks_the_student_edition_locally():
    config = yaml.safe_load(
        (ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8")
    )
    hooks = {h["id"]: h for repo in config["repos"] for h in repo["hooks"]}
    assert all(repo["repo"] == "local" for repo in config["repos"]), (
        "hooks run the course environment's tools (pre-commit cannot download here)"
    )
    assert "ruff check" in hooks["ruff-check"]["entry"]
    assert "ruff format" in hooks["ruff-format"]["entry"]
    assert hooks["student-edition"]["entry"].endswith("tools.editions --check")
    assert re.search(hooks["student-edition"]["files"], "notebooks/03_x.ipynb")
    for hook in hooks.values():
        assert hook["entry"].startswith(".venv/bin/"), hook["entry"]


def test_make_help_lists_every_target_with_its_comment():
    if not shutil.which("make"):
        pytest.skip("make is not installed")
    out = subprocess.run(
        ["make", "--no-print-directory", "help"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert out.returncode == 0, out.stderr
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    targets = re.findall(r"^([a-z][a-z-]*):", makefile, re.M)
    listed = re.findall(r"^  make (\S+) +\S", out.stdout, re.M)
    assert set(listed) == set(targets) - {"need-nb"}, (
        f"make help lists {listed}; the Makefile has {targets} (give each a `## ` comment)"
    )
    assert "make notebook " in out.stdout and "make test-fast" in out.stdout


# ---------------------------------------------------------------- one command after an edit


def test_make_notebook_runs_the_whole_regeneration():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(
        r"^notebook:.*\n\t\$\(PY\) -m tools\.regenerate \$\(NB\)",
        makefile,
        re.M,
    )
    labels = [label for label, _, _ in regenerate.steps(["03"])]
    assert labels == ["execute", "times", "readme figures", "student edition"]
    assert [
        label for label, _, _ in regenerate.steps(["03"], execute=False)
    ] == labels[1:]


def test_regenerate_stops_at_the_first_failing_step(monkeypatch, capsys):
    ran = []

    def fake_steps(names, execute=True):
        return [
            (
                "execute",
                lambda argv: ran.append(("execute", argv)) or 0,
                names,
            ),
            ("times", lambda argv: ran.append(("times", argv)) or 3, names),
            ("student edition", lambda argv: ran.append("editions") or 0, []),
        ]

    monkeypatch.setattr(regenerate, "steps", fake_steps)
    assert regenerate.main(["03"]) == 3
    assert ran == [("execute", ["03"]), ("times", ["03"])]
    assert "step 'times' failed (exit 3)" in capsys.readouterr().err
    assert regenerate.main(["99"]) == 2
    assert "no notebook matches ['99']" in capsys.readouterr().err


def test_find_notebooks_by_number_or_name():
    books = course_notebooks()
    assert find_notebooks(["03"]) == [books[3]]
    assert find_notebooks([]) == books
    with pytest.raises(
        ValueError, match=r"no notebook matches \['nope'\].*NB=03"
    ):
        find_notebooks(["nope"])


def test_readme_benchmark_figures_come_from_the_bench_table():
    text = README.read_text(encoding="utf-8")
    assert readme_figures.readme_text(text) == text, (
        "README's figures in 'Budgets and benchmarks' differ from bench/results/notebooks.md: "
        "run python -m tools.readme_figures"
    )
    table = readme_figures.NOTEBOOKS_TABLE.read_text(encoding="utf-8")
    figures = readme_figures.read_notebook_bench(table)
    assert figures["notebooks"] == len(course_notebooks())
    paragraph = readme_figures.budgets_paragraph(figures)
    assert f"took {figures['total_s']:.0f} s in all" in paragraph
    changed = table.replace("| **total** | **", "| **total** | **1", 1)
    assert (
        f"took 1{figures['total_s']:.0f} s"
        in readme_figures.budgets_paragraph(
            readme_figures.read_notebook_bench(changed)
        )
    )
    with pytest.raises(ValueError, match="rerun `make bench`"):
        readme_figures.read_notebook_bench("# something else")


# ---------------------------------------------------------------- facts stated once


def test_supported_pythons_and_pins_come_from_one_parser(
    tmp_path, monkeypatch
):
    assert supported_pythons()[0] == "3.11"
    pins = requirement_pins()
    assert pins["torch"] and "pytest" not in pins
    assert "pytest" in requirement_pins("requirements-dev.txt")
    import helpers.project

    (tmp_path / "requirements.txt").write_text(
        "# comment\nNumPy==2.0.1  # why\n-r other.txt\n\nscikit_image==0.26.0\n"
    )
    monkeypatch.setattr(helpers.project, "PROJECT_ROOT", tmp_path)
    assert requirement_pins() == {"numpy": "2.0.1", "scikit-image": "0.26.0"}
    (tmp_path / "requirements.txt").write_text("numpy>=2\n")
    with pytest.raises(
        ValueError, match=r"requirements.txt:1: 'numpy>=2' is not an exact pin"
    ):
        requirement_pins()


def test_the_project_root_is_defined_once():
    """helpers.sources defines the course root; every other module takes it from there (tools, tests,
    benches and binder through tools.project.ROOT), none computes it from its own file's place."""
    pattern = re.compile(
        r"Path\(__file__\)\.resolve\(\)\.(parent\.parent|parents\[1\])"
    )
    folders = ("helpers", "tools", "tests", "bench", "binder", "foldertag")
    own = [
        p for folder in folders for p in sorted((ROOT / folder).rglob("*.py"))
    ]
    assert ROOT / "helpers" / "sources.py" in own
    defining = [
        str(p.relative_to(ROOT))
        for p in own
        if pattern.search(p.read_text(encoding="utf-8"))
    ]
    assert defining == ["helpers/sources.py"], (
        f"these compute the course root themselves: {defining}; "
        "import it instead: from tools.project import ROOT"
    )


# ---------------------------------------------------------------- tools/execute_notebooks.py


def _tiny_notebook(path):
    nb = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_code_cell("x = 6 * 7"),
            nbformat.v4.new_code_cell("print(x)"),
        ],
        metadata={
            "kernelspec": {
                "name": "python3",
                "display_name": "Python 3",
                "language": "python",
            }
        },
    )
    nbformat.write(nb, path)
    return path


def test_execute_notebooks_runs_in_place_top_to_bottom(
    tmp_path, monkeypatch, capsys
):
    path = _tiny_notebook(tmp_path / "99_tiny.ipynb")
    monkeypatch.setattr(
        execute_notebooks, "find_notebooks", lambda names: [path]
    )
    assert execute_notebooks.main(["99"]) == 0
    nb = nbformat.read(path, as_version=4)
    assert [c.execution_count for c in nb.cells] == [1, 2]
    assert nb.cells[1].outputs[0]["text"] == "42\n"
    assert "99_tiny.ipynb: executed (lecture mode)" in capsys.readouterr().out


def test_execute_notebooks_names_what_exists_when_nothing_matches(capsys):
    assert execute_notebooks.main(["no-such-notebook"]) == 1
    out = capsys.readouterr().out
    assert (
        "no notebook matches ['no-such-notebook']" in out
        and "00_setup_check.ipynb" in out
    )


def test_execute_notebooks_full_mode_refuses_unknown_parameters(
    tmp_path, monkeypatch
):
    path = _tiny_notebook(tmp_path / "99_tiny.ipynb")
    nb = nbformat.read(path, as_version=4)
    nb.cells.insert(
        0,
        nbformat.v4.new_code_cell("N = 3", metadata={"tags": ["parameters"]}),
    )
    nb.metadata["course"] = {"full_parameters": {"M": 5}}
    nbformat.write(nb, path)
    monkeypatch.setattr(
        execute_notebooks, "find_notebooks", lambda names: [path]
    )
    monkeypatch.setattr(execute_notebooks, "ROOT", tmp_path)
    with pytest.raises(
        ValueError, match=r"course.full_parameters names \['M'\]"
    ):
        execute_notebooks.main(["--mode", "full", "99"])
    assert (
        nbformat.read(path, as_version=4).cells[1].get("execution_count")
        is None
    )


# ---------------------------------------------------------------- tools/manifest.py


def test_manifest_rehashes_keeps_sources_and_flags_new_files(
    tmp_path, monkeypatch, capsys
):
    data = tmp_path / "data"
    data.mkdir()
    (data / "a.csv").write_text("x\n1\n")
    (data / "README.md").write_text("not listed")
    (data / "sub").mkdir()
    (data / "sub" / "b.txt").write_text("new")
    (data / "MANIFEST").write_text(
        "# path\tsha256\tbytes\tsource\tlicence\na.csv\tstale\t0\ttyped in\tCC0\n"
    )
    monkeypatch.setattr(manifest, "DATA", data)
    monkeypatch.setattr(manifest, "MANIFEST", data / "MANIFEST")
    assert manifest.main() == 0
    rows = [
        line.split("\t")
        for line in (data / "MANIFEST").read_text().splitlines()[1:]
    ]
    digest = hashlib.sha256(b"x\n1\n").hexdigest()
    assert rows == [
        ["a.csv", digest, "4", "typed in", "CC0"],
        ["sub/b.txt", hashlib.sha256(b"new").hexdigest(), "3", "TODO", "TODO"],
    ]
    assert "manifest: 2 files" in capsys.readouterr().out


# ---------------------------------------------------------------- bench/common.py


def test_bench_tables_and_timing(tmp_path, capsys):
    from bench import common

    assert common.markdown_table(["a", "b"], [[1, "x"]], align="lr") == [
        "| a | b |",
        "|---|---:|",
        "| 1 | x |",
    ]
    with pytest.raises(ValueError, match="a row has 1 cells, the header 2"):
        common.markdown_table(["a", "b"], [[1]])
    with pytest.raises(ValueError, match="align='lx'"):
        common.markdown_table(["a", "b"], [], align="lx")
    calls = []
    wall, cpu, out = common.best_time(lambda: calls.append(1) or len(calls), 3)
    assert out == 3 and 0 <= wall and 0 <= cpu
    with pytest.raises(
        ValueError, match="repeats=0; it must be an integer >= 1"
    ):
        common.best_time(lambda: None, 0)
    assert re.fullmatch(
        r"Python 3\.\d+\.\d+ · \S+ · \d+ CPUs · torch threads 2 · load average [\d.]+ \(1 min\)",
        common.machine_line(torch_threads=2),
    )
    path = common.write_result(tmp_path / "t.md", ["# T", "", "| a |"])
    assert path.read_text() == "# T\n\n| a |\n"
    assert f"wrote {path}" in capsys.readouterr().out
