package queryset

import (
	"context"
	"fmt"
	"math/big"
	"math/rand/v2"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/eagerorm/eager/internal/pgtest"
	"github.com/eagerorm/eager/internal/schema"
	"github.com/eagerorm/eager/internal/sqlgen"
	. "github.com/eagerorm/eager/internal/testdomain"
	"github.com/eagerorm/eager/orm"
)

// The property test: random Filter / Exclude chains over random data, the
// rows eager's SQL returns against the reference evaluator's (refeval_test.go).
//
//	go test ./queryset -run TestPropertySemantics                 # 3,000 cases (500 with -race or -short)
//	EAGER_PROPERTY_CASES=100000 go test ./queryset -run TestPropertySemantics -timeout 30m
//	EAGER_PROPERTY_SEED=7 ...                                     # another series
//	go test ./queryset -run '^$' -fuzz FuzzSemantics              # seeds from the fuzzer
//
// A failure prints the case's seed (rerun it alone with
// EAGER_PROPERTY_SEED=<seed> EAGER_PROPERTY_CASES=1), the Go chain, the
// SQL and both sets of keys.

const propertyDataSeed = 11

func TestPropertySemantics(t *testing.T) {
	cases, base := propertyDefaultCases, int64(1)
	if testing.Short() {
		cases = 500 // CI's runs in every pgx exec mode: values travelling as text
	}
	if s := os.Getenv("EAGER_PROPERTY_CASES"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			t.Fatalf("EAGER_PROPERTY_CASES=%q: %v", s, err)
		}
		cases = n
	}
	if s := os.Getenv("EAGER_PROPERTY_SEED"); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			t.Fatalf("EAGER_PROPERTY_SEED=%q: %v", s, err)
		}
		base = n
	}
	w := newPropWorld(t, pgtest.New(t).Pool)
	failures := 0
	for i := range cases {
		if !w.check(t, base+int64(i)) {
			if failures++; failures == 5 {
				t.Fatalf("stopping after %d failing cases", failures)
			}
		}
	}
	t.Logf("%d cases from seed %d: %d failed; of the others, %d matched no row, %d some, %d every row",
		cases, base, failures, w.stats[0], w.stats[1], w.stats[2])
}

func FuzzSemantics(f *testing.F) {
	for _, s := range []int64{1, 2, 3, 42, 1 << 40} {
		f.Add(s)
	}
	db, drop, err := pgtest.NewSchema("fuzz_semantics")
	if err != nil {
		if os.Getenv("CI") == "true" {
			f.Fatalf("%v (CI=true: a missing database is a failure)", err)
		}
		f.Skipf("no database: %v", err)
	}
	f.Cleanup(drop)
	w := newPropWorld(f, db.Pool)
	f.Fuzz(func(t *testing.T, seed int64) { w.check(t, seed) })
}

// propWorld is one schema holding generated data, and its copy in memory.
type propWorld struct {
	db     *orm.DB
	ev     *refEval
	roots  []*schema.Model
	pool   map[*schema.Field][]any // values present in each column, for matching lookups
	runes  []rune
	genres []string
	stats  [3]int // passing cases with no row, some, every row
	// textOrder: the server orders text by code point (C.UTF-8), as the
	// evaluator does; otherwise text is not compared with gt/lt/range.
	textOrder bool
}

// The alphabet of generated text: ASCII, the Unicode case pairs that tell
// UPPER() from ILIKE (long s, sigma and final sigma, dotless and dotted i,
// sharp s), and LIKE's metacharacters.
var propRunes = []rune("aAbsSſσςΣıiIİéÉß%_\\ ")

func newPropWorld(t testing.TB, pool orm.Querier) *propWorld {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	db := orm.New(pool)
	if _, err := db.Exec(ctx, SchemaDDL); err != nil {
		t.Fatal(err)
	}
	w := &propWorld{db: db, pool: map[*schema.Field][]any{}, runes: propRunes, genres: []string{"novel", "poetry", "essay"}}

	var tz string
	if err := db.QueryRow(ctx, "SHOW TimeZone").Scan(&tz); err != nil {
		t.Fatal(err)
	}
	loc, err := time.LoadLocation(tz)
	if err != nil {
		t.Fatalf("session time zone %q: %v", tz, err)
	}
	// The case table covers the alphabet and the enum's labels.
	table := append([]rune("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"), w.runes...)
	chars := make([]string, len(table))
	for i, r := range table {
		chars[i] = string(r)
	}
	var ups, lows []string
	if err := db.QueryRow(ctx, "SELECT array_agg(upper(c) ORDER BY n), array_agg(lower(c) ORDER BY n) FROM unnest($1::text[]) WITH ORDINALITY AS u(c, n)",
		chars).Scan(&ups, &lows); err != nil {
		t.Fatal(err)
	}
	upper, lower := map[rune]string{}, map[rune]string{}
	for i, r := range table {
		upper[r], lower[r] = ups[i], lows[i]
	}
	mapper := func(m map[rune]string) func(string) string {
		return func(s string) string {
			var sb strings.Builder
			for _, r := range s {
				x, ok := m[r]
				if !ok {
					panic(fmt.Sprintf("refeval: %q is outside the generated alphabet", r))
				}
				sb.WriteString(x)
			}
			return sb.String()
		}
	}
	w.ev = &refEval{db: newRefDB(loc, mapper(upper), mapper(lower))}

	rng := rand.New(rand.NewPCG(propertyDataSeed, 0))
	w.generate(t, ctx, rng)

	sample := make([]string, 0, 40)
	for range 40 {
		sample = append(sample, w.str(rng, 3))
	}
	var sorted []string
	if err := db.QueryRow(ctx, "SELECT array_agg(s ORDER BY s) FROM unnest($1::text[]) AS s", sample).Scan(&sorted); err != nil {
		t.Fatal(err)
	}
	slices.Sort(sample)
	w.textOrder = slices.Equal(sample, sorted)
	if !w.textOrder {
		t.Logf("the server's collation does not order text by code point: text is not compared with gt/lt/range")
	}
	w.roots = []*schema.Model{modelOf[Book](), modelOf[Author](), modelOf[Tag](), modelOf[Publisher]()}
	return w
}

func modelOf[T any]() *schema.Model {
	m, err := schema.For[T]()
	if err != nil {
		panic(err)
	}
	return m
}

// str is a random string of up to n characters of the alphabet.
func (w *propWorld) str(rng *rand.Rand, n int) string {
	var sb strings.Builder
	for range rng.IntN(n + 1) {
		sb.WriteRune(w.runes[rng.IntN(len(w.runes))])
	}
	return sb.String()
}

func (w *propWorld) when(rng *rand.Rand) time.Time {
	// Minutes and seconds with a fraction, for the minute and second
	// transforms (second counts whole seconds).
	return time.Date(2000+rng.IntN(25), time.Month(1+rng.IntN(12)), 1+rng.IntN(28), rng.IntN(24), rng.IntN(4)*15,
		rng.IntN(4)*15, rng.IntN(2)*500_000_000, time.UTC)
}

// generate fills the schema and the evaluator with the same rows: NULLs,
// empty strings, the Unicode case pairs, LIKE metacharacters, parents
// without children.
func (w *propWorld) generate(t testing.TB, ctx context.Context, rng *rand.Rand) {
	t.Helper()
	byTable := map[string]*schema.Model{}
	for _, m := range []*schema.Model{modelOf[Country](), modelOf[Publisher](), modelOf[Author](), modelOf[Profile](),
		modelOf[Award](), modelOf[AuthorAward](), modelOf[Book](), modelOf[Tag](), modelOf[Review]()} {
		byTable[m.Table] = m
	}
	insert := func(table string, vals ...any) {
		t.Helper()
		r := refRow{}
		cols := make([]string, len(vals)/2)
		args := make([]any, len(vals)/2)
		marks := make([]string, len(vals)/2)
		for i := 0; i < len(vals); i += 2 {
			col, v := vals[i].(string), vals[i+1]
			cols[i/2], args[i/2], marks[i/2] = sqlgen.Ident(col), v, "$"+strconv.Itoa(i/2+1)
			switch x := v.(type) {
			case int:
				v = int64(x)
			case *big.Rat:
				args[i/2] = x.FloatString(2)
			}
			r[col] = v
			if m := byTable[table]; m != nil && v != nil {
				if f, ok := m.FieldByColumn(col); ok {
					w.pool[f] = append(w.pool[f], vals[i+1])
				}
			}
		}
		if _, err := w.db.Exec(ctx, "INSERT INTO "+sqlgen.Ident(table)+" ("+strings.Join(cols, ", ")+") VALUES ("+strings.Join(marks, ", ")+")", args...); err != nil {
			t.Fatal(err)
		}
		w.ev.db.add(table, r)
	}
	maybe := func(p float64, v any) any {
		if rng.Float64() < p {
			return nil
		}
		return v
	}
	country, publisher, author, profile := "country", "publisher", "author", "profile"
	award, authorAward, book, tag, review := "award", "author_awards", "book", "tag", "review"
	for id := 1; id <= 3; id++ {
		insert(country, "id", id, "name", w.str(rng, 3))
	}
	for id := 1; id <= 4; id++ {
		insert(publisher, "id", id, "name", w.str(rng, 3), "country_id", maybe(0.4, 1+rng.IntN(3)))
	}
	const authors = 7
	for id := 1; id <= authors; id++ {
		var mentor any
		if id > 1 && rng.IntN(2) == 0 {
			mentor = 1 + rng.IntN(id-1)
		}
		insert(author, "id", id, "name", w.str(rng, 4), "email", maybe(0.3, w.str(rng, 3)), "mentor_id", mentor)
		if rng.IntN(2) == 0 {
			insert(profile, "id", id, "author_id", id, "bio", w.str(rng, 3))
		}
	}
	for id := 1; id <= 3; id++ {
		insert(award, "id", id, "name", w.str(rng, 3))
	}
	for id := 1; id <= 6; id++ {
		insert(authorAward, "id", id, "author_id", 1+rng.IntN(authors), "award_id", 1+rng.IntN(3), "year", 1990+rng.IntN(30))
	}
	const books = 12
	reviewID := 0
	for id := 1; id <= books; id++ {
		insert(book, "id", id, "title", w.str(rng, 4), "pages", 50*rng.IntN(6), "rating", maybe(0.3, 1+rng.IntN(5)),
			"price", big.NewRat(int64(rng.IntN(3000)), 100), "published", w.when(rng), "genre", w.genres[rng.IntN(3)],
			"author_id", 1+rng.IntN(authors-2), "publisher_id", maybe(0.3, 1+rng.IntN(4)), "translator_id", maybe(0.7, 1+rng.IntN(authors)))
		for range rng.IntN(4) {
			reviewID++
			insert(review, "id", reviewID, "book_id", id, "stars", 1+rng.IntN(5), "body", w.str(rng, 3), "posted", w.when(rng))
		}
	}
	for id := 1; id <= 5; id++ {
		insert(tag, "id", id, "name", w.str(rng, 3))
	}
	for b := 1; b <= books; b++ {
		for tg := 1; tg <= 5; tg++ {
			if rng.IntN(4) == 0 {
				insert("book_tags", "book_id", b, "tag_id", tg)
			}
		}
	}
}

// propCall is one Filter or Exclude call of a generated chain.
type propCall struct {
	exclude bool
	nodes   []Node
}

// check runs the case of seed: false (and a test error) on a mismatch.
func (w *propWorld) check(t *testing.T, seed int64) bool {
	t.Helper()
	rng := rand.New(rand.NewPCG(uint64(seed), propertyDataSeed))
	root := w.roots[rng.IntN(len(w.roots))]
	if rng.IntN(3) > 0 {
		root = w.roots[0] // mostly books: every relation kind
	}
	g := &propGen{w: w, rng: rng, root: root}
	g.paths(root)
	calls := make([]propCall, 1+rng.IntN(2))
	for i := range calls {
		calls[i].exclude = rng.IntN(10) < 3
		for range 1 + rng.IntN(2)*rng.IntN(2) {
			calls[i].nodes = append(calls[i].nodes, g.node(root, 0))
		}
	}
	q := query{db: w.db, model: root, limit: -1, compiled: &compiledCache{}}
	for _, c := range calls {
		q = q.where(c.nodes, c.exclude, "Filter")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	got, err := w.run(ctx, q)
	want := w.ev.pks(root, q.filters)
	sort.Slice(want, func(i, j int) bool { return want[i] < want[j] })
	if err == nil && slices.Equal(got, want) {
		switch {
		case len(want) == 0:
			w.stats[0]++
		case len(want) == len(w.ev.db.tables[root.Table]):
			w.stats[2]++
		default:
			w.stats[1]++
		}
		return true
	}
	sql, args, sqlErr := QuerySet[struct{}]{q}.SQL()
	t.Errorf("seed %d: eager and the reference evaluator disagree\n%s\nSQL: %s\nargs: %s (%v)\neager: %v (error: %v)\nwant:  %v",
		seed, chainSource(root, calls), sql, formatArgs(args), sqlErr, got, err, want)
	return false
}

// run returns the sorted primary keys of q's rows.
func (w *propWorld) run(ctx context.Context, q query) ([]int64, error) {
	sel, err := q.selection()
	if err != nil {
		return nil, err
	}
	out := []int64{}
	if sel.empty {
		return out, nil
	}
	rows, err := w.db.Query(ctx, sel.sql, sel.args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		vals, err := rows.Values()
		if err != nil {
			return nil, err
		}
		out = append(out, vals[sel.plan.Nodes[0].PKCol].(int64))
	}
	slices.Sort(out)
	return out, rows.Err()
}

// propGen draws one case.
type propGen struct {
	w    *propWorld
	rng  *rand.Rand
	root *schema.Model
	hops [][]*schema.Field // relation paths this case keeps coming back to
	last []*schema.Field   // the path of the previous lookup, often taken again
}

// path picks the relations of the next lookup: often the previous one's,
// so that conditions meet on one relation (the same-row rules).
func (g *propGen) path() []*schema.Field {
	if g.last != nil && g.rng.IntN(2) == 0 {
		return g.last
	}
	p := g.hops[g.rng.IntN(len(g.hops))]
	if g.rng.IntN(3) == 0 {
		p = p[:g.rng.IntN(len(p)+1)]
	}
	g.last = p
	return p
}

// paths picks the relation paths of the case: a few, so that conditions
// meet on the same relation often.
func (g *propGen) paths(root *schema.Model) {
	g.hops = [][]*schema.Field{nil}
	for range 1 + g.rng.IntN(3) {
		var hops []*schema.Field
		cur, multi := root, 0
		for len(hops) < 3 && g.rng.IntN(4) > 0 {
			var choices []*schema.Field
			for _, f := range cur.Relations {
				if f.Rel.Multi() && multi == 2 {
					continue
				}
				choices = append(choices, f)
			}
			if len(choices) == 0 {
				break
			}
			f := choices[g.rng.IntN(len(choices))]
			if f.Rel.Multi() {
				multi++
			}
			hops = append(hops, f)
			cur = f.Rel.Target
		}
		g.hops = append(g.hops, hops)
	}
}

func (g *propGen) node(root *schema.Model, depth int) Node {
	r := g.rng.IntN(100)
	switch {
	case r < 6:
		return Q{}
	case depth >= 3 || r < 50:
		q := Q{}
		for range 1 + g.rng.IntN(2)*g.rng.IntN(3) {
			k, v := g.leaf(root)
			q[k] = v
		}
		return q
	case r < 65:
		return And(g.kids(root, depth, 2)...)
	case r < 85:
		return Or(g.kids(root, depth, 1)...)
	}
	return Not(g.node(root, depth+1))
}

func (g *propGen) kids(root *schema.Model, depth, least int) []Node {
	out := make([]Node, least+g.rng.IntN(2))
	for i := range out {
		out[i] = g.node(root, depth+1)
	}
	return out
}

func (g *propGen) pick(list []string) string { return list[g.rng.IntN(len(list))] }

// leaf draws a key (along one of the case's paths) and a value for it.
func (g *propGen) leaf(root *schema.Model) (string, any) {
	path := g.path()
	var names []string
	cur := root
	for _, h := range path {
		names = append(names, h.Name)
		cur = h.Rel.Target
	}
	key := func(parts ...string) string {
		return strings.Join(append(append([]string(nil), names...), parts...), "__")
	}
	if len(path) > 0 && g.rng.IntN(6) == 0 {
		// The relation itself: its key, or whether there is one.
		last := path[len(path)-1]
		lookups := []string{"exact", "isnull", "in"}
		if last.Rel.Multi() || last.Column != "" {
			lookups = append(lookups, "gt", "lte")
		}
		lk := g.pick(lookups)
		k := strings.Join(names, "__")
		if lk != "exact" {
			k += "__" + lk
		}
		return k, g.value(last.Rel.Target.PK, "", lk)
	}
	f := cur.Columns[g.rng.IntN(len(cur.Columns))]
	transform := ""
	var lookups []string
	switch {
	case f.Rel != nil:
		lookups = []string{"exact", "exact", "isnull", "in", "gt", "lt"}
	case f.Kind == schema.KindTime:
		transform = g.pick([]string{"", "date", "year", "month", "day", "hour", "minute", "second"})
		lookups = []string{"exact", "gt", "gte", "lt", "lte", "in", "range", "isnull"}
	case f.Kind == schema.KindString && f.SQLType == "genre":
		lookups = []string{"exact", "in", "isnull", "iexact", "contains", "icontains", "startswith", "iendswith"}
	case f.Kind == schema.KindString:
		lookups = []string{"exact", "iexact", "contains", "icontains", "startswith", "istartswith", "endswith", "iendswith",
			"regex", "iregex", "in", "isnull"}
		if g.w.textOrder {
			lookups = append(lookups, "gt", "lte", "range")
		}
	default:
		lookups = []string{"exact", "exact", "gt", "gte", "lt", "lte", "in", "range", "isnull"}
	}
	lk := g.pick(lookups)
	parts := []string{f.Name}
	if transform != "" {
		parts = append(parts, transform)
	}
	if lk != "exact" || g.rng.IntN(4) == 0 {
		parts = append(parts, lk)
	}
	return key(parts...), g.value(f, transform, lk)
}

// value draws a value for lookup lk on field f: mostly one present in the
// data, so that conditions match.
func (g *propGen) value(f *schema.Field, transform, lk string) any {
	switch lk {
	case "isnull":
		return g.rng.IntN(2) == 0
	case "in":
		list := []any{}
		for range g.rng.IntN(4) {
			if g.rng.IntN(8) == 0 {
				list = append(list, nil)
			} else {
				list = append(list, g.scalar(f, transform, "in"))
			}
		}
		return list
	case "range":
		return []any{g.scalar(f, transform, "range"), g.scalar(f, transform, "range")}
	case "exact", "iexact":
		if g.rng.IntN(8) == 0 {
			return nil
		}
	}
	return g.scalar(f, transform, lk)
}

func (g *propGen) scalar(f *schema.Field, transform, lk string) any {
	switch transform {
	case "year":
		return 2000 + g.rng.IntN(26)
	case "month":
		return 1 + g.rng.IntN(12)
	case "day":
		return 1 + g.rng.IntN(28)
	case "hour":
		return g.rng.IntN(24)
	case "minute", "second":
		return g.rng.IntN(4) * 15
	}
	if transform == "" && f.Kind == schema.KindInt && f.Rel == nil && lookupTable[lk].op != "" && g.rng.IntN(8) == 0 {
		return g.f()
	}
	present := g.w.pool[f]
	var v any
	if len(present) > 0 && g.rng.IntN(4) > 0 {
		v = present[g.rng.IntN(len(present))]
	}
	switch {
	case f.PK || f.Rel != nil || f.Kind == schema.KindInt:
		if v == nil || g.rng.IntN(5) == 0 {
			v = g.rng.IntN(12)
		}
		if x, ok := v.(int); ok {
			return x
		}
		return v
	case f.Kind == schema.KindNumeric:
		if v == nil {
			v = big.NewRat(int64(g.rng.IntN(3000)), 100)
		}
		return v.(*big.Rat).FloatString(2)
	case f.Kind == schema.KindTime:
		if v == nil {
			v = g.w.when(g.rng)
		}
		t := v.(time.Time)
		if transform == "date" {
			return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
		}
		return t
	case f.SQLType == "genre" && (lk == "exact" || lk == "in"):
		return g.pick(g.w.genres)
	}
	s := g.w.str(g.rng, 3)
	if v != nil && g.rng.IntN(3) > 0 {
		s = v.(string)
		if lk != "exact" && lk != "iexact" && lk != "in" && lk != "range" && lk != "gt" && lk != "lte" && len(s) > 0 {
			rs := []rune(s)
			i := g.rng.IntN(len(rs))
			s = string(rs[i : i+1+g.rng.IntN(len(rs)-i)]) // a piece of a present value
		}
	}
	switch lk {
	case "regex", "iregex":
		return g.regex(s)
	case "iexact", "icontains", "istartswith", "iendswith":
		if g.rng.IntN(2) == 0 {
			return g.w.ev.db.upper(s)
		}
	}
	return s
}

// f draws an F() expression: an integer column of the filtered row, or of
// a to-one relation of it, maybe plus a constant.
func (g *propGen) f() Expr {
	var paths []string
	add := func(prefix string, m *schema.Model) {
		for _, c := range m.Columns {
			if c.Kind == schema.KindInt && c.Rel == nil {
				paths = append(paths, prefix+c.Name)
			}
		}
	}
	add("", g.root)
	for _, r := range g.root.Relations {
		if r.Rel.Kind == schema.ForeignKey || r.Rel.Kind == schema.OneToOne {
			add(r.Name+"__", r.Rel.Target)
		}
	}
	x := F(paths[g.rng.IntN(len(paths))])
	if g.rng.IntN(2) == 0 {
		return x.Add(g.rng.IntN(5) - 2)
	}
	return x
}

// regex draws a pattern from the grammar refRegex knows, around s.
func (g *propGen) regex(s string) string {
	re := refRegex{anchorStart: g.rng.IntN(3) == 0, anchorEnd: g.rng.IntN(3) == 0}
	for _, c := range s {
		a := refAtom{chars: []rune{c}}
		switch g.rng.IntN(6) {
		case 0:
			a.chars = nil
		case 1:
			a.chars = append(a.chars, g.w.runes[g.rng.IntN(len(g.w.runes))])
		}
		a.star = g.rng.IntN(6) == 0
		re.atoms = append(re.atoms, a)
	}
	return re.String()
}

// chainSource is the case as Go code.
func chainSource(root *schema.Model, calls []propCall) string {
	var sb strings.Builder
	sb.WriteString("New[" + root.Name + "](db)")
	for _, c := range calls {
		if c.exclude {
			sb.WriteString(".\n\tExclude(")
		} else {
			sb.WriteString(".\n\tFilter(")
		}
		for i, n := range c.nodes {
			if i > 0 {
				sb.WriteString(", ")
			}
			sb.WriteString(nodeSource(n))
		}
		sb.WriteString(")")
	}
	return sb.String()
}

func nodeSource(n Node) string {
	list := func(name string, kids []Node) string {
		parts := make([]string, len(kids))
		for i, k := range kids {
			parts[i] = nodeSource(k)
		}
		return name + "(" + strings.Join(parts, ", ") + ")"
	}
	switch n := n.(type) {
	case Q:
		parts := make([]string, 0, len(n))
		for _, k := range n.sortedKeys() {
			parts = append(parts, fmt.Sprintf("%q: %s", k, valueSource(n[k])))
		}
		return "Q{" + strings.Join(parts, ", ") + "}"
	case andNode:
		return list("And", n.children)
	case orNode:
		return list("Or", n.children)
	case notNode:
		return "Not(" + nodeSource(n.child) + ")"
	}
	return fmt.Sprintf("%#v", n)
}

func valueSource(v any) string {
	switch v := v.(type) {
	case nil:
		return "nil"
	case time.Time:
		return fmt.Sprintf("time.Date(%d, %d, %d, %d, %d, %d, %d, time.UTC)", v.Year(), v.Month(), v.Day(), v.Hour(),
			v.Minute(), v.Second(), v.Nanosecond())
	case Expr:
		if v.op == "" {
			return fmt.Sprintf("F(%q)", v.field)
		}
		return fmt.Sprintf("%s.Add(%d)", valueSource(*v.left), v.right)
	case []any:
		parts := make([]string, len(v))
		for i, x := range v {
			parts[i] = valueSource(x)
		}
		return "[]any{" + strings.Join(parts, ", ") + "}"
	}
	return fmt.Sprintf("%#v", v)
}
