package bench

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
)

// One benchmark per scenario, one sub-benchmark per implementation
// (BenchmarkJoin/impl=gorm), run back to back. run.sh runs each scenario
// once per round and rotates the order of the implementations from round to
// round ($EAGER_BENCH_ROTATE), so no library always runs first or last.
// $EAGER_BENCH_IMPLS (comma-separated names) limits the implementations.
//
// Each sub-benchmark reports stmts/op next to ns/op, B/op and allocs/op. A
// library that fails a scenario is skipped with a line
//
//	# bench-error: BenchmarkPrefetch100k/impl=gorm: <error>
//
// on stdout, which cmd/report puts in the table.

func BenchmarkReadSlice(b *testing.B)    { benchScenario(b, ReadSlice) }
func BenchmarkJoin(b *testing.B)         { benchScenario(b, Join) }
func BenchmarkPrefetch(b *testing.B)     { benchScenario(b, Prefetch) }
func BenchmarkDepth2(b *testing.B)       { benchScenario(b, Depth2) }
func BenchmarkNPlus1(b *testing.B)       { benchScenario(b, NPlus1) }
func BenchmarkFetchPeers(b *testing.B)   { benchScenario(b, FetchPeers) }
func BenchmarkPrefetch100k(b *testing.B) { benchScenario(b, Prefetch100k) }

func benchScenario(b *testing.B, s Scenario) {
	e := env(b)
	for _, name := range benchOrder(Implementations()) {
		b.Run("impl="+name, func(b *testing.B) {
			impl, counter := openImpl(b, e, name)
			ctx := context.Background()
			// Warm up once, untimed: connections, prepared statements,
			// the libraries' metadata caches. It also finds failures.
			if _, err := Run(ctx, impl, s, false); err != nil {
				if errors.Is(err, ErrNotApplicable) {
					b.Skipf("%s: %v", name, err)
				}
				msg := strings.ReplaceAll(short(err), "\n", " ")
				fmt.Printf("# bench-error: %s: %s\n", b.Name(), msg)
				b.Skipf("%s fails: %s", name, msg)
			}
			b.ReportAllocs()
			start := counter.Load()
			for b.Loop() {
				if _, err := Run(ctx, impl, s, false); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(counter.Load()-start)/float64(b.N), "stmts/op")
		})
	}
}

// benchOrder applies $EAGER_BENCH_IMPLS and $EAGER_BENCH_ROTATE.
func benchOrder(names []string) []string {
	if only := os.Getenv("EAGER_BENCH_IMPLS"); only != "" {
		keep := strings.Split(only, ",")
		var out []string
		for _, n := range names {
			for _, k := range keep {
				if strings.TrimSpace(k) == n {
					out = append(out, n)
				}
			}
		}
		names = out
	}
	if r, err := strconv.Atoi(os.Getenv("EAGER_BENCH_ROTATE")); err == nil && len(names) > 0 {
		r %= len(names)
		names = append(names[r:len(names):len(names)], names[:r]...)
	}
	return names
}
