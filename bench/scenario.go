package bench

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
)

// Limit is how many orders ReadSlice, Join, Depth2, NPlus1 and FetchPeers
// load: the first Limit orders by id.
const Limit = 500

// Result is what a scenario returns: the library's own rows, untouched while
// benchmarking; Normalize converts them to the plain shapes for comparison.
type Result[T any] interface {
	Normalize() T
}

// Impl is one data-access library running every scenario. Each method
// loads its data the way a user of that library would write it, and
// returns the library's own rows. A method returns ErrNotApplicable when the
// library has no such feature (FetchPeers is eager's lazy-load mode); any
// other error is the library failing the scenario (reported, never a crash).
type Impl interface {
	// Name is the short, stable name used in benchmark names (impl=NAME)
	// and in docs/performance.md.
	Name() string

	// ReadSlice: the first 500 orders by id.
	ReadSlice(ctx context.Context) (Result[[]Order], error)
	// Join: the first 500 orders by id, each with its customer.
	Join(ctx context.Context) (Result[[]OrderCustomer], error)
	// Prefetch: every customer of the main dataset (500) with its orders.
	Prefetch(ctx context.Context) (Result[[]CustomerOrders], error)
	// Depth2: the first 500 orders by id, their items, each item's product.
	Depth2(ctx context.Context) (Result[[]OrderItems], error)
	// NPlus1: the first 500 orders by id, then each order's customer loaded
	// one by one, the naive loop (eager: Lazy mode).
	NPlus1(ctx context.Context) (Result[[]OrderCustomer], error)
	// FetchPeers: the first 500 orders by id, then each order's customer
	// accessed in a loop; eager's FetchPeers mode turns the first access
	// into one load for every peer. Raw pgx does the equivalent by hand:
	// orders, then their customers with = ANY($1).
	FetchPeers(ctx context.Context) (Result[[]OrderCustomer], error)
	// Prefetch100k: every customer of the big dataset (100,000) with its
	// orders: what batch loading does past 65,535 keys.
	Prefetch100k(ctx context.Context) (Result[[]CustomerOrders], error)

	// Close releases the implementation's pools.
	Close()
}

// ErrNotApplicable is returned by a scenario the library has no equivalent for.
var ErrNotApplicable = errors.New("not applicable to this library")

// Scenario names a scenario; the benchmark for it is Benchmark<Scenario>.
type Scenario string

// The scenarios, in report order.
const (
	ReadSlice    Scenario = "ReadSlice"
	Join         Scenario = "Join"
	Prefetch     Scenario = "Prefetch"
	Depth2       Scenario = "Depth2"
	NPlus1       Scenario = "NPlus1"
	FetchPeers   Scenario = "FetchPeers"
	Prefetch100k Scenario = "Prefetch100k"
)

// Scenarios lists every scenario in report order.
var Scenarios = []Scenario{ReadSlice, Join, Prefetch, Depth2, NPlus1, FetchPeers, Prefetch100k}

// Run runs scenario s on impl and returns the normalized result (as any,
// for comparison with reflect.DeepEqual). With normalize false it returns
// nil: what the benchmarks measure.
func Run(ctx context.Context, impl Impl, s Scenario, normalize bool) (any, error) {
	switch s {
	case ReadSlice:
		return run(impl.ReadSlice(ctx))(normalize)
	case Join:
		return run(impl.Join(ctx))(normalize)
	case Prefetch:
		return run(impl.Prefetch(ctx))(normalize)
	case Depth2:
		return run(impl.Depth2(ctx))(normalize)
	case NPlus1:
		return run(impl.NPlus1(ctx))(normalize)
	case FetchPeers:
		return run(impl.FetchPeers(ctx))(normalize)
	case Prefetch100k:
		return run(impl.Prefetch100k(ctx))(normalize)
	}
	return nil, fmt.Errorf("bench: unknown scenario %q", s)
}

func run[T any](r Result[T], err error) func(bool) (any, error) {
	return func(normalize bool) (any, error) {
		if err != nil || !normalize {
			return nil, err
		}
		return r.Normalize(), nil
	}
}

// Factory opens an implementation on the connections c gives.
type Factory func(ctx context.Context, c *Conn) (Impl, error)

type registration struct {
	name    string
	factory Factory
}

var (
	registryMu sync.Mutex
	registry   []registration
)

// Register adds an implementation; impl_<name>.go calls it from init.
func Register(name string, f Factory) {
	registryMu.Lock()
	defer registryMu.Unlock()
	for _, r := range registry {
		if r.name == name {
			panic("bench: implementation registered twice: " + name)
		}
	}
	registry = append(registry, registration{name, f})
}

// reportOrder puts the baseline first and eager next to it.
var reportOrder = []string{"pgx", "eager", "gorm", "bun", "sqlx", "ent"}

func rank(name string) int {
	if i := slices.Index(reportOrder, name); i >= 0 {
		return i
	}
	return len(reportOrder)
}

// Implementations returns the registered names, baseline (pgx) first.
func Implementations() []string {
	registryMu.Lock()
	defer registryMu.Unlock()
	names := make([]string, len(registry))
	for i, r := range registry {
		names[i] = r.name
	}
	slices.SortStableFunc(names, func(a, b string) int {
		if d := rank(a) - rank(b); d != 0 {
			return d
		}
		if a < b {
			return -1
		}
		if a > b {
			return 1
		}
		return 0
	})
	return names
}

// Open opens the named implementation with its own statement counter.
func Open(ctx context.Context, env *Env, name string) (Impl, *Counter, error) {
	registryMu.Lock()
	var f Factory
	for _, r := range registry {
		if r.name == name {
			f = r.factory
		}
	}
	registryMu.Unlock()
	if f == nil {
		return nil, nil, fmt.Errorf("bench: no implementation %q", name)
	}
	c := &Conn{env: env, counter: new(Counter)}
	impl, err := f(ctx, c)
	if err != nil {
		return nil, nil, fmt.Errorf("bench: open %s: %w", name, err)
	}
	return impl, c.counter, nil
}
