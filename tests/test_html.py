"""The reading edition (``python -m gmmlib html``), checked without a browser.

The site of this course is built once into a temporary folder: a page per
lesson with its stored outputs, an index that links them all, MathJax served
from the site with its local configuration, and no script, style sheet or font
fetched from the internet. A tiny throwaway course checks the job itself:
link rewriting, navigation, a missing ``ERRATA.md`` or figure index, and the
swap of a finished build over an old one. (Rendering in a real browser is
``tests/test_browser.py``.)
"""

import html
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest

from gmmlib.tools import html as reading

ROOT = Path(__file__).resolve().parent.parent
LESSONS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
EXPECTED_LESSONS = [
    "00_course_map", "01_data_and_initialisation", "02_multivariate_normal", "03_e_step",
    "04_m_step", "05_em_loop", "06_why_em_works", "07_old_faithful",
    "09_model_choice",
]


class PageParser(HTMLParser):
    """Links, resources and visible text of an HTML page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links, self.scripts, self.stylesheets, self.images, self.styles = [], [], [], [], []
        self.alts = []  # alt attribute of each image (None if it has none), unescaped
        self.text, self._in = [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and "href" in attrs:
            self.links.append(attrs["href"])
        if tag == "script" and attrs.get("src") is not None:
            self.scripts.append(attrs["src"])
        if tag == "link" and attrs.get("href") is not None:
            self.stylesheets.append(attrs["href"])
        if tag == "img":
            self.images.append(attrs.get("src", ""))
            self.alts.append(attrs.get("alt"))
        if "style" in attrs:
            self.styles.append(attrs["style"] or "")
        self._in.append(tag)

    def handle_endtag(self, tag):
        while self._in and self._in.pop() != tag:
            pass

    def handle_data(self, data):
        if self._in and self._in[-1] == "style":
            self.styles.append(data)
        elif not (self._in and self._in[-1] == "script"):
            self.text.append(data)


def parse(path):
    parser = PageParser()
    parser.feed(Path(path).read_text(encoding="utf-8"))
    parser.visible = " ".join(" ".join(parser.text).split())
    return parser


def squash(text):
    return " ".join(text.split())


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    outdir = tmp_path_factory.mktemp("reading-edition") / "html"
    lines = []
    reading.build(outdir, root=ROOT, log=lines.append)
    return outdir, lines


def test_every_lesson_is_in_the_course():
    assert [path.stem for path in LESSONS] == EXPECTED_LESSONS


def test_a_page_per_lesson_and_the_index_links_them_in_order(site):
    outdir, lines = site
    index = parse(outdir / "index.html")
    expected = [f"{path.stem}.html" for path in LESSONS]
    assert [link for link in index.links if link.endswith(".html") and link[:2].isdigit()] == expected
    for path in LESSONS:
        assert (outdir / f"{path.stem}.html").is_file(), f"no page for {path.name}"
        title = reading.lesson_title(nbformat.read(path, as_version=4), None)
        assert title, f"{path.name} has no '# heading' to title its page"
        assert title in index.visible, f"index does not show the title of {path.name}: {title!r}"
        assert any(path.stem in line for line in lines), f"no progress line for {path.name}"


def test_errata_and_figure_index_are_linked_when_they_exist(site):
    outdir, _ = site
    index = parse(outdir / "index.html")
    for source, page in (("ERRATA.md", "errata.html"), ("figures/README.md", "figures/index.html")):
        exists = (ROOT / source).is_file()
        assert (page in index.links) == exists, f"index link to {page} (source exists: {exists})"
        assert (outdir / page).is_file() == exists


def test_figure_index_images_are_copied(site):
    outdir, _ = site
    if not (ROOT / "figures" / "README.md").is_file():
        pytest.skip("figures/README.md does not exist yet")
    page = parse(outdir / "figures" / "index.html")
    for src in page.images:
        assert not src.startswith(("http:", "https:", "//")), src
        if not src.startswith("data:"):
            assert (outdir / "figures" / src).is_file(), f"figures/index.html shows missing {src}"


def _pages(outdir):
    return [p for p in outdir.rglob("*.html") if "mathjax" not in p.relative_to(outdir).parts]


EXTERNAL = re.compile(r"^\s*(https?:)?//", re.I)
CSS_URL = re.compile(r"""(?:@import\s+|url\()\s*['"]?([^'")\s;]+)""", re.I)


def test_no_page_loads_scripts_styles_or_fonts_from_the_internet(site):
    outdir, _ = site
    for page in _pages(outdir):
        parsed = parse(page)
        name = page.relative_to(outdir)
        for url in parsed.scripts + parsed.stylesheets + parsed.images:
            assert not EXTERNAL.match(url), f"{name} loads {url}"
        for css in parsed.styles:
            for url in CSS_URL.findall(css):
                assert not EXTERNAL.match(url), f"{name} CSS fetches {url}"
        text = page.read_text(encoding="utf-8")
        for cdn in ("cdnjs", "cdn.jsdelivr", "unpkg.com", "require.js", "mermaid.esm", "jquery"):
            assert cdn not in text.lower(), f"{name} mentions {cdn}"


def test_every_page_loads_the_local_mathjax_with_its_config(site):
    outdir, _ = site
    config = outdir / "mathjax" / "config" / "local" / f"{reading.MATHJAX_CONFIG_NAME}.js"
    text = config.read_text(encoding="utf-8")
    assert 'webFont: "STIX-Web"' in text and "availableFonts: []" in text
    assert f'loadComplete("[MathJax]/config/local/{reading.MATHJAX_CONFIG_NAME}.js")' in text
    assert (outdir / "mathjax" / "fonts" / "HTML-CSS" / "STIX-Web" / "woff").is_dir()
    for page in _pages(outdir):
        scripts = [s for s in parse(page).scripts if "MathJax.js" in s]
        assert len(scripts) == 1, f"{page.name}: MathJax scripts {scripts}"
        path, _, query = scripts[0].partition("?")
        assert (page.parent / path).resolve() == (outdir / "mathjax" / "MathJax.js").resolve()
        assert query.endswith(f",local/{reading.MATHJAX_CONFIG_NAME}"), query


# nbconvert shows the first of these an output has (its display_data_priority)
PRIORITY = ["text/html", "text/markdown", "image/svg+xml", "text/latex", "image/png", "image/jpeg",
            "text/plain"]


def shown_mime(data):
    return next((mime for mime in PRIORITY if mime in data), None)


def _stored_outputs(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        for output in cell.get("outputs", []):
            yield output


@pytest.mark.parametrize("lesson", LESSONS, ids=[path.stem for path in LESSONS])
def test_lesson_page_shows_the_stored_outputs_and_navigation(site, lesson):
    outdir, _ = site
    raw = (outdir / f"{lesson.stem}.html").read_text(encoding="utf-8")
    page = parse(outdir / f"{lesson.stem}.html")
    checked = 0
    for output in _stored_outputs(lesson):
        data = output.get("data", {})
        mime = shown_mime(data)
        if output["output_type"] == "stream":
            expected = "".join(output["text"])
        elif output["output_type"] == "error":
            expected = output["ename"]
        elif mime == "image/png":
            png = data["image/png"]
            png = "".join(png) if isinstance(png, list) else png
            assert png.strip()[:200] in raw, f"{lesson.name}: a stored figure is missing from the page"
            alt = output.get("metadata", {}).get("image/png", {}).get("alt")
            if alt:  # a registered figure: its alt text is on the <img>
                shown = [a for src, a in zip(page.images, page.alts) if png.strip()[:200] in src]
                assert shown == [alt], f"{lesson.name}: the figure's <img> lacks its alt text"
            checked += 1
            continue
        elif mime == "text/markdown":
            source = re.sub(r"\$[^$]*\$", " ", "".join(data["text/markdown"]))
            words = [w for w in re.findall(r"[A-Za-z]{4,}", source) if w not in page.visible]
            assert not words, f"{lesson.name}: displayed markdown missing from the page: {words[:10]}"
            checked += 1
            continue
        elif mime in ("text/latex", "text/plain"):
            expected = "".join(data[mime])
        else:
            continue  # HTML is re-serialised by nbconvert; the browser test looks at it
        assert squash(expected) in page.visible, (
            f"{lesson.name}: stored output not on the page: {squash(expected)[:200]!r}")
        checked += 1
    assert checked > 0, f"{lesson.name}: no stored output was found to compare"
    i = LESSONS.index(lesson)
    assert "index.html" in page.links
    if i > 0:
        assert f"{LESSONS[i - 1].stem}.html" in page.links
    if i + 1 < len(LESSONS):
        assert f"{LESSONS[i + 1].stem}.html" in page.links
    assert not re.search(r'(href|src)="[^"]*\.ipynb', raw), \
        f"{lesson.name}: a link still points at a notebook"


# --------------------------------------------------------------------------
# the job itself, on a tiny throwaway course


def _tiny_course(root, with_extras):
    (root / "notebooks").mkdir(parents=True)
    for i, stem in enumerate(["00_first", "01_second"]):
        nb = nbformat.v4.new_notebook()
        nb.cells = [
            nbformat.v4.new_markdown_cell(
                f"# Lesson **{i}**: tiny\n\nSee [the other](0{1 - i}_{['second', 'first'][i]}.ipynb#top), "
                "[errata](../ERRATA.md), [figures](../figures/README.md) and "
                "![a figure](../figures/dot.png). Maths: $\\mathcal{N}(x \\mid \\mu, \\Sigma)$."),
            nbformat.v4.new_code_cell("print('stored output ' + str(2 + 2))", execution_count=1, outputs=[
                nbformat.v4.new_output("stream", name="stdout", text=f"stored output {i} <&>\n")]),
        ]
        nbformat.write(nb, root / "notebooks" / f"{stem}.ipynb")
    if with_extras:
        (root / "ERRATA.md").write_text(
            "# Errata\n\n| where | lesson |\n|---|---|\n| $\\Sigma_1$ | [two](notebooks/01_second.ipynb) |\n")
        (root / "figures").mkdir()
        (root / "figures" / "dot.png").write_bytes(b"\x89PNG\r\n\x1a\n")
        (root / "figures" / "README.md").write_text(
            "# Figures\n\n![dot](dot.png) in [lesson 1](../notebooks/01_second.ipynb)\n")


def test_tiny_course_without_errata_or_figures(tmp_path, capsys):
    _tiny_course(tmp_path / "course", with_extras=False)
    out = tmp_path / "out" / "html"
    assert reading.main(["--root", str(tmp_path / "course"), "--outdir", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "no ERRATA.md" in printed and "no figures/README.md" in printed
    assert sorted(p.name for p in out.glob("*.html")) == ["00_first.html", "01_second.html", "index.html"]
    index = parse(out / "index.html")
    assert index.links == ["00_first.html", "01_second.html"]
    assert "Lesson 0: tiny" in index.visible  # emphasis removed from the title
    first = parse(out / "00_first.html")
    assert "01_second.html#top" in first.links and "01_second.html" in first.links
    assert "stored output 0 <&>" in first.visible
    assert "../ERRATA.md" in first.links  # no errata page: the link is left as written


def test_tiny_course_links_are_rewritten_and_the_build_is_swapped_in(tmp_path):
    _tiny_course(tmp_path / "course", with_extras=True)
    out = tmp_path / "out" / "html"
    reading.build(out, root=tmp_path / "course", log=lambda line: None)
    (out / "stale.html").write_text("from an old build")
    pages = reading.build(out, root=tmp_path / "course", log=lambda line: None)
    assert pages["lessons"] == ["00_first.html", "01_second.html"]
    assert not (out / "stale.html").exists(), "the old build was not replaced"
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["html"], "temporary folders left"
    second = parse(out / "01_second.html")
    assert {"00_first.html#top", "errata.html", "figures/index.html", "index.html"} <= set(second.links)
    assert "figures/dot.png" in second.images
    errata = parse(out / "errata.html")
    assert "01_second.html" in errata.links and "\\(\\Sigma_1\\)" in errata.visible
    figures = parse(out / "figures" / "index.html")
    assert "../01_second.html" in figures.links and "dot.png" in figures.images
    assert (out / "figures" / "dot.png").is_file() and not (out / "figures" / "README.md").exists()
    assert [s for s in figures.scripts if "MathJax.js" in s][0].startswith("../mathjax/")


def test_lesson_title_and_link_helpers():
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("Some text\n\n## The *E* step ##\n\n# later")]
    assert reading.lesson_title(nb, "fallback") == "The E step"
    assert reading.lesson_title(nbformat.v4.new_notebook(), "fallback") == "fallback"
    page = '<a href="03_e_step.ipynb#x">e</a><img src="../figures/a.png"><a href="https://x.org/a.ipynb">'
    targets = {"notebooks/03_e_step.ipynb": "03_e_step.html", "figures/a.png": "figures/a.png"}
    rewritten = reading.rewrite_links(page, "notebooks", "", targets)
    assert rewritten == '<a href="03_e_step.html#x">e</a><img src="figures/a.png"><a href="https://x.org/a.ipynb">'
    assert reading.rewrite_links('<a href="99_missing.ipynb">', "notebooks", "", targets) == \
        '<a href="99_missing.ipynb">'
    assert html.unescape(reading.nav_html("../", ("a.html", "A & B"))).count("../index.html") == 1


def test_hide_solutions_blanks_answers_and_hidden_tests():
    nb = nbformat.v4.new_notebook()
    answer = nbformat.v4.new_code_cell(
        "def f(x):\n    \"\"\"Doc.\"\"\"\n    ### BEGIN SOLUTION\n    return x + 41\n    ### END SOLUTION\n",
        execution_count=3, outputs=[nbformat.v4.new_output("stream", name="stdout", text="42\n")])
    answer.metadata["nbgrader"] = {"solution": True, "grade": False, "grade_id": "00-ex1-answer"}
    check = nbformat.v4.new_code_cell(
        "assert f(1) == 42\n### BEGIN HIDDEN TESTS\nassert f(2) == 43\n### END HIDDEN TESTS\n")
    check.metadata["nbgrader"] = {"solution": False, "grade": True, "grade_id": "00-ex1-check"}
    written = nbformat.v4.new_markdown_cell("The answer is 42.")
    written.metadata["nbgrader"] = {"solution": True, "grade": True, "grade_id": "00-ex2-answer"}
    nb.cells = [answer, check, written]
    assert reading.hide_solutions(nb) == 2
    assert answer.source == ('def f(x):\n    """Doc."""\n    # YOUR CODE HERE\n'
                             "    raise NotImplementedError()\n")
    assert answer.outputs == [] and answer.execution_count is None
    assert check.source == "assert f(1) == 42\n"
    assert written.source == "YOUR ANSWER HERE"


def test_hidden_solutions_are_the_student_versions_nbgrader_makes(tmp_path):
    """``--hide-solutions`` cannot drift from the release: same preprocessors, same cells."""
    pytest.importorskip("nbgrader")
    from gmmlib.tools import course

    lessons = ["00_course_map", "02_multivariate_normal"]
    course.build_course(tmp_path / "course", ROOT / "notebooks", lessons=lessons, log=lambda line: None)
    for name in lessons:
        nb = nbformat.read(ROOT / "notebooks" / f"{name}.ipynb", as_version=4)
        assert reading.hide_solutions(nb) > 0
        released = nbformat.read(tmp_path / "course" / "release" / name / f"{name}.ipynb", as_version=4)
        assert [c.source for c in nb.cells] == [c.source for c in released.cells]


def test_refuses_to_replace_a_folder_that_is_not_a_reading_edition(tmp_path):
    _tiny_course(tmp_path / "course", with_extras=False)
    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "notes.txt").write_text("keep me")
    for outdir in (precious, tmp_path / "course", tmp_path):
        with pytest.raises(SystemExit, match="--outdir"):
            reading.build(outdir, root=tmp_path / "course", log=lambda line: None)
    assert (precious / "notes.txt").read_text() == "keep me"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["course", "precious"]
