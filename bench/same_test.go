package bench

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"text/tabwriter"
)

// wantStatements is how many statements each implementation must send per
// scenario (counted by the pgx tracer under every library). Missing entries
// (and scenarios a library fails) are reported, not asserted. The eager row
// is the design's contract: one statement per JOINed query, one per
// prefetch level, = ANY($1) whatever the number of parents. The other
// libraries' rows are what they do today (ent cannot JOIN; Bun JOINs the
// item's product into the items query).
var wantStatements = map[string]map[Scenario]int64{
	"pgx":   {ReadSlice: 1, Join: 1, Prefetch: 2, Depth2: 3, NPlus1: 501, FetchPeers: 2, Prefetch100k: 2},
	"eager": {ReadSlice: 1, Join: 1, Prefetch: 2, Depth2: 3, NPlus1: 501, FetchPeers: 2, Prefetch100k: 2},
	"gorm":  {ReadSlice: 1, Join: 1, Prefetch: 2, Depth2: 3, NPlus1: 501},
	"bun":   {ReadSlice: 1, Join: 1, Prefetch: 2, Depth2: 2, NPlus1: 501, Prefetch100k: 2},
	"sqlx":  {ReadSlice: 1, Join: 1, Prefetch: 2, Depth2: 3, NPlus1: 501},
	"ent":   {ReadSlice: 1, Join: 2, Prefetch: 2, Depth2: 3, NPlus1: 501},
}

type outcome struct {
	stmts int64
	err   error
}

func (o outcome) String() string {
	switch {
	case errors.Is(o.err, ErrNotApplicable):
		return "n/a"
	case o.err != nil:
		return "FAILS"
	}
	return fmt.Sprint(o.stmts)
}

// TestSameResults runs every scenario on every implementation, checks that
// each returns exactly what raw pgx returns (normalized: money in cents,
// times in µs UTC, sorted) and that the statement counts are the expected
// ones, and logs the statement-count table.
func TestSameResults(t *testing.T) {
	e := env(t)
	ctx := context.Background()
	names := Implementations()
	if len(names) == 0 || names[0] != "pgx" {
		t.Fatalf("implementations %v: pgx (the baseline) must be registered first", names)
	}
	impls := make([]Impl, len(names))
	counters := make([]*Counter, len(names))
	for i, name := range names {
		impls[i], counters[i] = openImpl(t, e, name)
	}

	table := make(map[Scenario][]outcome)
	for _, s := range Scenarios {
		var baseline any
		for i, impl := range impls {
			before := counters[i].Load()
			got, err := Run(ctx, impl, s, true)
			o := outcome{stmts: counters[i].Load() - before, err: err}
			table[s] = append(table[s], o)
			name := names[i]
			t.Run(string(s)+"/"+name, func(t *testing.T) {
				switch {
				case errors.Is(err, ErrNotApplicable):
					if name == "pgx" {
						t.Fatalf("the baseline must implement every scenario")
					}
					t.Skipf("%s has no %s", name, s)
				case err != nil && s == Prefetch100k && name != "pgx":
					// The point of the scenario: show who fails and why.
					t.Logf("%s fails at %d parents: %s", name, NumBigCustomers, short(err))
					return
				case err != nil:
					t.Fatalf("%s: %v", s, err)
				}
				if i == 0 {
					baseline = got
					checkBaseline(t, s, got)
				} else if baseline != nil {
					if msg := firstDiff(baseline, got); msg != "" {
						t.Errorf("%s differs from pgx: %s", name, msg)
					}
				}
				if want, ok := wantStatements[name][s]; ok && o.stmts != want {
					// The scenario ran; its count is part of the contract.
					t.Errorf("%s sent %d statements for %s, want %d", name, o.stmts, s, want)
				}
			})
		}
	}

	var b strings.Builder
	w := tabwriter.NewWriter(&b, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(w, "statements per operation\t%s\t\n", strings.Join(names, "\t"))
	for _, s := range Scenarios {
		row := []string{string(s)}
		for _, o := range table[s] {
			row = append(row, o.String())
		}
		fmt.Fprintf(w, "%s\t\n", strings.Join(row, "\t"))
	}
	w.Flush()
	t.Logf("\n%s", b.String())
	for i, name := range names {
		if err := table[Prefetch100k][i].err; err != nil && !errors.Is(err, ErrNotApplicable) {
			t.Logf("Prefetch100k: %s fails: %s", name, short(err))
		}
	}
}

// checkBaseline checks the shape of pgx's results against the seed, so
// that "same as pgx" means right, not just consistent.
func checkBaseline(t *testing.T, s Scenario, got any) {
	t.Helper()
	count := func(n, want int, what string) {
		if n != want {
			t.Errorf("pgx %s: %d %s, want %d", s, n, what, want)
		}
	}
	switch v := got.(type) {
	case []Order:
		count(len(v), Limit, "orders")
	case []OrderCustomer:
		count(len(v), Limit, "orders")
		for _, o := range v {
			if o.Customer.ID != o.CustomerID || o.Customer.Email == "" {
				t.Fatalf("pgx %s: order %d has customer %+v", s, o.Order.ID, o.Customer)
			}
		}
	case []CustomerOrders:
		parents, children := NumCustomers, NumOrders
		if s == Prefetch100k {
			parents, children = NumBigCustomers, NumBigOrders
		}
		n := 0
		for _, c := range v {
			for _, o := range c.Orders {
				if o.CustomerID != c.Customer.ID {
					t.Fatalf("pgx %s: order %d under customer %d", s, o.ID, c.Customer.ID)
				}
			}
			n += len(c.Orders)
		}
		count(len(v), parents, "customers")
		count(n, children, "orders")
	case []OrderItems:
		count(len(v), Limit, "orders")
		n := 0
		for _, o := range v {
			for _, it := range o.Items {
				if it.OrderID != o.Order.ID || it.Product.ID != it.ProductID || it.Product.Name == "" {
					t.Fatalf("pgx %s: item %+v under order %d", s, it, o.Order.ID)
				}
			}
			n += len(o.Items)
		}
		count(n, Limit*NumItems/NumOrders, "items")
	default:
		t.Fatalf("pgx %s: unexpected result type %T", s, got)
	}
}

// firstDiff describes the first difference between two normalized results.
func firstDiff(want, got any) string {
	if reflect.DeepEqual(want, got) {
		return ""
	}
	wv, gv := reflect.ValueOf(want), reflect.ValueOf(got)
	if wv.Type() != gv.Type() {
		return fmt.Sprintf("type %s, want %s", gv.Type(), wv.Type())
	}
	if wv.Len() != gv.Len() {
		return fmt.Sprintf("%d rows, want %d", gv.Len(), wv.Len())
	}
	for i := 0; i < wv.Len(); i++ {
		w, g := wv.Index(i).Interface(), gv.Index(i).Interface()
		if !reflect.DeepEqual(w, g) {
			return short(fmt.Errorf("row %d:\n got %+v\nwant %+v", i, g, w))
		}
	}
	return "differs"
}

// short keeps an error readable: a library may quote 100,000 parameters.
func short(err error) string {
	s := err.Error()
	if len(s) > 400 {
		s = s[:400] + fmt.Sprintf("... (%d bytes)", len(s))
	}
	return s
}
