"""The ``asepred`` command (``asepred.cli.main``): the root above every stage, which no stage imports."""
