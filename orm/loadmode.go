package orm

import (
	"context"
	"fmt"
	"sync/atomic"
)

// LoadMode decides what an access to a relation that neither SelectRelated
// nor PrefetchRelated loaded does.
type LoadMode uint8

const (
	// Lazy runs one query for the access (the N+1 pattern, recorded by hooks).
	Lazy LoadMode = iota
	// Strict panics with *LazyLoadError when the row came from a multi-row
	// result; a row from Get or First still loads lazily.
	Strict
	// StrictAll panics on every unloaded access.
	StrictAll
	// FetchPeers loads the relation for every row of the result set the row
	// came from, in one statement, on the first access.
	FetchPeers
)

func (m LoadMode) String() string {
	switch m {
	case Lazy:
		return "Lazy"
	case Strict:
		return "Strict"
	case StrictAll:
		return "StrictAll"
	case FetchPeers:
		return "FetchPeers"
	}
	return fmt.Sprintf("LoadMode(%d)", uint8(m))
}

// strictness orders the modes from the loosest to the strictest, for a
// DB's floor: Lazy runs one statement per access, FetchPeers one per result
// set, Strict refuses an access on a row of a multi-row result, StrictAll
// refuses every one.
func (m LoadMode) strictness() int {
	switch m {
	case FetchPeers:
		return 1
	case Strict:
		return 2
	case StrictAll:
		return 3
	}
	return 0
}

// atLeast is m, or floor when floor is stricter.
func (m LoadMode) atLeast(floor LoadMode) LoadMode {
	if floor.strictness() > m.strictness() {
		return floor
	}
	return m
}

// WithLoadModeFloor makes m the loosest mode rows read through the DB can
// carry: a policy, where WithLoadMode sets a default. A QuerySet's
// WithLoadMode, a context's ContextWithLoadMode, a Prefetch queryset's own
// mode and a DB derived with DB.WithLoadMode may make rows stricter, never
// looser (asked for something looser, they get m). The order is Lazy,
// FetchPeers, Strict, StrictAll. Only orm.AllowLazy loosens it, and only
// for accesses made with the context it hands its callback, while the
// callback runs. The DB's default mode is raised to m if it is looser.
//
//	db, err := orm.Open(ctx, dsn, orm.WithLoadModeFloor(orm.Strict))
func WithLoadModeFloor(m LoadMode) Option {
	return func(c *config) { c.floor = m }
}

// LoadModeFloor is the loosest mode the DB's rows can carry (Lazy: no floor).
func (db *DB) LoadModeFloor() LoadMode {
	if db == nil {
		return Lazy
	}
	return db.floor
}

// resolveLoadMode is the mode rows a query on db loads now carry: the
// query's own mode when it sets one (has), else the one ctx carries
// (ContextWithLoadMode), else the DB's default; never looser than the DB's
// floor. Package queryset resolves every query's mode through it, and the
// engine a Prefetch queryset's (both through engine.go).
func (db *DB) resolveLoadMode(ctx context.Context, own LoadMode, has bool) LoadMode {
	m := own
	if !has {
		if cm, ok := LoadModeFrom(ctx); ok {
			m = cm
		} else {
			m = db.LoadMode()
		}
	}
	return m.atLeast(db.LoadModeFloor())
}

type loadModeKey struct{}

type ctxMode struct {
	mode LoadMode
	// allow marks AllowLazy: while its scope is open it overrides the mode
	// rows were loaded with.
	allow bool
	scope *allowScope
}

// allowScope is one AllowLazy call: open while its callback runs, so a
// context that escapes the callback (saved, or handed to a goroutine that
// outlives it) no longer allows anything.
type allowScope struct{ open atomic.Bool }

// ContextWithLoadMode returns a context whose queries load rows in mode m
// (overriding the DB's and the QuerySet's mode for rows loaded with it).
func ContextWithLoadMode(ctx context.Context, m LoadMode) context.Context {
	return context.WithValue(ctx, loadModeKey{}, ctxMode{mode: m})
}

// LoadModeFrom returns the load mode set on ctx by ContextWithLoadMode, if any.
func LoadModeFrom(ctx context.Context) (LoadMode, bool) {
	if ctx == nil {
		return Lazy, false
	}
	m, ok := ctx.Value(loadModeKey{}).(ctxMode)
	return m.mode, ok && !m.allow
}

// AllowLazy runs fn with lazy loading allowed on every relation accessed
// with fn's context, whatever mode the rows were loaded in (a DB's floor
// included): the scoped escape hatch for code that knowingly loads one
// relation at a time. The permission ends when fn returns: fn's context,
// kept or used after that, allows nothing.
func AllowLazy(ctx context.Context, fn func(ctx context.Context) error) error {
	scope := &allowScope{}
	scope.open.Store(true)
	defer scope.open.Store(false)
	return fn(context.WithValue(ctx, loadModeKey{}, ctxMode{mode: Lazy, allow: true, scope: scope}))
}

// lazyAllowed reports whether ctx is the context of an AllowLazy callback
// that is still running.
func lazyAllowed(ctx context.Context) bool {
	if ctx == nil {
		return false
	}
	m, ok := ctx.Value(loadModeKey{}).(ctxMode)
	return ok && m.allow && m.scope.open.Load()
}

// LazyLoadError is the panic value of an unloaded relation access in Strict
// (on a row from a multi-row result) or StrictAll mode. Recover it with
// errors.As; its message names the fix.
type LazyLoadError struct {
	Model    string // the model of the row accessed ("Order")
	Relation string // the relation's name ("customer")
	// Kind is the relation's kind: "ForeignKey", "OneToOne", "reverse
	// OneToOne", "Many" or "ManyToMany".
	Kind  string
	Peers int // rows in the result set the row came from
	Mode  LoadMode
	Site  string // file:line of the access
	Fix   string // the QuerySet call that loads it: .SelectRelated("customer")
	Root  string // the model of the QuerySet to add Fix to
}

func (e *LazyLoadError) Error() string {
	where := ""
	if e.Site != "" {
		where = " at " + e.Site
	}
	root := e.Root
	if root == "" {
		root = e.Model
	}
	return fmt.Sprintf("orm: %s mode: lazy load of %s.%s%s on a row from a result of %d rows (an N+1 query); add %s to the QuerySet[%s], or wrap the access in orm.AllowLazy",
		e.Mode, e.Model, e.Relation, where, e.Peers, e.Fix, root)
}
