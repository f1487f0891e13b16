"""``python -m gmmlib html``: render the reading edition to ``build/html/``.

Every lesson ``notebooks/NN_*.ipynb`` is rendered with its **stored** outputs
(nothing is re-executed) by nbconvert's ``lab`` HTML template, into a static
site that works offline, from a web server or straight from the disk
(``file://``):

- ``index.html``: the lesson list (titles from each notebook's first heading),
  with links to the errata and the figure index;
- ``NN_name.html``: one page per lesson, with previous / index / next links at
  the top and the bottom;
- ``errata.html`` from ``ERRATA.md`` and ``figures/index.html`` from
  ``figures/README.md`` (with the figure files next to it), when they exist;
- ``mathjax/``: MathJax 2.7 copied from the ``jupyter-server-mathjax`` package,
  with a local configuration that uses its STIX-Web fonts, so formulas render
  without any network access. No page loads anything from a CDN (require.js,
  jQuery, mermaid and widget scripts are left out).

The exercise solutions are shown as stored; ``--hide-solutions`` blanks them
(and their outputs) as the student versions do, for a site given to students.

Links between lessons (``03_e_step.ipynb``), to ``ERRATA.md``, to
``figures/README.md`` and to figure files are rewritten to the matching pages.
The site is built in a temporary folder next to the output folder and swapped
in at the end, so an interrupted run never leaves a half-built site.
"""

import argparse
import html
import posixpath
import re
import shutil
import sys
import time
from pathlib import Path
from urllib.parse import quote, unquote

from .._io import staged_dir
from ._paths import course_root

LESSON_PATTERN = "[0-9][0-9]_*.ipynb"
SITE_TITLE = "Gaussian mixture models and EM"
MATHJAX_CONFIG_NAME = "gmm-course"
MATHJAX_CONFIG = f"""\
/* Local MathJax 2 configuration of the reading edition (written by
   `python -m gmmlib html`).
   - jupyter-server-mathjax ships only the STIX-Web fonts: use them rather than
     falling back to system glyphs (\\mathcal N would become a plain N).
   - MathJax's blank test font is `url('about:blank')`, which Chromium refuses
     with a console error: use a local() font instead (same fallback).
   - No fast preview: typeset each formula once (twice as fast on long lessons).
   - The hidden MathML copies kept for screen readers would ask for the TeX
     web fonts (not shipped, 404): let them inherit the page's fonts. */
MathJax.Hub.Config({{
  "fast-preview": {{disabled: true}},
  "HTML-CSS": {{
    availableFonts: [],
    preferredFont: null,
    webFont: "STIX-Web",
    imageFont: null,
    styles: {{
      "@font-face": {{"font-family": "MathJax_Blank", src: "local('MathJax_Blank')"}},
      ".MJX_Assistive_MathML *": {{"font-family": "inherit ! important"}}
    }}
  }}
}});
MathJax.Ajax.loadComplete("[MathJax]/config/local/{MATHJAX_CONFIG_NAME}.js");
"""
MATHJAX_QUERY = f"config=TeX-AMS-MML_HTMLorMML-full,Safe,local/{MATHJAX_CONFIG_NAME}"

NAV_CSS = """\
nav.gmm-nav { display: flex; justify-content: space-between; gap: 1em;
  max-width: 1100px; margin: 0.5em auto; padding: 0.5em 1em;
  font-family: system-ui, sans-serif; font-size: 0.95em;
  border-bottom: 1px solid #ccc; }
nav.gmm-nav.gmm-bottom { border-bottom: none; border-top: 1px solid #ccc; }
nav.gmm-nav a { text-decoration: none; color: #0b5394; }
nav.gmm-nav a:hover { text-decoration: underline; }
nav.gmm-nav .gmm-prev, nav.gmm-nav .gmm-next { flex: 1; }
nav.gmm-nav .gmm-next { text-align: right; }
"""

# The lesson page: nbconvert's `lab` template without any CDN script, plus the
# navigation bar. Kept in a string (jinja DictLoader) so no template folder
# needs to be shipped as package data.
PAGE_TEMPLATE = """\
{%- extends 'index.html.j2' -%}
{%- block html_head_js_requirejs -%}{%- endblock html_head_js_requirejs -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{% block jupyter_widgets %}{% endblock jupyter_widgets %}
{% block extra_css %}
<link rel="icon" href="data:,">
<style type="text/css">
""" + NAV_CSS + """
</style>
{% endblock extra_css %}
{%- block body_header -%}
{{ super() }}
{{ resources.gmm_nav_top }}
{%- endblock body_header -%}
{% block body_footer %}
{{ resources.gmm_nav_bottom }}
{{ super() }}
{% endblock body_footer %}
{#- the lab template ignores an image's alt text in the output metadata -#}
{% block data_png scoped %}
{%- set alttext = output | get_metadata('alt', 'image/png') -%}
{%- if alttext -%}
{{ super() | replace('<img ', '<img alt="' ~ (alttext | escape_html) ~ '" ', 1) }}
{%- else -%}
{{ super() }}
{%- endif -%}
{% endblock data_png %}
"""
PAGE_TEMPLATE_NAME = "gmm_reading_page.html.j2"

# Index, errata and figure index: a small page of our own (same MathJax setup).
SIMPLE_PAGE = """\
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8" />
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>{title}</title>
<link rel="icon" href="data:,">
<style type="text/css">
body {{ font-family: system-ui, sans-serif; line-height: 1.5; color: #222;
  max-width: 1100px; margin: 0 auto; padding: 0 1em 2em; }}
main img {{ max-width: 100%; height: auto; }}
main table {{ border-collapse: collapse; margin: 1em 0; display: block; overflow-x: auto; }}
main th, main td {{ border: 1px solid #ccc; padding: 0.3em 0.6em; vertical-align: top; }}
main code {{ background: #f4f4f4; padding: 0 0.2em; }}
main pre {{ background: #f4f4f4; padding: 0.6em; overflow-x: auto; }}
ol.gmm-lessons li {{ margin: 0.3em 0; }}
{nav_css}
</style>
<script type="text/x-mathjax-config">
MathJax.Hub.Config({{
  tex2jax: {{
    inlineMath: [["$", "$"], ["\\\\(", "\\\\)"]],
    displayMath: [["$$", "$$"], ["\\\\[", "\\\\]"]],
    processEscapes: true,
    processEnvironments: true
  }},
  displayAlign: "center",
  messageStyle: "none"
}});
</script>
<script src="{mathjax_url}"></script>
</head>
<body>
{nav_top}
<main>
{body}
</main>
{nav_bottom}
</body>
</html>
"""


# --------------------------------------------------------------------------
# small helpers


def say(line):
    """Print one progress line now (not when a pipe's buffer fills)."""
    print(line, flush=True)


def lesson_paths(root):
    """The lesson notebooks ``notebooks/NN_*.ipynb`` of ``root``, in order."""
    return sorted((Path(root) / "notebooks").glob(LESSON_PATTERN))


def lesson_title(nb, fallback):
    """The text of the notebook's first markdown heading (``# ...``), without
    markdown emphasis; ``fallback`` if there is none."""
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        for line in cell.source.splitlines():
            match = re.match(r"^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$", line)
            if match and match.group(1):
                return re.sub(r"(\*\*|__|\*|`)", "", match.group(1)).strip()
    return fallback


def page_name(notebook_path):
    """``notebooks/03_e_step.ipynb`` -> ``03_e_step.html``."""
    return Path(notebook_path).stem + ".html"


def site_targets(root, lesson_paths_):
    """Where repository files end up in the site: ``{repo path: site path}``
    (posix paths). Lessons become ``NN_name.html``, ``ERRATA.md`` becomes
    ``errata.html``, ``figures/README.md`` becomes ``figures/index.html`` and
    the other files under ``figures/`` are copied as they are. Only files that
    exist are listed, so a link to anything else is left as written."""
    root = Path(root)
    targets = {f"notebooks/{Path(p).name}": page_name(p) for p in lesson_paths_}
    if (root / "ERRATA.md").is_file():
        targets["ERRATA.md"] = "errata.html"
    if (root / "figures").is_dir():
        for path in sorted((root / "figures").rglob("*")):
            rel = path.relative_to(root).as_posix()
            if path.is_file() and not any(part.startswith(".") for part in rel.split("/")):
                targets[rel] = "figures/index.html" if rel == "figures/README.md" else rel
    return targets


_LINK = re.compile(r'(?P<attr>\b(?:href|src))="(?P<url>[^"#:]*)(?P<frag>#[^"]*)?"')


def rewrite_links(page_html, source_dir, page_dir, targets):
    """Rewrite relative ``href``/``src`` values written for a file in the
    repository folder ``source_dir`` so that they work from the site page in
    ``page_dir`` (both posix paths relative to their roots, ``""`` for the root).
    ``targets`` maps repository paths to site paths (:func:`site_targets`).
    URLs with a scheme (``https:``, ``data:``) and unknown targets are kept."""

    def replace(match):
        url = unquote(html.unescape(match.group("url")))
        frag = match.group("frag") or ""
        if not url or url.startswith("/"):
            return match.group(0)
        target = targets.get(posixpath.normpath(posixpath.join(source_dir, url)))
        if target is None:
            return match.group(0)
        new = posixpath.relpath(target, page_dir or ".")
        return f'{match.group("attr")}="{html.escape(quote(new))}{frag}"'

    return _LINK.sub(replace, page_html)


def nav_html(prefix, prev=None, nxt=None, bottom=False):
    """The navigation bar: ``prev``/``nxt`` are ``(href, title)`` or None;
    ``prefix`` leads from the page to the site root (``""`` or ``"../"``)."""
    left = (f'<a rel="prev" href="{prefix}{prev[0]}">&larr; {html.escape(prev[1])}</a>'
            if prev else "")
    right = (f'<a rel="next" href="{prefix}{nxt[0]}">{html.escape(nxt[1])} &rarr;</a>'
             if nxt else "")
    cls = "gmm-nav gmm-bottom" if bottom else "gmm-nav gmm-top"
    return (f'<nav class="{cls}" aria-label="lessons">'
            f'<span class="gmm-prev">{left}</span>'
            f'<a class="gmm-index" href="{prefix}index.html">Index</a>'
            f'<span class="gmm-next">{right}</span></nav>')


def mathjax_url(prefix):
    return f"{prefix}mathjax/MathJax.js?{MATHJAX_QUERY}"


def copy_mathjax(site):
    """Copy MathJax 2 from ``jupyter-server-mathjax`` to ``site/mathjax`` and
    add the local STIX-Web configuration."""
    try:
        import jupyter_server_mathjax
    except ImportError as exc:  # pragma: no cover - part of the test extras
        raise SystemExit(
            "The reading edition needs the 'jupyter-server-mathjax' package for "
            "offline maths; install the test extras: pip install -e '.[test]'."
        ) from exc
    source = Path(jupyter_server_mathjax.__file__).parent / "static"
    if not (source / "MathJax.js").is_file():
        raise SystemExit(f"MathJax.js not found in {source}; reinstall jupyter-server-mathjax.")
    target = site / "mathjax"
    shutil.copytree(source, target)
    config = target / "config" / "local" / f"{MATHJAX_CONFIG_NAME}.js"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(MATHJAX_CONFIG, encoding="utf-8")


def hide_solutions(nb):
    """Blank the exercise answers of ``nb`` in place with nbgrader's own
    preprocessors, exactly as the student versions are made
    (:func:`gmmlib.tools.course.clear_solutions`): code between
    ``### BEGIN SOLUTION`` and ``### END SOLUTION`` becomes ``# YOUR CODE HERE``
    / ``raise NotImplementedError()``, a markdown answer becomes
    ``YOUR ANSWER HERE``, hidden tests are removed. The answer cells' outputs
    are dropped; the lesson's other outputs stay. Returns the number of
    answers hidden."""
    from .course import clear_solutions

    clear_solutions(nb)
    hidden = 0
    for cell in nb.cells:
        if cell.get("metadata", {}).get("nbgrader", {}).get("solution"):
            hidden += 1
            if cell.cell_type == "code":
                cell.outputs = []
                cell.execution_count = None
    return hidden


def make_exporter():
    """An nbconvert ``HTMLExporter`` for lesson pages (lab template, offline)."""
    from jinja2 import DictLoader
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(
        template_name="lab",
        extra_loaders=[DictLoader({PAGE_TEMPLATE_NAME: PAGE_TEMPLATE})],
    )
    exporter.template_file = PAGE_TEMPLATE_NAME
    exporter.mathjax_url = mathjax_url("")
    exporter.require_js_url = ""
    exporter.mermaid_js_url = ""
    exporter.mermaid_layout_elk_js_url = ""
    return exporter


def render_markdown(text):
    """Markdown (tables, maths, links) to HTML with mistune, maths left for MathJax."""
    import mistune

    markdown = mistune.create_markdown(
        escape=False, plugins=["math", "table", "strikethrough", "url"]
    )
    return markdown(text)


def simple_page(title, body, prefix, nav_top="", nav_bottom=""):
    return SIMPLE_PAGE.format(
        title=html.escape(title), body=body, nav_css=NAV_CSS,
        mathjax_url=mathjax_url(prefix), nav_top=nav_top, nav_bottom=nav_bottom,
    )


# --------------------------------------------------------------------------
# the build


def build_site(root, site, log=say, solutions=True):
    """Render the reading edition of the course in ``root`` into the (new,
    empty) folder ``site``; ``solutions=False`` blanks the exercise answers
    (:func:`hide_solutions`). Returns a dict with the pages written."""
    import nbformat

    root, site = Path(root), Path(site)
    site.mkdir(parents=True, exist_ok=True)
    copy_mathjax(site)

    lessons = []
    for path in lesson_paths(root):
        nb = nbformat.read(path, as_version=4)
        if not solutions:
            hide_solutions(nb)
        lessons.append((path, nb, lesson_title(nb, path.stem.replace("_", " "))))
    targets = site_targets(root, [path for path, _, _ in lessons])
    has_errata = (root / "ERRATA.md").is_file()
    has_figures = (root / "figures" / "README.md").is_file()

    exporter = make_exporter() if lessons else None
    pages = {"lessons": [], "extra": []}
    for i, (path, nb, title) in enumerate(lessons):
        start = time.perf_counter()
        prev = (page_name(lessons[i - 1][0]), lessons[i - 1][2]) if i > 0 else None
        nxt = (page_name(lessons[i + 1][0]), lessons[i + 1][2]) if i + 1 < len(lessons) else None
        nb.metadata["title"] = f"{title} · {SITE_TITLE}"
        resources = {
            "metadata": {"name": path.stem, "path": str(path.parent)},
            "gmm_nav_top": nav_html("", prev, nxt),
            "gmm_nav_bottom": nav_html("", prev, nxt, bottom=True),
        }
        body, _ = exporter.from_notebook_node(nb, resources=resources)
        body = rewrite_links(body, "notebooks", "", targets)
        out = site / page_name(path)
        out.write_text(body, encoding="utf-8")
        pages["lessons"].append(out.name)
        log(f"lesson   {out.name:<36} {title} ({time.perf_counter() - start:.1f} s)")

    nav_top = nav_html("", bottom=False)
    nav_bottom = nav_html("", bottom=True)
    if has_errata:
        body = render_markdown((root / "ERRATA.md").read_text(encoding="utf-8"))
        body = rewrite_links(body, "", "", targets)
        (site / "errata.html").write_text(
            simple_page(f"Errata · {SITE_TITLE}", body, "", nav_top, nav_bottom), encoding="utf-8")
        pages["extra"].append("errata.html")
        log("page     errata.html                          ERRATA.md")
    else:
        log("note     no ERRATA.md in the course: the index has no errata link")
    figures = site / "figures"
    if (root / "figures").is_dir():  # lessons may show figure files too
        shutil.copytree(root / "figures", figures,
                        ignore=shutil.ignore_patterns("README.md", ".*", "__pycache__"))
    if has_figures:
        body = render_markdown((root / "figures" / "README.md").read_text(encoding="utf-8"))
        body = rewrite_links(body, "figures", "figures", targets)
        (figures / "index.html").write_text(
            simple_page(f"Figures · {SITE_TITLE}", body, "../",
                        nav_html("../"), nav_html("../", bottom=True)),
            encoding="utf-8")
        pages["extra"].append("figures/index.html")
        log("page     figures/index.html                   figures/README.md")
    else:
        log("note     no figures/README.md in the course: the index has no figure link")

    items = "\n".join(
        f'<li><a href="{page_name(path)}">{html.escape(title)}</a></li>'
        for path, _, title in lessons
    )
    extra = []
    if has_errata:
        extra.append('<li><a href="errata.html">Errata</a>: where the seed documents slip, '
                     "and the lesson that explains it</li>")
    if has_figures:
        extra.append('<li><a href="figures/index.html">Figures</a>: every lecture figure, '
                     "with caption and alt text</li>")
    body = (
        f"<h1>{SITE_TITLE}</h1>\n"
        "<p>The reading edition of the course: every lesson with its stored outputs. "
        "To run the lessons, open them in JupyterLab (<code>make lab</code>).</p>\n"
        f'<h2>Lessons</h2>\n<ol class="gmm-lessons" start="0">\n{items}\n</ol>\n'
        + (f"<h2>More</h2>\n<ul>\n{chr(10).join(extra)}\n</ul>\n" if extra else "")
    )
    (site / "index.html").write_text(
        simple_page(f"{SITE_TITLE} · reading edition", body, ""), encoding="utf-8")
    log(f"index    index.html                           {len(lessons)} lessons")
    pages["index"] = "index.html"
    return pages


def check_outdir(outdir, root):
    """Refuse to replace a folder that is not an earlier reading edition (a
    mistyped ``--outdir .`` must never swap the course checkout away)."""
    outdir, root = Path(outdir).resolve(), Path(root).resolve()
    if outdir == root or outdir in root.parents:
        raise SystemExit(f"--outdir {outdir} contains the course itself; choose e.g. build/html.")
    if outdir.exists() and any(outdir.iterdir()) and not (outdir / "mathjax" / "MathJax.js").is_file():
        raise SystemExit(
            f"--outdir {outdir} exists and is not a reading edition built by this job "
            "(no mathjax/MathJax.js); it would be replaced. Choose an empty or new folder, "
            "or delete it first."
        )


def build(outdir, root=None, log=say, solutions=True):
    """Build the site into a temporary folder next to ``outdir``, then swap it in."""
    root = Path(root) if root is not None else course_root()
    outdir = Path(outdir)
    if not outdir.is_absolute():
        outdir = root / outdir
    check_outdir(outdir, root)
    with staged_dir(outdir) as tmp:
        pages = build_site(root, tmp, log=log, solutions=solutions)
    return pages


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m gmmlib html", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--outdir", default="build/html", type=Path,
                        help="output folder (default: build/html, relative to the course root)")
    parser.add_argument("--root", type=Path, default=None,
                        help="course checkout to render (default: this one)")
    parser.add_argument("--hide-solutions", action="store_true",
                        help="blank the exercise answers (as in the student versions) and their outputs")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    root = args.root if args.root is not None else course_root()
    if not lesson_paths(root):
        print(f"No lessons (notebooks/{LESSON_PATTERN}) in {root}.", file=sys.stderr)
        return 1
    pages = build(args.outdir, root=root, solutions=not args.hide_solutions)
    outdir = args.outdir if args.outdir.is_absolute() else Path(root) / args.outdir
    print(f"reading edition: {len(pages['lessons'])} lessons in {outdir} "
          f"({time.perf_counter() - start:.1f} s); open {outdir / 'index.html'}")
    return 0
