"""The course build: HTML pages in notebook order with an index, and a student edition without solutions."""
import json
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from notebook_tools import course_notebooks, parameter_defaults, strip_solution, student_edition

ROOT = Path(__file__).resolve().parent.parent


def test_strip_solution_blocks():
    src = "x = ...\n# BEGIN SOLUTION\nx = 1\n# END SOLUTION\ncheck('01.a', x)"
    assert strip_solution(src) == "x = ...\ncheck('01.a', x)"
    for bad, words in [("# BEGIN SOLUTION\nx = 1", "without '# END"), ("x = 1\n# END SOLUTION", "without '# BEGIN"),
                       ("# BEGIN SOLUTION\n# BEGIN SOLUTION\n# END SOLUTION", "nested")]:
        with pytest.raises(ValueError, match=words):
            strip_solution(bad)


def test_student_edition_removes_solutions_and_outputs():
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# 99 · T"),
        nbformat.v4.new_markdown_cell("the answer is 1", metadata={"tags": ["solution"]}),
        nbformat.v4.new_code_cell("x = ...\n# BEGIN SOLUTION\nx = 1\n# END SOLUTION\ncheck('99.x', x)",
                                  metadata={"tags": ["exercise", "solution"]}, execution_count=3,
                                  outputs=[nbformat.v4.new_output("stream", text="✅")]),
    ])
    student = student_edition(nb)
    assert len(student.cells) == 2  # the solution prose is gone
    code = student.cells[1]
    assert code.source == "x = ...\ncheck('99.x', x)" and code.outputs == [] and code.execution_count is None
    assert student.metadata["course"]["edition"] == "student"
    assert "x = 1" in nb.cells[2].source  # the instructor notebook is untouched


def test_parameter_defaults_refuse_code():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("A = 1\nB = 'x'", metadata={"tags": ["parameters"]})])
    assert parameter_defaults(nb) == {"A": 1, "B": "x"}
    nb.cells[0].source = "A = compute()"
    with pytest.raises(ValueError, match="NAME = literal"):
        parameter_defaults(nb)


def test_build_renders_index_in_order(tmp_path):
    out = subprocess.run([sys.executable, str(ROOT / "tools" / "build_course.py"), "--skip-execute", "--out", str(tmp_path)],
                         capture_output=True, text=True, cwd=ROOT / "tools", timeout=600)
    assert out.returncode == 0, out.stderr[-2000:]
    books = course_notebooks()
    index = (tmp_path / "html" / "index.html").read_text(encoding="utf-8")
    links = re.findall(r'<a href="(\d\d_\w+)\.html">', index)
    assert links == [p.stem for p in books]
    assert len(re.findall(r"<td>about \d+ minutes</td>", index)) == len(books), "time estimates missing or untidy"
    for p in books:
        page = (tmp_path / "html" / f"{p.stem}.html").read_text(encoding="utf-8")
        assert "<html" in page and len(page) > 10_000
        student = json.loads((tmp_path / "student" / p.name).read_text(encoding="utf-8"))
        text = json.dumps(student)
        assert "BEGIN SOLUTION" not in text and '"outputs": []' in text
        assert all(not c.get("outputs") for c in student["cells"] if c["cell_type"] == "code")
