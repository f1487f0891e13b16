"""pytest configuration shared by the unit tests and nbval.

1. Fixture notebooks under ``tests/fixtures/`` are deliberately broken (they show
   that the meta-checks fail); they are run by ``tests/test_notebook_hygiene.py``
   in a subprocess, never collected by nbval here.
2. nbval 0.11 sends cells with ``store_history=False``, so IPython ignores a
   trailing ``;`` and shows an output that JupyterLab hides (nbval#194). We send
   ``store_history=True`` so notebooks behave the same in JupyterLab and in CI.
"""

import inspect

collect_ignore_glob = ["tests/fixtures/*", "build/*", "benchmarks/*", "gmmlib/tools/site/*"]


def _patch_nbval_store_history():
    try:
        from nbval.kernel import RunningKernel
    except ImportError:  # nbval not installed: unit tests only
        return
    original = RunningKernel.execute_cell_input
    if getattr(original, "_gmm_course_patched", False):
        return
    if "store_history=False" not in inspect.getsource(original):
        raise RuntimeError(
            "nbval's RunningKernel.execute_cell_input changed; review the "
            "store_history patch in conftest.py for this nbval version."
        )

    def execute_cell_input(self, cell_input, allow_stdin=None):
        return self.kc.execute(
            cell_input, store_history=True, allow_stdin=allow_stdin, stop_on_error=False
        )

    execute_cell_input._gmm_course_patched = True
    RunningKernel.execute_cell_input = execute_cell_input


_patch_nbval_store_history()
