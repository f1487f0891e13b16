"""Static rules for the exercises of every lesson (no kernel needed).

The rules live in :mod:`gmmlib.tools.exercises`; the fixture notebooks in
``tests/fixtures/exercises/`` and the small notebooks built here show that each
rule catches what it is meant to catch. Executing the checks both ways with
nbgrader is ``tests/test_student_versions.py``; the wrong answers each check
must catch are ``tests/test_answer_catalogue.py``.

Lessons not on ``answers.NOT_YET_CONVERTED`` also follow the stricter rules of
:func:`gmmlib.tools.exercises.value_check_problems`: every visible check
compares the answer's value, and none writes the expected value out.
"""

import re
from pathlib import Path

import nbformat
import pytest

from answers import NOT_YET_CONVERTED
from gmmlib.tools import exercises as rules

ROOT = Path(__file__).resolve().parent.parent
LESSONS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
FIXTURES = Path(__file__).parent / "fixtures" / "exercises"


def read(path):
    return nbformat.read(path, as_version=4)


@pytest.fixture(scope="module")
def gmmlib_names():
    return rules.gmmlib_attribute_names()


@pytest.mark.parametrize("path", LESSONS, ids=[p.name for p in LESSONS])
def test_lesson_exercises_follow_the_rules(path, gmmlib_names):
    problems = rules.exercise_problems(read(path), path.name, gmmlib_names)
    assert problems == [], f"{path.name}:\n  " + "\n  ".join(problems)


def test_grade_ids_are_unique_across_the_course():
    problems = rules.course_problems({p.name: read(p) for p in LESSONS})
    assert problems == [], "\n".join(problems)


def test_good_fixture_follows_every_rule(gmmlib_names):
    nb = read(FIXTURES / "90_good.ipynb")
    assert rules.exercise_problems(nb, "90_good.ipynb", gmmlib_names) == []
    found, problems = rules.exercises(nb)
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
        ("95_importable_solution",
         r"95-ex1-answer: the answer defines e_step\(\), which is also an attribute of gmmlib"),
        ("96_duplicate_ids", r"96-ex1-check: duplicate grade id in this notebook"),
        ("96_duplicate_ids", r"90-ex2-answer: grade id should start with the lesson number '96-'"),
        ("97_one_exercise", r"has 1 auto-checked exercise\(s\); a lesson needs 2-4"),
    ],
)
def test_rules_catch_broken_fixtures(name, expected, gmmlib_names):
    problems = rules.exercise_problems(read(FIXTURES / f"{name}.ipynb"), f"{name}.ipynb", gmmlib_names)
    assert any(re.search(expected, p) for p in problems), problems


def test_duplicate_grade_ids_across_notebooks_are_caught():
    notebooks = {n: read(FIXTURES / n) for n in ("90_good.ipynb", "96_duplicate_ids.ipynb")}
    assert rules.course_problems(notebooks) == [
        "90-ex2-answer: grade id used in 90_good.ipynb, 96_duplicate_ids.ipynb"
    ]


def test_lesson_00_may_have_no_exercises(gmmlib_names):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Course map")])
    assert rules.exercise_problems(nb, "00_course_map.ipynb", gmmlib_names) == []
    assert rules.exercise_problems(nb, "01_data.ipynb", gmmlib_names) == [
        "has 0 auto-checked exercise(s); a lesson needs 2-4"
    ]


def test_check_messages_rules_accept_the_recommended_forms():
    def problems(source):
        cell = nbformat.v4.new_code_cell(source, metadata={"nbgrader": {"grade_id": "x"}})
        return rules.check_cell_problems(cell)

    assert problems('expect_close("N(B | women)", n_b, 0.0107, rtol=1e-3)') == []
    assert problems("np.testing.assert_allclose(resp.sum(axis=1), 1.0)") == []
    assert problems('assert resp.shape == (6, 2), f"expected shape (6, 2), received {resp.shape}"') == []
    assert problems("_ = resp.sum()\nprint('ok')") != []  # asserts nothing
    assert problems('assert ok, "wrong"') != []  # constant message


def test_solution_lines_are_the_secret_ones():
    nb = read(FIXTURES / "90_good.ipynb")
    secret = rules.solution_lines(nb)
    assert "return float(np.sum(w * x) / np.sum(w))" in secret
    assert any("[4, 8]" in line for line in secret)  # hidden test
    assert any(line.startswith("Summing") for line in secret)  # markdown answer
    assert not any("def exercise_weighted_mean" in line for line in secret)  # the given signature


CONVERTED = [p for p in LESSONS if p.stem not in NOT_YET_CONVERTED]


@pytest.mark.parametrize("path", CONVERTED, ids=[p.name for p in CONVERTED])
def test_converted_lessons_check_values_without_giving_them_away(path):
    problems = rules.value_check_problems(read(path))
    assert problems == [], f"{path.name}:\n  " + "\n  ".join(problems)


def _exercise(number, answer, check):
    answer_cell = nbformat.v4.new_code_cell(f"### BEGIN SOLUTION\n{answer}\n### END SOLUTION")
    answer_cell.metadata["nbgrader"] = {"solution": True, "grade": False, "locked": False,
                                        "grade_id": f"98-ex{number}-answer", "schema_version": 3}
    check_cell = nbformat.v4.new_code_cell(check)
    check_cell.metadata["nbgrader"] = {"solution": False, "grade": True, "locked": True, "points": 1,
                                       "grade_id": f"98-ex{number}-check", "schema_version": 3}
    return [answer_cell, check_cell]


def test_value_check_rules_catch_shape_only_checks_and_written_out_values():
    nb = nbformat.v4.new_notebook()
    nb.cells = (_exercise(1, "x = [1, 2]", 'expect_shape("x", x, (2,))\nassert isinstance(x, list), f"{x!r}"')
                + _exercise(2, "y = 2.25", 'expect_close("y", y, 2.25)')
                + _exercise(3, "z = 'down'", 'expect_equal("z", z, "down")')
                + _exercise(4, "w = 4.5", 'expect_digest("w", w, "0123")\n'
                            '### BEGIN HIDDEN TESTS\nexpect_close("w", w, 4.5)\n### END HIDDEN TESTS')
                + _exercise(5, "v = 0.0", 'expect_close("v - 0", v, 0)'))
    assert rules.value_check_problems(nb) == [
        "98-ex1-answer: the visible check does not check the answer's value (only its shape, type or "
        "authorship), so a wrong answer passes in the student's copy; add gmmlib.checks.expect_digest "
        "or a property check",
        "98-ex2-answer: the visible check writes the expected value 2.25 out (students can copy it); "
        "compare with gmmlib.checks.expect_digest instead",
        "98-ex3-answer: the visible check writes the expected value 'down' out (students can copy it); "
        "compare with gmmlib.checks.expect_digest instead",
    ]
