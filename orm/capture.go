package orm

import (
	"context"
	"sync"
	"time"

	"github.com/eagerorm/eager/internal/callsite"
	"github.com/eagerorm/eager/internal/load"
)

type captureKey struct{}

// QueryLog collects every statement run, on any DB, with a context made by
// Capture: the SQL, the argument count, duration, rows, error and the line
// of code that caused it. Report groups them and finds N+1 patterns.
type QueryLog struct {
	mu      sync.Mutex
	queries []CapturedQuery
	eager   []eagerEntry
	parent  *QueryLog // an enclosing capture sees the statements too
}

// CapturedQuery is one statement of a QueryLog.
type CapturedQuery struct {
	SQL      string
	Args     int
	Duration time.Duration
	Rows     int64
	Err      error
	// Site is the file:line of the code outside eager that caused the
	// statement: the QuerySet call, or the relation access of a lazy load.
	Site      string
	TxControl bool
	Batch     int
	// Load is set when a relation access ran the statement (a lazy load or
	// a FetchPeers load), saying which relation and how to load it eagerly.
	Load *LoadInfo
	// SingleRow names the model when the statement was the SELECT of a
	// single-row QuerySet terminal (Get, First, Last).
	SingleRow string
	// PerChunk is set on the statements Iter sends once per chunk (its
	// FETCH, the chunk's prefetches): they repeat by design, and the
	// report never counts them as an N+1.
	PerChunk bool
}

// LoadInfo describes a statement that loaded a relation on access.
type LoadInfo struct {
	Kind     string // "lazy" (one row's relation) or "peers" (FetchPeers: the whole result set's)
	Model    string // the model of the row accessed
	Relation string
	Fix      string // .SelectRelated("customer") or .PrefetchRelated("orders")
	Root     string // the model of the QuerySet the fix goes on
}

type loadInfoKey struct{}

type singleRowKey struct{}

// withSingleRow marks the statements run with the returned context as the
// SELECT of a single-row read (Get, First, Last) of model: one of them is
// not an N+1, but a loop of them is one that strict mode allows, and the
// report names it. Package queryset marks its single-row reads through the
// engine (engine.go). Without an active capture it returns ctx unchanged.
func withSingleRow(ctx context.Context, model string) context.Context {
	if captureFrom(ctx) == nil {
		return ctx
	}
	return context.WithValue(ctx, singleRowKey{}, model)
}

// withLoadInfo marks the statements run with the returned context as a
// relation load (the engine does this for lazy and FetchPeers loads).
func withLoadInfo(ctx context.Context, info *LoadInfo) context.Context {
	return context.WithValue(ctx, loadInfoKey{}, info)
}

// Capture returns a context under which every statement is recorded in the
// returned log. Captures nest: an enclosing log also records the inner
// one's statements. When no capture is active, the cost is one context
// lookup per statement and no allocation.
func Capture(ctx context.Context) (context.Context, *QueryLog) {
	log := &QueryLog{parent: captureFrom(ctx)}
	return context.WithValue(ctx, captureKey{}, log), log
}

// captureFrom returns the innermost active QueryLog of ctx, or nil.
func captureFrom(ctx context.Context) *QueryLog {
	if ctx == nil {
		return nil
	}
	log, _ := ctx.Value(captureKey{}).(*QueryLog)
	return log
}

// record adds a finished statement to the log and its enclosing logs.
func (l *QueryLog) record(ctx context.Context, ev *QueryEvent) {
	q := CapturedQuery{SQL: ev.SQL, Args: len(ev.Args), Duration: ev.Duration, Rows: ev.RowsAffected, Err: ev.Err,
		Site: ev.site, TxControl: ev.TxControl, Batch: ev.Batch}
	q.Load, _ = ctx.Value(loadInfoKey{}).(*LoadInfo)
	q.SingleRow, _ = ctx.Value(singleRowKey{}).(string)
	q.PerChunk = load.IsPerChunk(ctx)
	for ; l != nil; l = l.parent {
		l.mu.Lock()
		l.queries = append(l.queries, q)
		l.mu.Unlock()
	}
}

// Queries returns the statements recorded so far, in order.
func (l *QueryLog) Queries() []CapturedQuery {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]CapturedQuery(nil), l.queries...)
}

// Count is the number of statements recorded, transaction control
// (BEGIN, COMMIT, savepoints) not included.
func (l *QueryLog) Count() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, q := range l.queries {
		if !q.TxControl {
			n++
		}
	}
	return n
}

// EagerLoad is a relation SelectRelated or PrefetchRelated loaded.
type EagerLoad struct {
	Via      string // "SelectRelated" or "PrefetchRelated"
	Path     string // from the QuerySet's model: "customer", "orders__items"
	Root     string // the QuerySet's model
	Model    string // the model holding the relation
	Relation string
	Site     string // where the QuerySet ran
}

type eagerEntry struct {
	EagerLoad
	used func() bool
}

// addEagerLoad records an eager load; used reports, at report time, whether
// any row's relation was read. The engine calls it (engine.go).
func (l *QueryLog) addEagerLoad(e EagerLoad, used func() bool) {
	if e.Site == "" {
		e.Site = callsite.Find(1)
	}
	for ; l != nil; l = l.parent {
		l.mu.Lock()
		l.eager = append(l.eager, eagerEntry{e, used})
		l.mu.Unlock()
	}
}
