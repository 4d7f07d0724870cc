"""Property tests of the API from its own OpenAPI document (schemathesis), against a real
`docreview serve` in a subprocess: no generated request gets a 5xx, and every answer conforms
to the document (status codes, content type, response schema). Bounded for CI: at most
MAX_EXAMPLES per operation (9 operations)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

schemathesis = pytest.importorskip("schemathesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from schemathesis.specs.openapi.checks import positive_data_acceptance  # noqa: E402

from tests.serving import Server, start_server  # noqa: E402

MAX_EXAMPLES = 30
RUN: dict[str, int] = {"examples": 0}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    srv = start_server(tmp_path_factory.mktemp("schema") / "home")
    yield srv
    srv.stop()
    print(f"\nschemathesis: {RUN['examples']} generated requests, none answered 5xx")


def test_no_server_error_and_answers_match_the_document(server: Server):
    api = schemathesis.openapi.from_url(server.url + "/openapi.json")
    operations = [result.ok() for result in api.get_all_operations()]
    assert len(operations) >= 9
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck))
        def check(case) -> None:
            RUN["examples"] += 1
            # The claim's validators (code and modifier shapes, known codes, non-empty note) are
            # stricter than its JSON Schema, so a schema-valid request may be a 422: not a failure.
            response = case.call_and_validate(base_url=server.url, excluded_checks=[positive_data_acceptance])
            assert response.status_code < 500, (case.method, case.path, response.status_code, response.text[:300])
            assert str(response.headers.get("content-type")).find("application/json") >= 0, response.headers

        check()
    assert RUN["examples"] > 9
