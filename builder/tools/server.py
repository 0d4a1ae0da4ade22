"""`policygraph serve-sparql`: the graph in a SPARQL 1.1 Protocol server on the
loopback interface, for when it outgrows the browser.

The dump and the vocabulary are bulk-loaded into an on-disk Oxigraph store (through
pyoxigraph); each query then runs in its own child process over that store, read-only,
under the limits of `tools/sparql.py`: SERVICE refused (the server allows cross-origin
requests, so any web page could otherwise make this machine fetch an address), a time
limit enforced by killing the child, and a cap on the answer's size.

"""

from __future__ import annotations

import http.server
import multiprocessing
import multiprocessing.forkserver
import shutil
import threading
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from builder.errors import QueryError, ServerError
from builder.model import Corpus
from builder.rdf.export import query_store_content
from builder.tools.sparql import DiskStore, Limits, run_query

STORE_MARKER = ".policygraph-store"  # only a folder holding it is ever deleted
LOOPBACK = ("127.0.0.1", "localhost", "::1")


def load_store(corpus: Corpus, site_url: str, location: Path) -> Path:
    """Write the dumps and bulk-load them into a fresh Oxigraph store at `location`,
    replacing a store made here before, and nothing else."""
    location = Path(location).resolve()
    if location.exists():
        if not location.is_dir() or location.is_symlink():
            raise ServerError(f"--store {location}: not a folder; give a new folder for the store")
        if (location / STORE_MARKER).is_file():
            shutil.rmtree(location)
        elif any(location.iterdir()):
            raise ServerError(f"--store {location}: this folder is not empty and holds no store made by "
                              f"policygraph (no {STORE_MARKER} file): it is never deleted; give a new folder")
    location.mkdir(parents=True, exist_ok=True)
    (location / STORE_MARKER).write_text("An Oxigraph store made by `policygraph serve-sparql`, rebuilt each time.\n",
                                         encoding="utf-8")
    store = ox.Store(str(location))
    for data, rdf_format in query_store_content(corpus, site_url):
        store.bulk_load(data, rdf_format)
    store.flush()
    del store  # closed: the queries open it read-only
    return location


class _Handler(http.server.BaseHTTPRequestHandler):
    """The SPARQL 1.1 Protocol's query operation (GET ?query=, POST as
    application/sparql-query or a form), and nothing else: no update, no store."""

    server: _Server
    server_version = "policygraph-sparql"

    def log_message(self, *args) -> None:
        pass

    def do_OPTIONS(self) -> None:  # CORS preflight
        self.send_response(204)
        self._cors()
        self.send_header("Access-Control-Allow-Methods", "GET, POST")
        self.send_header("Access-Control-Allow-Headers", "Content-Type, Accept")
        self.send_header("Access-Control-Max-Age", "600")
        self.end_headers()

    def do_GET(self) -> None:
        parts = urllib.parse.urlsplit(self.path)
        if parts.path != "/query":
            return self._reply(404, "only /query answers here")
        self._answer(urllib.parse.parse_qs(parts.query).get("query", [None])[0])

    def do_POST(self) -> None:
        if urllib.parse.urlsplit(self.path).path != "/query":
            return self._reply(404, "only /query answers here")
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_QUERY_BYTES:
            return self._reply(413, f"the query is larger than {MAX_QUERY_BYTES // 1024} KB")
        body = self.rfile.read(length).decode("utf-8", errors="replace")
        kind = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if kind == "application/sparql-query":
            return self._answer(body)
        if kind == "application/x-www-form-urlencoded":
            form = urllib.parse.parse_qs(body)
            if "update" in form:
                return self._reply(403, "this server is read-only: SPARQL updates are refused")
            return self._answer(form.get("query", [None])[0])
        self._reply(415, "send the query as application/sparql-query, or as a form with query=")

    def _answer(self, text: str | None) -> None:
        if not text:
            return self._reply(400, "no query: send it as ?query=...")
        accept = self.headers.get("Accept") or ""
        if not self.server.slots.acquire(timeout=self.server.limits.timeout):
            return self._reply(503, "the server is busy with other queries: try again in a moment")
        try:
            answer = run_query(self.server.store, text, _results_format(accept), self.server.prefixes,
                               self.server.limits, graph_format=_graph_format(accept), context=self.server.context)
        except QueryError as error:
            return self._reply(400, str(error))
        finally:
            self.server.slots.release()
        self._reply(200, answer.data, answer.media_type)

    def _reply(self, status: int, body: str | bytes, media_type: str = "text/plain; charset=utf-8") -> None:
        data = body if isinstance(body, bytes) else (body + "\n").encode("utf-8")
        self.send_response(status)
        self._cors()
        self.send_header("Content-Type", media_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _cors(self) -> None:
        # The site's query page, served from another origin, sends its queries here.
        self.send_header("Access-Control-Allow-Origin", "*")


MAX_QUERY_BYTES = 256 * 1024
RESULTS_TYPES = ("application/sparql-results+json", "application/sparql-results+xml", "text/csv",
                 "text/tab-separated-values")
GRAPH_TYPES = ("text/turtle", "application/n-triples", "application/rdf+xml")


def _preferred(accept: str, offered: tuple[str, ...]) -> str:
    """The first offered media type the Accept header names (its order, q ignored)."""
    for part in accept.split(","):
        media_type = part.split(";")[0].strip().lower()
        if media_type in offered:
            return media_type
    return offered[0]


def _results_format(accept: str) -> str:
    return _preferred(accept, RESULTS_TYPES)


def _graph_format(accept: str) -> str:
    return _preferred(accept, GRAPH_TYPES)


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address, store: DiskStore, prefixes: dict[str, str], limits: Limits) -> None:
        super().__init__(address, _Handler)
        self.store, self.prefixes, self.limits = store, prefixes, limits
        self.slots = threading.BoundedSemaphore(MAX_RUNNING)
        # Children are forked from a fork server started now, before any request thread:
        # forking the threaded server itself could copy a held lock, and the fork server's
        # PR_SET_PDEATHSIG fires when the *thread* that started it ends, so a fork server
        # started lazily by a request thread would be killed after that request.
        self.context = multiprocessing.get_context("forkserver")
        self.context.set_forkserver_preload(["builder.tools.forkserver_guard", "builder.tools.sparql"])
        multiprocessing.forkserver.ensure_running()


MAX_RUNNING = 2  # queries evaluated at once; the others wait for a slot


@dataclass
class SparqlServer:
    """A running SPARQL server; stop() ends it and any query still running."""

    server: _Server
    host: str
    port: int

    @property
    def endpoint(self) -> str:
        return f"http://{self.host}:{self.port}/query"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def start_server(location: Path, prefixes: dict[str, str], host: str = "127.0.0.1", port: int | None = None,
                 limits: Limits = Limits()) -> SparqlServer:
    """Serve the store read-only on `host:port` (loopback only; port 0 or None: any free one)."""
    if host not in LOOPBACK:
        raise ServerError("the SPARQL server only listens on the loopback interface (127.0.0.1)")
    if not (Path(location) / STORE_MARKER).is_file():
        raise ServerError(f"{location} is not a store made by `policygraph serve-sparql`")
    try:
        server = _Server((host, port or 0), DiskStore(str(location)), prefixes, limits)
    except OSError as error:
        raise ServerError(f"cannot listen on {host}:{port}: {error.strerror}") from None
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return SparqlServer(server, host, server.server_address[1])
