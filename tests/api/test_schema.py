"""The OpenAPI schema is valid and complete, and its docs page is served by the app itself."""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient


def test_the_schema_validates_without_a_warning(db, tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))
    assert "/api/brands/{brand_slug}/posts/{id}/approve/" in (tmp_path / "schema.yaml").read_text()


def test_the_schema_is_public_and_names_the_token_scheme(db):
    response = APIClient().get("/api/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["components"]["securitySchemes"]["personalToken"] == {
        "type": "http",
        "scheme": "bearer",
        "description": schema["components"]["securitySchemes"]["personalToken"]["description"],
    }
    conflict = schema["paths"]["/api/brands/{brand_slug}/posts/{id}/"]["patch"]["responses"]["409"]
    assert conflict["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}


@pytest.mark.parametrize("path", ["/api/docs/"])
def test_the_docs_page_loads_its_assets_from_this_site_only(client, db, path):
    page = client.get(path).content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert any("drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in a for a in assets)
    assert not [a for a in assets if a.startswith(("http:", "https:", "//"))]


def test_the_sidecar_assets_are_found_by_staticfiles(db):
    out = StringIO()
    call_command("findstatic", "drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js", stdout=out)
    assert "swagger-ui-bundle.js" in out.getvalue()
