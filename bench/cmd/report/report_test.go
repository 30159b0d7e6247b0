package main

import (
	"bytes"
	"math"
	"strings"
	"testing"
)

func round(t *testing.T, n int, text string) ([]Sample, []Failure) {
	t.Helper()
	s, f, err := Parse(strings.NewReader(text), n)
	if err != nil {
		t.Fatal(err)
	}
	return s, f
}

func TestParse(t *testing.T) {
	s, f := round(t, 1, `goos: linux
pkg: github.com/eagerorm/eager/bench
BenchmarkJoin/impl=pgx-2         	    1538	    815011 ns/op	         1.000 stmts/op	  277411 B/op	    5030 allocs/op
BenchmarkJoin/impl=gorm           	     537	   2073774 ns/op	         1.000 stmts/op	  360753 B/op	   10838 allocs/op
# bench-error: BenchmarkPrefetch100k/impl=ent: extended protocol limited to 65535 parameters
--- SKIP: BenchmarkPrefetch100k/impl=ent
PASS
`)
	if len(s) != 2 || len(f) != 1 {
		t.Fatalf("samples %d failures %d", len(s), len(f))
	}
	if s[0].Impl != "pgx" || s[0].Scenario != "Join" || s[0].NsPerOp != 815011 || s[0].Metrics["allocs/op"] != 5030 || s[0].Metrics["stmts/op"] != 1 {
		t.Errorf("sample %+v", s[0])
	}
	if s[1].Impl != "gorm" {
		t.Errorf("a name without the -GOMAXPROCS suffix: %+v", s[1])
	}
	if f[0] != (Failure{"Prefetch100k", "ent", "extended protocol limited to 65535 parameters"}) {
		t.Errorf("failure %+v", f[0])
	}
}

func TestMedian(t *testing.T) {
	for _, c := range []struct {
		in   []float64
		want float64
	}{{[]float64{3}, 3}, {[]float64{5, 1, 3}, 3}, {[]float64{4, 1, 3, 2}, 2.5}} {
		if got := Median(c.in); got != c.want {
			t.Errorf("Median(%v) = %v, want %v", c.in, got, c.want)
		}
	}
	if !math.IsNaN(Median(nil)) {
		t.Error("Median(nil) is not NaN")
	}
}

// Ratios are taken within a round, then the median across rounds: a round
// where the whole machine was slow does not move them.
func TestSummarizeRatios(t *testing.T) {
	var samples []Sample
	add := func(r int, scenario, impl string, ns, allocs float64) {
		samples = append(samples, Sample{Round: r, Scenario: scenario, Impl: impl, NsPerOp: ns,
			Metrics: map[string]float64{"allocs/op": allocs, "stmts/op": 1}})
	}
	// eager/pgx ratios per round: 1.10, 1.00, 1.20 -> median 1.10, min 1.00, max 1.20,
	// although round 2 ran everything at 10x the time.
	add(1, "ReadSlice", "pgx", 100, 10)
	add(1, "ReadSlice", "eager", 110, 12)
	add(2, "ReadSlice", "eager", 1000, 12)
	add(2, "ReadSlice", "pgx", 1000, 10)
	add(3, "ReadSlice", "pgx", 100, 10)
	add(3, "ReadSlice", "eager", 120, 14)
	add(1, "Join", "pgx", 100, 1)
	add(1, "Join", "gorm", 300, 1)
	rows := Summarize(samples, []Failure{{"Prefetch100k", "gorm", "boom"}})

	if len(rows) != 5 {
		t.Fatalf("%d rows: %+v", len(rows), rows)
	}
	order := []string{"ReadSlice/pgx", "ReadSlice/eager", "Join/pgx", "Join/gorm", "Prefetch100k/gorm"}
	for i, r := range rows {
		if got := r.Scenario + "/" + r.Impl; got != order[i] {
			t.Errorf("row %d is %s, want %s", i, got, order[i])
		}
	}
	e := rows[1]
	if !near(e.Ratio, 1.10) || !near(e.RatioMin, 1.00) || !near(e.RatioMax, 1.20) || e.Rounds != 3 {
		t.Errorf("eager ratio %.3f [%.3f-%.3f] over %d rounds, want 1.10 [1.00-1.20] over 3", e.Ratio, e.RatioMin, e.RatioMax, e.Rounds)
	}
	if e.NsPerOp != 120 || e.AllocsPerOp != 12 || e.StmtsPerOp != 1 {
		t.Errorf("eager medians: %+v", e)
	}
	if !near(rows[0].Ratio, 1) {
		t.Errorf("baseline ratio %v", rows[0].Ratio)
	}
	if !near(rows[3].Ratio, 3) {
		t.Errorf("gorm ratio %v", rows[3].Ratio)
	}
	if rows[4].Failure != "boom" {
		t.Errorf("failure row %+v", rows[4])
	}
}

func TestVerdicts(t *testing.T) {
	rows := []Row{
		{Scenario: "ReadSlice", Impl: "eager", Rounds: 3, Ratio: 1.10},
		{Scenario: "Join", Impl: "eager", Rounds: 3, Ratio: 1.06},
		{Scenario: "Prefetch", Impl: "eager", Failure: "boom"},
	}
	want := map[string]string{"ReadSlice": "met", "Join": "missed", "Prefetch": "missed (fails)", "Depth2": "not yet implemented"}
	vs := Verdicts(rows)
	if len(vs) != 4 {
		t.Fatalf("%d verdicts", len(vs))
	}
	for _, v := range vs {
		if got := v.Status(); got != want[v.Scenario] {
			t.Errorf("%s: %s, want %s", v.Scenario, got, want[v.Scenario])
		}
	}
}

func TestRenderWithoutEager(t *testing.T) {
	s, f := round(t, 1, `BenchmarkReadSlice/impl=pgx-2 	 1000	 500000 ns/op	 1.000 stmts/op	 1000 B/op	 3527 allocs/op
BenchmarkReadSlice/impl=gorm-2 	 1000	 1000000 ns/op	 1.000 stmts/op	 2000 B/op	 6547 allocs/op
BenchmarkPrefetch100k/impl=pgx-2 	 5	 181696823 ns/op	 2.000 stmts/op	 86194040 B/op	 1299980 allocs/op
# bench-error: BenchmarkPrefetch100k/impl=gorm: extended protocol limited to 65535 parameters
`)
	var buf bytes.Buffer
	Render(&buf, Info{Rounds: 1}, Summarize(s, f), "benchstat text")
	md := buf.String()
	for _, want := range []string{
		"| ReadSlice | eager | not yet implemented |",
		"| ReadSlice | ≤ 1.10x | — | not yet implemented |",
		"| ReadSlice | gorm | 1.00 ms | 2.00x [2.00–2.00] | 6,547 | 1.95 KiB | 1 |",
		"| gorm | **fails**: extended protocol limited to 65535 parameters |",
		"| pgx | ok: 2 statements, 182 ms/op |",
		"benchstat text",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("missing %q in:\n%s", want, md)
		}
	}
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }
