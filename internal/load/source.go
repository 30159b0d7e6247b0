package load

import (
	"context"
	"sync"
	"sync/atomic"
	"unsafe"

	"github.com/eagerorm/eager/internal/relfield"
	"github.com/eagerorm/eager/internal/schema"
)

// Binding ties one relation field of every row of a result set to it: the
// relation field types of package relations find it through their state
// (BindingOf) to load, or to report what was loaded.
type Binding struct {
	src   *Source
	field *schema.Field
	// mu serialises the loads of this relation for the result set's rows:
	// two goroutines reading one unloaded relation load it once, and a
	// load never writes a row another load is writing.
	mu sync.Mutex
	// peersLoaded records (under mu) that a FetchPeers load ran for every
	// row of the result set.
	peersLoaded bool
	// used records that some row's loaded relation was read, for the
	// capture report's list of eager loads nobody used.
	used atomic.Bool
}

// BindingOf is the binding of the relation field whose state is s, nil for
// a row not read through a DB.
func BindingOf(s *relfield.State) *Binding { return (*Binding)(s.Binding) }

// MarkUsed notes a read of a loaded relation; the check keeps the common
// repeated read from writing to shared memory. A nil binding does nothing.
func (b *Binding) MarkUsed() {
	if b != nil && !b.used.Load() {
		b.used.Store(true)
	}
}

// Field is the relation, on the model of the result set's rows.
func (b *Binding) Field() *schema.Field { return b.field }

// DB is the *orm.DB the row was read through (as any: this package may not
// name it), for the relation methods that write.
func (b *Binding) DB() any { return b.src.db.Handle() }

// Source is the result set rows were read from: the peers of each row, the
// database and the load mode they carry. Every loaded row records it, so an
// unloaded relation access knows what it is part of (strict mode reports an
// N+1; FetchPeers loads the relation for all peers at once).
type Source struct {
	db     DB
	model  *schema.Model
	rows   []unsafe.Pointer
	multi  bool
	mode   Mode
	loader Loader
	// path is how the rows were reached from the root QuerySet ("" for its
	// own rows, "orders__items" for prefetched ones): it makes the fix a
	// strict-mode panic suggests a path from that QuerySet.
	path      string
	pathMulti bool // path crosses a multi-valued relation
	root      string
	bindings  []Binding

	// byKey indexes rows by primary key, built on first need: a copy of a
	// row (a DTO-style value copy) finds the row it was copied from.
	byKeyOnce sync.Once
	byKey     ptrIndex
}

// Options describe a result set: for Bind, and for the loads of its
// relations (Prefetch).
type Options struct {
	DB     DB
	Model  *schema.Model
	Rows   []unsafe.Pointer // pointers to the model's structs
	Multi  bool             // from a multi-row result (All, Iter), not Get/First
	Mode   Mode
	Loader Loader
	// Path from the root QuerySet and the root's model name, for messages.
	Path      string
	PathMulti bool
	Root      string
	// Track records Prefetch's loads in the context's capture as eager
	// loads (for PrefetchRelated; not for lazy or FetchPeers loads).
	Track bool
}

// trackPeers is switched off only by benchmarks, to measure what recording
// result sets costs.
var trackPeers = true

// SetPeerTracking switches result-set recording on or off, for the
// benchmarks that measure its cost; it returns a function restoring it.
func SetPeerTracking(on bool) (restore func()) {
	old := trackPeers
	trackPeers = on
	return func() { trackPeers = old }
}

// Bind records a result set and binds every row's relation fields to it.
// Package queryset calls it for each result it reads, the prefetches for
// each level they load.
func Bind(o Options) *Source {
	if !trackPeers {
		return nil
	}
	s := &Source{db: o.DB, model: o.Model, rows: o.Rows, multi: o.Multi, mode: o.Mode, loader: o.Loader,
		path: o.Path, pathMulti: o.PathMulti, root: o.Root}
	if s.root == "" {
		s.root = o.Model.Name
	}
	rels := o.Model.Relations
	if len(rels) == 0 {
		return s
	}
	s.bindings = make([]Binding, len(rels))
	for i, f := range rels {
		s.bindings[i].src, s.bindings[i].field = s, f
	}
	for _, row := range o.Rows {
		for i, f := range rels {
			relfield.StateAt(unsafe.Add(row, f.Offset)).Binding = unsafe.Pointer(&s.bindings[i])
		}
	}
	return s
}

func fieldAt(row unsafe.Pointer, f *schema.Field) unsafe.Pointer { return unsafe.Add(row, f.Offset) }

// Loaded reports whether relation f of the row at row is loaded.
func Loaded(row unsafe.Pointer, f *schema.Field) bool {
	return relfield.StateAt(fieldAt(row, f)).Loaded()
}

// SetOne stores obj (nil for none) as the loaded value of to-one relation f.
// For a relation with a key column, nil with a key that is not NULL means
// the key's row is missing: Get reports it.
func SetOne(row unsafe.Pointer, f *schema.Field, obj unsafe.Pointer) {
	r := relfield.ToOneAt(fieldAt(row, f))
	r.Obj = obj
	r.State.MarkLoaded()
}

// One returns the loaded value of to-one relation f (nil when NULL or not loaded).
func One(row unsafe.Pointer, f *schema.Field) unsafe.Pointer {
	return relfield.ToOneAt(fieldAt(row, f)).Obj
}

// SetMany stores items as the loaded value of to-many relation f.
func SetMany(row unsafe.Pointer, f *schema.Field, items []unsafe.Pointer) {
	r := relfield.ToManyAt(fieldAt(row, f))
	r.Items = items
	r.State.MarkLoaded()
}

// original returns the row of the result set with row's primary key, nil if
// none: for a copy of a row, the row it was copied from. A row with a
// composite key has no single key to find it by: a copy of one loads its
// own relations.
func (s *Source) original(row unsafe.Pointer) unsafe.Pointer {
	pk := s.model.PK
	if pk == nil {
		return nil
	}
	s.byKeyOnce.Do(func() {
		s.byKey = newPtrIndex(len(s.rows))
		for _, r := range s.rows {
			i, other := pkOf(r, pk)
			s.byKey.put(i, other, r)
		}
	})
	i, other := pkOf(row, pk)
	return s.byKey.get(i, other)
}

// keyAt returns the key held by forward relation f of the row.
func keyAt(row unsafe.Pointer, f *schema.Field) *relfield.Key {
	return &relfield.ToOneAt(fieldAt(row, f)).Key
}

// TrackEager records, in the active capture of ctx, that relation f of
// parents was loaded eagerly (via "SelectRelated" or "PrefetchRelated", at
// path from the root QuerySet), so the report can list it if no code reads
// it. Without a capture it does nothing.
func TrackEager(ctx context.Context, db DB, parents []unsafe.Pointer, f *schema.Field, path, via, root string) {
	if len(parents) == 0 || !db.Capturing(ctx) {
		return
	}
	seen := map[*Binding]struct{}{}
	var bs []*Binding
	for _, p := range parents {
		if b := BindingOf(relfield.StateAt(fieldAt(p, f))); b != nil {
			if _, ok := seen[b]; !ok {
				seen[b] = struct{}{}
				bs = append(bs, b)
			}
		}
	}
	db.TrackEager(ctx, Eager{Via: via, Path: path, Root: root, Model: f.Model.Name, Relation: f.Name},
		func() bool {
			for _, b := range bs {
				if b.used.Load() {
					return true
				}
			}
			return false
		})
}
