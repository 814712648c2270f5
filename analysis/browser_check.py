#!/usr/bin/env python3
"""Render a drawdown report in headless Chromium and check that it is whole.

    python3 analysis/browser_check.py REPORT.html [--screenshot FILE.png]
                                      [--section ID]... [--chromium PROGRAM]

Fails (exit 1, one line per problem on stderr) when the page is blank, an
image is missing or broken, the page needs a script or anything from outside
the file, or the browser console reports an error. Saves a screenshot of the
top of the page (and of each --section, an element id such as run-historical,
as FILE-ID.png) for a person to look at. Exit 2: usage or Chromium could not
be started.

Talks to Chromium over the DevTools protocol on a local port, with a minimal
WebSocket client written here (the standard library has none, and CI has no
PyPI). Only the Python standard library is used.
"""

import argparse
import base64
import json
import os
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import time
import urllib.request

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--remote-debugging-port=0",
]

# The page must be rendered within this many seconds.
LOAD_TIMEOUT_S = 60


class WebSocket:
    """Just enough of RFC 6455 for the DevTools protocol: text frames, masked."""

    def __init__(self, url):
        assert url.startswith("ws://")
        hostport, _, path = url[5:].partition("/")
        host, _, port = hostport.partition(":")
        self.sock = socket.create_connection((host, int(port)), timeout=LOAD_TIMEOUT_S)
        key = base64.b64encode(os.urandom(16)).decode()
        request = (
            f"GET /{path} HTTP/1.1\r\nHost: {hostport}\r\nUpgrade: websocket\r\n"
            f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
            "Sec-WebSocket-Version: 13\r\n\r\n"
        )
        self.sock.sendall(request.encode())
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = self.sock.recv(4096)
            if not chunk:
                raise OSError("DevTools closed the connection during the handshake")
            head += chunk
        status = head.split(b"\r\n", 1)[0]
        if b" 101 " not in status:
            raise OSError(f"DevTools refused the WebSocket: {status.decode(errors='replace')}")
        self.buf = head.split(b"\r\n\r\n", 1)[1]

    def send(self, text):
        data = text.encode()
        header = bytearray([0x81])  # FIN, text
        n = len(data)
        if n < 126:
            header.append(0x80 | n)
        elif n < 65536:
            header.append(0x80 | 126)
            header += struct.pack(">H", n)
        else:
            header.append(0x80 | 127)
            header += struct.pack(">Q", n)
        mask = os.urandom(4)
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(data))
        self.sock.sendall(bytes(header) + mask + masked)

    def _read(self, n):
        while len(self.buf) < n:
            chunk = self.sock.recv(1 << 20)
            if not chunk:
                raise OSError("DevTools closed the connection")
            self.buf += chunk
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def recv(self):
        message = b""
        while True:
            b0, b1 = self._read(2)
            opcode, n = b0 & 0x0F, b1 & 0x7F
            if n == 126:
                n = struct.unpack(">H", self._read(2))[0]
            elif n == 127:
                n = struct.unpack(">Q", self._read(8))[0]
            if b1 & 0x80:
                mask = self._read(4)
                payload = bytes(b ^ mask[i % 4] for i, b in enumerate(self._read(n)))
            else:
                payload = self._read(n)
            if opcode == 0x8:
                raise OSError("DevTools closed the WebSocket")
            if opcode in (0x9, 0xA):  # ping/pong: not used by DevTools
                continue
            message += payload
            if b0 & 0x80:
                return message.decode()


class DevTools:
    def __init__(self, ws):
        self.ws = ws
        self.next_id = 0
        self.events = []

    def call(self, method, **params):
        self.next_id += 1
        my_id = self.next_id
        self.ws.send(json.dumps({"id": my_id, "method": method, "params": params}))
        while True:
            msg = json.loads(self.ws.recv())
            if msg.get("id") == my_id:
                if "error" in msg:
                    raise OSError(f"{method}: {msg['error'].get('message')}")
                return msg.get("result", {})
            if "method" in msg:
                self.events.append(msg)

    def wait_for(self, method, timeout):
        deadline = time.time() + timeout
        for i, ev in enumerate(self.events):
            if ev["method"] == method:
                del self.events[i]
                return ev
        while time.time() < deadline:
            msg = json.loads(self.ws.recv())
            if msg.get("method") == method:
                return msg
            if "method" in msg:
                self.events.append(msg)
        raise OSError(f"timed out waiting for {method}")


CHECK_JS = r"""
(() => {
  const imgs = Array.from(document.images);
  const bad = imgs.filter(i => !(i.complete && i.naturalWidth > 0 && i.naturalHeight > 0));
  const external = imgs.filter(i => !i.src.startsWith('data:')).map(i => i.src);
  const links = Array.from(document.querySelectorAll('link[rel~=stylesheet], link[rel~=preload]'))
                     .map(l => l.href);
  return JSON.stringify({
    text: document.body ? document.body.innerText.trim().length : 0,
    height: document.documentElement.scrollHeight,
    images: imgs.length,
    broken: bad.map(i => i.alt || i.src.slice(0, 60)),
    external: external.concat(links),
    scripts: document.scripts.length,
    title: document.title,
  });
})()
"""


def screenshot(dt, path, clip=None):
    params = {"format": "png", "captureBeyondViewport": True}
    if clip is not None:
        params["clip"] = clip
    data = dt.call("Page.captureScreenshot", **params)["data"]
    with open(path, "wb") as f:
        f.write(base64.b64decode(data))


def section_clip(dt, section, max_height):
    js = (
        f"(() => {{ const e = document.getElementById({json.dumps(section)}); if (!e) return 'null';"
        " const r = e.getBoundingClientRect();"
        " return JSON.stringify({x: r.left + scrollX, y: r.top + scrollY, w: r.width,"
        f" h: Math.min(r.height, {int(max_height)})}}); }})()"
    )
    res = json.loads(dt.call("Runtime.evaluate", expression=js, returnByValue=True)["result"]["value"])
    if res is None:
        return None
    return {"x": res["x"], "y": res["y"], "width": res["w"], "height": res["h"], "scale": 1}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("report")
    ap.add_argument("--screenshot", default=None, help="PNG of the top of the page")
    ap.add_argument("--section", action="append", default=[], help="element id to capture too")
    ap.add_argument("--section-height", type=int, default=6000,
                    help="capture at most this many pixels of each section")
    ap.add_argument("--chromium", default=os.environ.get("DD_CHROMIUM", "chromium"))
    ap.add_argument("--min-images", type=int, default=1)
    args = ap.parse_args()

    if not os.path.isfile(args.report):
        print(f"browser_check: {args.report}: no such file", file=sys.stderr)
        return 2
    if shutil.which(args.chromium) is None:
        print(f"browser_check: {args.chromium} not found: install it with .ci/deps browser",
              file=sys.stderr)
        return 2
    url = "file://" + os.path.abspath(args.report)
    profile = tempfile.mkdtemp(prefix="dd-chromium-")
    log = open(os.path.join(profile, "chromium.log"), "w")
    proc = subprocess.Popen([args.chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}",
                             "about:blank"], stdout=log, stderr=log)
    problems = []
    try:
        port_file = os.path.join(profile, "DevToolsActivePort")
        deadline = time.time() + LOAD_TIMEOUT_S
        while not os.path.exists(port_file) or os.path.getsize(port_file) == 0:
            if proc.poll() is not None or time.time() > deadline:
                print(f"browser_check: Chromium did not start (see {log.name})", file=sys.stderr)
                return 2
            time.sleep(0.1)
        time.sleep(0.2)
        port = open(port_file).read().split()[0]
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10) as r:
            targets = json.load(r)
        page = next(t for t in targets if t.get("type") == "page")
        dt = DevTools(WebSocket(page["webSocketDebuggerUrl"]))
        dt.call("Runtime.enable")
        dt.call("Log.enable")
        dt.call("Page.enable")
        dt.call("Emulation.setDeviceMetricsOverride", width=1280, height=1600,
                deviceScaleFactor=1, mobile=False)
        dt.call("Page.navigate", url=url)
        dt.wait_for("Page.loadEventFired", LOAD_TIMEOUT_S)
        # Let image decoding and layout settle, then collect console messages.
        time.sleep(1.0)
        res = json.loads(dt.call("Runtime.evaluate", expression=CHECK_JS,
                                 returnByValue=True)["result"]["value"])
        dt.call("Runtime.evaluate", expression="0")  # drains pending events into dt.events
        for ev in dt.events:
            m, p = ev["method"], ev.get("params", {})
            if m == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert"):
                args_text = " ".join(str(a.get("value", a.get("description", ""))) for a in p.get("args", []))
                problems.append(f"console error: {args_text}")
            elif m == "Runtime.exceptionThrown":
                problems.append("exception: " + p.get("exceptionDetails", {}).get("text", "?"))
            elif m == "Log.entryAdded" and p.get("entry", {}).get("level") == "error":
                e = p["entry"]
                problems.append(f"console error ({e.get('source')}): {e.get('text')} {e.get('url', '')}".strip())
        if res["text"] < 200:
            problems.append(f"page is blank or nearly so ({res['text']} characters of text)")
        if res["images"] < args.min_images:
            problems.append(f"{res['images']} images, expected at least {args.min_images}")
        for b in res["broken"]:
            problems.append(f"image missing or broken: {b}")
        for e in res["external"]:
            problems.append(f"needs something outside the file: {e}")
        if res["scripts"] > 0:
            problems.append(f"page has {res['scripts']} script element(s); it must read without")
        if args.screenshot:
            screenshot(dt, args.screenshot,
                       {"x": 0, "y": 0, "width": 1280, "height": min(res["height"], 2400), "scale": 1})
            stem, ext = os.path.splitext(args.screenshot)
            for sec in args.section:
                clip = section_clip(dt, sec, args.section_height)
                if clip is None:
                    problems.append(f"no element with id {sec}")
                else:
                    screenshot(dt, f"{stem}-{sec}{ext}", clip)
        print(f"browser_check: {args.report}: \"{res['title']}\", {res['images']} images, "
              f"{res['text']} characters, page {res['height']} px high; "
              f"{'ok' if not problems else str(len(problems)) + ' problem(s)'}")
    except (OSError, StopIteration, KeyError, ValueError) as e:
        print(f"browser_check: cannot talk to Chromium: {e}", file=sys.stderr)
        return 2
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
        shutil.rmtree(profile, ignore_errors=True)
    for p in problems:
        print(f"browser_check: {args.report}: {p}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
