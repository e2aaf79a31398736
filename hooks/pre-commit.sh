# The block `artifacts init` puts into .husky/pre-commit (between its marker lines; your own lines around it
# are kept). husky runs it with `sh -e`, so a failing command stops the commit.
# 1. The hook this repository had in .git/hooks before core.hooksPath moved: it still runs, first.
# (git runs hooks at the top of the work tree: a .git folder there, and no GIT_DIR, is the common dir, found without
# a git process on every commit; a linked worktree or a submodule asks git.)
if [ -z "${GIT_DIR:-}" ] && [ -d .git ]; then legacy=.git/hooks/pre-commit; else legacy="$(git rev-parse --git-common-dir)/hooks/pre-commit"; fi
if [ -x "$legacy" ]; then "$legacy" "$@"; fi
# 2. The CLI from the project's node_modules/.bin, then from PATH; without it, fail and say how to go on.
# NODE_EXTRA_CA_CERTS is emptied for this one process: Node 20 reads and parses that certificate file as it
# starts (about 100 ms on a 2-core machine, on every commit), and the hook opens no TLS connection.
if [ -x node_modules/.bin/artifacts ]; then NODE_EXTRA_CA_CERTS= node_modules/.bin/artifacts hook pre-commit
elif command -v artifacts >/dev/null 2>&1; then NODE_EXTRA_CA_CERTS= artifacts hook pre-commit
elif [ "${ARTIFACTS_SKIP:-}" = 1 ]; then printf '%s\n' @SKIPPED@ >&2
else printf '%s\n' @CLI_MISSING@ >&2; exit 1
fi
