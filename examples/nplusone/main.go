// Command nplusone is the classic dashboard incident: 500 orders listed with
// their customer's name. It lists them four ways and prints, for each, how
// many statements reached PostgreSQL and how long it took:
//
//	go run ./examples/nplusone [-orders 500] [-dsn postgres://...]
//
// Then it runs the naive loop under orm.Strict, which panics with the fix,
// and prints the capture report of the naive run, which names the line.
//
// Without -dsn it uses the server the environment names
// ($EAGER_DATABASE_URL, $DATABASE_URL, or libpq's PG* variables); when it
// names none and nothing answers at libpq's defaults, it starts a throwaway
// cluster (package pgdev) and removes it at the end. Its tables live in the
// schema eager_nplusone, recreated on every run.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"slices"
	"time"

	"github.com/eagerorm/eager/examples/internal/redact"
	"github.com/eagerorm/eager/examples/internal/shop"
	"github.com/eagerorm/eager/orm"
	"github.com/eagerorm/eager/queryset"
)

func main() {
	orders := flag.Int("orders", 500, "how many orders to list")
	dsn := flag.String("dsn", "", "PostgreSQL connection string (default: from the environment, see the package doc)")
	flag.Parse()
	log.SetFlags(0)
	if *orders < 1 {
		log.Fatal("nplusone: -orders must be at least 1")
	}
	ctx := context.Background()
	db, server, stop, err := shop.Open(ctx, *dsn, "eager_nplusone")
	if err != nil {
		log.Fatal("nplusone: ", err)
	}
	fmt.Printf("eager N+1 tutorial: %d orders, %d customers, on %s\n\n", *orders, max(1, *orders/5), server)
	err = shop.Setup(ctx, db, *orders)
	if err == nil {
		err = demo(ctx, os.Stdout, db)
	}
	stop() // before exiting: a throwaway cluster must not outlive the program
	if err != nil {
		log.Fatal("nplusone: ", redact.Error(err)) // no row values in the log
	}
}

// line is one row of the dashboard: the order and its customer's name.
type line struct {
	order    int64
	customer string
}

// The four ways to list the orders. Each returns the same lines.

// naive is the bug: one query for the orders, then one per order for its
// customer, inside the loop.
func naive(ctx context.Context, db *orm.DB) ([]line, error) {
	orders, err := queryset.New[shop.Order](db).OrderBy("id").All(ctx)
	if err != nil {
		return nil, err
	}
	lines := make([]line, 0, len(orders))
	for _, o := range orders {
		c, err := o.Customer.Get(ctx) // not loaded: a query per order
		if err != nil {
			return nil, err
		}
		lines = append(lines, line{o.ID, c.Name})
	}
	return lines, nil
}

// selectRelated joins the customer into the orders' statement: 1 query.
func selectRelated(ctx context.Context, db *orm.DB) ([]line, error) {
	orders, err := queryset.New[shop.Order](db).SelectRelated("customer").OrderBy("id").All(ctx)
	if err != nil {
		return nil, err
	}
	return render(ctx, orders)
}

// prefetchRelated loads every customer with one more query keyed by an
// array of their ids (= ANY($1)): 2 queries.
func prefetchRelated(ctx context.Context, db *orm.DB) ([]line, error) {
	orders, err := queryset.New[shop.Order](db).PrefetchRelated("customer").OrderBy("id").All(ctx)
	if err != nil {
		return nil, err
	}
	return render(ctx, orders)
}

// fetchPeers keeps the naive loop unchanged and sets the load mode: the
// first access loads the customers of all 500 orders at once: 2 queries.
func fetchPeers(ctx context.Context, db *orm.DB) ([]line, error) {
	return naive(ctx, db.WithLoadMode(orm.FetchPeers))
}

func render(ctx context.Context, orders []*shop.Order) ([]line, error) {
	lines := make([]line, 0, len(orders))
	for _, o := range orders {
		c, err := o.Customer.Get(ctx) // loaded: no query
		if err != nil {
			return nil, err
		}
		lines = append(lines, line{o.ID, c.Name})
	}
	return lines, nil
}

// Result is one approach's measurement.
type Result struct {
	Label      string
	Statements int
	Time       time.Duration // the median of several runs
}

var approaches = []struct {
	label string
	list  func(context.Context, *orm.DB) ([]line, error)
}{
	{"naive loop", naive},
	{"SelectRelated", selectRelated},
	{"PrefetchRelated", prefetchRelated},
	{"FetchPeers", fetchPeers},
}

// runs is how many times each approach runs; its median time is reported.
const runs = 5

// measure runs every approach, checks they list the same thing, and counts
// the statements of each with orm.Capture.
func measure(ctx context.Context, db *orm.DB) ([]Result, error) {
	var want []line
	var results []Result
	for _, a := range approaches {
		var times []time.Duration
		r := Result{Label: a.label}
		for i := range runs {
			cctx, log := orm.Capture(ctx)
			start := time.Now()
			got, err := a.list(cctx, db)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", a.label, err)
			}
			times = append(times, time.Since(start))
			if i == 0 {
				r.Statements = log.Count()
			}
			if want == nil {
				want = got
			} else if !slices.Equal(want, got) {
				return nil, fmt.Errorf("%s listed different orders than the naive loop", a.label)
			}
		}
		slices.Sort(times)
		r.Time = times[len(times)/2]
		results = append(results, r)
	}
	return results, nil
}

// demo prints the comparison, the strict-mode panic and the capture report.
func demo(ctx context.Context, w io.Writer, db *orm.DB) error {
	results, err := measure(ctx, db)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "%-16s %10s %10s %8s\n", "approach", "statements", "time", "speedup")
	for _, r := range results {
		fmt.Fprintf(w, "%-16s %10d %10s %7.1fx\n", r.Label, r.Statements, r.Time.Round(10*time.Microsecond),
			float64(results[0].Time)/float64(r.Time))
	}
	fmt.Fprintf(w, "(time: the median of %d runs; statements counted with orm.Capture)\n\n", runs)

	fmt.Fprintln(w, "The naive loop under orm.Strict panics on the first lazy access:")
	msg, err := strictPanic(ctx, db)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "  %s\n\n", msg)

	fmt.Fprintln(w, "The capture report of the naive loop names the line and the fix:")
	cctx, log := orm.Capture(ctx)
	if _, err := naive(cctx, db); err != nil {
		return err
	}
	fmt.Fprint(w, log.Report())
	return nil
}

// strictPanic runs the naive loop in Strict mode and returns the message of
// the *orm.LazyLoadError it panics with.
func strictPanic(ctx context.Context, db *orm.DB) (msg string, err error) {
	defer func() {
		r := recover()
		if r == nil {
			err = errors.New("strict mode did not panic")
			return
		}
		var lazy *orm.LazyLoadError
		if e, ok := r.(error); ok && errors.As(e, &lazy) {
			msg = lazy.Error()
			return
		}
		panic(r)
	}()
	_, err = naive(ctx, db.WithLoadMode(orm.Strict))
	return "", err
}
