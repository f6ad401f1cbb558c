"""A minimal client for headless Chromium's DevTools protocol (for tests/test_site.py).

Starts Debian's `chromium` with no network (every host resolves to nothing, a dead proxy), opens
pages from disk and reports what a reader would have seen go wrong: console errors and uncaught
exceptions, images that did not load, maths left as TeX, links to local files. Uses the
`websocket-client` package; the browser is the system one (nothing is downloaded).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import time
import urllib.request
from pathlib import Path

import websocket

CANDIDATES = (
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
)

# Runs in the page after its load event: waits for images and MathJax, then reports.
PAGE_REPORT = r"""
(async () => {
  const images = [...document.images];
  images.forEach(i => { i.loading = "eager"; });
  await Promise.all(images.map(i => i.complete ? null :
      new Promise(done => {
        i.addEventListener("load", done); i.addEventListener("error", done); setTimeout(done, 10000);
      })));
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) { await MathJax.startup.promise; }
  const code = "pre, code, script, style, textarea, mjx-container, .highlight, .output, .cell_output";
  const rawTex = [];
  const maths = [...document.querySelectorAll(".math")];
  for (const m of maths) {
    if (!m.querySelector("mjx-container")) rawTex.push(m.textContent.trim().slice(0, 80));
  }
  const walker = document.createTreeWalker(document.querySelector("main") || document.body, NodeFilter.SHOW_TEXT,
      {acceptNode: n => n.parentElement.closest(code) ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT});
  const tex = /\$\$|\\\(|\\\)|\\\[|\\\]|\\begin\{|\$[^$\s][^$]*\\[A-Za-z]+[^$]*\$/;
  for (let n; (n = walker.nextNode());) { if (tex.test(n.textContent)) rawTex.push(n.textContent.trim().slice(0, 80)); }
  return {
    title: document.title,
    brokenImages: images.filter(i => i.naturalWidth === 0).map(i => i.getAttribute("src")),
    imageCount: images.length,
    rawTex: rawTex,
    mathCount: maths.length,
    typesetCount: document.querySelectorAll("mjx-container").length,
    links: [...document.querySelectorAll("a[href]")].map(a => a.href),
    ids: [...document.querySelectorAll("[id]")].map(e => e.id),
  };
})()
"""


def find_chromium() -> str | None:
    for name in CANDIDATES:
        path = shutil.which(name)
        if path:
            return path
    return None


class Chromium:
    """One headless browser with one tab; `visit(url)` returns the page report plus its console errors."""

    def __init__(self, exe: str, profile: Path, timeout: float = 30):
        self.timeout = timeout
        self.proc = subprocess.Popen(
            [
                exe,
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--no-first-run",
                "--disable-extensions",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--host-resolver-rules=MAP * ~NOTFOUND",
                "--proxy-server=127.0.0.1:9",
                "--proxy-bypass-list=<-loopback>",
                "--remote-debugging-port=0",
                f"--user-data-dir={profile}",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        port_file = profile / "DevToolsActivePort"
        deadline = time.monotonic() + timeout
        while (
            not port_file.is_file() or len(port_file.read_text().split()) < 2
        ):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.close()
                raise RuntimeError(
                    f"{exe} did not start its DevTools server (exit code {self.proc.returncode})"
                )
            time.sleep(0.1)
        port = port_file.read_text().split()[0]
        no_proxy = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        targets = json.loads(
            no_proxy.open(
                f"http://127.0.0.1:{port}/json/list", timeout=timeout
            ).read()
        )
        page = next(t for t in targets if t["type"] == "page")
        self.ws = websocket.create_connection(
            page["webSocketDebuggerUrl"],
            timeout=timeout,
            suppress_origin=True,
            http_no_proxy=["127.0.0.1", "localhost"],
        )
        self.next_id, self.events = 0, []
        for method in ("Page.enable", "Runtime.enable", "Log.enable"):
            self.call(method)

    def call(self, method: str, **params):
        self.next_id += 1
        self.ws.send(
            json.dumps(
                {"id": self.next_id, "method": method, "params": params}
            )
        )
        while True:
            msg = json.loads(self.ws.recv())
            if msg.get("id") == self.next_id:
                if "error" in msg:
                    raise RuntimeError(f"{method}: {msg['error']}")
                return msg.get("result", {})
            self.events.append(msg)

    def wait_for(self, method: str):
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            if any(e.get("method") == method for e in self.events):
                return
            self.events.append(json.loads(self.ws.recv()))
        raise TimeoutError(f"no {method} within {self.timeout} s")

    def console_errors(self) -> list[str]:
        out = []
        for e in self.events:
            m, p = e.get("method"), e.get("params", {})
            if m == "Runtime.consoleAPICalled" and p.get("type") in (
                "error",
                "assert",
            ):
                out.append(
                    "console.error: "
                    + " ".join(
                        str(a.get("value", a.get("description", "")))
                        for a in p["args"]
                    )
                )
            elif m == "Runtime.exceptionThrown":
                d = p["exceptionDetails"]
                out.append(
                    "uncaught: "
                    + d.get("exception", {}).get(
                        "description", d.get("text", "")
                    )
                )
            elif m == "Log.entryAdded" and p["entry"]["level"] == "error":
                out.append(
                    f"log: {p['entry']['text']} {p['entry'].get('url', '')}".strip()
                )
        return out

    def visit(self, url: str) -> dict:
        self.events = []
        self.call("Page.navigate", url=url)
        self.wait_for("Page.loadEventFired")
        result = self.call(
            "Runtime.evaluate",
            expression=PAGE_REPORT,
            awaitPromise=True,
            returnByValue=True,
        )
        if "exceptionDetails" in result:
            raise RuntimeError(
                f"page report failed on {url}: {result['exceptionDetails']}"
            )
        report = result["result"]["value"]
        # drain late console messages (e.g. a failed script after load)
        self.ws.settimeout(0.1)
        try:
            while True:
                self.events.append(json.loads(self.ws.recv()))
        except websocket.WebSocketTimeoutException:
            pass
        finally:
            self.ws.settimeout(self.timeout)
        report["errors"] = self.console_errors()
        return report

    def set_viewport(self, width: int, height: int, mobile: bool = False):
        """Lay pages out as a window `width` CSS pixels wide (a phone: mobile=True, 390 px)."""
        self.call(
            "Emulation.setDeviceMetricsOverride",
            width=width,
            height=height,
            deviceScaleFactor=1,
            mobile=mobile,
        )

    def screenshot(self, path: Path, full_page: bool = False):
        """A PNG of what the window shows (or of the whole page)."""
        import base64

        params = {"format": "png", "captureBeyondViewport": full_page}
        data = self.call("Page.captureScreenshot", **params)["data"]
        Path(path).write_bytes(base64.b64decode(data))

    def evaluate(self, expression: str):
        """The value of a JavaScript expression in the current page (promises awaited)."""
        result = self.call(
            "Runtime.evaluate",
            expression=expression,
            awaitPromise=True,
            returnByValue=True,
        )
        if "exceptionDetails" in result:
            raise RuntimeError(
                f"{expression[:60]}: {result['exceptionDetails']}"
            )
        return result["result"].get("value")

    def close(self):
        ws = getattr(self, "ws", None)
        if ws is not None:
            ws.close()
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
