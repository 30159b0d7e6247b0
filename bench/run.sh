#!/usr/bin/env bash
# Runs the benchmark suite interleaved over several rounds and rewrites
# ../docs/performance.md.
#
#   ./run.sh                             # 10 rounds, -benchtime=500ms (~4 minutes)
#   ROUNDS=3 BENCHTIME=200ms ./run.sh    # a quick look
#   SCENARIOS="ReadSlice Join" IMPLS=pgx,gorm OUT=/tmp/perf.md ./run.sh
#
# Many short rounds rather than a few long ones: on a shared machine a burst
# of load lasts seconds, and a median over more rounds shrugs it off.
# Each round runs every scenario once, as its own process, with every
# implementation of the scenario back to back (BenchmarkJoin/impl=...), the
# order of the implementations rotated from round to round. cmd/report then
# takes, per scenario and library, the median of the per-round ratios to raw
# pgx (with min-max), the median allocs/op, B/op and statements/op, marks
# eager's targets, and writes the page with benchstat's view of all rounds.
# The server is $EAGER_DATABASE_URL, else $DATABASE_URL, else
# postgres://postgres@127.0.0.1:5432/test; the first run seeds it (~2 s).
set -euo pipefail
cd "$(dirname "$0")"

ROUNDS=${ROUNDS:-10}
BENCHTIME=${BENCHTIME:-500ms}
SCENARIOS=${SCENARIOS:-"ReadSlice Join Prefetch Depth2 NPlus1 FetchPeers Prefetch100k"}
IMPLS=${IMPLS:-}
OUT=${OUT:-../docs/performance.md}
RESULTS=results

rm -rf "$RESULTS"
mkdir -p "$RESULTS"

echo "== same results: every library returns what raw pgx returns"
if ! go test -count=1 -run '^TestSameResults$' -v . >"$RESULTS/same-results.txt" 2>&1; then
	cat "$RESULTS/same-results.txt"
	echo "run.sh: the implementations disagree; not benchmarking" >&2
	exit 1
fi
sed -n '/statements per operation/,/Prefetch100k /p' "$RESULTS/same-results.txt"

echo "== building the benchmark binary"
go test -c -o "$RESULTS/bench.test" .

for r in $(seq 1 "$ROUNDS"); do
	f=$(printf '%s/round-%02d.txt' "$RESULTS" "$r")
	echo "== round $r of $ROUNDS"
	for s in $SCENARIOS; do
		EAGER_BENCH_ROTATE=$r EAGER_BENCH_IMPLS=$IMPLS "$RESULTS/bench.test" \
			-test.run '^$' -test.bench "^Benchmark$s\$" -test.benchtime "$BENCHTIME" \
			-test.benchmem -test.count 1 | tee -a "$f" | grep -E '^(Benchmark|# bench-error)' || true
		# a failing benchmark binary (not a library failing a scenario: that is
		# a "# bench-error" line) stops the run
		if grep -q -E '^(FAIL|panic:|--- FAIL)' "$f"; then
			cat "$f" >&2
			exit 1
		fi
	done
done

echo "== benchstat"
gobin=$(go env GOBIN)
[ -n "$gobin" ] || gobin="$(go env GOPATH)/bin"
BENCHSTAT=$(command -v benchstat || true)
if [ -z "$BENCHSTAT" ]; then
	if [ ! -x "$gobin/benchstat" ]; then
		go install golang.org/x/perf/cmd/benchstat@latest
	fi
	BENCHSTAT="$gobin/benchstat"
fi
# columns: the baseline first (benchstat compares every column to the first),
# then the known libraries, then any other implementation found
found=$(grep -ho 'impl=[A-Za-z0-9_.]*' "$RESULTS"/round-*.txt | sed 's/^impl=//' | sort -u)
cols=""
for n in pgx eager gorm bun sqlx ent; do
	if grep -qx "$n" <<<"$found"; then cols="$cols $n"; fi
done
for n in $found; do
	case " pgx eager gorm bun sqlx ent " in *" $n "*) ;; *) cols="$cols $n" ;; esac
done
"$BENCHSTAT" -col "/impl@(${cols# })" "$RESULTS"/round-*.txt >"$RESULTS/benchstat.txt"
cat "$RESULTS/benchstat.txt"

echo "== versions"
go list -m github.com/jackc/pgx/v5 gorm.io/gorm gorm.io/driver/postgres \
	github.com/uptrace/bun github.com/uptrace/bun/dialect/pgdialect \
	github.com/jmoiron/sqlx entgo.io/ent >"$RESULTS/versions.txt"
if eager=$(git -C .. describe --always --dirty 2>/dev/null); then
	echo "github.com/eagerorm/eager $eager" >>"$RESULTS/versions.txt"
fi
cat "$RESULTS/versions.txt"

cpu=$(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^ *//' || true)
[ -n "$cpu" ] || cpu=$(uname -m)
cores=$(nproc 2>/dev/null || getconf _NPROCESSORS_ONLN)

go run ./cmd/report -out "$OUT" \
	-benchstat "$RESULTS/benchstat.txt" -versions "$RESULTS/versions.txt" \
	-cpu "$cpu" -cores "$cores" -go "$(go version)" -benchtime "$BENCHTIME" \
	-command "ROUNDS=$ROUNDS BENCHTIME=$BENCHTIME ./run.sh" \
	"$RESULTS"/round-*.txt

echo "== $OUT"
sed -n '/^## eager.s targets/,/^## 100,000 parents/p' "$OUT" | sed '$d'
