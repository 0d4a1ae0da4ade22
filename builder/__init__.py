"""policygraph: a static knowledge graph of tech-policy actors, built from YAML entities."""

__version__ = "0.1.0"
