package sqlgen

import sq "github.com/Masterminds/squirrel"

// Dialect holds what one database writes differently: how it quotes a name,
// numbers its parameters, tests membership in an array, reads rows back
// from a write, walks a cursor, describes a COPY, and which error codes mean
// a broken constraint. Everything else eager writes is standard SQL built
// with squirrel, the same for every database. Only methods something calls
// are here: a fragment joins when a caller needs it.
type Dialect interface {
	// QuoteIdent quotes a table, column or alias name so that the server
	// reads it exactly as written (case, spaces, keywords and all).
	QuoteIdent(name string) string
	// Bare reports whether name reads as itself unquoted: lower case, not a
	// keyword. DDL writes such names bare, for the reviewer's sake.
	Bare(name string) bool
	// Placeholders is the parameter syntax squirrel's ? turn into.
	Placeholders() sq.PlaceholderFormat

	// InArray tests lhs against one array parameter (written ?): one
	// placeholder however many values, one prepared statement for any count.
	InArray(lhs string) string
	// ArrayRows is a FROM item reading one array parameter (written ?) of
	// elemType (a column's SQL type) as rows of one column, col, under
	// alias (both quoted): the values of a multi-row write in one parameter.
	ArrayRows(elemType, alias, col string) string
	// Returning asks a write for the columns (quoted) of the rows it wrote.
	Returning(cols []string) string
	// OnConflict is an INSERT's clause for a row that breaks a unique
	// constraint: the target is the columns (quoted) of a unique index, or
	// a constraint's name (quoted), or neither (any constraint); update
	// lists the columns (quoted) the existing row takes from the new one,
	// none for leaving the existing row alone.
	OnConflict(target []string, constraint string, update []string) string

	// Cast converts expr to sqlType (a column's SQL type), where the
	// server cannot infer a parameter's type (a SELECT list).
	Cast(expr, sqlType string) string
	// AsText casts expr to text (the text lookups on an enum or uuid).
	AsText(expr string) string
	// AsDate casts expr, a timestamp, to its date in the session's zone.
	AsDate(expr string) string
	// Extract reads part (YEAR, MONTH, DAY, HOUR, MINUTE, SECOND) of expr.
	Extract(part, expr string) string
	// Trunc cuts expr, a timestamp, to unit ("second").
	Trunc(unit, expr string) string
	// RegexOp is the operator matching text against a regular expression,
	// case-insensitively when foldCase.
	RegexOp(foldCase bool) string
	// AggFilter restricts aggregate agg (COUNT(x), SUM(x)) to the rows
	// where cond holds.
	AggFilter(agg, cond string) string

	// DeclareCursor starts a statement declaring a forward-only cursor
	// named name over the query that follows it.
	DeclareCursor(name string) string
	// FetchCursor reads the next n rows of cursor name.
	FetchCursor(name string, n int) string
	// CloseCursor ends cursor name.
	CloseCursor(name string) string
	// CopyFrom is the statement a bulk COPY of cols into table (a name,
	// possibly schema-qualified) sends, as hooks report it.
	CopyFrom(table []string, cols []string) string

	// Violation classifies a server error code (SQLSTATE): which constraint
	// kind it breaks, or NoViolation.
	Violation(code string) Violation

	// Lock is the locking clause ending a SELECT: rows of the tables of
	// (quoted aliases; none: every table the SELECT reads) locked with
	// strength until the transaction ends, waiting for a row another
	// transaction holds as wait says.
	Lock(strength LockStrength, of []string, wait LockWait) string
}

// LockStrength is how strongly a SELECT locks the rows it reads.
type LockStrength int

// The lock strengths, strongest first.
const (
	LockUpdate      LockStrength = iota // no other transaction may lock, update or delete the rows
	LockNoKeyUpdate                     // as LockUpdate, but rows referencing these may still be inserted
	LockShare                           // others may read and share-lock, not change
	LockKeyShare                        // only deletes and key changes are blocked
)

// LockWait is what a locking SELECT does about a row another transaction holds.
type LockWait int

// The ways a locking SELECT waits.
const (
	LockBlock      LockWait = iota // wait for the other transaction to end
	LockNoWait                     // fail at once
	LockSkipLocked                 // leave the row out
)

// Violation is the kind of constraint a statement broke.
type Violation int

// The constraint kinds the orm package names with sentinel errors.
const (
	NoViolation Violation = iota
	UniqueViolation
	ForeignKeyViolation
	NotNullViolation
	CheckViolation
)

// D is the dialect every statement is written in. PostgreSQL is the only
// one today; a second database would make this a property of the DB handle
// (see doc.go), not a change to the statement builders.
var D Dialect = Postgres{}

// Builder is squirrel's statement builder with D's placeholders: every
// statement eager sends starts here (or is nested, in squirrel's ? form, in
// one that does), so placeholders are numbered once, at the end.
var Builder = sq.StatementBuilder.PlaceholderFormat(D.Placeholders())
