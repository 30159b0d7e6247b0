package queryset

import (
	"context"
	"fmt"
	"reflect"
	"time"

	"github.com/eagerorm/eager/internal/schema"
	"github.com/eagerorm/eager/internal/sqlgen"
	"github.com/eagerorm/eager/orm"
)

// Values runs the query and returns each row as a map from the given field
// names (to-one paths such as "author__name" allowed) to values; no names
// means every column of the model. NULL is nil; other values have the
// field's Go type (a relation gives its key). A path across a multi-valued
// relation yields one map per related row, as in Django.
func Values[T any](ctx context.Context, qs QuerySet[T], fields ...string) ([]map[string]any, error) {
	if err := qs.failure(); err != nil {
		return nil, err
	}
	if err := checkFields(qs.model, fields, qs.maxDepth()); err != nil {
		return nil, err
	}
	if len(fields) == 0 {
		for _, f := range qs.model.Columns {
			fields = append(fields, f.Name)
		}
	}
	st, err := qs.plan(planOrder)
	if err != nil {
		return nil, err
	}
	cols := make([]string, len(fields))
	types := make([]reflect.Type, len(fields))
	for i, name := range fields {
		col, typ, err := st.s.projection(name)
		if err != nil {
			return nil, wrapChain(qs.model, err)
		}
		cols[i], types[i] = col, typ
	}
	if st.where.truth == alwaysFalse || qs.limit == 0 {
		return []map[string]any{}, nil
	}
	b, err := qs.lockRows(st, qs.applySlice(st.selectFrom(cols...), st), "Values")
	if err != nil {
		return nil, err
	}
	sql, args, err := b.ToSql()
	if err != nil {
		return nil, err
	}
	return queryMaps(ctx, qs.db, sql, args, fields, types, qs.wrap)
}

// ValuesList runs the query and returns one field of each row as a []V.
// V must be able to hold the column (use a pointer type for a nullable one).
func ValuesList[V any, T any](ctx context.Context, qs QuerySet[T], field string) ([]V, error) {
	if err := qs.failure(); err != nil {
		return nil, err
	}
	if err := checkDepth(qs.model, field, qs.maxDepth()); err != nil {
		return nil, err
	}
	st, err := qs.plan(planOrder)
	if err != nil {
		return nil, err
	}
	col, _, err := st.s.projection(field)
	if err != nil {
		return nil, wrapChain(qs.model, err)
	}
	if st.where.truth == alwaysFalse || qs.limit == 0 {
		return []V{}, nil
	}
	b, err := qs.lockRows(st, qs.applySlice(st.selectFrom(col), st), "ValuesList")
	if err != nil {
		return nil, err
	}
	sql, args, err := b.ToSql()
	if err != nil {
		return nil, err
	}
	rows, err := qs.db.Query(ctx, sql, args...)
	if err != nil {
		return nil, qs.wrap(err)
	}
	defer rows.Close()
	out := []V{}
	for rows.Next() {
		var v V
		if err := rows.Scan(&v); err != nil {
			return nil, qs.wrap(fmt.Errorf("%s: %w", field, err))
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, qs.wrap(err)
	}
	return out, nil
}

// projection resolves a field name for a select list: its column and the Go
// type its values are read into. Joins keep every row (LEFT where nullable).
func (s *scope) projection(name string) (string, reflect.Type, error) {
	p, err := resolvePath(s.model, name, false)
	if err != nil {
		return "", nil, err
	}
	alias, f, _ := s.column(p, true)
	return sqlgen.Col(alias, f.Column), valueType(f), nil
}

// valueType is the Go type a field's values are reported as in maps: the
// field's own type, without the pointer or sql.Null wrapper that only
// expresses NULL (nil stands for NULL in a map); a relation's key type.
func valueType(f *schema.Field) reflect.Type {
	if f.Rel != nil {
		return valueType(f.Rel.Target.PK)
	}
	t := f.Type
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() == reflect.Struct && t != timeType {
		if v, ok := t.FieldByName("V"); ok && t.PkgPath() == "database/sql" {
			return v.Type // sql.Null[T]
		}
		if _, ok := t.FieldByName("Valid"); ok {
			if bt, ok := kindTypes[f.Kind]; ok {
				return bt
			}
		}
	}
	return t
}

var timeType = reflect.TypeFor[time.Time]()

var kindTypes = map[schema.ColumnKind]reflect.Type{
	schema.KindString: reflect.TypeFor[string](), schema.KindInt: reflect.TypeFor[int64](),
	schema.KindFloat: reflect.TypeFor[float64](), schema.KindBool: reflect.TypeFor[bool](),
	schema.KindTime: timeType, schema.KindDate: timeType, schema.KindUUID: reflect.TypeFor[[16]byte](),
}

// queryMaps runs sql and reads each row into a map keyed by names, each
// column decoded into its type (nil for NULL).
func queryMaps(ctx context.Context, db *orm.DB, sql string, args []any, names []string, types []reflect.Type,
	wrap func(error) error) ([]map[string]any, error) {
	rows, err := db.Query(ctx, sql, args...)
	if err != nil {
		return nil, wrap(err)
	}
	defer rows.Close()
	out := []map[string]any{}
	dest := make([]any, len(types))
	holders := make([]reflect.Value, len(types))
	for rows.Next() {
		for i, t := range types {
			holders[i] = reflect.New(reflect.PointerTo(t)) // **T: pgx leaves it nil for NULL
			dest[i] = holders[i].Interface()
		}
		if err := rows.Scan(dest...); err != nil {
			return nil, wrap(err)
		}
		row := make(map[string]any, len(names))
		for i, name := range names {
			if p := holders[i].Elem(); p.IsNil() {
				row[name] = nil
			} else {
				row[name] = p.Elem().Interface()
			}
		}
		out = append(out, row)
	}
	if err := rows.Err(); err != nil {
		return nil, wrap(err)
	}
	return out, nil
}
