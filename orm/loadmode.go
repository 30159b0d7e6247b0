package orm

import (
	"context"
	"fmt"
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

type loadModeKey struct{}

type ctxMode struct {
	mode LoadMode
	// allow marks AllowLazy: it overrides the mode rows were loaded with.
	allow bool
}

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
// with fn's context, whatever mode the rows were loaded in: the scoped escape
// hatch for code that knowingly loads one relation at a time.
func AllowLazy(ctx context.Context, fn func(ctx context.Context) error) error {
	return fn(context.WithValue(ctx, loadModeKey{}, ctxMode{mode: Lazy, allow: true}))
}

// LazyAllowed reports whether ctx is inside AllowLazy.
func LazyAllowed(ctx context.Context) bool {
	if ctx == nil {
		return false
	}
	m, ok := ctx.Value(loadModeKey{}).(ctxMode)
	return ok && m.allow
}

// LazyLoadError is the panic value of an unloaded relation access in Strict
// (on a row from a multi-row result) or StrictAll mode. Recover it with
// errors.As; its message names the fix.
type LazyLoadError struct {
	Model    string // the model of the row accessed ("Order")
	Relation string // the relation's name ("customer")
	Kind     RelationKind
	Peers    int // rows in the result set the row came from
	Mode     LoadMode
	Site     string // file:line of the access
	Fix      string // the QuerySet call that loads it: .SelectRelated("customer")
	Root     string // the model of the QuerySet to add Fix to
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
