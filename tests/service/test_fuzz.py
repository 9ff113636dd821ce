"""The API fuzzed from its own OpenAPI schema (schemathesis): no 5xx, every 4xx says what is wrong, and every
answer is the body the schema documents for its status (response-conformance).

A short run per operation keeps the suite quick; `benchmarks/fuzz_api.py` runs 1,000 cases per operation.
"""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode

from service.main import create_app


@pytest.fixture(scope="module")
def fuzz_target(served_settings, tmp_path_factory, issue_keys, live_server):
    database = tmp_path_factory.mktemp("fuzz") / "fuzz.db"
    app_settings = served_settings.model_copy(update={"database_url": f"sqlite:///{database}", "model_poll_seconds": 0})
    headers = issue_keys(app_settings)["admin"]
    with live_server(create_app(app_settings)) as base:
        yield base, headers


EXAMPLES_PER_OPERATION = 15


def assert_clear_client_error(response) -> None:
    if 400 <= response.status_code < 500:
        detail = response.json().get("detail")
        assert isinstance(detail, str) and len(detail) > 10, (
            f"{response.status_code} without a clear detail: {detail!r}"
        )


def test_no_server_errors_and_every_client_error_is_explained(fuzz_target):
    base, headers = fuzz_target
    schema = schemathesis.openapi.from_url(f"{base}/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 12
    calls: dict[str, int] = {}
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            _fuzz(operation, mode, headers, calls)
    assert len(calls) == len(operations)


def _fuzz(operation, mode: GenerationMode, headers: dict[str, str], calls: dict[str, int]) -> None:
    label = f"{operation.method.upper()} {operation.path}"

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=EXAMPLES_PER_OPERATION, deadline=None, suppress_health_check=list(HealthCheck), database=None
    )
    def fuzz(case) -> None:
        response = case.call(headers=headers)
        calls[label] = calls.get(label, 0) + 1
        assert response.status_code < 500, f"{label}: {response.status_code} {response.text[:300]}"
        if operation.path != "/metrics":
            assert_clear_client_error(response)
        operation.validate_response(response)

    try:
        fuzz()
    except Unsatisfiable:
        if mode is GenerationMode.POSITIVE:
            raise  # an operation without inputs has nothing to get wrong: only negative cases may not exist
