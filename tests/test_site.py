"""The course site (make course): built from the stored notebooks, then read in a real browser with no network."""

import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from tools import editions
from tools.notebook_tools import ROOT, course_notebooks

# Integration tests: a full Sphinx build of the site (about 15 s) read in a headless browser (about
# 40 s more). They run with the notebooks in `make test` (and nightly CI), not in the fast lane.
pytestmark = pytest.mark.notebooks

BOOKS = course_notebooks()


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A fresh build of the site (student/ is not touched), as `make course` makes it."""
    out = tmp_path_factory.mktemp("site")
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "tools.build_course",
            "--site-only",
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    return out / "html", run.stdout + run.stderr


def test_build_log_is_clean(site):
    _, log = site
    assert not re.search(r"(?i)warning|error|traceback", log), log[-3000:]


def test_sidebar_lists_every_notebook_in_order(site):
    html, _ = site
    intro = (html / "intro.html").read_text(encoding="utf-8")
    nav = intro[intro.index('class="bd-links bd-docs-nav"') :]
    nav = nav[: nav.index("</nav>")]
    pages = re.findall(r'href="(\d\d_\w+)\.html"', nav)
    assert list(dict.fromkeys(pages)) == [p.stem for p in BOOKS]
    assert "licences.html" in nav
    assert (html / "search.html").is_file() and (
        html / "searchindex.js"
    ).is_file()


@pytest.mark.parametrize("path", BOOKS, ids=[p.stem for p in BOOKS])
def test_notebook_page_links_the_student_edition(site, path):
    html, _ = site
    page = (html / f"{path.stem}.html").read_text(encoding="utf-8")
    student = f"student/{path.name}"
    # launch buttons (the theme's) and the banner both open the student edition
    ref = editions.settings()["ref"]
    assert (
        f"https://mybinder.org/v2/gh/{editions.github_slug()}/{ref}?urlpath=lab/tree/{student}"
        in page
    )
    assert editions.binder_url(student) in page
    assert editions.colab_url(student) in page
    # the instructor edition, separately
    assert editions.github_url(f"notebooks/{path.name}") in page
    downloads = re.findall(
        r'href="(_downloads/\w+/' + re.escape(path.name) + ')"', page
    )
    assert downloads, "no download link to the student notebook"
    assert (html / downloads[0]).read_text(
        encoding="utf-8"
    ) == editions.student_text(path)
    assert 'class="prev-next-area"' in page


def test_no_address_outside_the_site_is_loaded(site):
    """Scripts, styles and maths come from the site itself: no CDN (MathJax is bundled)."""
    html, _ = site
    for page in html.glob("*.html"):
        text = page.read_text(encoding="utf-8")
        remote = re.findall(
            r'<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)="((?:https?:)?//[^"]+)"',
            text,
        )
        remote += re.findall(
            r'["\'](https?://(?:cdn|unpkg|cdnjs)[^"\']*)', text
        )
        assert not remote, f"{page.name} loads {remote}"
        if 'class="math' in text:
            assert re.search(
                r'<script[^>]+src="_static/mathjax/tex-chtml\.js', text
            ), f"{page.name}: not the bundled MathJax"
    assert (html / "_static" / "mathjax" / "tex-chtml.js").is_file()


def test_licence_page_carries_the_resources_table(site):
    html, _ = site
    page = (html / "licences.html").read_text(encoding="utf-8")
    for name in (
        "Fashion-MNIST",
        "EfficientNet-Lite0",
        "Labeled Faces in the Wild",
        "WordNet",
        "MNIST",
        "Apache-2.0",
        "CC-BY-4.0",
    ):
        assert name in page, name


def local_file(url):
    parts = urlsplit(url)
    return Path(unquote(parts.path)), unquote(parts.fragment)


def test_every_page_in_a_browser_without_network(site, tmp_path):
    """Visit every page in headless Chromium (no network): no console error, every image loaded, all maths
    typeset by MathJax (no raw TeX left), every link to a local file resolves (and its #anchor exists)."""
    from cdp import Chromium, find_chromium

    exe = find_chromium()
    if exe is None:
        pytest.skip(
            "Chromium is not installed (Debian: apt-get install chromium; make setup does it as root)"
        )
    html, _ = site
    pages = sorted(
        p
        for p in html.rglob("*.html")
        if not any(part.startswith("_") for part in p.relative_to(html).parts)
    )
    redirect = re.fullmatch(
        r'<meta http-equiv="Refresh" content="0; url=(\w+\.html)" />\s*',
        (html / "index.html").read_text(),
    )
    assert redirect and (html / redirect.group(1)).is_file(), (
        "index.html should redirect to the intro page"
    )
    pages.remove(html / "index.html")
    assert len(pages) >= len(BOOKS) + 3
    browser = Chromium(exe, tmp_path / "profile")
    problems, ids, links, typeset = [], {}, [], 0
    try:
        for page in pages:
            report = browser.visit(page.as_uri())
            name = page.relative_to(html).as_posix()
            problems += [f"{name}: {e}" for e in report["errors"]]
            problems += [
                f"{name}: image did not load: {src}"
                for src in report["brokenImages"]
            ]
            problems += [f"{name}: raw TeX: {t!r}" for t in report["rawTex"]]
            ids[page.resolve()] = set(report["ids"])
            links += [
                (name, url)
                for url in report["links"]
                if url.startswith("file:")
            ]
            typeset += report["typesetCount"]
        # the search page finds a word that only the notebooks contain
        browser.visit((html / "search.html").as_uri() + "?q=co-occurrence")
        hits = browser.evaluate("""new Promise(done => { const t0 = Date.now(); (function poll() {
            const n = document.querySelectorAll("#search-results li").length;
            if (n || Date.now() - t0 > 15000) done(n); else setTimeout(poll, 200); })(); })""")
        if not hits:
            problems.append("search.html?q=co-occurrence found nothing")
    finally:
        browser.close()
    for name, url in links:
        target, fragment = local_file(url)
        if not target.exists():
            problems.append(f"{name}: link to a missing file {url}")
        elif fragment and target.suffix == ".html":
            known = ids.get(target.resolve())
            if known is None:
                known = set(
                    re.findall(
                        r'\bid="([^"]+)"', target.read_text(encoding="utf-8")
                    )
                )
            if fragment not in known:
                problems.append(f"{name}: link to a missing anchor {url}")
    assert not problems, "\n".join(problems[:40])
    assert typeset > 100, (
        f"only {typeset} formulas typeset: is MathJax running?"
    )


def solution_lines(path) -> list[str]:
    """The lines between # BEGIN SOLUTION and # END SOLUTION of a notebook that appear nowhere else in it."""
    import nbformat

    from tools.notebook_tools import tags

    lines = []
    cells = nbformat.read(path, as_version=4).cells
    elsewhere = "\n".join(c.source for c in cells if "solution" not in tags(c))
    for cell in cells:
        if "solution" in tags(cell) and cell.cell_type == "code":
            inside = False
            for line in cell.source.splitlines():
                if line.strip() == "# BEGIN SOLUTION":
                    inside = True
                elif line.strip() == "# END SOLUTION":
                    inside = False
                elif (
                    inside
                    and len(line.strip()) >= 12
                    and line.strip()
                    not in elsewhere  # e.g. a prompt's example of the answer's form
                ):
                    lines.append(line.strip())
    return lines


@pytest.mark.parametrize("path", BOOKS, ids=[p.stem for p in BOOKS])
def test_solutions_are_folded(site, path):
    """Every solution line sits inside a closed <details> ("Show solution") together with its ✅ output,
    and the student's blank comes first, open."""
    from bs4 import BeautifulSoup

    html, _ = site
    soup = BeautifulSoup(
        (html / f"{path.stem}.html").read_text(encoding="utf-8"), "html.parser"
    )
    article = soup.find("article")
    folds = [
        d
        for d in article.find_all("details")
        if "Show solution" in d.summary.get_text()
    ]
    wanted = solution_lines(path)
    assert wanted and len(folds) == len(
        [
            c
            for c in __import__("nbformat").read(path, as_version=4).cells
            if "solution" in c.metadata.get("tags", [])
        ]
    )
    for d in folds:
        assert not d.has_attr("open"), "a solution is open by default"
        assert "✅" in d.get_text(), "the solution's ✅ output is not inside"
        blank = d.find_parent(class_="cell").find_previous_sibling(
            class_="cell"
        )
        assert blank is not None and "= ..." in blank.get_text()
    for d in folds:
        d.decompose()
    shown = article.get_text()
    assert "BEGIN SOLUTION" not in shown
    leaked = [line for line in wanted if line in shown]
    assert not leaked, f"solution lines outside a closed block: {leaked[:5]}"


def test_landing_page(site):
    """The intro: every notebook with what it teaches and its time (from the README table), the paths,
    prerequisites as links, the supported Pythons as pyproject.toml says, both editions explained."""
    from bs4 import BeautifulSoup

    from tools import build_course

    html, _ = site
    soup = BeautifulSoup(
        (html / "intro.html").read_text(encoding="utf-8"), "html.parser"
    )
    text = re.sub(r"\s+", " ", soup.get_text(" "))
    rows = build_course.readme_notebooks()
    table = soup.find("table")
    links = [a["href"] for a in table.find_all("a")]
    assert links == [f"{p.stem}.html" for p in BOOKS]
    shown = re.sub(
        r"[_’]", lambda m: "'" if m[0] == "’" else "", table.get_text(" ")
    )
    for row in rows:
        assert f"{row['minutes']} min" in shown
        assert row["what"].split(";")[0].replace("_", "") in shown, row
    assert "A semester of weekly sessions" in text
    assert "A two-day workshop" in text
    pre = soup.find(id="before-you-start")
    assert len(pre.find_all("a", href=re.compile("^https://"))) >= 4
    pythons = build_course.supported_pythons()
    assert pythons == "Python 3.11 to 3.13" or pythons.startswith("Python 3.")
    assert pythons in text
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"**{pythons}**" in readme, (
        "README and site state the supported Pythons differently"
    )
    assert not re.search(r"Python 3\.\d+ or newer", readme + text)
    for phrase in (
        "student edition",
        "instructor edition",
        "make lab",
        "EDITION=instructor",
        "make refresh",
    ):
        assert phrase in text, phrase
    assert "lecturers_guide.html" in str(soup)


def test_lecturers_guide_page(site):
    html, _ = site
    page = (html / "lecturers_guide.html").read_text(encoding="utf-8")
    for path in BOOKS:
        assert f'href="{path.stem}.html' in page, path.name
    assert not re.search(r'href="notebooks/', page)


LAYOUT = r"""(() => {
  const pres = [...document.querySelectorAll("div.cell_input pre")];
  let chars = null;
  if (pres.length) {
    const pre = pres[0], probe = document.createElement("span");
    probe.textContent = "x".repeat(79);
    pre.appendChild(probe);
    const cs = getComputedStyle(pre);
    const inner = pre.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight);
    chars = Math.floor(inner / (probe.getBoundingClientRect().width / 79));
    probe.remove();
  }
  const icon = document.querySelector("link[rel~=icon]");
  return {
    cells: pres.length,
    scrolling: pres.filter(p => p.scrollWidth > p.clientWidth + 1).length,
    chars: chars,
    pageWidth: document.documentElement.scrollWidth,
    window: window.innerWidth,
    tables: [...document.querySelectorAll("article table.table")].map(t => t.scrollWidth - t.parentElement.clientWidth),
    openDetails: document.querySelectorAll("article details[open]").length,
    alts: [...document.querySelectorAll("article img")].map(i => i.getAttribute("alt") || ""),
    icon: icon ? icon.href : null,
  };
})()"""


def test_layout_in_a_browser(site, tmp_path):
    """Measured in Chromium at 1280 px (desktop) and 390 px (phone): code cells show 79 characters and do
    not scroll sideways; markdown tables fit their column; solutions are closed; every figure has alt text
    that is not a hash file name; the favicon exists (no 404)."""
    from cdp import Chromium, find_chromium

    exe = find_chromium()
    if exe is None:
        pytest.skip(
            "Chromium is not installed (Debian: apt-get install chromium)"
        )
    html, _ = site
    pages = [html / f"{p.stem}.html" for p in BOOKS] + [
        html / "intro.html",
        html / "licences.html",
        html / "lecturers_guide.html",
    ]
    problems, cells, scrolling, figures = [], 0, 0, 0
    for width in (1280, 390):
        browser = Chromium(exe, tmp_path / f"profile-{width}")
        try:
            browser.set_viewport(width, 900, mobile=width < 600)
            for page in pages:
                browser.visit(page.as_uri())
                r = browser.evaluate(LAYOUT)
                name = f"{page.name} at {width} px"
                wide = [d for d in r["tables"] if d > 1]
                if wide:
                    problems.append(
                        f"{name}: a table is {max(wide)} px wider than its column"
                    )
                if r["pageWidth"] > r["window"]:
                    problems.append(
                        f"{name}: the page scrolls sideways ({r['pageWidth']} px)"
                    )
                if r["openDetails"]:
                    problems.append(
                        f"{name}: {r['openDetails']} folded blocks open by default"
                    )
                if width == 1280:
                    cells += r["cells"]
                    scrolling += r["scrolling"]
                    if r["cells"] and r["chars"] < 79:
                        problems.append(
                            f"{name}: code cells show {r['chars']} characters, not 79"
                        )
                    for alt in r["alts"]:
                        figures += 1
                        if not alt.strip() or re.search(
                            r"[0-9a-f]{32}|\.png$", alt
                        ):
                            problems.append(f"{name}: figure alt text {alt!r}")
                    icon = r["icon"] and local_file(r["icon"])[0]
                    if not icon or not icon.is_file():
                        problems.append(f"{name}: favicon {r['icon']} missing")
        finally:
            browser.close()
    assert cells > 300 and figures > 50, (cells, figures)
    assert scrolling <= 0.05 * cells, (
        f"{scrolling} of {cells} code cells scroll sideways at 1280 px"
    )
    assert not problems, "\n".join(problems[:40])
