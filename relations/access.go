package relations

import (
	"context"
	"fmt"
	"strconv"
	"unsafe"

	"github.com/eagerorm/eager/internal/callsite"
	"github.com/eagerorm/eager/orm"
)

// access loads relation b.field of the row at row, as the mode in force
// says: one query (Lazy), a panic (Strict on a row from a multi-row result,
// StrictAll), or one query for every peer of the row (FetchPeers).
func (b *binding) access(ctx context.Context, row unsafe.Pointer) error {
	src, f := b.src, b.field
	mode := src.mode
	if orm.LazyAllowed(ctx) {
		mode = orm.Lazy
	}
	if orm.CaptureFrom(ctx) != nil {
		ctx = orm.WithLoadInfo(ctx, b.loadInfo(mode))
	}
	switch mode {
	case orm.StrictAll:
		panic(b.lazyLoadError(mode))
	case orm.Strict:
		if src.multi {
			panic(b.lazyLoadError(mode))
		}
	case orm.FetchPeers:
		if src.multi {
			src.mu.Lock()
			defer src.mu.Unlock()
			if Loaded(row, f) { // a concurrent access to a peer loaded it
				return nil
			}
			return Prefetch(ctx, src.model, src.rows, []Lookup{{Path: f.Name}}, src.prefetchOptions())
		}
	}
	return Prefetch(ctx, src.model, []unsafe.Pointer{row}, []Lookup{{Path: f.Name}}, src.prefetchOptions())
}

func (s *Source) prefetchOptions() PrefetchOptions {
	return PrefetchOptions{DB: s.db, Loader: s.loader, Mode: s.mode, Path: s.path, PathMulti: s.pathMulti, Root: s.root}
}

// fix is the QuerySet call that would have loaded the relation eagerly:
// SelectRelated for a path of to-one relations, PrefetchRelated otherwise.
func (b *binding) fix() string {
	src, f := b.src, b.field
	path := f.Name
	if src.path != "" {
		path = src.path + "__" + f.Name
	}
	if src.pathMulti || f.Rel.Multi() {
		return ".PrefetchRelated(" + strconv.Quote(path) + ")"
	}
	return ".SelectRelated(" + strconv.Quote(path) + ")"
}

func (b *binding) lazyLoadError(mode orm.LoadMode) *orm.LazyLoadError {
	src, f := b.src, b.field
	return &orm.LazyLoadError{Model: src.model.Name, Relation: f.Name, Kind: f.Rel.Kind, Peers: len(src.rows),
		Mode: mode, Site: callSite(), Fix: b.fix(), Root: src.root}
}

func (b *binding) loadInfo(mode orm.LoadMode) *orm.LoadInfo {
	kind := "lazy"
	if mode == orm.FetchPeers && b.src.multi {
		kind = "peers"
	}
	return &orm.LoadInfo{Kind: kind, Model: b.src.model.Name, Relation: b.field.Name, Fix: b.fix(), Root: b.src.root}
}

func callSite() string { return callsite.Find(1) }

// errNotBound is the error for an unloaded relation of a row that was not
// read through a DB (built in Go, or inserted): there is nothing to load it with.
func errNotBound(target string) error {
	return fmt.Errorf("relations: the %s relation is not loaded, and its row was not read through a DB, so there is nothing to load it with (read the row with a QuerySet, or fill the relation with Set or SetLoaded)", target)
}
