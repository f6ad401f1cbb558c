"""The main job: execute every notebook in lecture mode and build the browsable course.

Writes
  build/executed/NN_topic.ipynb   notebooks executed top to bottom (lecture mode)
  build/html/NN_topic.html        their HTML pages, and build/html/index.html in course order
  build/student/NN_topic.ipynb    the student edition: solutions removed, outputs cleared
Usage: python tools/build_course.py [--skip-execute] [--out DIR]
  --skip-execute  render the stored outputs instead of executing (fast; for checking the build)
  --out DIR       write into DIR instead of build/
"""
import html
import re
import sys
import time
from pathlib import Path

import nbformat
from nbconvert import HTMLExporter

from notebook_tools import ROOT, course_notebooks, execute, student_edition

BUILD = ROOT / "build"


def title_and_summary(nb):
    """The '# Title' of the first cell and the time estimate line, for the index page."""
    first = nb.cells[0].source if nb.cells else ""
    m = re.search(r"^#\s+(.+)$", first, re.M)
    title = m.group(1).strip() if m else "(untitled)"
    t = re.search(r"(?i)\*\*time:\*\*\s*([^\n·*]+)", first)  # "**Time:** about 25 minutes · ..."
    return title, (t.group(1).strip() if t else "")


def index_page(rows):
    items = "\n".join(
        f'<tr><td>{html.escape(num)}</td><td><a href="{html.escape(page)}">{html.escape(title)}</a></td>'
        f'<td>{html.escape(minutes)}</td><td><a href="../student/{html.escape(student)}">student notebook</a></td>'
        f'<td>{secs:.0f} s</td></tr>'
        for num, page, title, minutes, student, secs in rows
    )
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Images as Data</title>
<style>body{{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}}
table{{border-collapse:collapse;width:100%}}td,th{{border-bottom:1px solid #ddd;padding:.4rem;text-align:left}}</style>
</head><body>
<h1>Images as Data</h1>
<p>Using images as data in the social sciences: pixels and arrays, colour histograms, texture and entropy,
Haar-like features and faces, the classical machine-learning pipeline, CNNs, autotaggers and Vision Transformers.
Pages below were executed top to bottom in lecture mode when this site was built.</p>
<table><tr><th>#</th><th>notebook</th><th>time</th><th>exercises</th><th>run time</th></tr>
{items}
</table></body></html>
"""


def main(argv):
    skip_execute = "--skip-execute" in argv
    out = Path(argv[argv.index("--out") + 1]) if "--out" in argv else BUILD
    books = course_notebooks()
    if not books:
        print("build_course: no notebooks under notebooks/")
        return 1
    for sub in ("executed", "html", "student"):
        (out / sub).mkdir(parents=True, exist_ok=True)
    exporter = HTMLExporter(template_name="lab")
    rows = []
    for path in books:
        nb = nbformat.read(path, as_version=4)
        t0 = time.perf_counter()
        if not skip_execute:
            execute(nb)
        secs = time.perf_counter() - t0
        nbformat.write(nb, out / "executed" / path.name)
        body, _ = exporter.from_notebook_node(nb)
        page = path.with_suffix(".html").name
        (out / "html" / page).write_text(body, encoding="utf-8")
        nbformat.write(student_edition(nbformat.read(path, as_version=4)), out / "student" / path.name)
        title, minutes = title_and_summary(nb)
        rows.append((path.name[:2], page, title, minutes, path.name, secs))
        print(f"{path.name}: executed in {secs:.1f} s -> build/html/{page}, build/student/{path.name}")
    (out / "html" / "index.html").write_text(index_page(rows), encoding="utf-8")
    total = sum(r[-1] for r in rows)
    print(f"build_course: {len(rows)} notebooks in {total:.0f} s; open {out / 'html' / 'index.html'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
