#!/usr/bin/env python3
"""Checks a running kepagent API against doc/openapi.yaml, both ways.

Every route the server has (agent/api_routes.c) must be documented and
every documented operation served. Each operation is called with real data
from the store (an account, claimed items, status keys, a package) and
provoked into each of its documented responses: no token (401), another
method (405, whose Allow must list the path's methods), a declared body
over the limit (413), unknown ids (404), bad parameters, unknown fields and
bad JSON (400), a wrong lease (409), If-None-Match (304), Range (206, 416)
and HEAD on downloads, content that is gone (503). Every captured response
must have a documented status, content type and headers, and its body must
match the documented schema strictly: types, formats (RFC 3339 times),
required and nullable fields, enums, bounds, no undocumented field, and the
error code among those documented for that status. A documented response
that no request provoked fails too, unless ELSEWHERE names the test that
provokes it (that test checks its body with --body).

Usage: api-openapi.py OPENAPI.yaml ROUTES.c BASE-URL TOKEN FIXTURES.json
       api-openapi.py --body OPENAPI.yaml METHOD PATH STATUS FILE
       api-openapi.py --schema OPENAPI.yaml NAME FILE   (FILE: one object, or a list)"""
import http.client, json, re, sys, urllib.parse
import yaml

# Documented responses provoked by another test (which checks the body with --body).
ELSEWHERE = {
    ("get", "/healthz", "503"): "tests/api-healthz.sh (a full disk)",
    ("post", "/v1/outbox", "200"): "tests/send-api.sh (a repeat)",
    ("post", "/v1/outbox", "409"): "tests/send-api.sh (a key reused)",
    ("post", "/v1/outbox", "415"): "tests/send-api.sh (neither multipart nor JSON)",
}
RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")
bad = []


def load_spec(path):
    return yaml.safe_load(open(path, encoding="utf-8"))


def resolve(spec, s):
    while isinstance(s, dict) and "$ref" in s:
        node = spec
        for part in s["$ref"].lstrip("#/").split("/"):
            node = node[part]
        s = node
    return s


def flatten(spec, s):
    """The schemas a value must meet at once (allOf unrolled)."""
    s = resolve(spec, s)
    if "allOf" in s:
        out = []
        for sub in s["allOf"]:
            out += flatten(spec, sub)
        return out + [dict((k, v) for k, v in s.items() if k != "allOf")]
    return [s]


def check(spec, schema, v, where):
    parts = flatten(spec, schema)
    if v is None:
        if not any(p.get("nullable") for p in parts) and any(p.get("type") for p in parts):
            bad.append("%s: null but not nullable" % where)
        return
    props, required, free = {}, set(), False
    is_object = False
    for s in parts:
        t = s.get("type")
        ok = {"object": lambda x: isinstance(x, dict), "array": lambda x: isinstance(x, list),
              "string": lambda x: isinstance(x, str), "boolean": lambda x: isinstance(x, bool),
              "integer": lambda x: isinstance(x, int) and not isinstance(x, bool),
              "number": lambda x: isinstance(x, (int, float)) and not isinstance(x, bool),
              None: lambda x: True}[t]
        if not ok(v):
            bad.append("%s: %r is not of type %s" % (where, v, t))
            return
        if "enum" in s and v not in s["enum"]:
            bad.append("%s: %r not in %s" % (where, v, s["enum"]))
        if isinstance(v, str):
            if s.get("format") == "date-time" and not RFC3339.match(v):
                bad.append("%s: %r is not an RFC 3339 time" % (where, v))
            if "pattern" in s and not re.search(s["pattern"], v):
                bad.append("%s: %r does not match %s" % (where, v, s["pattern"]))
            if "maxLength" in s and len(v) > s["maxLength"]:
                bad.append("%s: longer than %d" % (where, s["maxLength"]))
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            if "minimum" in s and v < s["minimum"]:
                bad.append("%s: %r below the minimum %r" % (where, v, s["minimum"]))
            if "maximum" in s and v > s["maximum"]:
                bad.append("%s: %r above the maximum %r" % (where, v, s["maximum"]))
        if isinstance(v, list):
            if "maxItems" in s and len(v) > s["maxItems"]:
                bad.append("%s: more than %d items" % (where, s["maxItems"]))
            for i, x in enumerate(v):
                if "items" in s:
                    check(spec, s["items"], x, "%s[%d]" % (where, i))
        if isinstance(v, dict) and (t == "object" or "properties" in s):
            is_object = True
            for k, sub in s.get("properties", {}).items():
                props.setdefault(k, []).append(sub)
            required |= set(s.get("required", []))
            free |= bool(s.get("additionalProperties"))
    if is_object:
        for r in sorted(required - set(v)):
            bad.append("%s: required field '%s' missing" % (where, r))
        for k, x in v.items():
            if k not in props:
                if not free:
                    bad.append("%s: field '%s' is not documented" % (where, k))
                continue
            for sub in props[k]:
                check(spec, sub, x, "%s.%s" % (where, k))


class Resp:
    def __init__(self, status, headers, data):
        self.status, self.headers, self.data = status, headers, data

    def h(self, name):
        return self.headers.get(name.lower())


def verify(spec, method, tmpl, status, headers, data, what):
    """One captured response against the documented operation."""
    where = "%s %s (%s)" % (method.upper(), tmpl, what)
    op = spec["paths"].get(tmpl, {}).get(method)
    if op is None:
        bad.append("%s: not documented" % where)
        return
    resp = op["responses"].get(str(status))
    if resp is None:
        bad.append("%s: HTTP %d is not documented (%r)" % (where, status, data[:200]))
        return
    resp = resolve(spec, resp)
    for name, hd in resp.get("headers", {}).items():
        hd = resolve(spec, hd)
        if hd.get("required") and name.lower() not in headers:
            bad.append("%s: HTTP %d without the documented %s header" % (where, status, name))
    content = resp.get("content")
    ctype = headers.get("content-type", "")
    if not content:
        if data:
            bad.append("%s: HTTP %d has a body, none is documented" % (where, status))
        return
    mt = ctype.split(";")[0].strip()
    if mt not in content and "*/*" in content and mt:
        mt = "*/*"
    if mt not in content:
        bad.append("%s: content type %r, documented %s" % (where, ctype, list(content)))
        return
    schema = content[mt].get("schema", {})
    if method == "head":
        if data:
            bad.append("%s: HEAD answered with a body" % where)
    elif mt == "application/json":
        try:
            body = json.loads(data)
        except ValueError:
            bad.append("%s: body is not JSON" % where)
            return
        check(spec, schema, body, where)
    elif resolve(spec, schema).get("format") == "binary" and not data and status in (200, 206):
        bad.append("%s: empty body" % where)


def body_mode(argv):
    spec_path, method, tmpl, status, path = argv
    spec = load_spec(spec_path)
    data = open(path, "rb").read()
    verify(spec, method.lower(), tmpl, int(status), {"content-type": "application/json"},
           data, "captured by the caller")
    if bad:
        print("\n".join(bad))
        sys.exit(1)


def schema_mode(argv):
    spec_path, name, path = argv
    spec = load_spec(spec_path)
    v = json.load(open(path, encoding="utf-8"))
    for i, x in enumerate(v if isinstance(v, list) else [v]):
        check(spec, {"$ref": "#/components/schemas/" + name}, x, "%s[%d]" % (name, i))
    if bad:
        print("\n".join(bad))
        sys.exit(1)


def main(argv):
    spec_path, routes_path, base, token, fix_path = argv
    spec = load_spec(spec_path)
    fx = json.load(open(fix_path))
    url = urllib.parse.urlsplit(base)
    observed = set()

    def call(method, path, query=None, body=None, headers=None, auth=True, raw=None,
             length=None):
        target = path + ("?" + urllib.parse.urlencode(query) if query else "")
        conn = http.client.HTTPConnection(url.hostname, url.port, timeout=60)
        conn.putrequest(method.upper(), target, skip_accept_encoding=True)
        hdrs = dict(headers or {})
        if auth:
            hdrs["Authorization"] = "Bearer " + token
        payload = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
        if payload is not None:
            hdrs["Content-Type"] = "application/json"
        if length is not None:
            hdrs["Content-Length"] = str(length)
        elif payload is not None:
            hdrs["Content-Length"] = str(len(payload))
        for k, v in hdrs.items():
            conn.putheader(k, v)
        conn.endheaders()
        if payload is not None and length is None:
            conn.send(payload)
        r = conn.getresponse()
        data = r.read()
        heads = {k.lower(): v for k, v in r.getheaders()}
        conn.close()
        return Resp(r.status, heads, data)

    def capture(method, tmpl, what, r, want=None):
        observed.add((method, tmpl, str(r.status)))
        if want is not None and r.status != want:
            bad.append("%s %s (%s): HTTP %d, expected %d: %r" % (method.upper(), tmpl, what,
                                                             r.status, want, r.data[:300]))
        verify(spec, method, tmpl, r.status, r.headers, r.data, what)
        return r

    # Served routes and documented operations, both ways.
    served = set()
    for m, p in re.findall(r'\{\s*"([A-Z]+)",\s*"(/[^"]*)"', open(routes_path).read()):
        served.add((m.lower(), p))
        if m == "GET":
            served.add(("head", p))
    documented = set()
    for tmpl, item in spec["paths"].items():
        for method in item:
            if method != "parameters":
                documented.add((method, tmpl))
    for key in sorted(served - documented):
        if key[0] != "head":
            bad.append("%s %s: served but not documented" % (key[0].upper(), key[1]))
    for key in sorted(documented - served):
        bad.append("%s %s: documented but not served" % (key[0].upper(), key[1]))

    c = fx["claimed"]
    lease_h = lambda i: {"Kep-Lease": c[i]["lease"]}
    # How to call each operation successfully: path parameters, query,
    # body and headers, from the fixtures the shell test prepared.
    happy = {
        ("get", "/healthz"): ({}, None, None, None),
        ("get", "/metrics"): ({}, None, None, None),
        ("get", "/v1/accounts"): ({}, None, None, None),
        ("get", "/v1/accounts/{name}/refresh"): ({"name": fx["account"]}, None, None, None),
        ("post", "/v1/accounts/{name}/refresh"): ({"name": fx["account"]}, None, None, None),
        ("get", "/v1/queue"): ({}, {"state": "pending", "limit": 5}, None, None),
        ("post", "/v1/queue/claim"): ({}, None, {"count": 1}, None),
        ("get", "/v1/queue/{id}"): ({"id": c[0]["id"]}, None, None, lease_h(0)),
        ("get", "/v1/queue/{id}/original"): ({"id": c[0]["id"]}, None, None, lease_h(0)),
        ("get", "/v1/queue/{id}/package"): ({"id": c[0]["id"]}, None, None, lease_h(0)),
        ("get", "/v1/queue/{id}/attachments/{n}"): ({"id": c[0]["id"], "n": fx["attachment"]}, None, None, lease_h(0)),
        ("get", "/v1/queue/{id}/eyp"): ({"id": c[0]["id"]}, None, None, lease_h(0)),
        ("post", "/v1/queue/{id}/lease"): ({"id": c[0]["id"]}, None, {"lease": c[0]["lease"], "lease_seconds": 600}, None),
        ("post", "/v1/queue/{id}/ack"): ({"id": c[1]["id"]}, None, {"lease": c[1]["lease"]}, None),
        ("post", "/v1/queue/{id}/reject"): ({"id": c[2]["id"]}, None, {"lease": c[2]["lease"], "reason": "test"}, None),
        ("get", "/v1/status/{key}"): ({"key": fx["status_key"]}, None, None, None),
        ("post", "/v1/status"): ({}, None, {"keys": [fx["status_key"], "unknown"]}, None),
        ("get", "/v1/evidence"): ({}, {"from": "2020-01-01", "stage": 10, "limit": 10}, None, None),
        ("get", "/v1/packages"): ({}, {"folder": "OUTBOX"}, None, None),
        ("get", "/v1/packages/{id}/bundle"): ({"id": fx["package"]}, None, None, None),
        ("post", "/v1/outbox"): ({}, None, {"to": ["birim@hs02.kep.tr"], "subject": "openapi",
                                            "ileti_id": "OPENAPI-2"}, None),
        ("get", "/v1/outbox"): ({}, {"state": "needs-signature", "limit": 10}, None, None),
        ("get", "/v1/outbox/{id}"): ({"id": fx["outbox"]}, None, None, None),
        ("post", "/v1/outbox/{id}/resubmit"): ({"id": fx["parked"][0]}, None, None, None),
        ("post", "/v1/outbox/{id}/abandon"): ({"id": fx["parked"][1]}, None, {"reason": "openapi"}, None),
    }
    for key in sorted(documented):
        if key[0] == "head" and ("get", key[1]) in happy:
            happy[key] = happy[("get", key[1])]
    for key in sorted(documented):
        if key not in happy:
            bad.append("%s %s: documented but this test does not know how to call it" % (key[0].upper(), key[1]))

    def fill(tmpl, params, over=None):
        path = tmpl
        for k, v in dict(params, **(over or {})).items():
            path = path.replace("{%s}" % k, urllib.parse.quote(str(v), safe=""))
        return path

    # Requests that must fail with 400, per operation: (what, params, query, body, raw).
    bad_requests = {
        ("get", "/v1/queue"): [("limit=0", {}, {"limit": 0}, None, None),
                               ("unknown state", {}, {"state": "lost"}, None, None)],
        ("post", "/v1/queue/claim"): [("count=0", {}, None, {"count": 0}, None),
                                      ("lease_seconds below the minimum", {}, None, {"lease_seconds": 1}, None),
                                      ("an unknown field", {}, None, {"count": 1, "cuont": 2}, None),
                                      ("not JSON", {}, None, None, b"{count")],
        ("post", "/v1/queue/{id}/lease"): [("no lease", {}, None, {"lease_seconds": 600}, None),
                                           ("lease_seconds above the maximum", {}, None, {"lease": c[0]["lease"], "lease_seconds": 10 ** 9}, None)],
        ("post", "/v1/queue/{id}/ack"): [("an unknown field", {}, None, {"lease": c[1]["lease"], "note": "x"}, None)],
        ("post", "/v1/queue/{id}/reject"): [("no lease", {}, None, {"reason": "x"}, None)],
        ("post", "/v1/status"): [("keys not an array", {}, None, {"keys": "k"}, None),
                                 ("more than 1000 keys", {}, None, {"keys": ["k"] * 1001}, None)],
        ("get", "/v1/evidence"): [("limit=0", {}, {"limit": 0}, None, None),
                                  ("from not a time", {}, {"from": "yesterday"}, None, None)],
        ("post", "/v1/outbox"): [("to not a KEP address", {}, None, {"to": ["x@example.com"], "subject": "s", "ileti_id": "B-1"}, None),
                                 ("no ileti_id and no Idempotency-Key", {}, None, {"to": ["birim@hs02.kep.tr"], "subject": "s"}, None),
                                 ("not JSON", {}, None, None, b"{to")],
        ("get", "/v1/outbox"): [("unknown state", {}, {"state": "lost"}, None, None),
                                ("limit=0", {}, {"limit": 0}, None, None)],
        ("post", "/v1/outbox/{id}/resubmit"): [("an unknown field", {}, None, {"reason": "x"}, None),
                                               ("not an object", {}, None, None, b"[]")],
        ("post", "/v1/outbox/{id}/abandon"): [("reason not a string", {}, None, {"reason": 5}, None),
                                              ("an empty reason", {}, None, {"reason": ""}, None)],
        ("get", "/v1/packages"): [("limit=1001", {}, {"limit": 1001}, None, None),
                                  ("to not a time", {}, {"to": "2020-13-45"}, None, None)],
    }
    for tmpl in spec["paths"]:
        if "{id}" in tmpl:
            for m in spec["paths"][tmpl]:
                if m in ("get", "post"):
                    bad_requests.setdefault((m, tmpl), []).append(
                        ("id 2^63", {"id": "9223372036854775808"}, None, None, None))
    bad_requests[("get", "/v1/queue/{id}/attachments/{n}")].append(
        ("index not a number", {"n": "x"}, None, None, None))
    for key in list(bad_requests):
        if key[0] == "get" and ("head", key[1]) in documented:
            bad_requests[("head", key[1])] = bad_requests[key]

    gets_done = {}
    # The accounts' refresh after the rest (kepsim is stopped: it never
    # ends), and a resubmission, which starts one, after that.
    for key in sorted(happy, key=lambda k: (k[1].startswith("/v1/accounts") + 2 * k[1].endswith("/resubmit"),
                                            k[1], k[0] == "head", k)):
        method, tmpl = key
        params, query, body, headers = happy[key]
        path = fill(tmpl, params)
        op = spec["paths"].get(tmpl, {}).get(method)
        r = capture(method, tmpl, "valid request", call(method, path, query, body, headers))
        if r.status >= 300:
            bad.append("%s %s: HTTP %d on a valid request: %r" % (method.upper(), tmpl, r.status, r.data[:300]))
        gets_done[key] = r
        if method == "head":
            full = gets_done[("get", tmpl)]
            for h in ("etag", "content-type", "content-length", "content-disposition"):
                if r.h(h) != full.h(h):
                    bad.append("HEAD %s: %s %r, GET says %r" % (tmpl, h, r.h(h), full.h(h)))
        if op is None:
            continue
        public = op.get("security") == []
        # No token.
        r = call(method, path, query, body, headers, auth=False)
        if public:
            if r.status == 401:
                bad.append("%s %s: public but asks for a token" % (method.upper(), tmpl))
        else:
            capture(method, tmpl, "no token", r, 401)
            if "bearer" not in (r.h("WWW-Authenticate") or "").lower():
                bad.append("%s %s: 401 without WWW-Authenticate: Bearer" % (method.upper(), tmpl))
        # Another method: 405 and the path's methods in Allow.
        if method != "head":
            r = capture(method, tmpl, "DELETE", call("delete", path, query, None, headers), 405)
            want = set(m.upper() for m in spec["paths"][tmpl] if m != "parameters")
            if "GET" in want:
                want.add("HEAD")
            got = set(x.strip() for x in (r.h("Allow") or "").split(",") if x.strip())
            if got != want:
                bad.append("%s %s: 405 Allow %s, the path documents %s" % (method.upper(), tmpl, sorted(got), sorted(want)))
        # A declared body over the limit is refused from the headers alone.
        capture(method, tmpl, "Content-Length over the limit",
                call(method, path, query, None, headers, length=1 << 40), 413)
        # Unknown ids.
        if "404" in op["responses"] and params:
            over = {k: ("999999" if k in ("id", "n") else "no-such-" + k) for k in params}
            capture(method, tmpl, "unknown %s" % "/".join(params),
                    call(method, fill(tmpl, params, over), query, body, headers), 404)
        # Bad input.
        for what, over, q, b, raw in bad_requests.get(key, []):
            r = call(method, fill(tmpl, params, over), q if q is not None else query,
                     b if b is not None or raw is not None else body, headers, raw=raw)
            capture(method, tmpl, what, r, 400)
        # A wrong lease, in the header or the body, on an item claimed by another.
        if "409" in op["responses"] and "/v1/queue/{id}" in tmpl:
            wp = dict(params, id=c[3]["id"])
            wh = {"Kep-Lease": "0" * 32} if headers else None
            wb = dict(body, lease="0" * 32) if body else None
            capture(method, tmpl, "wrong lease", call(method, fill(tmpl, wp), query, wb, wh), 409)
        # A decision on an item that is not parked (it waits for the officer).
        if "409" in op["responses"] and tmpl.startswith("/v1/outbox/{id}/"):
            r = capture(method, tmpl, "not parked", call(method, fill(tmpl, params, {"id": fx["outbox"]}), query, body, headers), 409)
            if json.loads(r.data or b"{}").get("error") != "not_parked":
                bad.append("%s %s: a needs-signature item is not not_parked: %r" % (method.upper(), tmpl, r.data[:200]))
        # A lease deprecated in the query string still works and says so.
        if headers and "Kep-Lease" in headers:
            r = call(method, path, {"lease": headers["Kep-Lease"]}, body, None)
            capture(method, tmpl, "?lease= (deprecated)", r, 200)
            if (r.h("Deprecation") or "") != "true":
                bad.append("%s %s: ?lease= answered without Deprecation: true" % (method.upper(), tmpl))
        # Downloads: HEAD, ETag/304, Range/206/416, content gone/503.
        if method == "get" and ("head", tmpl) in documented:
            full = gets_done[key]
            etag = full.h("ETag")
            if not etag:
                bad.append("%s %s: download without ETag" % (method.upper(), tmpl))
                continue
            capture(method, tmpl, "If-None-Match", call(method, path, query, None,
                                                        dict(headers or {}, **{"If-None-Match": etag})), 304)
            r = capture(method, tmpl, "Range", call(method, path, query, None,
                                                    dict(headers or {}, Range="bytes=0-9")), 206)
            if r.data != full.data[:10] or r.h("Content-Range") != "bytes 0-9/%d" % len(full.data):
                bad.append("%s %s: Range 0-9 gave %r, %r" % (method.upper(), tmpl, r.data, r.h("Content-Range")))
            capture(method, tmpl, "Range past the end", call(method, path, query, None, dict(
                headers or {}, Range="bytes=%d-" % (len(full.data) + 10))), 416)
        # Content that is gone (its archive lost) is a 503, never an empty 200.
        if "503" in op["responses"] and "id" in params:
            gp = dict(params, id=fx["gone"]["id"])
            if "n" in params:
                gp["n"] = fx["gone"]["attachment"]
            gh = {"Kep-Lease": fx["gone"]["lease"]} if headers else None
            r = capture(method, tmpl, "content gone", call(method, fill(tmpl, gp), query, None, gh), 503)
            if json.loads(r.data or b"{}").get("error") != "content_unavailable":
                bad.append("%s %s: gone content is not content_unavailable: %r" % (method.upper(), tmpl, r.data[:200]))
        # A refresh already running is a conflict (kepsim is stopped, so the
        # first one cannot have finished).
        if key == ("post", "/v1/accounts/{name}/refresh"):
            if not (gets_done[key].h("Location") or "").endswith("/v1/accounts/%s/refresh" % fx["account"]):
                bad.append("POST %s: 202 without the refresh's Location" % tmpl)
            capture(method, tmpl, "refresh already running", call(method, path), 409)

    for key in sorted(documented):
        method, tmpl = key
        for st in spec["paths"][tmpl][method]["responses"]:
            if (method, tmpl, st) not in observed and (method, tmpl, st) not in ELSEWHERE:
                bad.append("%s %s: documented HTTP %s was never provoked" % (method.upper(), tmpl, st))
    if bad:
        print("\n".join(bad))
        sys.exit(1)
    print("openapi ok: %d operations, %d documented responses provoked"
          % (len(documented), len(observed)))


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--body":
        body_mode(sys.argv[2:])
    elif len(sys.argv) > 1 and sys.argv[1] == "--schema":
        schema_mode(sys.argv[2:])
    else:
        main(sys.argv[1:])
