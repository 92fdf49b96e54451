"""A small SMTP relay for tests, on 127.0.0.1 in a thread: it speaks enough SMTP for smtplib
(EHLO, MAIL, RCPT, DATA, RSET, NOOP, QUIT; no STARTTLS, no AUTH) and keeps what it receives."""

from __future__ import annotations

import socketserver
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message


@dataclass
class Received:
    sender: str
    recipients: list[str]
    message: Message

    @property
    def body(self) -> str:
        payload = self.message.get_payload(decode=True)
        assert isinstance(payload, bytes)
        return payload.decode("utf-8").replace("\r\n", "\n")


@dataclass
class Relay:
    port: int = 0
    received: list[Received] = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)  # recipients answered with 550
    # Set: each connection waits for it before greeting (a relay that is slow to answer).
    hold: threading.Event | None = None
    connected: threading.Event = field(default_factory=threading.Event)


class _Handler(socketserver.StreamRequestHandler):
    relay: Relay

    def _say(self, line: str) -> None:
        self.wfile.write(line.encode("ascii") + b"\r\n")
        self.wfile.flush()

    def handle(self) -> None:
        self.relay.connected.set()
        if self.relay.hold is not None:
            self.relay.hold.wait(30)
        self._say("220 test relay ready")
        sender, recipients = "", []
        while line := self.rfile.readline():
            command = line.decode("ascii", "replace").strip()
            verb = command[:4].upper()
            if verb in ("EHLO", "HELO"):
                self._say("250 test relay")
            elif verb == "MAIL":
                sender, recipients = command.split(":", 1)[1].strip(" <>"), []
                self._say("250 OK")
            elif verb == "RCPT":
                to = command.split(":", 1)[1].strip(" <>")
                if to in self.relay.refuse:
                    self._say("550 no such user")
                else:
                    recipients.append(to)
                    self._say("250 OK")
            elif verb == "DATA":
                self._say("354 go on")
                data = b""
                while (chunk := self.rfile.readline()) not in (b".\r\n", b""):
                    data += chunk[1:] if chunk.startswith(b"..") else chunk
                self.relay.received.append(Received(sender, recipients, message_from_bytes(data)))
                self._say("250 OK")
            elif verb == "QUIT":
                self._say("221 bye")
                return
            elif verb in ("RSET", "NOOP"):
                self._say("250 OK")
            else:
                self._say("502 not here")


@contextmanager
def smtp_relay() -> Iterator[Relay]:
    relay = Relay()
    handler = type("Handler", (_Handler,), {"relay": relay})
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    relay.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield relay
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
