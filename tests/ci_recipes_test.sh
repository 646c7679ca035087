#!/usr/bin/env bash
# ci_recipes: the CI recipes in .ci/examples/ are valid YAML of the right shape, README "CI
# recipes" shows each of them verbatim, and every djharness command line in their scripts names
# a command and only flags that `djharness COMMAND --help` lists.
#
# usage: ci_recipes_test.sh PATH/TO/djharness SOURCE_DIR
set -uo pipefail
export LC_ALL=C

fail() {
  echo "FAIL: $*" >&2
  exit 1
}
[[ $# -eq 2 && -x $1 && -d $2 ]] || fail "usage: $0 PATH/TO/djharness SOURCE_DIR"
python3 -c 'import yaml' 2>/dev/null || fail "python3-yaml is not installed"

python3 - "$1" "$2" <<'PY'
import re, subprocess, sys, yaml

djharness, source = sys.argv[1], sys.argv[2]
examples = f"{source}/.ci/examples"
problems = []

readme = open(f"{source}/README.md").read()
for name in ("github-actions.yml", "gitlab-ci.yml"):
    if "```yaml\n" + open(f"{examples}/{name}").read() + "```" not in readme:
        problems.append(f"{name}: README does not show it verbatim in a ```yaml block")

def flags_of(command, cache={}):
    """The flags `djharness COMMAND --help` lists; None for an unknown command."""
    if command not in cache:
        done = subprocess.run([djharness, command, "--help"], capture_output=True, text=True)
        cache[command] = (set(re.findall(r"^  --([a-z0-9-]+)", done.stdout, re.M))
                          if done.returncode == 0 else None)
    return cache[command]

# `djharness CMD ...`, `path/to/djharness CMD ...` or `"$DJHARNESS" CMD ...`.
INVOCATION = re.compile(r'(?:(?<![\w$/-])|/)(?:djharness|"?\$\{?DJHARNESS\}?"?)\s+([a-z]+)(.*)')

def check_scripts(recipe, scripts):
    """Every djharness command line of the scripts; returns them as (command, flags)."""
    found = []
    for script in scripts:
        text = re.sub(r"\\\n\s*", " ", script)  # join continued lines
        for line in text.splitlines():
            line = line.split(" #")[0]
            for m in INVOCATION.finditer(line):
                command, rest = m.group(1), m.group(2)
                flags = re.findall(r"(?<!\S)--([a-z0-9-]+)", rest)
                known = flags_of(command)
                if known is None:
                    problems.append(f"{recipe}: unknown command `djharness {command}`")
                    continue
                for flag in flags:
                    if flag not in known:
                        problems.append(f"{recipe}: `djharness {command}` has no --{flag}")
                found.append((command, set(flags)))
    return found

def expect(recipe, condition, what):
    if not condition:
        problems.append(f"{recipe}: {what}")

# GitHub Actions: a workflow with one job whose `run` steps hold the commands.
gh = yaml.safe_load(open(f"{examples}/github-actions.yml"))
jobs = gh.get("jobs", {})
expect("github-actions.yml", len(jobs) == 1, "expected one job")
job = next(iter(jobs.values()))
expect("github-actions.yml", job.get("container") == "debian:12", "the job is not on Debian 12")
steps = job.get("steps", [])
runs = [s["run"] for s in steps if "run" in s]
uses = {s["uses"].split("@")[0]: s for s in steps if "uses" in s}
gh_calls = check_scripts("github-actions.yml", runs)
expect("github-actions.yml", "github/codeql-action/upload-sarif" in uses, "no upload-sarif step")
artifact = uses.get("actions/upload-artifact", {}).get("with", {}).get("path", "")
for needed in ("report.html", "junit.xml", "results.json"):
    expect("github-actions.yml", needed in artifact, f"the artifact lacks {needed}")
expect("github-actions.yml", any("GITHUB_STEP_SUMMARY" in r for r in runs), "no job summary")
expect("github-actions.yml", job.get("env", {}).get("DJHARNESS") == "build/release/harness/cli/djharness",
       "DJHARNESS is not the release build's binary")

# GitLab CI: one job whose before_script/script/after_script hold the commands.
gl = yaml.safe_load(open(f"{examples}/gitlab-ci.yml"))
expect("gitlab-ci.yml", len(gl) == 1, "expected one job")
job = next(iter(gl.values()))
expect("gitlab-ci.yml", job.get("image") == "debian:12", "the job is not on Debian 12")
scripts = [s for key in ("before_script", "script", "after_script") for s in job.get(key, [])]
gl_calls = check_scripts("gitlab-ci.yml", scripts)
artifacts = job.get("artifacts", {})
expect("gitlab-ci.yml", artifacts.get("reports", {}).get("junit") == "djharness-report/junit.xml",
       "artifacts:reports:junit is not the run's junit.xml")
expect("gitlab-ci.yml", artifacts.get("when") == "always", "artifacts are not kept on failure")
for needed in ("report.html", "results.json"):
    expect("gitlab-ci.yml", any(needed in p for p in artifacts.get("paths", [])),
           f"the artifacts lack {needed}")
expect("gitlab-ci.yml", job.get("variables", {}).get("DJHARNESS") == "build/release/harness/cli/djharness",
       "DJHARNESS is not the release build's binary")

for recipe, calls in (("github-actions.yml", gh_calls), ("gitlab-ci.yml", gl_calls)):
    expect(recipe, any(c == "mock" and "port" in f for c, f in calls), "no `djharness mock --port`")
    expect(recipe, any(c == "run" and {"target", "baseline"} <= f for c, f in calls),
           "no `djharness run --target ... --baseline ...`")
    print(f"{recipe}: {len(calls)} djharness command lines: "
          + "; ".join(f"{c} --{' --'.join(sorted(f))}" for c, f in calls))

if problems:
    print("\n".join("FAIL: " + p for p in problems), file=sys.stderr)
    sys.exit(1)
print("ok: both recipes parse and use only flags djharness has")
PY
