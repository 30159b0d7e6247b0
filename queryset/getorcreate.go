package queryset

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strings"
	"unsafe"

	"github.com/eagerorm/eager/internal/relfield"
	"github.com/eagerorm/eager/internal/schema"
	"github.com/eagerorm/eager/orm"
)

// GetOrCreate returns the one row matching the QuerySet and lookup, or
// inserts a new one made of lookup and defaults (defaults win where both
// name a field) with orm.Insert, so the model's timestamps and hooks apply.
// created reports which. The lookup takes exact lookups on the model's own
// columns only ("name", "name__exact", a foreign key by object or key):
// they are the values the row is created with.
//
// It is safe under concurrency when a unique constraint covers the lookup:
//   - the lookup names the primary key (every field of a composite one) or
//     a field unique in the metadata (orm:"unique", a OneToOne): the insert
//     is INSERT ... ON CONFLICT (those columns) DO NOTHING, and when another caller got there
//     first the row it inserted is read (statements: 1 when the row exists,
//     2 when it is created, 3 when a concurrent caller created it);
//   - otherwise the insert runs as is (inside a savepoint when the DB is in
//     a transaction), and a unique violation, from a constraint the
//     database has but the metadata does not know (a composite one), is
//     answered by reading the row the other caller inserted.
//
// With no unique constraint over the lookup at all, two concurrent callers
// can both insert: nothing in the database tells them apart. Declare one.
// A conflicting row that does not match the rest of the lookup or the
// QuerySet's filters is an error matching orm.ErrUniqueViolation.
func (qs QuerySet[T]) GetOrCreate(ctx context.Context, lookup Q, defaults map[string]any) (*T, bool, error) {
	if err := qs.failure(); err != nil {
		return nil, false, err
	}
	cp, err := newCreatePlan(qs.model, "GetOrCreate", lookup, defaults)
	if err != nil {
		return nil, false, err
	}
	find := qs.Filter(lookup)
	obj, err := find.Get(ctx)
	if err == nil || !errors.Is(err, orm.ErrNoRows) {
		return obj, false, err
	}
	return createOrFind(ctx, qs.db, find, cp, func(ctx context.Context, find QuerySet[T]) (*T, error) {
		return find.Get(ctx)
	})
}

// UpdateOrCreate updates the one row matching the QuerySet and lookup with
// values, or inserts a new one made of lookup and values; created reports
// which. It runs in a transaction (a savepoint inside the caller's): it
// reads the row with SELECT ... FOR UPDATE (ForUpdate's: the model's rows
// only; a QuerySet that has a ForUpdate of its own keeps it), sets values on it and writes
// them with orm.Update (auto_now fields and the model's update hooks
// apply); when there is none it inserts as GetOrCreate does, and when a
// concurrent caller inserted first, it locks and updates that row. The
// lookup follows GetOrCreate's rules and so does its safety under
// concurrency. Statements: BEGIN, SELECT, UPDATE or INSERT, COMMIT.
func (qs QuerySet[T]) UpdateOrCreate(ctx context.Context, lookup Q, values map[string]any) (*T, bool, error) {
	if err := qs.failure(); err != nil {
		return nil, false, err
	}
	cp, err := newCreatePlan(qs.model, "UpdateOrCreate", lookup, values)
	if err != nil {
		return nil, false, err
	}
	var obj *T
	var created bool
	err = qs.db.RunInTx(ctx, func(ctx context.Context, tx *orm.DB) error {
		find := qs.Filter(lookup)
		find.db = tx
		update := func(ctx context.Context, find QuerySet[T]) (*T, error) {
			if find.lock == nil {
				find = find.ForUpdate() // the model's rows only, whatever the joins
			}
			o, err := find.Get(ctx)
			if err != nil {
				return nil, err
			}
			if err := cp.apply(unsafe.Pointer(o), cp.rest); err != nil {
				return nil, err
			}
			if len(cp.restNames) > 0 {
				if err := orm.Update(ctx, tx, o, cp.restNames...); err != nil {
					return nil, err
				}
			}
			return o, nil
		}
		o, err := update(ctx, find)
		if err == nil {
			obj = o
			return nil
		}
		if !errors.Is(err, orm.ErrNoRows) {
			return err
		}
		obj, created, err = createOrFind(ctx, tx, find, cp, update)
		return err
	})
	if err != nil {
		return nil, false, err
	}
	return obj, created, nil
}

// createOrFind inserts the row cp describes; when a concurrent caller's row
// conflicts, it runs found on that row instead.
func createOrFind[T any](ctx context.Context, db *orm.DB, find QuerySet[T], cp *createPlan,
	found func(context.Context, QuerySet[T]) (*T, error)) (*T, bool, error) {
	obj := new(T)
	base := unsafe.Pointer(obj)
	err := cp.apply(base, cp.lookup)
	if err == nil {
		err = cp.apply(base, cp.rest)
	}
	if err != nil {
		return nil, false, err
	}
	switch {
	case cp.unique != nil:
		names := make([]string, len(cp.unique))
		for i, f := range cp.unique {
			names[i] = f.Name
		}
		err = orm.Insert(ctx, db, obj, orm.OnConflict(names...).DoNothing())
		if errors.Is(err, orm.ErrNotInserted) {
			err = errConflict
		}
	case db.InTx():
		// A failed INSERT aborts the transaction: a savepoint keeps it usable.
		err = db.RunInTx(ctx, func(ctx context.Context, tx *orm.DB) error { return orm.Insert(ctx, tx, obj) })
	default:
		err = orm.Insert(ctx, db, obj)
	}
	switch {
	case err == nil:
		return obj, true, nil
	case !errors.Is(err, errConflict) && !errors.Is(err, orm.ErrUniqueViolation):
		return nil, false, err
	}
	// Another caller inserted the row first (its transaction has committed:
	// the INSERT waited for it), so this statement sees it.
	obj, ferr := found(ctx, find)
	if errors.Is(ferr, orm.ErrNoRows) {
		return nil, false, fmt.Errorf("queryset: %s %s: a row conflicting with %s exists but does not match the lookup and the QuerySet's filters: %w",
			cp.method, cp.model.Name, cp.describe(), orm.ErrUniqueViolation)
	}
	return obj, false, ferr
}

var errConflict = errors.New("conflict")

// createPlan is a GetOrCreate / UpdateOrCreate lookup and values, checked
// against the model.
type createPlan struct {
	model     *schema.Model
	method    string
	lookup    []setting
	rest      []setting       // defaults (GetOrCreate) or values (UpdateOrCreate)
	restNames []string        // the fields rest sets, for orm.Update
	unique    []*schema.Field // lookup fields a unique constraint covers exactly, nil if none
}

type setting struct {
	p     path
	value any
}

func newCreatePlan(m *schema.Model, method string, lookup Q, rest map[string]any) (*createPlan, error) {
	cp := &createPlan{model: m, method: method}
	fail := func(key string, v any, format string, args ...any) error {
		return &orm.FieldError{Model: m.Name, Field: key, Value: v, Msg: method + ": " + fmt.Sprintf(format, args...)}
	}
	for _, key := range lookup.sortedKeys() {
		p, err := resolvePath(m, key, true)
		if err != nil {
			return nil, err
		}
		switch {
		case len(p.hops) > 0 || p.field.Column == "":
			return nil, fail(key, nil, "the lookup names the model's own columns only (its values make the new row)")
		case p.lookup != "exact" || p.transform != "":
			return nil, fail(key, nil, "only exact lookups (its values make the new row)")
		}
		if _, isExpr := lookup[key].(Expr); isExpr {
			return nil, fail(key, nil, "an F() expression cannot make a new row: give a value")
		}
		cp.lookup = append(cp.lookup, setting{p, lookup[key]})
	}
	cp.unique = conflictTarget(m, cp.lookup)
	keys := make([]string, 0, len(rest))
	for k := range rest {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, key := range keys {
		p, err := resolvePath(m, key, false)
		if err != nil {
			return nil, err
		}
		if len(p.hops) > 0 || p.field.Column == "" {
			return nil, fail(key, nil, "the values set the model's own columns only")
		}
		if _, isExpr := rest[key].(Expr); isExpr {
			return nil, fail(key, nil, "an F() expression cannot make a new row: give a value")
		}
		if p.field.PK && method == "UpdateOrCreate" {
			return nil, fail(key, nil, "the primary key identifies the row and cannot be updated here")
		}
		cp.rest = append(cp.rest, setting{p, rest[key]})
		cp.restNames = append(cp.restNames, p.field.Name)
	}
	// Check every value now: nothing is sent with a value that cannot be set.
	scratch := reflect.New(m.Type)
	if err := cp.apply(unsafe.Pointer(scratch.Pointer()), cp.lookup); err != nil {
		return nil, err
	}
	if err := cp.apply(unsafe.Pointer(scratch.Pointer()), cp.rest); err != nil {
		return nil, err
	}
	return cp, nil
}

// describe spells the conflict target's values for an error.
func (cp *createPlan) describe() string {
	var parts []string
	for _, s := range cp.lookup {
		if slices.Contains(cp.unique, s.p.field) {
			parts = append(parts, fmt.Sprintf("%s = %#v", s.p.key, s.value))
		}
	}
	if len(parts) == 0 {
		return "the new row"
	}
	return strings.Join(parts, ", ")
}

// conflictTarget finds the columns of a unique constraint the metadata
// knows that the lookup covers: the primary key (all its fields, when
// composite), else a unique column. ON CONFLICT needs exactly a unique
// index's columns.
func conflictTarget(m *schema.Model, lookup []setting) []*schema.Field {
	in := func(f *schema.Field) bool {
		return slices.ContainsFunc(lookup, func(s setting) bool { return s.p.field == f })
	}
	if len(m.Key) > 0 && !slices.ContainsFunc(m.Key, func(f *schema.Field) bool { return !in(f) }) {
		return m.Key
	}
	for _, s := range lookup {
		if f := s.p.field; f.Unique && !f.PK {
			return []*schema.Field{f}
		}
	}
	return nil
}

// apply sets each field of the object at base to its value.
func (cp *createPlan) apply(base unsafe.Pointer, settings []setting) error {
	for _, s := range settings {
		if err := setField(cp.model, s.p, base, s.value); err != nil {
			return err
		}
	}
	return nil
}

var scannerType = reflect.TypeFor[interface{ Scan(any) error }]()

// setField stores v in the field p names, in the object at base: as it is
// when the field's type takes it, else converted as a filter value is
// (convertValue) and stored where that loses nothing. A value the field
// cannot hold is a *orm.FieldError naming the model, the field and the value.
func setField(m *schema.Model, p path, base unsafe.Pointer, v any) error {
	f := p.field
	fail := func(format string, args ...any) error {
		return &orm.FieldError{Model: m.Name, Field: p.key, Value: v, Msg: fmt.Sprintf(format, args...)}
	}
	ptr := unsafe.Add(base, f.Offset)
	if f.IsKey() {
		key, err := convertValue(m, p, kindOf(p), v)
		if err != nil {
			return err
		}
		if key == nil && !f.Nullable {
			return fail("nil for a relation that cannot be NULL")
		}
		relfield.ToOneAt(ptr).Key.Set(key)
		return nil
	}
	dst := reflect.NewAt(f.Type, ptr).Elem()
	if isNilValue(v) {
		if !f.Nullable && f.Type.Kind() != reflect.Pointer {
			return fail("nil for a field that cannot hold NULL")
		}
		dst.SetZero()
		return nil
	}
	rv := reflect.ValueOf(v)
	switch {
	case rv.Type().AssignableTo(f.Type):
		dst.Set(rv)
		return nil
	case f.Type.Kind() == reflect.Pointer && rv.Type().AssignableTo(f.Type.Elem()):
		np := reflect.New(f.Type.Elem())
		np.Elem().Set(rv)
		dst.Set(np)
		return nil
	}
	c, err := convertValue(m, p, kindOf(p), v)
	if err != nil {
		return err
	}
	if c == nil {
		dst.SetZero()
		return nil
	}
	cv := reflect.ValueOf(c)
	target := f.Type
	if target.Kind() == reflect.Pointer {
		target = target.Elem()
	}
	var out reflect.Value
	switch {
	case cv.Type().AssignableTo(target):
		out = cv
	case sameFamily(cv.Kind(), target.Kind()) && cv.CanConvert(target):
		out = cv.Convert(target)
		if !out.CanInterface() || !reflect.DeepEqual(out.Convert(cv.Type()).Interface(), cv.Interface()) {
			return fail("value does not fit a %s field", f.Type)
		}
	case reflect.PointerTo(target).Implements(scannerType):
		np := reflect.New(target)
		if err := np.Interface().(interface{ Scan(any) error }).Scan(c); err != nil {
			return fail("%s cannot take it: %v", f.Type, err)
		}
		out = np.Elem()
	default:
		return fail("cannot store a %T in a %s field", v, f.Type)
	}
	if f.Type.Kind() == reflect.Pointer {
		np := reflect.New(target)
		np.Elem().Set(out)
		out = np
	}
	dst.Set(out)
	return nil
}

// sameFamily reports whether a conversion between the kinds keeps the value
// (checked after), never int to string (a rune) or float to int silently.
func sameFamily(a, b reflect.Kind) bool {
	family := func(k reflect.Kind) int {
		switch k {
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
			reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
			return 1
		case reflect.Float32, reflect.Float64:
			return 2
		case reflect.String:
			return 3
		case reflect.Bool:
			return 4
		}
		return 0
	}
	return family(a) != 0 && family(a) == family(b)
}
