"""Debian's nginx running deploy/nginx/nemus.conf in front of a local gunicorn.

The repo's file is used as it is, with only its SITE values (ports, paths, app
server, certificate) swapped for this machine's; a value that is no longer in the
file fails the test rather than being silently skipped.
"""

import http.client
import os
import shutil
import socket
import ssl
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import ROOT

CONFIG = ROOT / "deploy" / "nginx" / "nemus.conf"
ERRORS = ROOT / "deploy" / "nginx" / "errors"
HOST = "nemus.no"


def nginx_binary() -> str | None:
    return shutil.which("nginx") or (
        "/usr/sbin/nginx" if os.access("/usr/sbin/nginx", os.X_OK) else None
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def self_signed_certificate(directory: Path) -> tuple[Path, Path]:
    cert, key = directory / "fullchain.pem", directory / "privkey.pem"
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
            "-subj", f"/CN={HOST}",
            "-addext", f"subjectAltName=DNS:{HOST},DNS:www.{HOST}",
            "-keyout", str(key), "-out", str(cert),
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return cert, key


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes

    def header(self, name: str) -> str:
        return self.headers.get(name.lower(), "")


class _Connection(http.client.HTTPSConnection):
    """HTTPS to 127.0.0.1 while naming `sni` in the TLS handshake."""

    def __init__(self, port, sni, timeout):
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        super().__init__("127.0.0.1", port, timeout=timeout, context=context)
        self.sni = sni

    def connect(self):
        sock = socket.create_connection(("127.0.0.1", self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.sni)


class Front:
    def __init__(self, directory: Path, app_port: int):
        self.directory = directory
        self.http_port = free_port()
        self.https_port = free_port()
        self.access_log = directory / "access.log"
        cert, key = self_signed_certificate(directory)
        site = {
            "server app:8000 ": f"server 127.0.0.1:{app_port} ",
            "listen 80": f"listen 127.0.0.1:{self.http_port}",
            "listen 443": f"listen 127.0.0.1:{self.https_port}",
            "/etc/nginx/tls/fullchain.pem": str(cert),
            "/etc/nginx/tls/privkey.pem": str(key),
            "/var/cache/nginx/nemus ": f"{directory / 'cache'} ",
            "/var/log/nginx/nemus.access.log": str(self.access_log),
            "/var/log/nginx/nemus.error.log": str(directory / "error.log"),
            "/usr/share/nginx/nemus-errors/": f"{ERRORS}/",
        }
        lines = CONFIG.read_text().splitlines()
        text = "\n".join(line for line in lines if "listen [::]" not in line)
        for value, here in site.items():
            assert value in text, f"{value!r} is no longer in {CONFIG}"
            text = text.replace(value, here)
        (directory / "nemus.conf").write_text(text)
        temp = directory / "temp"
        temp.mkdir()
        # Root (CI) runs workers as root: pytest's temporary directories are private.
        user = "user root;\n" if os.geteuid() == 0 else ""
        (directory / "nginx.conf").write_text(
            f"""{user}worker_processes 1;
pid {directory}/nginx.pid;
error_log {directory}/main-error.log;
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
    include {directory}/nemus.conf;
}}
"""
        )
        self.command = [
            nginx_binary(),
            "-p", str(directory), "-e", str(directory / "startup-error.log"),
            "-c", str(directory / "nginx.conf"),
        ]  # fmt: skip
        self.process: subprocess.Popen | None = None

    def check(self) -> subprocess.CompletedProcess:
        return subprocess.run(
            [*self.command, "-t"], capture_output=True, text=True, check=False
        )

    def start(self) -> None:
        checked = self.check()
        assert checked.returncode == 0, checked.stderr
        self.process = subprocess.Popen(
            [*self.command, "-g", "daemon off;"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,  # its errors go to the -e and error_log files
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.https_port), 1).close()
                return
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError("nginx did not start")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)

    def get(self, path: str, **kwargs) -> Response:
        return self.request("GET", path, **kwargs)

    def request(
        self,
        method: str,
        path: str,
        *,
        headers: dict[str, str] | None = None,
        body: bytes | None = None,
        host: str = HOST,
        sni: str = HOST,
        timeout: float = 10,
    ) -> Response:
        connection = _Connection(self.https_port, sni, timeout)
        headers = {"Host": host, **(headers or {})}
        return _exchange(connection, method, path, headers, body)

    def plain(self, path: str, host: str = HOST) -> Response:
        connection = http.client.HTTPConnection("127.0.0.1", self.http_port, timeout=5)
        return _exchange(connection, "GET", path, {"Host": host}, None)


def _exchange(connection, method, path, headers, body) -> Response:
    try:
        connection.request(method, path, body=body, headers=headers)
        answer = connection.getresponse()
        return Response(
            answer.status,
            {name.lower(): value for name, value in answer.getheaders()},
            answer.read(),
        )
    finally:
        connection.close()
