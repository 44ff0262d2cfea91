#!/usr/bin/env bash
# Times today's trainer side by side with the engine it replaced: the two-thread dense
# engine that Chapter 5 once forked from Chapter 2 (commit 808d40a^, the last one before
# "one network"). That engine is gone from the code, so the script builds it from git in a
# temporary worktree (its own target folder, `target/forked-engine`), and alternates runs of
# the two: speed on a shared machine drifts by 10-15% within minutes, so only runs made side
# by side compare.
#
#   chapters-code/ch05-mnist/reference/forked-engine.sh [RUNS]
#
# For each variant (the guide's batch 32, batch 256, a hidden layer of 512) it prints every
# run's median seconds per epoch and the median over the runs. It needs the data
# (`cargo mnist-fetch`) and takes a few minutes. Nothing is asserted: it is a measurement.
set -euo pipefail

runs=${1:-3}
root=$(git rev-parse --show-toplevel)
base=808d40a^
work=$(mktemp -d)
cleanup() {
    git -C "$root" worktree remove --force "$work/forked" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

[ -f "$root/data/train-images-idx3-ubyte" ] || {
    echo "no MNIST data in $root/data: run \`cargo mnist-fetch\` first" >&2
    exit 1
}

echo "== building the forked engine ($base) and today's benchmark"
git -C "$root" worktree add --quiet --detach "$work/forked" "$base"
ln -s "$root/data" "$work/forked/data"
# The forked engine's own API (train, Observer with batch_done, data::subset).
cat >"$work/forked/chapters-code/ch05-mnist/examples/epoch_time.rs" <<'EOF'
//! The forked engine's median seconds per epoch: `epoch_time BATCH HIDDEN EPOCHS`.
use ch05_mnist::data;
use ch05_mnist::train::{EpochStats, GUIDE, Observer, Progress, TrainConfig, train};

struct Times(Vec<f64>);

impl Observer for Times {
    fn batch_done(&mut self, _: Progress) {}
    fn epoch_done(&mut self, _: Progress, stats: &EpochStats) {
        self.0.push(stats.seconds);
    }
}

fn main() {
    let args: Vec<usize> = std::env::args().skip(1).filter_map(|a| a.parse().ok()).collect();
    let [batch, hidden, epochs] = args[..] else { panic!("BATCH HIDDEN EPOCHS") };
    let layers: &'static [usize] = Box::leak(vec![784, hidden, 5].into_boxed_slice());
    let config = TrainConfig { batch_size: batch, layers, epochs, ..GUIDE };
    let mut times = Times(Vec::new());
    train(&config, data::subset(5).expect("the data"), &mut times).expect("a run");
    times.0.sort_by(f64::total_cmp);
    println!("{:.4}", times.0[times.0.len() / 2]);
}
EOF
CARGO_TARGET_DIR="$root/target/forked-engine" cargo build --quiet --release \
    --manifest-path "$work/forked/Cargo.toml" -p ch05-mnist --example epoch_time
forked="$root/target/forked-engine/release/examples/epoch_time"
(cd "$root" && cargo build --quiet --release -p ch05-mnist --example bench)
today="$root/target/release/examples/bench"

today_time() { # BATCH HIDDEN EPOCHS
    (cd "$root" && "$today" --no-numpy --batch "$1" --hidden "$2" --epochs "$3") |
        sed -n 's/^epoch time (median of [0-9]* epochs): \([0-9.]*\) s.*/\1/p'
}
forked_time() { (cd "$work/forked" && "$forked" "$1" "$2" "$3"); }
median() { tr ' ' '\n' | grep . | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

echo "== $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); $runs alternating runs each"
for variant in "32 64 9" "256 64 9" "32 512 5"; do
    set -- $variant
    old="" new=""
    for _ in $(seq "$runs"); do
        old="$old $(forked_time "$@")"
        new="$new $(today_time "$@")"
    done
    printf 'batch %3s, hidden %3s: forked engine%s (median %s) | today%s (median %s) s/epoch\n' \
        "$1" "$2" "$old" "$(echo "$old" | median)" "$new" "$(echo "$new" | median)"
done
