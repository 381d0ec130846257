"""Kernels kept for the parts of a report: started and imported once, reset before each part.

A report runs each part in an IPython kernel. Starting one (about 0.5–1 s) and
importing evalkit, matplotlib, statsmodels and scikit-learn in it (1–3 s) cost more
than several whole parts; :class:`KeptKernels` starts one kernel per worker
thread, imports :data:`WARM_UP_MODULES` in it once, records the state a fresh
kernel has (matplotlib's settings, the warning filters and how warnings are shown,
the environment) and, before every part after the first, restores that state:

- every figure closed and ``matplotlib.rcParams`` as recorded, once the inline
  backend is active (so matplotlib is in interactive mode from the part's start; in a
  kernel of its own, from its first figure on: the figures are the same);
- the warning filters and ``warnings.showwarning`` as recorded, and every module's
  record of warnings already shown forgotten (a warning is shown again, as in a
  fresh kernel);
- numpy's print options and floating-point error handling as recorded, pandas'
  options at their defaults;
- the environment variables as recorded, and the part's notebook directory as the
  working directory;
- the user namespace emptied and the history started anew
  (``InteractiveShell.reset(new_session=True)``: execution counts start at 1 again).

Modules stay imported (that is the point); their caches hold no result of a part.
A part therefore sees what it would see in a kernel of its own, and writes the same
notebook (``tests/reporting/test_kernels.py``; the whole shipped report, page for
page, in ``benchmarks/RESULTS.md``). A kernel whose part failed is stopped, not
reused.
"""

from __future__ import annotations

import ast
import asyncio
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from papermill.clientwrap import PapermillNotebookClient
from papermill.engines import NBClientEngine, papermill_engines
from papermill.log import logger
from papermill.utils import merge_kwargs, remove_args

__all__ = ["ENGINE", "FAMILIES", "WARM_UP_MODULES", "KeptKernels", "warm_up_modules"]

#: The papermill engine that runs a part in a kept kernel (``kernel=`` a :class:`_Kernel`).
ENGINE = "evalkit-kept-kernel"

#: evalkit's analysis families: a part that imports one of them warms up
#: :data:`WARM_UP_MODULES`.
FAMILIES = ("descriptives", "survival", "comparison", "predictors", "questionnaire",
            "economics", "planning")

#: Imported in a kept kernel before its state is recorded when a part imports one of
#: evalkit's analysis families: the families and the libraries they import when an
#: analysis first runs (some add warning filters on import: statsmodels, scipy.special).
WARM_UP_MODULES = (
    "matplotlib.pyplot",
    "evalkit.reporting.part",
    "evalkit.reporting.figures",
    "evalkit.reporting.findings",
    "evalkit.reporting.story",
    "evalkit.reporting.studyplan",
    "evalkit.descriptives",
    "evalkit.survival",
    "evalkit.comparison",
    "evalkit.predictors",
    "evalkit.questionnaire",
    "evalkit.economics",
    "evalkit.planning",
    "statsmodels.api",
    "formulaic",
    "sklearn.compose",
    "sklearn.ensemble",
    "sklearn.impute",
    "sklearn.inspection",
    "sklearn.linear_model",
    "sklearn.metrics",
    "sklearn.model_selection",
    "sklearn.pipeline",
    "sklearn.preprocessing",
)

#: Run once in a new kernel: the imports, then the state every part starts from.
_WARM_UP = """\
import importlib, os, warnings
for name in {modules!r}:
    try:
        importlib.import_module(name)
    except Exception:  # the part that imports it fails, and says why
        pass
import matplotlib, matplotlib.pyplot, numpy
matplotlib.pyplot.switch_backend(matplotlib.get_backend())  # as a part's first figure does
get_ipython()._evalkit_fresh = {{
    "rc": matplotlib.rcParams.copy(), "filters": list(warnings.filters),
    "showwarning": warnings.showwarning, "show": warnings._showwarnmsg_impl,
    "environ": dict(os.environ), "print": numpy.get_printoptions(), "err": numpy.geterr()}}
get_ipython().reset(new_session=True)
"""

#: Run before each later part: the recorded state back, the namespace emptied.
_RESET = """\
import os, sys, warnings
import matplotlib, matplotlib.pyplot, numpy
fresh = get_ipython()._evalkit_fresh
numpy.set_printoptions(**fresh["print"])
numpy.seterr(**fresh["err"])
if "pandas" in sys.modules:
    with warnings.catch_warnings():  # deprecated options warn when reset
        warnings.simplefilter("ignore")
        sys.modules["pandas"].reset_option("all")
matplotlib.pyplot.close("all")
rc = matplotlib.rcParams
(getattr(rc, "_update_raw", None) or (lambda saved: dict.update(rc, saved)))(fresh["rc"])
warnings.filters[:] = fresh["filters"]
warnings.showwarning, warnings._showwarnmsg_impl = fresh["showwarning"], fresh["show"]
if hasattr(warnings, "_filters_mutated"):  # every record of shown warnings is stale
    warnings._filters_mutated()
else:
    for module in list(sys.modules.values()):
        getattr(module, "__warningregistry__", {{}}).clear()
os.environ.clear()
os.environ.update(fresh["environ"])
os.chdir({cwd!r})
get_ipython().reset(new_session=True)
"""


def warm_up_modules(notebooks: Iterable[str | Path]) -> tuple[str, ...]:
    """The modules a kept kernel imports before its first part.

    ``matplotlib.pyplot``, every module the notebooks' code cells import (absolute
    ``import`` and ``from`` statements; lines of magics and shell commands left out),
    and :data:`WARM_UP_MODULES` when one of them imports one of evalkit's analysis
    families (:data:`FAMILIES`). Whatever a module does on import (warning filters,
    settings) is then part of the state every part starts from, as in a kernel of its
    own.

    Examples
    --------
    >>> import nbformat, tempfile
    >>> path = Path(tempfile.mkdtemp()) / "01_part.ipynb"
    >>> nb = nbformat.v4.new_notebook()
    >>> nb.cells = [nbformat.v4.new_code_cell("import math\\nfrom os import path")]
    >>> nbformat.write(nb, path)
    >>> warm_up_modules([path])
    ('matplotlib.pyplot', 'math', 'os')
    """
    import nbformat

    found: dict[str, None] = {"matplotlib.pyplot": None}
    named: set[str] = set()  # the modules, and ``from`` names that may be modules
    for notebook in notebooks:
        for cell in nbformat.read(notebook, as_version=4).cells:
            if cell.cell_type != "code":
                continue
            source = "\n".join("" if line.lstrip().startswith(("%", "!")) else line
                               for line in cell.source.splitlines())  # magics, shell
            try:
                tree = ast.parse(source)
            except SyntaxError:  # the part says what is wrong
                continue
            for node in ast.walk(tree):
                if isinstance(node, ast.Import):
                    found.update(dict.fromkeys(alias.name for alias in node.names))
                elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                    found[node.module] = None
                    named.update(f"{node.module}.{alias.name}" for alias in node.names)
    families = tuple(f"evalkit.{family}" for family in FAMILIES)
    if any(name.startswith(families) for name in named | set(found)):
        found.update(dict.fromkeys(WARM_UP_MODULES))
    return tuple(found)


class _Kernel:
    """One kept kernel: its manager and client once started, ``None`` before."""

    def __init__(self, modules: tuple[str, ...]) -> None:
        self.modules = modules
        self.km: Any = None
        self.kc: Any = None

    def run(self, code: str) -> None:
        """Run ``code`` in the kernel (outside the history); an error raises."""
        from jupyter_core.utils import run_sync

        outputs: list[str] = []

        def hook(msg: dict) -> None:
            content = msg.get("content", {})
            if msg.get("msg_type") == "error":
                outputs.append("\n".join(content.get("traceback", [])))
            elif msg.get("msg_type") == "stream":
                outputs.append(content.get("text", ""))

        reply = run_sync(self.kc.execute_interactive)(
            code, store_history=False, allow_stdin=False, output_hook=hook, timeout=300)
        if reply["content"].get("status") != "ok":
            raise RuntimeError("preparing a kept kernel failed:\n" + "".join(outputs))

    def client(self, nb_man: Any, cwd: str | None, **kwargs: Any) -> PapermillNotebookClient:
        """A notebook client on this kernel (started and warmed up on first use)."""
        client = PapermillNotebookClient(nb_man, km=self.km, **kwargs)
        client.owns_km = False  # the kernel outlives the part
        if self.km is None:
            client.create_kernel_manager()
            client.start_new_kernel(**({"cwd": cwd} if cwd else {}))
            client.start_new_kernel_client()
            self.km, self.kc = client.km, client.kc
            self.run(_WARM_UP.format(modules=self.modules))
        else:
            client.kc = self.kc
            self.run(_RESET.format(cwd=cwd or str(Path.cwd())))
        return client

    def cpu_seconds(self) -> float:
        """CPU time (user + system) of the kernel's process so far; 0 before it starts."""
        try:
            import psutil

            times = psutil.Process(self.km.provisioner.pid).cpu_times()
        except Exception:  # not started, gone, or no psutil (ipykernel depends on it)
            return 0.0
        return times.user + times.system

    def close(self) -> None:
        """Stop the kernel at once (as ``shutdown_kernel="immediate"``)."""
        km, kc, self.km, self.kc = self.km, self.kc, None, None
        if kc is not None:
            kc.stop_channels()
        if km is not None:  # on a loop of its own: the thread's stays as it is
            loop = asyncio.new_event_loop()
            try:
                with suppress(Exception):  # already gone
                    loop.run_until_complete(km.shutdown_kernel(now=True))
            finally:
                loop.close()


class KeptKernels:
    """Kernels kept for a report's parts: one per thread that runs parts.

    Use :meth:`kernel` around each part (its kernel goes to the thread's next part,
    unless the part failed), and :meth:`close` when the report's parts have run. A
    kernel stays with the thread that started it: its client's sockets are bound to
    that thread's event loop, and a socket used from a second loop stays watched by
    the first, which may take its messages while the second waits for them (a part's
    output would then come too late and be missing).

    Parameters
    ----------
    modules : tuple of str, default=("matplotlib.pyplot",)
        Imported in each kernel before its state is recorded (:func:`warm_up_modules`).
    """

    def __init__(self, modules: tuple[str, ...] = ("matplotlib.pyplot",)) -> None:
        self.modules = modules
        #: CPU seconds of each part's kernel while it ran the part, by notebook stem (a
        #: new kernel's first part includes its start and warm-up).
        self.cpu: dict[str, float] = {}
        self._lock = threading.Lock()
        self._mine = threading.local()
        self._every: list[_Kernel] = []

    @contextmanager
    def kernel(self) -> Iterator[_Kernel]:
        """This thread's kept kernel for one part (a new one on first use or after a failure)."""
        kernel = getattr(self._mine, "kernel", None)
        if kernel is None:
            kernel = self._mine.kernel = _Kernel(self.modules)
            with self._lock:
                self._every.append(kernel)
        try:
            yield kernel
        except BaseException:
            self._mine.kernel = None
            kernel.close()
            raise

    def close(self) -> None:
        """Stop every kernel."""
        with self._lock:
            kernels, self._every = self._every, []
        for kernel in kernels:
            kernel.close()


class _KeptKernelEngine(NBClientEngine):
    """papermill's nbclient engine, on a kept kernel (``kernel=``) reset before the part."""

    @classmethod
    def execute_managed_notebook(cls, nb_man, kernel_name, log_output=False, stdout_file=None,
                                 stderr_file=None, start_timeout=60, execution_timeout=None,
                                 *, kernel: _Kernel, **kwargs):
        kwargs = remove_args(["input_path"], **kwargs)
        safe_kwargs = remove_args(["timeout", "startup_timeout"], **kwargs)
        final_kwargs = merge_kwargs(
            safe_kwargs, timeout=execution_timeout or kwargs.get("timeout"),
            startup_timeout=start_timeout, kernel_name=kernel_name, log=logger,
            log_output=log_output, stdout_file=stdout_file, stderr_file=stderr_file,
        )
        cwd = (kwargs.get("resources") or {}).get("metadata", {}).get("path")
        return kernel.client(nb_man, cwd, **final_kwargs).execute()


papermill_engines.register(ENGINE, _KeptKernelEngine)
