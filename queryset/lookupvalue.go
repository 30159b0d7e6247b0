package queryset

import (
	"fmt"
	"reflect"
	"strings"
	"time"

	"github.com/eagerorm/eager/internal/anyslice"
	"github.com/eagerorm/eager/internal/pgvalue"
	"github.com/eagerorm/eager/internal/schema"
	"github.com/eagerorm/eager/orm"
	"github.com/jackc/pgx/v5/pgtype"
)

// The values of a lookup, read by its shape (lookupTable): a string for a
// pattern, a list, a pair of bounds, a boolean. Their elements go through
// convertValue.

func stringValue(m *schema.Model, p path, v any) (string, error) {
	if dv, _, err := pgvalue.Resolve(v); err == nil && dv != nil {
		v = dv // a Valuer's text is what the server compares
	}
	rv := reflect.ValueOf(v)
	if v == nil || rv.Kind() != reflect.String {
		return "", &orm.FieldError{Model: m.Name, Field: p.key, Value: v,
			Msg: fmt.Sprintf("lookup %q takes a string, not %#v (%T)", p.lookup, v, v)}
	}
	s := rv.String()
	if strings.IndexByte(s, 0) >= 0 {
		return "", &orm.FieldError{Model: m.Name, Field: p.key, Value: v,
			Msg: "the value contains a NUL byte, which PostgreSQL text cannot store"}
	}
	return s, nil
}

// listValue converts the elements of an "in" list and returns them as one
// array parameter (= ANY($1): one placeholder whatever the length). NULLs are
// dropped, as SQL's IN would never match them; nil means nothing can match.
func listValue(m *schema.Model, p path, kind schema.ColumnKind, v any) (any, error) {
	rv := reflect.ValueOf(v)
	if v == nil || (rv.Kind() != reflect.Slice && rv.Kind() != reflect.Array) || rv.Type().Elem().Kind() == reflect.Uint8 {
		return nil, &orm.FieldError{Model: m.Name, Field: p.key, Value: v,
			Msg: fmt.Sprintf("lookup \"in\" takes a slice, not %#v (%T)", v, v)}
	}
	vals := make([]any, 0, rv.Len())
	for i := 0; i < rv.Len(); i++ {
		c, err := convertValue(m, p, kind, rv.Index(i).Interface())
		if err != nil {
			return nil, err
		}
		if c != nil {
			vals = append(vals, c)
		}
	}
	if len(vals) == 0 {
		return nil, nil
	}
	return typedSlice(kind, vals), nil
}

// typedSlice builds a slice pgx encodes as the column's array type.
func typedSlice(kind schema.ColumnKind, vals []any) any {
	switch kind {
	case schema.KindInt:
		return anyslice.Typed[int64](vals)
	case schema.KindFloat:
		return anyslice.Typed[float64](vals)
	case schema.KindString:
		if s, ok := anyslice.Typed[string](vals).([]string); ok {
			return s
		}
	case schema.KindBool:
		return anyslice.Typed[bool](vals)
	case schema.KindTime, schema.KindDate:
		if s, ok := timeArrayText(kind, vals); ok {
			return s
		}
		return anyslice.Typed[time.Time](vals)
	case schema.KindUUID:
		if ids, ok := anyslice.Typed[[16]byte](vals).([][16]byte); ok {
			out := make([]pgtype.UUID, len(ids))
			for i, id := range ids {
				out[i] = pgtype.UUID{Bytes: id, Valid: true}
			}
			return out
		}
	case schema.KindNumeric:
		// Numbers given as strings keep their precision as text[]: under
		// pgx's exec and simple_protocol modes a []any has no type.
		if s, ok := anyslice.Typed[string](vals).([]string); ok {
			return s
		}
	}
	return vals
}

func rangeValue(m *schema.Model, p path, kind schema.ColumnKind, v any) (any, any, error) {
	rv := reflect.ValueOf(v)
	if v == nil || (rv.Kind() != reflect.Slice && rv.Kind() != reflect.Array) || rv.Len() != 2 {
		return nil, nil, &orm.FieldError{Model: m.Name, Field: p.key, Value: v,
			Msg: fmt.Sprintf("lookup \"range\" takes two values ([]any{lo, hi}), not %#v", v)}
	}
	lo, err := convertValue(m, p, kind, rv.Index(0).Interface())
	if err != nil {
		return nil, nil, err
	}
	hi, err := convertValue(m, p, kind, rv.Index(1).Interface())
	if err != nil {
		return nil, nil, err
	}
	return lo, hi, nil // a nil bound: the caller matches nothing
}

func boolValue(m *schema.Model, p path, v any) (bool, error) {
	b, ok := v.(bool)
	if !ok {
		return false, &orm.FieldError{Model: m.Name, Field: p.key, Value: v,
			Msg: fmt.Sprintf("isnull takes true or false, not %#v (%T)", v, v)}
	}
	return b, nil
}

func isNilValue(v any) bool {
	if v == nil {
		return true
	}
	rv := reflect.ValueOf(v)
	return rv.Kind() == reflect.Pointer && rv.IsNil()
}
