"""The room under a full room's load (part of `make bench`): 300 phones on loopback, 3,000 submissions.

``playbook room`` runs as its own process, as a facilitator starts it. Each simulated phone joins by the
URL (its own cookies and CSRF token, one keep-alive connection), then the group submits in ten bursts: in
each burst every phone sends one submission at a random moment within a second (the facilitator says
"go", people type and tap). Bursts 1-7 are anonymous cards, 8-10 dots on a vote with three dots each. One
submission in ten is sent a second time with the same id, as a phone does that missed the answer.
All along, every phone also holds a long poll open for news, as the phone page's script does from the
moment the page is open: from the version the page shows, on a connection of its own, and, as a browser
does, accepting gzip.
Afterwards the store is read directly: every acknowledged id must be there (lost), and nothing may be
counted twice (double-counted). Latency is from sending a request to its whole answer; memory is the
proportional set size of the service process after the run. A last burst sends 300 at the same instant.
"""

from __future__ import annotations

import asyncio
import json
import random
import re
import secrets
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
import zlib
from pathlib import Path
from urllib.parse import urlencode, urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from playbook.room.store import RoomStore  # noqa: E402
from tests import servers  # noqa: E402
from tests.test_room_service import Room, start_room  # noqa: E402

PHONES = 300
BURSTS = 10
CARD_BURSTS = 7
SPREAD_SECONDS = 1.0
RETRY_SHARE = 0.1


class Client:
    """One phone: a keep-alive HTTP/1.1 connection and the cookies the room gave it."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.cookies: dict[str, str] = {}
        self.xsrf = ""
        self.v = ""
        """The version of what the page shows, as the page's script starts its long poll with it."""
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(self, method: str, path: str, body: bytes = b"") -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        cookie = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        head = (
            f"{method} {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\nAccept: application/json\r\n"
            f"Accept-Encoding: gzip, deflate\r\nCookie: {cookie}\r\n"
            f"Content-Type: application/x-www-form-urlencoded\r\n"
            f"Content-Length: {len(body)}\r\n\r\n"
        )
        self.writer.write(head.encode() + body)
        await self.writer.drain()
        assert self.reader is not None
        raw = await self.reader.readuntil(b"\r\n\r\n")
        lines = raw.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        length, gzipped = 0, False
        for line in lines[1:]:
            name, _, value = line.partition(":")
            if name.lower() == "content-length":
                length = int(value)
            elif name.lower() == "content-encoding":
                gzipped = value.strip() == "gzip"
            elif name.lower() == "set-cookie":
                key, _, rest = value.strip().partition("=")
                self.cookies[key] = rest.split(";", 1)[0]
        body = await self.reader.readexactly(length)
        return status, zlib.decompress(body, 16 + zlib.MAX_WBITS) if gzipped else body

    async def join(self, path: str) -> None:
        status, page = await self.request("GET", path)
        assert status == 200, status
        found = re.search(rb'name="_xsrf" value="([^"]+)"', page)
        self.xsrf = found[1].decode() if found else self.cookies.get("_xsrf", "")
        version = re.search(rb'data-v="([^"]*)"', page)
        self.v = version[1].decode() if version else ""


async def _send(client: Client, path: str, fields: dict[str, str], delay: float, out: dict) -> None:
    await asyncio.sleep(delay)
    body = urlencode({**fields, "_xsrf": client.xsrf}).encode()
    for _ in range(2 if random.random() < RETRY_SHARE else 1):  # a retry: the same id again
        start = time.perf_counter()
        status, _ = await client.request("POST", path, body)
        out["latency"].append(time.perf_counter() - start)
        out["requests"] += 1
        if status == 200:
            out["acked"].add(fields["sid"])
        else:
            out["refused"].append(status)


async def _listen(client: Client, path: str) -> None:
    """What a phone's page does all along: wait for news on a second connection (a long poll)."""
    listener = Client(client.host, client.port)
    listener.cookies = client.cookies
    v = client.v
    while True:
        status, body = await listener.request("GET", f"{path}?v={v}")
        if status == 200:
            v = json.loads(body)["v"]


async def _load(room: Room, clients: list[Client], card: int, vote: int) -> dict:
    path = f"/j/{room.code}/submit"
    listening = []
    for client in clients:  # people open the page one after another; its script starts polling at once
        await client.join(f"/j/{room.code}")
        listening.append(asyncio.ensure_future(_listen(client, f"/j/{room.code}/state")))
    out: dict = {"latency": [], "acked": set(), "refused": [], "requests": 0}
    started = time.perf_counter()
    for burst in range(BURSTS):
        sends = []
        for client in clients:
            sid = secrets.token_hex(16)
            if burst < CARD_BURSTS:
                fields = {"activity": str(card), "sid": sid, "text": f"card {burst} from a phone"}
            else:
                fields = {"activity": str(vote), "sid": sid, "item": f"o{burst - CARD_BURSTS}"}
            sends.append(_send(client, path, fields, random.uniform(0, SPREAD_SECONDS), out))
        await asyncio.gather(*sends)
        await asyncio.sleep(0.2)
    out["seconds"] = time.perf_counter() - started
    at_once: dict = {"latency": [], "acked": set(), "refused": [], "requests": 0}
    await asyncio.gather(
        *[
            _send(
                c,
                path,
                {"activity": str(card), "sid": secrets.token_hex(16), "text": "all at once"},
                0,
                at_once,
            )
            for c in clients
        ]
    )
    out["at_once"] = at_once
    for task in listening:
        task.cancel()
    return out


def _p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def room_rows() -> list[tuple[str, str, str]]:
    """The rows of `make bench` for the room: latency, lost, double-counted, memory, CPU per request."""
    with tempfile.TemporaryDirectory() as tmp:
        session = Path(tmp) / "room.session.yaml"
        shutil.copyfile(ROOT / "assets" / "examples" / "quarterly-retrospective.session.yaml", session)
        with start_room(session, Path(tmp) / "room.log") as server:
            ready = server.wait("/j/")
            room = Room(server, session)
            card = room.open("cards")
            vote = room.open("vote", options="\n".join(f"option {n}" for n in range(10)), per_person="3")
            parsed = urlparse(room.base)
            clients = [Client(parsed.hostname or "127.0.0.1", parsed.port or 80) for _ in range(PHONES)]
            assert server.process is not None
            cpu = servers.process_tree_cpu_seconds(server.process.pid)
            result = asyncio.run(_load(room, clients, card, vote))
            cpu = servers.process_tree_cpu_seconds(server.process.pid) - cpu
            memory = servers.process_tree_memory(server.process.pid) / 2**20
        with sqlite3.connect(RoomStore.open(session).path) as db:
            kept = {sid for (sid,) in db.execute("select sid from ops")}
            entries = db.execute("select count(*) from entries").fetchone()[0]
            votes = db.execute("select count(*) from votes").fetchone()[0]
    acked = result["acked"] | result["at_once"]["acked"]
    lost = len(acked - kept)
    doubled = (entries + votes) - len(kept)
    latency, burst = result["latency"], result["at_once"]["latency"]
    submissions = PHONES * BURSTS
    return [
        ("room: service start → answering", f"{ready:.1f} s", "playbook room FILE, whole process"),
        (
            f"room: {PHONES} phones, {submissions:,} submissions in {BURSTS} bursts",
            f"{_p(latency, 0.99):.0f} ms",
            f"p99 (goal ≤ 250); p50 {statistics.median(latency) * 1000:.0f} ms, max {max(latency) * 1000:.0f} ms; "
            f"{result['requests']:,} requests with retries in {result['seconds']:.1f} s",
        ),
        (
            "room: acknowledged but lost",
            str(lost),
            f"goal 0; {len(acked):,} acknowledged, {len(result['refused'])} refused",
        ),
        ("room: counted twice", str(doubled), f"goal 0; {entries:,} cards and {votes:,} dots stored"),
        (
            f"room: {PHONES} submissions at the same instant",
            f"{_p(burst, 0.99):.0f} ms",
            "p99; the worst burst a room makes",
        ),
        (
            "room: memory of the service after the run",
            f"{memory:.0f} MiB",
            "PSS of the playbook room process",
        ),
        (
            "room: service CPU per request",
            f"{cpu * 1000 / (result['requests'] + result['at_once']['requests'] + PHONES):.2f} ms",
            f"joins included; {cpu:.1f} CPU s in all (the latency above also waits for the load's own CPU)",
        ),
    ]


if __name__ == "__main__":
    for row in room_rows():
        print(*row, sep="  |  ")
