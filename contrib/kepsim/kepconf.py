#!/usr/bin/env python3
"""contrib/kepsim/kepconf.py: the one writer of a kepagent configuration for
an account of a kepsim mailbox, used by contrib/demo.sh and the acceptance
tests (tests/kepsim-env.sh).

Writes DIR/secrets.yaml (mode 0600: the account's parola and sifre) and
DIR/kepagent.yaml: the store, the API's token file, the mailbox's trust
anchors and KEPHS certificates, and one PTT account at ENDPOINT. Each LINE
after the options is one more key of the account, as written (a nested
block is several lines, indented below its key).
"""
import argparse
import json
import os


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--dir", required=True, help="where the two files go")
    ap.add_argument("--account", required=True, help="the mailbox's account.json")
    ap.add_argument("--pki", required=True, help="the mailbox's pki/ directory")
    ap.add_argument("--endpoint", required=True, help="kepsim's SOAP URL")
    ap.add_argument("--name", default="acct", help="the account's name")
    ap.add_argument("--store", help="the store file (default DIR/store/kepagent.db)")
    ap.add_argument("--token-file", help="the API token file (default DIR/api-token)")
    ap.add_argument("--api-port", type=int, help="the API on 127.0.0.1:PORT")
    ap.add_argument("--revocation", default="offline")
    ap.add_argument("--ack-policy", default="on-import")
    ap.add_argument("--login", default="base")
    ap.add_argument("--comment", help="a first line '# COMMENT'")
    ap.add_argument("lines", nargs="*", metavar="LINE")
    o = ap.parse_args()

    a = json.load(open(o.account))
    old = os.umask(0o077)
    with open(os.path.join(o.dir, "secrets.yaml"), "w") as f:
        f.write("parola: %s\nsifre: %s\n" % (json.dumps(a["parola"]), json.dumps(a["sifre"])))
    os.umask(old)
    store = o.store or os.path.join(o.dir, "store/kepagent.db")
    token = o.token_file or os.path.join(o.dir, "api-token")
    pki = o.pki
    head = "# %s\n" % o.comment if o.comment else ""
    listen = ("  listen: 127.0.0.1\n  port: %d\n" % o.api_port) if o.api_port else ""
    extra = "".join("    %s\n" % l for l in o.lines)
    with open(os.path.join(o.dir, "kepagent.yaml"), "w") as f:
        f.write(f"""{head}store:
  path: {store}
api:
{listen}  token_file: {token}
trust:
  anchors:
    - {pki}/trust/rsa-root.pem
    - {pki}/trust/ec-root.pem
  revocation: {o.revocation}
  kephs:
    - provider: ptt
      certificates: [{pki}/rsa/kephs.pem, {pki}/ec/kephs.pem]
accounts:
  - name: {o.name}
    provider: ptt
    endpoint: {o.endpoint}
    ca_file: {pki}/https/ca.pem
    address: {a['kepHesap']}
    tcno: "{a['tcno']}"
    secrets_file: {o.dir}/secrets.yaml
    login: {o.login}
    initial_days: 3650
    ack_policy: {o.ack_policy}
{extra}""")


main()
