"""`policygraph serve-sparql`: the graph in a real SPARQL 1.1 server (Oxigraph's own
server, from the `oxigraph` package on PyPI), for when it outgrows the browser.

The dump and the vocabulary are bulk-loaded into an on-disk store, then
`oxigraph serve-read-only` answers the SPARQL 1.1 protocol on 127.0.0.1."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from .errors import PolicygraphError
from .export import render_exports
from .model import Corpus


class ServerError(PolicygraphError):
    """The SPARQL server could not be prepared or started."""


def oxigraph_command() -> str:
    beside = Path(sys.executable).with_name("oxigraph")
    found = str(beside) if beside.is_file() else shutil.which("oxigraph")
    if not found:
        raise ServerError("the oxigraph server is not installed: `pip install oxigraph` (make site installs it)")
    return found


def load_store(corpus: Corpus, site_url: str, location: Path) -> Path:
    """Write the dumps and bulk-load them into a fresh Oxigraph store at `location`."""
    location = Path(location)
    if location.exists():
        shutil.rmtree(location)
    dumps = location.with_name(location.name + "-dumps")
    dumps.mkdir(parents=True, exist_ok=True)
    exports = render_exports(corpus, site_url)
    for name in ("graph.nt", "vocabulary.ttl"):
        (dumps / name).write_bytes(exports[name])
    result = subprocess.run([oxigraph_command(), "load", "--location", str(location),
                             "--file", str(dumps / "graph.nt"), str(dumps / "vocabulary.ttl")],
                            capture_output=True, text=True, timeout=600)
    shutil.rmtree(dumps, ignore_errors=True)
    if result.returncode != 0:
        raise ServerError(f"oxigraph load failed: {result.stderr.strip()}")
    return location


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


@dataclass
class SparqlServer:
    """A running read-only Oxigraph server; stop() ends it."""

    process: subprocess.Popen
    host: str
    port: int

    @property
    def endpoint(self) -> str:
        return f"http://{self.host}:{self.port}/query"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


def start_server(location: Path, host: str = "127.0.0.1", port: int | None = None,
                 wait_seconds: float = 30.0, cors: bool = True) -> SparqlServer:
    """Serve the store read-only. CORS is on so that the site's query page, served from
    another origin, can send its queries here."""
    if host not in ("127.0.0.1", "localhost", "::1"):
        raise ServerError("the SPARQL server only listens on the loopback interface (127.0.0.1)")
    port = port or free_port(host)
    command = [oxigraph_command(), "serve-read-only", "--location", str(location), "--bind", f"{host}:{port}"]
    process = subprocess.Popen(command + (["--cors"] if cors else []), stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE)
    server = SparqlServer(process, host, port)
    deadline = time.monotonic() + wait_seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise ServerError(f"oxigraph serve exited: {process.stderr.read().decode(errors='replace').strip()}")
        try:
            with urllib.request.urlopen(f"http://{host}:{port}/", timeout=2):
                return server
        except urllib.error.HTTPError:
            return server  # it answers: a 4xx on / still means the server is up
        except OSError:
            time.sleep(0.1)
    server.stop()
    raise ServerError(f"the SPARQL server did not answer on {host}:{port} within {wait_seconds:.0f} s")
