"""The reading edition (``python -m gmmlib html``), checked without a browser.

The course's site is built once (``tests/sitebuild.py``, student versions as
``make html`` builds it) by Sphinx + MyST-NB + sphinx-book-theme: a page per
lesson in lesson order with its stored outputs, the whole course's table of
contents beside every page, section anchors, previous/next links, the errata and
the figure index as pages whose "Explained in" / "shown in" cells link to lesson
sections that exist, a download link per lesson to its student version, MathJax
3 served from the site and nothing fetched from outside. A tiny throwaway course
checks the job itself: any ``NN_*.ipynb`` is picked up, a missing ``ERRATA.md``,
launch links off by default and on when configured, the swap of a finished build
over an old one. (Rendering in a real browser is ``tests/test_browser.py``.)
"""

import json
import re
import urllib.parse
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest

from gmmlib.tools import html as reading
from sitebuild import reading_edition

ROOT = Path(__file__).resolve().parent.parent
LESSONS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


class PageParser(HTMLParser):
    """Links (with the class of the <a>), resources, ids and visible text of a page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links, self.scripts, self.stylesheets, self.images, self.ids = [], [], [], [], set()
        self.anchors = []  # (href, class, text)
        self.text, self._in, self._a = [], [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        if tag == "a" and "href" in attrs:
            self.links.append(attrs["href"])
            self._a = [attrs["href"], attrs.get("class") or "", ""]
            self.anchors.append(self._a)
        if tag == "script" and attrs.get("src") is not None:
            self.scripts.append(attrs["src"])
        if tag == "link" and attrs.get("href") is not None and attrs.get("rel") in ("stylesheet", "preload"):
            self.stylesheets.append(attrs["href"])
        if tag == "img":
            self.images.append((attrs.get("src", ""), attrs.get("alt")))
        if tag not in ("img", "br", "hr", "meta", "link", "input"):
            self._in.append(tag)

    def handle_endtag(self, tag):
        if tag == "a":
            self._a = None
        while self._in and self._in.pop() != tag:
            pass

    def handle_data(self, data):
        if not (self._in and self._in[-1] in ("script", "style")):
            self.text.append(data)
            if self._a is not None:
                self._a[2] += data


_parsed = {}


def parse(path):
    path = Path(path)
    if path not in _parsed:
        parser = PageParser()
        parser.feed(path.read_text(encoding="utf-8"))
        parser.visible = " ".join(" ".join(parser.text).split())
        _parsed[path] = parser
    return _parsed[path]


def squash(text):
    return " ".join(text.split())


@pytest.fixture(scope="module")
def site():
    outdir, seconds = reading_edition()
    if seconds:
        print(f"\nreading edition built in {seconds:.1f} s")
    return outdir


def sidebar_links(path):
    """The links of the course's table of contents (the left sidebar) of a page."""
    raw = Path(path).read_text(encoding="utf-8")
    start = raw.index('<nav class="bd-links bd-docs-nav"')
    return re.findall(r'<a class="(?:current )?reference internal" href="([^"]*)"',
                      raw[start:raw.index("</nav>", start)])


def page_of(lesson):
    return f"{lesson.stem}.html"


def test_the_course_has_lessons():
    assert LESSONS, "no notebooks/NN_*.ipynb"


def test_a_page_per_lesson_in_lesson_order_in_the_course_toc(site):
    expected = [page_of(path) for path in LESSONS]
    for page in ["index.html", *expected, "errata.html", "figures.html"]:
        # the sidebar lists the whole course, lessons in order (the current page as "#")
        nav = [page if link == "#" else link for link in sidebar_links(site / page)]
        assert [link for link in nav if link[:2].isdigit()] == expected, f"{page}: course contents {nav}"
        assert {"errata.html", "figures.html"} <= set(nav), f"{page}: course contents {nav}"
    for path in LESSONS:
        title = reading.lesson_title(nbformat.read(path, as_version=4), None)
        assert title, f"{path.name} has no '# heading' to title its page"
        assert title in parse(site / page_of(path)).visible


def test_errata_and_figure_pages_are_in_the_course_toc(site):
    for page in ["errata.html", "figures.html"]:
        assert (site / page).is_file()
        assert page in parse(site / "index.html").links
    assert (ROOT / "ERRATA.md").is_file()


@pytest.mark.parametrize("lesson", LESSONS, ids=[path.stem for path in LESSONS])
def test_lesson_page_has_anchors_page_toc_and_prev_next(site, lesson):
    page = parse(site / page_of(lesson))
    nb = nbformat.read(lesson, as_version=4)
    secs = [sec for sec in reading.sections(nb) if sec["slug"]]
    for sec in secs:  # every section has its anchor, a permalink and an entry in the page toc
        assert sec["slug"] in page.ids, f"{lesson.name}: no anchor #{sec['slug']} ({sec['title']!r})"
        assert f"#{sec['slug']}" in page.links, f"{lesson.name}: no link to #{sec['slug']}"
    permalinks = [a for a in page.anchors if "headerlink" in a[1]]
    assert len(permalinks) >= len(secs), f"{lesson.name}: {len(permalinks)} permalinks"
    assert all(a[0].lstrip("#") in page.ids for a in permalinks)
    i = LESSONS.index(lesson)
    prev = [a[0] for a in page.anchors if "left-prev" in a[1]]
    nxt = [a[0] for a in page.anchors if "right-next" in a[1]]
    assert prev == ["index.html" if i == 0 else page_of(LESSONS[i - 1])], prev
    assert nxt == ["errata.html" if i + 1 == len(LESSONS) else page_of(LESSONS[i + 1])], nxt


# MyST-NB shows the first of these an output has (its default priority for HTML)
PRIORITY = ["text/html", "image/svg+xml", "image/png", "image/jpeg", "text/markdown", "text/latex",
            "text/plain"]


def shown_mime(data):
    return next((mime for mime in PRIORITY if mime in data), None)


def _stored_outputs(nb):
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            yield output


@pytest.mark.parametrize("lesson", LESSONS, ids=[path.stem for path in LESSONS])
def test_lesson_page_shows_the_stored_outputs_of_the_student_version(site, lesson):
    page = parse(site / page_of(lesson))
    student = reading.hide_solutions(nbformat.read(lesson, as_version=4))
    checked, pngs = 0, 0
    for output in _stored_outputs(student):
        data = output.get("data", {})
        mime = shown_mime(data)
        if output["output_type"] == "stream":
            expected = output["text"]
        elif output["output_type"] == "error":
            expected = output["ename"]
        elif mime == "image/png":
            pngs += 1
            continue
        elif mime == "text/markdown":
            source = re.sub(r"\$[^$]*\$", " ", data["text/markdown"])
            words = [w for w in re.findall(r"[A-Za-z]{4,}", source) if w not in page.visible]
            assert not words, f"{lesson.name}: displayed markdown missing from the page: {words[:10]}"
            checked += 1
            continue
        elif mime == "text/latex":
            expected = data["text/latex"].strip().strip("$").strip()
        elif mime == "text/plain":
            expected = data["text/plain"]
        else:
            continue
        for line in expected.splitlines():  # streams merged: compare line by line
            assert squash(line) in page.visible, (
                f"{lesson.name}: stored output not on the page: {squash(line)[:200]!r}")
        checked += 1
    assert checked > 0, f"{lesson.name}: no stored output was found to compare"
    images = [src for src, _ in page.images if src.startswith("_images/")]
    assert len(images) >= pngs, f"{lesson.name}: {pngs} stored figures, {len(images)} images"
    for src in images:
        assert (site / src).is_file(), f"{lesson.name}: missing image {src}"
    alts = {o["metadata"]["image/png"]["alt"] for o in _stored_outputs(student)
            if o.get("metadata", {}).get("image/png", {}).get("alt")}
    shown = {alt for _, alt in page.images}
    assert alts <= shown, f"{lesson.name}: registered figures without their alt text: {alts - shown}"


def _answer_lessons():
    from gmmlib.tools.exercises import is_answer

    return [path for path in LESSONS
            if any(is_answer(c) for c in nbformat.read(path, as_version=4).cells)]


@pytest.mark.parametrize("lesson", _answer_lessons(), ids=[p.stem for p in _answer_lessons()])
def test_solutions_are_hidden_and_the_download_is_the_student_version(site, lesson):
    from gmmlib.tools.exercises import solution_lines, student_version

    master = nbformat.read(lesson, as_version=4)
    student = student_version(master)
    raw = (site / page_of(lesson)).read_text(encoding="utf-8")
    assert "BEGIN SOLUTION" not in raw and "BEGIN HIDDEN TESTS" not in raw
    visible = parse(site / page_of(lesson)).visible
    prompts = squash(" ".join(c.source for c in student.cells))  # e.g. a name the task asks for
    leaked = [line for line in solution_lines(master, student)
              if squash(line) in visible and squash(line) not in prompts]
    assert not leaked, f"{lesson.name}: solution lines on the page: {leaked[:3]}"
    downloads = [a for a in parse(site / page_of(lesson)).anchors
                 if a[0].startswith("_downloads/") and a[0].endswith("/" + lesson.name)]
    assert len(downloads) == 1 and "Download this lesson" in downloads[0][2], downloads
    got = nbformat.read(site / downloads[0][0], as_version=4)
    assert [c.source for c in got.cells] == [c.source for c in student.cells]
    assert got.metadata.get("kernelspec") == master.metadata.get("kernelspec")


def test_hidden_solutions_are_the_student_versions_nbgrader_makes(tmp_path):
    """``--hide-solutions`` cannot drift from the release: same preprocessors, same cells."""
    pytest.importorskip("nbgrader")
    from gmmlib.tools import course

    lessons = [path.stem for path in _answer_lessons()[:2]]
    course.build_course(tmp_path / "course", ROOT / "notebooks", lessons=lessons, log=lambda line: None)
    for name in lessons:
        nb = reading.hide_solutions(nbformat.read(ROOT / "notebooks" / f"{name}.ipynb", as_version=4))
        released = nbformat.read(tmp_path / "course" / "release" / name / f"{name}.ipynb", as_version=4)
        assert [c.source for c in nb.cells] == [c.source for c in released.cells]


def _site_pages(site):
    return sorted(site.glob("*.html"))


EXTERNAL = re.compile(r"^\s*(https?:)?//", re.I)
CSS_URL = re.compile(r"""(?:@import\s+|url\()\s*['"]?([^'")\s;]+)""", re.I)


def test_no_page_loads_anything_from_outside(site):
    for page in _site_pages(site):
        parsed = parse(page)
        for url in parsed.scripts + parsed.stylesheets + [src for src, _ in parsed.images]:
            assert not EXTERNAL.match(url), f"{page.name} loads {url}"
            if not url.startswith("data:"):
                assert (site / urllib.parse.unquote(url.split("?")[0])).is_file(), f"{page.name}: {url}"
        raw = page.read_text(encoding="utf-8").lower()
        for cdn in ("cdn.jsdelivr", "cdnjs", "unpkg.com", "googleapis", "mathjax@"):
            assert cdn not in raw, f"{page.name} mentions {cdn}"
    for css in site.rglob("*.css"):
        for url in CSS_URL.findall(css.read_text(encoding="utf-8", errors="replace")):
            assert not EXTERNAL.match(url), f"{css.relative_to(site)} fetches {url}"


def test_pages_with_maths_load_mathjax_3_from_the_site(site):
    mathjax = site / "_static" / "mathjax" / "tex-chtml-full.js"
    assert '"3.2.2"' in mathjax.read_text(encoding="utf-8")
    assert list((site / "_static" / "mathjax" / "output" / "chtml" / "fonts" / "woff-v2").glob("*.woff"))
    for page in _site_pages(site):
        raw = page.read_text(encoding="utf-8")
        scripts = [s for s in parse(page).scripts if "/mathjax/" in s.lower()]
        if r"\(" in raw or r"\[" in raw:
            assert [s.split("?")[0] for s in scripts] == ["_static/mathjax/tex-chtml-full.js"], page.name


def _anchor_exists(site, href, here):
    path, _, frag = href.partition("#")
    target = site / urllib.parse.unquote(path) if path else here
    if not target.is_file():
        return False
    return not frag or urllib.parse.unquote(frag) in parse(target).ids


def test_every_internal_link_resolves(site):
    bad = []
    for page in _site_pages(site):
        for href in parse(page).links:
            if href.startswith(("http:", "https:", "mailto:", "javascript:")) or href == "#":
                continue
            if not _anchor_exists(site, href, page):
                bad.append(f"{page.name} -> {href}")
    assert not bad, f"{len(bad)} broken links: {bad[:10]}"


def test_errata_explained_in_cells_link_to_lesson_sections(site):
    text = (ROOT / "ERRATA.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\|\s*(\d+)\s*\|", text, flags=re.M)
    assert rows
    raw = (site / "errata.html").read_text(encoding="utf-8")
    body = raw[raw.index("<tbody"):raw.index("</tbody>")]
    trs = re.findall(r"<tr.*?</tr>", body, flags=re.S)
    assert len(trs) == len(rows)
    for number, tr in zip(rows, trs):
        last = re.findall(r"<td.*?</td>", tr, flags=re.S)[-1]
        hrefs = re.findall(r'href="([^"]+)"', last)
        assert hrefs, f"errata row {number}: 'Explained in' has no link"
        for href in hrefs:
            assert re.match(r"\d\d_\w+\.html#[a-z0-9-]+$", href), f"row {number}: {href}"
            assert _anchor_exists(site, href, site / "errata.html"), f"row {number}: {href}"
    assert "\\|" not in parse(site / "errata.html").visible  # no stray backslashes (issue 17)


def test_figure_page_lists_every_registered_figure(site):
    from gmmlib import figures

    page = parse(site / "figures.html")
    alts = {alt for _, alt in page.images}
    for spec in figures.REGISTRY.values():
        slug = reading.slugify(spec.name)
        assert slug in page.ids and f"#{slug}" in page.links, spec.name
        assert spec.alt in alts, f"{spec.name}: no image with its alt text"
        shown = [a[0] for a in page.anchors if a[0].startswith(spec.lesson.replace(".ipynb", ".html#"))]
        assert shown, f"{spec.name}: no link to the section of {spec.lesson} that shows it"
        for href in shown:
            assert _anchor_exists(site, href, site / "figures.html"), href
    for src, _ in page.images:
        assert (site / src).is_file()


def test_search_index_knows_the_course_words(site):
    index = (site / "searchindex.js").read_text(encoding="utf-8")
    terms = json.loads(index[index.index("(") + 1:index.rindex(")")])["terms"]
    assert "respons" in terms  # "responsibility", stemmed
    # the pages' text for excerpts from the disk (gmm-search.js) covers every page
    text = (site / reading.SEARCH_PAGES).read_text(encoding="utf-8")
    pages = json.loads(text[text.index("=") + 1:].strip().rstrip(";"))
    assert {page_of(path) for path in LESSONS} | {"index.html", "errata.html"} <= set(pages)
    assert "responsibilit" in pages["03_e_step.html"] and "<img" not in "".join(pages.values())


# --------------------------------------------------------------------------
# the job itself, on a tiny throwaway course


def _tiny_course(root, with_errata, n=2):
    (root / "notebooks").mkdir(parents=True)
    stems = ["00_first", "01_second", "02_third"][:n]
    for i, stem in enumerate(stems):
        nb = nbformat.v4.new_notebook()
        nb.cells = [
            nbformat.v4.new_markdown_cell(
                f"# Lesson **{i}**: tiny\n\nSee [the other]({stems[1 - i]}.ipynb), "
                "[errata](../ERRATA.md) and [figures](../figures/README.md). "
                "Maths: $\\mathcal{N}(x \\mid \\mu, \\Sigma)$.\n\n## A section $x^2$\n\nText."),
            nbformat.v4.new_code_cell("print('stored output ' + str(2 + 2))", execution_count=1, outputs=[
                nbformat.v4.new_output("stream", name="stdout", text=f"stored output {i} <&>\n")]),
        ]
        nbformat.write(nb, root / "notebooks" / f"{stem}.ipynb")
    if with_errata:
        (root / "ERRATA.md").write_text(
            "# Errata\n\n| # | where | Explained in |\n|---|---|---|\n"
            "| 1 | $\\Sigma_1$ | `notebooks/01_second.ipynb` |\n")
        nb = nbformat.read(root / "notebooks" / "01_second.ipynb", as_version=4)
        nb.cells.append(nbformat.v4.new_markdown_cell(
            "## Where it is explained\n\n> **Erratum (seed).** Wrong. `ERRATA.md`, row 1."))
        nbformat.write(nb, root / "notebooks" / "01_second.ipynb")


def test_tiny_course_without_errata(tmp_path, capsys):
    _tiny_course(tmp_path / "course", with_errata=False)
    out = tmp_path / "out" / "html"
    assert reading.main(["--root", str(tmp_path / "course"), "--outdir", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "no ERRATA.md" in printed and "2 lessons" in printed
    assert {"00_first.html", "01_second.html", "index.html", "figures.html"} <= {
        p.name for p in out.glob("*.html")}
    assert not (out / "errata.html").exists()
    first = parse(out / "00_first.html")
    assert "01_second.html" in first.links and "figures.html" in first.links
    assert "errata.html" not in first.links  # no errata page: no link to one
    assert "stored output 0 <&>" in first.visible
    assert "a-section-x-2" in first.ids
    assert re.search(r"Lesson 0 ?: tiny", parse(out / "index.html").visible)  # emphasis removed
    assert not [a for a in first.anchors if "binder" in a[0].lower() or "hub" in a[0].lower()]


def test_tiny_course_picks_up_new_lessons_links_errata_and_swaps_the_build(tmp_path):
    _tiny_course(tmp_path / "course", with_errata=True, n=3)
    out = tmp_path / "out" / "html"
    reading.build(out, root=tmp_path / "course", log=lambda line: None)
    (out / "stale.html").write_text("from an old build")
    pages = reading.build(out, root=tmp_path / "course", log=lambda line: None)
    assert [name for name, _, _ in pages["lessons"]] == [
        "00_first.ipynb", "01_second.ipynb", "02_third.ipynb"]
    assert not (out / "stale.html").exists(), "the old build was not replaced"
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["html"], "temporary folders left"
    nav = [link for link in parse(out / "index.html").links if link[:2].isdigit()]
    assert list(dict.fromkeys(nav)) == ["00_first.html", "01_second.html", "02_third.html"]
    assert "errata.html" in parse(out / "00_first.html").links
    assert "01_second.html#where-it-is-explained" in parse(out / "errata.html").links


def test_launch_links_are_off_by_default_and_configurable(tmp_path, monkeypatch):
    for var in ("GMM_BINDER_URL", "GMM_JUPYTERHUB_URL", "GMM_REPOSITORY_URL"):
        monkeypatch.delenv(var, raising=False)
    assert reading.launch_settings() == {}
    with pytest.raises(SystemExit, match="repository"):
        reading.launch_settings(binderhub_url="https://binder.example.org")
    _tiny_course(tmp_path / "course", with_errata=False)
    out = tmp_path / "html"
    monkeypatch.setenv("GMM_JUPYTERHUB_URL", "https://hub.example.org")
    monkeypatch.setenv("GMM_REPOSITORY_URL", "https://github.com/example/gmm-course")
    assert reading.main(["--root", str(tmp_path / "course"), "--outdir", str(out)]) == 0
    links = parse(out / "00_first.html").links
    hub = [link for link in links if link.startswith("https://hub.example.org")]
    assert hub and "notebooks%2F00_first.ipynb" in hub[0].replace("/", "%2F"), hub


def test_helpers():
    assert reading.slugify("Step 1 — the determinant $|\\Sigma|$") == "step-1-the-determinant-sigma"
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("Some text\n\n## The *E* step ##\n\n# later")]
    assert reading.lesson_title(nb, "fallback") == "The E step"
    assert reading.lesson_title(nbformat.v4.new_notebook(), "fallback") == "fallback"
    targets = {"notebooks/03_e_step.ipynb": "03_e_step.ipynb", "ERRATA.md": "errata.md"}
    text = "[e](03_e_step.ipynb#x) [r](../ERRATA.md) ![f](../figures/a.png) [w](https://x.org/a.ipynb)"
    assert reading.rewrite_markdown_links(text, targets) == (
        "[e](03_e_step.ipynb#x) [r](errata.md) ![f](figures/a.png) [w](https://x.org/a.ipynb)")
    secs = [{"title": "", "slug": "", "text": "intro"},
            {"title": "A", "slug": "a", "text": "\n> **Erratum (seed, determinant).** bars"},
            {"title": "B", "slug": "b", "text": "\n> **Erratum (seed).** Wrong sum. `ERRATA.md`, row 7."}]
    rows = [(7, "| 7 | sum |", ["x.ipynb"]), (8, "| 8 | the determinant needs bars |", ["x.ipynb"])]
    got = reading.errata_targets(rows, {"x.ipynb": secs})
    assert got == {(7, "x.ipynb"): "b", (8, "x.ipynb"): "a"}


def test_hide_solutions_blanks_answers_and_hidden_tests():
    pytest.importorskip("nbgrader")
    nb = nbformat.v4.new_notebook()
    answer = nbformat.v4.new_code_cell(
        "def f(x):\n    \"\"\"Doc.\"\"\"\n    ### BEGIN SOLUTION\n    return x + 41\n    ### END SOLUTION\n",
        execution_count=3, outputs=[nbformat.v4.new_output("stream", name="stdout", text="42\n")])
    answer.metadata["nbgrader"] = {"solution": True, "grade": False, "grade_id": "00-ex1-answer"}
    check = nbformat.v4.new_code_cell(
        "assert f(1) == 42\n### BEGIN HIDDEN TESTS\nassert f(2) == 43\n### END HIDDEN TESTS\n")
    check.metadata["nbgrader"] = {"solution": False, "grade": True, "grade_id": "00-ex1-check"}
    nb.cells = [answer, check]
    student = reading.hide_solutions(nb)
    assert "return x + 41" in nb.cells[0].source, "the master was changed"
    assert student.cells[0].source == ('def f(x):\n    """Doc."""\n    # YOUR CODE HERE\n'
                                       "    raise NotImplementedError()\n")
    assert student.cells[0].outputs == [] and student.cells[0].execution_count is None
    assert student.cells[1].source == "assert f(1) == 42\n"


def test_a_missing_site_extra_is_named_with_its_install_command(monkeypatch):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *args: None if name == "myst_nb" else real(name, *args))
    with pytest.raises(SystemExit, match=r"myst-nb \(the 'site' extra\).*pip install"):
        reading.require_site_packages()


def test_refuses_to_replace_a_folder_that_is_not_a_reading_edition(tmp_path):
    _tiny_course(tmp_path / "course", with_errata=False)
    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "notes.txt").write_text("keep me")
    for outdir in (precious, tmp_path / "course", tmp_path):
        with pytest.raises(SystemExit, match="--outdir"):
            reading.build(outdir, root=tmp_path / "course", log=lambda line: None)
    assert (precious / "notes.txt").read_text() == "keep me"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["course", "precious"]
