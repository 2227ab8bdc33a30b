"""``python -m asepred.cli``: the ``asepred`` command without its script."""

from asepred.cli.main import app

app(prog_name="asepred")
