"""Imported only by the SPARQL server's fork server (multiprocessing's preload): the fork
server then ends when the server's process dies, even by SIGKILL, and each query it
started ends with it (a query child holds the fork server's lifeline open, so without
this a runaway query and its fork server outlive the server)."""

from builder.processes import die_with_parent

die_with_parent()
