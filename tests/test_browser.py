"""The reading edition and JupyterLab, checked in a real browser (headless Chromium).

Python's ``playwright`` drives the system Chromium (Debian package ``chromium``;
never ``playwright install``). Without a Chromium the tests skip with a one-line
reason. The reading edition (Sphinx + MyST-NB + sphinx-book-theme) is built once
(``tests/sitebuild.py``) and served from a loopback ``http.server``. Every page,
at 1280 and at 390 px wide: MathJax typesets every formula with no error and no
raw TeX left, nothing is cut at the right edge and the page does not scroll
sideways (wide maths, tables and code scroll inside their own box, which says
so), every image loads, every link inside the site leads to a page and anchor
that exist, no console error, no request that fails or leaves the site. Search
finds "responsibility", with excerpts, over http and from the disk (``file://``).
Screenshots go to
``build/artifacts/`` (not committed) for a person to look at. The JupyterLab
tests open a lesson as ``make lab`` does.
"""

import contextlib
import functools
import http.server
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from sitebuild import reading_edition

ROOT = Path(__file__).resolve().parent.parent
LESSONS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
ARTIFACTS = ROOT / "build" / "artifacts"
LAUNCH_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--no-first-run", "--disable-default-apps", "--disable-extensions",
]
SITE_PAGES = ["index.html", *[f"{path.stem}.html" for path in LESSONS], "errata.html", "figures.html",
              "search.html", "genindex.html"]
WIDTHS = [1280, 390]


def find_chromium():
    for candidate in (os.environ.get("CHROMIUM"), "chromium", "chromium-browser"):
        path = candidate and shutil.which(candidate)
        if path:
            return path
    return None


CHROMIUM = find_chromium()
sync_api = pytest.importorskip("playwright.sync_api", reason="Python package playwright is not installed")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="no Chromium found (apt-get install chromium, or set CHROMIUM=/path)"
)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def notebook_json(path):
    return json.loads(Path(path).read_text(encoding="utf-8"))


def has_math(nb):
    """Whether the notebook's markdown or LaTeX outputs contain a formula."""
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown" and "$" in "".join(cell["source"]):
            return True
        for output in cell.get("outputs", []):
            if "text/latex" in output.get("data", {}):
                return True
    return False


# --------------------------------------------------------------------------
# fixtures: the site, a loopback web server, a browser


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def site():
    outdir, seconds = reading_edition()
    if seconds:
        print(f"\nreading edition built in {seconds:.1f} s")
    return outdir


@pytest.fixture(scope="module")
def base_url(site):
    handler = functools.partial(QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS, timeout=30_000
        )
        try:
            yield browser
        finally:
            browser.close()


class PageProblems:
    """Console errors, uncaught exceptions, failed requests and requests leaving ``allowed_prefix``."""

    def __init__(self, context, page, allowed_prefix):
        self.console, self.failed, self.external = [], [], []
        self.allowed_prefix = allowed_prefix
        context.route("**/*", self._route)
        page.on("console", lambda msg: msg.type == "error" and self.console.append(
            f"{msg.text} ({msg.location.get('url', '')})"))
        page.on("pageerror", lambda exc: self.console.append(f"uncaught: {exc}"))
        page.on("requestfailed", lambda req: self.failed.append(f"{req.url}: {req.failure}"))
        page.on("response", lambda res: res.status >= 400 and self.failed.append(
            f"{res.url}: HTTP {res.status}"))

    def _route(self, route):
        url = route.request.url
        if url.startswith(self.allowed_prefix) or url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            self.external.append(url)
            route.abort()

    def assert_none(self, what):
        assert not self.external, f"{what}: requests leaving the site: {self.external}"
        assert not self.failed, f"{what}: failed requests: {self.failed}"
        assert not self.console, f"{what}: console errors: {self.console}"


RAW_TEX = re.compile(r"\$\$|\\begin|\\end\{|\\frac|\\[a-zA-Z]+\{|\$[^$\n]+\$|\\\(|\\\[")

# Facts about the typeset page that the checks below assert on.
PAGE_FACTS = r"""() => {
  const vw = window.innerWidth;
  const article = document.querySelector('.bd-article') || document.body;
  const maths = [...document.querySelectorAll('.math')];
  const prose = (() => {
    const copy = article.cloneNode(true);
    copy.querySelectorAll('script, style, mjx-container, code, pre, .highlight, .cell_input, '
                          + 'textarea, .MathJax').forEach(e => e.remove());
    return copy.textContent;
  })();
  const scrolls = el => { for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
      const o = getComputedStyle(a).overflowX; if (o === 'auto' || o === 'scroll') return true; }
    return false; };
  const cut = [...article.querySelectorAll(
      'p, li, td, th, img, pre, table, mjx-container, .output, h1, h2, h3')]
    .filter(e => e.getClientRects().length && e.getBoundingClientRect().right > vw + 1 && !scrolls(e))
    .map(e => e.tagName + ': ' + e.textContent.trim().slice(0, 60));
  const boxes = [...document.querySelectorAll("div.math, mjx-container[display='true'], "
      + ".cell_output .output pre, div.highlight pre, .pst-scrollable-table-container, "
      + ".cell_output .output.text_html, mjx-container.gmm-wide-inline")]
    .filter(b => b.getClientRects().length);
  const overflowing = boxes.filter(b => b.scrollWidth > b.clientWidth + 1);
  const noCue = overflowing.filter(b => !(b.classList.contains('gmm-scrolls')
      && b.nextElementSibling && b.nextElementSibling.classList.contains('gmm-scroll-hint')))
    .map(b => b.className + ': ' + b.textContent.trim().slice(0, 60));
  const images = [...document.images].filter(i => !i.closest('.bd-sidebar-primary') || i.complete);
  const zoomless = [...document.querySelectorAll('.cell_output img, .gmm-figures img')]
    .filter(i => { const a = i.closest('a.gmm-zoom');
                   return !(a && a.getAttribute('href') === i.getAttribute('src')); })
    .map(i => i.getAttribute('src'));
  return {
    mathDone: window.gmmMathDone,
    mathCount: document.querySelectorAll('mjx-container').length,
    untypeset: maths.filter(m => !m.querySelector('mjx-container')).map(m => m.textContent.slice(0, 80)),
    errors: [...document.querySelectorAll('mjx-merror, .MathJax_Error')].map(e => e.textContent.slice(0, 80)),
    prose: prose,
    pageWidth: document.documentElement.scrollWidth, viewport: vw,
    bodyWidth: document.body.scrollWidth,
    cut: cut, overflowing: overflowing.length, noCue: noCue, zoomless: zoomless,
    brokenImages: images.filter(i => !(i.complete && i.naturalWidth > 0))
                        .map(i => (i.getAttribute('src') || '').slice(0, 80)),
    links: [...document.querySelectorAll('a[href]')].map(a => a.href),
    ids: [...document.querySelectorAll('[id]')].map(e => e.id),
  };
}"""


def open_page(browser, url, width, allowed):
    """A new browser context at ``width`` px with ``url`` loaded and MathJax finished."""
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    problems = PageProblems(context, page, allowed)
    page.goto(url, wait_until="load", timeout=30_000)
    page.wait_for_function("() => window.gmmMathDone !== undefined", timeout=30_000)
    return context, page, problems


_ids = {}


def ids_of(path):
    """The ids of a built page (for links into it from another page)."""
    if path not in _ids:
        _ids[path] = set(re.findall(r'\sid="([^"]+)"', path.read_text(encoding="utf-8")))
    return _ids[path]


def check_page(browser, root_url, site, path, width, screenshot=None):
    """Open ``root_url + path`` at ``width`` px and assert the reading-edition checks."""
    what = f"{path} at {width} px"
    context, page, problems = open_page(browser, root_url + path, width, root_url)
    try:
        page.wait_for_timeout(200)  # gmm.js marks the boxes that scroll after the typesetting
        facts = page.evaluate(PAGE_FACTS)
        if screenshot:
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / screenshot), full_page=False)
        problems.assert_none(what)
    finally:
        context.close()
    assert facts["mathDone"] in (True, "no maths"), f"{what}: MathJax: {facts['mathDone']}"
    assert not facts["untypeset"], f"{what}: formulas not typeset: {facts['untypeset'][:5]}"
    assert not facts["errors"], f"{what}: MathJax errors: {facts['errors']}"
    leftover = RAW_TEX.findall(facts["prose"])
    assert not leftover, f"{what}: raw TeX left in the rendered text: {leftover[:5]}"
    assert facts["pageWidth"] <= facts["viewport"], (
        f"{what}: the page scrolls sideways ({facts['pageWidth']} px > {facts['viewport']} px)")
    assert not facts["cut"], f"{what}: content cut at the right edge: {facts['cut'][:5]}"
    assert not facts["noCue"], f"{what}: boxes that scroll without a cue: {facts['noCue'][:5]}"
    assert not facts["brokenImages"], f"{what}: images that did not load: {facts['brokenImages']}"
    assert not facts["zoomless"], f"{what}: figures that cannot be opened full size: {facts['zoomless']}"
    bad = []
    here = (site / path).resolve()
    for href in facts["links"]:
        if not href.startswith(root_url):
            bad.append(f"outside the site: {href}")
            continue
        target, _, frag = href[len(root_url):].partition("#")
        target = urllib.parse.unquote(target.split("?")[0])
        file = (site / target).resolve() if target else here
        if file.is_dir():
            file = file / "index.html"
        if not file.is_file():
            bad.append(f"missing page: {href}")
        elif frag and file.suffix == ".html":
            ids = set(facts["ids"]) if file == here else ids_of(file)
            if urllib.parse.unquote(frag) not in ids:
                bad.append(f"missing anchor: {href}")
    assert not bad, f"{what}: {len(bad)} links that do not resolve: {bad[:8]}"
    return facts


# --------------------------------------------------------------------------
# the reading edition


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("path", SITE_PAGES)
def test_page_renders_offline(browser, base_url, site, path, width):
    shot = None
    if path in ("index.html", "errata.html", "figures.html") or path.startswith("04_"):
        shot = f"reading-edition-{path.replace('.html', '')}-{width}.png"
    facts = check_page(browser, base_url, site, path, width, screenshot=shot)
    lesson = next((p for p in LESSONS if f"{p.stem}.html" == path), None)
    if lesson is not None and has_math(notebook_json(lesson)):
        assert facts["mathCount"] > 0, f"{path}: the lesson has maths but no formula was typeset"


def test_wide_things_scroll_in_their_box_on_a_phone(browser, base_url, site):
    """At 390 px some formulas, tables or code are wider than the screen: they scroll inside
    their box, which shows a shadow and says "scroll sideways"; the page itself does not."""
    total = 0
    for path in ("errata.html", *[f"{p.stem}.html" for p in LESSONS[1:4]]):
        total += check_page(browser, base_url, site, path, 390)["overflowing"]
    assert total > 0, "nothing scrolls sideways at 390 px: the cue was not exercised"


def _search(browser, root_url, word, allowed, excerpts=False):
    """The results (href and excerpt) of searching ``word``; asserts no request left the site,
    none failed and nothing was logged as an error."""
    context, page, problems = open_page(browser, f"{root_url}search.html?q={word}", 1280, allowed)
    try:
        page.wait_for_function(
            "() => document.querySelector('#search-results ul.search li') || "
            "(document.querySelector('#search-results p') && "
            " !/Searching|Preparing/.test(document.querySelector('#search-results').textContent))",
            timeout=30_000)
        if excerpts:  # they arrive one page at a time, fetched by the search script
            page.wait_for_function("() => [...document.querySelectorAll('#search-results p.context')]"
                                   ".some(p => p.textContent.trim())", timeout=30_000)
        else:
            page.wait_for_timeout(1000)
        results = page.evaluate("""() => [...document.querySelectorAll('#search-results ul.search li')]
            .map(li => ({href: li.querySelector('a').getAttribute('href'),
                         excerpt: (li.querySelector('p.context') || {textContent: ''}).textContent}))""")
        problems.assert_none(f"search for {word!r} from {root_url}")
    finally:
        context.close()
    return results


def test_search_finds_responsibility_over_http(browser, base_url):
    results = _search(browser, base_url, "responsibility", base_url, excerpts=True)
    pages = {r["href"].split("#")[0].split("?")[0] for r in results}
    assert any(p.startswith("03_e_step") for p in pages), f"search results: {pages}"
    assert any("responsib" in r["excerpt"].lower() for r in results), "no excerpt shows the word"


def test_search_finds_responsibility_from_the_disk(browser, site):
    """From file:// the search index loads (a script), so pages are found; Chromium refuses
    the fetches of the result pages that Sphinx makes for the excerpts, so gmm-search.js
    answers them from gmm-search-pages.js: excerpts too, and no console error."""
    root = site.as_uri() + "/"
    results = _search(browser, root, "responsibility", root, excerpts=True)
    assert any(r["href"].split("#")[0].split("?")[0].startswith("03_e_step") for r in results), results
    assert any("responsib" in r["excerpt"].lower() for r in results), "no excerpt shows the word"


def test_site_also_works_from_the_disk(browser, site):
    """Students may open build/html/index.html straight from the disk (file://)."""
    root = site.as_uri() + "/"
    with_math = [path for path in LESSONS if has_math(notebook_json(path))]
    lesson = min(with_math, key=lambda path: path.stat().st_size)
    for path in ("index.html", f"{lesson.stem}.html", "errata.html"):
        check_page(browser, root, site, path, 1280)


def test_no_raw_tex_is_shown_while_mathjax_works(browser, base_url):
    """Formulas are hidden until MathJax has typeset them: at DOMContentLoaded (before
    MathJax, which is deferred, has run) no formula's TeX source is visible."""
    lesson = max((p for p in LESSONS if has_math(notebook_json(p))), key=lambda p: p.stat().st_size)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        PageProblems(context, page, base_url)
        page.add_init_script("""document.addEventListener('DOMContentLoaded', () => {
            window.__rawVisible = [...document.querySelectorAll('.math')].filter(m =>
              !m.querySelector('mjx-container') && getComputedStyle(m).visibility !== 'hidden').length;
            window.__mathsAtStart = document.querySelectorAll('.math').length;
            window.__t0 = performance.now(); });""")
        page.goto(f"{base_url}{lesson.stem}.html", wait_until="load", timeout=30_000)
        page.wait_for_function("() => window.gmmMathDone !== undefined", timeout=30_000)
        raw, count, done, seconds = page.evaluate(
            "() => [window.__rawVisible, window.__mathsAtStart, window.gmmMathDone, "
            "performance.now() / 1000]")
        visible_after = page.evaluate("""() => [...document.querySelectorAll('.math')]
            .filter(m => getComputedStyle(m).visibility === 'hidden').length""")
    finally:
        context.close()
    print(f"\n{lesson.name}: {count} formulas typeset {seconds:.1f} s after navigation")
    assert count > 0 and done is True
    assert raw == 0, f"{lesson.name}: {raw} formulas showed raw TeX before MathJax ran"
    assert visible_after == 0, f"{lesson.name}: {visible_after} formulas still hidden after typesetting"


# --------------------------------------------------------------------------
# JupyterLab, started as `make lab` starts it


def _lab_lesson():
    for path in LESSONS:
        if has_math(notebook_json(path)) and not path.name.startswith("00_"):
            return path
    return LESSONS[0] if LESSONS else None


def _stop(process):
    """Stop the server's process group, then anything it started that is left."""
    try:
        import psutil

        children = psutil.Process(process.pid).children(recursive=True)
    except Exception:  # psutil missing or process gone
        children = []
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=20)
    except ProcessLookupError:
        pass
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
    for child in children:  # kernels live in their own sessions
        try:
            child.wait(timeout=5)
        except Exception:
            try:
                child.kill()
            except Exception:
                pass


@contextlib.contextmanager
def running_lab(root, tmp_path):
    """JupyterLab serving ``root`` as ``make lab`` starts it (no token, settings in
    ``tmp_path``); yields its base URL and stops it, and its kernels, afterwards."""
    from gmmlib.tools.lab import lab_command

    port = free_port()
    env = dict(os.environ, JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"),
               JUPYTER_CONFIG_DIR=str(tmp_path / "config"))
    cmd = lab_command(root, port, no_browser=True, extra=[
        "--IdentityProvider.token=", "--ServerApp.password=",
        f"--LabApp.workspaces_dir={tmp_path / 'workspaces'}",
        "--LabApp.extension_manager=readonly",
    ])
    base = f"http://127.0.0.1:{port}/"
    start = time.perf_counter()
    with open(tmp_path / "lab.log", "w+") as log:
        process = subprocess.Popen(cmd, cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT,
                                   start_new_session=True)
        try:
            deadline = time.monotonic() + 40
            while True:
                try:
                    with urllib.request.urlopen(base + "api/status", timeout=2) as response:
                        if response.status == 200:
                            break
                except OSError:
                    pass
                if process.poll() is not None or time.monotonic() > deadline:
                    log.seek(0)
                    pytest.fail(f"JupyterLab did not start (exit code {process.poll()}):\n"
                                f"{log.read()[-3000:]}")
                time.sleep(0.3)
            print(f"\nJupyterLab ready in {time.perf_counter() - start:.1f} s")
            yield base
        finally:
            stopping = time.perf_counter()
            _stop(process)
            print(f"JupyterLab stopped in {time.perf_counter() - stopping:.1f} s")
    assert process.poll() is not None, "the JupyterLab server is still running"


def show_in_lab(page, base, lesson_name, n_cells):
    """Open ``notebooks/<lesson_name>`` in JupyterLab on ``page``; wait for all its cells."""
    page.goto(f"{base}lab/tree/notebooks/{lesson_name}?reset", wait_until="load", timeout=30_000)
    page.wait_for_function(
        "n => document.querySelectorAll('.jp-NotebookPanel .jp-Cell').length >= n",
        arg=n_cells, timeout=30_000)


@pytest.mark.skipif(not LESSONS, reason="no lessons in notebooks/")
def test_jupyterlab_renders_a_lesson(browser, tmp_path):
    lesson = _lab_lesson()
    n_cells = len(notebook_json(lesson)["cells"])
    with running_lab(ROOT, tmp_path) as base:
        start = time.perf_counter()
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        try:
            page = context.new_page()
            problems = PageProblems(context, page, base)
            show_in_lab(page, base, lesson.name, n_cells)
            # maths is typeset progressively: wait until the count is steady for ~1 s
            counts, deadline = [], time.monotonic() + 20
            while time.monotonic() < deadline:
                counts.append(page.evaluate(
                    "() => document.querySelectorAll('.jp-NotebookPanel mjx-container').length"))
                if len(counts) >= 5 and counts[-1] > 0 and len(set(counts[-5:])) == 1:
                    break
                page.wait_for_timeout(250)
            cells = page.evaluate("() => document.querySelectorAll('.jp-NotebookPanel .jp-Cell').length")
            raw = page.evaluate(r"""() => [...document.querySelectorAll(
                '.jp-NotebookPanel .jp-MarkdownCell .jp-RenderedMarkdown')].map(node => {
                  const copy = node.cloneNode(true);
                  copy.querySelectorAll('mjx-container, code, pre').forEach(e => e.remove());
                  return copy.textContent; }).join('\n')""")
            print(f"{lesson.name} rendered in {time.perf_counter() - start:.1f} s")
            problems.assert_none(f"JupyterLab, {lesson.name}")
        finally:
            context.close()
    assert cells == n_cells, f"{lesson.name}: {n_cells} cells in the notebook, {cells} shown"
    assert counts and counts[-1] > 0, f"{lesson.name}: no formula typeset (mjx-container) in JupyterLab"
    leftover = RAW_TEX.findall(raw)
    assert not leftover, f"{lesson.name}: raw TeX left in JupyterLab's rendered markdown: {leftover[:5]}"


def _api(base, path):
    with urllib.request.urlopen(base + path, timeout=10) as response:
        return json.loads(response.read())


# Deletes a session (and stops its kernel) as JupyterLab does, with its XSRF cookie.
DELETE_SESSION = """async url => {
  const xsrf = document.cookie.match(/_xsrf=([^;]+)/);
  const response = await fetch(url, {method: 'DELETE',
      headers: xsrf ? {'X-XSRFToken': decodeURIComponent(xsrf[1])} : {}});
  return response.status;
}"""


def _wait_for_idle_kernel(base, path, timeout=60):
    """Wait until the notebook's kernel has started and is idle; return its session id."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for session in _api(base, "api/sessions"):
            if session["path"] == path and session["kernel"]["execution_state"] == "idle":
                return session["id"]
        time.sleep(0.3)
    pytest.fail(f"{path}: no idle kernel after {timeout} s")


def _what_changed(before, after):
    """Where a saved notebook differs from the stored one (for the failure message)."""
    old, new = json.loads(before), json.loads(after)
    found = ["the trailing newline"] if before.endswith(b"\n") != after.endswith(b"\n") else []
    found += [f"{key}: {old.get(key)!r} -> {new.get(key)!r}"
              for key in ("nbformat", "nbformat_minor") if old.get(key) != new.get(key)]
    for key in sorted(set(old["metadata"]) | set(new["metadata"])):
        if old["metadata"].get(key) != new["metadata"].get(key):
            found.append(f"metadata.{key}: {old['metadata'].get(key)!r} -> {new['metadata'].get(key)!r}")
    if [c.get("id") for c in old["cells"]] != [c.get("id") for c in new["cells"]]:
        found.append("cell ids")
    for i, (a, b) in enumerate(zip(old["cells"], new["cells"])):
        if a != b:
            keys = sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k))
            found.append(f"cell {i}: {', '.join(keys)}")
    if not found:  # same content, other formatting
        line = next(i for i, (a, b) in enumerate(zip(before.splitlines(), after.splitlines())) if a != b)
        found.append(f"formatting, first at line {line + 1}: {after.splitlines()[line][:120]!r}")
    return "; ".join(found[:6])


def _save_in_lab(page, course, lesson):
    """Press Ctrl+S on the open lesson and wait until JupyterLab has saved it; True if it did.

    The server writes the file in place; after the save JupyterLab has the server copy it
    to its checkpoint with its modification time, so a checkpoint as new as the file
    means the file is complete (the checkpoint made on opening has the old time).
    """
    path = course / "notebooks" / lesson.name
    checkpoint = course / "notebooks" / ".ipynb_checkpoints" / f"{lesson.stem}-checkpoint.ipynb"
    old = path.stat().st_mtime_ns

    def saved():
        return (path.stat().st_mtime_ns != old and checkpoint.is_file()
                and checkpoint.stat().st_mtime_ns == path.stat().st_mtime_ns)

    page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Cell").first.click()
    page.keyboard.press("Control+s")
    deadline = time.monotonic() + 30
    while not saved() and time.monotonic() < deadline:
        time.sleep(0.2)
    return saved()


@pytest.mark.skipif(not LESSONS, reason="no lessons in notebooks/")
def test_saving_a_lesson_in_jupyterlab_changes_no_byte(browser, tmp_path):
    """A student who opens a lesson (its kernel starts) and presses Ctrl+S must not find
    the file modified: kernelspec, language_info, nbformat_minor, cell ids and the
    trailing newline are stored exactly as JupyterLab writes them (issue 16, item 19).
    Lab serves a copy of the lessons, so a failure leaves the checkout untouched; the
    lessons after the first are opened from the file browser, as a student does."""
    course = tmp_path / "course"
    (course / "notebooks").mkdir(parents=True)
    for lesson in LESSONS:
        shutil.copy2(lesson, course / "notebooks" / lesson.name)  # keeps the modification time
    changed, saved, sessions = {}, [], []
    with running_lab(course, tmp_path) as base:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        try:
            page = context.new_page()
            for i, lesson in enumerate(LESSONS):
                start = time.perf_counter()
                if i == 0:
                    show_in_lab(page, base, lesson.name, 1)
                else:
                    page.locator(".jp-DirListing-item", has_text=lesson.name).dblclick()
                    page.wait_for_selector(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Cell", timeout=30_000)
                # its kernel has started and set language_info, as for a student who reads on
                sessions.append(_wait_for_idle_kernel(base, f"notebooks/{lesson.name}"))
                if _save_in_lab(page, course, lesson):
                    saved.append(lesson.name)
                copy = (course / "notebooks" / lesson.name).read_bytes()
                if copy != lesson.read_bytes():
                    changed[lesson.name] = _what_changed(lesson.read_bytes(), copy)
                print(f"{lesson.name}: opened and saved in {time.perf_counter() - start:.1f} s")
            for session in sessions:  # stop the kernels, so that the server stops at once
                page.evaluate(DELETE_SESSION, f"{base}api/sessions/{session}")
        finally:
            context.close()
    assert saved == [lesson.name for lesson in LESSONS], f"JupyterLab saved only {saved} on Ctrl+S"
    assert not changed, (
        f"saving in JupyterLab changed {changed}; store what JupyterLab writes "
        f"(python -m gmmlib execute sets the kernelspec from the installed kernel)"
    )
