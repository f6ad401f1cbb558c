"""The student edition transform, parameter parsing and the site's page transforms (the built site: tests/test_site.py;
student/: tests/test_editions.py)."""

import nbformat
import pytest

from tools.notebook_tools import (
    mode_parameters,
    parameter_defaults,
    strip_solution,
    student_edition,
)
from tools.project import ROOT


def test_strip_solution_blocks():
    src = "x = ...\n# BEGIN SOLUTION\nx = 1\n# END SOLUTION\ncheck('01.a', x)"
    assert strip_solution(src) == "x = ...\ncheck('01.a', x)"
    for bad, words in [
        ("# BEGIN SOLUTION\nx = 1", "without '# END"),
        ("x = 1\n# END SOLUTION", "without '# BEGIN"),
        ("# BEGIN SOLUTION\n# BEGIN SOLUTION\n# END SOLUTION", "nested"),
    ]:
        with pytest.raises(ValueError, match=words):
            strip_solution(bad)


def test_student_edition_removes_solutions_and_outputs():
    nb = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_markdown_cell("# 99 · T"),
            nbformat.v4.new_markdown_cell(
                "the answer is 1", metadata={"tags": ["solution"]}
            ),
            nbformat.v4.new_code_cell(
                "x = ...\n# BEGIN SOLUTION\nx = 1\n# END SOLUTION\ncheck('99.x', x)",
                metadata={"tags": ["exercise", "solution"]},
                execution_count=3,
                outputs=[nbformat.v4.new_output("stream", text="✅")],
            ),
        ]
    )
    student = student_edition(nb)
    assert len(student.cells) == 2  # the solution prose is gone
    code = student.cells[1]
    assert (
        code.source == "x = ...\ncheck('99.x', x)"
        and code.outputs == []
        and code.execution_count is None
    )
    assert student.metadata["course"]["edition"] == "student"
    # the instructor notebook is untouched
    assert "x = 1" in nb.cells[2].source


def test_parameter_defaults_refuse_code():
    nb = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_code_cell(
                "A = 1\nB = 'x'", metadata={"tags": ["parameters"]}
            )
        ]
    )
    assert parameter_defaults(nb) == {"A": 1, "B": "x"}
    nb.cells[0].source = "A = compute()"
    with pytest.raises(ValueError, match="NAME = literal"):
        parameter_defaults(nb)


def test_mode_parameters_refuse_unknown_names_and_modes():
    nb = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_code_cell(
                "N = 10", metadata={"tags": ["parameters"]}
            )
        ]
    )
    nb.metadata["course"] = {
        "smoke_parameters": {"N": 2},
        "full_parameters": {"N": 1000},
    }
    assert mode_parameters(nb, "lecture") == {}
    assert mode_parameters(nb, "smoke") == {"N": 2} and mode_parameters(
        nb, "full"
    ) == {"N": 1000}
    # on a GPU: full mode, then the GPU's batch sizes on top
    nb.cells[0].source = "N = 10\nBATCH = 32"
    nb.metadata["course"]["gpu_parameters"] = {"BATCH": 512}
    assert mode_parameters(nb, "full-gpu") == {"N": 1000, "BATCH": 512}
    assert mode_parameters(nb, "full") == {"N": 1000}
    nb.metadata["course"]["gpu_parameters"] = {"BATCHES": 512}
    with pytest.raises(
        ValueError, match=r"gpu_parameters names \['BATCHES'\]"
    ):
        mode_parameters(nb, "full-gpu")
    nb.metadata["course"]["full_parameters"] = {"M": 1}
    with pytest.raises(ValueError, match=r"full_parameters names \['M'\]"):
        mode_parameters(nb, "full")
    with pytest.raises(ValueError, match="unknown mode 'fast'"):
        mode_parameters(nb, "fast")


# executes a notebook in a fresh kernel (4-6 s): the notebooks lane, beside the runs it guards
@pytest.mark.notebooks
def test_execution_logs_no_kernel_transport_warning(tmp_path):
    """Notebooks run over local IPC sockets: the build log has no 'running over TCP without encryption'."""
    import subprocess
    import sys

    code = (
        "import nbformat; from tools.notebook_tools import execute; "
        "nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell('print(6 * 7)')]); "
        "execute(nb, cwd=__import__('pathlib').Path('.')); print(nb.cells[0].outputs[0]['text'].strip())"
    )
    run = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert run.returncode == 0 and run.stdout.strip() == "42", (
        run.stdout + run.stderr
    )
    assert "TCP" not in run.stderr and "WARNING" not in run.stderr, run.stderr


@pytest.mark.notebooks
def test_nbval_compares_exercise_outputs(tmp_path):
    """The root conftest makes nbval compare exercise cells: a checker that now says ❌ where the stored
    output says ✅ fails the run (without the hook, --nbval-lax would only check tagged cells)."""
    import subprocess
    import sys

    def notebook(printed):
        cell = nbformat.v4.new_code_cell(
            f"print({printed!r})",
            metadata={"tags": ["exercise", "solution"]},
            execution_count=1,
            outputs=[
                nbformat.v4.new_output(
                    "stream", text="✅ Exercise 99.x: correct!\n"
                )
            ],
        )
        return nbformat.v4.new_notebook(
            cells=[cell],
            metadata={
                "kernelspec": {
                    "name": "python3",
                    "language": "python",
                    "display_name": "Python 3",
                }
            },
        )

    results = {}
    for name, printed in [
        ("good", "✅ Exercise 99.x: correct!"),
        ("bad", "❌ Exercise 99.x: not quite"),
    ]:
        path = tmp_path / f"{name}.ipynb"
        nbformat.write(notebook(printed), path)
        run = subprocess.run(
            [
                sys.executable,
                "-m",
                "pytest",
                "-q",
                "-p",
                "conftest",
                "-p",
                "no:cacheprovider",
                "--nbval-lax",
                "--nbval-current-env",
                "-m",
                "notebooks",
                str(path),
            ],
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=300,
        )
        results[name] = (run.returncode, run.stdout[-1500:])
    assert results["good"][0] == 0, results["good"][1]
    assert results["bad"][0] == 1 and "1 failed" in results["bad"][1], results[
        "bad"
    ][1]


def test_figure_alt_text_comes_from_a_title_or_the_prose():
    from tools.build_course import figure_alt

    cell = nbformat.v4.new_code_cell(
        'show_with_histogram(cat, title="Chelsea, RGB");'
    )
    assert figure_alt(cell, "anything") == "Figure: Chelsea, RGB"
    # depends on a value: use the prose
    cell = nbformat.v4.new_code_cell('ax.set_title(f"{bins} bins")')
    assert (
        figure_alt(cell, "## 5. Colour-based segmentation\nText.")
        == "Figure: Colour-based segmentation"
    )
    md = "Red is **brightest** on average and blue darkest: see [the plot](#x). More text here."
    assert (
        figure_alt(cell, md)
        == "Figure: Red is brightest on average and blue darkest"
    )
    assert figure_alt(cell, None) == "Figure"


def test_site_folds_each_solution_after_the_students_blank():
    from tools.build_course import fold_solutions

    nb = nbformat.v4.new_notebook()
    source = (
        'x = ...\n# BEGIN SOLUTION\nx = 42\n# END SOLUTION\ncheck("00.x", x)'
    )
    cell = nbformat.v4.new_code_cell(
        source, metadata={"tags": ["exercise", "solution"]}
    )
    cell.outputs = [
        nbformat.v4.new_output("stream", text="✅ Exercise 00.x: correct!\n")
    ]
    nb.cells = [nbformat.v4.new_markdown_cell("prompt"), cell]
    assert fold_solutions(nb) == 1
    blank, solution = nb.cells[1], nb.cells[2]
    assert blank.source == 'x = ...\ncheck("00.x", x)' and blank.outputs == []
    assert (
        "solution" not in blank.metadata["tags"]
        and "hide-cell" not in blank.metadata["tags"]
    )
    assert (
        "hide-cell" in solution.metadata["tags"] and solution.source == source
    )
    assert solution.metadata["mystnb"]["code_prompt_show"] == "Show solution"
    assert solution.outputs[0]["text"].startswith("✅")


def test_semester_packs_consecutive_notebooks_into_sessions():
    from tools import build_course

    rows = build_course.readme_notebooks()
    weeks = build_course.semester()
    # every notebook once, in order
    assert [r for week in weeks for r in week] == rows
    for week in weeks:
        total = sum(r["minutes"] for r in week)
        assert total <= build_course.SESSION_MINUTES or len(week) == 1, week
    assert build_course.supported_pythons() == "Python 3.11 to 3.13"
