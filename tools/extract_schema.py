#!/usr/bin/env python3
"""Write schema/aws-provider-subset.json: argument, block and attribute names
(and which arguments and blocks are required) of every AWS resource and data
source that acmegen's templates use.

Source: the npm package @cdktf/provider-aws, generated from the provider's own
schema. Its lib/<name>/index.js files hold, per type, `synthesizeAttributes()`
(top-level arguments and blocks, with Terraform names), one `<struct>ToTerraform`
function per nested block, and `get…Attribute('name')` getters for everything a
reference can read; lib/<name>/index.d.ts marks optional members with `?` next to
a registry link naming the Terraform argument.

Usage: python3 tools/extract_schema.py [--package PATH.tgz]
(without --package it runs `npm pack @cdktf/provider-aws@VERSION` in a temp dir).
"""

import argparse
import json
import pathlib
import re
import subprocess
import sys
import tarfile
import tempfile

PACKAGE = "@cdktf/provider-aws@21.22.1"
ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "schema" / "aws-provider-subset.json"

TYPE_RE = re.compile(r'^\s*(resource|data) "(aws_[a-z0-9_]+)"', re.M)
TF_TYPE_RE = re.compile(r'\.tfResourceType = "(aws_[a-z0-9_]+)";')
ENTRY_RE = re.compile(
    r"^\s+([a-z0-9_]+): (?:cdktf\.listMapper\(([A-Za-z0-9_.]+), (true|false)\)|(cdktf\.[A-Za-z]+|[A-Za-z0-9_]+ToTerraform))\(",
    re.M,
)
GETTER_RE = re.compile(
    r"(?:get[A-Za-z]*Attribute|interpolationForAttribute)\('([a-z0-9_]+)'\)|new [A-Za-z0-9]+\(this, \"([a-z0-9_]+)\""
)


def used_types():
    kinds = {"resource": set(), "data": set()}
    files = [f for f in (ROOT / "templates").rglob("*") if f.suffix in (".tera", ".tf")]
    for f in sorted(files):
        for kind, name in TYPE_RE.findall(f.read_text()):
            kinds[kind].add(name)
    return kinds


def body_of(src, start):
    """Text of the `{ … }` block whose opening brace is at or after `start`."""
    i = src.index("{", start)
    depth = 0
    for j in range(i, len(src)):
        if src[j] == "{":
            depth += 1
        elif src[j] == "}":
            depth -= 1
            if depth == 0:
                return src[i : j + 1]
    raise ValueError("unbalanced braces")


LINK_RE = re.compile(r"docs/(?:resources|data-sources)/[a-z0-9_]+#([a-z0-9_]+) ")
MEMBER_RE = re.compile(r"^\s*readonly [A-Za-z0-9_]+(\?)?:")


def required_of(dts, interface):
    """Terraform names of the required members of a TypeScript interface."""
    m = re.search(r"^export interface %s(?: extends [A-Za-z.]+)? \{$" % re.escape(interface), dts, re.M)
    if not m:
        return []
    end = dts.index("\n}", m.end())
    required, last = [], None
    for line in dts[m.end() : end].splitlines():
        link = LINK_RE.search(line)
        if link:
            last = link.group(1)
        member = MEMBER_RE.match(line)
        if member and last:
            if not member.group(1):
                required.append(last)
            last = None
    return sorted(set(required))


def entries(src, text, seen, dts="", interface=""):
    """Arguments and nested blocks of one object literal."""
    args, blocks, open_ = [], {}, []
    for key, list_fn, is_block, plain_fn in ENTRY_RE.findall(text):
        fn = list_fn or plain_fn
        if fn == "cdktf.anyToTerraform":
            # Recursive schemas (e.g. WAFv2 statements) are typed `any`: a block whose contents are not checked.
            open_.append(key)
            continue
        if fn.startswith("cdktf.") or fn in seen or (list_fn and is_block == "false"):
            args.append(key)
            continue
        m = re.search(r"^function %s\(struct\) \{" % re.escape(fn), src, re.M)
        if not m:
            args.append(key)
            continue
        fbody = body_of(src, m.start())
        ret = fbody[fbody.rindex("return {") :]
        nested = fn[: -len("ToTerraform")]
        blocks[key] = entries(src, body_of(ret, 0), seen | {fn}, dts, nested[0].upper() + nested[1:])
    out = {"arguments": sorted(set(args)), "blocks": dict(sorted(blocks.items()))}
    required = [r for r in required_of(dts, interface) if r in out["arguments"] or r in out["blocks"]]
    if required:
        out["required"] = required
    if open_:
        out["open"] = sorted(set(open_))
    return out


def type_schema(src, dts):
    m = re.search(r"synthesizeAttributes\(\) \{", src)
    config = re.search(r"^export interface ([A-Za-z0-9]+Config) extends cdktf\.TerraformMetaArguments \{$", dts, re.M)
    schema = entries(src, body_of(src, m.start()), frozenset(), dts, config.group(1) if config else "")
    schema["attributes"] = sorted({a or b for a, b in GETTER_RE.findall(src)})
    return schema


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--package", help="path to a packed @cdktf/provider-aws .tgz")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tgz = args.package
        if not tgz:
            subprocess.run(["npm", "pack", PACKAGE, "--silent"], cwd=tmp, check=True, stdout=subprocess.DEVNULL)
            tgz = next(pathlib.Path(tmp).glob("*.tgz"))
        with tarfile.open(tgz) as tar:
            meta = json.load(tar.extractfile("package/package.json"))
            wanted = used_types()
            out = {
                "source": "npm %s (generated from %s %s)"
                % (PACKAGE, meta["cdktf"]["provider"]["name"], meta["cdktf"]["provider"]["version"]),
                "provider_version": meta["cdktf"]["provider"]["version"],
                "resource": {},
                "data": {},
            }
            for member in tar.getmembers():
                m = re.fullmatch(r"package/lib/(data-aws-)?[a-z0-9-]+/index\.js", member.name)
                if not m:
                    continue
                src = tar.extractfile(member).read().decode()
                t = TF_TYPE_RE.search(src)
                kind = "data" if m.group(1) else "resource"
                if t and t.group(1) in wanted[kind]:
                    dts = tar.extractfile(member.name.replace("index.js", "index.d.ts")).read().decode()
                    out[kind][t.group(1)] = type_schema(src, dts)
    for kind in ("resource", "data"):
        missing = wanted[kind] - set(out[kind])
        if missing:
            sys.exit("no schema found for %s %s" % (kind, sorted(missing)))
        out[kind] = dict(sorted(out[kind].items()))
    OUT.write_text(json.dumps(out, indent=1, sort_keys=False) + "\n")
    print("wrote %s: %d resources, %d data sources" % (OUT.relative_to(ROOT), len(out["resource"]), len(out["data"])))


if __name__ == "__main__":
    main()
