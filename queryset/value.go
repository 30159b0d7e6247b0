package queryset

import (
	"fmt"
	"math"
	"math/big"
	"reflect"
	"strings"
	"time"
	"unsafe"

	"github.com/eagerorm/eager/orm"
	"github.com/jackc/pgx/v5/pgtype"
)

// convertValue checks that v can be compared with a value of kind (the
// field's, or the target primary key's for a relation) and converts it where
// that loses nothing. A model object stands for its primary key. It returns a
// *orm.FieldError naming the model, the key and the value otherwise.
func convertValue(m *orm.Model, p path, kind orm.ColumnKind, v any) (any, error) {
	fail := func(format string, args ...any) error {
		return &orm.FieldError{Model: m.Name, Field: p.key, Value: v, Msg: fmt.Sprintf(format, args...)}
	}
	if v == nil {
		return nil, nil
	}
	if pk, ok, err := modelKey(p, v); ok {
		if err != nil {
			return nil, fail("%v", err)
		}
		v = pk
	}
	rv := reflect.ValueOf(v)
	for rv.Kind() == reflect.Pointer {
		if rv.IsNil() {
			return nil, nil
		}
		rv = rv.Elem()
		v = rv.Interface()
	}
	switch kind {
	case orm.KindInt:
		switch rv.Kind() {
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
			return checkIntRange(p, rv.Int(), fail)
		case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
			u := rv.Uint()
			if u > math.MaxInt64 {
				return nil, fail("value %d is out of range for %s", u, describe(p))
			}
			return checkIntRange(p, int64(u), fail)
		case reflect.Float32, reflect.Float64:
			f := rv.Float()
			if f != math.Trunc(f) || math.IsInf(f, 0) || f > math.MaxInt64 || f < math.MinInt64 {
				return nil, fail("cannot use %v (%T) as a value for %s without losing its fraction", v, v, describe(p))
			}
			return checkIntRange(p, int64(f), fail)
		}
	case orm.KindFloat:
		switch rv.Kind() {
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
			return float64(rv.Int()), nil
		case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
			return float64(rv.Uint()), nil
		case reflect.Float32, reflect.Float64:
			return rv.Float(), nil
		}
	case orm.KindNumeric:
		switch rv.Kind() {
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
			return rv.Int(), nil
		case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
			return new(big.Int).SetUint64(rv.Uint()).String(), nil
		case reflect.Float32, reflect.Float64:
			return rv.Float(), nil
		case reflect.String:
			s := rv.String()
			if _, ok := new(big.Float).SetString(strings.TrimSpace(s)); !ok {
				return nil, fail("%q is not a number, for %s", s, describe(p))
			}
			return s, nil
		}
		if n, ok := v.(pgtype.Numeric); ok {
			return n, nil
		}
	case orm.KindString:
		if rv.Kind() == reflect.String {
			s := rv.String()
			if strings.IndexByte(s, 0) >= 0 {
				return nil, fail("the value contains a NUL byte, which PostgreSQL text cannot store")
			}
			return s, nil
		}
		if t, ok := v.(pgtype.Text); ok {
			return t, nil
		}
	case orm.KindBool:
		if rv.Kind() == reflect.Bool {
			return rv.Bool(), nil
		}
	case orm.KindTime, orm.KindDate:
		switch t := v.(type) {
		case time.Time:
			return t, nil
		case pgtype.Timestamptz, pgtype.Timestamp, pgtype.Date:
			return t, nil
		}
	case orm.KindUUID:
		if rv.Kind() == reflect.Array && rv.Len() == 16 && rv.Type().Elem().Kind() == reflect.Uint8 {
			var b [16]byte
			reflect.Copy(reflect.ValueOf(&b).Elem(), rv)
			return b, nil
		}
		if rv.Kind() == reflect.String {
			s := rv.String()
			var u pgtype.UUID
			if err := u.Scan(s); err != nil {
				return nil, fail("%q is not a UUID, for %s", s, describe(p))
			}
			return u.Bytes, nil
		}
		if u, ok := v.(pgtype.UUID); ok {
			return u, nil
		}
	case orm.KindBytes:
		if b, ok := v.([]byte); ok {
			return b, nil
		}
	case orm.KindInterval:
		switch v.(type) {
		case time.Duration, pgtype.Interval:
			return v, nil
		}
	case orm.KindJSON, orm.KindArray, orm.KindOther:
		return v, nil // pgx encodes these from the column's type
	}
	return nil, fail("cannot use %#v (%T) as a value for %s", v, v, describe(p))
}

func checkIntRange(p path, n int64, fail func(string, ...any) error) (any, error) {
	bits := 64
	if p.transform == "" && p.field.Column != "" {
		switch p.field.SQLType {
		case "smallint":
			bits = 16
		case "integer":
			bits = 32
		}
	}
	if bits < 64 && (n < -(1<<(bits-1)) || n >= 1<<(bits-1)) {
		return nil, fail("value %d is out of range for %s (%s)", n, describe(p), p.field.SQLType)
	}
	return n, nil
}

// modelKey recognises a model object given as a value for a relation (or for
// a primary key) and returns its primary key.
func modelKey(p path, v any) (any, bool, error) {
	if v == nil {
		return nil, false, nil
	}
	t := reflect.TypeOf(v)
	isPtr := t.Kind() == reflect.Pointer
	if isPtr {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct || (p.field.Rel == nil && !p.field.PK) {
		return nil, false, nil
	}
	target := p.field.Model
	if p.field.Rel != nil {
		target = p.field.Rel.Target
	}
	if t != target.Type {
		if _, err := orm.ModelOf(t); err == nil {
			return nil, true, fmt.Errorf("a %s object cannot stand for a %s", t.Name(), target.Name)
		}
		return nil, false, nil
	}
	rv := reflect.ValueOf(v)
	if isPtr {
		if rv.IsNil() {
			return nil, true, nil
		}
	} else {
		ptr := reflect.New(t)
		ptr.Elem().Set(rv)
		rv = ptr
	}
	return target.PK.Value(unsafe.Pointer(rv.Pointer())), true, nil
}
