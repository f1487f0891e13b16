"""Static rules for the exercises of every lesson (no nbgrader, no kernel needed).

The rules live in :func:`gmmlib.tools.student.exercise_problems`; the fixture
notebooks in ``tests/fixtures/exercises/`` show that each rule catches what it
is meant to catch. Executing the checks both ways with nbgrader is
``tests/test_student_versions.py``.
"""

import re
from pathlib import Path

import nbformat
import pytest

from gmmlib.tools import student

ROOT = Path(__file__).resolve().parent.parent
LESSONS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
FIXTURES = Path(__file__).parent / "fixtures" / "exercises"


def read(path):
    return nbformat.read(path, as_version=4)


@pytest.fixture(scope="module")
def gmmlib_names():
    return student.gmmlib_attribute_names()


@pytest.mark.parametrize("path", LESSONS, ids=[p.name for p in LESSONS])
def test_lesson_exercises_follow_the_rules(path, gmmlib_names):
    problems = student.exercise_problems(read(path), path.name, gmmlib_names)
    assert problems == [], f"{path.name}:\n  " + "\n  ".join(problems)


def test_grade_ids_are_unique_across_the_course():
    problems = student.course_problems({p.name: read(p) for p in LESSONS})
    assert problems == [], "\n".join(problems)


def test_good_fixture_follows_every_rule(gmmlib_names):
    nb = read(FIXTURES / "90_good.ipynb")
    assert student.exercise_problems(nb, "90_good.ipynb", gmmlib_names) == []
    found, problems = student.exercises(nb)
    assert problems == []
    assert [(len(e.answers), len(e.checks)) for e in found] == [(1, 1), (1, 1)]
    assert [e.name for e in found] == ["90-ex1-answer", "90-ex2-answer"]


@pytest.mark.parametrize(
    "name, expected",
    [
        ("91_no_markers", r"91-ex1-check: check cell with no answer cell before it"),
        ("92_check_asserts_nothing", r"92-ex1-check: check cell asserts nothing"),
        ("92_check_asserts_nothing", r"92-ex2-check: check cell asserts nothing"),
        ("92_check_asserts_nothing", r"92-ex2-answer: no check cell uses what this answer defines"),
        ("93_bare_assert", r"93-ex1-check: `assert` at line 1 has no message"),
        ("93_bare_assert", r"93-ex2-check: the message .* does not show the received value"),
        ("93_bare_assert", r"93-ex2-check: check cell ends with an expression whose value is displayed"),
        ("94_unchecked_answer", r"94-ex2-answer: answer cell with no check cell after it"),
        ("94_unchecked_answer", r"94-ex1b-answer: no check cell uses what this answer defines \(total\)"),
        ("95_importable_solution", r"95-ex1-answer: the answer defines e_step\(\), which is also an attribute of gmmlib"),
        ("96_duplicate_ids", r"96-ex1-check: duplicate grade id in this notebook"),
        ("96_duplicate_ids", r"90-ex2-answer: grade id should start with the lesson number '96-'"),
        ("97_one_exercise", r"has 1 auto-checked exercise\(s\); a lesson needs 2-4"),
    ],
)
def test_rules_catch_broken_fixtures(name, expected, gmmlib_names):
    problems = student.exercise_problems(read(FIXTURES / f"{name}.ipynb"), f"{name}.ipynb", gmmlib_names)
    assert any(re.search(expected, p) for p in problems), problems


def test_duplicate_grade_ids_across_notebooks_are_caught():
    notebooks = {n: read(FIXTURES / n) for n in ("90_good.ipynb", "96_duplicate_ids.ipynb")}
    assert student.course_problems(notebooks) == [
        "90-ex2-answer: grade id used in 90_good.ipynb, 96_duplicate_ids.ipynb"
    ]


def test_lesson_00_may_have_no_exercises(gmmlib_names):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Course map")])
    assert student.exercise_problems(nb, "00_course_map.ipynb", gmmlib_names) == []
    assert student.exercise_problems(nb, "01_data.ipynb", gmmlib_names) == [
        "has 0 auto-checked exercise(s); a lesson needs 2-4"
    ]


def test_check_messages_rules_accept_the_recommended_forms():
    def problems(source):
        cell = nbformat.v4.new_code_cell(source, metadata={"nbgrader": {"grade_id": "x"}})
        return student.check_cell_problems(cell)

    assert problems('expect_close("N(B | women)", n_b, 0.0107, rtol=1e-3)') == []
    assert problems("np.testing.assert_allclose(resp.sum(axis=1), 1.0)") == []
    assert problems('assert resp.shape == (6, 2), f"expected shape (6, 2), received {resp.shape}"') == []
    assert problems("_ = resp.sum()\nprint('ok')") != []  # asserts nothing
    assert problems('assert ok, "wrong"') != []  # constant message


def test_solution_lines_are_the_secret_ones():
    nb = read(FIXTURES / "90_good.ipynb")
    secret = student.solution_lines(nb)
    assert "return float(np.sum(w * x) / np.sum(w))" in secret
    assert any("[4, 8]" in line for line in secret)  # hidden test
    assert any(line.startswith("Summing") for line in secret)  # markdown answer
    assert not any("def exercise_weighted_mean" in line for line in secret)  # the given signature
