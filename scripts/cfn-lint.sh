#!/usr/bin/env bash
# Lints the AWS SAM template (infra/template.yaml) with cfn-lint: installs
# cfn-lint into the repository's .venv when it is missing (creating the venv
# if needed), then runs it. Exits non-zero on any error or warning; the
# template has none (a warning that must stay is suppressed in the template's
# Metadata with the reason next to it).
#
#   scripts/cfn-lint.sh            # lint infra/template.yaml
#   scripts/cfn-lint.sh FILE...    # lint other templates
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
if ! .venv/bin/cfn-lint --version >/dev/null 2>&1; then
  .venv/bin/pip install --quiet --disable-pip-version-check 'cfn-lint>=1,<2'
fi

if [ "$#" -eq 0 ]; then
  set -- infra/template.yaml
fi
echo "cfn-lint $(.venv/bin/cfn-lint --version | awk '{print $2}'): $*"
.venv/bin/cfn-lint -- "$@"
echo "cfn-lint: no errors, no warnings"
