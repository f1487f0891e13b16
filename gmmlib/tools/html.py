"""``python -m gmmlib html``: build the reading edition into ``build/html/``.

The site is made by the tools course sites use: **Sphinx** with **MyST-NB** and
**sphinx-book-theme** (the ``site`` extra). The notebooks' *stored* outputs are
rendered, nothing is re-executed (``nb_execution_mode = "off"``; nbval already
proves the outputs). The configuration is ``gmmlib/tools/site/conf.py`` with
its ``_static/`` files; this job only prepares the Sphinx source folder:

- one page per lesson ``notebooks/NN_*.ipynb`` (whichever exist, in file-name
  order, which is the lesson order), with links between lessons, to
  ``ERRATA.md`` and to ``figures/README.md`` pointed at the matching pages;
  with ``--hide-solutions`` each lesson is first turned into its **student
  version** by :func:`gmmlib.tools.exercises.student_version` (nbgrader's own
  preprocessors, as the release is made), and the answer cells' outputs are
  dropped;
- under each lesson's title a "download this lesson" link to that notebook
  (the student version with ``--hide-solutions``), as it is, outputs included;
- ``errata.html`` from ``ERRATA.md``: its "Explained in" cells link to the
  section of the lesson whose "Erratum" note explains the row
  (:func:`errata_targets`);
- ``figures.html`` from the figure registry (:mod:`gmmlib.figures`): every
  figure with its caption, alt text, files and a link to the lesson section
  that shows it;
- MathJax 3.2.2 copied from the ``sphinx-mathjax-offline`` wheel (a pinned
  Python package) into ``_static/mathjax``: no page asks any outside host for
  anything.

Launch links (Binder or JupyterHub) are off by default; ``--binder-url`` or
``--jupyterhub-url`` with ``--repository-url`` (or the environment variables
``GMM_BINDER_URL``, ``GMM_JUPYTERHUB_URL``, ``GMM_REPOSITORY_URL``) switch them
on. Full-text search (Sphinx's) works over ``python -m http.server`` and from
the disk (``file://``): there the browser refuses the fetches of result pages
that Sphinx makes for its excerpts, so ``_static/gmm-search.js`` answers them
from ``_static/gmm-search-pages.js`` (:func:`write_search_pages`). The site is
built in a temporary folder next to the output folder and swapped in at the
end, so an interrupted run never leaves a
half-built site.
"""

import argparse
import json
import os
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

from .._io import staged_dir
from ._paths import course_root

LESSON_PATTERN = "[0-9][0-9]_*.ipynb"
SITE_TITLE = "Gaussian mixture models and EM"
SITE_FILES = Path(__file__).with_name("site")
#: MathJax 3 inside the sphinx-mathjax-offline wheel, and the parts the site needs.
MATHJAX_DIST = "sphinx-mathjax-offline"
MATHJAX_FOLDER = "sphinx-mathjax-offline/static/mathjax"
MATHJAX_PARTS = ("tex-chtml-full.js", "output/chtml/fonts/woff-v2", "ui", "a11y")
#: A finished site has these files (a folder without them is never replaced).
SITE_MARKERS = ("searchindex.js", "_static/mathjax/tex-chtml-full.js")
ERRATA_PAGE, FIGURES_PAGE = "errata", "figures"


# --------------------------------------------------------------------------
# small helpers


def say(line):
    """Print one progress line now (not when a pipe's buffer fills)."""
    print(line, flush=True)


def slugify(text):
    """The anchor of a heading: ``"Step 1 — the determinant $|\\Sigma|$"`` ->
    ``"step-1-the-determinant-sigma"``. Sphinx uses it for the pages
    (``myst_heading_slug_func``) and this job for the links to them."""
    words = re.findall(r"[a-z0-9]+", text.lower())
    return "-".join(words) or "section"


def lesson_paths(root):
    """The lesson notebooks ``notebooks/NN_*.ipynb`` of ``root``, in order."""
    return sorted((Path(root) / "notebooks").glob(LESSON_PATTERN))


_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")


def _headings(source):
    """``(level, text)`` of the markdown headings in ``source`` (not in code fences)."""
    found, fenced = [], False
    for line in source.splitlines():
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
            continue
        match = None if fenced else _HEADING.match(line)
        if match and match.group(2):
            found.append((len(match.group(1)), match.group(2)))
    return found


def lesson_title(nb, fallback):
    """The text of the notebook's first markdown heading (``# ...``), without
    markdown emphasis; ``fallback`` if there is none."""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for _, text in _headings(cell.source):
                return re.sub(r"(\*\*|__|\*|`)", "", text).strip()
    return fallback


def sections(nb):
    """The sections of a lesson: a list of ``{"title", "slug", "text"}`` where
    ``text`` is the markdown and code of the section (up to the next heading)."""
    found = [{"title": "", "slug": "", "text": ""}]
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            found[-1]["text"] += "\n" + cell.source
            continue
        for line in cell.source.splitlines():
            match = _HEADING.match(line)
            if match and match.group(2) and match.group(1) != "#":
                title = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", match.group(2))  # link text only
                title = re.sub(r"<[^>]+>", "", title)
                found.append({"title": title, "slug": slugify(title), "text": ""})
            found[-1]["text"] += "\n" + line
    return found


def hide_solutions(nb):
    """The student version of ``nb`` (a new notebook): nbgrader's own
    preprocessors, through :func:`gmmlib.tools.exercises.student_version` (the
    code the release uses), blank the answers and remove hidden tests and mark
    schemes; the answer cells' outputs are dropped too (the lesson's other
    outputs stay)."""
    from .exercises import is_answer, student_version

    student = student_version(nb)
    for cell in student.cells:
        if cell.cell_type == "code" and is_answer(cell):
            cell.outputs = []
            cell.execution_count = None
    return student


# --------------------------------------------------------------------------
# links between the course's files, as pages of the site


def page_links(root, lessons):
    """``{repository path: Sphinx document}`` for the files that become pages."""
    targets = {f"notebooks/{path.name}": path.name for path in lessons}
    if (Path(root) / "ERRATA.md").is_file():
        targets["ERRATA.md"] = f"{ERRATA_PAGE}.md"
    targets["figures/README.md"] = f"{FIGURES_PAGE}.md"
    return targets


_MD_LINK = re.compile(r"(?<!!)\[(?P<text>[^\]]*)\]\((?P<url>[^)\s#]*)(?P<frag>#[^)\s]*)?\)")
_MD_IMAGE = re.compile(r"!\[(?P<text>[^\]]*)\]\((?P<url>\.\./figures/[^)\s]+)\)")


def rewrite_markdown_links(text, targets, source_dir="notebooks"):
    """Point relative markdown links of a lesson (written for the folder
    ``source_dir`` of the repository) at the site's documents: ``03_e_step.ipynb``
    stays, ``../ERRATA.md`` becomes ``errata.md``, ``../figures/README.md``
    ``figures.md``, ``../figures/x.png`` ``figures/x.png``; other links are kept."""
    import posixpath

    def link(match):
        url = match.group("url")
        if not url or ":" in url or url.startswith("/"):
            return match.group(0)
        target = targets.get(posixpath.normpath(posixpath.join(source_dir, url)))
        if target is None:
            return match.group(0)
        return f"[{match.group('text')}]({target}{match.group('frag') or ''})"

    text = _MD_IMAGE.sub(lambda m: f"![{m.group('text')}]({m.group('url')[3:]})", text)
    return _MD_LINK.sub(link, text)


def _words(text):
    return {w for w in re.findall(r"[a-z]{4,}|[0-9][0-9.]*", text.lower())}


def errata_targets(rows, lesson_sections):
    """For each errata row, the section of each lesson it names that explains it.

    ``rows`` are ``(number, text of the row, [lesson file names])``;
    ``lesson_sections`` maps a lesson file name to :func:`sections`. The section
    is the one whose "Erratum" note cites the row (``ERRATA.md``, row N); else
    the one whose note shares most words with the row; else the lesson's first
    section. Returns ``{(number, lesson): slug or ""}``."""
    found = {}
    for number, text, lessons in rows:
        for lesson in lessons:
            secs = lesson_sections.get(lesson, [])
            notes = [(sec, note) for sec in secs
                     for note in re.split(r"\n(?=\s*>\s*\*\*Erratum)", sec["text"])
                     if re.match(r"\s*>\s*\*\*Erratum", note)]
            cited = [sec for sec, note in notes
                     if re.search(rf"ERRATA\.md`?,?\s+rows?\s+(\d+\s*(,|and|–|-)\s*)*{number}\b", note)]
            if cited:
                found[(number, lesson)] = cited[0]["slug"]
                continue
            words = _words(text)
            scored = sorted(((len(words & _words(note)), -i, sec) for i, (sec, note) in enumerate(notes)),
                            key=lambda item: item[:2], reverse=True)
            if scored and scored[0][0] >= 3:
                found[(number, lesson)] = scored[0][2]["slug"]
            else:
                found[(number, lesson)] = next((sec["slug"] for sec in secs if sec["slug"]), "")
    return found


_NOTEBOOK_REF = re.compile(r"`?notebooks/(?P<name>[0-9][0-9]_[A-Za-z0-9_]+\.ipynb)`?")


def errata_markdown(text, lesson_nbs):
    """The errata page (MyST) from ``ERRATA.md``: the table in a ``gmm-table``
    container, each ``notebooks/NN_x.ipynb`` of a row linked to the lesson
    section that explains the row (:func:`errata_targets`), other repository
    links pointed at the site. ``lesson_nbs`` maps file names to notebooks."""
    lines = text.splitlines()
    rows = []
    for line in lines:
        match = re.match(r"^\|\s*(\d+)\s*\|", line)
        if match:
            rows.append((int(match.group(1)), line, [m.group("name") for m in _NOTEBOOK_REF.finditer(line)]))
    titles = {name: lesson_title(nb, name) for name, nb in lesson_nbs.items()}
    secs = {name: sections(nb) for name, nb in lesson_nbs.items()}
    targets = errata_targets(rows, secs)
    out, in_table = [], False
    for line in lines:
        is_row = line.startswith("|")
        if is_row and not in_table:
            out += ["", ":::{container} gmm-table gmm-errata", ""]
            in_table = True
        elif not is_row and in_table:
            out += ["", ":::", ""]
            in_table = False
        match = re.match(r"^\|\s*(\d+)\s*\|", line)
        if match:
            number = int(match.group(1))

            def link(m, number=number):
                name = m.group("name")
                if name not in lesson_nbs:
                    return m.group(0)
                slug = targets.get((number, name), "")
                title = titles[name].split(" — ")[0]
                sec = next((s["title"] for s in secs[name] if s["slug"] == slug and slug), "")
                label = f"{title}, {sec}" if sec else title
                label = label.replace("[", "(").replace("]", ")").replace("|", "\\|")
                return f"[{label}]({name}{'#' + slug if slug else ''})"

            cells = line.split(" | ")
            cells[-1] = _NOTEBOOK_REF.sub(link, cells[-1])
            line = " | ".join(cells)
        out.append(line)
    if in_table:
        out += ["", ":::"]
    body = "\n".join(out)
    return rewrite_markdown_links(body, {}, "")


def figures_markdown(lesson_nbs):
    """The figure index (MyST) from the registry :data:`gmmlib.figures.REGISTRY`:
    a table of every figure with the lesson section that shows it, then each
    figure with its caption, alt text and files (png, pdf)."""
    from .. import figures

    shown_in = {}
    for name, nb in lesson_nbs.items():
        title = lesson_title(nb, name)
        for sec in sections(nb):
            for spec in figures.REGISTRY.values():
                if (spec.name, name) not in shown_in and re.search(
                        rf"""show\(\s*['"]{re.escape(spec.name)}['"]""", sec["text"]):
                    shown_in[(spec.name, name)] = (title, sec)

    def lesson_link(spec):
        if spec.lesson not in lesson_nbs:
            return f"`notebooks/{spec.lesson}`"
        title = lesson_title(lesson_nbs[spec.lesson], spec.lesson).split(" — ")[0]
        where = shown_in.get((spec.name, spec.lesson))
        if where and where[1]["slug"]:
            return f"[{title}, {where[1]['title']}]({spec.lesson}#{where[1]['slug']})"
        return f"[{title}]({spec.lesson})"

    lines = [
        "# Lecture figures", "",
        f"Every lecture figure, drawn by a function of `gmmlib.plotting` from data computed with "
        f"`gmmlib`, as a PNG ({figures.PNG_DPI} dpi, for slides) and a PDF (for LaTeX notes). "
        "A lesson shows the same figure with `gmmlib.figures.show(name)`; `make figures` "
        "regenerates them. Tap a figure to open it full size.", "",
        ":::{container} gmm-table gmm-figure-list", "",
        "| figure | shown in | drawn by |", "|---|---|---|",
    ]
    for spec in figures.REGISTRY.values():
        lines.append(f"| [{spec.name}](#{slugify(spec.name)}) | {lesson_link(spec)} | `{spec.function}` |")
    lines += ["", ":::", "", ":::{container} gmm-figures", ""]
    for spec in figures.REGISTRY.values():
        alt = spec.alt.replace('"', "'")
        lines += [
            f"## {spec.name}", "",
            f"```{{figure}} figures/{spec.name}.png", f":alt: {alt}", "",
            spec.caption, "```", "",
            f"- **Shown in:** {lesson_link(spec)}",
            f"- **Files:** {{download}}`{spec.name}.png <figures/{spec.name}.png>`, "
            f"{{download}}`{spec.name}.pdf <figures/{spec.name}.pdf>`",
            f"- **Drawn by:** `{spec.function}`",
            f"- **Alt text:** {spec.alt}", "",
        ]
    lines += [":::", ""]
    return "\n".join(lines)


def index_markdown(lessons, has_errata):
    """The home page: what the site is, and the table of contents (the sidebar)."""
    docs = [path.name for path in lessons]
    lines = [
        f"# {SITE_TITLE}", "",
        "The reading edition of the course: every lesson with its stored outputs, the "
        "exercises as students get them. Each lesson page has a link to download it as a "
        "notebook; to run the lessons, open them in JupyterLab (`make lab`).", "",
        "Use the search box to find a word in every lesson; the list on the left is the whole "
        "course and the list on the right is the page you are reading.", "",
        "```{toctree}", ":caption: Lessons", ":maxdepth: 1", "", *docs, "```", "",
        "```{toctree}", ":caption: Reference", ":maxdepth: 1", "",
        *([f"{ERRATA_PAGE}.md"] if has_errata else []), f"{FIGURES_PAGE}.md", "```", "",
    ]
    return "\n".join(lines)


def copy_mathjax(static):
    """Copy the parts of MathJax 3 the site uses from the ``sphinx-mathjax-offline``
    wheel into ``static/mathjax``."""
    from importlib.metadata import PackageNotFoundError, distribution

    try:
        source = Path(distribution(MATHJAX_DIST).locate_file(MATHJAX_FOLDER))
    except PackageNotFoundError as exc:
        raise SystemExit(
            "The reading edition needs the 'sphinx-mathjax-offline' package for offline maths; "
            "install the site extra: pip install -c requirements-lock.txt -e '.[site]'.") from exc
    target = Path(static) / "mathjax"
    for part in MATHJAX_PARTS:
        src = source / part
        if src.is_dir():
            shutil.copytree(src, target / part)
        elif src.is_file():
            (target / part).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, target / part)
        else:
            raise SystemExit(f"{src} is missing; reinstall sphinx-mathjax-offline.")


def launch_settings(binderhub_url=None, jupyterhub_url=None, repository_url=None, branch=None):
    """Launch-button settings from the arguments or the ``GMM_*`` environment variables;
    ``{}`` (no launch links) unless a hub URL and the repository URL are given."""
    env = os.environ
    settings = {
        "binderhub_url": binderhub_url or env.get("GMM_BINDER_URL", ""),
        "jupyterhub_url": jupyterhub_url or env.get("GMM_JUPYTERHUB_URL", ""),
        "repository_url": repository_url or env.get("GMM_REPOSITORY_URL", ""),
        "branch": branch or env.get("GMM_REPOSITORY_BRANCH", "main"),
        "path_to_docs": "notebooks",
    }
    if not (settings["binderhub_url"] or settings["jupyterhub_url"]):
        return {}
    host = settings["repository_url"].split("/")[2] if "//" in settings["repository_url"] else ""
    settings["provider"] = next((name for name in ("gitlab", "bitbucket") if name in host), "github")
    if not settings["repository_url"]:
        raise SystemExit("A launch link needs the repository: pass --repository-url "
                         "(or set GMM_REPOSITORY_URL) with --binder-url / --jupyterhub-url.")
    return settings


# --------------------------------------------------------------------------
# the build


def prepare_source(root, src, solutions=True, launch=None, log=say):
    """Write the Sphinx source folder ``src`` for the course in ``root``.
    Returns ``{"lessons": [(file name, title)], "extra": [document names]}``."""
    import nbformat

    root, src = Path(root), Path(src)
    (src / "_downloads_src").mkdir(parents=True)
    shutil.copytree(SITE_FILES / "_static", src / "_static")
    shutil.copyfile(SITE_FILES / "conf.py", src / "conf.py")
    copy_mathjax(src / "_static")

    lessons = lesson_paths(root)
    has_errata = (root / "ERRATA.md").is_file()
    targets = page_links(root, lessons)
    nbs, titles = {}, []
    for path in lessons:
        nb = nbformat.read(path, as_version=4)
        if not solutions:
            nb = hide_solutions(nb)
        nbs[path.name] = nb
        nbformat.write(nb, src / "_downloads_src" / path.name)  # downloaded as it is
        page = nbformat.reads(nbformat.writes(nb), as_version=4)
        for cell in page.cells:
            if cell.cell_type == "markdown":
                cell.source = rewrite_markdown_links(cell.source, targets)
            for output in cell.get("outputs", []):
                # markdown outputs (rendered as MyST) link like the cells
                if "text/markdown" in output.get("data", {}):
                    output["data"]["text/markdown"] = rewrite_markdown_links(
                        output["data"]["text/markdown"], targets)
                # the registered figures' alt text (MyST-NB reads it from the cell's metadata)
                alt = output.get("metadata", {}).get("image/png", {}).get("alt")
                if alt and "image/png" in output.get("data", {}):
                    cell.metadata.setdefault("mystnb", {}).setdefault("image", {})["alt"] = alt
        kind = "the student version, answers blank" if not solutions else "with the solutions"
        download = nbformat.v4.new_markdown_cell(
            f"{{download}}`Download this lesson as a notebook <_downloads_src/{path.name}>` "
            f"({kind})")
        first = next((i for i, c in enumerate(page.cells) if c.cell_type == "markdown"), -1)
        page.cells.insert(first + 1, download)
        nbformat.write(page, src / path.name)
        title = lesson_title(nb, path.stem.replace("_", " "))
        titles.append((path.name, title))
        log(f"lesson   {path.name:<40} {title}")

    extra = []
    if has_errata:
        text = (root / "ERRATA.md").read_text(encoding="utf-8")
        (src / f"{ERRATA_PAGE}.md").write_text(errata_markdown(text, nbs), encoding="utf-8")
        extra.append(ERRATA_PAGE)
        log(f"page     {ERRATA_PAGE}.html{'':<30} ERRATA.md")
    else:
        log("note     no ERRATA.md in the course: no errata page")
    figures_dir = root / "figures"
    (src / "figures").mkdir()
    if figures_dir.is_dir():
        for path in figures_dir.iterdir():
            if path.suffix in (".png", ".pdf") and path.is_file():
                shutil.copyfile(path, src / "figures" / path.name)
    (src / f"{FIGURES_PAGE}.md").write_text(figures_markdown(nbs), encoding="utf-8")
    extra.append(FIGURES_PAGE)
    log(f"page     {FIGURES_PAGE}.html{'':<29} the figure registry (gmmlib.figures)")
    (src / "index.md").write_text(index_markdown(lessons, has_errata), encoding="utf-8")
    settings = {"title": SITE_TITLE, "launch": launch or {}}
    (src / "_site.json").write_text(json.dumps(settings, indent=1), encoding="utf-8")
    return {"lessons": titles, "extra": extra}


def run_sphinx(src, out, log=say):
    """Build the HTML with Sphinx in this process; raise SystemExit on failure."""
    import warnings

    from sphinx.application import Sphinx
    from sphinx.util.console import nocolor
    from sphinx.util.docutils import docutils_namespace, patch_docutils

    doctrees = Path(src) / "_doctrees"
    messages = []
    nocolor()

    class Warnings:
        def write(self, text):
            if text.strip():
                messages.append(text.strip())

        def flush(self):
            pass

    # the themes' own deprecation notices (Sphinx API changes) are not ours to fix
    with patch_docutils(src), docutils_namespace(), warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        warnings.simplefilter("ignore", PendingDeprecationWarning)
        app = Sphinx(str(src), str(src), str(out), str(doctrees), "html",
                     status=None, warning=Warnings(), freshenv=True, verbosity=0)
        app.build(force_all=True)
    if app.statuscode:
        raise SystemExit("Sphinx failed:\n" + "\n".join(messages))
    for line in messages:
        log(f"warning  {line}")
    return messages


SEARCH_PAGES = "_static/gmm-search-pages.js"


def write_search_pages(out):
    """Write :data:`SEARCH_PAGES`: the main text of every page, for search excerpts from
    the disk. Sphinx's search fetches each result page for its excerpt, which Chromium
    refuses from ``file://``; there ``_static/gmm-search.js`` loads this file and answers
    those fetches from it (over http nothing changes)."""
    pages = {}
    for page in sorted(Path(out).glob("*.html")):
        raw = page.read_text(encoding="utf-8")
        match = re.search(r'<article class="bd-article"[^>]*>(.*?)</article>', raw, flags=re.S)
        if match:
            body = re.sub(r"<(img|script|style)\b[^>]*>(.*?</\1>)?", "", match.group(1), flags=re.S)
            pages[page.name] = f'<div role="main">{body}</div>'
    text = "window.GMM_SEARCH_PAGES = " + json.dumps(pages, ensure_ascii=True, separators=(",", ":")) + ";\n"
    (Path(out) / SEARCH_PAGES).write_text(text, encoding="utf-8")


def build_site(root, site, log=say, solutions=True, launch=None):
    """Build the reading edition of the course in ``root`` into the (new, empty)
    folder ``site``. Returns the pages written and Sphinx's warnings."""
    site = Path(site)
    site.mkdir(parents=True, exist_ok=True)
    # MyST-NB writes jupyter_execute/ next to Sphinx's output folder: keep both in tmp
    with tempfile.TemporaryDirectory(prefix="gmm-site-") as tmp:
        src, out = Path(tmp) / "src", Path(tmp) / "html"
        pages = prepare_source(root, src, solutions=solutions, launch=launch, log=log)
        pages["warnings"] = run_sphinx(src, out, log=log)
        for leftover in (".buildinfo", ".doctrees", "_sources"):  # no copied sources
            path = out / leftover
            if path.is_dir():
                shutil.rmtree(path)
            elif path.exists():
                path.unlink()
        write_search_pages(out)
        for item in out.iterdir():
            shutil.move(str(item), str(site / item.name))
    pages["lessons"] = [(name, title, Path(name).stem + ".html") for name, title in pages["lessons"]]
    return pages


def check_outdir(outdir, root):
    """Refuse to replace a folder that is not an earlier reading edition (a
    mistyped ``--outdir .`` must never swap the course checkout away)."""
    outdir, root = Path(outdir).resolve(), Path(root).resolve()
    if outdir == root or outdir in root.parents:
        raise SystemExit(f"--outdir {outdir} contains the course itself; choose e.g. build/html.")
    if outdir.exists() and any(outdir.iterdir()) and not all(
            (outdir / marker).is_file() for marker in SITE_MARKERS):
        raise SystemExit(
            f"--outdir {outdir} exists and is not a reading edition built by this job "
            f"(no {' and '.join(SITE_MARKERS)}); it would be replaced. Choose an empty or new "
            "folder, or delete it first.")


SITE_MODULES = {"sphinx": "sphinx", "myst_nb": "myst-nb", "sphinx_book_theme": "sphinx-book-theme"}


def require_site_packages():
    """Fail with the install command when the ``site`` extra is missing."""
    import importlib.util

    missing = [name for module, name in SITE_MODULES.items() if importlib.util.find_spec(module) is None]
    if missing:
        raise SystemExit(
            f"The reading edition needs {', '.join(missing)} (the 'site' extra); install it with "
            "make html, or: pip install -c requirements-lock.txt -e '.[site,instructor]'.")


def build(outdir, root=None, log=say, solutions=True, launch=None):
    """Build the site into a temporary folder next to ``outdir``, then swap it in."""
    require_site_packages()
    root = Path(root) if root is not None else course_root()
    outdir = Path(outdir)
    if not outdir.is_absolute():
        outdir = root / outdir
    check_outdir(outdir, root)
    with staged_dir(outdir) as tmp:
        pages = build_site(root, tmp, log=log, solutions=solutions, launch=launch)
    return pages


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m gmmlib html", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--outdir", default="build/html", type=Path,
                        help="output folder (default: build/html, relative to the course root)")
    parser.add_argument("--root", type=Path, default=None,
                        help="course checkout to render (default: this one)")
    parser.add_argument("--hide-solutions", action="store_true",
                        help="render the student versions (nbgrader's preprocessors), answers blank")
    parser.add_argument("--binder-url", default=None,
                        help="BinderHub for launch links, e.g. the public mybinder service "
                             "(default: $GMM_BINDER_URL, else no Binder link)")
    parser.add_argument("--jupyterhub-url", default=None,
                        help="JupyterHub for launch links (default: $GMM_JUPYTERHUB_URL, else none)")
    parser.add_argument("--repository-url", default=None,
                        help="the course's public repository, needed by launch links "
                             "(default: $GMM_REPOSITORY_URL)")
    parser.add_argument("--branch", default=None, help="its branch (default: main)")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    root = args.root if args.root is not None else course_root()
    if not lesson_paths(root):
        print(f"No lessons (notebooks/{LESSON_PATTERN}) in {root}.", file=sys.stderr)
        return 1
    launch = launch_settings(args.binder_url, args.jupyterhub_url, args.repository_url, args.branch)
    pages = build(args.outdir, root=root, solutions=not args.hide_solutions, launch=launch)
    outdir = args.outdir if args.outdir.is_absolute() else Path(root) / args.outdir
    print(f"reading edition: {len(pages['lessons'])} lessons in {outdir} "
          f"({time.perf_counter() - start:.1f} s); open {outdir / 'index.html'} "
          f"(or serve it: python -m http.server -d {outdir} -b 127.0.0.1)")
    return 0
