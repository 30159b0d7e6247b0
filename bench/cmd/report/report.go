package main

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// Sample is one benchmark result line of one round.
type Sample struct {
	Round    int
	Scenario string
	Impl     string
	NsPerOp  float64
	Metrics  map[string]float64 // unit -> value: "B/op", "allocs/op", "stmts/op"
}

// Failure is a library failing a scenario (a "# bench-error:" line).
type Failure struct {
	Scenario, Impl, Msg string
}

var (
	// BenchmarkJoin/impl=gorm-2   1000   1234 ns/op   1.000 stmts/op   ...
	lineRE  = regexp.MustCompile(`^Benchmark([A-Za-z0-9_]+)/impl=([A-Za-z0-9_.]+?)(?:-\d+)?\s+(\d+)\s+(.+)$`)
	errorRE = regexp.MustCompile(`^# bench-error: Benchmark([A-Za-z0-9_]+)/impl=([A-Za-z0-9_.]+): (.*)$`)
)

// Parse reads one round's `go test -bench` output.
func Parse(r io.Reader, round int) ([]Sample, []Failure, error) {
	var samples []Sample
	var failures []Failure
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if m := errorRE.FindStringSubmatch(line); m != nil {
			failures = append(failures, Failure{m[1], m[2], m[3]})
			continue
		}
		m := lineRE.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		s := Sample{Round: round, Scenario: m[1], Impl: m[2], Metrics: map[string]float64{}}
		f := strings.Fields(m[4])
		if len(f)%2 != 0 {
			return nil, nil, fmt.Errorf("round %d: odd metric list in %q", round, line)
		}
		for i := 0; i < len(f); i += 2 {
			v, err := strconv.ParseFloat(f[i], 64)
			if err != nil {
				return nil, nil, fmt.Errorf("round %d: %q: %v", round, line, err)
			}
			if f[i+1] == "ns/op" {
				s.NsPerOp = v
			} else {
				s.Metrics[f[i+1]] = v
			}
		}
		if s.NsPerOp == 0 {
			return nil, nil, fmt.Errorf("round %d: no ns/op in %q", round, line)
		}
		samples = append(samples, s)
	}
	return samples, failures, sc.Err()
}

// Baseline is the implementation every ratio is relative to.
const Baseline = "pgx"

// Targets are eager's ceilings: median ratio to raw pgx.
var Targets = map[string]float64{
	"ReadSlice": 1.10,
	"Join":      1.05,
	"Prefetch":  1.15,
	"Depth2":    1.20,
}

// ScenarioOrder and ImplOrder order the table; unknown names go last,
// alphabetically.
var (
	ScenarioOrder = []string{"ReadSlice", "Join", "Prefetch", "Depth2", "NPlus1", "FetchPeers", "Prefetch100k"}
	ImplOrder     = []string{"pgx", "eager", "gorm", "bun", "sqlx", "ent"}
)

// Row is one scenario x implementation of the summary.
type Row struct {
	Scenario, Impl string
	Rounds         int     // rounds with a result for both this impl and the baseline
	NsPerOp        float64 // median over rounds
	Ratio          float64 // median of per-round ratios to the baseline (0: none)
	RatioMin       float64
	RatioMax       float64
	AllocsPerOp    float64 // median; -1 when not reported
	BytesPerOp     float64
	StmtsPerOp     float64
	Failure        string // the library fails the scenario
}

// Summarize computes, per scenario and implementation, the median of the
// per-round ratios to the baseline (each round's implementation ns/op over
// the baseline's ns/op in the same round), their min and max, and the
// medians of the other metrics.
func Summarize(samples []Sample, failures []Failure) []Row {
	type key struct{ scenario, impl string }
	byKey := map[key][]Sample{}
	for _, s := range samples {
		k := key{s.Scenario, s.Impl}
		byKey[k] = append(byKey[k], s)
	}
	base := map[key]float64{} // (scenario, round) -> baseline ns/op
	for _, s := range samples {
		if s.Impl == Baseline {
			base[key{s.Scenario, strconv.Itoa(s.Round)}] = s.NsPerOp
		}
	}
	var rows []Row
	for k, ss := range byKey {
		r := Row{Scenario: k.scenario, Impl: k.impl}
		var ns, ratios, allocs, bytes, stmts []float64
		for _, s := range ss {
			ns = append(ns, s.NsPerOp)
			if b, ok := base[key{s.Scenario, strconv.Itoa(s.Round)}]; ok && b > 0 {
				ratios = append(ratios, s.NsPerOp/b)
			}
			allocs = appendMetric(allocs, s, "allocs/op")
			bytes = appendMetric(bytes, s, "B/op")
			stmts = appendMetric(stmts, s, "stmts/op")
		}
		r.NsPerOp = Median(ns)
		r.Rounds = len(ratios)
		if len(ratios) > 0 {
			r.Ratio = Median(ratios)
			r.RatioMin, r.RatioMax = slices.Min(ratios), slices.Max(ratios)
		}
		r.AllocsPerOp, r.BytesPerOp, r.StmtsPerOp = medianOr(allocs), medianOr(bytes), medianOr(stmts)
		rows = append(rows, r)
	}
	seen := map[key]bool{}
	for _, f := range failures {
		k := key{f.Scenario, f.Impl}
		if _, ok := byKey[k]; ok || seen[k] {
			continue // failed in one round only: the successful rounds stand
		}
		seen[k] = true
		rows = append(rows, Row{Scenario: f.Scenario, Impl: f.Impl, Failure: f.Msg, AllocsPerOp: -1, BytesPerOp: -1, StmtsPerOp: -1})
	}
	sort.Slice(rows, func(i, j int) bool {
		if a, b := orderOf(ScenarioOrder, rows[i].Scenario), orderOf(ScenarioOrder, rows[j].Scenario); a != b {
			return a < b
		}
		if rows[i].Scenario != rows[j].Scenario {
			return rows[i].Scenario < rows[j].Scenario
		}
		if a, b := orderOf(ImplOrder, rows[i].Impl), orderOf(ImplOrder, rows[j].Impl); a != b {
			return a < b
		}
		return rows[i].Impl < rows[j].Impl
	})
	return rows
}

func appendMetric(dst []float64, s Sample, unit string) []float64 {
	if v, ok := s.Metrics[unit]; ok {
		return append(dst, v)
	}
	return dst
}

func medianOr(v []float64) float64 {
	if len(v) == 0 {
		return -1
	}
	return Median(v)
}

func orderOf(order []string, name string) int {
	if i := slices.Index(order, name); i >= 0 {
		return i
	}
	return len(order)
}

// Median of v (the mean of the two middle values for an even count).
func Median(v []float64) float64 {
	if len(v) == 0 {
		return math.NaN()
	}
	s := slices.Clone(v)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// Verdict is eager's status against its target in one scenario.
type Verdict struct {
	Scenario string
	Target   float64
	Row      *Row // eager's row, nil when eager has not run
}

// Status is "met", "missed", "fails: ..." or "not yet implemented".
func (v Verdict) Status() string {
	switch {
	case v.Row == nil:
		return "not yet implemented"
	case v.Row.Failure != "":
		return "missed (fails)"
	case v.Row.Rounds == 0:
		return "no baseline"
	case v.Row.Ratio <= v.Target:
		return "met"
	}
	return "missed"
}

// Verdicts returns eager's verdict for every scenario that has a target,
// in report order.
func Verdicts(rows []Row) []Verdict {
	var out []Verdict
	for _, s := range ScenarioOrder {
		t, ok := Targets[s]
		if !ok {
			continue
		}
		v := Verdict{Scenario: s, Target: t}
		for i := range rows {
			if rows[i].Scenario == s && rows[i].Impl == "eager" {
				v.Row = &rows[i]
			}
		}
		out = append(out, v)
	}
	return out
}
