"""Shared tooling (not the lesson): execute notebooks, make the student edition, read parameters.

Used by tools.build_course, tools.editions, tools.execute_notebooks, bench/ and tests/.
"""

from __future__ import annotations

import ast
import copy
import tempfile
from contextlib import contextmanager
from pathlib import Path

# Re-exported: the editions, the site builder and tests import them from here.
from tools.project import NOTEBOOK_DIR, ROOT, course_notebooks  # noqa: F401

KERNEL = "python3"

BEGIN, END = "# BEGIN SOLUTION", "# END SOLUTION"


def tags(cell) -> list[str]:
    return list(cell.get("metadata", {}).get("tags", []))


def parameters_cell(nb):
    cells = [c for c in nb.cells if "parameters" in tags(c)]
    if len(cells) != 1:
        raise ValueError(
            f"expected exactly one cell tagged 'parameters', found {len(cells)}"
        )
    return cells[0]


def parameter_defaults(nb) -> dict:
    """The lecture-mode defaults: NAME = literal assignments of the parameters cell."""
    values = {}
    for node in ast.parse(parameters_cell(nb).source).body:
        try:
            if not (
                isinstance(node, ast.Assign)
                and len(node.targets) == 1
                and isinstance(node.targets[0], ast.Name)
            ):
                raise ValueError
            values[node.targets[0].id] = ast.literal_eval(node.value)
        except ValueError:
            raise ValueError(
                f"parameters cell may hold only NAME = literal lines, found: {ast.unparse(node)}"
            ) from None
    return values


def smoke_parameters(nb) -> dict:
    """The smoke-test overrides stored in the notebook metadata (course.smoke_parameters)."""
    return dict(nb.metadata.get("course", {}).get("smoke_parameters", {}))


def full_parameters(nb) -> dict:
    """The full-mode overrides stored in the notebook metadata (course.full_parameters); {} = lecture mode is full."""
    return dict(nb.metadata.get("course", {}).get("full_parameters", {}))


def gpu_parameters(nb) -> dict:
    """Full mode on a CUDA GPU: course.full_parameters, then course.gpu_parameters on top (larger
    batches with their learning-rate rule, for notebooks whose full mode trains networks)."""
    course = nb.metadata.get("course", {})
    return dict(course.get("full_parameters", {})) | dict(
        course.get("gpu_parameters", {})
    )


MODES = {
    "lecture": lambda nb: {},
    "smoke": smoke_parameters,
    "full": full_parameters,
    "full-gpu": gpu_parameters,
}


def mode_parameters(nb, mode: str) -> dict:
    """The parameter overrides of a run mode: lecture (the defaults), smoke (tests), full (the real sizes)
    or full-gpu (the real sizes with a GPU's batch sizes)."""
    if mode not in MODES:
        raise ValueError(f"unknown mode {mode!r}; use one of {sorted(MODES)}")
    values = MODES[mode](nb)
    unknown = sorted(set(values) - set(parameter_defaults(nb)))
    if unknown:
        raise ValueError(
            f"course.{'full_parameters or gpu_parameters' if mode == 'full-gpu' else mode + '_parameters'} "
            f"names {unknown}, which the parameters cell does not define"
        )
    return values


def strip_solution(source: str) -> str:
    """Remove every '# BEGIN SOLUTION' ... '# END SOLUTION' block (markers included)."""
    out, inside = [], False
    for line in source.splitlines():
        marker = line.strip()
        if marker == BEGIN:
            if inside:
                raise ValueError("nested '# BEGIN SOLUTION'")
            inside = True
        elif marker == END:
            if not inside:
                raise ValueError("'# END SOLUTION' without '# BEGIN SOLUTION'")
            inside = False
        elif not inside:
            out.append(line)
    if inside:
        raise ValueError("'# BEGIN SOLUTION' without '# END SOLUTION'")
    return "\n".join(out)


def student_edition(nb):
    """Copy of an instructor notebook with solutions removed and outputs cleared."""
    nb = copy.deepcopy(nb)
    cells = []
    for cell in nb.cells:
        if cell.cell_type == "markdown" and "solution" in tags(cell):
            continue  # worked answers in prose are for the instructor
        if cell.cell_type == "code":
            if "solution" in tags(cell):
                cell.source = strip_solution(cell.source)
            cell.outputs = []
            cell.execution_count = None
            cell.metadata.pop("execution", None)
        cells.append(cell)
    nb.cells = cells
    # saved widget state belongs to outputs, which are gone
    nb.metadata.pop("widgets", None)
    nb.metadata.pop("papermill", None)
    nb.metadata.setdefault("course", {})["edition"] = "student"
    return nb


@contextmanager
def kernel_config():
    """Kernels talk to us over local IPC sockets (in a private temporary folder), not TCP: nothing is open
    to the network, and ipykernel does not log 'running over TCP without encryption' into every build."""
    from traitlets.config import Config

    with tempfile.TemporaryDirectory(prefix="course-kernel-") as sockets:
        config = Config()
        config.KernelManager.transport = "ipc"
        # absolute: the kernel runs in another folder
        config.KernelManager.ip = str(Path(sockets) / "kernel")
        yield config


def execute(
    nb,
    cwd: Path = NOTEBOOK_DIR,
    timeout: int = 600,
    record_timing: bool = False,
):
    """Execute a notebook top to bottom in a fresh kernel (in place, lecture mode) and return it."""
    from nbclient import NotebookClient

    with kernel_config() as config:
        NotebookClient(
            nb,
            timeout=timeout,
            kernel_name=KERNEL,
            resources={"metadata": {"path": str(cwd)}},
            record_timing=record_timing,
            config=config,
        ).execute()
    return nb


def execute_with_parameters(
    path: Path, out: Path, parameters: dict, cwd: Path = NOTEBOOK_DIR
):
    """Run the notebook at path with papermill, overriding parameters; the run is written to out."""
    import papermill

    with kernel_config() as config:
        return papermill.execute_notebook(
            str(path),
            str(out),
            parameters=parameters,
            kernel_name=KERNEL,
            cwd=str(cwd),
            progress_bar=False,
            config=config,
        )
