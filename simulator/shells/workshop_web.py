"""The workshop's voting page: phones on the local network vote at each decision.

A small Flask app (no accounts, no internet): a room code, one vote per device per decision (a
random device cookie), plain HTML forms that work on any phone, and a page that refreshes itself
while the room waits. Served by Werkzeug's threaded server in a background thread."""

from __future__ import annotations

import socket
import threading
import uuid
from html import escape

PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">{refresh}
<title>Rehearse vote</title><style>
body{{font-family:Helvetica,Arial,sans-serif;max-width:34em;margin:1.2em auto;padding:0 1em;color:#22262e;font-size:18px}}
button{{display:block;width:100%;text-align:left;margin:.5em 0;padding:.8em;font-size:1em;border-radius:10px;
border:1px solid #9aa8b8;background:#eef2f6}}.muted{{color:#5c6270}}input{{font-size:1.2em;padding:.4em;width:6em}}
</style></head><body>{body}</body></html>"""


def create_app(workshop):
    from flask import Flask, make_response, redirect, request

    app = Flask("rehearse-workshop")

    def page(body: str, refresh: bool = False):
        return PAGE.format(body=body, refresh='<meta http-equiv="refresh" content="3">' if refresh else "")

    def device_id() -> str:
        return request.cookies.get("rehearse_device") or uuid.uuid4().hex

    def respond(html: str, device: str):
        resp = make_response(html)
        resp.set_cookie("rehearse_device", device, max_age=12 * 3600, samesite="Lax")
        return resp

    @app.get("/")
    def home():
        code = request.args.get("code", "").strip().upper()
        if code:
            return redirect(f"/r/{code}")
        return page(
            "<h1>Rehearse</h1><form><p>Room code</p><input name='code' maxlength='4' autofocus>"
            "<button type='submit'>Join</button></form>"
        )

    @app.get("/r/<code>")
    def room(code: str):
        if code.upper() != workshop.code:
            return page(
                "<h1>Rehearse</h1><p>That room code is not open here. Check the code on the screen.</p>"
                "<p><a href='/'>Try again</a></p>"
            ), 404
        dev = device_id()
        run = workshop.run
        if run.ended:
            return respond(page("<h1>The scenario has ended</h1><p class='muted'>Thank you for voting.</p>"), dev)
        if workshop.stage != "vote":
            return respond(
                page(
                    "<h1>Discussing</h1><p class='muted'>Voting opens when the facilitator asks; "
                    "this page updates by itself.</p>",
                    refresh=True,
                ),
                dev,
            )
        if dev in workshop.devices:
            return respond(
                page("<h1>Your vote is in</h1><p class='muted'>Waiting for the room.</p>", refresh=True), dev
            )
        buttons = "".join(
            f"<button name='choice' value='{escape(c.id)}'>{i}. {escape(c.text)}</button>"
            for i, c in enumerate(workshop.choices(), 1)
        )
        body = (
            f"<h1>What would you do?</h1><form method='post' action='/r/{escape(workshop.code)}/vote'>"
            f"<input type='hidden' name='decision' value='{workshop.decision}'>{buttons}</form>"
        )
        return respond(page(body), dev)

    @app.post("/r/<code>/vote")
    def vote(code: str):
        if code.upper() != workshop.code:
            return page("<p>That room code is not open here.</p>"), 404
        dev = device_id()
        if str(workshop.decision) != request.form.get("decision", ""):
            return respond(redirect(f"/r/{workshop.code}"), dev)  # a vote for an earlier decision
        ok = workshop.cast(dev, request.form.get("choice", ""))
        body = (
            "<h1>Your vote is in</h1>"
            if ok
            else "<h1>That vote was not counted</h1>"
            "<p class='muted'>One vote per phone for each decision, while voting is open.</p>"
        )
        return respond(page(body + "<p class='muted'>Waiting for the room.</p>", refresh=True), dev)

    return app


def lan_address() -> str:
    """This machine's address on the local network, as its own name resolves (127.0.0.1 if none)."""
    try:
        addrs = {a[4][0] for a in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)}
    except OSError:
        return "127.0.0.1"
    lan = sorted(a for a in addrs if not a.startswith("127."))
    return lan[0] if lan else "127.0.0.1"


class VoteServer:
    """The voting page on a background thread."""

    def __init__(self, workshop, host: str = "0.0.0.0", port: int = 0) -> None:
        from werkzeug.serving import make_server

        self.server = make_server(host, port, create_app(workshop), threaded=True)
        self.port = self.server.server_port
        self.host = host
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> VoteServer:
        self.thread.start()
        return self

    def url(self) -> str:
        host = lan_address() if self.host in ("0.0.0.0", "") else self.host
        return f"http://{host}:{self.port}/"

    def stop(self) -> None:
        self.server.shutdown()
