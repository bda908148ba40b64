#!/usr/bin/env bash
# CLI throughput: `codex-policy check --batch` on N generated commands against R generated rules
# (defaults: 1,000,000 commands, 10,000 rules), on one core; reports commands/s and peak RSS.
# Also times a single `check` from process start to result (what a hook pays).
# Usage: [BIN=…] bench/cli-throughput.sh [COMMANDS] [RULES]
set -euo pipefail
cd "$(dirname "$0")/.."
commands="${1:-1000000}"
rules="${2:-10000}"
work="${TMPDIR:-/tmp}/codex-policy-bench"
mkdir -p "$work"
# BIN=path/to/codex-policy measures a given binary instead of building the current one.
if [ -z "${BIN:-}" ]; then
  cargo build --quiet --locked --profile native -p policy-cli
fi
bin="${BIN:-${CARGO_TARGET_DIR:-target}/native/codex-policy}"

python3 - "$work" "$commands" "$rules" <<'PY'
import json, random, sys
work, n_commands, n_rules = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
random.seed(7)
programs = ["git", "npm", "cargo", "kubectl", "terraform", "docker", "gh", "pnpm", "make", "python3"]
subs = ["status", "push", "commit", "install", "publish", "apply", "delete", "run", "build", "test"]
with open(f"{work}/rules.rules", "w") as f:
    for i in range(n_rules):
        program = programs[i % len(programs)] if i < 40 else f"tool{i}"
        sub = subs[i % len(subs)]
        decision = ["allow", "prompt", "forbidden"][i % 3]
        if i % 3 == 0:
            f.write(f'prefix_rule(pattern=["{program}", "{sub}"], decision="{decision}")\n')
        elif i % 3 == 1:
            f.write(f'prefix_rule(pattern=["{program}", ["{sub}", "x{i}", "y{i}"]], decision="{decision}", justification="rule {i}")\n')
        else:
            f.write(f'prefix_rule(pattern=[["{program}", "alt{i}"], "{sub}", ["--force", "-f"]], decision="{decision}")\n')
    f.write('host_executable(name="git", paths=["/usr/bin/git", "/opt/homebrew/bin/git"])\n')
with open(f"{work}/commands.jsonl", "w") as f:
    for i in range(n_commands):
        r = random.random()
        if r < 0.5:
            argv = [random.choice(programs), random.choice(subs), "origin", "main"]
        elif r < 0.7:
            argv = [f"tool{random.randrange(40, max(41, n_rules))}", random.choice(subs), "-f"]
        elif r < 0.8:
            argv = ["/usr/bin/git", random.choice(subs)]
        else:
            argv = ["unknown-tool", "--flag", str(i)]
        f.write(json.dumps({"argv": argv}) + "\n")
PY

echo "rules: $rules, commands: $commands ($(du -h "$work/commands.jsonl" | cut -f1))"
start=$(date +%s.%N)
/usr/bin/time -v taskset -c 0 "$bin" check --rules "$work/rules.rules" --resolve-host-executables --batch \
  < "$work/commands.jsonl" > "$work/out.jsonl" 2> "$work/time.txt" || { cat "$work/time.txt"; exit 1; }
end=$(date +%s.%N)
lines=$(wc -l < "$work/out.jsonl")
[ "$lines" -eq "$commands" ] || { echo "expected $commands result lines, got $lines" >&2; exit 1; }
python3 - "$start" "$end" "$commands" "$work/time.txt" <<'PY'
import re, sys
start, end, n, timefile = float(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
text = open(timefile).read()
rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", text).group(1))
secs = end - start
print(f"batch: {secs:.2f} s wall, {n / secs:,.0f} commands/s, peak RSS {rss / 1024:.1f} MiB")
PY
# Engine state: peak RSS of loading the rules and evaluating nothing, minus the same for one rule
# (an upper bound: it includes the parse's transient memory).
echo 'prefix_rule(pattern=["git"], decision="allow")' > "$work/one.rules"
peak() { /usr/bin/time -f %M "$bin" check --rules "$1" --resolve-host-executables --batch < /dev/null 2>&1 >/dev/null | tail -1; }
base_kb=$(peak "$work/one.rules")
full_kb=$(peak "$work/rules.rules")
echo "engine state for $rules rules: peak RSS $((full_kb - base_kb)) KiB above a 1-rule policy ($base_kb KiB)"
# One check, process start to result, median of 20.
python3 - "$bin" "$work/rules.rules" <<'PY'
import statistics, subprocess, sys, time
bin, rules = sys.argv[1], sys.argv[2]
samples = []
for _ in range(20):
    t = time.perf_counter()
    subprocess.run([bin, "check", "--rules", rules, "--", "git", "push", "origin"], check=True, capture_output=True)
    samples.append(time.perf_counter() - t)
print(f"single check with {rules}: median {statistics.median(samples) * 1000:.1f} ms from process start to result")
PY
