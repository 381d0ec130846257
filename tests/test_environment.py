"""The set-up files agree with each other: lock, environment.yml, pyproject, CI, README."""

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _lock() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, _, version = line.partition("==")
            assert version, f"requirements.lock line {line!r} is not pinned with =="
            pins[_normalise(name)] = version
    return pins


def test_environment_yml_pins_equal_the_lock():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    lock = _lock()
    checked = 0
    for dep in env["dependencies"]:
        if isinstance(dep, dict):  # the pip section installs the lock itself
            assert dep["pip"] == ["-r requirements.lock", "-e ."]
            continue
        name, _, version = dep.partition("=")
        if name in {"python", "pip"}:
            continue
        assert version, f"environment.yml: {name} is not pinned"
        assert lock.get(_normalise(name)) == version, (
            f"environment.yml pins {name}={version} but requirements.lock has "
            f"{lock.get(_normalise(name))}; run `make lock` and update environment.yml"
        )
        checked += 1
    assert checked >= 15


def test_every_declared_dependency_is_locked():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    declared = project["dependencies"] + project["optional-dependencies"]["test"]
    lock = _lock()
    for requirement in declared:
        name = _normalise(re.split(r"[<>=!~\[ ;]", requirement, maxsplit=1)[0])
        assert name in lock, f"{name} is declared in pyproject.toml but not in requirements.lock"


def test_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text()
    readme = (ROOT / "README.md").read_text()
    assert ci.rstrip().endswith("make test")
    assert "make test" in readme and "make report" in readme and "make lab" in readme


def test_design_card_layout_exists():
    for path in (
        "notebooks",
        "evaldata",
        "src/evalkit",
        "params",
        "tests",
        "environment.yml",
        "README.md",
        "LICENSE",
        "benchmarks",
    ):
        assert (ROOT / path).exists(), path


def test_make_lab_runs_for_a_root_user_too():
    """Issue 16: Jupyter refuses root without --allow-root; make lab adds it for root only."""
    import os
    import subprocess

    env = {k: v for k, v in os.environ.items() if not k.startswith("MAKE")}  # under make test
    printed = subprocess.run(["make", "--no-print-directory", "-n", "lab"], cwd=ROOT, env=env,
                             capture_output=True, text=True, check=True).stdout
    command = [line for line in printed.splitlines() if "jupyter lab" in line][-1]
    shell = subprocess.run(["sh", "-c", f"echo {command.split('jupyter lab', 1)[1]}"],
                           capture_output=True, text=True, check=True).stdout
    assert ("--allow-root" in shell) == (os.geteuid() == 0)
