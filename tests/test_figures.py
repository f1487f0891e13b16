"""Tests of the lecture-figure registry and ``python -m gmmlib figures``.

A fresh regeneration (once per module) must equal the committed ``figures/``
(PNG and README byte for byte; PDF drawing commands exactly, with coordinates
to 1e-3 pt, see :func:`gmmlib.figures.pdf_difference`), so a code change that
alters a figure without regenerating it fails here; see CONTRIBUTING.md
(``make figures``). Regenerating leaves a file untouched when it did not change.
"""

import json
import os
import re
import subprocess
import sys
import zlib
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pytest

from gmmlib import _io, datasets, figures, plotting
from gmmlib.examples import faithful, seed
from gmmlib.figures import pdf_difference
from gmmlib.tools import figures as figures_job

ROOT = Path(__file__).resolve().parent.parent
FIGURES = ROOT / "figures"

# The shared contract: registered names and the lesson that shows each.
CONTRACT = {
    "seed-data-initial": "01",
    "seed-density-women-A": "02",
    "seed-responsibilities": "03",
    "seed-logistic-estep": "03",
    "seed-mstep-objectives": "04",
    "seed-degenerate-covariances": "05",
    "seed-regularised-covariances": "05",
    "seed-log-likelihood": "05",
    "noisy-log-likelihood": "05",
    "em-lower-bound": "06",
    "responsibilities-hardening": "06",
    "faithful-data": "07",
    "faithful-em-progression": "07",
    "faithful-log-likelihood": "07",
    "faithful-lower-bounds": "07",
    "faithful-information-criteria": "07",
    "faithful-kmeans-vs-gmm": "07",
    "faithful-density-uncertainty": "07",
    "faithful-samples": "07",
    "faithful-collapsed-component": "07",
    "starts-log-likelihoods": "08",
    "starts-synthetic-optima": "08",
    "starts-n-init-tradeoff": "08",
    "faithful-covariance-types": "09",
    "faithful-bic-units": "09",
    "faithful-model-choice": "09",
    "digits-bernoulli-prototypes": "10",
    "em-improvements": "10",
    "em-separation-sweep": "10",
}


@pytest.fixture(scope="module")
def fresh(tmp_path_factory):
    """Every figure and the index, regenerated once into a temporary folder."""
    outdir = tmp_path_factory.mktemp("figures")
    assert figures_job.main(["--outdir", str(outdir)]) == 0
    return outdir


def _expected_files():
    return sorted([f"{name}.{fmt}" for name in CONTRACT for fmt in figures.FORMATS] + ["README.md"])


def test_registry_is_the_contract():
    assert figures.names() == list(CONTRACT)
    for name, lesson in CONTRACT.items():
        spec = figures.get(name)
        assert spec.lesson.startswith(lesson + "_") and spec.lesson.endswith(".ipynb")
        assert spec.function.startswith("gmmlib.plotting.plot_")


def test_every_figure_has_a_caption_and_alt_text():
    for spec in figures.REGISTRY.values():
        assert len(spec.caption) > 40, spec.name
        assert len(spec.alt) > 60, spec.name
        assert spec.alt != spec.caption
        assert "\n" not in spec.alt + spec.caption  # one paragraph each (README table)


def _in_text(value, text, fmt):
    return format(value, fmt) in text


def test_alt_texts_quote_the_computed_numbers():
    """The numbers in the alt texts are the figures' data (checked here, so a change of
    the computation that changes a figure also flags its alt text)."""
    lls = faithful.faithful_em().log_likelihoods
    alt = figures.get("faithful-log-likelihood").alt
    assert _in_text(lls[0], alt, ".1f") and _in_text(lls[1], alt, ".1f")
    assert _in_text(lls[-1], alt, ".2f") and f"0 to {faithful.faithful_em().n_iter}" in alt
    assert figures.get("faithful-log-likelihood").caption.count(
        f"after {faithful.faithful_em().n_iter} iterations") == 1
    assert f"after {faithful.faithful_em().n_iter}" in figures.get("faithful-em-progression").alt
    noisy = seed.seed_noisy_em().log_likelihoods
    alt = figures.get("noisy-log-likelihood").alt
    assert _in_text(noisy[0], alt, ".2f") and _in_text(noisy[-1], alt, ".3f")
    assert np.all(np.diff(noisy) > -1e-9)
    gm = faithful.faithful_chosen_fit()
    alt = figures.get("faithful-lower-bounds").alt
    assert _in_text(gm.lower_bounds_[0], alt, ".3f") and _in_text(gm.lower_bound_, alt, ".4f")
    assert f"1 to {gm.n_iter_}" in alt
    X = datasets.old_faithful()
    uncertainty = 1 - gm.predict_proba(X).max(axis=1)
    worst = X[uncertainty.argmax()]
    alt = figures.get("faithful-density-uncertainty").alt
    assert f"{worst[0]:g} minutes and {worst[1]:g} minutes" in alt
    assert _in_text(uncertainty.max(), alt, ".1f") and np.sort(uncertainty)[-2] < 0.02


def test_mstep_objectives_peak_at_the_closed_form_updates():
    """seed-mstep-objectives (lesson 4): each curve is maximal at the M-step's update, found
    here by a numerical optimiser (SciPy) on the objective written out independently, and the
    updates are the closed forms computed by hand (m_1 / n, weighted mean and variance)."""
    from scipy.optimize import minimize_scalar
    from scipy.stats import norm

    objectives = seed.seed_mstep_objectives()
    X, resp = datasets.seed_people(), seed.seed_first_e_step()
    r, h = resp[:, 0], X[:, 0]
    mean = r @ h / r.sum()
    variance = r @ (h - mean) ** 2 / r.sum()
    closed = {"weight": r.sum() / len(X), "mean": mean, "variance": variance}
    np.testing.assert_allclose(closed["mean"], 165, atol=1e-6)
    np.testing.assert_allclose(closed["variance"], 50 / 3, atol=1e-5)
    parts = {"weight": lambda p: r.sum() * np.log(p) + resp[:, 1].sum() * np.log1p(-p),
             "mean": lambda m: r @ norm.logpdf(h, m, np.sqrt(variance)),
             "variance": lambda v: r @ norm.logpdf(h, mean, np.sqrt(v))}
    for name, (grid, values, update) in objectives.items():
        np.testing.assert_allclose(update, closed[name], rtol=1e-12)
        np.testing.assert_allclose(values, [parts[name](g) for g in grid], rtol=1e-12)
        best = minimize_scalar(lambda t: -parts[name](t), bounds=(grid[0], grid[-1]),
                               method="bounded", options={"xatol": 1e-10}).x
        np.testing.assert_allclose(best, update, rtol=1e-6)
    alt = figures.get("seed-mstep-objectives").alt + figures.get("seed-mstep-objectives").caption
    for name, fmt in (("weight", ".1f"), ("mean", ".0f"), ("variance", ".2f")):
        assert _in_text(closed[name], alt, fmt), name


def test_information_criteria_alt_text_names_the_chosen_models():
    table, _ = faithful.faithful_criteria()
    alt = figures.get("faithful-information-criteria").alt
    names = {"full": "full covariances", "tied": "tied covariances", "diag": "diagonal ones"}
    for criterion, where in (("bic", "BIC at"), ("aic", "AIC at")):
        best = min(range(len(table[criterion])), key=table[criterion].__getitem__)
        kind, K = table["covariance_type"][best], table["n_components"][best]
        assert f"{where} K = {K} with {names[kind]}" in alt


def test_kmeans_vs_gmm_alt_text_matches_the_colours():
    """Cluster 1 is drawn blue (circles), cluster 2 orange-red (squares)."""
    X, labels = datasets.old_faithful(), faithful.faithful_kmeans_labels()
    long_cluster = int(np.argmax([X[labels == c, 0].mean() for c in range(2)]))
    assert long_cluster == 0  # blue = long eruptions, as the alt text says
    assert "blue circles for the long-eruption cloud" in figures.get("faithful-kmeans-vs-gmm").alt


def test_unknown_figure_names_are_explained():
    with pytest.raises(ValueError, match="seed-data-initial"):
        figures.get("seed-data")


def test_regeneration_writes_exactly_the_registered_files(fresh):
    assert sorted(p.name for p in fresh.iterdir()) == _expected_files()


def test_pdf_difference_sees_moved_and_changed_drawings_but_not_last_digits():
    def pdf(content):
        return b"%PDF\nstream\n" + zlib.compress(content) + b"\nendstream\n"

    base = pdf(b"q 50.21899 37.008052 m 572.99976 37.008052 l S (label) Tj Q")
    assert pdf_difference(base, base) is None
    last_digit = pdf(b"q 50.218991 37.008052 m 572.99976 37.008052 l S (label) Tj Q")
    assert pdf_difference(base, last_digit) is None
    moved = pdf(b"q 50.003053 37.008052 m 572.99976 37.008052 l S (label) Tj Q")
    assert "coordinate" in pdf_difference(base, moved)
    relabelled = pdf(b"q 50.21899 37.008052 m 572.99976 37.008052 l S (lab3l) Tj Q")
    assert "token" in pdf_difference(base, relabelled)
    assert "tokens" in pdf_difference(base, pdf(b"q 50.21899 37.008052 m S (label) Tj Q"))
    page = b"<< /Type /Page /MediaBox [ 0 0 576 345.6 ] >>\n<< /Length 12 0 R /Length1 300 >>\n"
    assert pdf_difference(page + base, page + base + b"\nxref\n0 9\n0000000123 00000 n\n") is None
    other_lengths = page.replace(b"/Length1 300", b"/Length1 301") + b"12 0 obj\n8009\nendobj\n"
    assert pdf_difference(page + base, other_lengths + base) is None
    resized = page.replace(b"345.6", b"400")
    assert "coordinate 345.6 against 400" in pdf_difference(page + base, resized + base)
    assert "token" in pdf_difference(page + base, page.replace(b"/Page", b"/Pages") + base)


def _same(name, fresh_folder):
    committed, new = (FIGURES / name).read_bytes(), (fresh_folder / name).read_bytes()
    if name.endswith(".pdf"):
        return pdf_difference(committed, new) is None
    return committed == new


def test_committed_figures_equal_a_fresh_run(fresh):
    stale = [name for name in _expected_files()
             if not (FIGURES / name).is_file() or not _same(name, fresh)]
    assert not stale, (
        f"figures/ is out of date for {stale}: run `make figures` "
        f"(python -m gmmlib figures) and commit the result."
    )
    extra = sorted(set(p.name for p in FIGURES.iterdir()) - set(_expected_files()))
    assert not extra, f"files in figures/ that no registered figure makes: {extra}"


def test_second_run_is_byte_identical_whatever_the_date(fresh, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1234567890")
    names = ["seed-density-women-A", "seed-log-likelihood"]
    for name in names:
        figures.save(name, tmp_path)
        for fmt in figures.FORMATS:
            assert (tmp_path / f"{name}.{fmt}").read_bytes() == (fresh / f"{name}.{fmt}").read_bytes()


def test_files_carry_no_dates_or_versions(fresh):
    png = (fresh / "seed-data-initial.png").read_bytes()
    pdf = (fresh / "seed-data-initial.pdf").read_bytes()
    assert png.startswith(b"\x89PNG") and pdf.startswith(b"%PDF")
    assert b"Matplotlib" not in png and b"Software" not in png
    for key in (b"CreationDate", b"ModDate", b"Producer", b"Creator"):
        assert key not in pdf
    # 200 dpi: the pHYs chunk stores pixels per metre = round(200 / 0.0254)
    assert png[png.index(b"pHYs") + 4:png.index(b"pHYs") + 8] == round(200 / 0.0254).to_bytes(4, "big")


def test_index_is_generated_from_the_registry(fresh):
    text = figures.index_markdown()
    assert (fresh / "README.md").read_text(encoding="utf-8") == text
    assert (FIGURES / "README.md").read_text(encoding="utf-8") == text, (
        "figures/README.md is out of date: run `make figures`."
    )
    for spec in figures.REGISTRY.values():
        for piece in (spec.name, spec.function, spec.lesson, spec.caption, spec.alt):
            assert piece in text


def _markdown_files():
    skip = {".venv", ".venv-latest", "build", ".git", "node_modules", ".pytest_cache"}
    for path in ROOT.rglob("*.md"):
        if not skip.intersection(path.relative_to(ROOT).parts):
            yield path, path.read_text(encoding="utf-8")
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        yield path, "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")


FIGURE_PATH = re.compile(r"(?<![\w.-])((?:\.\./)*figures/[\w.-]+\.(?:png|pdf|svg))")
RELATIVE_LINK = re.compile(r"\]\(([\w.-]+\.(?:png|pdf|svg))\)")


def test_every_figure_referenced_in_markdown_exists():
    missing = []
    for path, text in _markdown_files():
        for ref in FIGURE_PATH.findall(text):
            candidates = [(path.parent / ref), ROOT / ref.lstrip("./")]
            if not any(c.is_file() for c in candidates):
                missing.append(f"{path.relative_to(ROOT)}: {ref}")
        for ref in RELATIVE_LINK.findall(text):
            if not (path.parent / ref).is_file():
                missing.append(f"{path.relative_to(ROOT)}: {ref}")
    assert not missing, f"referenced figures that do not exist: {missing}"


SHOW_CALL = re.compile(r"figures\.show\(\s*['\"]([^'\"]+)['\"]")


def test_every_figure_shown_in_a_lesson_is_registered():
    unknown = []
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        for cell in cells:
            if cell["cell_type"] == "code":
                for name in SHOW_CALL.findall("".join(cell["source"])):
                    if name not in figures.REGISTRY:
                        unknown.append(f"{path.name}: {name}")
    assert not unknown, f"figures.show() of unregistered figures: {unknown}"


def _shown(monkeypatch, name, **kwargs):
    """What ``figures.show(name)`` displays: [(object, display's keyword arguments)]."""
    import IPython.display

    displayed = []
    monkeypatch.setattr(IPython.display, "display", lambda obj, **kw: displayed.append((obj, kw)))
    figures.show(name, **kwargs)
    assert plt.get_fignums() == []  # the figure is closed afterwards
    return displayed


def _png_size(bundle):
    import base64
    import struct

    png = base64.b64decode(bundle["image/png"])
    assert png.startswith(b"\x89PNG")
    return struct.unpack(">II", png[16:24])  # IHDR width, height


def test_show_displays_the_png_with_alt_metadata_then_the_caption(monkeypatch):
    (bundle, image_kwargs), (markdown, _) = _shown(monkeypatch, "seed-log-likelihood")
    spec = figures.get("seed-log-likelihood")
    assert image_kwargs == {"metadata": {"image/png": {"alt": spec.alt}}, "raw": True}
    assert bundle["text/plain"] == f"[Figure seed-log-likelihood: {spec.alt}]"
    assert markdown.data == figures.caption_markdown("seed-log-likelihood")
    assert spec.caption in markdown.data and spec.alt in markdown.data and "Alt text" in markdown.data
    assert not re.search(r"0x[0-9a-f]{6,}", markdown.data + bundle["text/plain"])


def test_show_can_use_a_smaller_inline_resolution(monkeypatch):
    (default, _), _ = _shown(monkeypatch, "seed-log-likelihood")
    (small, _), _ = _shown(monkeypatch, "seed-log-likelihood", dpi=72)
    # 100 dpi is matplotlib's default under the course style; the bounding box is tight
    (w100, h100), (w72, h72) = _png_size(default), _png_size(small)
    assert w72 / w100 == pytest.approx(0.72, abs=0.01) and h72 / h100 == pytest.approx(0.72, abs=0.01)


def test_interrupted_render_leaves_the_old_files(tmp_path, monkeypatch):
    old = {fmt: f"old {fmt}".encode() for fmt in figures.FORMATS}
    for fmt, data in old.items():
        (tmp_path / f"seed-log-likelihood.{fmt}").write_bytes(data)
    real_render = figures.render

    def failing_render(fig, fmt):
        if fmt == "pdf":
            raise KeyboardInterrupt  # as if the run were stopped mid-save
        return real_render(fig, fmt)

    monkeypatch.setattr(figures, "render", failing_render)
    with pytest.raises(KeyboardInterrupt):
        figures.save("seed-log-likelihood", tmp_path)
    for fmt, data in old.items():
        assert (tmp_path / f"seed-log-likelihood.{fmt}").read_bytes() == data
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"seed-log-likelihood.{f}" for f in sorted(old)]
    assert plt.get_fignums() == []


def test_interrupted_write_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch):
    target = tmp_path / "seed-log-likelihood.png"
    target.write_bytes(b"old png")

    def failing_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(_io.os, "replace", failing_replace)
    with pytest.raises(OSError, match="disk full"):
        figures.save("seed-log-likelihood", tmp_path)
    assert target.read_bytes() == b"old png"
    assert [p.name for p in tmp_path.iterdir()] == [target.name]


def _on_disk(folder):
    """Content, inode and modification time of every file: a rewrite changes the inode."""
    return {p.name: (p.read_bytes(), p.stat().st_ino, p.stat().st_mtime_ns)
            for p in sorted(Path(folder).iterdir())}


def _scale_plotted_data(monkeypatch, factor):
    """Multiply the log-likelihood curves by ``factor`` on their way to the plot."""
    draw = plotting.plot_log_likelihood

    def scaled(curves, *args, **kwargs):
        return draw({key: np.asarray(lls) * factor for key, lls in curves.items()}, *args, **kwargs)

    monkeypatch.setattr(plotting, "plot_log_likelihood", scaled)


def _rendered_pdf(name):
    fig = figures.build(name)
    fig.set_layout_engine("none")
    try:
        return figures.render(fig, "pdf")
    finally:
        plt.close(fig)


def test_regenerating_an_unchanged_figure_touches_no_file(tmp_path):
    name = "seed-log-likelihood"
    assert all(figures.save(name, tmp_path).values())  # new files are written
    figures.write_index(tmp_path)
    before = _on_disk(tmp_path)
    assert figures.save(name, tmp_path) == {tmp_path / f"{name}.{fmt}": False for fmt in figures.FORMATS}
    figures.write_index(tmp_path)
    assert _on_disk(tmp_path) == before


def test_last_digit_wobble_of_a_pdf_leaves_the_files_untouched(tmp_path, monkeypatch):
    """Another CPU prints the last digit of some PDF coordinates differently; the data
    scaled by 1 + a few 1e-15 does the same here (the smallest factor of the ladder that
    changes a printed digit on this CPU). The files on disk must stay as they are."""
    name = "seed-log-likelihood"
    figures.save(name, tmp_path)
    before = _on_disk(tmp_path)
    for eps in (1e-15, 4e-15, 1.6e-14, 6.4e-14, 2.56e-13, 1e-12):
        with monkeypatch.context() as patch:
            _scale_plotted_data(patch, 1 + eps)
            wobbled = _rendered_pdf(name)
        if wobbled != before[f"{name}.pdf"][0]:
            break
    assert wobbled != before[f"{name}.pdf"][0], "a perturbation of 1e-12 must change the PDF's bytes"
    _scale_plotted_data(monkeypatch, 1 + eps)
    assert pdf_difference(before[f"{name}.pdf"][0], wobbled) is None
    assert not any(figures.save(name, tmp_path).values())
    assert _on_disk(tmp_path) == before


def test_a_real_change_of_a_figure_is_still_written(tmp_path, monkeypatch):
    name = "seed-log-likelihood"
    figures.save(name, tmp_path)
    before = _on_disk(tmp_path)
    _scale_plotted_data(monkeypatch, 1 + 1e-3)  # curves 0.03 higher: moved lines and ticks
    assert all(figures.save(name, tmp_path).values())
    after = _on_disk(tmp_path)
    for fmt in figures.FORMATS:
        assert after[f"{name}.{fmt}"][0] != before[f"{name}.{fmt}"][0]
    assert pdf_difference(before[f"{name}.pdf"][0], after[f"{name}.pdf"][0]) is not None


def test_command_line_only_and_outdir(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "gmmlib", "figures", "--only", "seed-log-likelihood",
         "--outdir", str(tmp_path)],
        capture_output=True, text=True, cwd=ROOT, timeout=120,
        env={**os.environ, "PYTHONWARNINGS": "error"},
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 3 and lines[0].startswith("seed-log-likelihood: ")
    assert lines[1].startswith("index: ") and lines[2] == "2 figure file(s) written, 0 unchanged"
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "README.md", "seed-log-likelihood.pdf", "seed-log-likelihood.png"]


def test_command_line_rejects_unknown_names(capsys):
    with pytest.raises(SystemExit) as info:
        figures_job.main(["--only", "no-such-figure", "--outdir", "unused"])
    assert info.value.code == 2
    assert "no-such-figure" in capsys.readouterr().err


def test_every_image_in_the_lessons_is_a_registered_figure_with_its_alt_text():
    """Images reach the lessons only through ``figures.show``, which puts the alt text
    in the output metadata (the reading edition's ``<img alt>``) and beside the image."""
    import nbformat

    shown = []
    for path in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            for output in cell.get("outputs", []):
                if "image/png" not in output.get("data", {}):
                    continue
                alt = output.get("metadata", {}).get("image/png", {}).get("alt")
                names = [n for n in figures.names() if figures.get(n).alt == alt]
                assert names, f"{path.name}: an image without a registered figure's alt text"
                assert names[0] in cell.source, f"{path.name}: alt text of another figure"
                shown.append(names[0])
    assert sorted(set(shown)) == sorted(CONTRACT)  # every registered figure is shown

