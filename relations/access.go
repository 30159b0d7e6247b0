package relations

import (
	"context"
	"fmt"
	"strconv"
	"unsafe"

	"github.com/eagerorm/eager/internal/callsite"
	"github.com/eagerorm/eager/internal/relfield"
	"github.com/eagerorm/eager/internal/schema"
	"github.com/eagerorm/eager/orm"
)

// access loads relation b.field of the row at row, as the mode in force
// says: one query (Lazy), a panic (Strict on a row from a multi-row result,
// StrictAll), or one query for every peer of the row (FetchPeers). Loads of
// one relation of one result set run one at a time, so concurrent readers
// load it once; the row may be a copy of one of the result set's rows.
func (b *binding) access(ctx context.Context, row unsafe.Pointer) error {
	src, f := b.src, b.field
	mode := src.mode
	if orm.LazyAllowed(ctx) {
		mode = orm.Lazy
	}
	switch {
	case mode == orm.StrictAll, mode == orm.Strict && src.multi:
		panic(b.lazyLoadError(mode))
	}
	if orm.CaptureFrom(ctx) != nil {
		ctx = orm.WithLoadInfo(ctx, b.loadInfo(mode))
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if Loaded(row, f) { // a concurrent access loaded it
		return nil
	}
	if mode == orm.FetchPeers && src.multi {
		if !b.peersLoaded {
			if err := Prefetch(ctx, src.model, src.rows, []Lookup{{Path: f.Name}}, src.prefetchOptions()); err != nil {
				return err
			}
			b.peersLoaded = true
			if Loaded(row, f) {
				return nil
			}
		}
		// Not one of the peers: a copy of one, made before the load. It
		// takes what the load gave the row it was copied from.
		if orig := src.original(row); orig != nil && orig != row && copyLoaded(row, orig, f) {
			return nil
		}
	}
	return Prefetch(ctx, src.model, []unsafe.Pointer{row}, []Lookup{{Path: f.Name}}, src.prefetchOptions())
}

// copyLoaded gives row the loaded value of relation f of orig, a row with
// the same primary key, if it is loaded and (for a key column) row still
// holds the same key.
func copyLoaded(row, orig unsafe.Pointer, f *schema.Field) bool {
	if !Loaded(orig, f) {
		return false
	}
	// What was loaded for orig's key is row's only if row holds that key:
	// the same primary key (orig was found by it), or the same key column.
	if from := f.Rel.From; from.IsKey() && *keyAt(row, from) != *keyAt(orig, from) {
		return false
	}
	if f.Rel.Multi() {
		SetMany(row, f, relfield.ToManyAt(fieldAt(orig, f)).Items)
	} else {
		SetOne(row, f, One(orig, f))
	}
	return true
}

// notFilled is the error for a load that ran without error yet left the
// row's relation unloaded: never reported as nil.
func (b *binding) notFilled() error {
	return fmt.Errorf("relations: loading %s did not fill the row (its primary key or key column changed since it was read?)", b.field)
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
	return &orm.LazyLoadError{Model: src.model.Name, Relation: f.Name, Kind: f.Rel.Kind.String(), Peers: len(src.rows),
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
