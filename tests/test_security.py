"""Hostile input: more malformed files, fuzzing, script payloads in every text field
opened in Chromium, failed builds that must not replace the site, and a link crawl."""

from __future__ import annotations

import os
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from builder.errors import BuildError, EntityErrors
from builder.pipeline import load_corpus
from builder.site.build import build_site

from conftest import MINI, ROOT, build, show_networks, site_config, validation_errors, write_tree

PERSON = "type: person\nname: A\nsummary: x\n"


def errors_of(tmp_path, files) -> list[str]:
    return validation_errors(tmp_path, files)


LONG_QUOTE = " ".join(["mot"] * 61)
REL = "relations:\n  - predicate: works-for\n    target: o\n    sources:\n      - source: s\n        quote: {q}\n"
BASE = {"entities/organizations/o.yaml": "type: organization\nname: O\nsummary: x\n",
        "entities/sources/s.yaml": "type: source\ntitle: T\npublisher: P\ndate: 2025-01-01\nlanguage: en\n",
        "entities/sources/s.txt": "T\n\nThe words quoted: x, y and z.\n"}

CASES = {
    "cyrillic look-alike id": (
        {"entities/people/аda.yaml": PERSON},
        "entities/people/аda.yaml:1:1: invalid id 'аda' (from the file name): non-ASCII characters U+0430 "
        "(ids use lowercase ASCII letters, digits and single hyphens; rename the file to da.yaml)"),
    "uppercase id": (
        {"entities/people/Ada.yaml": PERSON},
        "entities/people/Ada.yaml:1:1: invalid id 'Ada' (from the file name) (ids use lowercase ASCII letters, "
        "digits and single hyphens, at most 80 characters: rename the file to ada.yaml)"),
    "path trick id": (
        {"entities/people/..yaml": PERSON},
        "entities/people/..yaml:1:1: invalid id '.' (from the file name) (ids use lowercase ASCII letters, "
        "digits and single hyphens, at most 80 characters: rename the file to a-valid-id.yaml)"),
    "double hyphen id": (
        {"entities/people/a--b.yaml": PERSON},
        "entities/people/a--b.yaml:1:1: invalid id 'a--b' (from the file name) (ids use lowercase ASCII letters, "
        "digits and single hyphens, at most 80 characters: rename the file to a-b.yaml)"),
    "reserved id": (
        {"entities/people/index.yaml": PERSON},
        "entities/people/index.yaml:1:1: the id 'index' is reserved (rename the file, e.g. to index-people.yaml)"),
    "data url": (
        {"entities/sources/s.yaml": BASE["entities/sources/s.yaml"] + "url: 'data:text/html,<script>x</script>'\n"},
        "entities/sources/s.yaml:6:6: 'url' must be an http or https address ('data:' is not allowed) (give the "
        "article's https:// address, or leave url out if the source gives none)"),
    "url without host": (
        {"entities/sources/s.yaml": BASE["entities/sources/s.yaml"] + "url: 'https:///path'\n"},
        "entities/sources/s.yaml:6:6: 'url' is not a valid web address (write the full address: https://host/path)"),
    "url with quote characters": (
        {"entities/sources/s.yaml": BASE["entities/sources/s.yaml"] + "url: 'https://a.org/?q=\"><script>'\n"},
        "entities/sources/s.yaml:6:6: 'url' contains characters not allowed in a web address: \" < > "
        "(percent-encode them (\" is %22, < is %3C, > is %3E))"),
    "empty name": (
        {"entities/people/a.yaml": "type: person\nname:\nsummary: x\n"},
        "entities/people/a.yaml:2:6: missing required key 'name' (The common name, in the language most sources use.)"),
    "relations as mapping": (
        {"entities/people/a.yaml": PERSON + "relations: {predicate: x}\n"},
        "entities/people/a.yaml:4:12: 'relations' must be a list, not a mapping "
        "(write one `- predicate: ...` item per relation)"),
    "relation as text": (
        {"entities/people/a.yaml": PERSON + "relations: [x]\n"},
        "entities/people/a.yaml:4:13: a relation must be a mapping of keys, not a text "
        "(write `- predicate: ...` then `target:` and `sources:` indented below it)"),
    "sources as text": (
        {"entities/people/a.yaml": PERSON + "relations:\n  - predicate: works-for\n    target: o\n    sources: s\n"},
        "entities/people/a.yaml:7:14: 'sources' must be a list, not a text "
        "(write `- source: <id>` then `quote: \"...\"` below it)"),
    "deep nesting": (
        {"entities/people/a.yaml": PERSON + "description: " + "[" * 40 + "]" * 40 + "\n"},
        "entities/people/a.yaml:4:30: the file is nested too deeply (entity files are at most a few levels deep)"),
    "multi-line name": (
        {"entities/people/a.yaml": "type: person\nname: |\n  A\n  B\nsummary: x\n"},
        "entities/people/a.yaml:2:7: 'name' must be a single line (use `>-` to fold a long text, or shorten it)"),
    "boolean date": (
        {"entities/events/e.yaml": "type: event\nname: E\nsummary: x\ndate: yes\n"},
        "entities/events/e.yaml:4:7: 'date' must be a date, not true/false "
        "(write dates as YYYY, YYYY-MM or YYYY-MM-DD, with ~ after an approximate one)"),
    "date and start": (
        {"entities/events/e.yaml": "type: event\nname: E\nsummary: x\ndate: 2025\nstart: 2025\n"},
        "entities/events/e.yaml:4:1: give either 'date' or 'start'/'end', not both "
        "(use date for a one-day event, start and end for a longer one)"),
    "event end before start": (
        {"entities/events/e.yaml": "type: event\nname: E\nsummary: x\nstart: 2025-05\nend: 2025-04-30\n"},
        "entities/events/e.yaml:5:6: end 2025-04-30 is before start 2025-05 (swap them or fix the dates)"),
    "names with a bad language": (
        {"entities/people/a.yaml": PERSON + "names: {english: A}\n"},
        "entities/people/a.yaml:4:9: 'english' is not a two-letter language code (use en, fr...)"),
    "law status": (
        {"entities/laws/l.yaml": "type: law\nname: L\nsummary: x\nstatus: in force\n"},
        "entities/laws/l.yaml:4:9: 'status' must be one of proposed, adopted, in-force, withdrawn, struck-down, "
        "not 'in force' (did you mean 'in-force'?)"),
    "quote too long": (
        {**BASE, "entities/people/a.yaml": PERSON + REL.format(q=LONG_QUOTE)},
        "entities/people/a.yaml:9:16: quote is 61 words long (at most 60) "
        "(quote the few words that support the claim; mark cuts with […])"),
    "empty quote": (
        {**BASE, "entities/people/a.yaml": PERSON + REL.format(q='""')},
        "entities/people/a.yaml:9:16: source 's' has no quote "
        "(add `quote: \"...\"` with the words of the source that support the claim)"),
    "description with 20,000 brackets (quadratic in Python-Markdown)": (
        {**BASE, "entities/people/a.yaml": PERSON + "description: '" + "[" * 20_000 + "'\n"},
        "entities/people/a.yaml:4:14: 'description' is too long (20,000 characters; at most 10,000) (keep the "
        "description to a few paragraphs: the relations carry the facts)"),
    "description with 5,000 image openers": (
        {**BASE, "entities/people/a.yaml": PERSON + "description: '" + "![" * 2_500 + "'\n"},
        "entities/people/a.yaml:4:14: 'description' has 2500 brackets and tags ('[' and '<'; at most 200) "
        "(a description holds a few links at most)"),
    "description with a list nested 60 deep": (
        {**BASE, "entities/people/a.yaml": PERSON + "description: |\n" + "".join(
            "  " + "  " * i + "- x\n" for i in range(60))},
        "entities/people/a.yaml:4:14: 'description' nests lists or quotes 59 levels deep (at most 8) "
        "(flatten the list)"),
    "unknown relation key": (
        {**BASE, "entities/people/a.yaml": PERSON + REL.format(q="words quoted") + "    sourse: x\n"},
        "entities/people/a.yaml:10:5: unknown relation key 'sourse' (did you mean 'sources'?)"),
}


@pytest.mark.parametrize("name", CASES)
def test_hostile_file(tmp_path, name):
    files, expected = CASES[name]
    if "entities/sources/s.yaml" in files:
        files = {"entities/sources/s.txt": BASE["entities/sources/s.txt"], **files}
    assert errors_of(tmp_path, files) == [expected]


def test_symbolic_link(tmp_path):
    secret = write_tree(tmp_path, {"secret.txt": "password"}) / "secret.txt"
    (tmp_path / "entities/people").mkdir(parents=True)
    os.symlink(secret, tmp_path / "entities/people/a.yaml")
    assert errors_of(tmp_path, {}) == [
        "entities/people/a.yaml:1:1: symbolic links are not allowed in entities/ "
        "(replace the link with the file itself)"]


# -- fuzzing ---------------------------------------------------------------------

LOCATED = re.compile(r"^entities/[^:]+:\d+:\d+: \S")
scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False),
                    st.text(max_size=30), st.sampled_from(["2025-02-30", "2025", "works-for", "o", "s", "person"]))
keys = st.one_of(st.sampled_from(["type", "name", "summary", "relations", "predicate", "target", "sources",
                                  "source", "quote", "date", "start", "end", "url", "names", "aliases", "subtype"]),
                 st.text(max_size=8))
documents = st.recursive(scalars, lambda children: st.one_of(st.lists(children, max_size=4),
                                                             st.dictionaries(keys, children, max_size=6)),
                         max_leaves=25)


def _check_outcome(tmp_path, content: bytes) -> None:
    for old in (tmp_path / "entities/people").glob("*"):
        old.unlink()
    write_tree(tmp_path, {**BASE, "entities/people/a.yaml": content})
    try:
        load_corpus(tmp_path / "entities", root=tmp_path)
    except EntityErrors as error:
        for e in error.errors:
            assert LOCATED.match(e.format()), e.format()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(documents)
def test_fuzz_structured_documents(tmp_path, document):
    _check_outcome(tmp_path, yaml.safe_dump(document, allow_unicode=True).encode("utf-8"))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=200) | st.text(alphabet=st.sampled_from(list("ab:-[]{}&*!|>'\"\t\n #%@`~")), max_size=80)
       .map(lambda text: text.encode("utf-8")))
def test_fuzz_raw_bytes(tmp_path, content):
    _check_outcome(tmp_path, content)


# -- script payloads in every text field ------------------------------------------------

P = "<script>window.__pwned=1;alert(1)</script>"
IMG = '<img src=x onerror="window.__pwned=1;alert(1)">'
JS = "javascript:window.__pwned=1;alert(1)"
SVG = '"><svg onload=alert(1)>'


def _q(text: str) -> str:
    return yaml.safe_dump(text, allow_unicode=True, width=10_000).replace("\n...\n", "").strip()


PAYLOAD_FILES = {
    "entities/sources/evil-source.yaml": (
        f"type: source\ntitle: {_q('T ' + P)}\npublisher: {_q(IMG)}\nauthor: {_q(P)}\ndate: 2025-01-01\n"
        "language: en\nurl: 'https://example.org/?q=%22%3E%3Cscript%3Ewindow.__pwned=1%3C/script%3E'\n"),
    "entities/sources/evil-source.txt": f"T {P}\n\nIt said </script><script>window.__pwned=1</script> to {IMG}.\n",
    "entities/organizations/evil-org.yaml": (
        f"type: organization\nname: {_q('Org ' + IMG)}\nsummary: {_q(P + ' [x](' + JS + ') {: onclick=alert(1)}')}\n"
        f"country: France\naliases: [{_q(IMG)}]\n"),
    "entities/people/evil-person.yaml": (
        f"type: person\nname: {_q(P)}\nnames:\n  en: {_q(IMG)}\n  fr: {_q('</script>' + P)}\n"
        f"summary: {_q(SVG)}\nroles: [{_q(P)}]\n"
        "description: |\n"
        f"  Raw {P} and {IMG}\n\n  [click]({JS}) <a href=\"{JS}\">a</a> <iframe src=\"{JS}\"></iframe>\n"
        "  <div onclick=\"alert(1)\">x</div> ![i](javascript:alert(1))\n"
        "relations:\n  - predicate: works-for\n    target: evil-org\n"
        f"    role: {_q(IMG)}\n    note: {_q(P)}\n    sources:\n      - source: evil-source\n"
        f"        quote: {_q('</script><script>window.__pwned=1</script>')}\n"),
}


@pytest.fixture(scope="module")
def evil_site(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("evil")
    entities = write_tree(tmp / "in", PAYLOAD_FILES) / "entities"
    return build(tmp, entities)


def test_payload_corpus_is_valid(tmp_path):
    entities = write_tree(tmp_path, PAYLOAD_FILES) / "entities"
    assert len(load_corpus(entities, root=tmp_path)) == 3  # an archived text is not an entity


def test_no_payload_runs_in_the_browser(evil_site, serve, page):
    base = serve(evil_site)
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    pages = sorted(p.parent.relative_to(evil_site).as_posix() for p in evil_site.rglob("index.html"))
    assert len(pages) >= 10
    for path in pages:
        page.goto(base + ("" if path == "." else path + "/"))
        page.wait_for_timeout(150)
        assert page.evaluate("window.__pwned") is None, path
        hrefs = page.eval_on_selector_all("[href],[src]", "els => els.map(e => e.getAttribute('href') || "
                                                           "e.getAttribute('src'))")
        assert not [h for h in hrefs if h.strip().lower().startswith(("javascript:", "data:text"))], path
        assert page.locator("iframe, svg[onload], [onclick], [onerror]").count() == 0, path
    assert dialogs == []


def test_network_shows_payloads_as_text(evil_site, serve, page):
    page.goto(serve(evil_site) + "people/evil-person/")
    show_networks(page, interactive=False)
    sketched = page.evaluate("[...document.querySelectorAll('.pg-sketch title, .pg-sketch text')].map(e => e.textContent)")
    assert any(text.startswith(P) for text in sketched)
    assert page.locator(".pg-sketch script, .pg-sketch foreignObject").count() == 0
    show_networks(page)
    title = page.evaluate("window.policygraph.networks[0].nodes.get('evil-person').title.textContent")
    assert title.startswith(P)
    assert page.evaluate("window.__pwned") is None
    assert page.locator("h1").inner_text().startswith(P)


def test_the_names_search_shows_payloads_as_text(evil_site, serve, page):
    """A large site's search answers from the names' index (its options' "names"): the
    hostile names, types and summaries are shown as text."""
    page.goto(serve(evil_site) + "about/")
    page.evaluate("""() => { const options = document.querySelector('.pg-search-options');
        options.textContent = JSON.stringify({...JSON.parse(options.textContent), names: 'search/'}); }""")
    page.wait_for_selector("[data-pg-search][data-state] button")
    page.click("[data-pg-search] button")
    page.wait_for_selector("pagefind-modal dialog[open] input")
    for query, title in (("org img", "Org " + IMG), ("script window", P)):
        page.fill("pagefind-modal input", query)
        page.wait_for_selector("pagefind-results .pf-result-link")
        page.wait_for_function("t => [...document.querySelectorAll('pagefind-results .pf-result-link')]"
                               ".some(a => a.textContent === t)", arg=title)
    assert page.locator("pagefind-results img, pagefind-results svg, pagefind-results [onerror], "
                        "pagefind-results script:not([type='text/pagefind-template'])").count() == 0
    assert page.locator(".pg-search-more:not([hidden])").count() == 1  # the names answered
    assert page.evaluate("window.__pwned") is None


# -- failed builds keep the previous site ---------------------------------------------------

@pytest.mark.parametrize("failure", [RuntimeError("stage crashed"), KeyboardInterrupt()])
def test_a_failing_stage_leaves_the_site_intact(tmp_path, monkeypatch, failure, site_build):
    from conftest import MINI
    site = tmp_path / "site"
    write_tree(site, {"index.html": "previous", ".policygraph-site": ""})

    def explode(*args, **kwargs):
        raise failure
    monkeypatch.setattr("builder.pipeline.render_pages", explode)
    with pytest.raises(type(failure)):
        build_site(site_config(tmp_path, MINI), site)
    assert (site / "index.html").read_text() == "previous"
    assert sorted(p.name for p in tmp_path.iterdir()) == [".site.lock", "mkdocs.yml", "site"]


def test_a_failing_data_process_fails_the_build(tmp_path, monkeypatch, site_build):
    """The RDF files are written by a second process; if it fails (here: it is given no
    corpus), the build fails, the old site stays and its temporary folder goes."""
    from builder.site.datajob import DataJob

    from conftest import MINI
    site = tmp_path / "site"
    write_tree(site, {"index.html": "previous", ".policygraph-site": ""})
    jobs = []

    def failing_job(project, site_url, release, beside, background=False):
        jobs.append(DataJob(None, site_url, release, beside, background))
        return jobs[-1]
    monkeypatch.setattr("builder.site.plugin.DataJob", failing_job)
    with pytest.raises(BuildError) as info:
        build_site(site_config(tmp_path, MINI), site)
    assert "RDF data files" in str(info.value)
    assert (site / "index.html").read_text() == "previous"
    assert jobs and not jobs[0].work.exists() and jobs[0].process.poll() is not None


def test_strict_mode_turns_warnings_into_failures(tmp_path, site_build):
    from conftest import MINI
    docs = write_tree(tmp_path / "docs", {"about.md": "# About\n\n[broken](nowhere.md)\n"})
    config = site_config(tmp_path, MINI)
    config.write_text(config.read_text().replace(f"docs_dir: {Path(__file__).parents[1] / 'site_src'}",
                                                 f"docs_dir: {docs}"))
    with pytest.raises(BuildError) as info:
        build_site(config, tmp_path / "site")
    assert "nowhere.md" in str(info.value)
    assert not (tmp_path / "site").exists()


# -- every link and asset resolves, nothing is loaded from elsewhere --------------------------

class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[tuple[str, str, str]] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        if tag == "a" and attrs.get("name"):
            self.ids.add(attrs["name"])
        loads = not (tag == "a" or (tag == "link" and {"canonical", "alternate"} & set(attrs.get("rel", "").split())))
        for attr in ("href", "src", "data-src"):
            if attrs.get(attr):
                self.links.append(("a" if not loads else tag, attr, attrs[attr]))


def crawl(site: Path) -> tuple[int, list[str]]:
    parsed: dict[Path, _Links] = {}
    for page in site.rglob("*.html"):
        parser = _Links()
        parser.feed(page.read_text(encoding="utf-8"))
        parsed[page] = parser
    problems, checked = [], 0
    for page, parser in parsed.items():
        for tag, attr, value in parser.links:
            parts = urlsplit(value)
            if parts.scheme or parts.netloc:
                if tag != "a":
                    problems.append(f"{page}: {tag} {attr} loads {value} from outside the site")
                continue
            checked += 1
            if parts.path.startswith("/"):  # 404.html links from the site root
                target = (site / unquote(parts.path).lstrip("/")).resolve()
            else:
                target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
            if target.is_dir():
                target = target / "index.html"
            if not target.is_file():
                problems.append(f"{page}: {value} does not exist")
            elif parts.fragment and target.suffix == ".html":
                ids = parsed[target].ids if target in parsed else set()
                if unquote(parts.fragment) not in ids:
                    problems.append(f"{page}: no anchor #{parts.fragment} in {target}")
    return checked, problems


def test_every_link_resolves_in_the_mini_site(mini_site):
    checked, problems = crawl(mini_site)
    assert checked > 200 and problems == []


def test_every_link_resolves_in_the_real_site(real_site):
    checked, problems = crawl(real_site)
    assert checked > 200 and problems == []


# -- folders a build may replace ----------------------------------------------------------

def test_build_never_replaces_the_project_or_a_foreign_folder(tmp_path):
    from builder.site.build import build_lock
    config = site_config(tmp_path, MINI)
    for target, message in ((tmp_path, "contains the project folder"), (tmp_path.parent, "contains the project"),
                            (ROOT / "site_src" / "out", "inside the docs folder"),
                            (ROOT, "contains the docs folder")):
        with pytest.raises(BuildError, match=message):
            build_site(config, target)
    foreign = tmp_path / "notes"
    foreign.mkdir()
    (foreign / "keep.txt").write_text("mine")
    with pytest.raises(BuildError, match="was not made by policygraph"):
        build_site(config, foreign)
    assert (foreign / "keep.txt").read_text() == "mine"
    with build_lock(tmp_path / "site"):
        with pytest.raises(BuildError, match="another build into .* is running"):
            build_site(config, tmp_path / "site")
    assert not (tmp_path / "site").exists()


def test_cli_build_refuses_the_checkout(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from builder.tools.cli import main
    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(main, ["build", "--site-dir", "."])
    assert result.exit_code == 1 and "contains the project folder" in result.output
    assert (ROOT / ".git").exists() and (ROOT / "mkdocs.yml").is_file()


# -- every exit path cleans up ------------------------------------------------------------

def test_an_unwritable_place_is_a_build_error(tmp_path):
    """An OSError (here the site's parent is a file; a read-only folder or a full disk
    take the same path) is one line naming the problem, not a traceback."""
    from click.testing import CliRunner

    from builder.tools.cli import main
    (tmp_path / "plain-file").write_text("x")
    result = CliRunner().invoke(main, ["build", "--config", str(site_config(tmp_path, MINI)),
                                       "--site-dir", str(tmp_path / "plain-file" / "site")])
    assert result.exit_code == 1
    assert "could not write the site: " in result.output and "plain-file" in result.output, result.output
    assert "Traceback" not in result.output


def test_an_unwritable_data_folder_is_reported_by_the_data_process(tmp_path):
    """The data process's own OSError (a full disk, a read-only folder; here its output
    folder's name is taken by a file) comes back as one line, for the build to report."""
    import os
    import pickle
    import subprocess
    import sys

    from builder.pipeline import Project, load_corpus
    from builder.rdf.export import Release
    work = tmp_path / "work"
    work.mkdir()
    corpus = load_corpus(MINI, root=ROOT)
    (work / "project.pickle").write_bytes(pickle.dumps(Project(corpus, [], "", [])))
    (work / "input.pickle").write_bytes(pickle.dumps(("https://x.example/", Release())))
    (work / "out").write_text("a file where the output folder goes")
    result = subprocess.run([sys.executable, "-m", "builder.site.datajob", str(work), str(os.getpid())],
                            cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr[-2000:]
    assert (work / "error.txt").read_text().startswith("could not write the data files: ")


def test_a_killed_build_leaves_no_process_and_its_folders_go_with_the_next(tmp_path):
    """SIGKILL in the middle of a build: its page renderers and data process end with it
    (PR_SET_PDEATHSIG), and the next build removes its staging and data folders."""
    import os
    import signal
    import subprocess
    import sys
    import time

    from builder.dev.synthetic import generate
    entities = generate(tmp_path, 400)
    config = site_config(tmp_path, entities)
    code = "import sys; from builder.site.build import build_site; build_site(sys.argv[1])"
    build = subprocess.Popen([sys.executable, "-c", code, str(config)], cwd=ROOT,
                             env={**os.environ, "POLICYGRAPH_WORKERS": "2"})

    def children() -> set[int]:
        found = set()
        for status in Path("/proc").glob("[0-9]*/status"):
            try:
                fields = dict(line.split(":\t", 1) for line in status.read_text().splitlines() if ":\t" in line)
            except OSError:
                continue
            if fields.get("PPid", "").strip() == str(build.pid):
                found.add(int(status.parent.name))
        return found

    started, seen = time.monotonic(), set()
    while time.monotonic() - started < 120 and not any(tmp_path.glob(".site.building-*.data-*")):
        seen |= children()
        time.sleep(0.05)
    time.sleep(0.5)
    seen |= children()
    assert any(tmp_path.glob(".site.building-*.data-*")), "the data folder should sit beside the staging folder"
    build.send_signal(signal.SIGKILL)
    build.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(Path(f"/proc/{pid}").exists() for pid in seen):
        time.sleep(0.1)
    alive = [pid for pid in seen if Path(f"/proc/{pid}").exists()
             and "zombie" not in Path(f"/proc/{pid}/status").read_text().lower()]
    assert seen and not alive, (seen, alive)
    assert list(tmp_path.glob(".site.building-*"))  # left by the killed build...
    build_site(config)
    assert not list(tmp_path.glob(".site.building-*")) and (tmp_path / "site" / "index.html").is_file()
