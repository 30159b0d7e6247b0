package queryset_test

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	. "github.com/eagerorm/eager/internal/testdomain"
	"github.com/eagerorm/eager/orm"
	. "github.com/eagerorm/eager/queryset"
	"github.com/jackc/pgx/v5/pgtype"
)

// FuzzChain builds a QuerySet from arbitrary chain inputs (a program of
// bytes choosing methods, field paths, lookups and values of every shape,
// plus two free strings) and runs one terminal method on the seeded
// database. Whatever the input: an error or a result, never a panic, never
// a nil result without an error, never a hang. Writes run in a transaction
// that is rolled back. The seeds (below and in testdata/fuzz/FuzzChain) run
// in every go test; go test -fuzz=FuzzChain explores further.
func FuzzChain(f *testing.F) {
	for _, seed := range []struct {
		prog []byte
		a, b string
	}{
		{[]byte{0, 0, 1, 3, 2, 7, 3}, "title", "Alpha"},
		{[]byte{1, 9, 9, 2}, "books", "x"},                   // the same Prefetch twice
		{[]byte{2, 7, 40}, "itemz", ""},                      // an unknown prefetch, then the error
		{[]byte{3, 1, 2, 0, 5}, "", ""},                      // a zero QuerySet
		{[]byte{4, 0, 0, 2, 24}, "", ""},                     // New(nil)
		{[]byte{5, 0, 3, 1, 25, 1, 4, 26}, "pages", "1.5"},   // Valuers that panic and fail
		{[]byte{6, 0, 6, 3, 13, 4, 14}, "a?b", "?"},          // question marks
		{[]byte{7, 11, 0, 0, 21, 30}, "reviews__stars", "5"}, // an aggregate with a filter
		{[]byte{8, 6, 5, 4, 3, 11}, "author__mentor", "x"},
		{[]byte{9, 8, 2, 0, 12, 1}, "published", "2005-03-01"},
		{[]byte{10, 0, 17, 2, 15, 0, 22, 5, 36}, "rating", "%"},
		{[]byte{11, 0, 23, 3, 1, 18, 19, 20}, "tags__name", "red"},
		{[]byte{12, 3, 200, 4, 250, 10, 3}, "pk", "-pk"},
		{[]byte{13, 0, 2, 1, 37, 38}, "pages__range", "x"},
		{[]byte{14, 0, 20, 0, 6, 7}, strings.Repeat("author__mentor__", 30) + "name", "Ann"},
	} {
		f.Add(seed.prog, seed.a, seed.b)
	}
	db, _ := seeded(f)
	f.Fuzz(func(t *testing.T, prog []byte, a, b string) {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		c := &chain{prog: prog, a: a, b: b}
		term := c.next() % terminals
		if term >= firstWrite {
			err := db.RunInTx(ctx, func(ctx context.Context, tx *orm.DB) error {
				c.run(ctx, t, tx, term)
				return errRollback
			})
			if !errors.Is(err, errRollback) && ctx.Err() == nil {
				// the transaction itself failed (an aborted statement is rolled back, not an error here)
				t.Logf("transaction: %v", err)
			}
			return
		}
		c.run(ctx, t, db, term)
	})
}

var errRollback = errors.New("roll back")

const (
	terminals  = 16
	firstWrite = 14 // Update and Delete
)

// chain reads its program a byte at a time; an exhausted program reads 0.
type chain struct {
	prog []byte
	pos  int
	a, b string
}

func (c *chain) next() int {
	if c.pos >= len(c.prog) {
		return 0
	}
	c.pos++
	return int(c.prog[c.pos-1])
}

func (c *chain) run(ctx context.Context, t *testing.T, db *orm.DB, term int) {
	qs := c.base(db)
	for range 12 {
		if c.pos >= len(c.prog) {
			break
		}
		qs = c.op(db, qs)
	}
	nonNil := func(what string, ok bool, err error) {
		if err == nil && !ok {
			t.Fatalf("%s returned nothing and no error", what)
		}
	}
	switch term {
	case 0:
		rows, err := qs.All(ctx)
		nonNil("All", rows != nil, err)
	case 1:
		_, err := qs.Count(ctx)
		_ = err
	case 2:
		_, err := qs.Exists(ctx)
		_ = err
	case 3:
		row, err := qs.Get(ctx, c.node(0))
		nonNil("Get", row != nil, err)
	case 4:
		row, err := qs.First(ctx)
		nonNil("First", row != nil, err)
	case 5:
		row, err := qs.Last(ctx)
		nonNil("Last", row != nil, err)
	case 6:
		_, _, err := qs.SQL()
		_ = err
	case 7:
		rows, err := Values(ctx, qs, c.fields()...)
		nonNil("Values", rows != nil, err)
	case 8:
		vals, err := ValuesList[any](ctx, qs, c.key())
		nonNil("ValuesList", vals != nil, err)
	case 9:
		res, err := Aggregate(ctx, qs, c.agg(), c.agg())
		nonNil("Aggregate", res != nil, err)
	case 10:
		g := qs.GroupBy(c.fields()...).Annotate(c.agg()).Having(c.node(0)).OrderBy(c.order())
		if n := c.next(); n%2 == 1 {
			g = g.Limit(n - 100)
		}
		rows, err := g.Values(ctx)
		nonNil("GroupBy.Values", rows != nil, err)
	case 11:
		stop := c.next() % 4
		n := 0
		for row, err := range qs.Iter(ctx) {
			if err == nil && row == nil {
				t.Fatal("Iter yielded a nil row and no error")
			}
			if n++; n > stop {
				break
			}
		}
	case 12:
		_, err := qs.Explain(ctx)
		_ = err
	case 13:
		_, err := qs.Exists(ctx)
		_ = err
	case 14:
		set := map[string]any{c.key(): c.value()}
		if c.next()%2 == 0 {
			set[c.key()] = c.value()
		}
		_, err := qs.Update(ctx, set)
		_ = err
	case 15:
		_, err := qs.Delete(ctx)
		_ = err
	}
}

func (c *chain) base(db *orm.DB) QuerySet[Book] {
	switch c.next() % 8 {
	case 1:
		return New[Book](nil)
	case 2:
		return QuerySet[Book]{}
	case 3:
		return New[Book](orm.New(nil))
	case 4:
		return New[Book](db.WithLoadMode(orm.Strict))
	}
	return New[Book](db)
}

func (c *chain) op(db *orm.DB, qs QuerySet[Book]) QuerySet[Book] {
	switch c.next() % 14 {
	case 0:
		return qs.Filter(c.node(0))
	case 1:
		return qs.Exclude(c.node(0))
	case 2:
		return qs.OrderBy(c.order(), c.order())
	case 3:
		return qs.Limit(c.next() - 3)
	case 4:
		return qs.Offset(c.next() - 3)
	case 5:
		return qs.Distinct()
	case 6:
		return qs.SelectRelated(c.relation())
	case 7:
		return qs.PrefetchRelated(c.relation())
	case 8:
		return qs.PrefetchRelated(c.prefetch(db))
	case 9:
		p := c.prefetch(db)
		return qs.PrefetchRelated(p).PrefetchRelated(p)
	case 10:
		return qs.WithLoadMode(orm.LoadMode(c.next() % 5))
	case 11:
		return qs.IterChunk(c.next() - 2)
	case 12:
		return qs.PrefetchRelated([]any{nil, 42, PrefetchSpec{}, c.a}[c.next()%4])
	}
	return qs.Filter()
}

func (c *chain) prefetch(db *orm.DB) PrefetchSpec {
	path := c.relation()
	switch c.next() % 5 {
	case 0:
		return Prefetch(path, New[Review](db).Filter(c.node(1)).OrderBy(c.order()).Limit(c.next()%3))
	case 1:
		return Prefetch(path, New[Tag](db).Filter(c.node(1)))
	case 2:
		return Prefetch(path, New[Author](db).PrefetchRelated(c.relation()))
	case 3:
		return Prefetch(path, QuerySet[Book]{})
	}
	return Prefetch(path, New[Book](db).SelectRelated(c.relation()).Offset(c.next()%3))
}

var keys = []string{"title", "pages", "rating", "price", "published", "genre", "author", "publisher", "tags",
	"reviews", "translator", "author__name", "author__email", "publisher__country__name", "reviews__stars",
	"reviews__body", "tags__name", "author__books__title", "pk", "id", "author__mentor__name", "Title",
	"author__profile__bio", "author__awards__name", "tags__books__reviews__posted"}

var lookups = []string{"", "__exact", "__iexact", "__contains", "__icontains", "__in", "__gt", "__gte", "__lt",
	"__lte", "__startswith", "__iendswith", "__range", "__isnull", "__regex", "__iregex", "__year", "__month",
	"__date", "__day", "__year__gt", "__date__range", "__pk", "__nosuch"}

func (c *chain) key() string {
	n := c.next()
	switch {
	case n < 200:
		return keys[n%len(keys)] + lookups[c.next()%len(lookups)]
	case n < 220:
		return c.a
	case n < 240:
		return c.a + "__" + c.b
	}
	return keys[n%len(keys)] + "__" + c.b
}

func (c *chain) order() string {
	k := c.key()
	if c.next()%2 == 1 {
		return "-" + k
	}
	return k
}

func (c *chain) fields() []string {
	out := []string{}
	for range c.next() % 3 {
		out = append(out, c.key())
	}
	return out
}

func (c *chain) relation() string {
	rels := []string{"author", "publisher", "tags", "reviews", "translator", "author__books", "publisher__country",
		"tags__books", "reviews__book__author", "author__mentor__mentor", "Reviews", "reviews__", "__", ""}
	if n := c.next(); n < 200 {
		return rels[n%len(rels)]
	}
	return c.a
}

func (c *chain) agg() Agg {
	fns := []func(string) Agg{Count, Sum, Avg, Min, Max}
	n := c.next()
	if n == 255 {
		return Agg{}
	}
	field := c.key()
	if n%7 == 0 {
		field = "*"
	}
	a := fns[n%len(fns)](field)
	if n%3 == 0 {
		a = a.Distinct()
	}
	if n%4 == 0 {
		a = a.Filter(c.node(1))
	}
	if n%5 == 0 {
		a = a.As(c.b)
	}
	return a
}

// node builds a condition; depth bounds the recursion.
func (c *chain) node(depth int) Node {
	n := c.next()
	if depth > 3 {
		n %= 4
	}
	switch n % 10 {
	case 0, 1, 2, 3:
		return Q{c.key(): c.value()}
	case 4:
		return Q{c.key(): c.value(), c.key(): c.value()}
	case 5:
		return And(c.node(depth+1), c.node(depth+1))
	case 6:
		return Or(c.node(depth+1), c.node(depth+1))
	case 7:
		return Not(c.node(depth + 1))
	case 8:
		return Q{}
	}
	return nil
}

func (c *chain) value() any {
	a, b := c.a, c.b
	values := []any{nil, a, b, c.next() - 100, -1, 1.5, math.NaN(), math.Inf(1), uint64(math.MaxUint64),
		int64(math.MinInt64), true, time.Time{}, time.Date(2005, 3, 1, 12, 0, 0, 0, time.UTC), []int{}, []any{nil},
		[]any{1, nil, a}, []string{a, b}, map[string]any{a: b}, struct{}{}, &Author{ID: 1}, Author{}, &Book{},
		(*Author)(nil), (*int)(nil), Money(1999), panicky{}, badMoney{}, F(a), F("pages").Add(a),
		F(a).Mul(F(b)), Q{a: b}, []byte(a), [16]byte{}, make(chan int), func() {}, json.RawMessage(a), Expr{},
		[]any{a}, [2]any{nil, 1}, pgtype.Text{}, pgtype.Numeric{}, 5 * time.Second, []any{a, b, 3},
		F("published").Add(time.Hour), "2005-03-01", "2005-03-01T12:00:00+02:00", []Money{1, 2}, &a}
	return values[c.next()%len(values)]
}
