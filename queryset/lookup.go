package queryset

import (
	"sort"
	"strings"

	"github.com/eagerorm/eager/internal/schema"
	"github.com/eagerorm/eager/internal/sqlgen"
)

// The lookup table. A filter key ends with a lookup (pages__gte) and may
// put a transform before it (published__year__gte): the transform turns the
// column into another value, which the lookup then compares. Both are
// entries of lookupTable, which everything reads: key resolution (which
// lookups a field has, and the errors listing them), the compiler for
// Filter, Exclude and Having (how a lookup converts its value and renders),
// and F() comparisons (which lookups take an expression). Adding a lookup is
// adding an entry.
var lookupTable = map[string]lookupDef{
	"exact":  {on: allKinds, onRelated: allKinds, shape: shapeScalar, sql: "= ?", op: "=", nilIsNull: true},
	"gt":     {on: orderedKinds, onRelated: relatedOrderedKinds, shape: shapeScalar, sql: "> ?", op: ">"},
	"gte":    {on: orderedKinds, onRelated: relatedOrderedKinds, shape: shapeScalar, sql: ">= ?", op: ">="},
	"lt":     {on: orderedKinds, onRelated: relatedOrderedKinds, shape: shapeScalar, sql: "< ?", op: "<"},
	"lte":    {on: orderedKinds, onRelated: relatedOrderedKinds, shape: shapeScalar, sql: "<= ?", op: "<="},
	"in":     {on: allKinds, onRelated: allKinds, shape: shapeList, render: sqlgen.D.InArray},
	"range":  {on: orderedKinds, shape: shapePair, sql: "BETWEEN ? AND ?"},
	"isnull": {on: allKinds, onRelated: allKinds, shape: shapeBool},
	// The i-lookups compare UPPER of both sides, as Django does: ILIKE folds
	// case differently on non-ASCII text (final sigma, dotless i, long s)
	// and would return other rows.
	"iexact":      {on: textKinds, shape: shapePattern, text: true, upper: true, sql: "= UPPER(?)", nilIsNull: true},
	"contains":    {on: textKinds, shape: shapePattern, text: true, sql: "LIKE ?", like: "%v%"},
	"icontains":   {on: textKinds, shape: shapePattern, text: true, upper: true, sql: "LIKE UPPER(?)", like: "%v%"},
	"startswith":  {on: textKinds, shape: shapePattern, text: true, sql: "LIKE ?", like: "v%"},
	"istartswith": {on: textKinds, shape: shapePattern, text: true, upper: true, sql: "LIKE UPPER(?)", like: "v%"},
	"endswith":    {on: textKinds, shape: shapePattern, text: true, sql: "LIKE ?", like: "%v"},
	"iendswith":   {on: textKinds, shape: shapePattern, text: true, upper: true, sql: "LIKE UPPER(?)", like: "%v"},
	"regex":       {on: textKinds, shape: shapePattern, text: true, sql: sqlgen.D.RegexOp(false) + " ?"},
	"iregex":      {on: textKinds, shape: shapePattern, text: true, sql: sqlgen.D.RegexOp(true) + " ?"},

	// Transforms follow the session's time zone, as ::date and EXTRACT do.
	"date":  {on: dateKinds, out: schema.KindDate, apply: sqlgen.D.AsDate},
	"year":  {on: dateKinds, out: schema.KindInt, apply: extract("YEAR"), bounds: yearBounds},
	"month": {on: dateKinds, out: schema.KindInt, apply: extract("MONTH")},
	"day":   {on: dateKinds, out: schema.KindInt, apply: extract("DAY")},

	// The time of day, of a timestamp.
	"hour":   {on: kinds(schema.KindTime), out: schema.KindInt, apply: extract("HOUR")},
	"minute": {on: kinds(schema.KindTime), out: schema.KindInt, apply: extract("MINUTE")},
	// As Django: the whole seconds (EXTRACT alone gives 7.6 for 7.6 s).
	"second": {on: kinds(schema.KindTime), out: schema.KindInt, apply: func(col string) string { return sqlgen.D.Extract("SECOND", sqlgen.D.Trunc("second", col)) }},
}

// lookupDef is one entry of lookupTable: a lookup, or a transform (shape
// shapeNone).
type lookupDef struct {
	// on is the kinds of value it applies to: the column's, the related
	// key's for a relation, the result's of the transform before it.
	on kindSet
	// onRelated is the key kinds for which it applies to a multi-valued
	// relation itself (reviews__gt=3 compares the related key, as Django's
	// related lookups do).
	onRelated kindSet
	shape     shape

	// A lookup renders as "<lhs> <sql>", the value(s) in place of ?, or
	// as render(lhs) when the dialect writes it (in: = ANY). lhs is the
	// column (transformed), cast to text when text is set and wrapped in
	// UPPER() when upper is.
	sql         string
	render      func(lhs string) string
	text, upper bool
	// like makes a pattern value a LIKE pattern: v is the value, escaped
	// ("%v%": contains, "v%": starts with, "%v": ends with).
	like string
	// op is a comparison's operator: only these lookups take an F() value.
	op string
	// nilIsNull: a nil value is an IS NULL test, as in Django.
	nilIsNull bool

	// A transform gives a value of kind out, rendered by apply from the
	// column (the dialect writes the function: EXTRACT, a cast). bounds,
	// when set, compiles the lookup after it on the column itself, so that
	// an index on the column is used (ok false: it does not, and apply is
	// used).
	out    schema.ColumnKind
	apply  func(col string) string
	bounds func(lookup, col string, f *schema.Field, v any) (e fragment, ok bool)
}

// extract is the transform reading part of a date or timestamp.
func extract(part string) func(string) string {
	return func(col string) string { return sqlgen.D.Extract(part, col) }
}

// shape is the value a lookup takes.
type shape uint8

const (
	shapeNone    shape = iota // a transform: the lookup after it takes the value
	shapeScalar               // one value of the compared kind (exact, gt...)
	shapeList                 // a slice of them; NULLs are dropped (in)
	shapePair                 // two of them, the bounds (range)
	shapeBool                 // true or false (isnull)
	shapePattern              // a string (iexact, contains, regex...)
)

// kindSet is a set of column kinds.
type kindSet uint32

func kinds(ks ...schema.ColumnKind) kindSet {
	var s kindSet
	for _, k := range ks {
		s |= 1 << k
	}
	return s
}

func (s kindSet) has(k schema.ColumnKind) bool { return s&(1<<k) != 0 }

// String names the kinds, for errors: "timestamp or date".
func (s kindSet) String() string {
	var names []string
	for k := schema.ColumnKind(0); k < 32; k++ {
		if s.has(k) {
			names = append(names, k.String())
		}
	}
	return strings.Join(names, " or ")
}

var (
	allKinds     = ^kindSet(0)
	textKinds    = kinds(schema.KindString)
	dateKinds    = kinds(schema.KindTime, schema.KindDate)
	orderedKinds = kinds(schema.KindString, schema.KindInt, schema.KindFloat, schema.KindNumeric, schema.KindTime,
		schema.KindDate, schema.KindUUID, schema.KindInterval)
	relatedOrderedKinds = kinds(schema.KindInt, schema.KindString, schema.KindUUID, schema.KindNumeric, schema.KindTime,
		schema.KindDate)
)

// isLookup and isTransform tell which a key part names.
func isLookup(name string) bool {
	d, ok := lookupTable[name]
	return ok && d.shape != shapeNone
}

func isTransform(name string) bool {
	d, ok := lookupTable[name]
	return ok && d.shape == shapeNone
}

// validLookups lists the lookups p's field has, sorted.
func validLookups(p path) []string {
	var out []string
	for name := range lookupTable {
		if lookupFits(p, name) {
			out = append(out, name)
		}
	}
	sort.Strings(out)
	return out
}

// lookupFits reports whether the lookup applies to p's field (after p's
// transform).
func lookupFits(p path, name string) bool {
	d, ok := lookupTable[name]
	if !ok || d.shape == shapeNone {
		return false
	}
	on := d.on
	if p.field.Rel != nil && p.field.Rel.Multi() {
		on = d.onRelated
	}
	return on.has(kindOf(p))
}

// transformFits reports whether p's transform applies to its field: a
// column of a kind the transform takes.
func transformFits(p path) bool {
	return p.field.Column != "" && lookupTable[p.transform].on.has(p.field.Kind)
}

// holdsOnNull reports whether the lookup with value v is a test for NULL:
// isnull=true, or a nil value where nil means IS NULL (exact, iexact).
func holdsOnNull(lookup string, v any) bool {
	d := lookupTable[lookup]
	return (d.shape == shapeBool && v == true) || (d.nilIsNull && isNilValue(v))
}
