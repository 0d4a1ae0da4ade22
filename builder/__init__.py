"""policygraph: a static knowledge graph of tech-policy actors, built from YAML entities."""

from pathlib import Path

__version__ = "0.1.0"

TEMPLATES = Path(__file__).with_name("templates")  # every Jinja2 template of the builder
