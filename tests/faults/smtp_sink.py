"""A minimal SMTP server on loopback that keeps what it accepts, for fault tests.

While `stall` is set, the next message's DATA is read but never answered, as if
the sending process died mid-send; a message is kept only once the sink has
answered 250 to its DATA, so a stalled message is never delivered.
"""

import socketserver
import threading
from email import message_from_bytes


class SmtpSink:
    def __init__(self):
        self.delivered: list[tuple[list[str], object]] = []
        self.stall = threading.Event()
        self.stalled = threading.Event()
        self.release = threading.Event()
        sink = self

        class Handler(socketserver.StreamRequestHandler):
            def handle(self):
                self.wfile.write(b"220 sink ESMTP\r\n")
                rcpts: list[str] = []
                while line := self.rfile.readline():
                    verb = line.decode(errors="replace").strip().upper()
                    if verb.startswith(("EHLO", "HELO")):
                        self.wfile.write(b"250 sink\r\n")
                    elif verb.startswith("MAIL FROM"):
                        rcpts = []
                        self.wfile.write(b"250 OK\r\n")
                    elif verb.startswith("RCPT TO"):
                        rcpts.append(verb.split(":", 1)[1].strip(" <>").lower())
                        self.wfile.write(b"250 OK\r\n")
                    elif verb == "DATA":
                        self.wfile.write(b"354 go on\r\n")
                        data = b""
                        while (chunk := self.rfile.readline()) not in (b".\r\n", b""):
                            data += chunk
                        if sink.stall.is_set():
                            sink.stall.clear()
                            sink.stalled.set()
                            sink.release.wait(60)
                            return  # dropped without an answer: not delivered
                        sink.delivered.append((rcpts, message_from_bytes(data)))
                        self.wfile.write(b"250 queued\r\n")
                    elif verb == "QUIT":
                        self.wfile.write(b"221 bye\r\n")
                        return
                    else:
                        self.wfile.write(b"250 OK\r\n")

        class Server(socketserver.ThreadingTCPServer):
            allow_reuse_address = True
            daemon_threads = True

        self.server = Server(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.release.set()
        self.server.shutdown()
        self.server.server_close()

    def recipients(self) -> list[str]:
        return sorted(r for rcpts, _ in self.delivered for r in rcpts)
