package orm

import (
	"context"

	"github.com/eagerorm/eager/internal/load"
)

// engineDB is a *DB as the loading engine (internal/load) sees it: the
// engine may not import orm, so it declares what it needs (load.DB) and
// this type supplies it from orm's unexported plumbing, which is why it
// lives here and the plumbing stays out of orm's API. A conversion of the
// pointer, it costs nothing.
type engineDB DB

// The engine reaches a *DB's engineDB through load.EngineOf (packages
// queryset and relations hold a *DB, the engine a load.DB).
func init() { load.EngineOf = engineOf }

func engineOf(handle any) load.DB { return (*engineDB)(handle.(*DB)) }

func (e *engineDB) db() *DB { return (*DB)(e) }

// The engine's modes are orm's, value for value: the two lines below fail
// to compile if they ever differ.
var (
	_ = [1]struct{}{}[LoadMode(load.Lazy)-Lazy+LoadMode(load.Strict)-Strict]
	_ = [1]struct{}{}[LoadMode(load.StrictAll)-StrictAll+LoadMode(load.FetchPeers)-FetchPeers]
)

func (e *engineDB) RunBatch(ctx context.Context, stmts []load.Statement) error {
	return e.db().runBatch(ctx, stmts)
}

func (e *engineDB) ResolveLoadMode(ctx context.Context, own load.Mode, has bool) load.Mode {
	return load.Mode(e.db().resolveLoadMode(ctx, LoadMode(own), has))
}

func (e *engineDB) LazyAllowed(ctx context.Context) bool { return lazyAllowed(ctx) }

func (e *engineDB) Capturing(ctx context.Context) bool { return captureFrom(ctx) != nil }

func (e *engineDB) SingleRow(ctx context.Context, model string) context.Context {
	return withSingleRow(ctx, model)
}

func (e *engineDB) Loading(ctx context.Context, a load.Access) context.Context {
	kind := "lazy"
	if a.FetchPeers {
		kind = "peers"
	}
	return withLoadInfo(ctx, &LoadInfo{Kind: kind, Model: a.Model, Relation: a.Relation, Fix: a.Fix, Root: a.Root})
}

func (e *engineDB) Refuse(a load.Access) error {
	return &LazyLoadError{Model: a.Model, Relation: a.Relation, Kind: a.Kind, Peers: a.Peers,
		Mode: LoadMode(a.Mode), Site: a.Site, Fix: a.Fix, Root: a.Root}
}

func (e *engineDB) TrackEager(ctx context.Context, l load.Eager, used func() bool) {
	if log := captureFrom(ctx); log != nil {
		log.addEagerLoad(EagerLoad{Via: l.Via, Path: l.Path, Root: l.Root, Model: l.Model, Relation: l.Relation}, used)
	}
}

func (e *engineDB) Handle() any { return e.db() }
