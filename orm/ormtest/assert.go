package ormtest

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/eagerorm/eager/orm"
)

// AssertNumQueries runs fn and fails tb unless exactly n statements ran with
// fn's context (BEGIN, COMMIT and savepoints not counted). The failure
// lists the captured SQL, numbered, with where each statement came from.
// It returns the log for further checks.
func AssertNumQueries(tb testing.TB, n int, fn func(ctx context.Context)) *orm.QueryLog {
	tb.Helper()
	ctx, log := orm.Capture(context.Background())
	fn(ctx)
	if got := log.Count(); got != n {
		tb.Errorf("%d queries executed, %d expected\n%s", got, n, listQueries(log))
	}
	return log
}

// AssertNoNPlusOne runs fn and fails tb if any statement shape repeated from
// one line of code (the N+1 pattern), with the report and the fix.
func AssertNoNPlusOne(tb testing.TB, fn func(ctx context.Context)) *orm.QueryLog {
	tb.Helper()
	ctx, log := orm.Capture(context.Background())
	fn(ctx)
	r := log.Report()
	if len(r.NPlusOne) > 0 {
		var b strings.Builder
		for _, n := range r.NPlusOne {
			fmt.Fprintf(&b, "  %d x %s\n    from %s\n    fix: %s\n", n.Count, n.SQL, n.Site, n.Suggestion)
		}
		tb.Errorf("N+1 queries detected:\n%s%s", b.String(), r)
	}
	return log
}

func listQueries(log *orm.QueryLog) string {
	var b strings.Builder
	b.WriteString("Captured queries were:\n")
	i := 0
	for _, q := range log.Queries() {
		if q.TxControl {
			continue
		}
		i++
		fmt.Fprintf(&b, "%d. %s", i, q.SQL)
		if q.Site != "" {
			fmt.Fprintf(&b, "   -- %s", q.Site)
		}
		b.WriteByte('\n')
	}
	if i == 0 {
		b.WriteString("(none)\n")
	}
	return b.String()
}
