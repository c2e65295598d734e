"""Schemathesis hooks for test/integration/schemathesis.test.ts.

Each request carries the credential its operation declares in /openapi.json (`security`, alternatives in the order
the server prefers them):

- `adminKey` and `experienceKey`: the keys of the service under test (ROUTING_ADMIN_KEY, ROUTING_EXPERIENCE_KEY);
- `repToken`: a token for the rep the request acts for (the `repId` in the body, or the `{id}` of a
  /v1/users or /v1/reps path), minted with the admin key for each request, so that a rep deleted and created again
  by the stateful phase still gets a valid one. When that rep does not exist, the next alternative is used; for an
  operation only a rep may call, the admin key then stands in and is refused with 403, as documented.

Webhook endpoints it registers point at the test's receiver (`before_call`), and the `state_dependent_refusal` check
holds the 400s that schemathesis.toml lets through to what they must be.
"""

import json
import os
import urllib.error
import urllib.parse
import urllib.request

import schemathesis

BASE_URL = os.environ["ROUTING_BASE_URL"]
KEYS = {"adminKey": os.environ["ROUTING_ADMIN_KEY"], "experienceKey": os.environ["ROUTING_EXPERIENCE_KEY"]}
# Webhook deliveries never leave the machine: the URL of an endpoint that will be registered points at the test's
# own receiver on loopback, which answers every delivery with 204 (the test service allows 127.0.0.1).
WEBHOOK_RECEIVER_URL = os.environ["ROUTING_WEBHOOK_RECEIVER_URL"]


def acting_rep(case):
    """The rep a request acts for, if it names one."""
    if isinstance(case.body, dict) and isinstance(case.body.get("repId"), str):
        return case.body["repId"]
    if case.operation.path.startswith(("/v1/users/{id}", "/v1/reps/{id}")):
        rep = (case.path_parameters or {}).get("id")
        return rep if isinstance(rep, str) else None
    return None


def mint_rep_token(rep):
    """A new token for `rep`, or None when there is no such rep (or the id is not one)."""
    request = urllib.request.Request(
        f"{BASE_URL}/v1/users/{urllib.parse.quote(rep, safe='')}/tokens",
        method="POST",
        headers={"Authorization": f"Bearer {KEYS['adminKey']}"},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.load(response)["token"]
    except urllib.error.HTTPError as error:
        if error.code in (400, 404):
            return None
        raise


# No caching by Schemathesis: the credential depends on the operation and on the rep each request names. Only /v1
# operations take credentials; /healthz, /metrics and /openapi.json are public.
@schemathesis.auth(refresh_interval=None).apply_to(path_regex="^/v1/")
class DeclaredCredential:
    def get(self, case, context):
        for alternative in context.operation.definition.raw.get("security", []):
            for scheme in alternative:
                if scheme in KEYS:
                    return KEYS[scheme]
                if scheme == "repToken":
                    rep = acting_rep(case)
                    token = rep and mint_rep_token(rep)
                    if token:
                        return token
        return KEYS["adminKey"]

    def set(self, case, data, context):
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}


# What the state-dependent 400 of each operation that has one looks like (see schemathesis.toml).
STATE_DEPENDENT_REFUSALS = {
    "putGroup": lambda error: error["code"] == "unknown_reference",
    "createRule": lambda error: error["code"] == "unknown_reference",
    "replaceRule": lambda error: error["code"] == "unknown_reference",
    "reorderRules": lambda error: error.get("details", {}).get("issues")
    == [{"field": "ids", "message": "must list every current rule id exactly once"}],
    "createDraftRule": lambda error: error["code"] == "unknown_reference",
    "replaceDraftRule": lambda error: error["code"] == "unknown_reference",
    "reorderDraftRules": lambda error: error.get("details", {}).get("issues")
    == [{"field": "ids", "message": "must list every current rule id exactly once"}],
    "connectionOAuthCallback": lambda error: error["code"] == "invalid_state",
}


@schemathesis.check
def state_dependent_refusal(ctx, response, case):
    """A schema-valid request refused with 400 was refused for what is stored, not for its shape."""
    refusal = STATE_DEPENDENT_REFUSALS.get(case.operation.definition.raw.get("operationId"))
    if refusal is None or response.status_code != 400 or case.meta is None:
        return None
    if not case.meta.generation.mode.is_positive:
        return None
    error = response.json()["error"]
    assert refusal(error), f"schema-valid request refused for its shape: {error}"
    return None


@schemathesis.check
def precondition_only_when_asked(ctx, response, case):
    """A 412 answers only a request that sent If-Match, and says precondition_failed."""
    if response.status_code != 412:
        return None
    sent = {name.lower() for name in (case.headers or {})}
    assert "if-match" in sent, "412 without an If-Match header"
    assert response.json()["error"]["code"] == "precondition_failed", response.text
    return None


@schemathesis.hook
def before_call(context, case, kwargs):
    """Points a webhook endpoint that will be registered at the test's receiver: deliveries make no DNS lookup."""
    if case.operation.definition.raw.get("operationId") not in ("createWebhook", "replaceWebhook"):
        return
    if case.meta is None or not case.meta.generation.mode.is_positive:
        return
    if isinstance(case.body, dict) and isinstance(case.body.get("url"), str):
        path = urllib.parse.urlsplit(case.body["url"]).path
        case.body["url"] = WEBHOOK_RECEIVER_URL + path[:1000]
