"""What drf-spectacular cannot guess: the token scheme and the error answers every call shares."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension

ERROR_SCHEMA = {
    "type": "object",
    "properties": {
        "detail": {"type": "string", "description": "What went wrong, in the user's language."},
        "code": {"type": "string", "description": "A stable slug: invalid, not_found, stale_version, workflow, ..."},
        "errors": {
            "type": "object",
            "description": "On 400: the messages of each field at fault (non_field_errors for the rest).",
            "additionalProperties": {},
        },
    },
    "required": ["detail", "code"],
}
ERROR_STATUSES = {
    "400": "Invalid input: `errors` names the fields.",
    "401": "No valid token or session.",
    "403": "Your role in this brand does not allow this.",
    "404": "Not found, or not in a brand you belong to.",
    "409": "The post's state or version forbids this now.",
    "415": "The body is not of a type this operation takes (JSON; multipart for the media upload).",
    "429": "Too many requests: wait and retry (see Retry-After).",
}


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.BearerTokenAuthentication"
    name = "personalToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal access token from your profile page or `manage.py create_token`.",
        }


def add_error_responses(result, generator, request, public):
    """Postprocessing hook: one Error component, referenced by each operation's error answers."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    for path, path_item in result.get("paths", {}).items():
        for method, operation in path_item.items():
            responses = operation.setdefault("responses", {})
            for status in _error_statuses(path, method, operation):
                responses.setdefault(status, _error(ERROR_STATUSES[status]))
    return result


def _error_statuses(path: str, method: str, operation: dict) -> list[str]:
    statuses = ["400", "401", "429"]
    if "{brand_slug}" in path:
        statuses += ["403", "404"]
    elif any(parameter.get("name") == "page" for parameter in operation.get("parameters", [])):
        statuses.append("404")  # a page past the last one
    if method != "get":
        statuses.append("409")
    if "requestBody" in operation:
        statuses.append("415")
    return statuses


def _error(description: str) -> dict:
    schema = {"$ref": "#/components/schemas/Error"}
    return {"description": description, "content": {"application/json": {"schema": schema}}}
