package migrate

import (
	"strconv"
	"strings"
)

// sqlType is a column type parsed far enough to compare two of them: the
// base name in one canonical spelling and its modifiers.
type sqlType struct {
	base  string // "integer", "numeric", "varchar", "timestamptz", an enum name
	mods  []int  // numeric(p,s), varchar(n); nil when absent
	array int    // dimensions: text[] is 1
}

// typeAliases maps PostgreSQL's other spellings (format_type output and
// common shorthands) to the one this package writes, so a hand-written
// "int4" and a model's "integer" compare equal.
var typeAliases = map[string]string{
	"int": "integer", "int4": "integer", "int2": "smallint", "int8": "bigint",
	"serial": "integer", "serial4": "integer", "bigserial": "bigint", "serial8": "bigint",
	"smallserial": "smallint", "serial2": "smallint",
	"float4": "real", "float8": "double precision", "float": "double precision",
	"bool": "boolean", "decimal": "numeric",
	"character varying": "varchar", "char varying": "varchar", "character": "char", "bpchar": "char",
	"timestamp with time zone": "timestamptz", "timestamp without time zone": "timestamp",
	"time without time zone": "time", "time with time zone": "timetz",
}

func parseType(s string) sqlType {
	s = strings.ToLower(strings.Join(strings.Fields(s), " "))
	var t sqlType
	for {
		if strings.HasSuffix(s, "[]") {
			s, t.array = strings.TrimSpace(strings.TrimSuffix(s, "[]")), t.array+1
			continue
		}
		if strings.HasSuffix(s, " array") { // "integer array", the SQL standard spelling
			s, t.array = strings.TrimSuffix(s, " array"), t.array+1
			continue
		}
		break
	}
	// "timestamp(3) with time zone": the modifier sits inside the name.
	if i := strings.IndexByte(s, '('); i >= 0 {
		if j := strings.IndexByte(s[i:], ')'); j >= 0 {
			inner := s[i+1 : i+j]
			rest := strings.TrimSpace(s[:i]) + s[i+j+1:]
			mods := []int{}
			ok := true
			for _, part := range strings.Split(inner, ",") {
				n, err := strconv.Atoi(strings.TrimSpace(part))
				if err != nil {
					ok = false
					break
				}
				mods = append(mods, n)
			}
			if ok {
				s, t.mods = strings.TrimSpace(rest), mods
			}
		}
	}
	if a, ok := typeAliases[s]; ok {
		s = a
	}
	t.base = s
	return t
}

func (t sqlType) String() string {
	s := t.base
	if t.mods != nil {
		parts := make([]string, len(t.mods))
		for i, m := range t.mods {
			parts[i] = strconv.Itoa(m)
		}
		s += "(" + strings.Join(parts, ",") + ")"
	}
	return s + strings.Repeat("[]", t.array)
}

// normType is the canonical spelling of a type, for comparisons.
func normType(s string) string { return parseType(s).String() }

func sameType(a, b string) bool { return normType(a) == normType(b) }

// intDigits is how many decimal digits each integer type needs, to decide
// whether a numeric(p,s) holds every value.
var intDigits = map[string]int{"smallint": 5, "integer": 10, "bigint": 19}

var intRank = map[string]int{"smallint": 1, "integer": 2, "bigint": 3}

// widens reports whether every value of type from is a value of type to, so
// that changing a column from one to the other cannot fail or lose data.
// Changes it does not know to be safe count as narrowing: the lint then asks
// for an explicit allow, which is the point.
func widens(from, to string) bool {
	f, t := parseType(from), parseType(to)
	if f.String() == t.String() {
		return true
	}
	if f.array != t.array {
		return false
	}
	switch {
	case intRank[f.base] > 0 && intRank[t.base] > 0:
		return intRank[t.base] >= intRank[f.base]
	case intRank[f.base] > 0 && t.base == "numeric":
		return len(t.mods) == 0 || precision(t)-scale(t) >= intDigits[f.base]
	case f.base == "numeric" && t.base == "numeric":
		if len(t.mods) == 0 {
			return true
		}
		if len(f.mods) == 0 {
			return false
		}
		return scale(t) >= scale(f) && precision(t)-scale(t) >= precision(f)-scale(f)
	case f.base == "real" && t.base == "double precision":
		return true
	case (f.base == "smallint" || f.base == "integer") && t.base == "double precision":
		return true // exact below 2^53
	case f.base == "smallint" && t.base == "real":
		return true
	case isText(f.base) && t.base == "text":
		return true
	case f.base == "varchar" && t.base == "varchar":
		return len(t.mods) == 0 || (len(f.mods) > 0 && t.mods[0] >= f.mods[0])
	case f.base == "char" && t.base == "varchar":
		return len(t.mods) == 0 || (len(f.mods) > 0 && t.mods[0] >= f.mods[0])
	case f.base == "json" && t.base == "jsonb":
		return true
	case f.base == "timestamp" && t.base == "timestamptz", f.base == "date" && (t.base == "timestamp" || t.base == "timestamptz"):
		return true
	case (f.base == "timestamp" || f.base == "timestamptz" || f.base == "time" || f.base == "interval") && f.base == t.base:
		// Fractional seconds: no modifier is 6 digits, the most.
		return len(t.mods) == 0 || (len(f.mods) > 0 && t.mods[0] >= f.mods[0])
	}
	return false
}

func isText(base string) bool { return base == "text" || base == "varchar" || base == "char" }

func precision(t sqlType) int {
	if len(t.mods) > 0 {
		return t.mods[0]
	}
	return 1000
}

func scale(t sqlType) int {
	if len(t.mods) > 1 {
		return t.mods[1]
	}
	return 0
}

// zeroValue is a placeholder value of a type, for the rows of a NOT NULL
// column that comes back on rollback; ok is false for types it does not
// know (enums, domains), whose column is re-added without one.
func zeroValue(typ string) (string, bool) {
	t := parseType(typ)
	if t.array > 0 {
		return "'{}'", true
	}
	switch t.base {
	case "text", "varchar", "char", "bytea", "citext":
		return "''", true
	case "smallint", "integer", "bigint", "numeric", "real", "double precision", "money":
		return "0", true
	case "boolean":
		return "false", true
	case "json", "jsonb":
		return "'{}'", true
	case "uuid":
		return "'00000000-0000-0000-0000-000000000000'", true
	case "timestamptz", "timestamp", "date":
		return "'epoch'", true
	case "time", "timetz":
		return "'00:00'", true
	case "interval":
		return "'0'", true
	}
	return "", false
}
