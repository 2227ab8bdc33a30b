"""``python -m asepred.serving.launch --host H --port P``: BentoML's HTTP server for the service, started through
BentoML's public ``bentoml.serve`` (blocking) rather than its ``bentoml serve`` command.

Why not the command, as BentoML's docs do: ``python -m bentoml serve`` first builds BentoML's whole CLI, every
command group (cloud, deployment, containerize, secrets, …) with BentoCloud's client schemas, before the supervisor
can even import the service, on the path to ``/readyz``; with the collector paused too, the supervisor's CPU to ready
went from 1.2–1.3 s to 0.74 s (docs/performance.md, "Start-up"). The same server is started either way:
``bentoml.serve`` loads the service, applies its configuration (and ``BENTOML_CONFIG_OPTIONS``) and runs the same
supervisor and workers. The supervisor's imports run with the collector paused, as a worker's do
(``serving/loading.py``).
"""

from __future__ import annotations

import argparse

SERVICE = "asepred.serving.service:ASEPredictor"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m asepred.serving.launch",
        description="BentoML's HTTP server for asepred's service: what `asepred serve` starts (and owns) for you.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=3000, help="port to listen on (default 3000)")
    args = parser.parse_args(argv)

    from asepred.serving.loading import collector_paused

    with collector_paused():  # the supervisor's imports: BentoML and the service module
        import bentoml

        import asepred.serving.service  # noqa: F401

    bentoml.serve(SERVICE, host=args.host, port=args.port, working_dir=".", blocking=True)


if __name__ == "__main__":
    main()
