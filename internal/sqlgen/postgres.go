package sqlgen

import (
	"strconv"
	"strings"

	sq "github.com/Masterminds/squirrel"
)

// Postgres is the PostgreSQL dialect.
type Postgres struct{}

// QuoteIdent writes name in double quotes, doubling the quotes inside it, as
// pgx.Identifier.Sanitize does (a NUL byte, which no PostgreSQL name can
// hold, is dropped the same way).
func (Postgres) QuoteIdent(name string) string {
	if strings.ContainsAny(name, "\"\x00") {
		name = strings.ReplaceAll(name, "\x00", "")
		name = strings.ReplaceAll(name, `"`, `""`)
	}
	return `"` + name + `"`
}

// Bare is what the server's quote_ident() leaves unquoted: lower-case
// letters, _, digits (not first), and not a keyword it reserves; and also
// a $ (not first), which quote_ident quotes but the server reads bare.
func (Postgres) Bare(name string) bool {
	if name == "" {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case c >= 'a' && c <= 'z', c == '_':
		case (c >= '0' && c <= '9') || c == '$':
			if i == 0 {
				return false
			}
		default:
			return false
		}
	}
	return !reservedWords[name]
}

// Placeholders: $1, $2, ...
func (Postgres) Placeholders() sq.PlaceholderFormat { return sq.Dollar }

// InArray: lhs = ANY($n).
func (Postgres) InArray(lhs string) string { return lhs + " = ANY(?)" }

// ArrayRows: unnest(?::type[]) AS alias(col). The cast types a parameter
// PostgreSQL cannot infer inside unnest; serial pseudo-types name their
// integer, which is what a column declared with one holds.
func (Postgres) ArrayRows(elemType, alias, col string) string {
	switch strings.ToLower(strings.TrimSpace(elemType)) {
	case "serial", "serial4":
		elemType = "integer"
	case "bigserial", "serial8":
		elemType = "bigint"
	case "smallserial", "serial2":
		elemType = "smallint"
	}
	return "unnest(?::" + elemType + "[]) AS " + alias + "(" + col + ")"
}

// Returning: RETURNING a, b.
func (Postgres) Returning(cols []string) string { return "RETURNING " + strings.Join(cols, ", ") }

// Cast: PostgreSQL's expr::type.
func (Postgres) Cast(expr, sqlType string) string { return expr + "::" + sqlType }

// AsText: expr::text.
func (Postgres) AsText(expr string) string { return expr + "::text" }

// AsDate: (expr)::date.
func (Postgres) AsDate(expr string) string { return "(" + expr + ")::date" }

// Extract: EXTRACT(part FROM expr).
func (Postgres) Extract(part, expr string) string { return "EXTRACT(" + part + " FROM " + expr + ")" }

// Trunc: DATE_TRUNC('unit', expr).
func (Postgres) Trunc(unit, expr string) string { return "DATE_TRUNC('" + unit + "', " + expr + ")" }

// RegexOp: ~, or ~* to fold case.
func (Postgres) RegexOp(foldCase bool) string {
	if foldCase {
		return "~*"
	}
	return "~"
}

// AggFilter: agg FILTER (WHERE cond).
func (Postgres) AggFilter(agg, cond string) string { return agg + " FILTER (WHERE " + cond + ")" }

// OnConflict: ON CONFLICT (a, b) | ON CONSTRAINT c, then DO NOTHING or
// DO UPDATE SET a = EXCLUDED.a (EXCLUDED is the row proposed for insertion).
func (Postgres) OnConflict(target []string, constraint string, update []string) string {
	var sb strings.Builder
	sb.WriteString("ON CONFLICT")
	switch {
	case constraint != "":
		sb.WriteString(" ON CONSTRAINT " + constraint)
	case len(target) > 0:
		sb.WriteString(" (" + strings.Join(target, ", ") + ")")
	}
	if len(update) == 0 {
		sb.WriteString(" DO NOTHING")
		return sb.String()
	}
	sb.WriteString(" DO UPDATE SET ")
	for i, c := range update {
		if i > 0 {
			sb.WriteString(", ")
		}
		sb.WriteString(c + " = EXCLUDED." + c)
	}
	return sb.String()
}

// DeclareCursor: a NO SCROLL cursor (forward-only: the server need not keep
// rows already fetched), valid until the transaction ends.
func (Postgres) DeclareCursor(name string) string {
	return "DECLARE " + name + " NO SCROLL CURSOR FOR "
}

// FetchCursor: FETCH FORWARD n FROM name.
func (Postgres) FetchCursor(name string, n int) string {
	return "FETCH FORWARD " + strconv.Itoa(n) + " FROM " + name
}

// CloseCursor: CLOSE name.
func (Postgres) CloseCursor(name string) string { return "CLOSE " + name }

// Lock: FOR UPDATE | NO KEY UPDATE | SHARE | KEY SHARE [OF t, ...] [NOWAIT | SKIP LOCKED].
func (Postgres) Lock(strength LockStrength, of []string, wait LockWait) string {
	s := "FOR " + [...]string{"UPDATE", "NO KEY UPDATE", "SHARE", "KEY SHARE"}[strength]
	if len(of) > 0 {
		s += " OF " + strings.Join(of, ", ")
	}
	switch wait {
	case LockNoWait:
		s += " NOWAIT"
	case LockSkipLocked:
		s += " SKIP LOCKED"
	}
	return s
}

// CopyFrom: COPY table (cols) FROM STDIN in the binary format pgx sends.
func (p Postgres) CopyFrom(table []string, cols []string) string {
	var sb strings.Builder
	sb.WriteString("COPY ")
	for i, t := range table {
		if i > 0 {
			sb.WriteByte('.')
		}
		sb.WriteString(p.QuoteIdent(t))
	}
	sb.WriteString(" (")
	for i, c := range cols {
		if i > 0 {
			sb.WriteString(", ")
		}
		sb.WriteString(p.QuoteIdent(c))
	}
	sb.WriteString(") FROM STDIN (FORMAT binary)")
	return sb.String()
}

// Violation maps the integrity-constraint SQLSTATEs (class 23).
func (Postgres) Violation(code string) Violation {
	switch code {
	case "23505":
		return UniqueViolation
	case "23503":
		return ForeignKeyViolation
	case "23502":
		return NotNullViolation
	case "23514":
		return CheckViolation
	}
	return NoViolation
}

// reservedWords are PostgreSQL 15's keywords that are not UNRESERVED
// (pg_get_keywords() with catcode <> 'U'): quote_ident quotes exactly these.
var reservedWords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`all analyse analyze and any array as asc asymmetric authorization between
		bigint binary bit boolean both case cast char character check coalesce collate collation column
		concurrently constraint create cross current_catalog current_date current_role current_schema
		current_time current_timestamp current_user dec decimal default deferrable desc distinct do else end
		except exists extract false fetch float for foreign freeze from full grant greatest group grouping
		having ilike in initially inner inout int integer intersect interval into is isnull join lateral
		leading least left like limit localtime localtimestamp national natural nchar none normalize not
		notnull null nullif numeric offset on only or order out outer overlaps overlay placing position
		precision primary real references returning right row select session_user setof similar smallint
		some substring symmetric table tablesample then time timestamp to trailing treat trim true union
		unique user using values varchar variadic verbose when where window with xmlattributes xmlconcat
		xmlelement xmlexists xmlforest xmlnamespaces xmlparse xmlpi xmlroot xmlserialize xmltable`) {
		m[w] = true
	}
	return m
}()
