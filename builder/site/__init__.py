"""The site: the MkDocs plugin (plugin.py), the atomic build (build.py), the preview's
partial re-rendering (preview.py), the data process (datajob.py), the files handed to
MkDocs (files.py), shipped assets (assets.py) and what the build reads from git (git.py)."""
