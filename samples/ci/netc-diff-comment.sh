#!/usr/bin/env bash
# Posts `netc diff` of a pull request as one comment on it: made on the first run, updated on every later push
# (the comment netc wrote is the one whose body starts with netc's marker, <!-- netc diff -->).
#
# Run from the repository's top folder, in a job of a pull_request event (samples/ci/netc-diff.yml). Environment:
#   GITHUB_TOKEN       a token that may write the pull request's comments (GitHub Actions gives one)
#   GITHUB_REPOSITORY, GITHUB_EVENT_PATH, GITHUB_BASE_REF, GITHUB_API_URL   set by GitHub Actions
#   NETC               the netc command (default: netc on the PATH)
#   NETC_DIFF_PATHS    the parts of the repository to compare, space-separated (default: all of it)
# Exit: 0 when the comment is written (whether or not the pull request changes anything), else netc's or curl's.
set -euo pipefail
netc="${NETC:-netc}"
marker='<!-- netc diff -->'
api="${GITHUB_API_URL:-https://api.github.com}/repos/${GITHUB_REPOSITORY:?}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

rc=0
# shellcheck disable=SC2086 # the paths are words
"$netc" diff --git "origin/${GITHUB_BASE_REF:?}" --format md ${NETC_DIFF_PATHS:-} >"$work/diff.md" || rc=$?
if [ "$rc" -gt 1 ]; then
  echo "netc-diff-comment: netc diff failed (exit $rc)" >&2
  exit "$rc"
fi

pr="$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["pull_request"]["number"])' "${GITHUB_EVENT_PATH:?}")"
auth=(-H "Authorization: Bearer ${GITHUB_TOKEN:?}" -H "Accept: application/vnd.github+json")
curl -fsS "${auth[@]}" "$api/issues/$pr/comments?per_page=100" >"$work/comments.json"
id="$(python3 -c '
import json, sys
marker = sys.argv[2]
print(next((str(c["id"]) for c in json.load(open(sys.argv[1])) if c.get("body", "").startswith(marker)), ""))
' "$work/comments.json" "$marker")"
python3 -c 'import json, sys; print(json.dumps({"body": open(sys.argv[1]).read()}))' "$work/diff.md" >"$work/body.json"
if [ -n "$id" ]; then
  curl -fsS -X PATCH "${auth[@]}" --data @"$work/body.json" "$api/issues/comments/$id" >/dev/null
  echo "netc-diff-comment: updated comment $id on #$pr"
else
  curl -fsS -X POST "${auth[@]}" --data @"$work/body.json" "$api/issues/$pr/comments" >/dev/null
  echo "netc-diff-comment: commented on #$pr"
fi
