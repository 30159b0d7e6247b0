package schema

import (
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgtype"
)

// ColumnKind is the family of values a column holds; it decides which lookups
// apply and which Go values a filter accepts.
type ColumnKind uint8

const (
	KindOther ColumnKind = iota
	KindBool
	KindInt
	KindFloat
	KindNumeric
	KindString // text, varchar, enums
	KindBytes
	KindTime // timestamptz, timestamp
	KindDate
	KindUUID
	KindJSON
	KindArray
	KindInterval
)

var kindNames = [...]string{"other", "bool", "integer", "float", "numeric", "string", "bytes",
	"timestamp", "date", "uuid", "json", "array", "interval"}

func (k ColumnKind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "unknown"
}

// columnType is how a Go type is stored.
type columnType struct {
	kind     ColumnKind
	sqlType  string
	nullable bool // the Go type can hold NULL
	nilable  bool // nil slice or map: NULL allowed only with orm:"null"
}

var (
	timeType    = reflect.TypeFor[time.Time]()
	rawJSONType = reflect.TypeFor[json.RawMessage]()
	scannerType = reflect.TypeFor[sql.Scanner]()
	valuerType  = reflect.TypeFor[driver.Valuer]()
)

// nullWrappers maps the database/sql and pgtype nullable types to how their
// value is stored.
var nullWrappers = map[reflect.Type]columnType{
	reflect.TypeFor[sql.NullString]():     {KindString, "text", true, false},
	reflect.TypeFor[sql.NullInt64]():      {KindInt, "bigint", true, false},
	reflect.TypeFor[sql.NullInt32]():      {KindInt, "integer", true, false},
	reflect.TypeFor[sql.NullInt16]():      {KindInt, "smallint", true, false},
	reflect.TypeFor[sql.NullByte]():       {KindInt, "smallint", true, false},
	reflect.TypeFor[sql.NullFloat64]():    {KindFloat, "double precision", true, false},
	reflect.TypeFor[sql.NullBool]():       {KindBool, "boolean", true, false},
	reflect.TypeFor[sql.NullTime]():       {KindTime, "timestamptz", true, false},
	reflect.TypeFor[pgtype.Text]():        {KindString, "text", true, false},
	reflect.TypeFor[pgtype.Int2]():        {KindInt, "smallint", true, false},
	reflect.TypeFor[pgtype.Int4]():        {KindInt, "integer", true, false},
	reflect.TypeFor[pgtype.Int8]():        {KindInt, "bigint", true, false},
	reflect.TypeFor[pgtype.Float4]():      {KindFloat, "real", true, false},
	reflect.TypeFor[pgtype.Float8]():      {KindFloat, "double precision", true, false},
	reflect.TypeFor[pgtype.Bool]():        {KindBool, "boolean", true, false},
	reflect.TypeFor[pgtype.Numeric]():     {KindNumeric, "numeric", true, false},
	reflect.TypeFor[pgtype.Timestamptz](): {KindTime, "timestamptz", true, false},
	reflect.TypeFor[pgtype.Timestamp]():   {KindTime, "timestamp", true, false},
	reflect.TypeFor[pgtype.Date]():        {KindDate, "date", true, false},
	reflect.TypeFor[pgtype.UUID]():        {KindUUID, "uuid", true, false},
	reflect.TypeFor[pgtype.Interval]():    {KindInterval, "interval", true, false},
	reflect.TypeFor[pgtype.Time]():        {KindOther, "time", true, false},
}

var arrayElemSQL = map[reflect.Kind]string{
	reflect.String: "text", reflect.Int64: "bigint", reflect.Int: "bigint", reflect.Int32: "integer",
	reflect.Int16: "smallint", reflect.Float64: "double precision", reflect.Float32: "real", reflect.Bool: "boolean",
}

// classify decides how a Go type is stored. override is the orm:"type:..."
// option ("" when absent).
func classify(t reflect.Type, override string) (columnType, error) {
	ct, err := classifyGo(t)
	if err != nil {
		if override == "" || !implementsScanner(t) {
			return ct, err
		}
		// A custom type that scans itself: the declared SQL type says what it is.
		ct, err = columnType{kind: kindOfSQLType(override), nullable: true}, nil
	}
	if override != "" {
		ct.sqlType = override
		switch sqlKind := kindOfSQLType(override); {
		case t.Implements(valuerType) && t.PkgPath() != "github.com/jackc/pgx/v5/pgtype":
			// A type that encodes itself (a Money whose Value is "19.99") is
			// what its declared column holds, whatever its Go kind.
			ct.kind = sqlKind
		case ct.kind == KindString && (sqlKind == KindNumeric || sqlKind == KindUUID || sqlKind == KindDate || sqlKind == KindTime):
			ct.kind = sqlKind // the string path for numeric, uuid, date
		case ct.kind == KindTime && sqlKind == KindDate:
			ct.kind = KindDate
		case ct.kind == KindFloat && sqlKind == KindNumeric:
			ct.kind = KindNumeric
		}
	}
	return ct, nil
}

func classifyGo(t reflect.Type) (columnType, error) {
	if ct, ok := nullWrappers[t]; ok {
		return ct, nil
	}
	if t.PkgPath() == "database/sql" && strings.HasPrefix(t.Name(), "Null[") {
		inner, err := classifyGo(t.Field(0).Type)
		inner.nullable = true
		return inner, err
	}
	switch t {
	case timeType:
		return columnType{kind: KindTime, sqlType: "timestamptz"}, nil
	case rawJSONType:
		return columnType{kind: KindJSON, sqlType: "jsonb", nilable: true}, nil
	}
	switch t.Kind() {
	case reflect.Pointer:
		if t.Elem().Kind() == reflect.Pointer {
			return columnType{}, fmt.Errorf("unsupported type %s: a pointer to a pointer", t)
		}
		inner, err := classifyGo(t.Elem())
		inner.nullable = true
		return inner, err
	case reflect.Bool:
		return columnType{kind: KindBool, sqlType: "boolean"}, nil
	case reflect.Int8, reflect.Int16, reflect.Uint8:
		return columnType{kind: KindInt, sqlType: "smallint"}, nil
	case reflect.Int32, reflect.Uint16:
		return columnType{kind: KindInt, sqlType: "integer"}, nil
	case reflect.Int, reflect.Int64, reflect.Uint32, reflect.Uint, reflect.Uint64:
		return columnType{kind: KindInt, sqlType: "bigint"}, nil
	case reflect.Float32:
		return columnType{kind: KindFloat, sqlType: "real"}, nil
	case reflect.Float64:
		return columnType{kind: KindFloat, sqlType: "double precision"}, nil
	case reflect.String:
		return columnType{kind: KindString, sqlType: "text"}, nil
	case reflect.Array:
		if t.Len() == 16 && t.Elem().Kind() == reflect.Uint8 {
			return columnType{kind: KindUUID, sqlType: "uuid"}, nil
		}
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 && t.Elem().PkgPath() == "" {
			return columnType{kind: KindBytes, sqlType: "bytea", nilable: true}, nil
		}
		if t.Elem() == timeType {
			return columnType{kind: KindArray, sqlType: "timestamptz[]", nilable: true}, nil
		}
		if elem, ok := arrayElemSQL[t.Elem().Kind()]; ok {
			return columnType{kind: KindArray, sqlType: elem + "[]", nilable: true}, nil
		}
		if t.Elem().Kind() == reflect.Struct || t.Elem().Kind() == reflect.Map || t.Elem().Kind() == reflect.Slice {
			return columnType{kind: KindJSON, sqlType: "jsonb", nilable: true}, nil
		}
	case reflect.Map:
		if t.Key().Kind() == reflect.String {
			return columnType{kind: KindJSON, sqlType: "jsonb", nilable: true}, nil
		}
	case reflect.Struct:
		if implementsScanner(t) {
			return columnType{}, fmt.Errorf("type %s scans itself: declare its column type with orm:\"type:...\"", t)
		}
		return columnType{kind: KindJSON, sqlType: "jsonb"}, nil
	}
	return columnType{}, fmt.Errorf("unsupported type %s", t)
}

// implementsScanner reports whether *t decodes itself from a column, through
// database/sql or one of pgtype's scanner interfaces.
func implementsScanner(t reflect.Type) bool {
	pt := reflect.PointerTo(t)
	if pt.Implements(scannerType) {
		return true
	}
	for i := 0; i < pt.NumMethod(); i++ {
		if strings.HasPrefix(pt.Method(i).Name, "Scan") && pt.Method(i).Name != "Scan" {
			return true // pgtype's ScanInt64, ScanText, ...
		}
	}
	return false
}

// kindOfSQLType guesses the kind of a declared SQL type; unknown names
// (enums, domains) are read as text.
func kindOfSQLType(sqlType string) ColumnKind {
	s := strings.ToLower(strings.TrimSpace(sqlType))
	if strings.HasSuffix(s, "[]") {
		return KindArray
	}
	if i := strings.IndexByte(s, '('); i >= 0 {
		s = strings.TrimSpace(s[:i])
	}
	switch s {
	case "smallint", "integer", "int", "int2", "int4", "int8", "bigint", "serial", "bigserial", "smallserial":
		return KindInt
	case "real", "float4", "float8", "double precision":
		return KindFloat
	case "numeric", "decimal", "money":
		return KindNumeric
	case "boolean", "bool":
		return KindBool
	case "bytea":
		return KindBytes
	case "timestamptz", "timestamp", "timestamp with time zone", "timestamp without time zone":
		return KindTime
	case "date":
		return KindDate
	case "uuid":
		return KindUUID
	case "json", "jsonb":
		return KindJSON
	case "interval":
		return KindInterval
	}
	return KindString
}
