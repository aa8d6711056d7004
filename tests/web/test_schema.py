"""Schemathesis drives every operation of the OpenAPI spec, with valid and invalid inputs:
no server errors, and answers as described. Strings may hold NUL. Examples are bounded so the
run stays short; tests/web/test_fuzz.py adds lone surrogates, FTS syntax and huge values on
every route, the pages too.

Two checks are left out. `negative_data_rejection`: it counts requests that the Bearer
header added here makes valid again as "invalid". `allow_header_conformance`: Starlette
answers 405 with the Allow header of one route, not of every route sharing the path.
"""
from __future__ import annotations

import pytest
import schemathesis
from schemathesis import GenerationMode
from hypothesis import HealthCheck, settings

from tests.web.conftest import bearer


@pytest.fixture(scope="module")
def api_schema(site):
    schema = schemathesis.openapi.from_asgi("/openapi.json", site.app())
    schema.config.generation.update(allow_extra_parameters=False, allow_x00=True,
                                    modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
    return schema


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(max_examples=8, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_spec(case, site):
    case.call_and_validate(headers=bearer(site.analyst),
                           excluded_checks=[schemathesis.checks.negative_data_rejection,
                                            schemathesis.checks.allow_header_conformance])
