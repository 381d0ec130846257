"""Kept kernels (issue 18): a part run after another in the same kernel is a fresh part."""

import re

import nbformat

from evalkit.reporting.build import build_report
from evalkit.reporting.kernels import warm_up_modules
from evalkit.reporting.runner import run_report

# Part 1 leaves behind everything a kernel could carry over to the next part.
LEAVES = """\
import os, warnings
import matplotlib, matplotlib.pyplot as plt
import numpy as np, pandas as pd
leftover = 1
np.set_printoptions(precision=2)
np.seterr(all="raise")
pd.set_option("display.precision", 1)
matplotlib.rcParams["font.size"] = 31
warnings.simplefilter("ignore")
os.environ["EVALKIT_LEFTOVER"] = "1"
os.chdir(os.path.dirname(os.getcwd()))
plt.figure()
print("pid", os.getpid())"""

# Part 2 shows what it starts from, and a figure.
LOOKS = """\
import os, warnings
import matplotlib, matplotlib.pyplot as plt, numpy as np, pandas as pd
print("leftover" in globals(), matplotlib.rcParams["font.size"], len(warnings.filters),
      "EVALKIT_LEFTOVER" in os.environ, os.path.basename(os.getcwd()), len(In),
      len(plt.get_fignums()), np.get_printoptions()["precision"], np.geterr()["divide"],
      pd.get_option("display.precision"))
warnings.warn("shown in a fresh kernel")
plt.plot([1, 2, 3])
print(matplotlib.is_interactive(), matplotlib.get_backend())"""


def _notebook(path, source):
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell("threshold = 10")
    params.metadata["tags"] = ["parameters"]
    nb.cells = [nbformat.v4.new_markdown_cell(f"# {path.stem}"), params,
                nbformat.v4.new_code_cell(source),
                nbformat.v4.new_code_cell("print('pid', os.getpid())")]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nbformat.write(nb, path)


def _outputs(path):
    """Execution counts and outputs (but the last cell's), the kernel's process id left out.

    Each stream's text is joined: how the kernel splits and interleaves stdout and stderr
    messages depends on when it flushes them (a busy machine), not on the kernel's state.
    """
    nb = nbformat.read(path, as_version=4)
    cells = []
    for cell in (c for c in nb.cells if c.cell_type == "code"):
        streams = {"stdout": "", "stderr": ""}
        others = []
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream":
                streams[output["name"]] += re.sub(r"ipykernel_\d+", "ipykernel", output["text"])
            else:
                others.append(output)
        cells.append((cell.execution_count, streams, others))
    return cells[:-1]


def test_a_part_after_another_in_a_kept_kernel_starts_as_in_a_kernel_of_its_own(tmp_path):
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    _notebook(notebooks / "01_leaves.ipynb", LEAVES)
    _notebook(notebooks / "02_looks.ipynb", LOOKS)
    first, second = build_report(notebooks, tmp_path / "params", tmp_path / "kept", jobs=1).parts
    alone = run_report(notebooks / "02_looks.ipynb", output_dir=tmp_path / "alone")

    def pid(report):
        return nbformat.read(report.notebook, as_version=4).cells[-1].outputs[0]["text"]

    assert pid(first) == pid(second)  # one kernel for both parts
    assert "part 02_looks: " in (log := (tmp_path / "kept" / "report.log").read_text())
    assert log.count(", kernel CPU ") == 2
    assert _outputs(second.notebook) == _outputs(alone.notebook)  # figure and warning too
    _, streams, others = _outputs(second.notebook)[1]
    assert streams["stdout"].startswith("False 10.0 ")
    assert "shown in a fresh kernel" in streams["stderr"]
    assert any("image/png" in o.get("data", {}) for o in others)


def test_the_warm_up_imports_the_parts_modules_and_evalkit_s_lazy_ones(tmp_path):
    path = tmp_path / "01_part.ipynb"
    _notebook(path, "import pandas as pd\nfrom evalkit.survival import kaplan_meier\n%time 1")
    modules = warm_up_modules([path])
    assert modules[:3] == ("matplotlib.pyplot", "pandas", "evalkit.survival")
    assert "statsmodels.api" in modules and "sklearn.ensemble" in modules
    _notebook(path, "from evalkit import predictors")
    assert "sklearn.ensemble" in warm_up_modules([path])
    _notebook(path, "from evalkit.reporting.findings import Finding")  # no analysis
    assert warm_up_modules([path]) == ("matplotlib.pyplot", "evalkit.reporting.findings")


def test_a_kept_kernel_stays_with_the_thread_that_took_it_and_a_failure_drops_it():
    # a kernel's client sockets belong to its thread's event loop: never lent to another
    import threading

    from evalkit.reporting.kernels import KeptKernels

    kernels, taken = KeptKernels(), {}

    def parts(name):
        for _ in range(3):
            with kernels.kernel() as kernel:
                taken.setdefault(name, []).append(kernel)

    threads = [threading.Thread(target=parts, args=(name,)) for name in "ab"]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(taken["a"])) == len(set(taken["b"])) == 1
    assert taken["a"][0] is not taken["b"][0]
    with kernels.kernel() as first:
        pass
    try:
        with kernels.kernel() as failed:
            raise ValueError("the part failed")
    except ValueError:
        pass
    with kernels.kernel() as after:
        pass
    assert failed is first and after is not first
    assert len(kernels._every) == 4
    kernels.close()
