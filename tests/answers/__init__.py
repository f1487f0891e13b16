"""The catalogue of answers to the exercises: wrong, copied and different-but-correct.

One module per lesson, ``lesson_NN.py``, with ``LESSON`` (the notebook's name)
and ``VARIANTS``, a list of :class:`Variant`. ``tests/test_answer_catalogue.py``
runs every variant in the student version of its lesson (made by nbgrader):

- a ``wrong`` or ``copy`` variant must fail the student's visible check
  (``caught="visible"``; its message must match ``expect``, e.g. the hint the
  check gives for this mistake), or, where that is impossible, pass it and
  fail the master's hidden tests (``caught="hidden"``, with ``why``);
  every wrong or copied answer also fails grading (the master's check cells);
- a ``correct`` variant must pass both the visible check and grading.

Each exercise needs at least two ``wrong`` variants (plausible mistakes real
students make), one ``copy`` variant (each copying attack that applies) and
one ``correct`` variant that differs from the master's solution.

A lesson with exercises must have a catalogue, or be listed in
:data:`NOT_YET_CONVERTED`. See docs/instructors.md, "Writing an exercise".
"""

import importlib
import pkgutil
from dataclasses import dataclass

#: Lessons whose exercises do not meet the standard yet (visible checks that
#: check values, a catalogue here). The lead removes a lesson when its
#: catalogue lands; the test prints this list on every run.
NOT_YET_CONVERTED = [
]

KINDS = ("wrong", "copy", "correct")


@dataclass(frozen=True)
class Variant:
    """One answer to one exercise, as a student might write it.

    Parameters
    ----------
    exercise : str
        Grade id of the answer cell it replaces, e.g. ``"02-ex1-answer"``.
    kind : str
        ``"wrong"`` (a mistake), ``"copy"`` (an answer that is not the
        student's work: the library's solution, a value read off the lesson)
        or ``"correct"`` (right, but written differently from the master).
    label : str
        Short and unique within the exercise; part of the test's id.
    code : str
        What the student types in place of the stub (``raise
        NotImplementedError()``); indented like the stub automatically.
    cell : str
        Instead of ``code``: the whole answer cell (e.g. to replace the
        given ``def`` line by an alias).
    before : str
        A cell the student adds just before the answer cell (e.g.
        ``pdf = gmmlib.mvn_pdf``).
    caught : str
        ``"visible"`` or ``"hidden"`` (wrong and copy variants only).
    expect : str
        Regular expression the visible check's message must match.
    why : str
        Why only the hidden tests can catch it (``caught="hidden"``).
    """

    exercise: str
    kind: str
    label: str
    code: str = ""
    cell: str = ""
    before: str = ""
    caught: str = "visible"
    expect: str = ""
    why: str = ""

    def answer_cell(self, stub):
        """The answer cell's source with this answer, from the student version's ``stub``."""
        import textwrap

        if self.cell:
            return self.cell
        lines = stub.split("\n")
        start = next(i for i, ln in enumerate(lines) if ln.strip() == "# YOUR CODE HERE")
        assert lines[start + 1].strip() == "raise NotImplementedError()", stub
        indent = lines[start][: len(lines[start]) - len(lines[start].lstrip())]
        code = textwrap.indent(textwrap.dedent(self.code).strip("\n"), indent)
        return "\n".join(lines[:start] + [code] + lines[start + 2:])

    def problems(self):
        """What is wrong with this entry itself (not with the answer)."""
        found = []
        if self.kind not in KINDS:
            found.append(f"kind must be one of {KINDS}, not {self.kind!r}")
        if bool(self.code) == bool(self.cell):
            found.append("give exactly one of code= (replaces the stub) and cell= (the whole cell)")
        if self.kind != "correct" and self.caught not in ("visible", "hidden"):
            found.append(f"caught must be 'visible' or 'hidden', not {self.caught!r}")
        if self.kind != "correct" and self.caught == "hidden" and not self.why:
            found.append("caught='hidden' needs why= (why the visible check cannot catch it)")
        if self.kind != "correct" and self.caught == "visible" and not self.expect:
            found.append("caught='visible' needs expect= (a regex of the message the student sees)")
        return found


def catalogues():
    """``{lesson name: module}`` for every ``lesson_NN.py`` here."""
    found = {}
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("lesson_"):
            module = importlib.import_module(f"{__name__}.{info.name}")
            found[module.LESSON] = module
    return dict(sorted(found.items()))
