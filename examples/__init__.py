"""Examples that ship with the package: the candidate space (``space.yaml``) and the quickstart notebook, found
with ``importlib.resources.files("asepred.examples")`` in an installed wheel as in a clone."""
