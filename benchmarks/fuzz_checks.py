"""Schemathesis hooks for benchmarks/fuzz_api.py: a check that every 4xx explains itself."""

import schemathesis


@schemathesis.check
def client_errors_are_explained(ctx, response, case) -> None:
    if 400 <= response.status_code < 500 and case.path != "/metrics":
        detail = response.json().get("detail")
        if not (isinstance(detail, str) and len(detail) > 10):
            raise AssertionError(f"{response.status_code} without a clear `detail`: {detail!r}")
