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
