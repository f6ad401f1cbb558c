"""The course site (make course): built from the stored notebooks, then read in a real browser with no network."""

import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from tools import editions
from tools.notebook_tools import ROOT, course_notebooks

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
    assert (
        editions.github_url(f"notebooks/{path.name}") in page
    )  # the instructor edition, separately
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
