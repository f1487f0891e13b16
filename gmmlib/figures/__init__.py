"""The registry of lecture figures, and their rendering.

Every figure of the course is registered with its name, the lesson that shows
it, the :mod:`gmmlib.plotting` function that draws it, a caption and alt text.
A *builder* (a function of no arguments) takes its data from
:mod:`gmmlib.examples` (or :mod:`gmmlib.datasets`) and calls the plotting
function, so a lesson (``show(name)``) and the files in ``figures/``
(``save(name, folder)``) never differ.

The registrations live in one module per topic, imported at the end of this
file: :mod:`gmmlib.figures.seed` (the six people, lessons 1-5),
:mod:`gmmlib.figures.why_em` (lesson 6),
:mod:`gmmlib.figures.faithful` (Old Faithful, lesson 7),
:mod:`gmmlib.figures.starts` (many starts, lesson 8),
:mod:`gmmlib.figures.model_choice` (lesson 9)
and :mod:`gmmlib.figures.beyond` (lesson 10). A new topic adds
``figures/<topic>.py`` whose builders are decorated with :func:`register`, and
its import line below.

``python -m gmmlib figures`` (``make figures``, :mod:`gmmlib.tools.figures`)
regenerates every figure into ``figures/`` as PNG (200 dpi, for slides) and PDF
(for LaTeX notes), and the index ``figures/README.md``. The files are
byte-stable: no dates, no software versions, a fixed SVG hash salt,
matplotlib's bundled DejaVu fonts and the fixed style of
:data:`gmmlib.plotting.STYLE`; each file is written atomically, and only when
it changed. On another CPU the last printed digit of a PDF coordinate can
differ (~1e-6 pt): :func:`save` keeps an existing PDF that draws the same
(:func:`pdf_difference`, to :data:`PDF_TOLERANCE`), so ``git status`` shows a
figure only when it really changed.
"""

import base64
import io
import re
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import matplotlib.pyplot as plt

from .. import plotting
from .._io import update_file

__all__ = [
    "FigureSpec",
    "REGISTRY",
    "register",
    "names",
    "get",
    "build",
    "caption_markdown",
    "show",
    "render",
    "save",
    "pdf_difference",
    "index_markdown",
    "write_index",
]

#: Resolution of the PNG files (dots per inch).
PNG_DPI = 200

#: File formats written by :func:`save`, in order.
FORMATS = ("png", "pdf")

#: Metadata written into the files: nothing that changes between runs or
#: between machines (no dates, no software versions).
_METADATA = {
    "png": {"Software": None},
    "pdf": {"Creator": None, "Producer": None, "CreationDate": None, "ModDate": None},
    "svg": {"Creator": None, "Date": None},
}


@dataclass(frozen=True)
class FigureSpec:
    """One registered lecture figure.

    Attributes
    ----------
    name : str
        File stem in ``figures/`` and the argument of :func:`show`.
    lesson : str
        Notebook that shows it, e.g. ``"01_data_and_initialisation.ipynb"``.
    function : str
        The :mod:`gmmlib.plotting` function that draws it.
    builder : callable
        No arguments; computes the data and returns the Figure.
    caption : str
    alt : str
        Alt text: what the figure shows, for readers who cannot see it.
    """

    name: str
    lesson: str
    function: str
    builder: Callable
    caption: str
    alt: str


#: Registered figures by name, in lesson order (within a lesson, in registration order).
REGISTRY = {}


def register(name, *, lesson, function, caption, alt):
    """Decorator: register the builder it decorates as the figure ``name``.

    Parameters
    ----------
    name : str
        File stem, unique across the course.
    lesson : str
        Notebook file name of the lesson that shows it.
    function : str
        Name of the :mod:`gmmlib.plotting` function the builder calls.
    caption, alt : str
        Caption and alt text; white space (line breaks) is collapsed.
    """
    def decorator(builder):
        if name in REGISTRY:
            raise ValueError(f"figure {name!r} is registered twice.")
        REGISTRY[name] = FigureSpec(name, lesson, f"gmmlib.plotting.{function}", builder,
                                    " ".join(caption.split()), " ".join(alt.split()))
        in_lesson_order = sorted(REGISTRY.values(), key=lambda spec: spec.lesson)  # stable
        REGISTRY.clear()
        REGISTRY.update((spec.name, spec) for spec in in_lesson_order)
        return builder

    return decorator


def names():
    """Names of the registered figures, in lesson order."""
    return list(REGISTRY)


def get(name):
    """The :class:`FigureSpec` called ``name`` (``ValueError`` listing the names if unknown)."""
    try:
        return REGISTRY[name]
    except KeyError:
        raise ValueError(
            f"no lecture figure called {name!r}; registered figures are: "
            f"{', '.join(REGISTRY)}. Register new figures in a topic module of "
            f"gmmlib/figures/ (see gmmlib.figures.register)."
        ) from None


def build(name):
    """Build the figure ``name`` under the course style; returns the Figure."""
    with plotting.style_context():
        return get(name).builder()


# ---------------------------------------------------------------------------
# Showing (notebooks) and saving (figures/)
# ---------------------------------------------------------------------------


def caption_markdown(name):
    """The Markdown shown under a figure in a lesson: name, caption, alt text."""
    spec = get(name)
    return f"**Figure `{spec.name}`.** {spec.caption}\n\n*Alt text:* {spec.alt}"


def show(name, dpi=None):
    """Show a registered figure in a notebook, with its caption and alt text.

    The figure is displayed as a PNG whose output metadata carries the alt
    text (the reading edition puts it on the ``<img>``), then the caption and
    the alt text are displayed as Markdown (JupyterLab does not read the
    metadata, so the description stays visible). Nothing in the output depends
    on memory addresses or timings, so nbval can compare it.

    Parameters
    ----------
    name : str
    dpi : float, optional
        Resolution of the inline image (default: the figure's, 100). A smaller
        value keeps notebooks with many figures small; the files in
        ``figures/`` are always :data:`PNG_DPI`.
    """
    from IPython.display import Markdown, display

    spec = get(name)
    with plotting.style_context():
        fig = spec.builder()
        png = render(fig, "png", dpi=dpi or fig.dpi, bbox_inches="tight")  # as inline
    plt.close(fig)
    bundle = {  # the text is what a viewer without images shows
        "image/png": base64.b64encode(png).decode("ascii"),
        "text/plain": f"[Figure {name}: {spec.alt}]",
    }
    display(bundle, metadata={"image/png": {"alt": spec.alt}}, raw=True)
    display(Markdown(caption_markdown(name)))


def render(fig, fmt, dpi=PNG_DPI, bbox_inches=None):
    """The bytes of ``fig`` in format ``fmt`` ('png', 'pdf' or 'svg'), byte-stable.

    ``dpi`` and ``bbox_inches`` are passed to ``savefig``: the files in
    ``figures/`` use the defaults, :func:`show` the inline backend's
    resolution and tight bounding box.
    """
    if fmt not in _METADATA:
        raise ValueError(f"fmt must be one of {sorted(_METADATA)}; received {fmt!r}.")
    buffer = io.BytesIO()
    with plotting.style_context():
        fig.savefig(buffer, format=fmt, dpi=dpi, bbox_inches=bbox_inches, metadata=_METADATA[fmt])
    return buffer.getvalue()


def save(name, folder):
    """Write ``folder/<name>.png`` and ``.pdf`` where they changed; returns what was done.

    Both files are rendered in memory first and each is then written
    atomically, so an error or an interrupted run leaves the previous files.
    An existing file is kept as it is (not even rewritten) when it holds the
    same PNG bytes, or a PDF that draws the same up to :data:`PDF_TOLERANCE`
    (:func:`pdf_difference`): another CPU's last printed digits are no change.

    Returns
    -------
    dict
        ``{path: written}`` for each format, in :data:`FORMATS` order;
        ``written`` is False where the existing file was kept.
    """
    folder = Path(folder)
    fig = build(name)
    try:
        # The layout was computed once while building; freeze it, so that the
        # PNG and the PDF (and every later run) share the same positions.
        fig.set_layout_engine("none")
        data = {fmt: render(fig, fmt) for fmt in FORMATS}
    finally:
        plt.close(fig)
    return {folder / f"{name}.{fmt}": update_file(folder / f"{name}.{fmt}", data[fmt], _SAME[fmt])
            for fmt in FORMATS}


#: Largest coordinate difference (pt) between two PDFs of one figure that
#: :func:`pdf_difference` accepts as the same drawing.
PDF_TOLERANCE = 1e-3

_PDF_STREAM = re.compile(rb"stream\r?\n(.*?)\r?\nendstream", re.S)
_PDF_NUMBER = re.compile(rb"[-+]?(?:\d+\.?\d*|\.\d+)")


def pdf_difference(a, b):
    """Why two PDFs of a figure differ (a string), or None if they draw the same.

    Each stream (page content, fonts) is decompressed, and the dictionaries
    between the streams (page size, fonts, transparency) are kept without the
    stream lengths and the cross-reference table (byte offsets); both must agree
    token by token, except that numbers may differ by up to :data:`PDF_TOLERANCE`
    pt. matplotlib prints coordinates with up to 6 decimals, and the last digit
    differs between CPUs (seen: 1e-6 pt between two machines of this project,
    from floating-point differences in the layout) while the PNGs agree byte
    for byte. A changed figure changes a string, an operator or a coordinate
    by far more (a moved label: ~0.1 pt and up).

    Parameters
    ----------
    a, b : bytes
        The two PDF files.

    Returns
    -------
    str or None
    """
    def streams(data):
        out = []
        for match in _PDF_STREAM.finditer(data):
            try:
                out.append(zlib.decompress(match.group(1)))
            except zlib.error:  # stored uncompressed
                out.append(match.group(1))
        return out

    def dictionaries(data):
        body = _PDF_STREAM.sub(b"stream endstream", data).split(b"\nxref\n")[0]
        lengths = set(re.findall(rb"/Length (\d+) 0 R", body))  # lengths stored as objects
        body = re.sub(rb"(?m)^(\d+) 0 obj\s+\d+\s+endobj",
                      lambda m: b"" if m[1] in lengths else m[0], body)
        return re.sub(rb"/Length1? \d+", b"/Length", body)

    sa, sb = [dictionaries(a)] + streams(a), [dictionaries(b)] + streams(b)
    if len(sa) != len(sb):
        return f"{len(sa)} streams against {len(sb)}"
    for x, y in zip(sa, sb):
        if x == y:
            continue
        tx, ty = x.split(), y.split()
        if len(tx) != len(ty):
            return f"a stream of {len(tx)} tokens against {len(ty)}"
        for p, q in zip(tx, ty):
            if p == q:
                continue
            if not (_PDF_NUMBER.fullmatch(p) and _PDF_NUMBER.fullmatch(q)):
                return f"token {p[:40]!r} against {q[:40]!r}"
            if abs(float(p) - float(q)) > PDF_TOLERANCE:
                return f"coordinate {p.decode()} against {q.decode()}"
    return None


#: When an existing file may be kept: ``same(old, new)`` per format (None: equal bytes only).
_SAME = {"png": None, "pdf": lambda old, new: pdf_difference(old, new) is None}


def index_markdown():
    """The text of ``figures/README.md``, generated from the registry."""
    lines = [
        "# Lecture figures",
        "",
        "<!-- Generated by `python -m gmmlib figures` (`make figures`) from the registry in",
        "     gmmlib/figures/. Do not edit by hand: change the registry and regenerate. -->",
        "",
        f"Each figure is a PNG ({PNG_DPI} dpi, for slides) and a PDF (for LaTeX notes), made "
        "by a function of `gmmlib.plotting` from data computed with `gmmlib`. A lesson shows "
        "the same figure with `gmmlib.figures.show(name)`. Regenerate all of them with "
        "`make figures`, or one with `make figures ONLY=name`; a test fails when the files "
        "here differ from a fresh run.",
        "",
        "| figure | files | function | lesson |",
        "|---|---|---|---|",
    ]
    for spec in REGISTRY.values():
        lines.append(
            f"| [`{spec.name}`](#{spec.name}) | [png]({spec.name}.png), [pdf]({spec.name}.pdf) "
            f"| `{spec.function}` | [{spec.lesson}](../notebooks/{spec.lesson}) |"
        )
    for spec in REGISTRY.values():
        lines += [
            "",
            f"## {spec.name}",
            "",
            f"![{spec.alt}]({spec.name}.png)",
            "",
            f"- **Files:** [`{spec.name}.png`]({spec.name}.png), [`{spec.name}.pdf`]({spec.name}.pdf)",
            f"- **Function:** `{spec.function}` "
            f"(builder `{spec.builder.__module__}.{spec.builder.__name__}`)",
            f"- **Lesson:** [`notebooks/{spec.lesson}`](../notebooks/{spec.lesson})",
            f"- **Caption:** {spec.caption}",
            f"- **Alt text:** {spec.alt}",
        ]
    return "\n".join(lines) + "\n"


def write_index(folder):
    """Write ``folder/README.md`` (atomically, only if it changed); returns its path."""
    path = Path(folder) / "README.md"
    update_file(path, index_markdown().encode("utf-8"))
    return path


# The registrations, one module per topic (REGISTRY sorts them by lesson).
from . import (  # noqa: E402, F401  (they need register() above)
    beyond,  # noqa: E402, F401  (lesson 10)
    faithful,
    model_choice,  # noqa: E402, F401  (lesson 9)
    seed,
    starts,  # noqa: E402, F401  (lesson 8)
    why_em,
)
