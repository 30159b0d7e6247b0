package load

import (
	"context"

	"github.com/jackc/pgx/v5"
)

// DB is what the loader needs from package orm, which it may not import:
// the database a result set was read through, and the observation around
// it (load modes, captures, the strict-mode panic). Package orm implements
// it over *orm.DB (orm/engine.go), unexported, so that none of it is in
// orm's API; packages queryset and relations get it with EngineOf.
type DB interface {
	// RunBatch sends the statements in one round trip and hands each
	// result to its Scan, in order.
	RunBatch(ctx context.Context, stmts []Statement) error
	// ResolveLoadMode is the mode rows loaded now carry: own when has, else
	// the context's, else the DB's default; never looser than the DB's floor.
	ResolveLoadMode(ctx context.Context, own Mode, has bool) Mode
	// LazyAllowed reports whether ctx is inside orm.AllowLazy.
	LazyAllowed(ctx context.Context) bool
	// Capturing reports whether a capture (orm.Capture) is active on ctx.
	Capturing(ctx context.Context) bool
	// SingleRow marks the statements run with the returned context as the
	// SELECT of a single-row read (Get, First, Last) of model, for the
	// capture report (package queryset's terminals call it). Without an
	// active capture it returns ctx unchanged.
	SingleRow(ctx context.Context, model string) context.Context
	// Loading marks the statements run with the returned context as the
	// load of an access (for the capture report's N+1 groups).
	Loading(ctx context.Context, a Access) context.Context
	// Refuse is the panic value of an access strict mode refuses
	// (*orm.LazyLoadError).
	Refuse(a Access) error
	// TrackEager records in ctx's capture a relation loaded eagerly; used
	// reports, when the report is made, whether any row's relation was read.
	TrackEager(ctx context.Context, e Eager, used func() bool)
	// Handle is the *orm.DB itself, for the relation methods that write
	// through the DB a row was read with.
	Handle() any
}

// EngineOf returns the DB of handle, an *orm.DB: the engine's view of it.
//
// Package orm sets it in its init, because this package may not import orm
// (nor name *orm.DB, hence handle's type); every caller holds an *orm.DB,
// so orm is linked in and EngineOf set before any of them runs. The result
// is a pointer conversion: it neither allocates nor fails.
var EngineOf func(handle any) DB

// Mode is orm.LoadMode as the loader sees it: the same values, in the same
// order (package orm checks it at compile time).
type Mode uint8

const (
	Lazy Mode = iota
	Strict
	StrictAll
	FetchPeers
)

// Statement is one statement of a batch; Scan reads its rows.
type Statement struct {
	SQL  string
	Args []any
	Scan func(rows pgx.Rows) error
}

// Access describes an access to a relation that was not loaded: what a
// strict-mode panic and the capture report say about it.
type Access struct {
	Model    string // the model of the row accessed
	Relation string
	Kind     string // the relation's kind ("ForeignKey", "Many", ...)
	Peers    int    // rows in the row's result set
	Mode     Mode
	Site     string // file:line of the access
	Fix      string // the QuerySet call that loads it eagerly
	Root     string // the model of the QuerySet the fix goes on
	// FetchPeers is set when the load is for every peer (FetchPeers mode).
	FetchPeers bool
}

// Eager describes a relation SelectRelated or PrefetchRelated loaded.
type Eager struct {
	Via      string // "SelectRelated" or "PrefetchRelated"
	Path     string // from the root QuerySet's model
	Root     string
	Model    string
	Relation string
}
