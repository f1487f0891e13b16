"""Shown at the end of ``make test``: what the tests of the exercises measured.

Tests record lines with pytest's ``record_property("catalogue" | "round trip", text)``
(tests/test_answer_catalogue.py, tests/test_round_trip.py); they travel from
pytest-xdist's workers with the test reports and are printed here.
"""

SECTIONS = ("catalogue", "round trip")


def pytest_terminal_summary(terminalreporter):
    lines = [value for report in terminalreporter.stats.get("passed", []) if report.when == "call"
             for name, value in report.user_properties if name in SECTIONS]
    if lines:
        terminalreporter.section("exercises and grading")
        for line in lines:
            terminalreporter.line(line)
