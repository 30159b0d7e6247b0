package load

import (
	"context"
	"fmt"
	"strconv"
	"unsafe"

	"github.com/eagerorm/eager/internal/callsite"
	"github.com/eagerorm/eager/internal/relfield"
	"github.com/eagerorm/eager/internal/schema"
)

// Access loads relation b.Field() of the row at row, as the mode in force
// says: one query (Lazy), a panic (Strict on a row from a multi-row result,
// StrictAll), or one query for every peer of the row (FetchPeers). Loads of
// one relation of one result set run one at a time, so concurrent readers
// load it once; the row may be a copy of one of the result set's rows.
// The relation field types call it for an unloaded Get or All.
func (b *Binding) Access(ctx context.Context, row unsafe.Pointer) error {
	src, f := b.src, b.field
	mode := src.mode
	if src.db.LazyAllowed(ctx) {
		mode = Lazy
	}
	switch {
	case mode == StrictAll, mode == Strict && src.multi:
		panic(src.db.Refuse(b.access(mode, callsite.Find(1))))
	}
	if src.db.Capturing(ctx) {
		ctx = src.db.Loading(ctx, b.access(mode, ""))
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if Loaded(row, f) { // a concurrent access loaded it
		return nil
	}
	if mode == FetchPeers && src.multi {
		if !b.peersLoaded {
			if err := Prefetch(ctx, src.rows, []Lookup{{Path: f.Name}}, src.prefetchOptions()); err != nil {
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
	return Prefetch(ctx, []unsafe.Pointer{row}, []Lookup{{Path: f.Name}}, src.prefetchOptions())
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

// NotFilled is the error for a load that ran without error yet left the
// row's relation unloaded: never reported as nil.
func (b *Binding) NotFilled() error {
	return fmt.Errorf("relations: loading %s did not fill the row (its primary key or key column changed since it was read?)", b.field)
}

// prefetchOptions describe the source's rows for a load of their relations.
func (s *Source) prefetchOptions() Options {
	return Options{DB: s.db, Model: s.model, Loader: s.loader, Mode: s.mode, Path: s.path, PathMulti: s.pathMulti, Root: s.root}
}

// fix is the QuerySet call that would have loaded the relation eagerly:
// SelectRelated for a path of to-one relations, PrefetchRelated otherwise.
func (b *Binding) fix() string {
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

// access describes an access to the relation in mode, made at site.
func (b *Binding) access(mode Mode, site string) Access {
	src, f := b.src, b.field
	return Access{Model: src.model.Name, Relation: f.Name, Kind: f.Rel.Kind.String(), Peers: len(src.rows),
		Mode: mode, Site: site, Fix: b.fix(), Root: src.root, FetchPeers: mode == FetchPeers && src.multi}
}
