#!/usr/bin/env python3
"""Lint every IAM policy document the generated Terraform would produce with
parliament (https://github.com/duo-labs/parliament).

usage: tools/iam-lint.py [GENERATED_DIR] [--keep DIR]

Terraform builds policies with `data "aws_iam_policy_document"` blocks, which
parliament cannot read. This script parses every .tf file under GENERATED_DIR
(default: generated/) with python-hcl2 (installed with checkov), turns each
policy document into the JSON policy Terraform would render - every statement,
including the `content` of `dynamic "statement"` blocks whatever their
`for_each`, with interpolations replaced by placeholders of the right shape
(account 123456789012, region us-east-1, a KMS key ARN for a key, a bucket ARN
for a bucket, ...) - and runs `parliament --directory <tmp> --json` over them.

Every finding must be suppressed in tools/parliament-suppressions.json, each
suppression with the issue, the policy (file name glob), optionally the
statement Sid, and a reason. Exit 0 when every finding is suppressed and every
suppression is used; 1 otherwise (unsuppressed findings or stale
suppressions); 2 on a usage or parse error.
"""

import fnmatch
import json
import os
import re
import subprocess
import sys
import tempfile

import hcl2

HERE = os.path.dirname(os.path.abspath(__file__))
SUPPRESSIONS = os.path.join(HERE, "parliament-suppressions.json")

ACCOUNT = "123456789012"
REGION = "us-east-1"
KEY_ARN = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
OIDC_HOST = f"oidc.eks.{REGION}.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"

# Whole-value references: the first pattern the expression matches decides
# the placeholder (an ARN of the kind the reference names).
WHOLE = [
    (r"partition", "aws"),
    (r"(^var|\.current)\.region$", REGION),
    (r"account_id", ACCOUNT),
    (r"oidc_provider|openid_connect_provider", f"arn:aws:iam::{ACCOUNT}:oidc-provider/{OIDC_HOST}"),
    (r"kms|key_arn", KEY_ARN),
    (r"aws_s3_bucket|bucket_arn|destination_bucket", "arn:aws:s3:::example-bucket"),
    (r"sns_topic|topic_arn", f"arn:aws:sns:{REGION}:{ACCOUNT}:example-topic"),
    (r"log_group", f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:example"),
    (r"target_group", f"arn:aws:elasticloadbalancing:{REGION}:{ACCOUNT}:targetgroup/example/0123456789abcdef"),
    (r"zone", "arn:aws:route53:::hostedzone/Z0123456789EXAMPLE"),
    (r"secret", f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:example-AbCdEf"),
    (r"trail_arns|cloudtrail", f"arn:aws:cloudtrail:{REGION}:{ACCOUNT}:trail/example"),
    (r"account_id", ACCOUNT),
    (r"role", f"arn:aws:iam::{ACCOUNT}:role/example"),
    (r"\.arn$", f"arn:aws:iam::{ACCOUNT}:role/example"),
]

# Interpolations inside a longer string.
INNER = [
    (r"account_id", ACCOUNT),
    (r"partition", "aws"),
    (r"oidc", OIDC_HOST),
    (r"region", REGION),
    (r"kms|key_arn", KEY_ARN),
    (r"aws_s3_bucket|bucket_arn|destination_bucket", "arn:aws:s3:::example-bucket"),
    (r"log_group", f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:example"),
]

INTERPOLATION = re.compile(r"\$\{([^{}]*(?:\{[^{}]*\}[^{}]*)*)\}")


def placeholder(expr, table, default):
    for pattern, value in table:
        if re.search(pattern, expr):
            return value
    return default


def resolve(expr, ctx, depth=0):
    """The value of a reference when it can be read here: a local of the
    same directory (recursively), or the iterator of a dynamic statement."""
    expr = expr.strip()
    if ctx.get("iterator") and expr == "statement.value":
        return "${" + ctx["iterator"] + "}"
    m = re.fullmatch(r"local\.(\w+)", expr)
    if m and depth < 5 and m.group(1) in ctx.get("locals", {}):
        value = scalar(ctx["locals"][m.group(1)])
        if isinstance(value, str):
            loop = re.fullmatch(r"\$\{\[for .*? : \"(.*)\"\]\}", value, re.S)
            if loop:
                return [loop.group(1).replace('\\"', '"')]
        return value
    return None


def concrete(value, ctx, depth=0):
    """A string (or a list, for a list-valued local) with every
    interpolation replaced by a placeholder of the right shape."""
    if not isinstance(value, str):
        return value
    whole = re.fullmatch(r"\$\{(.*)\}", value, re.S)
    if whole and "${" not in whole.group(1):
        resolved = resolve(whole.group(1), ctx, depth)
        if resolved is not None and depth < 5:
            if isinstance(resolved, list):
                return [concrete(x, ctx, depth + 1) for x in resolved]
            return concrete(resolved, ctx, depth + 1)
        return placeholder(whole.group(1), WHOLE, "example")

    def inner(m):
        resolved = resolve(m.group(1), ctx, depth)
        if isinstance(resolved, str) and depth < 5:
            return concrete(resolved, ctx, depth + 1)
        return placeholder(m.group(1), INNER, "example")

    return INTERPOLATION.sub(inner, value)


def scalar(v):
    """python-hcl2 wraps attribute values in a one-element list."""
    while isinstance(v, list) and len(v) == 1:
        v = v[0]
    return v


def strings(v, ctx):
    """A list attribute as a list of concrete strings."""
    if isinstance(v, list) and len(v) == 1 and isinstance(v[0], list):
        v = v[0]
    if not isinstance(v, list):
        v = [v]
    out = []
    for x in v:
        c = concrete(x, ctx)
        out.extend(c if isinstance(c, list) else [c])
    return out


def statement(body, ctx):
    s = {"Effect": scalar(body.get("effect", "Allow"))}
    if "sid" in body:
        s["Sid"] = scalar(body["sid"])
    for key, field in [("actions", "Action"), ("not_actions", "NotAction"), ("resources", "Resource"), ("not_resources", "NotResource")]:
        if key in body:
            s[field] = strings(body[key], ctx)
    for key, field in [("principals", "Principal"), ("not_principals", "NotPrincipal")]:
        for p in body.get(key, []):
            kind = scalar(p.get("type"))
            ids = strings(p.get("identifiers"), ctx)
            if kind == "*":
                s[field] = "*"
            else:
                s.setdefault(field, {}).setdefault(kind, []).extend(ids)
    for c in body.get("condition", []):
        test, var = scalar(c.get("test")), concrete(scalar(c.get("variable")), ctx)
        values = strings(c.get("values"), ctx)
        s.setdefault("Condition", {}).setdefault(test, {})[var] = values[0] if len(values) == 1 else values
    return s


def uses(parsed_files):
    """How each policy document of a directory is attached: key, trust or
    resource policy (anything else is an identity policy)."""
    kinds = {}
    for parsed in parsed_files:
        for block in parsed.get("resource", []):
            for rtype, named in block.items():
                for body in named.values():
                    for attr, kind in [("policy", None), ("assume_role_policy", "trust")]:
                        value = str(scalar(body.get(attr, "")))
                        for doc in re.findall(r"data\.aws_iam_policy_document\.(\w+)", value):
                            if kind is None:
                                kind = {"aws_kms_key": "key"}.get(rtype, "resource" if rtype.endswith("_policy") and rtype != "aws_iam_role_policy" and rtype != "aws_iam_policy" else None)
                            if kind:
                                kinds[doc] = kind
    return kinds


def documents(root):
    """(file name, policy) of every aws_iam_policy_document under root; the
    name is <dir>__<use>__<document>.json, use being key, trust, resource or
    identity."""
    out = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        parsed_files = []
        for f in sorted(filenames):
            if not f.endswith(".tf"):
                continue
            path = os.path.join(dirpath, f)
            with open(path) as fh:
                try:
                    parsed_files.append(hcl2.load(fh))
                except Exception as e:  # noqa: BLE001 - report any parse failure
                    print(f"error: {path}: does not parse: {e}", file=sys.stderr)
                    sys.exit(2)
        local_values = {}
        for parsed in parsed_files:
            for block in parsed.get("locals", []):
                local_values.update(block)
        kinds = uses(parsed_files)
        rel = os.path.relpath(dirpath, root).replace(os.sep, "__")
        for parsed in parsed_files:
            for block in parsed.get("data", []):
                for name, body in block.get("aws_iam_policy_document", {}).items():
                    ctx = {"locals": local_values}
                    stmts = [statement(s, ctx) for s in body.get("statement", [])]
                    for dyn in body.get("dynamic", []):
                        for label, d in dyn.items():
                            if label != "statement":
                                continue
                            for_each = str(scalar(d.get("for_each", "")))
                            var = re.findall(r"var\.\w+", for_each)
                            dctx = {"locals": local_values, "iterator": var[-1] if var else None}
                            for content in d.get("content", []):
                                stmts.append(statement(content, dctx))
                    policy = {"Version": "2012-10-17", "Statement": stmts}
                    out.append((f"{rel}__{kinds.get(name, 'identity')}__{name}.json", policy))
    return out


def main(argv):
    args = argv[1:]
    keep = None
    if "--keep" in args:
        i = args.index("--keep")
        keep = args[i + 1]
        del args[i : i + 2]
    root = args[0] if args else os.path.join(HERE, "..", "generated")
    if not os.path.isdir(root):
        print(f"error: {root} is not a directory", file=sys.stderr)
        return 2
    docs = documents(root)
    if not docs:
        print(f"error: no aws_iam_policy_document found under {root}", file=sys.stderr)
        return 2
    with open(SUPPRESSIONS) as fh:
        suppressions = json.load(fh)["suppressions"]
    for s in suppressions:
        if not s.get("reason") or len(s["reason"].split()) < 8:
            print(f"error: suppression {s} needs a reason (8 words or more)", file=sys.stderr)
            return 2
    out_dir = keep or tempfile.mkdtemp(prefix="acmegen-iam-")
    os.makedirs(out_dir, exist_ok=True)
    # Each file is written statement by statement, so that a finding's line
    # tells which statement (Sid) it is about.
    spans = {}
    for name, policy in docs:
        lines = ["{", '  "Version": "2012-10-17",', '  "Statement": [']
        spans[name] = []
        for i, stmt in enumerate(policy["Statement"]):
            body = json.dumps(stmt, indent=2).splitlines()
            body = ["    " + line for line in body]
            if i < len(policy["Statement"]) - 1:
                body[-1] += ","
            spans[name].append((len(lines) + 1, len(lines) + len(body), str(stmt.get("Sid", ""))))
            lines.extend(body)
        lines.extend(["  ]", "}"])
        with open(os.path.join(out_dir, name), "w") as fh:
            fh.write("\n".join(lines) + "\n")
    # The parliament of this interpreter's environment (the CI venv), else PATH's.
    beside = os.path.join(os.path.dirname(sys.executable), "parliament")
    parliament = beside if os.path.exists(beside) else "parliament"
    run = subprocess.run(
        [parliament, "--directory", out_dir, "--json"],
        capture_output=True,
        text=True,
        check=False,
    )
    if run.returncode not in (0, 1) or "Traceback" in run.stderr:
        print(run.stdout + run.stderr, file=sys.stderr)
        print("error: parliament failed", file=sys.stderr)
        return 2
    findings = [json.loads(line) for line in run.stdout.splitlines() if line.strip().startswith("{")]
    used = set()
    failed = []
    for f in findings:
        location = f.get("location", {})
        policy = os.path.basename(location.get("filepath") or "")
        line = location.get("line") or 0
        sid = next((sid for start, end, sid in spans.get(policy, []) if start <= line <= end), None)
        f["sid"] = sid
        match = None
        for i, s in enumerate(suppressions):
            if s["issue"] != f["issue"] or not fnmatch.fnmatch(policy, s["policy"]):
                continue
            if "sid" in s and s["sid"] != sid:
                continue
            match = i
            break
        if match is None:
            failed.append((policy, f))
        else:
            used.add(match)
    print(f"parliament: {len(docs)} policy documents, {len(findings)} findings, {len(findings) - len(failed)} suppressed")
    for policy, f in failed:
        where = f" statement {f['sid']}" if f.get("sid") else ""
        print(f"error: {policy}{where}: {f['issue']} ({f.get('severity')}): {f.get('title')}: {json.dumps(f.get('detail'))}")
    stale = [s for i, s in enumerate(suppressions) if i not in used]
    for s in stale:
        print(f"error: suppression no longer matches any finding (remove it): {s['issue']} {s['policy']}")
    if failed:
        print("help: fix the policy template, or suppress the finding in tools/parliament-suppressions.json with a reason")
    return 1 if failed or stale else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
