"""A synthetic corpus for benchmarks and scale tests: N valid entity files of every
kind, with realistic text, about five relations per entity (some hubs), sources and
quotes. The same seed always writes the same files."""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from pathlib import Path

from builder.tools.schema import modeline
from builder.vocabulary import Vocabulary, load_vocabulary

FIRST = ["Anna", "Marc", "Léa", "Tom", "Sofia", "Yusuf", "Ines", "Karl", "Mei", "Pavel", "Nora", "Omar", "Chloé",
         "Jonas", "Aisha", "Luca", "Elena", "Hugo", "Sara", "Ivan"]
LAST = ["Martin", "Novak", "Dubois", "Schmidt", "Rossi", "Tanaka", "García", "Nowak", "Haddad", "Larsen",
        "Moreau", "Kowalski", "Bernard", "Okafor", "Lindqvist", "Petit", "Costa", "Müller", "Khan", "Silva"]
WORDS = ["digital", "data", "platform", "privacy", "market", "security", "network", "cloud", "media", "child",
         "online", "safety", "competition", "algorithm", "chip", "energy", "content", "identity", "export", "trust"]
NOUNS = {"organizations": ["Agency", "Authority", "Institute", "Group", "Council", "Foundation", "Labs", "Networks"],
         "laws": ["Act", "Regulation", "Directive", "Order", "Code", "Bill"],
         "events": ["hearing", "summit", "inquiry", "vote", "leak", "settlement", "campaign"],
         "products": ["Cloud", "Assistant", "Chip", "App", "Model", "Platform"]}
SHARE = {"people": 0.30, "organizations": 0.30, "laws": 0.10, "events": 0.15, "products": 0.10, "sources": 0.05}
QUOTE_WORDS = ["selon", "le", "rapport", "the", "report", "says", "que", "la", "commission", "a", "annoncé",
               "an", "inquiry", "into", "its", "practices", "depuis", "mois", "publicly", "confirmed"]


@dataclass
class _Entity:
    kind: str
    id: str
    type: str
    subtype: str | None


def _plan(n: int, rng: random.Random, v: Vocabulary) -> list[_Entity]:
    counts = {kind: max(1, round(n * share)) for kind, share in SHARE.items()}
    counts["people"] += n - sum(counts.values())
    plan = []
    for kind, count in counts.items():
        base = v.kinds[kind]
        subtypes = v.subtypes_of(base.id)
        for index in range(count):
            plan.append(_Entity(kind, f"{kind[:-1] if kind != 'people' else 'person'}-{index:05d}", base.id,
                                rng.choice(subtypes) if subtypes and rng.random() < 0.8 else None))
    return plan


def _date(rng: random.Random, precision: str | None = None) -> str:
    year = rng.randint(2015, 2026)
    month, day = rng.randint(1, 12), rng.randint(1, 28)
    precision = precision or rng.choice(["year", "month", "day", "day", "day"])
    text = {"year": f"{year}", "month": f"{year}-{month:02d}", "day": f"{year}-{month:02d}-{day:02d}"}[precision]
    return text + ("~" if rng.random() < 0.05 else "")


def _name(entity: _Entity, rng: random.Random) -> str:
    if entity.kind == "people":
        return f"{rng.choice(FIRST)} {rng.choice(LAST)} {entity.id[-5:]}"
    words = " ".join(w.capitalize() for w in rng.sample(WORDS, 2))
    return f"{words} {rng.choice(NOUNS[entity.kind])} {entity.id[-5:]}"


def _fits(v: Vocabulary, type_id: str, allowed) -> bool:
    return v.matches(type_id, allowed)


def _relations(entity: _Entity, plan: list[_Entity], hubs: list[_Entity], sources: list[_Entity],
               rng: random.Random, v: Vocabulary) -> list[dict]:
    subject_type = entity.subtype or entity.type
    predicates = [p for p in v.predicates.values() if _fits(v, subject_type, p.domain)]
    relations = []
    wanted = min(15, 1 + int(rng.expovariate(1 / 5)))
    attempts = 0
    seen = set()
    while len(relations) < wanted and attempts < wanted * 20:
        attempts += 1
        predicate = rng.choice(predicates)
        target = rng.choice(hubs) if rng.random() < 0.2 else rng.choice(plan)
        target_type = target.subtype or target.type
        if target.id == entity.id or target.kind == "sources" or not _fits(v, target_type, predicate.range):
            continue
        if (predicate.id, target.id) in seen:
            continue
        seen.add((predicate.id, target.id))
        relation = {"predicate": predicate.id, "target": target.id}
        roll = rng.random()
        if roll < 0.35:
            relation["start"] = _date(rng)
        elif roll < 0.6:
            relation["date"] = _date(rng)
        if rng.random() < 0.1:
            relation["role"] = rng.choice(["adviser", "chair", "spokesperson", "investor", "rapporteur"])
        if rng.random() < 0.25:
            relation["status"] = rng.choice(list(v.statuses))
        status = v.statuses[relation.get("status", v.default_status)]
        cited = [s for s in sources if _subtype(s) in status.only_from] if status.only_from else sources
        relation["sources"] = [{"source": rng.choice(cited).id,
                                "quote": " ".join(rng.choice(QUOTE_WORDS) for _ in range(rng.randint(6, 24)))}
                               for _ in range(1 if rng.random() < 0.8 else 2)]
        relations.append(relation)
    return relations


def _facts(entity: _Entity, rng: random.Random) -> dict:
    if entity.kind == "people":
        return {"roles": [rng.choice(["Minister", "Researcher", "Founder", "Senator", "Journalist"])]}
    if entity.kind == "organizations":
        return {"country": rng.choice(["France", "United States", "Germany", "Japan", "Brazil"]),
                "founded": _date(rng, "year")}
    if entity.kind == "laws":
        return {"jurisdiction": rng.choice(["European Union", "France", "United States"]),
                "status": rng.choice(["proposed", "adopted", "in-force"]), "adopted": _date(rng, "day")}
    if entity.kind == "events":
        return {"date": _date(rng), "place": rng.choice(["Paris", "Brussels", "Washington", "Tokyo"])}
    if entity.kind == "products":
        return {"released": _date(rng, "year")}
    return {}


def _subtype(source: _Entity) -> str:
    """One source in five is an opinion column (the others news articles): opinions cite those."""
    return "column" if int(source.id.rsplit("-", 1)[1]) % 5 == 0 else "article"


def _document(entity: _Entity, plan, hubs, sources, rng: random.Random, v: Vocabulary) -> dict:
    if entity.kind == "sources":
        return {"type": "source", "subtype": _subtype(entity),
                "title": f"{' '.join(rng.sample(WORDS, 4)).capitalize()} ({entity.id})",
                "publisher": rng.choice(["Next", "Le Monde", "The Verge", "Reuters", "CNA"]),
                "date": _date(rng, "day").rstrip("~"), "language": rng.choice(["en", "fr"])}
    name = _name(entity, rng)
    document: dict = {"type": entity.type}
    if entity.subtype:
        document["subtype"] = entity.subtype
    document["name"] = name
    if rng.random() < 0.2:
        document["names"] = {"en": name, "fr": f"{name} (fr)"}
    document["summary"] = (f"{name} is a fictional {v.types[entity.subtype or entity.type].label.site.lower()} "
                           f"about {' and '.join(rng.sample(WORDS, 2))}, generated for benchmarks.")
    if rng.random() < 0.3:
        document["description"] = "\n\n".join(
            " ".join(rng.choice(WORDS) for _ in range(40)).capitalize() + "." for _ in range(2))
    document.update(_facts(entity, rng))
    relations = _relations(entity, plan, hubs, sources, rng, v)
    if relations:
        document["relations"] = relations
    return document


def generate(out_dir: Path, n: int, seed: int = 1, vocabulary: Vocabulary | None = None) -> Path:
    """Write about `n` entity files under out_dir/entities; return that folder."""
    v = vocabulary or load_vocabulary()
    rng = random.Random(seed)
    plan = _plan(n, rng, v)
    sources = [e for e in plan if e.kind == "sources"]
    hubs = rng.sample([e for e in plan if e.kind != "sources"], k=max(1, n // 200))
    entities_dir = Path(out_dir) / "entities"
    documents = {entity.id: _document(entity, plan, hubs, sources, rng, v) for entity in plan}
    quotes: dict[str, list[str]] = {s.id: [] for s in sources}
    for document in documents.values():
        for relation in document.get("relations", ()):
            for citation in relation["sources"]:
                quotes[citation["source"]].append(citation["quote"])
                if documents[citation["source"]]["language"] != v.site_language:
                    citation["translation"] = {v.site_language: f"({v.site_language}) {citation['quote']}"}
    for entity in plan:
        path = entities_dir / entity.kind / f"{entity.id}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        body = "\n".join(f"{k}: {json.dumps(val, ensure_ascii=False)}" for k, val in documents[entity.id].items())
        path.write_text(f"{modeline(entity.kind)}\n{body}\n", encoding="utf-8")
    for source_id, said in quotes.items():  # each source's text holds the words quoted from it
        text = "\n\n".join(q + "." for q in said) or "Nothing quoted."
        (entities_dir / "sources" / f"{source_id}.txt").write_text(text + "\n", encoding="utf-8")
    return entities_dir
