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
	c := conversion{m: m, p: p, orig: v}
	v, err := c.prepare(v, kind)
	if err != nil || v == nil {
		return nil, err
	}
	if int(kind) < len(kindConversions) && kindConversions[kind].fromGo != nil {
		if out, ok, err := kindConversions[kind].fromGo(c, v); ok || err != nil {
			return out, err
		}
	}
	return nil, c.fail("cannot use %#v (%T) as a value for %s", c.orig, c.orig, describe(p))
}

// conversion is one value being converted for a key, and what its errors
// name.
type conversion struct {
	m    *schema.Model
	p    path
	orig any
	// valued: the value is what a driver.Valuer's Value gave, so its text
	// form is what the server would parse.
	valued bool
}

func (c conversion) fail(format string, args ...any) error {
	return &orm.FieldError{Model: c.m.Name, Field: c.p.key, Value: c.orig, Msg: fmt.Sprintf(format, args...)}
}

// prepare reads v as pgx would before its Go kind counts: a model object is
// its key, a Valuer what Value gives, a pgtype value its Go value. nil is
// NULL.
func (c *conversion) prepare(v any, kind schema.ColumnKind) (any, error) {
	if v == nil {
		return nil, nil
	}
	if pk, ok, err := modelKey(c.p, v); ok {
		if err != nil {
			return nil, c.fail("%v", err)
		}
		v = pk
	}
	v, valued, err := pgvalue.Resolve(v)
	if err != nil {
		return nil, c.fail("%v", err)
	}
	c.valued = valued
	if v == nil {
		return nil, nil
	}
	if _, ok := v.(sq.Sqlizer); ok {
		// squirrel would splice its ToSql into the statement text.
		return nil, c.fail("%T renders SQL of its own (squirrel.Sqlizer); a value must be data", v)
	}
	if int(kind) < len(kindConversions) && kindConversions[kind].fromPgtype != nil {
		if pv, ok := kindConversions[kind].fromPgtype(v); ok {
			return pv, nil // nil: Valid is false, NULL
		}
	}
	return v, nil
}

// kindConversion is how a value becomes one of a column kind: through the
// pgtype value interface pgx's codec for the kind uses (fromPgtype: ok false
// when v has none), then by its Go kind (fromGo: ok false when it does not
// convert).
type kindConversion struct {
	fromPgtype func(v any) (out any, ok bool)
	fromGo     func(c conversion, v any) (out any, ok bool, err error)
}

var kindConversions = [...]kindConversion{
	schema.KindInt:      {fromPgtype: numberPgtype, fromGo: toInt},
	schema.KindFloat:    {fromPgtype: numberPgtype, fromGo: toFloat},
	schema.KindNumeric:  {fromPgtype: numericPgtype, fromGo: toNumeric},
	schema.KindString:   {fromPgtype: textPgtype, fromGo: toString},
	schema.KindBool:     {fromPgtype: boolPgtype, fromGo: toBool},
	schema.KindTime:     {fromPgtype: timePgtype, fromGo: toTime},
	schema.KindDate:     {fromPgtype: timePgtype, fromGo: toTime},
	schema.KindUUID:     {fromPgtype: uuidPgtype, fromGo: toUUID},
	schema.KindBytes:    {fromPgtype: bytesPgtype, fromGo: toBytes},
	schema.KindInterval: {fromPgtype: intervalPgtype, fromGo: toInterval},
	schema.KindJSON:     {fromGo: asIs},
	schema.KindArray:    {fromGo: asIs},
	schema.KindOther:    {fromGo: asIs},
}

func toInt(c conversion, v any) (any, bool, error) {
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return c.intInRange(rv.Int())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		u := rv.Uint()
		if u > math.MaxInt64 {
			return nil, true, c.fail("value %d is out of range for %s", u, describe(c.p))
		}
		return c.intInRange(int64(u))
	case reflect.Float32, reflect.Float64:
		f := rv.Float()
		if f != math.Trunc(f) || math.IsInf(f, 0) || f > math.MaxInt64 || f < math.MinInt64 {
			return nil, true, c.fail("cannot use %v (%T) as a value for %s without losing its fraction", v, v, describe(c.p))
		}
		return c.intInRange(int64(f))
	case reflect.String:
		if c.valued { // the text form a Valuer gives: what the server would parse
			n, err := strconv.ParseInt(strings.TrimSpace(rv.String()), 10, 64)
			if err != nil {
				return nil, true, c.fail("Value() gives %q, not an integer, for %s", rv.String(), describe(c.p))
			}
			return c.intInRange(n)
		}
	}
	return nil, false, nil
}

// intInRange refuses an integer the column's type cannot hold (smallint,
// integer): the server would fail the whole statement.
func (c conversion) intInRange(n int64) (any, bool, error) {
	p := c.p
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
		return nil, true, c.fail("value %d is out of range for %s (%s)", n, describe(p), p.field.SQLType)
	}
	return n, true, nil
}

func toFloat(c conversion, v any) (any, bool, error) {
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return float64(rv.Int()), true, nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return float64(rv.Uint()), true, nil
	case reflect.Float32, reflect.Float64:
		return rv.Float(), true, nil
	case reflect.String:
		if c.valued {
			f, err := strconv.ParseFloat(strings.TrimSpace(rv.String()), 64)
			if err != nil {
				return nil, true, c.fail("Value() gives %q, not a number, for %s", rv.String(), describe(c.p))
			}
			return f, true, nil
		}
	}
	return nil, false, nil
}

func toNumeric(c conversion, v any) (any, bool, error) {
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return rv.Int(), true, nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return new(big.Int).SetUint64(rv.Uint()).String(), true, nil
	case reflect.Float32, reflect.Float64:
		return rv.Float(), true, nil
	case reflect.String:
		s := rv.String()
		if _, ok := new(big.Float).SetString(strings.TrimSpace(s)); !ok {
			return nil, true, c.fail("%q is not a number, for %s", s, describe(c.p))
		}
		return s, true, nil
	}
	n, ok := v.(pgtype.Numeric)
	return n, ok, nil
}

func toString(c conversion, v any) (any, bool, error) {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.String {
		return nil, false, nil
	}
	s := rv.String()
	if strings.IndexByte(s, 0) >= 0 {
		return nil, true, c.fail("the value contains a NUL byte, which PostgreSQL text cannot store")
	}
	return s, true, nil
}

func toBool(c conversion, v any) (any, bool, error) {
	rv := reflect.ValueOf(v)
	switch {
	case rv.Kind() == reflect.Bool:
		return rv.Bool(), true, nil
	case rv.Kind() == reflect.String && c.valued:
		b, err := strconv.ParseBool(strings.TrimSpace(rv.String()))
		if err != nil {
			return nil, true, c.fail("Value() gives %q, not a boolean, for %s", rv.String(), describe(c.p))
		}
		return b, true, nil
	}
	return nil, false, nil
}

func toTime(c conversion, v any) (any, bool, error) {
	switch t := v.(type) {
	case time.Time:
		return t, true, nil
	case pgtype.Timestamptz, pgtype.Timestamp, pgtype.Date: // infinity
		return t, true, nil
	}
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.String {
		return nil, false, nil
	}
	t, naive, ok := parseISO(rv.String())
	if !ok {
		return nil, true, c.fail("%q is not an ISO 8601 date or date and time (2006-01-02, 2006-01-02T15:04:05, 2006-01-02T15:04:05+07:00), for %s",
			rv.String(), describe(c.p))
	}
	if naive {
		// Sent as text: PostgreSQL reads it in the session's time zone,
		// as it reads such a literal and as __date and __year compare.
		return rv.String(), true, nil
	}
	return t, true, nil
}

func toUUID(c conversion, v any) (any, bool, error) {
	rv := reflect.ValueOf(v)
	if rv.Kind() == reflect.Array && rv.Len() == 16 && rv.Type().Elem().Kind() == reflect.Uint8 {
		var b [16]byte
		reflect.Copy(reflect.ValueOf(&b).Elem(), rv)
		return b, true, nil
	}
	if rv.Kind() != reflect.String {
		return nil, false, nil
	}
	s := rv.String()
	var u pgtype.UUID
	if err := u.Scan(s); err != nil {
		return nil, true, c.fail("%q is not a UUID, for %s", s, describe(c.p))
	}
	return u.Bytes, true, nil
}

func toBytes(_ conversion, v any) (any, bool, error) {
	b, ok := v.([]byte)
	return b, ok, nil
}

func toInterval(c conversion, v any) (any, bool, error) {
	switch v.(type) {
	case time.Duration, pgtype.Interval:
		return v, true, nil
	case string:
		return v, c.valued, nil // the server parses the interval text Value() gives
	}
	return nil, false, nil
}

// asIs passes the value on: pgx encodes it from the column's type (json,
// arrays, types eager has no kind for).
func asIs(_ conversion, v any) (any, bool, error) { return v, true, nil }

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
