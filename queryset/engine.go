package queryset

import (
	"context"

	"github.com/eagerorm/eager/internal/load"
	"github.com/eagerorm/eager/internal/schema"
	"github.com/eagerorm/eager/orm"
)

// engineDB is *orm.DB as the loading engine (internal/load) sees it: the
// engine may not import orm, so it declares what it needs and this type
// supplies it. A conversion of the pointer, it costs nothing.
type engineDB orm.DB

func engine(db *orm.DB) *engineDB { return (*engineDB)(db) }

func (e *engineDB) db() *orm.DB { return (*orm.DB)(e) }

// The engine's modes are orm's, value for value: the two lines below fail
// to compile if they ever differ.
var (
	_ = [1]struct{}{}[orm.LoadMode(load.Lazy)-orm.Lazy+orm.LoadMode(load.Strict)-orm.Strict]
	_ = [1]struct{}{}[orm.LoadMode(load.StrictAll)-orm.StrictAll+orm.LoadMode(load.FetchPeers)-orm.FetchPeers]
)

func (e *engineDB) RunBatch(ctx context.Context, stmts []load.Statement) error {
	var small [4]orm.BatchQuery // a lazy load's one statement allocates nothing here
	batch := small[:0]
	if len(stmts) > len(small) {
		batch = make([]orm.BatchQuery, 0, len(stmts))
	}
	batch = batch[:len(stmts)]
	for i, s := range stmts {
		batch[i] = orm.BatchQuery{SQL: s.SQL, Args: s.Args, Scan: s.Scan}
	}
	return e.db().RunBatch(ctx, batch)
}

func (e *engineDB) ResolveLoadMode(ctx context.Context, own load.Mode, has bool) load.Mode {
	return load.Mode(e.db().ResolveLoadMode(ctx, orm.LoadMode(own), has))
}

func (e *engineDB) LazyAllowed(ctx context.Context) bool { return orm.LazyAllowed(ctx) }

func (e *engineDB) Capturing(ctx context.Context) bool { return orm.CaptureFrom(ctx) != nil }

func (e *engineDB) Loading(ctx context.Context, a load.Access) context.Context {
	kind := "lazy"
	if a.FetchPeers {
		kind = "peers"
	}
	return orm.WithLoadInfo(ctx, &orm.LoadInfo{Kind: kind, Model: a.Model, Relation: a.Relation, Fix: a.Fix, Root: a.Root})
}

func (e *engineDB) Refuse(a load.Access) error {
	return &orm.LazyLoadError{Model: a.Model, Relation: a.Relation, Kind: a.Kind, Peers: a.Peers,
		Mode: orm.LoadMode(a.Mode), Site: a.Site, Fix: a.Fix, Root: a.Root}
}

func (e *engineDB) TrackEager(ctx context.Context, l load.Eager, used func() bool) {
	if log := orm.CaptureFrom(ctx); log != nil {
		log.AddEagerLoad(orm.EagerLoad{Via: l.Via, Path: l.Path, Root: l.Root, Model: l.Model, Relation: l.Relation}, used)
	}
}

func (e *engineDB) Handle() any { return e.db() }

// linked is a query as the engine's loads see it (load.Query): a Prefetch
// queryset, or a model's default one. A type of its own, so that the
// methods it needs stay out of QuerySet's method set.
type linked query

// defaultLoader gives the engine the query for a relation loaded without a
// custom queryset: every row of the target model.
var defaultLoader load.Loader = loader{}

type loader struct{}

func (loader) DefaultQuery(m *schema.Model) load.Query {
	return &linked{model: m, limit: -1, compiled: &compiledCache{}}
}

// QueryModel implements load.Query.
func (l *linked) QueryModel() *schema.Model { return l.model }

// Lookups implements load.Query: the QuerySet's own PrefetchRelated.
func (l *linked) Lookups() []load.Lookup { return l.prefetch }

// LoadMode implements load.Query: the mode set by WithLoadMode.
func (l *linked) LoadMode() (load.Mode, bool) { return load.Mode(l.mode), l.hasMode }

// LinkedSQL implements load.Query (see query.linkedSQL).
func (l *linked) LinkedSQL(rel *schema.Relation, keys any, lc load.LinkContext) (string, []any, load.ScanFunc, error) {
	return (*query)(l).linkedSQL(rel, keys, lc)
}
