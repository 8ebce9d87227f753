"""A small real SMTP server on 127.0.0.1 for the outbox tests: it accepts each
connection and stays silent until told to answer (a hung mail server), then speaks
enough SMTP for Django's backend and keeps every message it is given."""

import socket
import threading
from email import message_from_bytes, policy


class SmtpServer:
    def __init__(self, *, answering: bool = True):
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.connected = threading.Event()
        self.answering = threading.Event()
        if answering:
            self.answering.set()
        self.messages = []  # (recipients, email.message.EmailMessage)
        self.closed = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while not self.closed.is_set():
            try:
                conn, _address = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn):
        with conn, conn.makefile("rb") as reader:
            self.connected.set()
            # Silent until told (or until the server is closed).
            while not self.answering.wait(0.05):
                if self.closed.is_set():
                    return
            try:
                self._dialogue(conn, reader)
            except OSError:
                return  # the client gave up meanwhile

    def _dialogue(self, conn, reader):
        def say(line):
            conn.sendall(line.encode() + b"\r\n")

        say("220 test SMTP")
        recipients = []
        while line := reader.readline():
            verb = line[:4].upper()
            if verb in (b"EHLO", b"HELO"):
                say("250 test")
            elif verb == b"MAIL":
                recipients = []
                say("250 ok")
            elif verb == b"RCPT":
                recipients.append(line.split(b":", 1)[1].strip(b" <>\r\n").decode())
                say("250 ok")
            elif verb == b"DATA":
                say("354 go on")
                data = b""
                while (part := reader.readline()) not in (b".\r\n", b""):
                    data += part[1:] if part.startswith(b"..") else part
                self.messages.append(
                    (recipients, message_from_bytes(data, policy=policy.default))
                )
                say("250 kept")
            elif verb == b"QUIT":
                say("221 bye")
                return
            else:
                say("250 ok")

    def close(self):
        self.closed.set()
        self.listener.close()


def refused_port() -> int:
    """A port on 127.0.0.1 nothing listens on: a mail server that refuses."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
