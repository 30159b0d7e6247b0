package queryset

import (
	"fmt"
	"math"
	"math/big"
	"reflect"
	"strconv"
	"strings"
	"time"
	"unsafe"

	sq "github.com/Masterminds/squirrel"
	"github.com/eagerorm/eager/internal/anyslice"
	"github.com/eagerorm/eager/internal/pgvalue"
	"github.com/eagerorm/eager/internal/schema"
	"github.com/eagerorm/eager/orm"
	"github.com/jackc/pgx/v5/pgtype"
)

// convertValue checks that v can be compared with a value of kind (the
// field's, or the target primary key's for a relation) and converts it where
// that loses nothing. A model object stands for its primary key. It returns a
// *orm.FieldError naming the model, the key and the value otherwise.
//
// v is read as pgx reads a statement argument, so that a filter or an update
// sends what Insert (which hands the field to pgx) writes: a type pgx has no
// codec for but that implements driver.Valuer is what its Value method
// returns (a Money whose Value is "19.99" is 19.99, not its int64 1999);
// then pgtype's types and value interfaces (pgtype.Int8, a type with
// Int64Value...); only then the Go kind (a named string is a string).
func convertValue(m *schema.Model, p path, kind schema.ColumnKind, v any) (any, error) {
	orig := v
	fail := func(format string, args ...any) error {
		return &orm.FieldError{Model: m.Name, Field: p.key, Value: orig, Msg: fmt.Sprintf(format, args...)}
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
	v, valued, err := pgvalue.Resolve(v)
	if err != nil {
		return nil, fail("%v", err)
	}
	if v == nil {
		return nil, nil
	}
	if _, ok := v.(sq.Sqlizer); ok {
		// squirrel would splice its ToSql into the statement text.
		return nil, fail("%T renders SQL of its own (squirrel.Sqlizer); a value must be data", v)
	}
	if pv, ok := pgtypeValue(v, kind); ok {
		if pv == nil {
			return nil, nil
		}
		v = pv
	}
	rv := reflect.ValueOf(v)
	switch kind {
	case schema.KindInt:
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
		case reflect.String:
			if valued { // the text form a Valuer gives: what the server would parse
				n, err := strconv.ParseInt(strings.TrimSpace(rv.String()), 10, 64)
				if err != nil {
					return nil, fail("Value() gives %q, not an integer, for %s", rv.String(), describe(p))
				}
				return checkIntRange(p, n, fail)
			}
		}
	case schema.KindFloat:
		switch rv.Kind() {
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
			return float64(rv.Int()), nil
		case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
			return float64(rv.Uint()), nil
		case reflect.Float32, reflect.Float64:
			return rv.Float(), nil
		case reflect.String:
			if valued {
				f, err := strconv.ParseFloat(strings.TrimSpace(rv.String()), 64)
				if err != nil {
					return nil, fail("Value() gives %q, not a number, for %s", rv.String(), describe(p))
				}
				return f, nil
			}
		}
	case schema.KindNumeric:
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
	case schema.KindString:
		if rv.Kind() == reflect.String {
			s := rv.String()
			if strings.IndexByte(s, 0) >= 0 {
				return nil, fail("the value contains a NUL byte, which PostgreSQL text cannot store")
			}
			return s, nil
		}
	case schema.KindBool:
		switch rv.Kind() {
		case reflect.Bool:
			return rv.Bool(), nil
		case reflect.String:
			if valued {
				b, err := strconv.ParseBool(strings.TrimSpace(rv.String()))
				if err != nil {
					return nil, fail("Value() gives %q, not a boolean, for %s", rv.String(), describe(p))
				}
				return b, nil
			}
		}
	case schema.KindTime, schema.KindDate:
		switch t := v.(type) {
		case time.Time:
			return t, nil
		case pgtype.Timestamptz, pgtype.Timestamp, pgtype.Date: // infinity
			return t, nil
		}
		if rv.Kind() == reflect.String {
			t, naive, ok := parseISO(rv.String())
			if !ok {
				return nil, fail("%q is not an ISO 8601 date or date and time (2006-01-02, 2006-01-02T15:04:05, 2006-01-02T15:04:05+07:00), for %s",
					rv.String(), describe(p))
			}
			if naive {
				// Sent as text: PostgreSQL reads it in the session's time zone,
				// as it reads such a literal and as __date and __year compare.
				return rv.String(), nil
			}
			return t, nil
		}
	case schema.KindUUID:
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
	case schema.KindBytes:
		if b, ok := v.([]byte); ok {
			return b, nil
		}
	case schema.KindInterval:
		switch v.(type) {
		case time.Duration, pgtype.Interval:
			return v, nil
		case string:
			if valued {
				return v, nil // the server parses the interval text Value() gives
			}
		}
	case schema.KindJSON, schema.KindArray, schema.KindOther:
		return v, nil // pgx encodes these from the column's type
	}
	return nil, fail("cannot use %#v (%T) as a value for %s", orig, orig, describe(p))
}

// pgtypeValue reads v through the pgtype value interface pgx's codec for
// kind uses (Int64Value for an integer column, TextValue for text...), which
// pgtype's own types and some user types implement. ok is false when v has
// none; a nil result with ok is NULL (Valid false).
func pgtypeValue(v any, kind schema.ColumnKind) (out any, ok bool) {
	valid := func(val any, isValid bool) (any, bool) {
		if !isValid {
			return nil, true
		}
		return val, true
	}
	switch kind {
	case schema.KindInt, schema.KindFloat, schema.KindNumeric:
		if kind == schema.KindNumeric {
			if nv, isNV := v.(pgtype.NumericValuer); isNV {
				if n, err := nv.NumericValue(); err == nil {
					return valid(n, n.Valid)
				}
			}
		}
		if iv, isIV := v.(pgtype.Int64Valuer); isIV {
			if n, err := iv.Int64Value(); err == nil {
				return valid(n.Int64, n.Valid)
			}
		}
		if fv, isFV := v.(pgtype.Float64Valuer); isFV {
			if f, err := fv.Float64Value(); err == nil {
				return valid(f.Float64, f.Valid)
			}
		}
	case schema.KindString:
		if tv, isTV := v.(pgtype.TextValuer); isTV {
			if t, err := tv.TextValue(); err == nil {
				return valid(t.String, t.Valid)
			}
		}
	case schema.KindBool:
		if bv, isBV := v.(pgtype.BoolValuer); isBV {
			if b, err := bv.BoolValue(); err == nil {
				return valid(b.Bool, b.Valid)
			}
		}
	case schema.KindTime, schema.KindDate:
		if tv, isTV := v.(pgtype.TimestamptzValuer); isTV {
			if t, err := tv.TimestamptzValue(); err == nil {
				if t.InfinityModifier != pgtype.Finite {
					return valid(t, t.Valid)
				}
				return valid(t.Time, t.Valid)
			}
		}
		if tv, isTV := v.(pgtype.TimestampValuer); isTV {
			if t, err := tv.TimestampValue(); err == nil {
				if t.InfinityModifier != pgtype.Finite {
					return valid(t, t.Valid)
				}
				return valid(t.Time, t.Valid)
			}
		}
		if dv, isDV := v.(pgtype.DateValuer); isDV {
			if d, err := dv.DateValue(); err == nil {
				if d.InfinityModifier != pgtype.Finite {
					return valid(d, d.Valid)
				}
				return valid(d.Time, d.Valid)
			}
		}
	case schema.KindUUID:
		if uv, isUV := v.(pgtype.UUIDValuer); isUV {
			if u, err := uv.UUIDValue(); err == nil {
				return valid(u.Bytes, u.Valid)
			}
		}
	case schema.KindInterval:
		if iv, isIV := v.(pgtype.IntervalValuer); isIV {
			if i, err := iv.IntervalValue(); err == nil {
				return valid(i, i.Valid)
			}
		}
	case schema.KindBytes:
		if bv, isBV := v.(pgtype.BytesValuer); isBV {
			if b, err := bv.BytesValue(); err == nil {
				return valid(b, b != nil)
			}
		}
	}
	return nil, false
}

// isoLayouts are the ISO 8601 forms accepted for a date or a time, after a
// space between date and time is read as T (PostgreSQL prints a space).
// Fractional seconds are accepted after the seconds by time.Parse.
var isoLayouts = []struct {
	layout string
	naive  bool
}{
	{"2006-01-02", true},
	{"2006-01-02T15:04", true},
	{"2006-01-02T15:04:05", true},
	{"2006-01-02T15:04Z07:00", false},
	{"2006-01-02T15:04:05Z07:00", false},
	{"2006-01-02T15:04:05Z0700", false},
	{"2006-01-02T15:04:05Z07", false},
}

// parseISO reads s as an ISO 8601 date or date and time; naive reports that
// it names no offset (PostgreSQL then reads it in the session's time zone).
func parseISO(s string) (t time.Time, naive, ok bool) {
	s = strings.TrimSpace(s)
	if len(s) > 10 && s[10] == ' ' {
		s = s[:10] + "T" + s[11:]
	}
	for _, l := range isoLayouts {
		if t, err := time.Parse(l.layout, s); err == nil {
			return t, l.naive, true
		}
	}
	return time.Time{}, false, false
}

// timeArrayText renders a list of date or time values as one PostgreSQL
// array literal when it holds a naive ISO string: sent as text, the server
// reads every element in the session's time zone, as it reads a single one.
// ok is false when the list needs no text form.
func timeArrayText(kind schema.ColumnKind, vals []any) (string, bool) {
	text := false
	for _, v := range vals {
		if _, isString := v.(string); isString {
			text = true
		}
	}
	if !text {
		return "", false
	}
	var sb strings.Builder
	sb.WriteByte('{')
	for i, v := range vals {
		if i > 0 {
			sb.WriteByte(',')
		}
		var s string
		switch v := v.(type) {
		case string:
			s = v // checked by parseISO: digits, -, :, ., T, space, Z, +
		case time.Time:
			s = v.Format(time.RFC3339Nano)
			if kind == schema.KindDate {
				s = v.Format(time.DateOnly) // the date in the value's own zone, as pgx sends it
			}
		default:
			return "", false
		}
		sb.WriteString(`"` + s + `"`)
	}
	sb.WriteByte('}')
	return sb.String(), true
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
		if _, err := schema.Of(t); err == nil {
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
