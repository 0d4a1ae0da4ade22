"""`make bench`: build synthetic corpora of N entities and print, for each stage, the
median wall time over several runs, peak memory, pages per second, output sizes and
the 10k/1k ratios. It prints figures and asserts nothing (shared machines are noisy).

    python -m builder.dev.bench                 # N = 1,000 (CI-friendly)
    python -m builder.dev.bench 1000 10000      # both sizes, and their ratios
    python -m builder.dev.bench --preview 1000  # make serve: edit-to-page times
    python -m builder.dev.bench --explorer 10000  # the explorer drawn in Chromium
    python -m builder.dev.bench --reader 10000    # what a reader's browser transfers
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SITE_URL = "https://policygraph.example.org/"
ROOT = Path(__file__).resolve().parents[2]
STAGES = ("load", "validate", "pages", "networks", "graph", "exports", "builder total")
# Pages render on the cores the data process leaves (pages.SharedRendering); "pages" is
# timed so, and this too:
ONE_CORE = "pages, on one core"
# A site build writes the data files (networks, graph, exports) in a second process
# (datafiles.DataJob), started before the pages are rendered, while MkDocs runs: these are
# the two paths, each loading and validating the entities itself.
BUILD_PROCESS = ("load", "validate", "pages")
DATA_PROCESS = ("load", "validate", "networks", "graph", "exports")
WHOLE_CPU = "whole site, CPU time of all processes"
TIMES = (STAGES + (ONE_CORE, "builder, build process", "builder, data process")
         + tuple(f"{stage}, CPU time" for stage in STAGES + (ONE_CORE,))
         + ("MkDocs (whole - build process)", "whole site", WHOLE_CPU))


def _timed(function, *args, **kwargs):
    gc.collect()
    start = time.perf_counter()
    result = function(*args, **kwargs)
    return result, time.perf_counter() - start


def _cpu_seconds() -> float:
    """CPU time (user + system) of this process and of its children that have ended."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


class _Stages:
    """Wall and CPU time of each stage (CPU time counts forked page renderers too; it
    leaves out waiting for the disk and for a busy host, which wall time includes)."""

    def __init__(self) -> None:
        self.times: dict[str, float] = {}

    def run(self, stage: str, function, *args, **kwargs):
        gc.collect()
        wall, cpu = time.perf_counter(), _cpu_seconds()
        result = function(*args, **kwargs)
        self.times[stage] = self.times.get(stage, 0.0) + time.perf_counter() - wall
        self.times[cpu_row(stage)] = self.times.get(cpu_row(stage), 0.0) + _cpu_seconds() - cpu
        return result


def cpu_row(stage: str) -> str:
    return f"{stage}, CPU time"


def builder_stages(entities: Path) -> dict[str, float]:
    """The builder's own stages, in process, as the MkDocs plugin runs them."""
    from builder.network.render import NetworkRenderer
    from builder.pages import render_pages
    from builder.pages.context import Context
    from builder.pages.parallel import render_workers
    from builder.pipeline import batch_gc, read_entities
    from builder.rdf.entity import entity_rdf_files
    from builder.rdf.export import data_exports, network_exports, rdf_prefixes, serialize_corpus
    from builder.read.validate import validate
    from builder.vocabulary import load_vocabulary
    batch_gc()  # as the plugin does
    vocabulary = load_vocabulary()
    stages = _Stages()
    loaded = stages.run("load", read_entities, entities, vocabulary)
    corpus = stages.run("validate", validate, loaded.entities, vocabulary, loaded.errors)
    stages.run("pages", render_pages, Context(corpus, SITE_URL), workers=render_workers())
    stages.run(ONE_CORE, render_pages, Context(corpus, SITE_URL), workers=1)
    stages.run("networks", _network_files, NetworkRenderer(corpus))
    serialized = stages.run("graph", serialize_corpus, corpus, SITE_URL)
    prefixes = rdf_prefixes(corpus.vocabulary, SITE_URL)
    stages.run("exports", lambda: sum(len(content) for _, content in entity_rdf_files(serialized, corpus, SITE_URL, prefixes)))
    network = stages.run("exports", lambda: {name: len(content) for name, content in network_exports(corpus)})
    stages.run("exports", lambda: dict(data_exports(corpus, SITE_URL, serialized, network)))
    times = stages.times
    for stage in STAGES[:-1]:
        times[cpu_row("builder total")] = times.get(cpu_row("builder total"), 0.0) + times[cpu_row(stage)]
    times["builder total"] = sum(times[s] for s in STAGES[:-1])
    times["builder, build process"] = sum(times[s] for s in BUILD_PROCESS)
    times["builder, data process"] = sum(times[s] for s in DATA_PROCESS)
    return times


_STAGES = """
import json, sys
from pathlib import Path
from builder.dev.bench import builder_stages
print(json.dumps(builder_stages(Path(sys.argv[1]))))
"""


def stages_in_child(entities: Path) -> dict[str, float]:
    """`builder_stages` in a child interpreter: what the stages held (a corpus and its
    graph: gigabytes at 100,000 entities) goes back to the system with it, instead of
    staying in this process beside the whole site's build."""
    result = subprocess.run([sys.executable, "-c", _STAGES, str(entities)], cwd=ROOT, capture_output=True,
                            text=True, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    if result.returncode != 0:
        raise SystemExit(f"the builder's stages failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.splitlines()[-1])


def _network_files(networks) -> None:
    """What the data process makes of the networks: every ego network and the explorer's."""
    for _ in networks.files():
        pass


def _config(tmp: Path, entities: Path) -> Path:
    config = tmp / "mkdocs.yml"
    config.write_text(f"INHERIT: {ROOT / 'mkdocs.yml'}\ndocs_dir: {ROOT / 'site_src'}\n"
                      f"theme:\n  custom_dir: {ROOT / 'overrides'}\n"
                      f"plugins:\n  - policygraph:\n      entities: {entities}\n", encoding="utf-8")
    return config


_WHOLE_BUILD = """
import sys, time
from pathlib import Path
from builder.site.build import build
from builder.site.datajob import peak_memory_mb
start = time.perf_counter()
built = build(Path(sys.argv[1]), Path(sys.argv[2]))
print(time.perf_counter() - start, max(peak_memory_mb(), built.peak_memory_mb or 0), built.data.peak_memory_mb or 0)
"""


def whole_build(tmp: Path, entities: Path) -> tuple[float, int, int, int, Path, float]:
    """The whole site, as `policygraph build` makes it, in a child interpreter: wall time;
    the peak memory (MB) of the build process (the larger of the process that runs
    `build` and the one it forks to run MkDocs: site/build.py) and of the data process; and
    the peak of all the build's processes at once (build, MkDocs, data, page renderers,
    Pagefind), from
    their proportional set sizes (shared pages counted once) sampled every 0.2 s; and
    the CPU time (user + system) of all of them, less sensitive than wall time to what
    else the machine runs."""
    site = tmp / "site"
    cpu_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    command = [sys.executable, "-c", _WHOLE_BUILD, str(_config(tmp, entities)), str(site)]
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        process = subprocess.Popen(command, stdout=out, stderr=err, text=True, cwd=ROOT,
                                   env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
        together = 0
        while process.poll() is None:
            together = max(together, _tree_pss_mb(process.pid))
            time.sleep(0.2)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    cpu_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (cpu_after.ru_utime - cpu_before.ru_utime) + (cpu_after.ru_stime - cpu_before.ru_stime)
    if process.returncode != 0:
        raise SystemExit(f"build failed:\n{stderr[-3000:]}")
    wall, parent_mb, data_mb = stdout.split()[-3:]
    return float(wall), int(parent_mb), int(data_mb), together, site, cpu


def _tree_pss_mb(pid: int) -> int:
    """The proportional set size of a process and all its descendants, in MB (0 once gone)."""
    total, pending = 0, [pid]
    while pending:
        current = pending.pop()
        try:
            rollup = Path(f"/proc/{current}/smaps_rollup").read_text()
            total += int(rollup.split("\nPss:")[1].split()[0])
            for task in Path(f"/proc/{current}/task").iterdir():
                pending.extend(int(child) for child in (task / "children").read_text().split())
        except (OSError, IndexError, ValueError):
            continue  # it ended meanwhile
    return total // 1024


def _size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def measure(sizes: list[int], runs: int, seed: int) -> dict[int, dict]:
    """Every figure for each corpus size. The sizes take turns, run after run, so that
    the machine's drift over the minutes a benchmark takes (shared, noisy hosts) weighs
    on every size alike instead of on the ratios."""
    from builder.dev.synthetic import generate
    folders = {n: Path(tempfile.mkdtemp(prefix=f"policygraph-bench-{n}-")) for n in sizes}
    try:
        corpora = {n: generate(folders[n], n, seed=seed) for n in sizes}
        stage_runs: dict[int, list] = {n: [] for n in sizes}
        builds: dict[int, list] = {n: [] for n in sizes}
        for run in range(runs):
            for n in sizes:
                print(f"N={n:,}, run {run + 1} of {runs}...", file=sys.stderr, flush=True)
                stage_runs[n].append(stages_in_child(corpora[n]))
                builds[n].append(whole_build(folders[n], corpora[n]))
        return {n: _figures(stage_runs[n], builds[n]) for n in sizes}
    finally:
        for folder in folders.values():
            shutil.rmtree(folder, ignore_errors=True)


def _figures(stage_runs: list[dict], builds: list[tuple]) -> dict:
    site = builds[-1][4]
    sizes = sorted(p.stat().st_size for kind in ("people", "organizations", "laws", "events", "products")
                   for p in (site / kind).glob("*/index.html"))
    pages = sum(1 for _ in site.rglob("index.html"))
    result = {s: statistics.median(r[s] for r in stage_runs) for s in TIMES[:-3]}
    whole = statistics.median(b[0] for b in builds)
    result.update({
        "whole site": whole,
        WHOLE_CPU: statistics.median(b[5] for b in builds),
        "MkDocs (whole - build process)": max(0.0, whole - result["builder, build process"]),
        "peak memory MB, all processes at once": max(b[3] for b in builds),
        "peak memory MB, build process": max(b[1] for b in builds),
        "peak memory MB, data process": max(b[2] for b in builds),
        "page count": pages,
        "pages/s": pages / whole if whole else 0.0,
        "site MB": _size(site) / 1e6,
        # Pagefind's index chunks, page fragments and metadata (a query fetches a few of them), not its UI.
        "search index MB": sum(p.stat().st_size for p in (site / "pagefind").rglob("*.pf_*")) / 1e6,
        "typical entity page KB": statistics.median(sizes) / 1e3 if sizes else 0.0,
        **_per_entity(site),
        "relations": sum(1 for line in (site / "data/edges.csv").read_text().splitlines()[1:]),
    })
    return result


PER_ENTITY = ("entity's page and data files KB (median)", "site KB per entity")


def _per_entity(site: Path) -> dict[str, float]:
    """What one entity weighs on disk: its page and its own data files (Turtle, network
    JSON) together, median over the entities; and the whole site over the entity count."""
    totals = []
    for kind in ("people", "organizations", "laws", "events", "products", "sources"):
        for page in (site / kind).glob("*/index.html"):
            own = [page, page.parent.with_suffix(".ttl"), page.parent.parent / f"{page.parent.name}.network.json"]
            totals.append(sum(p.stat().st_size for p in own if p.exists()))
    return {PER_ENTITY[0]: statistics.median(totals) / 1e3 if totals else 0.0,
            PER_ENTITY[1]: _size(site) / 1e3 / max(1, len(totals))}


def report(results: dict[int, dict]) -> str:
    sizes = sorted(results)
    rows = list(TIMES) + ["peak memory MB, all processes at once",
                           "peak memory MB, build process", "peak memory MB, data process", "page count", "pages/s",
                           "site MB", "search index MB", "typical entity page KB", *PER_ENTITY, "relations"]
    header = ["figure"] + [f"N={n:,}" for n in sizes]
    if len(sizes) > 1:
        header.append(f"ratio {sizes[-1]:,}/{sizes[0]:,}")
    lines = [" | ".join(header), " | ".join("---" for _ in header)]
    for row in rows:
        cells = [row]
        for n in sizes:
            value = results[n][row]
            unit = " s" if row in TIMES else ""
            cells.append(f"{value:,.0f}" if row in ("page count", "relations") else f"{value:,.2f}{unit}")
        if len(sizes) > 1:
            first, last = results[sizes[0]][row], results[sizes[-1]][row]
            cells.append(f"{last / first:.1f}" if first else "-")
        lines.append(" | ".join(cells))
    return "\n".join(lines)


# Debian's Chromium, as the browser tests drive it.
CHROMIUM = {"executable_path": "/usr/bin/chromium", "args": [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--no-first-run"]}


def _serve(site: Path):
    """A local HTTP server for a built site, in a thread: (server, base URL)."""
    import functools
    import http.server
    import threading

    class Quiet(http.server.SimpleHTTPRequestHandler):
        extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, ".js": "text/javascript",
                          ".mjs": "text/javascript", ".wasm": "application/wasm"}

        def log_message(self, *args) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


def explorer_benchmark(n: int, seed: int, runs: int = 3) -> str:
    """Draw the explorer of a synthetic N-entity graph in headless Chromium; print the
    layout time (at build), the data size, and load, first-draw and redraw times."""

    from playwright.sync_api import sync_playwright

    from builder.dev.synthetic import generate
    from builder.network.render import NetworkRenderer
    from builder.paths import EXPLORER_FILE
    from builder.pipeline import load_corpus

    tmp = Path(tempfile.mkdtemp(prefix=f"policygraph-explorer-{n}-"))
    try:
        corpus = load_corpus(generate(tmp, n, seed=seed), root=tmp)
        data, layout_s = _timed(lambda: dict(NetworkRenderer(corpus).files())[EXPLORER_FILE])
        site = tmp / "site"
        small = tmp / "small"
        shutil.copytree(ROOT / "tests" / "fixtures" / "mini" / "entities", small / "entities", dirs_exist_ok=True)
        from builder.site.build import build_site
        build_site(_config(small, small / "entities"), site)
        (site / "data" / "network.json").write_bytes(data)
        server, base = _serve(site)
        url = base + "explorer/"
        loads, draws, frames = [], [], []
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(**CHROMIUM)
            for _ in range(runs):
                page = browser.new_page(viewport={"width": 1280, "height": 900})
                page.goto(url)
                page.wait_for_selector("#pg-explorer[data-drawn-ms]", state="attached", timeout=300_000)
                loads.append(int(page.get_attribute("#pg-explorer", "data-loaded-ms")))
                draws.append(int(page.get_attribute("#pg-explorer", "data-drawn-ms")))
                frames.append(page.evaluate("""async () => {
                    const net = window.policygraph.explorer.network;
                    const times = [];
                    for (let i = 0; i < 10; i++) {
                        const t = performance.now();
                        await new Promise(resolve => { net.once('afterDrawing', resolve);
                            net.moveTo({scale: 0.5 + (i % 2) * 0.3}); });
                        times.push(performance.now() - t);
                    }
                    times.sort((a, b) => a - b);
                    return times[5];
                }"""))
                page.close()
            browser.close()
        server.shutdown()
        nodes = data.count(b'"id":')
        return (f"explorer N={n:,}: {nodes:,} nodes, network.json {len(data) / 1e6:.1f} MB; "
                f"layout at build {layout_s:.1f} s; in Chromium (median of {runs}): fetch+parse "
                f"{statistics.median(loads):,.0f} ms, first draw {statistics.median(draws):,.0f} ms, "
                f"redraw after zoom {statistics.median(frames):,.0f} ms")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def stop_serving(server: subprocess.Popen) -> None:
    """Stop `mkdocs serve` as Ctrl-C does, so that it cleans up after itself (its site
    folder, the plugin's watch); terminate it if it does not stop."""
    server.send_signal(signal.SIGINT)
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.terminate()
        server.wait()


def preview_benchmark(n: int, seed: int, runs: int = 5) -> str:
    """`mkdocs serve --livereload --dirty` (as `make serve`) over a synthetic N-entity
    corpus: the time from saving an entity file to the served page showing the edit,
    for a summary edit and for a new relation (median of `runs` each); for the new
    relation, also the time until the page's network data shows it."""
    import socket
    import urllib.request

    import yaml

    from builder.dev.synthetic import generate

    tmp = Path(tempfile.mkdtemp(prefix=f"policygraph-preview-{n}-"))
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = None
    try:
        entities = generate(tmp, n, seed=seed)
        command = [sys.executable, "-m", "mkdocs", "serve", "-f", str(_config(tmp, entities)), "--livereload",
                   "--dirty", "--no-strict", "-a", f"127.0.0.1:{port}"]
        server = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                  env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
        page = f"http://127.0.0.1:{port}/people/person-00001/"
        network = f"http://127.0.0.1:{port}/people/person-00001.network.json"

        def shows(text: str, url: str = page, timeout: float = 120.0) -> float:
            start = time.perf_counter()
            while time.perf_counter() - start < timeout:
                try:
                    with urllib.request.urlopen(url, timeout=5) as response:
                        if text in response.read().decode("utf-8"):
                            return time.perf_counter() - start
                except OSError:
                    pass
                time.sleep(0.05)
            raise SystemExit(f"the preview did not show {text!r} within {timeout:.0f} s")

        shows("person-00001", timeout=600)
        path = entities / "people" / "person-00001.yaml"
        times: dict[str, list[float]] = {"summary edit": [], "new relation": [],
                                         "new relation, in the page's network": []}
        quoted = " ".join((path.parents[1] / "sources" / "source-00002.txt").read_text(encoding="utf-8").split()[:4])
        for trial in range(runs):
            document = yaml.safe_load(path.read_text(encoding="utf-8"))
            marker = f"Edited summary number {trial}"
            document["summary"] = marker
            path.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), encoding="utf-8")
            times["summary edit"].append(shows(marker))
            time.sleep(2)  # let the data process of that build finish
            document = yaml.safe_load(path.read_text(encoding="utf-8"))
            target = f"organization-{trial + 10:05d}"
            document.setdefault("relations", []).append({
                "predicate": "criticizes", "target": target,
                "sources": [{"source": "source-00002", "quote": quoted, "translation": {"en": quoted}}]})
            path.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), encoding="utf-8")
            seen = shows(f'id="criticizes-{target}"')
            times["new relation"].append(seen)
            times["new relation, in the page's network"].append(seen + shows(f'"to":"{target}"', network))
            time.sleep(2)
        return "\n".join(f"preview N={n:,}, {name}: median {statistics.median(values):.2f} s "
                         f"(runs: {', '.join(f'{v:.2f}' for v in values)})" for name, values in times.items())
    finally:
        if server is not None:
            stop_serving(server)
        shutil.rmtree(tmp, ignore_errors=True)


def reader_benchmark(n: int, seed: int, runs: int = 3) -> str:
    """What a reader's browser transfers from the site of a synthetic N-entity corpus, in
    headless Chromium with an empty cache: an entity page on arrival, with its network
    sketched (once scrolled near it), made interactive (vis-network) and with its second hop (the neighbours' files), a site search (the first query and a second one), the
    explorer's first draw (and its time), and the query page's decision (the dump's sizes against the browser limit). Sizes are
    gzip-compressed as a web server would send them (files already compressed as they are)."""
    import functools
    import gzip
    import urllib.parse

    from playwright.sync_api import sync_playwright

    from builder.dev.synthetic import generate
    from builder.pages.reference import BROWSER_QUERY_LIMIT
    from builder.site.build import build_site

    tmp = Path(tempfile.mkdtemp(prefix=f"policygraph-reader-{n}-"))
    try:
        entities = generate(tmp, n, seed=seed)
        site = build_site(_config(tmp, entities), tmp / "site")

        @functools.lru_cache(maxsize=None)
        def sent(path: str) -> int:
            file = site / path.lstrip("/")
            if file.is_dir():
                file = file / "index.html"
            data = file.read_bytes()
            compressed = file.suffix in (".gz", ".png", ".jpg", ".woff2") or ".pf_" in file.name
            return len(data) if compressed else len(gzip.compress(data, 6))

        server, base = _serve(site)
        ego = sorted(site.glob("people/*.network.json"), key=lambda p: (p.stat().st_size, p.name))
        person = ego[len(ego) // 2].name.removesuffix(".network.json")
        figures: dict[str, list[float]] = {}

        def add(name: str, value: float) -> None:
            figures.setdefault(name, []).append(value)

        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(**CHROMIUM)
            for _ in range(runs):
                context = browser.new_context(viewport={"width": 1280, "height": 900})
                page = context.new_page()
                got: list[str] = []
                page.on("requestfinished", lambda request: got.append(urllib.parse.urlsplit(request.url).path)
                        if request.method == "GET" else None)

                def kb() -> float:
                    total = sum(sent(path) for path in got) / 1024
                    got.clear()
                    return total

                page.goto(f"{base}people/{person}/")
                page.wait_for_load_state("networkidle")
                add("entity page, first visit, first screen, KB", kb())
                page.locator("figure.pg-network").scroll_into_view_if_needed()
                page.wait_for_selector("figure.pg-network[data-ready='static']", state="attached", timeout=120_000)
                page.wait_for_load_state("networkidle")
                add("entity page, first visit, with its network drawn, KB (in all)",
                    figures["entity page, first visit, first screen, KB"][-1] + kb())
                page.click(".pg-network-interact")
                page.wait_for_selector("figure.pg-network[data-ready='true']", state="attached", timeout=120_000)
                page.wait_for_load_state("networkidle")
                add("entity page, its network's interactive view, KB (more)", kb())
                if page.locator(".pg-network-widen").count():
                    page.click(".pg-network-widen")
                    page.wait_for_selector("figure.pg-network[data-hops='2']", state="attached", timeout=120_000)
                    page.wait_for_load_state("networkidle")
                    add("entity page, its network's second hop, KB (more)", kb())
                name = page.inner_text("h1")
                page.click("[data-pg-search] button")
                page.wait_for_selector("pagefind-modal dialog[open] input")
                for label, query in (("first", name), ("second", name.split()[0])):
                    page.fill("pagefind-modal input", query)
                    page.wait_for_function("q => document.querySelector('pagefind-summary').textContent.includes(q)",
                                           arg=query, timeout=120_000)
                    page.wait_for_load_state("networkidle")
                    add(f"search, {label} query, KB", kb())
                page.goto(f"{base}explorer/")
                page.wait_for_selector("#pg-explorer[data-drawn-ms]", state="attached", timeout=300_000)
                page.wait_for_load_state("networkidle")
                add("explorer first draw, KB (page included)", kb())
                add("explorer fetch+parse, ms", int(page.get_attribute("#pg-explorer", "data-loaded-ms")))
                add("explorer first draw, ms", int(page.get_attribute("#pg-explorer", "data-drawn-ms")))
                add("explorer entities drawn", page.evaluate("window.policygraph.explorer.nodes.length"))
                context.close()
            browser.close()
        server.shutdown()
        packed = (site / "data/graph.nt.gz").stat().st_size
        with gzip.open(site / "data/graph.nt.gz") as stream:  # graph.nt itself is not published at scale
            dump = sum(len(block) for block in iter(lambda: stream.read(1 << 20), b""))
        lines = [f"reader N={n:,} (median of {runs}, gzip sizes, empty cache):"]
        lines += [f"  {name}: {statistics.median(values):,.0f}" for name, values in figures.items()]
        verdict = ("loaded in the tab" if dump <= BROWSER_QUERY_LIMIT else "over the browser limit: the page stops "
                   f"reading after about {BROWSER_QUERY_LIMIT * packed / dump / 1e6:,.1f} MB and asks for an endpoint")
        lines.append(f"  query page: graph.nt {dump / 1e6:,.1f} MB, graph.nt.gz {packed / 1e6:,.1f} MB; {verdict} "
                     f"(limit {BROWSER_QUERY_LIMIT / 1024 ** 2:,.0f} MB of N-Triples)")
        return "\n".join(lines)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("sizes", nargs="*", type=int, help="corpus sizes for the stage table (default 1,000 "
                        "when no other measure is asked for)")
    parser.add_argument("--runs", type=int, default=3, help="runs per size (medians are reported)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--explorer", type=int, metavar="N", help="draw the explorer of an N-entity graph")
    parser.add_argument("--reader", type=int, metavar="N",
                        help="measure what a reader's browser transfers from an N-entity site")
    parser.add_argument("--preview", type=int, metavar="N",
                        help="time `make serve` re-rendering edits of an N-entity corpus")
    args = parser.parse_args(argv)
    asked = [(args.explorer, explorer_benchmark), (args.reader, reader_benchmark), (args.preview, preview_benchmark)]
    if args.sizes or not any(n for n, _ in asked):
        print(report(measure(sorted(set(args.sizes or [1000])), args.runs, args.seed)), flush=True)
    for n, benchmark in asked:
        if n:
            print(benchmark(n, args.seed, args.runs), flush=True)


if __name__ == "__main__":
    main()
