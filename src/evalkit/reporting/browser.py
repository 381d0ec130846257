"""Open a built report in a real headless browser, with the network blocked, and look.

:func:`check_in_browser` starts Chromium (``chromium`` on the PATH, or ``browser=``)
headless with a fresh profile, drives it through the DevTools protocol
(``websocket-client``, pinned in ``requirements.lock``), blocks every ``http(s)`` and
``ws(s)`` request and every DNS name, loads the page from its file and reports what
a reader would meet: console errors and uncaught exceptions, requests that tried to
leave the machine, the tab's title, the page's language, every image (a figure must
be inline, ``data:``, and drawn with a non-zero size) and the visible text.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.request
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

__all__ = ["BrowserCheck", "check_in_browser", "find_chromium"]

_CHROMIUM = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


@dataclass(frozen=True)
class BrowserCheck:
    """What a headless browser met on a report page.

    Attributes
    ----------
    title : str
        The tab's title.
    language : str
        ``<html lang>``.
    errors : tuple of str
        Console errors, uncaught exceptions and failed loads.
    requests : tuple of str
        URLs the page asked for that are neither the page's file nor ``data:``.
    images : tuple of (str, int, int)
        Each image: the scheme of its source (``"data"``), natural width and height.
    text : str
        The page's visible text.
    """

    title: str
    language: str
    errors: tuple[str, ...]
    requests: tuple[str, ...]
    images: tuple[tuple[str, int, int], ...]
    text: str


def find_chromium() -> str | None:
    """The path of a Chromium-like browser on the PATH, or None."""
    return next((path for name in _CHROMIUM if (path := shutil.which(name))), None)


class _DevTools:
    """A minimal DevTools-protocol client on one page target."""

    def __init__(self, url: str, timeout: float) -> None:
        import websocket

        self._ws = websocket.create_connection(url, timeout=timeout, suppress_origin=True)
        self._id = 0
        self.events: list[dict] = []

    def call(self, method: str, **params) -> dict:
        self._id += 1
        self._ws.send(json.dumps({"id": self._id, "method": method, "params": params}))
        while True:
            message = json.loads(self._ws.recv())
            if message.get("id") == self._id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error'].get('message')}")
                return message.get("result", {})
            self.events.append(message)

    def wait_for(self, method: str, deadline: float) -> None:
        while not any(e.get("method") == method for e in self.events):
            if time.monotonic() > deadline:
                raise TimeoutError(f"the page did not finish loading ({method})")
            self.events.append(json.loads(self._ws.recv()))

    def close(self) -> None:
        self._ws.close()


def _debugger_url(profile: Path, process: subprocess.Popen, deadline: float) -> str:
    port_file = profile / "DevToolsActivePort"
    while not port_file.exists() or len(port_file.read_text().splitlines()) < 2:
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError("Chromium did not start (no DevToolsActivePort)")
        time.sleep(0.05)
    port = port_file.read_text().splitlines()[0]
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=5) as answer:
        pages = [t for t in json.load(answer) if t.get("type") == "page"]
    return pages[0]["webSocketDebuggerUrl"]


_LOOK = """JSON.stringify({
  title: document.title, language: document.documentElement.lang,
  images: Array.from(document.images).map(i => [i.src.split(':')[0], i.naturalWidth,
                                                  i.naturalHeight]),
  text: document.body ? document.body.innerText : ''})"""


def check_in_browser(page: str | Path, *, browser: str | None = None,
                     timeout: float = 60.0) -> BrowserCheck:
    """Load ``page`` in headless Chromium with the network blocked; say what it showed.

    Parameters
    ----------
    page : str or Path
        An HTML file (a report's ``index.html``).
    browser : str, optional
        The browser's executable (default: :func:`find_chromium`).
    timeout : float, default=60.0
        Seconds to wait for the browser and the page.

    Returns
    -------
    BrowserCheck

    Raises
    ------
    FileNotFoundError
        If ``page`` is not a file, or no browser is found.
    RuntimeError, TimeoutError
        If the browser does not start or the page does not load in time.
    """
    page = Path(page).resolve()
    if not page.is_file():
        raise FileNotFoundError(f"{page}: no such page; build the report first.")
    browser = browser or find_chromium()
    if browser is None:
        raise FileNotFoundError("no Chromium on the PATH; install chromium or pass browser=.")
    deadline = time.monotonic() + timeout
    # Chromium's helper processes may outlive the browser a moment, still writing to
    # the profile: they are stopped with it (one process group), and a profile they
    # still hold does not fail the check
    with tempfile.TemporaryDirectory(prefix="evalkit-browser-",
                                     ignore_cleanup_errors=True) as profile:
        process = subprocess.Popen(
            [browser, "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--disable-extensions", "--disable-background-networking",
             "--host-resolver-rules=MAP * ~NOTFOUND", "--remote-debugging-port=0",
             f"--user-data-dir={profile}", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        try:
            tools = _DevTools(_debugger_url(Path(profile), process, deadline), timeout)
            try:
                return _look(tools, page, deadline)
            finally:
                tools.close()
        finally:
            _stop(process)


def _stop(process: subprocess.Popen) -> None:
    """Stop the browser and every process it started (its process group), and wait
    (up to 10 s) until they are gone."""
    with suppress(ProcessLookupError):  # already gone
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:  # pragma: no cover
        process.kill()
        process.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            os.killpg(process.pid, 0)  # a helper of the group still running
        except ProcessLookupError:
            return
        time.sleep(0.05)
    with suppress(ProcessLookupError):  # pragma: no cover
        os.killpg(process.pid, signal.SIGKILL)


def _look(tools: _DevTools, page: Path, deadline: float) -> BrowserCheck:
    for domain in ("Page", "Runtime", "Log", "Network"):
        tools.call(f"{domain}.enable")
    tools.call("Network.setBlockedURLs", urls=["http://*", "https://*", "ws://*", "wss://*"])
    tools.call("Page.navigate", url=page.as_uri())
    tools.wait_for("Page.loadEventFired", deadline)
    seen = json.loads(tools.call("Runtime.evaluate", expression=_LOOK,
                                 returnByValue=True)["result"]["value"])
    errors, requests = [], []
    for event in tools.events:
        method, params = event.get("method"), event.get("params", {})
        if method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            errors.append(" ".join(str(a.get("value", a.get("description", "")))
                                   for a in params.get("args", [])))
        elif method == "Runtime.exceptionThrown":
            errors.append(params["exceptionDetails"].get("text", "exception"))
        elif method == "Log.entryAdded" and params["entry"].get("level") == "error":
            errors.append(params["entry"].get("text", ""))
        elif method == "Network.loadingFailed" and not params.get("canceled"):
            errors.append(f"load failed: {params.get('errorText')}")
        elif method == "Network.requestWillBeSent":
            url = params["request"]["url"]
            if not (url.startswith("data:") or url == page.as_uri()):
                requests.append(url)
    return BrowserCheck(title=seen["title"], language=seen["language"], errors=tuple(errors),
                        requests=tuple(requests),
                        images=tuple(tuple(i) for i in seen["images"]), text=seen["text"])
