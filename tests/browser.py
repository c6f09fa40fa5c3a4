"""Just enough of the Chrome DevTools Protocol to use the terminal app and the web form in
headless Chromium: pages opened at a phone's or a desktop's size, keys pressed, taps and
clicks, screenshots, and axe-core's checks run in the page.

The terminal app draws on a canvas, so its screen is read from the xterm.js buffer of the
page's terminal object, found with `Runtime.queryObjects` (the page keeps it in a local).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import signal
import subprocess
import time
from pathlib import Path

import aiohttp

# Without the background-networking flags Chromium keeps dialling Google, which a closed
# network refuses.
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1280,800",
    "--remote-debugging-port=0",
)

KEYS = {  # key: (key value, key code, the text it types)
    "Tab": ("Tab", 9, ""),
    "Enter": ("Enter", 13, "\r"),
    "Space": (" ", 32, " "),
    "ArrowDown": ("ArrowDown", 40, ""),
}
SCREEN = """function () {
  const term = this.find((o) => o && o.terminal && o.websocket_url !== undefined);
  if (!term) return "";
  const buffer = term.terminal.buffer.active, lines = [];
  for (let i = 0; i < buffer.length; i++) lines.push(buffer.getLine(i).translateToString(true));
  return lines.join("\\n");
}"""


class Chromium:
    """One headless Chromium with one page, driven over its DevTools websocket."""

    def __init__(self, executable: str, profile: Path, *flags: str) -> None:
        self.process = subprocess.Popen(
            [executable, *FLAGS, *flags, f"--user-data-dir={profile}", "about:blank"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        self.profile = profile
        self.ids = itertools.count(1)
        self.requested: list[str] = []  # every address the page asked for, in order

    async def __aenter__(self) -> Chromium:
        port = await self._debugging_port()
        self.http = aiohttp.ClientSession()
        async with self.http.get(f"http://127.0.0.1:{port}/json/list") as response:
            targets = await response.json()
        page = next(t for t in targets if t["type"] == "page")
        self.ws = await self.http.ws_connect(page["webSocketDebuggerUrl"], max_msg_size=0)
        await self.call("Network.enable")
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.ws.close()
        await self.http.close()
        os.killpg(self.process.pid, signal.SIGTERM)
        self.process.wait(timeout=10)

    async def _debugging_port(self, seconds: float = 30) -> str:
        """Chromium writes the port it chose into the profile folder once it listens."""
        active = self.profile / "DevToolsActivePort"
        deadline = time.monotonic() + seconds
        while not (active.exists() and active.read_text().strip()):
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError("Chromium did not open its debugging port")
            await asyncio.sleep(0.05)
        return active.read_text().split()[0]

    async def call(self, method: str, **params: object) -> dict:
        """Send one command and return its result; of the events in between, the addresses
        the page asked for are kept, the rest dropped."""
        number = next(self.ids)
        await self.ws.send_json({"id": number, "method": method, "params": params})
        while True:
            message = json.loads((await self.ws.receive(timeout=30)).data)
            if message.get("method") == "Network.requestWillBeSent":
                self.requested.append(message["params"]["request"]["url"])
            if message.get("id") == number:
                if "error" in message:
                    raise AssertionError(f"{method}: {message['error']}")
                return message["result"]

    async def open(self, url: str) -> None:
        await self.call("Page.navigate", url=url)

    async def screen(self) -> str:
        """The text on the page's terminal, one line per row."""
        prototype = await self.call("Runtime.evaluate", expression="Object.prototype")
        objects = await self.call(
            "Runtime.queryObjects", prototypeObjectId=prototype["result"]["objectId"]
        )
        result = await self.call(
            "Runtime.callFunctionOn",
            objectId=objects["objects"]["objectId"],
            functionDeclaration=SCREEN,
            returnByValue=True,
        )
        return result["result"]["value"]

    async def wait_for(self, text: str, seconds: float = 30) -> str:
        deadline = time.monotonic() + seconds
        while text not in (screen := await self.screen()):
            if time.monotonic() > deadline:
                raise AssertionError(f"never saw {text!r}; the screen was:\n{screen}")
            await asyncio.sleep(0.2)
        return screen

    async def type(self, text: str) -> None:
        """Type into the terminal as a person would: focus it, then the keys."""
        focus = "document.querySelector('.xterm-helper-textarea').focus()"
        await self.call("Runtime.evaluate", expression=focus)
        await self.call("Input.insertText", text=text)

    async def enter(self) -> None:
        key = {"key": "Enter", "code": "Enter", "windowsVirtualKeyCode": 13}
        await self.call("Input.dispatchKeyEvent", type="keyDown", text="\r", **key)
        await self.call("Input.dispatchKeyEvent", type="keyUp", **key)

    async def evaluate(self, expression: str, await_promise: bool = False) -> object:
        """The value of a JavaScript expression in the page (DevTools evaluates it even
        where the page's own scripts are turned off)."""
        result = await self.call(
            "Runtime.evaluate",
            expression=expression,
            returnByValue=True,
            awaitPromise=await_promise,
        )
        if "exceptionDetails" in result:
            raise AssertionError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    async def until(self, expression: str, seconds: float = 30) -> None:
        """Wait until an expression holds in the page (a page loaded, a value shown)."""
        deadline = time.monotonic() + seconds
        while not await self.evaluate(f"!!({expression})"):
            if time.monotonic() > deadline:
                text = await self.evaluate("document.body ? document.body.innerText : ''")
                raise AssertionError(f"never held: {expression}; the page said:\n{text}")
            await asyncio.sleep(0.05)

    async def size(self, width: int, height: int, phone: bool) -> None:
        """Show pages at this size, as a phone (touch, mobile viewport) or a desktop."""
        await self.call(
            "Emulation.setDeviceMetricsOverride",
            width=width,
            height=height,
            deviceScaleFactor=2 if phone else 1,
            mobile=phone,
        )
        await self.call("Emulation.setTouchEmulationEnabled", enabled=phone)

    async def scripts(self, enabled: bool) -> None:
        await self.call("Emulation.setScriptExecutionDisabled", value=not enabled)

    async def press(self, name: str) -> None:
        key, code, text = KEYS[name]
        keys = {"key": key, "code": name, "windowsVirtualKeyCode": code}
        await self.call("Input.dispatchKeyEvent", type="keyDown", text=text, **keys)
        await self.call("Input.dispatchKeyEvent", type="keyUp", **keys)

    async def tap(self, selector: str, touch: bool = True) -> None:
        """Tap (or click) the middle of an element, scrolled into view first."""
        x, y = await self.evaluate(
            f"(() => {{ const e = document.querySelector({json.dumps(selector)});"
            " e.scrollIntoView({block: 'center'}); const r = e.getBoundingClientRect();"
            " return [r.x + r.width / 2, r.y + r.height / 2]; })()"
        )
        if touch:
            await self.call(
                "Input.dispatchTouchEvent", type="touchStart", touchPoints=[{"x": x, "y": y}]
            )
            await self.call("Input.dispatchTouchEvent", type="touchEnd", touchPoints=[])
            return
        for kind in ("mousePressed", "mouseReleased"):
            await self.call(
                "Input.dispatchMouseEvent", type=kind, x=x, y=y, button="left", clickCount=1
            )

    async def screenshot(self, path: Path, most: int = 1600) -> None:
        """The page as a PNG, beyond the window where it is longer, down to `most` px."""
        import base64

        size = (await self.call("Page.getLayoutMetrics"))["cssContentSize"]
        height = min(size["height"], most)
        clip = {"x": 0, "y": 0, "width": size["width"], "height": height, "scale": 1}
        shot = await self.call(
            "Page.captureScreenshot", format="png", clip=clip, captureBeyondViewport=True
        )
        path.write_bytes(base64.b64decode(shot["data"]))

    async def axe(self, source: str) -> list[dict]:
        """axe-core's violations of WCAG 2.2 A and AA (and its best practices) on the page:
        each with its rule, impact and the elements it found."""
        await self.evaluate(source)
        return await self.evaluate(
            "axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', "
            "'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']}}).then(r => r.violations"
            ".map(v => ({id: v.id, impact: v.impact, help: v.help,"
            " nodes: v.nodes.map(n => n.target.join(' '))})))",
            await_promise=True,
        )
