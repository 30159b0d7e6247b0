package queryset

import (
	"fmt"
	"math/big"
	"regexp"
	"strings"
	"time"

	"github.com/eagerorm/eager/internal/schema"
)

// The reference evaluator: a deliberately simple interpreter of Filter and
// Exclude chains over rows held in memory, written from SEMANTICS.md and
// not from the compiler, so that the property test can hold one against
// the other. It is slow on purpose: it enumerates bindings.
//
// The rules it implements:
//   - An empty Q is absent (ignored by And, Or, Not, Filter and Exclude);
//     Not(Not(q)) is q.
//   - Filter(q): within one call, each multi-valued relation named outside
//     any Not binds one related row, ranging over the related rows or, when
//     there are none, a single all-NULL row (what Django's LEFT JOIN gives);
//     a row matches when some binding makes q TRUE (SQL's three-valued
//     logic: a comparison with NULL is UNKNOWN).
//   - Not(q) is TRUE exactly when q is not TRUE (two-valued: rows with NULLs
//     are kept), q seeing the bindings of the enclosing levels and binding
//     its own relations (those named outside a Not inside q, not bound
//     above) the same way.
//   - Exclude(q) keeps exactly the rows Filter(q) does not; separate calls
//     are independent.

// tv is a three-valued truth value.
type tv int8

const (
	tvFalse tv = iota
	tvTrue
	tvUnknown
)

func tvAnd(a, b tv) tv {
	switch {
	case a == tvFalse || b == tvFalse:
		return tvFalse
	case a == tvTrue && b == tvTrue:
		return tvTrue
	}
	return tvUnknown
}

func tvOr(a, b tv) tv {
	switch {
	case a == tvTrue || b == tvTrue:
		return tvTrue
	case a == tvFalse && b == tvFalse:
		return tvFalse
	}
	return tvUnknown
}

func tvOf(b bool) tv {
	if b {
		return tvTrue
	}
	return tvFalse
}

// refRow is one row: column -> int64, string, *big.Rat (numeric),
// time.Time, or nil for NULL.
type refRow map[string]any

// nullRow is the all-NULL row a relation without rows binds to.
var nullRow = refRow{}

// refDB is the data the evaluator reads.
type refDB struct {
	tables map[string][]refRow
	loc    *time.Location // the session time zone (EXTRACT, ::date)
	// upper and lower are the server's UPPER and LOWER, character by
	// character (what a libc collation does).
	upper, lower func(string) string
	index        map[string]map[any][]refRow
}

func newRefDB(loc *time.Location, upper, lower func(string) string) *refDB {
	return &refDB{tables: map[string][]refRow{}, loc: loc, upper: upper, lower: lower, index: map[string]map[any][]refRow{}}
}

func (db *refDB) add(table string, r refRow) {
	db.tables[table] = append(db.tables[table], r)
	db.index = map[string]map[any][]refRow{}
}

// where returns the rows of table whose column equals v.
func (db *refDB) where(table, column string, v any) []refRow {
	key := table + "." + column
	ix := db.index[key]
	if ix == nil {
		ix = map[any][]refRow{}
		for _, r := range db.tables[table] {
			if r[column] != nil {
				ix[r[column]] = append(ix[r[column]], r)
			}
		}
		db.index[key] = ix
	}
	return ix[v]
}

// related returns the rows f leads to from row r of f's model.
func (db *refDB) related(r refRow, f *schema.Field) []refRow {
	rel := f.Rel
	pk := r[f.Model.PK.Column]
	switch rel.Kind {
	case schema.ForeignKey, schema.OneToOne:
		if r[f.Column] == nil {
			return nil
		}
		return db.where(rel.Target.Table, rel.Target.PK.Column, r[f.Column])
	case schema.ReverseOneToOne, schema.Many:
		if pk == nil {
			return nil
		}
		return db.where(rel.Target.Table, rel.Remote.Column, pk)
	case schema.ManyToMany:
		if pk == nil {
			return nil
		}
		// The join table is named by the link (the evaluator reads its
		// names, never how the compiler joins them).
		through, from, to := rel.Hops[0].ToTable, rel.Hops[0].ToColumn, rel.Hops[1].FromColumn
		var out []refRow
		for _, t := range db.where(through, from, pk) {
			out = append(out, db.where(rel.Target.Table, rel.Target.PK.Column, t[to])...)
		}
		return out
	}
	panic("refeval: relation kind " + rel.Kind.String())
}

// refKey is a resolved key: the relations it crosses (a key ending on a
// relation crosses it too), the field it reads, transform and lookup.
type refKey struct {
	hops      []*schema.Field
	field     *schema.Field // nil: the key ends on a relation, read its target's key
	transform string
	lookup    string
}

func resolveRef(m *schema.Model, key string) refKey {
	parts := strings.Split(key, "__")
	var k refKey
	cur := m
	i := 0
	for ; i < len(parts); i++ {
		f, ok := cur.FieldByName(parts[i])
		if !ok {
			panic(fmt.Sprintf("refeval: %s has no field %q (key %q)", cur.Name, parts[i], key))
		}
		if f.Rel != nil {
			if i+1 < len(parts) {
				if _, isField := f.Rel.Target.FieldByName(parts[i+1]); isField {
					k.hops = append(k.hops, f)
					cur = f.Rel.Target
					continue
				}
			}
			if f.Column == "" { // reverse one-to-one or multi-valued: compare the related key
				k.hops = append(k.hops, f)
				f = f.Rel.Target.PK
			}
		}
		k.field = f
		i++
		break
	}
	rest := parts[i:]
	if len(rest) > 0 {
		switch rest[0] {
		case "date", "year", "month", "day", "hour", "minute", "second":
			k.transform, rest = rest[0], rest[1:]
		}
	}
	k.lookup = "exact"
	if len(rest) == 1 {
		k.lookup = rest[0]
	}
	return k
}

// varName names the relation path hops[:n].
func varName(hops []*schema.Field, n int) string {
	names := make([]string, n)
	for i := range n {
		names[i] = hops[i].Name
	}
	return strings.Join(names, "__")
}

// refEval evaluates queries over db.
type refEval struct {
	db      *refDB
	keys    map[*schema.Model]map[string]refKey
	regexes map[string]refRegex
}

func (ev *refEval) key(m *schema.Model, key string) refKey {
	if ev.keys == nil {
		ev.keys = map[*schema.Model]map[string]refKey{}
	}
	if ev.keys[m] == nil {
		ev.keys[m] = map[string]refKey{}
	}
	k, ok := ev.keys[m][key]
	if !ok {
		k = resolveRef(m, key)
		ev.keys[m][key] = k
	}
	return k
}

// pks returns the primary keys of m's rows that pass every filter.
func (ev *refEval) pks(m *schema.Model, filters []filter) []int64 {
	out := []int64{}
	for _, r := range ev.db.tables[m.Table] {
		ok := true
		for _, f := range filters {
			n := refNormalize(f.node)
			if n == nil {
				continue // an empty Q is ignored, by Exclude too
			}
			if ev.level(m, r, n, map[string]refRow{}) == f.exclude {
				ok = false
				break
			}
		}
		if ok {
			out = append(out, r[m.PK.Column].(int64))
		}
	}
	return out
}

// refNormalize drops empty Qs (and what is left empty by that) and cancels
// double negation.
func refNormalize(n Node) Node {
	switch n := n.(type) {
	case Q:
		if len(n) == 0 {
			return nil
		}
		return n
	case andNode:
		var kids []Node
		for _, c := range n.children {
			if c := refNormalize(c); c != nil {
				kids = append(kids, c)
			}
		}
		switch len(kids) {
		case 0:
			return nil
		case 1:
			return kids[0] // And(q) is q, as in the compiler and in Django
		}
		return andNode{children: kids}
	case orNode:
		var kids []Node
		for _, c := range n.children {
			if c := refNormalize(c); c != nil {
				kids = append(kids, c)
			}
		}
		switch len(kids) {
		case 0:
			return nil
		case 1:
			return kids[0] // Or(q) is q: Not(Or(Not(q))) is q
		}
		return orNode{children: kids}
	case notNode:
		c := refNormalize(n.child)
		if c == nil {
			return nil
		}
		if inner, ok := c.(notNode); ok {
			return inner.child
		}
		return notNode{child: c}
	}
	return nil
}

// level reports whether some binding of the relations n names outside any
// Not (and bound is missing) makes n TRUE for row r.
func (ev *refEval) level(m *schema.Model, r refRow, n Node, bound map[string]refRow) bool {
	type v struct {
		name string
		hops []*schema.Field
	}
	var vars []v
	seen := map[string]bool{}
	var collect func(Node)
	collect = func(n Node) {
		switch n := n.(type) {
		case Q:
			for key := range n {
				k := ev.key(m, key)
				for i, h := range k.hops {
					name := varName(k.hops, i+1)
					if h.Rel.Multi() && !seen[name] && bound[name] == nil {
						seen[name] = true
						vars = append(vars, v{name, k.hops[:i+1]})
					}
				}
			}
		case andNode:
			for _, c := range n.children {
				collect(c)
			}
		case orNode:
			for _, c := range n.children {
				collect(c)
			}
		}
	}
	collect(n)
	// Parents before children: a shorter path first.
	for i := range vars {
		for j := i + 1; j < len(vars); j++ {
			if len(vars[j].hops) < len(vars[i].hops) {
				vars[i], vars[j] = vars[j], vars[i]
			}
		}
	}
	b := make(map[string]refRow, len(bound)+len(vars))
	for k, x := range bound {
		b[k] = x
	}
	var try func(i int) bool
	try = func(i int) bool {
		if i == len(vars) {
			return ev.eval(m, r, n, b) == tvTrue
		}
		for _, c := range ev.candidates(r, vars[i].hops, b) {
			b[vars[i].name] = c
			if try(i + 1) {
				return true
			}
		}
		delete(b, vars[i].name)
		return false
	}
	return try(0)
}

// candidates are the rows the multi-valued relation at the end of hops
// ranges over under binding b: its related rows, or the NULL row.
func (ev *refEval) candidates(r refRow, hops []*schema.Field, b map[string]refRow) []refRow {
	obj := ev.walk(r, hops[:len(hops)-1], b)
	if obj == nil {
		return []refRow{nullRow}
	}
	rows := ev.db.related(obj, hops[len(hops)-1])
	if len(rows) == 0 {
		return []refRow{nullRow}
	}
	return rows
}

// walk follows hops from r: a multi-valued hop reads its binding, a to-one
// hop its related row. nil is a missing row.
func (ev *refEval) walk(r refRow, hops []*schema.Field, b map[string]refRow) refRow {
	obj := r
	for i, h := range hops {
		if h.Rel.Multi() {
			x, ok := b[varName(hops, i+1)]
			if !ok {
				panic("refeval: unbound relation " + varName(hops, i+1))
			}
			obj = x
		} else {
			rows := ev.db.related(obj, h)
			obj = nil
			if len(rows) > 0 {
				obj = rows[0]
			}
		}
		if len(obj) == 0 { // missing, or the NULL row
			return nil
		}
	}
	return obj
}

func (ev *refEval) eval(m *schema.Model, r refRow, n Node, b map[string]refRow) tv {
	switch n := n.(type) {
	case Q:
		out := tvTrue
		for key, val := range n {
			out = tvAnd(out, ev.lookup(m, r, key, val, b))
		}
		return out
	case andNode:
		out := tvTrue
		for _, c := range n.children {
			out = tvAnd(out, ev.eval(m, r, c, b))
		}
		return out
	case orNode:
		out := tvFalse
		for _, c := range n.children {
			out = tvOr(out, ev.eval(m, r, c, b))
		}
		return out
	case notNode:
		return tvOf(!ev.level(m, r, n.child, b))
	}
	panic(fmt.Sprintf("refeval: node %T", n))
}

// lookup evaluates one key under binding b.
func (ev *refEval) lookup(m *schema.Model, r refRow, key string, arg any, b map[string]refRow) tv {
	k := ev.key(m, key)
	obj := ev.walk(r, k.hops, b)
	var v any
	if obj != nil {
		v = obj[k.field.Column]
	}
	if k.transform != "" && v != nil {
		t := v.(time.Time).In(ev.db.loc)
		switch k.transform {
		case "date":
			v = time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
		case "year":
			v = int64(t.Year())
		case "month":
			v = int64(t.Month())
		case "day":
			v = int64(t.Day())
		case "hour":
			v = int64(t.Hour())
		case "minute":
			v = int64(t.Minute())
		case "second":
			v = int64(t.Second()) // whole seconds
		}
	}
	if fx, ok := arg.(Expr); ok {
		// F(): a column of the filtered row itself (to-one paths only), plus
		// a constant.
		fv := ev.fvalue(m, r, fx)
		if v == nil || fv == nil {
			return tvUnknown
		}
		c := refCompare(v, fv)
		return tvOf(map[string]bool{"exact": c == 0, "gt": c > 0, "gte": c >= 0, "lt": c < 0, "lte": c <= 0}[k.lookup])
	}
	conv := func(a any) any { return refValue(a, k) }
	switch k.lookup {
	case "isnull":
		return tvOf(arg.(bool) == (v == nil))
	case "exact", "iexact":
		if arg == nil {
			return tvOf(v == nil)
		}
	case "in":
		var list []any
		for _, a := range arg.([]any) {
			if a != nil {
				list = append(list, conv(a))
			}
		}
		if len(list) == 0 {
			return tvFalse
		}
		if v == nil {
			return tvUnknown
		}
		for _, a := range list {
			if refCompare(v, a) == 0 {
				return tvTrue
			}
		}
		return tvFalse
	}
	if v == nil {
		return tvUnknown
	}
	up := ev.db.upper
	switch k.lookup {
	case "exact":
		return tvOf(refCompare(v, conv(arg)) == 0)
	case "iexact":
		return tvOf(up(v.(string)) == up(arg.(string)))
	case "gt":
		return tvOf(refCompare(v, conv(arg)) > 0)
	case "gte":
		return tvOf(refCompare(v, conv(arg)) >= 0)
	case "lt":
		return tvOf(refCompare(v, conv(arg)) < 0)
	case "lte":
		return tvOf(refCompare(v, conv(arg)) <= 0)
	case "range":
		bounds := arg.([]any)
		return tvOf(refCompare(v, conv(bounds[0])) >= 0 && refCompare(v, conv(bounds[1])) <= 0)
	case "contains":
		return tvOf(strings.Contains(v.(string), arg.(string)))
	case "icontains":
		return tvOf(strings.Contains(up(v.(string)), up(arg.(string))))
	case "startswith":
		return tvOf(strings.HasPrefix(v.(string), arg.(string)))
	case "istartswith":
		return tvOf(strings.HasPrefix(up(v.(string)), up(arg.(string))))
	case "endswith":
		return tvOf(strings.HasSuffix(v.(string), arg.(string)))
	case "iendswith":
		return tvOf(strings.HasSuffix(up(v.(string)), up(arg.(string))))
	case "regex", "iregex":
		pattern := arg.(string)
		re, ok := ev.regexes[pattern]
		if !ok {
			re = parseRefRegex(pattern)
			if ev.regexes == nil {
				ev.regexes = map[string]refRegex{}
			}
			ev.regexes[pattern] = re
		}
		return tvOf(re.match(v.(string), k.lookup == "iregex", ev.db))
	}
	panic("refeval: lookup " + k.lookup)
}

// fvalue is the value of an F() expression for row r, nil for NULL.
func (ev *refEval) fvalue(m *schema.Model, r refRow, fx Expr) any {
	if fx.op == "" {
		k := ev.key(m, fx.field)
		obj := ev.walk(r, k.hops, nil)
		if obj == nil {
			return nil
		}
		return obj[k.field.Column]
	}
	l := ev.fvalue(m, r, *fx.left)
	if l == nil {
		return nil
	}
	n := int64(fx.right.(int))
	switch fx.op {
	case "+":
		return l.(int64) + n
	case "-":
		return l.(int64) - n
	case "*":
		return l.(int64) * n
	}
	panic("refeval: F op " + fx.op)
}

// refValue is a filter argument in the evaluator's representation.
func refValue(a any, k refKey) any {
	switch a := a.(type) {
	case int:
		return int64(a)
	case int64:
		return a
	case string:
		if k.transform == "" && k.field.Kind == schema.KindNumeric {
			r, ok := new(big.Rat).SetString(a)
			if !ok {
				panic("refeval: numeric " + a)
			}
			return r
		}
		return a
	case time.Time:
		return a
	}
	panic(fmt.Sprintf("refeval: value %#v", a))
}

func refCompare(a, b any) int {
	switch a := a.(type) {
	case int64:
		return cmp3(a, b.(int64))
	case string:
		return strings.Compare(a, b.(string)) // C.UTF-8: code point order
	case *big.Rat:
		return a.Cmp(b.(*big.Rat))
	case time.Time:
		return a.Compare(b.(time.Time))
	}
	panic(fmt.Sprintf("refeval: compare %T", a))
}

func cmp3(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// refRegex is a regular expression from a small grammar both PostgreSQL's
// ARE and Go's RE2 read the same way (literals, ., ^, $, *, classes),
// kept as tokens so the evaluator can apply PostgreSQL's case folding for
// ~* itself: a letter matches its upper and lower case, as the server's
// towupper/towlower give them, and nothing else (unlike RE2's (?i), which
// folds whole Unicode orbits: s, S and ſ).
type refRegex struct {
	anchorStart, anchorEnd bool
	atoms                  []refAtom
}

type refAtom struct {
	chars []rune // one char; several: a class; nil: "."
	star  bool
}

// String is the pattern sent to PostgreSQL.
func (re refRegex) String() string {
	var sb strings.Builder
	if re.anchorStart {
		sb.WriteByte('^')
	}
	for _, a := range re.atoms {
		switch {
		case a.chars == nil:
			sb.WriteByte('.')
		case len(a.chars) == 1:
			sb.WriteString(reEscape(a.chars[0]))
		default:
			sb.WriteByte('[')
			for _, c := range a.chars {
				sb.WriteString(reEscape(c))
			}
			sb.WriteByte(']')
		}
		if a.star {
			sb.WriteByte('*')
		}
	}
	if re.anchorEnd {
		sb.WriteByte('$')
	}
	return sb.String()
}

func (re refRegex) match(s string, fold bool, db *refDB) bool {
	var sb strings.Builder
	sb.WriteString("(?s)")
	if re.anchorStart {
		sb.WriteByte('^')
	}
	for _, a := range re.atoms {
		if a.chars == nil {
			sb.WriteByte('.')
		} else {
			sb.WriteByte('[')
			for _, c := range a.chars {
				alts := []rune{c}
				if fold {
					alts = append(alts, db.caseRunes(c)...)
				}
				for _, x := range alts {
					sb.WriteString(reEscape(x))
				}
			}
			sb.WriteByte(']')
		}
		if a.star {
			sb.WriteByte('*')
		}
	}
	if re.anchorEnd {
		sb.WriteByte('$')
	}
	return regexp.MustCompile(sb.String()).MatchString(s)
}

// caseRunes is what ~* lets c also match: its upper and lower case.
func (db *refDB) caseRunes(c rune) []rune {
	var out []rune
	for _, s := range []string{db.upper(string(c)), db.lower(string(c))} {
		if r := []rune(s); len(r) == 1 {
			out = append(out, r[0])
		}
	}
	return out
}

// reEscape writes c literally, in and out of brackets, for both dialects:
// ASCII punctuation behind a backslash, everything else as is.
func reEscape(c rune) string {
	if c < 128 && !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9') {
		return `\` + string(c)
	}
	return string(c)
}

// parseRefRegex reads back what refRegex.String writes.
func parseRefRegex(p string) refRegex {
	var re refRegex
	rs := []rune(p)
	i := 0
	if i < len(rs) && rs[i] == '^' {
		re.anchorStart = true
		i++
	}
	lit := func() rune {
		if rs[i] == '\\' {
			i++
		}
		c := rs[i]
		i++
		return c
	}
	for i < len(rs) {
		switch {
		case rs[i] == '$' && i == len(rs)-1:
			re.anchorEnd = true
			i++
			continue
		case rs[i] == '.':
			re.atoms = append(re.atoms, refAtom{})
			i++
		case rs[i] == '[':
			i++
			a := refAtom{chars: []rune{}}
			for rs[i] != ']' {
				a.chars = append(a.chars, lit())
			}
			i++
			re.atoms = append(re.atoms, a)
		default:
			re.atoms = append(re.atoms, refAtom{chars: []rune{lit()}})
		}
		if i < len(rs) && rs[i] == '*' {
			re.atoms[len(re.atoms)-1].star = true
			i++
		}
	}
	return re
}
