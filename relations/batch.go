package relations

import (
	"reflect"
	"unsafe"

	"github.com/eagerorm/eager/orm"
	"github.com/jackc/pgx/v5"
)

// load is one relation loaded for one set of parent rows: one statement.
type load struct {
	node    *prefetchNode
	o       PrefetchOptions
	rel     *orm.Relation
	parents []unsafe.Pointer // distinct parents whose relation is not loaded yet
	done    []unsafe.Pointer // distinct parents whose relation already is
	keys    keySet
	sql     string
	args    []any
	scan    ScanFunc
	mode    orm.LoadMode
	objs    []unsafe.Pointer
	links   []Key
}

func newLoad(node *prefetchNode, parents []unsafe.Pointer, o PrefetchOptions) (*load, error) {
	f := node.field
	ld := &load{node: node, o: o, rel: f.Rel, mode: o.Mode}
	seen := make(map[unsafe.Pointer]struct{}, len(parents))
	for _, p := range parents {
		if _, dup := seen[p]; dup {
			continue
		}
		seen[p] = struct{}{}
		if Loaded(p, f) {
			ld.done = append(ld.done, p)
			continue
		}
		ld.parents = append(ld.parents, p)
	}
	forward := f.Rel.Kind == orm.ForeignKey || f.Rel.Kind == orm.OneToOne
	pk := f.Model.PK
	for _, p := range ld.parents {
		if forward {
			k := keyAt(p, f)
			if !k.valid {
				SetOne(p, f, nil) // a NULL key: loaded, nothing to fetch
				continue
			}
			ld.keys.add(k.i, k.other)
			continue
		}
		i, other := pkOf(p, pk)
		ld.keys.add(i, other)
	}
	if ld.keys.len() == 0 {
		return ld, nil
	}
	q := node.query
	if q == nil {
		q = o.Loader.DefaultQuery(f.Rel.Target)
	}
	if m, ok := q.LoadMode(); ok {
		ld.mode = m
	}
	var err error
	ld.sql, ld.args, ld.scan, err = q.LinkedSQL(f.Rel, ld.keys.array(),
		LinkContext{DB: o.DB, Mode: ld.mode, Path: node.path, PathMulti: node.multi, Root: o.Root})
	if err != nil {
		return nil, err
	}
	for _, lk := range q.Lookups() {
		if err := addLookup(node, lk); err != nil {
			return nil, err
		}
	}
	return ld, nil
}

// addLookup grafts a custom query's own PrefetchRelated below its node.
func addLookup(node *prefetchNode, lk Lookup) error {
	sub, err := buildTree(node.field.Rel.Target, []Lookup{lk}, node.path, node.multi)
	if err != nil {
		return err
	}
	node.children = append(node.children, sub...)
	return nil
}

// statement is the load's query, or false when it has no key to look up.
func (ld *load) statement() (orm.BatchQuery, bool) {
	if ld.keys.len() == 0 {
		return orm.BatchQuery{}, false
	}
	return orm.BatchQuery{SQL: ld.sql, Args: ld.args, Scan: func(rows pgx.Rows) error {
		var err error
		ld.objs, ld.links, err = ld.scan(rows)
		return err
	}}, true
}

// assign hands the loaded rows to their parents and returns every child row
// (newly loaded or already there), the parents of the next level.
func (ld *load) assign() []unsafe.Pointer {
	f := ld.node.field
	rel := f.Rel
	idx := newKeyIndex(ld.links)
	switch rel.Kind {
	case orm.ForeignKey, orm.OneToOne:
		for _, p := range ld.parents {
			k := keyAt(p, f)
			if !k.valid {
				continue
			}
			var obj unsafe.Pointer
			if at := idx.lookup(k.i, k.other); len(at) > 0 {
				obj = ld.objs[at[0]]
			}
			SetOne(p, f, obj)
		}
	case orm.ReverseOneToOne:
		for _, p := range ld.parents {
			var obj unsafe.Pointer
			if at := idx.lookup(pkOf(p, f.Model.PK)); len(at) > 0 {
				obj = ld.objs[at[0]]
				if !Loaded(obj, rel.Remote) {
					SetOne(obj, rel.Remote, p)
				}
			}
			SetOne(p, f, obj)
		}
	case orm.Many, orm.ManyToMany:
		for _, p := range ld.parents {
			at := idx.lookup(pkOf(p, f.Model.PK))
			items := make([]unsafe.Pointer, len(at))
			for i, j := range at {
				items[i] = ld.objs[j]
				if rel.Kind == orm.Many && !Loaded(items[i], rel.Remote) {
					SetOne(items[i], rel.Remote, p) // the child's way back needs no query
				}
			}
			SetMany(p, f, items)
		}
	}
	children := ld.objs
	if rel.Kind == orm.ForeignKey || rel.Kind == orm.OneToOne {
		children = distinct(ld.objs)
	}
	if len(ld.objs) > 0 {
		NewSource(SourceOptions{DB: ld.o.DB, Model: rel.Target, Rows: children, Multi: len(children) > 1, Mode: ld.mode,
			Loader: ld.o.Loader, Path: ld.node.path, PathMulti: ld.node.multi, Root: ld.o.Root})
	}
	if len(ld.done) == 0 || len(ld.node.children) == 0 {
		return children
	}
	// Parents loaded before (by SelectRelated) still lead to the next level.
	all := append([]unsafe.Pointer(nil), children...)
	for _, p := range ld.done {
		switch rel.Kind {
		case orm.ForeignKey, orm.OneToOne, orm.ReverseOneToOne:
			if obj := One(p, f); obj != nil {
				all = append(all, obj)
			}
		default:
			all = append(all, (*toManyRaw)(fieldAt(p, f)).items...)
		}
	}
	return distinct(all)
}

func distinct(ptrs []unsafe.Pointer) []unsafe.Pointer {
	seen := make(map[unsafe.Pointer]struct{}, len(ptrs))
	out := ptrs[:0:0]
	for _, p := range ptrs {
		if _, ok := seen[p]; !ok {
			seen[p] = struct{}{}
			out = append(out, p)
		}
	}
	return out
}

// pkOf reads a row's primary key: integers unboxed (the common case, read
// straight from memory), anything else normalised so that it compares equal
// to a scanned key.
func pkOf(row unsafe.Pointer, pk *orm.Field) (int64, any) {
	p := unsafe.Add(row, pk.Offset)
	switch pk.Type.Kind() {
	case reflect.Int64, reflect.Int:
		if pk.Type.Size() == 8 {
			return *(*int64)(p), nil
		}
	case reflect.Int32:
		return int64(*(*int32)(p)), nil
	case reflect.Int16:
		return int64(*(*int16)(p)), nil
	}
	return 0, normalize(pk.Value(row))
}

// normalize makes a key value comparable with what the key scanners produce:
// named strings become string, 16-byte arrays [16]byte.
func normalize(v any) any {
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.String:
		return rv.String()
	case reflect.Array:
		if rv.Len() == 16 && rv.Type().Elem().Kind() == reflect.Uint8 {
			var b [16]byte
			reflect.Copy(reflect.ValueOf(&b).Elem(), rv)
			return b
		}
	}
	return v
}

// keySet collects distinct keys for one "= ANY($1)" array.
type keySet struct {
	ints    []int64
	intSeen map[int64]struct{}
	others  []any
	seen    map[any]struct{}
}

func (s *keySet) add(i int64, other any) {
	if other == nil {
		if s.intSeen == nil {
			s.intSeen = map[int64]struct{}{}
		}
		if _, ok := s.intSeen[i]; !ok {
			s.intSeen[i] = struct{}{}
			s.ints = append(s.ints, i)
		}
		return
	}
	other = normalize(other)
	if s.seen == nil {
		s.seen = map[any]struct{}{}
	}
	if _, ok := s.seen[other]; !ok {
		s.seen[other] = struct{}{}
		s.others = append(s.others, other)
	}
}

func (s *keySet) len() int { return len(s.ints) + len(s.others) }

// array is the keys as one parameter: []int64, []string, [][16]byte, or []any.
func (s *keySet) array() any {
	if len(s.others) == 0 {
		return s.ints
	}
	if len(s.ints) == 0 {
		switch s.others[0].(type) {
		case string:
			return collectAs[string](s.others)
		case [16]byte:
			return collectAs[[16]byte](s.others)
		}
	}
	out := make([]any, 0, s.len())
	for _, i := range s.ints {
		out = append(out, i)
	}
	return append(out, s.others...)
}

func collectAs[T any](vals []any) any {
	out := make([]T, len(vals))
	for i, v := range vals {
		t, ok := v.(T)
		if !ok {
			return vals
		}
		out[i] = t
	}
	return out
}

// keyIndex finds the rows with a given link key.
type keyIndex struct {
	ints   map[int64][]int32
	others map[any][]int32
}

func newKeyIndex(links []Key) keyIndex {
	idx := keyIndex{ints: make(map[int64][]int32, len(links))}
	for j := range links {
		k := &links[j].key
		if !k.valid {
			continue
		}
		if k.other == nil {
			idx.ints[k.i] = append(idx.ints[k.i], int32(j))
			continue
		}
		if idx.others == nil {
			idx.others = map[any][]int32{}
		}
		o := normalize(k.other)
		idx.others[o] = append(idx.others[o], int32(j))
	}
	return idx
}

func (idx keyIndex) lookup(i int64, other any) []int32 {
	if other == nil {
		return idx.ints[i]
	}
	return idx.others[normalize(other)]
}
