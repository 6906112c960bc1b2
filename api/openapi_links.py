"""OpenAPI links between the operations that make a resource and those that use it, so that a client generator or
schemathesis's stateful phase can follow real ids: a new survey is read, answered and deleted; a new upload is
read; a stored answer is read, corrected and erased (issue 15)."""

from __future__ import annotations

from typing import Any

# (method, path of the producer, status) → [(link name, method, path of the consumer, {parameter: expression})]
LINKS: dict[tuple[str, str, str], list[tuple[str, str, str, dict[str, str]]]] = {
    ("post", "/api/surveys", "201"): [
        ("ReadSurvey", "get", "/api/surveys/{survey_id}", {"survey_id": "$response.body#/id"}),
        ("AnswerSurvey", "post", "/api/surveys/{survey_id}/responses", {"survey_id": "$response.body#/id"}),
        ("DeleteSurvey", "delete", "/api/surveys/{survey_id}", {"survey_id": "$response.body#/id"}),
    ],
    ("post", "/api/surveys/{survey_id}/responses", "201"): [
        ("ReadLabels", "get", "/api/responses/{response_id}/labels", {"response_id": "$response.body#/id"}),
        ("CorrectLabels", "post", "/api/review/{response_id}", {"response_id": "$response.body#/id"}),
        ("ReadContact", "get", "/api/responses/{response_id}/contact", {"response_id": "$response.body#/id"}),
        ("EraseResponse", "delete", "/api/responses/{response_id}", {"response_id": "$response.body#/id"}),
    ],
    ("post", "/api/uploads", "201"): [
        ("ReadUpload", "get", "/api/uploads/{upload_id}", {"upload_id": "$response.body#/upload_id"}),
        ("ReadUploadSurvey", "get", "/api/surveys/{survey_id}", {"survey_id": "$response.body#/survey_id"}),
    ],
    ("post", "/api/referrals", "201"): [
        ("RemoveReferral", "delete", "/api/referrals/{referral_id}", {"referral_id": "$response.body#/id"}),
    ],
}


def add_links(doc: dict[str, Any]) -> dict[str, Any]:
    """The document with each producer's links, naming the consumer by its operationId."""
    paths = doc.get("paths", {})
    for (method, path, status), links in LINKS.items():
        response = paths.get(path, {}).get(method, {}).get("responses", {}).get(status)
        if response is None:
            raise KeyError(f"no {method.upper()} {path} {status} in the OpenAPI document")
        response["links"] = {
            name: {"operationId": paths[target][verb]["operationId"], "parameters": parameters}
            for name, verb, target, parameters in links
        }
    return doc
