"""Fuzz every API operation with schemathesis from its own OpenAPI schema: no 5xx, every 4xx names the problem.

Run: .venv/bin/python benchmarks/fuzz_api.py [--examples 1000]
Starts `triase serve` (champion of TRIASE_HOME, fresh SQLite database) in its own process and runs the
schemathesis CLI against it with an admin key, positive and negative cases, `--examples` per operation.
"""

import argparse
import os
import subprocess
import sys
from pathlib import Path

from running_service import running_service

CHECKS = "not_a_server_error,client_errors_are_explained"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--examples", type=int, default=1000, help="generated cases per operation and mode")
    parser.add_argument("--port", type=int, default=8766)
    args = parser.parse_args()
    schemathesis = Path(sys.executable).with_name("schemathesis")
    with running_service(port=args.port) as service:
        command = [
            str(schemathesis),
            "run",
            f"{service.base_url}/openapi.json",
            "--checks",
            CHECKS,
            "--max-examples",
            str(args.examples),
            "--mode",
            "all",
            "--phases",
            "examples,coverage,fuzzing",
            "--workers",
            "2",
            "--seed",
            "1",
            "-H",
            f"Authorization: {service.headers['Authorization']}",
        ]
        hooks = {"SCHEMATHESIS_HOOKS": "fuzz_checks", "PYTHONPATH": str(Path(__file__).parent)}
        completed = subprocess.run(command, env=os.environ | hooks)
    sys.exit(completed.returncode)


if __name__ == "__main__":
    main()
