"""Reading the project's files: entity YAML with the position of every value, their
validation into the model, the archived source texts, themes and the SPARQL catalogue."""
