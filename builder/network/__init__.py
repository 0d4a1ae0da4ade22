"""Networks: which entities and relations each network shows (select.py), where the
explorer places them (layout.py), their vis-network data and HTML (render.py), and the
graph in the formats of network tools (formats.py)."""
