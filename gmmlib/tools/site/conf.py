"""Sphinx configuration of the reading edition (copied into the generated source folder by
``python -m gmmlib html``; its settings come from ``_site.json`` written next to it).

Sphinx + MyST-NB + sphinx-book-theme, rendering the notebooks' **stored** outputs
(``nb_execution_mode = "off"``), with MathJax 3 served from the site (no CDN) and no
request to any outside host.
"""

import json
from pathlib import Path

SETTINGS = json.loads(Path(__file__).with_name("_site.json").read_text(encoding="utf-8"))

project = SETTINGS["title"]
author = SETTINGS.get("author", "")
copyright = SETTINGS.get("copyright", "")
root_doc = "index"
extensions = ["myst_nb"]
exclude_patterns = ["_build", "jupyter_execute", "_downloads_src", "**/.ipynb_checkpoints"]

# --- notebooks: stored outputs only, never executed ---------------------------------------
nb_execution_mode = "off"
nb_merge_streams = True
nb_render_markdown_format = "myst"  # markdown outputs (tables, maths) as the lessons
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence", "attrs_inline"]
myst_heading_anchors = 4
myst_heading_slug_func = "gmmlib.tools.html.slugify"  # the errata and figure pages link with it
suppress_warnings = ["mystnb.unknown_mime_type", "myst.header"]

# --- maths: MathJax 3 from _static/mathjax (copied from a pinned wheel), no CDN ------------
mathjax_path = "mathjax/tex-chtml-full.js"
mathjax3_config = {
    "tex": {"inlineMath": [["\\(", "\\)"]], "displayMath": [["\\[", "\\]"]],
            "processEscapes": True, "processEnvironments": True, "tags": "ams"},
    "options": {
        # MyST-NB sets these classes (math, output_area: also the LaTeX outputs of SymPy)
        "processHtmlClass": "tex2jax_process|mathjax_process|math|output_area",
        "ignoreHtmlClass": "tex2jax_ignore|highlight|literal-block",
        "menuOptions": {"settings": {"assistiveMml": True, "explorer": False}},
    },
}
# gmm-mathjax.js hides the formulas until MathJax has typeset them (gmm.js shows them)

# --- HTML -----------------------------------------------------------------------------------
html_theme = "sphinx_book_theme"
html_title = SETTINGS["title"]
html_static_path = ["_static"]
html_css_files = ["gmm.css"]
html_js_files = [("gmm-mathjax.js", {"priority": 200}), ("gmm-search.js", {"priority": 200}),
                 ("gmm.js", {"defer": "defer", "priority": 900})]
html_copy_source = False  # the download link serves the student version, not the source
html_show_sourcelink = False
html_last_updated_fmt = None
html_favicon = None
html_permalinks = True
smartquotes = False  # titles and text as the lessons write them
html_permalinks_icon = "#"
html_search_language = "en"
html_theme_options = {
    "home_page_in_toc": True,
    "show_toc_level": 2,
    "use_download_button": False,
    "use_fullscreen_button": False,
    "use_repository_button": False,
    "use_issues_button": False,
    "use_edit_page_button": False,
    "navigation_with_keys": False,
    "show_navbar_depth": 1,
    "collapse_navbar": False,
    "search_bar_text": "Search the course…",
    "announcement": "",
    "article_header_start": ["toggle-primary-sidebar.html"],
}
launch = SETTINGS.get("launch") or {}
if launch.get("repository_url") and (launch.get("binderhub_url") or launch.get("jupyterhub_url")):
    html_theme_options.update({
        "repository_url": launch["repository_url"],
        "repository_branch": launch.get("branch", "main"),
        "repository_provider": launch.get("provider", "github"),
        "path_to_docs": launch.get("path_to_docs", "notebooks"),
        "launch_buttons": {key: launch[key] for key in ("binderhub_url", "jupyterhub_url")
                           if launch.get(key)},
    })
# Light by default (figures have white backgrounds); the theme's switch offers dark.
html_context = {"default_mode": "light"}
