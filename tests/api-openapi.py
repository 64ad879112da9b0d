#!/usr/bin/env python3
"""Checks a running kepagent API against doc/openapi.yaml.

Every documented path and method is called (with real data from the store:
an account, a claimed item, status keys, a package) and must answer with a
documented status whose body matches the documented schema: types, required
fields, nullability, enums, nested objects and arrays. Documented error
responses are provoked too (no token, unknown ids, wrong leases).
Usage: api-openapi.py OPENAPI.yaml BASE-URL TOKEN FIXTURES.json"""
import json, subprocess, sys, urllib.parse
import yaml

spec_path, base, token, fix_path = sys.argv[1:5]
spec = yaml.safe_load(open(spec_path))
fx = json.load(open(fix_path))
bad = []

def resolve(s):
    while isinstance(s, dict) and "$ref" in s:
        node = spec
        for part in s["$ref"].lstrip("#/").split("/"):
            node = node[part]
        s = node
    return s

def check(schema, v, where):
    s = resolve(schema)
    if "allOf" in s:
        for sub in s["allOf"]:
            check(sub, v, where)
        return
    if v is None:
        if not s.get("nullable"):
            bad.append("%s: null but not nullable" % where)
        return
    t = s.get("type")
    ok = {"object": lambda x: isinstance(x, dict), "array": lambda x: isinstance(x, list),
          "string": lambda x: isinstance(x, str), "boolean": lambda x: isinstance(x, bool),
          "integer": lambda x: isinstance(x, int) and not isinstance(x, bool),
          None: lambda x: True}[t]
    if not ok(v):
        bad.append("%s: %r is not of type %s" % (where, v, t)); return
    if "enum" in s and v not in s["enum"]:
        bad.append("%s: %r not in %s" % (where, v, s["enum"]))
    if t == "object" or "properties" in s:
        for r in s.get("required", []):
            if r not in v:
                bad.append("%s: required field '%s' missing" % (where, r))
        for k, sub in s.get("properties", {}).items():
            if k in v:
                check(sub, v[k], "%s.%s" % (where, k))
    if t == "array":
        for i, x in enumerate(v):
            check(s.get("items", {}), x, "%s[%d]" % (where, i))

def call(method, path, query=None, body=None, auth=True):
    url = base + path + ("?" + urllib.parse.urlencode(query) if query else "")
    cmd = ["curl", "-s", "-D", "-", "-X", method]
    if auth:
        cmd += ["-H", "Authorization: Bearer " + token]
    if body is not None:
        cmd += ["-H", "Content-Type: application/json", "--data-binary", json.dumps(body)]
    out = subprocess.run(cmd + [url], capture_output=True, check=True).stdout
    head, _, data = out.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    ctype = next((l.split(":", 1)[1].strip() for l in lines if l.lower().startswith("content-type:")), "")
    return status, ctype, data

def verify(method, tmpl, op, status, ctype, data, what):
    where = "%s %s (%s)" % (method, tmpl, what)
    resp = op["responses"].get(str(status))
    if resp is None:
        bad.append("%s: HTTP %d is not documented (%s)" % (where, status, data[:200])); return
    resp = resolve(resp)
    content = resp.get("content", {})
    mt = ctype.split(";")[0].strip()
    if mt not in content and "*/*" in content:
        mt = "*/*"
    if mt not in content:
        bad.append("%s: content type %r, documented %s" % (where, ctype, list(content))); return
    schema = content[mt].get("schema", {})
    if mt == "application/json":
        try:
            check(schema, json.loads(data), where)
        except ValueError:
            bad.append("%s: body is not JSON" % where)
    elif not data and status == 200 and "binary" == resolve(schema).get("format"):
        bad.append("%s: empty body" % where)

# How to call each documented operation successfully: path parameters,
# query and body, from the fixtures the shell test prepared.
c = fx["claimed"]
happy = {
    ("get", "/healthz"): ({}, None, None),
    ("get", "/metrics"): ({}, None, None),
    ("get", "/v1/accounts"): ({}, None, None),
    ("get", "/v1/accounts/{name}/refresh"): ({"name": fx["account"]}, None, None),
    ("post", "/v1/accounts/{name}/refresh"): ({"name": fx["account"]}, None, None),
    ("get", "/v1/queue"): ({}, {"state": "pending", "limit": 5}, None),
    ("post", "/v1/queue/claim"): ({}, None, {"count": 1}),
    ("get", "/v1/queue/{id}"): ({"id": c[0]["id"]}, {"lease": c[0]["lease"]}, None),
    ("get", "/v1/queue/{id}/original"): ({"id": c[0]["id"]}, {"lease": c[0]["lease"]}, None),
    ("get", "/v1/queue/{id}/package"): ({"id": c[0]["id"]}, {"lease": c[0]["lease"]}, None),
    ("get", "/v1/queue/{id}/attachments/{n}"): ({"id": c[0]["id"], "n": fx["attachment"]}, {"lease": c[0]["lease"]}, None),
    ("get", "/v1/queue/{id}/eyp"): ({"id": c[0]["id"]}, {"lease": c[0]["lease"]}, None),
    ("post", "/v1/queue/{id}/ack"): ({"id": c[1]["id"]}, None, {"lease": c[1]["lease"]}),
    ("post", "/v1/queue/{id}/reject"): ({"id": c[2]["id"]}, None, {"lease": c[2]["lease"], "reason": "test"}),
    ("get", "/v1/status/{key}"): ({"key": fx["status_key"]}, None, None),
    ("post", "/v1/status"): ({}, None, {"keys": [fx["status_key"], "unknown"]}),
    ("get", "/v1/evidence"): ({}, {"from": "2020-01-01", "stage": 10, "limit": 10}, None),
    ("get", "/v1/packages"): ({}, {"folder": "OUTBOX"}, None),
    ("get", "/v1/packages/{id}/bundle"): ({"id": fx["package"]}, None, None),
}
seen = set()
for tmpl, item in spec["paths"].items():
    for method, op in item.items():
        if method == "parameters":
            continue
        key = (method, tmpl)
        seen.add(key)
        if key not in happy:
            bad.append("%s %s: documented but this test does not know how to call it" % key); continue
        params, query, body = happy[key]
        path = tmpl
        for k, v in params.items():
            path = path.replace("{%s}" % k, urllib.parse.quote(str(v), safe=""))
        status, ctype, data = call(method.upper(), path, query, body)
        if status >= 300:
            bad.append("%s %s: HTTP %d on a valid request: %s" % (method.upper(), tmpl, status, data[:300]))
        verify(method.upper(), tmpl, op, status, ctype, data, "valid request")
        public = op.get("security") == []
        st, ct, d = call(method.upper(), path, query, body, auth=False)
        if public and st == 401:
            bad.append("%s %s: public but asks for a token" % (method.upper(), tmpl))
        if not public:
            if st != 401:
                bad.append("%s %s: HTTP %d without a token" % (method.upper(), tmpl, st))
            elif "401" in op["responses"]:
                verify(method.upper(), tmpl, op, st, ct, d, "no token")
        if "404" in op["responses"] and params and key != ("post", "/v1/accounts/{name}/refresh"):
            p404 = tmpl
            for k in params:
                p404 = p404.replace("{%s}" % k, "999999" if k in ("id", "n") else "no-such-" + k)
            st, ct, d = call(method.upper(), p404, query, body)
            if st != 404:
                bad.append("%s %s: HTTP %d for an unknown %s" % (method.upper(), tmpl, st, list(params)))
            verify(method.upper(), tmpl, op, st, ct, d, "unknown id")
        if "409" in op["responses"] and "/v1/queue/{id}" in tmpl:
            wrong = dict(query or {}); wb = dict(body or {})
            if "lease" in wrong: wrong["lease"] = "0" * 32
            if "lease" in wb: wb["lease"] = "0" * 32
            pth = tmpl
            for k, v in params.items():
                pth = pth.replace("{%s}" % k, str(c[3]["id"] if k == "id" else v))
            st, ct, d = call(method.upper(), pth, wrong or None, wb or None)
            if st != 409:
                bad.append("%s %s: HTTP %d with a wrong lease" % (method.upper(), tmpl, st))
            verify(method.upper(), tmpl, op, st, ct, d, "wrong lease")
for key in happy:
    if key not in seen:
        bad.append("%s %s: served but not documented" % key)
if bad:
    print("\n".join(bad)); sys.exit(1)
print("openapi ok: %d operations" % len(seen))
