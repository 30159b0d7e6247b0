package queryset_test

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/eagerorm/eager/internal/pgtest"
	. "github.com/eagerorm/eager/internal/testdomain"
	"github.com/eagerorm/eager/orm"
	. "github.com/eagerorm/eager/queryset"
	"github.com/eagerorm/eager/relations"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Money is an amount in cents stored as numeric(12,2): its database form is
// what Value gives ("19.99"), never its Go kind (1999).
type Money int64

func (m Money) Value() (driver.Value, error) {
	sign, c := "", int64(m)
	if c < 0 {
		sign, c = "-", -c
	}
	return fmt.Sprintf("%s%d.%02d", sign, c/100, c%100), nil
}

func (m *Money) Scan(src any) error {
	var s string
	switch v := src.(type) {
	case string:
		s = v
	case []byte:
		s = string(v)
	case float64:
		s = strconv.FormatFloat(v, 'f', 2, 64)
	case int64:
		*m = Money(v * 100)
		return nil
	default:
		return fmt.Errorf("money: cannot scan %T", src)
	}
	whole, frac, _ := strings.Cut(s, ".")
	frac = (frac + "00")[:2]
	n, err := strconv.ParseInt(whole+frac, 10, 64)
	*m = Money(n)
	return err
}

type Product struct {
	ID    int64  `db:"id" orm:"pk"`
	Name  string `db:"name"`
	Price Money  `db:"price" orm:"type:numeric(12,2)"`
}

const productDDL = `CREATE TABLE product (id bigint PRIMARY KEY, name text NOT NULL, price numeric(12,2) NOT NULL);`

func productDB(t *testing.T) (*orm.DB, *counter) {
	t.Helper()
	tdb := pgtest.New(t)
	if _, err := tdb.Pool.Exec(context.Background(), productDDL); err != nil {
		t.Fatal(err)
	}
	c := &counter{}
	return orm.New(tdb.Pool, orm.WithHook(c)), c
}

// priceText reads the stored column as PostgreSQL prints it.
func priceText(t *testing.T, db *orm.DB, id int64) string {
	t.Helper()
	var s string
	require.NoError(t, db.QueryRow(context.Background(), `SELECT price::text FROM product WHERE id = $1`, id).Scan(&s))
	return s
}

// A field type implementing driver.Valuer is encoded through Value() on every
// value path, exactly as Insert (which hands it to pgx) writes it.
func TestValuerOnEveryValuePath(t *testing.T) {
	ctx := context.Background()
	db, c := productDB(t)
	require.NoError(t, orm.Insert(ctx, db, &Product{ID: 1, Name: "pen", Price: 1999}))
	require.NoError(t, orm.Insert(ctx, db, &Product{ID: 2, Name: "ref", Price: 2500}))
	require.Equal(t, "19.99", priceText(t, db, 1), "Insert writes Value()")
	products := New[Product](db)
	names := func(qs QuerySet[Product]) []string {
		t.Helper()
		rows, err := qs.OrderBy("id").All(ctx)
		require.NoError(t, err)
		out := []string{}
		for _, r := range rows {
			out = append(out, r.Name)
		}
		return out
	}

	t.Run("Filter", func(t *testing.T) {
		assert.Equal(t, []string{"pen", "ref"}, names(products.Filter(Q{"price__gte": Money(1000)})))
		assert.Equal(t, []string{"pen"}, names(products.Filter(Q{"price": Money(1999)})))
		assert.Equal(t, []string{"ref"}, names(products.Filter(Q{"price__in": []Money{2500, 1}})))
		assert.Equal(t, []string{"pen"}, names(products.Filter(Q{"price__range": []Money{1900, 2000}})))
		assert.Equal(t, []string{"pen"}, names(products.Filter(Q{"price__lt": F("price").Add(Money(1))}).Filter(Q{"id": 1})))
	})
	t.Run("Exclude", func(t *testing.T) {
		assert.Equal(t, []string{"ref"}, names(products.Exclude(Q{"price__lte": Money(1999)})))
		assert.Equal(t, []string{"ref"}, names(products.Filter(Q{"id": 2}).Exclude(Q{"price__gte": F("price").Add(Money(1))})))
	})
	t.Run("Update", func(t *testing.T) {
		n, err := products.Filter(Q{"id": 1}).Update(ctx, map[string]any{"price": Money(2500)})
		require.NoError(t, err)
		require.EqualValues(t, 1, n)
		assert.Equal(t, priceText(t, db, 2), priceText(t, db, 1), "QuerySet.Update writes what Insert writes")
		assert.Equal(t, "25.00", priceText(t, db, 1))
		require.NoError(t, orm.Update(ctx, db, &Product{ID: 1, Name: "pen", Price: 1999}))
		assert.Equal(t, "19.99", priceText(t, db, 1))
	})
	t.Run("F arithmetic", func(t *testing.T) {
		_, err := products.Filter(Q{"id": 1}).Update(ctx, map[string]any{"price": F("price").Add(Money(101))})
		require.NoError(t, err)
		assert.Equal(t, "21.00", priceText(t, db, 1))
		_, err = products.Filter(Q{"id": 1}).Update(ctx, map[string]any{"price": F("price").Mul(2)})
		require.NoError(t, err)
		assert.Equal(t, "42.00", priceText(t, db, 1))
	})
	t.Run("read back", func(t *testing.T) {
		p, err := products.Get(ctx, Q{"id": 2})
		require.NoError(t, err)
		assert.Equal(t, Money(2500), p.Price)
		rows, err := Values(ctx, products.Filter(Q{"id": 2}), "price")
		require.NoError(t, err)
		assert.Equal(t, []map[string]any{{"price": Money(2500)}}, rows)
		agg, err := products.GroupBy("name").Annotate(Max("price")).Having(Q{"price__max__gte": Money(3000)}).Values(ctx)
		require.NoError(t, err)
		assert.Len(t, agg, 1, "Having encodes through Value() too")
	})
	t.Run("a Valuer that fails is an error naming the field", func(t *testing.T) {
		c.Reset()
		_, err := products.Filter(Q{"price": badMoney{}}).All(ctx)
		var fe *orm.FieldError
		require.ErrorAs(t, err, &fe)
		assert.Equal(t, "Product", fe.Model)
		assert.Equal(t, "price", fe.Field)
		assert.ErrorContains(t, err, "no rate")
		_, err = products.Filter(Q{"price": panicky{}}).All(ctx)
		assert.ErrorContains(t, err, "panicked")
		assert.Equal(t, 0, c.N(), "nothing is sent")
	})
}

type badMoney struct{}

func (badMoney) Value() (driver.Value, error) { return nil, errors.New("no rate") }

type panicky struct{}

func (panicky) Value() (driver.Value, error) { panic("boom") }

type Event struct {
	ID  int64     `db:"id" orm:"pk"`
	Day time.Time `db:"day" orm:"type:date"`
	At  time.Time `db:"at" orm:"type:timestamp"`
}

// Dates given as ISO 8601 strings are accepted for date, timestamp and
// timestamptz fields (Django accepts them); without an offset they are read
// as PostgreSQL reads such a literal, in the session's time zone.
func TestISODateStrings(t *testing.T) {
	ctx := context.Background()
	db, c := seeded(t)
	_, err := db.Exec(ctx, `SET TIME ZONE 'UTC'; CREATE TABLE event (id bigint PRIMARY KEY, day date NOT NULL, at timestamp NOT NULL);
		INSERT INTO event VALUES (1, '2005-03-01', '2005-03-01 12:00'), (2, '2010-06-15', '2010-06-15 08:30:15.25')`)
	require.NoError(t, err)
	books := New[Book](db)
	events := New[Event](db)
	for _, tc := range []struct {
		name string
		ids  []int64
		got  func() []int64
	}{
		{"timestamptz date only", []int64{1, 2, 3, 4}, func() []int64 { return ids(t, c, books.Filter(Q{"published__gte": "2005-03-01"}), 1) }},
		{"timestamptz date only, gt", []int64{2, 3, 4}, func() []int64 { return ids(t, c, books.Filter(Q{"published__gt": "2005-03-01 12:00"}), 1) }},
		{"timestamptz with Z", []int64{1}, func() []int64 { return ids(t, c, books.Filter(Q{"published": "2005-03-01T12:00:00Z"}), 1) }},
		{"timestamptz with offset", []int64{1}, func() []int64 { return ids(t, c, books.Filter(Q{"published": "2005-03-01T14:00:00+02:00"}), 1) }},
		{"timestamptz fraction", []int64{1}, func() []int64 { return ids(t, c, books.Filter(Q{"published": "2005-03-01 12:00:00.000000+00"}), 1) }},
		{"timestamptz range", []int64{1, 2}, func() []int64 {
			return ids(t, c, books.Filter(Q{"published__range": []string{"2005-01-01", "2005-12-31T23:59:59"}}), 1)
		}},
		{"timestamptz in", []int64{1, 3}, func() []int64 {
			return ids(t, c, books.Filter(Q{"published__in": []any{"2005-03-01 12:00", time.Date(2010, 6, 15, 12, 0, 0, 0, time.UTC)}}), 1)
		}},
		{"date transform", []int64{2}, func() []int64 { return ids(t, c, books.Filter(Q{"published__date": "2005-12-31"}), 1) }},
		{"date field", []int64{1}, func() []int64 { return ids(t, c, events.Filter(Q{"day": "2005-03-01"}), 1) }},
		{"date field in", []int64{1, 2}, func() []int64 { return ids(t, c, events.Filter(Q{"day__in": []string{"2005-03-01", "2010-06-15"}}), 1) }},
		{"timestamp field", []int64{2}, func() []int64 { return ids(t, c, events.Filter(Q{"at": "2010-06-15T08:30:15.25"}), 1) }},
		{"timestamp field lt", []int64{1}, func() []int64 { return ids(t, c, events.Filter(Q{"at__lt": "2006-01-01"}), 1) }},
	} {
		assert.Equal(t, tc.ids, tc.got(), tc.name)
	}

	n, err := events.Filter(Q{"id": 1}).Update(ctx, map[string]any{"day": "2006-07-08"})
	require.NoError(t, err)
	require.EqualValues(t, 1, n)
	e, err := events.Get(ctx, Q{"id": 1})
	require.NoError(t, err)
	assert.Equal(t, "2006-07-08", e.Day.Format(time.DateOnly))

	c.Reset()
	for _, bad := range []string{"yesterday", "2005-13-01", "2005-03-01T25:00", "01/03/2005", ""} {
		_, err := books.Filter(Q{"published__gte": bad}).All(ctx)
		var fe *orm.FieldError
		require.ErrorAs(t, err, &fe, "%q", bad)
		assert.Equal(t, "Book", fe.Model)
		assert.Equal(t, "published__gte", fe.Field)
		assert.Equal(t, bad, fe.Value)
	}
	assert.Equal(t, 0, c.N(), "a string that is not a date is refused before sending")
}

// range with a nil bound matches nothing and is no error (Django's BETWEEN
// NULL matches nothing); Exclude with it, as its complement, keeps every row.
// A float with a fraction for an integer field stays an error.
func TestRangeNilBoundAndFractions(t *testing.T) {
	ctx := context.Background()
	db, c := seeded(t)
	books := New[Book](db)
	assert.Empty(t, ids(t, c, books.Filter(Q{"pages__range": []any{nil, 300}}), 0))
	assert.Empty(t, ids(t, c, books.Filter(Q{"pages__range": []any{100, nil}}), 0))
	assert.Empty(t, ids(t, c, books.Filter(Q{"published__range": []any{nil, nil}}), 0))
	assert.Equal(t, []int64{1, 2, 3, 4}, ids(t, c, books.Exclude(Q{"pages__range": []any{nil, 300}}), 1))
	assert.Equal(t, []int64{1}, ids(t, c, books.Filter(Q{"pages": 100.0}), 1), "a whole float is an integer")

	c.Reset()
	_, err := books.Filter(Q{"pages": 100.5}).All(ctx)
	var fe *orm.FieldError
	require.ErrorAs(t, err, &fe)
	assert.Contains(t, err.Error(), "fraction")
	_, err = books.Filter(Q{"id": 1}).Update(ctx, map[string]any{"pages": 1.5})
	assert.ErrorContains(t, err, "fraction")
	_, err = books.Filter(Q{"pages__gt": F("rating").Mul(1.5)}).All(ctx)
	assert.ErrorContains(t, err, "fraction", "an F() operand converts to its column's type")
	assert.Equal(t, 0, c.N())
}

// SKU is an item number stored as text "SKU-000042": its key in the
// database is what Value gives, never its int64.
type SKU int64

func (s SKU) Value() (driver.Value, error) { return fmt.Sprintf("SKU-%06d", int64(s)), nil }

func (s *SKU) Scan(src any) error {
	str, ok := src.(string)
	if !ok {
		return fmt.Errorf("sku: cannot scan %T", src)
	}
	n, err := strconv.ParseInt(strings.TrimPrefix(str, "SKU-"), 10, 64)
	*s = SKU(n)
	return err
}

type Item struct {
	Code  SKU                  `db:"code" orm:"pk,type:text"`
	Name  string               `db:"name"`
	Lines relations.Many[Line] `orm:"reverse:Item"`
}

type Line struct {
	ID   int64                      `db:"id" orm:"pk"`
	Item relations.ForeignKey[Item] `db:"item_code"`
	Qty  int32                      `db:"qty"`
}

// Keys of a Valuer type go to the server as Value() gives them: a foreign
// key set from the object, prefetching either way along the relation, and
// filtering by a model object all agree with what Insert wrote.
func TestValuerKeysInPrefetch(t *testing.T) {
	ctx := context.Background()
	tdb := pgtest.New(t)
	c := &counter{}
	db := orm.New(tdb.Pool, orm.WithHook(c))
	_, err := db.Exec(ctx, `CREATE TABLE item (code text PRIMARY KEY, name text NOT NULL);
		CREATE TABLE line (id bigint PRIMARY KEY, item_code text NOT NULL REFERENCES item, qty integer NOT NULL)`)
	require.NoError(t, err)
	pen, ink := &Item{Code: 42, Name: "pen"}, &Item{Code: 7, Name: "ink"}
	require.NoError(t, orm.Insert(ctx, db, pen))
	require.NoError(t, orm.Insert(ctx, db, ink))
	for i, it := range []*Item{pen, pen, ink} {
		l := &Line{ID: int64(i + 1), Qty: int32(i + 1)}
		l.Item.Set(it)
		require.NoError(t, orm.Insert(ctx, db, l))
	}
	var code string
	require.NoError(t, db.QueryRow(ctx, `SELECT item_code FROM line WHERE id = 1`).Scan(&code))
	require.Equal(t, "SKU-000042", code)

	c.Reset()
	items, err := New[Item](db).PrefetchRelated("lines").OrderBy("name").All(ctx)
	require.NoError(t, err)
	require.Len(t, items, 2)
	assert.Equal(t, 2, c.N())
	var qty []int32
	for _, it := range items {
		lines, err := it.Lines.All(ctx)
		require.NoError(t, err)
		for _, l := range lines {
			qty = append(qty, l.Qty)
		}
	}
	assert.Equal(t, []int32{3, 1, 2}, qty, "ink's line, then pen's two")

	lines, err := New[Line](db).PrefetchRelated("item").OrderBy("id").All(ctx)
	require.NoError(t, err)
	var names []string
	for _, l := range lines {
		it, err := l.Item.Get(ctx)
		require.NoError(t, err)
		require.NotNil(t, it)
		names = append(names, it.Name)
	}
	assert.Equal(t, []string{"pen", "pen", "ink"}, names)
	got, err := New[Line](db).Filter(Q{"item": pen}).Count(ctx)
	require.NoError(t, err)
	assert.EqualValues(t, 2, got)
	got, err = New[Item](db).Filter(Q{"pk": SKU(7)}).Count(ctx)
	require.NoError(t, err)
	assert.EqualValues(t, 1, got)
}

// splice renders SQL of its own, as a squirrel.Sqlizer does.
type splice struct{}

func (splice) ToSql() (string, []any, error) { return `'{"pwned": true}'::jsonb`, nil, nil }

type Doc struct {
	ID   int64          `db:"id" orm:"pk"`
	Meta map[string]any `db:"meta"`
}

// A value that renders SQL of its own (a squirrel.Sqlizer) is refused:
// squirrel would splice its text into the statement instead of binding it.
func TestSqlizerValueRefused(t *testing.T) {
	ctx := context.Background()
	tdb := pgtest.New(t)
	db := orm.New(tdb.Pool)
	_, err := db.Exec(ctx, `CREATE TABLE doc (id bigint PRIMARY KEY, meta jsonb); INSERT INTO doc VALUES (1, '{}')`)
	require.NoError(t, err)
	_, err = New[Doc](db).Update(ctx, map[string]any{"meta": splice{}})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "Sqlizer")
	_, err = New[Doc](db).Filter(Q{"meta": splice{}}).Count(ctx)
	require.Error(t, err)
	var meta string
	require.NoError(t, db.QueryRow(ctx, `SELECT meta::text FROM doc`).Scan(&meta))
	assert.Equal(t, "{}", meta)
}
