"""The reading edition and JupyterLab, checked in a real browser (headless Chromium).

Python's ``playwright`` drives the system Chromium (Debian package ``chromium``;
never ``playwright install``). Without a Chromium the tests skip with a one-line
reason. The reading edition is built once into a temporary folder and served
from a loopback ``http.server``; every page must typeset all its formulas with
MathJax's STIX-Web fonts, load every image, log no console error and make no
request that fails or leaves the machine. Screenshots of the index and of one
lesson go to ``build/artifacts/`` (not committed) for a person to look at.
The second test opens a lesson in JupyterLab started as ``make lab`` does.
"""

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
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LESSONS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
ARTIFACTS = ROOT / "build" / "artifacts"
LAUNCH_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--no-first-run", "--disable-default-apps", "--disable-extensions",
]


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


def shows_png(output):
    """Whether nbconvert shows this output as a PNG (LaTeX and HTML come first)."""
    data = output.get("data", {})
    return "image/png" in data and not any(
        mime in data for mime in ("text/html", "text/markdown", "image/svg+xml", "text/latex"))


# --------------------------------------------------------------------------
# fixtures: the site, a loopback web server, a browser


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    from gmmlib.tools.html import build

    outdir = tmp_path_factory.mktemp("reading-edition") / "html"
    start = time.perf_counter()
    build(outdir, root=ROOT, log=lambda line: None)
    print(f"\nreading edition built in {time.perf_counter() - start:.1f} s")
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
    """Console errors, uncaught exceptions, failed and non-loopback requests of a page."""

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
        assert not self.external, f"{what}: requests leaving the machine: {self.external}"
        assert not self.failed, f"{what}: failed requests: {self.failed}"
        assert not self.console, f"{what}: console errors: {self.console}"


# Sets window.__gmmTypeset once MathJax 2 has finished its startup typesetting
# and its queue has run (braces around the hook body: a hook that returns the
# queued callback deadlocks MathJax). Waited for with a timeout, never awaited.
WATCH_MATHJAX = """() => {
  if (!window.MathJax || !window.MathJax.Hub) { window.__gmmTypeset = "no MathJax"; return; }
  MathJax.Hub.Register.StartupHook("End", () => {
    MathJax.Hub.Queue(() => { window.__gmmTypeset = "typeset"; });
  });
}"""
MATHJAX_IDLE = """() => window.MathJax && MathJax.Hub && MathJax.Hub.queue
  && MathJax.Hub.queue.pending === 0 && !MathJax.Hub.queue.running
  && !document.querySelector('.MathJax_Processing')"""

# Facts about the typeset page that the checks below assert on.
PAGE_FACTS = r"""() => {
  const mathScripts = [...document.querySelectorAll('script[type^="math/"]')];
  const untypeset = mathScripts.filter(s => !document.getElementById(s.id + '-Frame'))
                               .map(s => s.textContent.slice(0, 80));
  const errors = [...document.querySelectorAll('.MathJax_Error, .merror, .noError')]
                 .map(e => e.textContent.slice(0, 80));
  const prose = [...document.querySelectorAll(
      '.jp-RenderedMarkdown, .jp-RenderedLatex, body > main, nav')].map(node => {
    const copy = node.cloneNode(true);
    copy.querySelectorAll('script, .MathJax, .MathJax_Display, .MathJax_Preview, '
                          + '.MJX_Assistive_MathML, code, pre, .jp-InputArea').forEach(e => e.remove());
    return copy.textContent;
  }).join('\n');
  const images = [...document.images];
  return {
    mathCount: mathScripts.length,
    untypeset: untypeset,
    errors: errors,
    fontInUse: (window.MathJax && MathJax.OutputJax && MathJax.OutputJax["HTML-CSS"])
               ? MathJax.OutputJax["HTML-CSS"].fontInUse : null,
    prose: prose,
    imageCount: images.length,
    brokenImages: images.filter(i => !(i.complete && i.naturalWidth > 0))
                        .map(i => (i.getAttribute('src') || '').slice(0, 80)),
    links: [...document.querySelectorAll('a[href]')].map(a => a.getAttribute('href')),
  };
}"""
RAW_TEX = re.compile(r"\$\$|\\begin|\\end\{|\\frac|\\[a-zA-Z]+\{|\$[^$\n]+\$")


def check_page(browser, base_url, path, *, expect_math, expect_images, screenshot=None):
    """Open ``base_url + path`` and assert the reading-edition checks; return the page facts."""
    url, what = base_url + path, path
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    try:
        page = context.new_page()
        problems = PageProblems(context, page, base_url)
        page.goto(url, wait_until="load", timeout=30_000)
        page.evaluate(WATCH_MATHJAX)
        page.wait_for_function("() => window.__gmmTypeset !== undefined", timeout=60_000)
        state = page.evaluate("() => window.__gmmTypeset")
        assert state == "typeset", f"{what}: MathJax did not load ({state})"
        page.wait_for_function(MATHJAX_IDLE, timeout=30_000)
        facts = page.evaluate(PAGE_FACTS)
        if screenshot is not None:
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / screenshot), full_page=True)
        problems.assert_none(what)
    finally:
        context.close()
    assert not facts["untypeset"], f"{what}: formulas not typeset: {facts['untypeset']}"
    assert not facts["errors"], f"{what}: MathJax errors: {facts['errors']}"
    leftover = RAW_TEX.findall(facts["prose"])
    assert not leftover, f"{what}: raw TeX left in the rendered text: {leftover[:5]}"
    if expect_math:
        assert facts["mathCount"] > 0, f"{what}: the source has maths but no formula was typeset"
        assert facts["fontInUse"] == "STIX-Web", (
            f"{what}: MathJax used font {facts['fontInUse']!r}, expected the offline 'STIX-Web' "
            "(fallback glyphs mean the local MathJax config was not loaded)"
        )
    assert not facts["brokenImages"], f"{what}: images that did not load: {facts['brokenImages']}"
    if expect_images:
        assert facts["imageCount"] > 0, f"{what}: the notebook has figures but the page shows none"
    return facts


# --------------------------------------------------------------------------
# the reading edition


def test_index_links_every_lesson_and_renders(browser, base_url):
    facts = check_page(browser, base_url, "index.html",
                       expect_math=False, expect_images=False, screenshot="reading-edition-index.png")
    expected = [path.stem + ".html" for path in LESSONS]
    assert [link for link in facts["links"] if link in expected] == expected
    for name, page in (("ERRATA.md", "errata.html"), ("figures/README.md", "figures/index.html")):
        assert ((ROOT / name).is_file()) == (page in facts["links"]), f"index link to {page}"


def _screenshot_lesson():
    """The lesson whose screenshot is kept: the first one with a figure and maths."""
    for path in LESSONS:
        nb = notebook_json(path)
        if has_math(nb) and any(shows_png(o) for c in nb["cells"] for o in c.get("outputs", [])):
            return path
    return LESSONS[0] if LESSONS else None


@pytest.mark.parametrize("lesson", LESSONS, ids=[path.stem for path in LESSONS])
def test_lesson_page_renders_offline(browser, base_url, lesson):
    nb = notebook_json(lesson)
    pngs = sum(shows_png(o) for c in nb["cells"] for o in c.get("outputs", []))
    shot = "reading-edition-lesson.png" if lesson == _screenshot_lesson() else None
    facts = check_page(browser, base_url, f"{lesson.stem}.html",
                       expect_math=has_math(nb), expect_images=pngs > 0, screenshot=shot)
    assert facts["imageCount"] >= pngs, f"{lesson.name}: {pngs} stored figures, {facts['imageCount']} shown"
    assert "index.html" in facts["links"], f"{lesson.name}: no link back to the index"
    i = LESSONS.index(lesson)
    for neighbour in (LESSONS[i - 1] if i else None, LESSONS[i + 1] if i + 1 < len(LESSONS) else None):
        if neighbour is not None:
            assert f"{neighbour.stem}.html" in facts["links"], f"{lesson.name}: no link to {neighbour.name}"


def test_site_also_works_from_the_disk(browser, site):
    """Students may open build/html/index.html straight from the disk (file://)."""
    with_math = [path for path in LESSONS if has_math(notebook_json(path))]
    if not with_math:
        pytest.skip("no lesson with maths yet")
    lesson = min(with_math, key=lambda path: path.stat().st_size)
    check_page(browser, site.as_uri() + "/", f"{lesson.stem}.html", expect_math=True,
               expect_images=False)
    check_page(browser, site.as_uri() + "/", "index.html", expect_math=False, expect_images=False)


@pytest.mark.parametrize("source, page", [("ERRATA.md", "errata.html"),
                                          ("figures/README.md", "figures/index.html")])
def test_errata_and_figure_index_render(browser, base_url, source, page):
    if not (ROOT / source).is_file():
        pytest.skip(f"{source} does not exist yet")
    text = (ROOT / source).read_text(encoding="utf-8")
    images = len(re.findall(r"!\[[^\]]*\]\(|<img\b", text))
    facts = check_page(browser, base_url, page, expect_math="$" in text, expect_images=images > 0)
    assert facts["imageCount"] >= images, f"{page}: {images} images in {source}, {facts['imageCount']} shown"


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


@pytest.mark.skipif(not LESSONS, reason="no lessons in notebooks/")
def test_jupyterlab_renders_a_lesson(browser, tmp_path):
    from gmmlib.tools.lab import lab_command

    lesson = _lab_lesson()
    n_cells = len(notebook_json(lesson)["cells"])
    port = free_port()
    env = dict(os.environ, JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"),
               JUPYTER_CONFIG_DIR=str(tmp_path / "config"))
    cmd = lab_command(ROOT, port, no_browser=True, extra=[
        "--IdentityProvider.token=", "--ServerApp.password=",
        f"--LabApp.workspaces_dir={tmp_path / 'workspaces'}",
        "--LabApp.extension_manager=readonly",
    ])
    base = f"http://127.0.0.1:{port}/"
    start = time.perf_counter()
    with open(tmp_path / "lab.log", "w+") as log:
        process = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
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
            ready = time.perf_counter() - start
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            try:
                page = context.new_page()
                problems = PageProblems(context, page, base)
                page.goto(f"{base}lab/tree/notebooks/{lesson.name}?reset", wait_until="load",
                          timeout=30_000)
                page.wait_for_function(
                    "n => document.querySelectorAll('.jp-NotebookPanel .jp-Cell').length >= n",
                    arg=n_cells, timeout=30_000)
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
                print(f"\nJupyterLab ready in {ready:.1f} s; {lesson.name} rendered "
                      f"{time.perf_counter() - start:.1f} s after start")
                problems.assert_none(f"JupyterLab, {lesson.name}")
            finally:
                context.close()
        finally:
            stopping = time.perf_counter()
            _stop(process)
            print(f"JupyterLab stopped in {time.perf_counter() - stopping:.1f} s")
    assert cells == n_cells, f"{lesson.name}: {n_cells} cells in the notebook, {cells} shown"
    assert counts and counts[-1] > 0, f"{lesson.name}: no formula typeset (mjx-container) in JupyterLab"
    leftover = RAW_TEX.findall(raw)
    assert not leftover, f"{lesson.name}: raw TeX left in JupyterLab's rendered markdown: {leftover[:5]}"
    assert process.poll() is not None, "the JupyterLab server is still running"
