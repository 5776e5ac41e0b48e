#!/usr/bin/env bash
# tools/terraform-check.sh [GENERATED_DIR] [ROOT...]
#
# Terraform's own checks on every generated root (or the ROOTs given, e.g.
# acme-vm/dr): `terraform init -backend=false`, `terraform validate`, then
# `terraform test`, which runs the test files acmegen generates into each
# root's tests/ directory: a mocked apply of the root and, in DR roots, the
# mocked outage (first deployment, failover and failback in order).
# Roots in native syntax (*.tf) and in Terraform JSON (*.tf.json, written by
# `acmegen render --format tf-json`) are checked alike.
#
# Providers: offline through the stand-in provider of ../shared/tools/tfshim
# (real aws/helm/random schemas, mocked behaviour) when that folder exists
# (override with TFSHIM_DIR); otherwise terraform downloads the real
# providers, which needs the registry. Without terraform on PATH the checks
# are skipped with a note (exit 0).
#
# Exit: 0 all roots passed (or skipped), 1 some root failed, 2 usage error.
# Environment: JOBS (parallel roots, default 2), KEEP=1 keeps the temp copy.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
gen=${1:-$here/generated}
[ $# -gt 0 ] && shift
jobs=${JOBS:-2}

if ! command -v terraform >/dev/null 2>&1; then
  echo "note: terraform is not on PATH; skipping terraform validate and terraform test"
  exit 0
fi
if [ ! -d "$gen" ]; then
  echo "error: $gen is not a directory" >&2
  exit 2
fi

tfshim=${TFSHIM_DIR:-$here/../shared/tools/tfshim}
if [ -x "$tfshim/setup.sh" ]; then
  line=$("$tfshim/setup.sh" | tail -n 1)
  case "$line" in
    "export TF_CLI_CONFIG_FILE="*) eval "$line" ;;
    *) echo "error: tfshim setup failed: $line" >&2; exit 1 ;;
  esac
  # The shim answers plan/apply only in lifecycle mode; mock providers do the rest.
  export TFSHIM_LIFECYCLE=1
  providers="tfshim stand-in providers ($tfshim)"
else
  providers="providers from the registry"
fi
export TF_IN_AUTOMATION=1 CHECKPOINT_DISABLE=1 TF_INPUT=0
unset TF_CLI_ARGS TF_CLI_ARGS_init TF_CLI_ARGS_validate TF_CLI_ARGS_test TF_WORKSPACE

work=$(mktemp -d -t acmegen-tfcheck.XXXXXX)
cleanup() { if [ "${KEEP:-0}" = 1 ]; then echo "kept $work"; else rm -rf "$work"; fi; }
trap cleanup EXIT
cp -R "$gen/." "$work/"
find "$work" \( -type d -name .terraform -prune -exec rm -rf {} + \) -o \
  \( -type f \( -name .terraform.lock.hcl -o -name '*.tfstate*' -o -name '*.tfvars' \) -exec rm -f {} + \)

if [ $# -gt 0 ]; then
  roots=("$@")
else
  mapfile -t roots < <(cd "$work" && find . -mindepth 2 -maxdepth 2 -type d ! -path './modules/*' ! -path './charts/*' |
    sed 's|^\./||' | while read -r d; do find "$work/$d" -maxdepth 1 \( -name '*.tf' -o -name '*.tf.json' \) | grep -q . && echo "$d"; done | sort)
fi
[ ${#roots[@]} -gt 0 ] || { echo "error: no roots under $gen" >&2; exit 2; }

check_root() {
  local r=$1 log=$work/.log-${1//\//_} t0=$SECONDS rc=0
  (
    cd "$work/$r"
    terraform init -backend=false -input=false -no-color
    terraform validate -no-color
    if ls tests/*.tftest.hcl >/dev/null 2>&1; then terraform test -no-color; fi
  ) >"$log" 2>&1 || rc=$?
  if [ $rc = 0 ]; then
    printf '  %-32s ok   %s (%ss)\n' "$r" "$(grep -E '^(Success|Failure)!' "$log" | tail -n 1)" $((SECONDS - t0))
  else
    printf '  %-32s FAILED (%ss)\n%s\n' "$r" $((SECONDS - t0)) "$(grep -v '^\s*$' "$log" | tail -n 40 | sed 's/^/      /')"
  fi
  return $rc
}
export -f check_root
export work

echo "terraform validate + terraform test on ${#roots[@]} root(s) with $(terraform version | head -n 1), $providers"
rc=0
printf '%s\n' "${roots[@]}" | xargs -P "$jobs" -I{} bash -c 'check_root "$@"' _ {} || rc=1
if [ $rc = 0 ]; then echo "terraform checks passed"; else echo "terraform checks FAILED"; fi
exit $rc
