# The block `artifacts init` puts into .husky/pre-commit (between its marker lines; your own lines around it
# are kept). husky runs it with `sh -e`, so a failing command stops the commit.
# 1. The hook this repository had in .git/hooks before core.hooksPath moved: it still runs, first.
legacy="$(git rev-parse --git-common-dir)/hooks/pre-commit"
if [ -x "$legacy" ]; then "$legacy" "$@"; fi
# 2. The CLI from the project's node_modules/.bin, then from PATH; without it, fail and say how to go on.
if [ -x node_modules/.bin/artifacts ]; then node_modules/.bin/artifacts hook pre-commit
elif command -v artifacts >/dev/null 2>&1; then artifacts hook pre-commit
elif [ "${ARTIFACTS_SKIP:-}" = 1 ]; then printf '%s\n' @SKIPPED@ >&2
else printf '%s\n' @CLI_MISSING@ >&2; exit 1
fi
