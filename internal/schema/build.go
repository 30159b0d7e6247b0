package schema

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/eagerorm/eager/internal/naming"
)

// Models are built once per type. Lookups after the first are a sync.Map
// load; building is serialised so that a group of models that refer to each
// other (cycles included) is built and validated together.
var (
	registry sync.Map // reflect.Type -> modelEntry
	buildMu  sync.Mutex
)

type modelEntry struct {
	m   *Model
	err error
}

// For returns the metadata of model type T (a struct type).
func For[T any]() (*Model, error) { return Of(reflect.TypeFor[T]()) }

// Of returns the metadata of a model struct type (a pointer to it is
// accepted too). A type that cannot be a model yields a *ModelError naming
// the type and the field; the result is cached either way.
func Of(t reflect.Type) (*Model, error) {
	if t == nil {
		return nil, errors.New("schema: Of(nil): no model type")
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if e, ok := registry.Load(t); ok {
		return e.(modelEntry).m, e.(modelEntry).err
	}
	buildMu.Lock()
	defer buildMu.Unlock()
	if e, ok := registry.Load(t); ok {
		return e.(modelEntry).m, e.(modelEntry).err
	}
	b := &builder{models: map[reflect.Type]*Model{}}
	m, err := b.model(t)
	if err == nil {
		err = b.resolve()
	}
	if err != nil {
		// Only t's error is cached: the other models of the group are rebuilt
		// (and judged on their own) when asked for.
		registry.Store(t, modelEntry{err: err})
		return nil, err
	}
	for typ, bm := range b.models {
		registry.Store(typ, modelEntry{m: bm})
	}
	return m, nil
}

// builder builds one group of models: the one asked for and every model its
// relations reach that is not yet registered.
type builder struct {
	models map[reflect.Type]*Model // in progress or built in this group
	order  []*Model
}

func typeName(t reflect.Type) string {
	if t.Name() != "" {
		return t.Name()
	}
	return t.String()
}

func (b *builder) model(t reflect.Type) (*Model, error) {
	if m, ok := b.models[t]; ok {
		return m, nil // in progress: a cycle, resolved after the group is built
	}
	if e, ok := registry.Load(t); ok {
		return e.(modelEntry).m, e.(modelEntry).err
	}
	if t.Kind() != reflect.Struct {
		return nil, &ModelError{Model: typeName(t), Msg: "a model must be a struct type, got " + t.Kind().String()}
	}
	m := &Model{Type: t, Name: typeName(t), byName: map[string]*Field{}, byColumn: map[string]*Field{}}
	b.models[t] = m
	b.order = append(b.order, m)
	m.Table = tableName(t)
	if err := b.fields(m, t, nil, 0); err != nil {
		return nil, err
	}
	if err := m.primaryKey(); err != nil {
		return nil, err
	}
	return m, nil
}

// primaryKey settles the key of a model whose fields are mapped: one
// orm:"pk" field is PK; several make a composite key (a through model's
// pair of foreign keys), whose fields are KeyPart and none of them PK.
func (m *Model) primaryKey() error {
	switch len(m.Key) {
	case 0:
		return &ModelError{Model: m.Name, Msg: `no primary key: mark one field orm:"pk" (or several, for a composite key)`}
	case 1:
		if f := m.Key[0]; f.Rel != nil {
			return &ModelError{Model: m.Name, Field: f.GoName,
				Msg: fmt.Sprintf(`orm:"pk" on a %s alone is not supported: it makes a composite key with other orm:"pk" fields`, f.Rel.Kind)}
		}
		m.PK = m.Key[0]
		return nil
	}
	for _, f := range m.Key {
		// No part of a composite key is generated: a row's key is what
		// its fields hold when it is inserted.
		f.PK, f.KeyPart, f.Auto = false, true, false
	}
	return nil
}

func tableName(t reflect.Type) string {
	if tn, ok := reflect.New(t).Interface().(interface{ TableName() string }); ok {
		if name := tn.TableName(); name != "" {
			return name
		}
	}
	return naming.Snake(t.Name())
}

// fields maps the fields of struct type t, found at index/offset inside the
// model (t is the model itself or a struct embedded in it).
func (b *builder) fields(m *Model, t reflect.Type, index []int, offset uintptr) error {
	for i := 0; i < t.NumField(); i++ {
		sf := t.Field(i)
		dbTag, hasDB := sf.Tag.Lookup("db")
		if dbTag == "-" {
			continue
		}
		idx := append(append([]int(nil), index...), i)
		if sf.Anonymous && !hasDB {
			ft := sf.Type
			if ft.Kind() == reflect.Pointer && ft.Elem().Kind() == reflect.Struct {
				return &ModelError{Model: m.Name, Field: sf.Name,
					Msg: "embedded pointer to a struct: embed the struct by value (its fields are flattened into the model)"}
			}
			if ft.Kind() == reflect.Struct && ft != timeType && !isRelation(ft) {
				if err := b.fields(m, ft, idx, offset+sf.Offset); err != nil {
					return err
				}
				continue
			}
		}
		if !sf.IsExported() {
			// The mapper cannot read or set an unexported field: a tag on one
			// asks for something that would silently not happen.
			if _, hasORM := sf.Tag.Lookup("orm"); hasDB || hasORM {
				which := "a db tag"
				if !hasDB {
					which = "an orm tag"
				}
				return &ModelError{Model: m.Name, Field: sf.Name,
					Msg: fmt.Sprintf(`unexported field with %s: eager cannot read or set it; export it (%s), or remove the tag`, which, exported(sf.Name))}
			}
			continue
		}
		if err := b.field(m, sf, idx, offset+sf.Offset, dbTag); err != nil {
			return err
		}
	}
	return nil
}

// exported is name with its first letter upper-cased, for error messages.
func exported(name string) string {
	r, size := utf8.DecodeRuneInString(name)
	return string(unicode.ToUpper(r)) + name[size:]
}

func (b *builder) field(m *Model, sf reflect.StructField, index []int, offset uintptr, dbTag string) error {
	fail := func(format string, args ...any) error {
		return &ModelError{Model: m.Name, Field: sf.Name, Msg: fmt.Sprintf(format, args...)}
	}
	opts, err := parseTag(sf.Tag.Get("orm"))
	if err != nil {
		return fail("%v", err)
	}
	f := &Field{Model: m, GoName: sf.Name, Name: naming.Snake(sf.Name), Type: sf.Type, Index: index,
		Offset: offset, addr: addrFunc(sf.Type)}
	if sf.Type.Kind() == reflect.Pointer && isRelation(sf.Type.Elem()) {
		return fail("a relation field is a value, not a pointer: declare it as %s", sf.Type.Elem())
	}
	if isRelation(sf.Type) {
		if err := b.relationField(m, f, sf, opts, dbTag); err != nil {
			return err
		}
	} else {
		if err := opts.only("a column", "pk", "null", "unique", "index", "default", "type", "auto_now", "auto_now_add"); err != nil {
			return fail("%v", err)
		}
		ct, err := classify(sf.Type, opts.sqlType)
		if err != nil {
			return fail("%v", err)
		}
		if opts.null && !ct.nullable && !ct.nilable {
			return fail(`orm:"null" on %s, which cannot hold NULL: use a pointer (*%s), a sql.Null type or a pgtype type`, sf.Type, sf.Type)
		}
		f.Column = dbTag
		if f.Column == "" {
			f.Column = f.Name
		}
		f.Kind, f.SQLType = ct.kind, ct.sqlType
		f.Nullable = ct.nullable || opts.null
		f.PK, f.Unique, f.Indexed = opts.pk, opts.unique, opts.index
		f.Default, f.HasDefault = opts.def, opts.hasDefault
		if err := autoTime(f, opts); err != nil {
			return fail("%v", err)
		}
		if f.PK {
			if f.Nullable {
				return fail("a primary key cannot be nullable")
			}
			m.Key = append(m.Key, f)
			f.Auto = ct.kind == KindInt && opts.sqlType == "" && !opts.hasDefault
		}
	}
	return m.add(f, fail)
}

func (m *Model) add(f *Field, fail func(string, ...any) error) error {
	if prev, ok := m.byName[f.Name]; ok {
		return fail("name %q is already used by field %s", f.Name, prev.GoName)
	}
	if f.Name == "pk" {
		return fail(`the name "pk" is reserved for the primary key`)
	}
	m.byName[f.Name] = f
	if f.GoName != f.Name {
		m.byName[f.GoName] = f
	}
	if f.Column != "" {
		if prev, ok := m.byColumn[f.Column]; ok {
			return fail("duplicate column %q (also field %s)", f.Column, prev.GoName)
		}
		m.byColumn[f.Column] = f
		m.Columns = append(m.Columns, f)
	}
	m.Fields = append(m.Fields, f)
	if f.Rel != nil {
		m.Relations = append(m.Relations, f)
	}
	return nil
}

func (b *builder) relationField(m *Model, f *Field, sf reflect.StructField, opts tagOptions, dbTag string) error {
	fail := func(format string, args ...any) error {
		return &ModelError{Model: m.Name, Field: sf.Name, Msg: fmt.Sprintf(format, args...)}
	}
	kind, targetType, _ := relationOf(sf.Type)
	if want := relationLayout(kind); sf.Type.Size() != want {
		return fail("%s is %d bytes, not the %d of its layout (package relfield)", sf.Type, sf.Type.Size(), want)
	}
	if kind == OneToOne && opts.reverse != "" {
		kind = ReverseOneToOne
	}
	rel := &Relation{Kind: kind, Field: f, OnDelete: opts.onDelete}
	f.Rel = rel
	var err error
	switch kind {
	case ForeignKey, OneToOne:
		err = opts.only(kind.String(), "null", "unique", "index", "on_delete", "pk")
		f.Column = dbTag
		if f.Column == "" {
			f.Column = f.Name + "_id"
		}
		f.Nullable, f.Unique, f.Indexed = opts.null, opts.unique || kind == OneToOne, opts.index
		f.isKey = true
		if err == nil && !f.Nullable && (opts.onDelete == "SET NULL" || opts.onDelete == "SET DEFAULT") {
			// The key column is NOT NULL and eager's DDL gives it no default,
			// so the delete would fail on a NULL the column refuses: an error
			// now, not at the first delete in production.
			return fail("on_delete:%s needs a nullable key (the action writes NULL into %s, which is NOT NULL): add null to the tag, or use cascade, restrict or protect",
				strings.ToLower(strings.ReplaceAll(opts.onDelete, " ", "_")), f.Column)
		}
		if err == nil && opts.pk {
			if opts.null {
				return fail("a primary key cannot be nullable")
			}
			f.PK = true
			m.Key = append(m.Key, f)
		}
	case ReverseOneToOne, Many:
		err = opts.only(kind.String(), "reverse")
		if err == nil && dbTag != "" {
			err = fmt.Errorf("a %s field has no column of its own: remove db:%q", kind, dbTag)
		}
	case ManyToMany:
		err = opts.only(kind.String(), "through", "from", "to")
		if err == nil && dbTag != "" {
			err = fmt.Errorf("a ManyToMany field has no column of its own: remove db:%q", dbTag)
		}
	default:
		err = fmt.Errorf("relation kind %v is not supported", kind)
	}
	if err != nil {
		return fail("%v", err)
	}
	if targetType == nil || targetType.Kind() != reflect.Struct {
		return fail("relation to %v, which is not a model struct", targetType)
	}
	target, err := b.model(targetType)
	if err != nil {
		return &ModelError{Model: m.Name, Field: sf.Name, Msg: "relation target " + typeName(targetType) + " is not a valid model", Err: err}
	}
	rel.Target = target
	if kind == ManyToMany {
		rel.through, rel.throughFrom, rel.throughTo = opts.through, opts.from, opts.to
		if rel.through == "" {
			rel.through = m.Table + "_" + f.Name
		}
		if rel.throughFrom == "" {
			rel.throughFrom = m.Table + "_id"
		}
		if rel.throughTo == "" {
			rel.throughTo = target.Table + "_id"
		}
		if rel.throughFrom == rel.throughTo {
			return fail("through table %s: both key columns would be %q; name them with from: and to:", rel.through, rel.throughFrom)
		}
	}
	rel.reverseName = opts.reverse
	return nil
}

// resolve completes what needs every model of the group: key column types
// (the target's primary key may have been in progress), reverse relations
// and the links, then what needs every link: the relations a load fills
// back.
func (b *builder) resolve() error {
	for _, m := range b.order {
		for _, f := range m.Relations {
			if err := resolveRelation(m, f); err != nil {
				return err
			}
		}
	}
	for _, m := range b.order {
		for _, f := range m.Relations {
			f.Rel.Back = back(f.Rel)
		}
	}
	return nil
}

func resolveRelation(m *Model, f *Field) error {
	rel := f.Rel
	fail := func(format string, args ...any) error {
		return &ModelError{Model: m.Name, Field: f.GoName, Msg: fmt.Sprintf(format, args...)}
	}
	target := rel.Target
	pk := target.PK
	// A link starts or ends at a single key column: a model with a
	// composite key is reached only by its own foreign keys' reverse (Many).
	switch {
	case pk == nil && rel.Kind != Many && rel.Kind != ReverseOneToOne:
		return fail("%s has a composite primary key (%s): a %s needs a single key column to point at",
			target.Name, strings.Join(target.KeyNames(), ", "), rel.Kind)
	case m.PK == nil && !rel.Kind.ToOne() || m.PK == nil && rel.Kind == ReverseOneToOne:
		return fail("%s has a composite primary key (%s): a %s from it needs a single key column to start at",
			m.Name, strings.Join(m.KeyNames(), ", "), rel.Kind)
	}
	// The one place a relation's kind decides its link.
	switch rel.Kind {
	case ForeignKey, OneToOne:
		f.Kind, f.SQLType = pk.Kind, pk.SQLType
		f.addr = keyScanner(pk.Kind)
		rel.Hops = []Hop{{m.Table, f.Column, target.Table, pk.Column}}
	case Many, ReverseOneToOne:
		want := ForeignKey
		if rel.Kind == ReverseOneToOne {
			want = OneToOne
		}
		remote, err := findRemote(m, target, rel.reverseName, want)
		if err != nil {
			return fail("%v", err)
		}
		rel.Remote = remote
		rel.Hops = []Hop{{m.Table, m.PK.Column, target.Table, remote.Column}}
	case ManyToMany:
		f.Kind = pk.Kind
		rel.Hops = []Hop{{m.Table, m.PK.Column, rel.through, rel.throughFrom}, {rel.through, rel.throughTo, target.Table, pk.Column}}
	}
	rel.From = m.byColumn[rel.Hops[0].FromColumn]
	rel.To = target.byColumn[rel.Hops[len(rel.Hops)-1].ToColumn]
	return nil
}

// back finds the to-one relation on rel's target whose link is rel's
// reversed, nil if there is none.
func back(rel *Relation) *Field {
	for _, rf := range rel.Target.Relations {
		if rf.Rel.Kind.ToOne() && rf.Rel.Target == rel.Field.Model && reversed(rf.Rel.Hops, rel.Hops) {
			return rf
		}
	}
	return nil
}

// reversed reports whether link b is link a walked the other way.
func reversed(a, b []Hop) bool {
	if len(a) != len(b) {
		return false
	}
	for i, h := range a {
		r := b[len(b)-1-i]
		if h != (Hop{r.ToTable, r.ToColumn, r.FromTable, r.FromColumn}) {
			return false
		}
	}
	return true
}

// findRemote finds the field on target that points back at m: the one named by
// reverse:, or the only candidate.
func findRemote(m, target *Model, name string, want RelationKind) (*Field, error) {
	if name != "" {
		rf, ok := target.byName[name]
		if !ok {
			return nil, fmt.Errorf("reverse:%s: %s has no field %s (choices: %s)", name, target.Name, name,
				strings.Join(target.FieldNames(), ", "))
		}
		if rf.Rel == nil || rf.Rel.Kind != want || rf.Rel.Target != m {
			return nil, fmt.Errorf("reverse:%s: %s.%s is not a %s to %s", name, target.Name, rf.GoName, want, m.Name)
		}
		return rf, nil
	}
	var found []*Field
	for _, rf := range target.Relations {
		if rf.Rel.Kind == want && rf.Rel.Target == m {
			found = append(found, rf)
		}
	}
	switch len(found) {
	case 1:
		return found[0], nil
	case 0:
		return nil, fmt.Errorf("%s has no %s to %s to be the reverse of", target.Name, want, m.Name)
	}
	return nil, fmt.Errorf("%s has several %ss to %s: say which with orm:\"reverse:Field\"", target.Name, want, m.Name)
}

// autoTime checks and records orm:"auto_now" / orm:"auto_now_add": the
// writes set them to time.Now, so they fit only a time.Time or *time.Time
// field, and one field is either stamped on every write or on insert only.
func autoTime(f *Field, opts tagOptions) error {
	if !opts.autoNow && !opts.autoNowAdd {
		return nil
	}
	tag := "auto_now"
	if opts.autoNowAdd {
		tag = "auto_now_add"
	}
	switch {
	case opts.autoNow && opts.autoNowAdd:
		return fmt.Errorf(`orm:"auto_now" and orm:"auto_now_add" together: auto_now already sets the field on insert`)
	case f.Type != timeType && f.Type != reflect.PointerTo(timeType):
		return fmt.Errorf(`orm:"%s" on a %s field: it needs time.Time or *time.Time`, tag, f.Type)
	case opts.pk:
		return fmt.Errorf(`orm:"%s" on the primary key`, tag)
	}
	f.AutoNow, f.AutoNowAdd = opts.autoNow, opts.autoNowAdd
	return nil
}
