"""The two real-GIMP harnesses run the cases tests/real_gimp.py lists for them, no more, no less,
and every procedure the plug-ins register has cases in both. Fast: nothing is launched."""
import ast
import os

import pytest

from inceptionism import plugin_support
import real_gimp
import recorded210
from real_gimp import BOTH, CASES, GIMP3, GIMP210, ONE_HARNESS_ONLY

GIMP3_CASES = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "e2e",
                           "in_gimp", "cases.py")


def gimp3_cases():
    """{case: procedure} as in_gimp/cases.py runs them (read, not imported: it needs GIMP 3)."""
    with open(GIMP3_CASES) as handle:
        tree = ast.parse(handle.read())
    assignment = next(node for node in tree.body if isinstance(node, ast.Assign)
                      and getattr(node.targets[0], "id", None) == "CASES")
    found = {}
    for node in ast.walk(assignment.value):
        if isinstance(node, ast.ListComp):  # [(case, "dream", {}) for case in (case_a, ...)]
            for name in node.generators[0].iter.elts:
                found[name.id] = node.elt.elts[1].value
        elif isinstance(node, ast.Tuple) and isinstance(node.elts[1], ast.Constant) and \
                getattr(node.elts[0], "id", "").startswith("case_"):
            found[node.elts[0].id] = node.elts[1].value  # (case_a, "dream", {...})
    return dict((name[len("case_"):], procedure) for name, procedure in found.items())


def gimp210_cases():
    return dict((case["name"], case["procedure"]) for case in recorded210.case_list())


@pytest.mark.parametrize("harness, found", [(GIMP3, gimp3_cases), (GIMP210, gimp210_cases)])
def test_each_harness_runs_exactly_the_listed_cases_with_their_procedures(harness, found):
    listed = dict((name, procedure) for name, (procedure, harnesses) in CASES.items()
                  if harness in harnesses)
    assert found() == listed


def test_a_case_run_by_one_harness_only_says_why():
    assert sorted(ONE_HARNESS_ONLY) == sorted(
        name for name, (_, harnesses) in CASES.items() if harnesses != BOTH)


@pytest.mark.parametrize("table", ["DREAMED", "REFUSED_WORDS", "FROM_NOISE", "DIVES"])
def test_every_expectation_belongs_to_a_listed_case(table):
    assert set(getattr(real_gimp, table)) <= set(CASES)


@pytest.mark.parametrize("harness", [GIMP3, GIMP210])
def test_every_procedure_is_run_in_both_harnesses(harness):
    """A new procedure needs its cases in both real GIMPs (and the checks that read them)."""
    procedures = set(procedure for _, (procedure, harnesses) in CASES.items()
                     if harness in harnesses)
    assert procedures == set(entry[0] for entry in plugin_support.PROCEDURES.values())
