package relations_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"unsafe"

	"github.com/eagerorm/eager/internal/pgtest"
	"github.com/eagerorm/eager/internal/schema"
	. "github.com/eagerorm/eager/internal/testdomain"
	"github.com/eagerorm/eager/orm"
	"github.com/eagerorm/eager/queryset"
	"github.com/eagerorm/eager/relations"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestThreeStates(t *testing.T) {
	ctx := context.Background()
	db, c, _ := seeded(t)
	books, err := queryset.New[Book](db).OrderBy("id").All(ctx)
	require.NoError(t, err)
	c.Reset()

	// Not loaded: the key is there without a query.
	b3 := books[2]
	assert.False(t, b3.Author.Loaded())
	assert.Equal(t, int64(2), b3.Author.ID())
	assert.True(t, b3.Author.Valid())
	assert.Nil(t, b3.Publisher.ID(), "a NULL key")
	assert.False(t, b3.Publisher.Valid())
	assert.Equal(t, 0, c.N(), "ID never queries")

	// A NULL foreign key: nil, no query, and then it counts as loaded.
	p, err := b3.Publisher.Get(ctx)
	require.NoError(t, err)
	assert.Nil(t, p)
	assert.True(t, b3.Publisher.Loaded())
	assert.Equal(t, 0, c.N())

	// Loaded and empty versus loaded.
	authors, err := queryset.New[Author](db).OrderBy("id").PrefetchRelated("books", "profile").All(ctx)
	require.NoError(t, err)
	cy := authors[2]
	assert.True(t, cy.Books.Loaded())
	bs, err := cy.Books.All(ctx)
	require.NoError(t, err)
	assert.NotNil(t, bs, "loaded and empty is an empty slice")
	assert.Empty(t, bs)
	assert.True(t, cy.Profile.Loaded())
	prof, err := cy.Profile.Get(ctx)
	require.NoError(t, err)
	assert.Nil(t, prof, "loaded: Cy has no profile")
	ann := authors[0]
	bs, err = ann.Books.All(ctx)
	require.NoError(t, err)
	assert.Len(t, bs, 2)
	// The child's way back to its parent is filled too.
	back, err := bs[0].Author.Get(ctx)
	require.NoError(t, err)
	assert.Same(t, ann, back)
	assert.Equal(t, 3, c.N(), "authors, books, profiles; nothing more")

	// Not loaded on a row that was not read through a DB: an error, not a guess.
	var fresh Author
	_, err = fresh.Books.All(ctx)
	assert.ErrorContains(t, err, "not loaded")
	_, err = fresh.Profile.Get(ctx)
	assert.ErrorContains(t, err, "not loaded")
	m, err := fresh.Mentor.Get(ctx)
	assert.NoError(t, err, "a ForeignKey with no key is NULL")
	assert.Nil(t, m)
	var b Book
	b.Author.SetID(int64(1))
	_, err = b.Author.Get(ctx)
	assert.ErrorContains(t, err, "not read through a DB")
}

func TestSetBeforeInsert(t *testing.T) {
	ctx := context.Background()
	db, _, _ := seeded(t)
	ann, err := queryset.New[Author](db).Get(ctx, queryset.Q{"name": "Ann"})
	require.NoError(t, err)
	p := &Profile{ID: 9, Bio: "new"}
	p.Author.Set(ann)
	assert.Equal(t, ann.ID, p.Author.ID())
	got, err := p.Author.Get(ctx)
	require.NoError(t, err)
	assert.Same(t, ann, got, "Set counts as loaded")
	err = orm.Insert(ctx, db, p)
	assert.ErrorIs(t, err, orm.ErrUniqueViolation, "Ann already has a profile: the key was written")
	cy, err := queryset.New[Author](db).Get(ctx, queryset.Q{"name": "Cy"})
	require.NoError(t, err)
	p.Author.Set(cy)
	require.NoError(t, orm.Insert(ctx, db, p))
	reread, err := queryset.New[Profile](db).SelectRelated("author").Get(ctx, queryset.Q{"pk": 9})
	require.NoError(t, err)
	a, _ := reread.Author.Get(ctx)
	assert.Equal(t, "Cy", a.Name)

	var b Book
	b.Publisher.Set(nil)
	assert.Nil(t, b.Publisher.ID())
	bm, err := schema.For[Book]()
	require.NoError(t, err)
	pub, _ := bm.FieldByName("publisher")
	assert.Nil(t, pub.Value(unsafe.Pointer(&b)), "the key a write sends is NULL")
}

func TestEagerLoadingErrors(t *testing.T) {
	ctx := context.Background()
	db, c, _ := seeded(t)
	c.Reset()
	cases := []struct {
		name string
		run  func() error
		msg  []string
	}{
		{"SelectRelated on a reverse FK", func() error { _, err := queryset.New[Author](db).SelectRelated("books").All(ctx); return err },
			[]string{"Author.books is a Many relation", `PrefetchRelated("books")`}},
		{"SelectRelated on a M2M deeper", func() error { _, err := queryset.New[Review](db).SelectRelated("book__tags").All(ctx); return err },
			[]string{"Book.tags is a ManyToMany relation", `PrefetchRelated("book__tags")`}},
		{"SelectRelated unknown", func() error { _, err := queryset.New[Book](db).SelectRelated("autor").All(ctx); return err },
			[]string{`Book has no relation "autor"`, `did you mean "author"`}},
		{"SelectRelated on a column", func() error { _, err := queryset.New[Book](db).SelectRelated("title").All(ctx); return err },
			[]string{"Book.title is a column, not a relation"}},
		{"PrefetchRelated unknown", func() error { _, err := queryset.New[Author](db).PrefetchRelated("bookz").All(ctx); return err },
			[]string{`Author has no relation "bookz"`, `did you mean "books"`, "choices are: awards, books, mentees, mentor, profile, translations"}},
		{"PrefetchRelated unknown deeper", func() error { _, err := queryset.New[Author](db).PrefetchRelated("books__tagz").All(ctx); return err },
			[]string{`Book has no relation "tagz"`}},
		{"Prefetch over the wrong model", func() error {
			_, err := queryset.New[Author](db).PrefetchRelated(queryset.Prefetch("books", queryset.New[Tag](db))).All(ctx)
			return err
		}, []string{`Prefetch("books")`, "the queryset is over Tag, but Author.books holds Book rows"}},
		{"PrefetchRelated with a bad argument", func() error { _, err := queryset.New[Author](db).PrefetchRelated(42).All(ctx); return err },
			[]string{"int is neither a relation name nor a queryset.Prefetch"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.run()
			require.Error(t, err)
			for _, m := range tc.msg {
				assert.Contains(t, err.Error(), m)
			}
		})
	}
	// The SelectRelated errors and bad arguments are found before anything
	// is sent; prefetch names are checked after the main statement.
	assert.LessOrEqual(t, c.N(), 3)
}

func TestCustomPrefetch(t *testing.T) {
	ctx := context.Background()
	db, c, _ := seeded(t)

	t.Run("filter and order inside the prefetch", func(t *testing.T) {
		c.Reset()
		authors, err := queryset.New[Author](db).OrderBy("id").PrefetchRelated(
			queryset.Prefetch("books", queryset.New[Book](db).Filter(queryset.Q{"pages__gte": 100}).OrderBy("-pages"))).All(ctx)
		require.NoError(t, err)
		assert.Equal(t, 2, c.N())
		assert.Contains(t, c.SQLs()[1], `"book"."pages" >= $2`)
		assert.Equal(t, []string{"Beta", "Alpha"}, titles(t, &authors[0].Books))
		assert.Equal(t, []string{"Gamma 50%_"}, titles(t, &authors[1].Books), "delta has 50 pages")
	})

	t.Run("SelectRelated inside the prefetch is a join there", func(t *testing.T) {
		c.Reset()
		authors, err := queryset.New[Author](db).OrderBy("id").PrefetchRelated(
			queryset.Prefetch("books", queryset.New[Book](db).SelectRelated("publisher__country").OrderBy("id"))).All(ctx)
		require.NoError(t, err)
		assert.Equal(t, 2, c.N())
		assert.Contains(t, c.SQLs()[1], `LEFT JOIN "publisher"`)
		bs, _ := authors[1].Books.All(ctx)
		p, err := bs[1].Publisher.Get(ctx)
		require.NoError(t, err)
		co, err := p.Country.Get(ctx)
		require.NoError(t, err)
		assert.Equal(t, "France", co.Name)
		assert.Equal(t, 2, c.N(), "no further statement")
	})

	t.Run("limit is per parent", func(t *testing.T) {
		c.Reset()
		authors, err := queryset.New[Author](db).OrderBy("id").PrefetchRelated(
			queryset.Prefetch("books", queryset.New[Book](db).OrderBy("-pages").Limit(1))).All(ctx)
		require.NoError(t, err)
		assert.Equal(t, 2, c.N())
		assert.Contains(t, c.SQLs()[1], "ROW_NUMBER() OVER (PARTITION BY")
		assert.Equal(t, []string{"Beta"}, titles(t, &authors[0].Books))
		assert.Equal(t, []string{"Gamma 50%_"}, titles(t, &authors[1].Books))
		assert.Empty(t, titles(t, &authors[2].Books))

		authors, err = queryset.New[Author](db).OrderBy("id").PrefetchRelated(
			queryset.Prefetch("books", queryset.New[Book](db).OrderBy("-pages").Offset(1).Limit(5))).All(ctx)
		require.NoError(t, err)
		assert.Equal(t, []string{"Alpha"}, titles(t, &authors[0].Books), "offset per parent too")
	})

	t.Run("limit per parent on a many-to-many", func(t *testing.T) {
		books, err := queryset.New[Book](db).OrderBy("id").PrefetchRelated(
			queryset.Prefetch("tags", queryset.New[Tag](db).OrderBy("name").Limit(1))).All(ctx)
		require.NoError(t, err)
		var got []string
		for _, b := range books {
			ts, err := b.Tags.All(ctx)
			require.NoError(t, err)
			got = append(got, names(ts, func(t *Tag) string { return t.Name }))
		}
		assert.Equal(t, []string{"[blue]", "[red]", "[]", "[blue]"}, got)
	})

	t.Run("custom queryset with its own prefetch", func(t *testing.T) {
		c.Reset()
		authors, err := queryset.New[Author](db).OrderBy("id").PrefetchRelated(
			queryset.Prefetch("books", queryset.New[Book](db).OrderBy("id").PrefetchRelated("reviews"))).All(ctx)
		require.NoError(t, err)
		assert.Equal(t, 3, c.N())
		bs, _ := authors[0].Books.All(ctx)
		rs, err := bs[0].Reviews.All(ctx)
		require.NoError(t, err)
		assert.Len(t, rs, 2)
	})

	t.Run("reuse of SelectRelated rows for a deeper prefetch", func(t *testing.T) {
		c.Reset()
		books, err := queryset.New[Book](db).OrderBy("id").SelectRelated("author").PrefetchRelated("author__awards").All(ctx)
		require.NoError(t, err)
		assert.Equal(t, 2, c.N(), "the author level comes from the join: books+authors, then awards")
		a, _ := books[0].Author.Get(ctx)
		aw, err := a.Awards.All(ctx)
		require.NoError(t, err)
		assert.Len(t, aw, 2)
	})
}

func titles(t *testing.T, m *relations.Many[Book]) []string {
	t.Helper()
	bs, err := m.All(context.Background())
	require.NoError(t, err)
	out := make([]string, len(bs))
	for i, b := range bs {
		out[i] = b.Title
	}
	return out
}

func TestPrefetchStatements(t *testing.T) {
	ctx := context.Background()
	db, c, _ := seeded(t)

	t.Run("empty parent set sends nothing", func(t *testing.T) {
		c.Reset()
		as, err := queryset.New[Author](db).Filter(queryset.Q{"name": "nobody"}).PrefetchRelated("books__reviews", "awards").All(ctx)
		require.NoError(t, err)
		assert.Empty(t, as)
		assert.Equal(t, 1, c.N())
		c.Reset()
		_, err = queryset.New[Author](db).Filter(queryset.Q{"id__in": []int{}}).PrefetchRelated("books").All(ctx)
		require.NoError(t, err)
		assert.Equal(t, 0, c.N())
		c.Reset()
		bs, err := queryset.New[Book](db).Filter(queryset.Q{"publisher__isnull": true}).PrefetchRelated("publisher__country").All(ctx)
		require.NoError(t, err)
		assert.Len(t, bs, 1)
		assert.Equal(t, 1, c.N(), "every key is NULL: no prefetch statement")
	})

	t.Run("keys are deduplicated into one array", func(t *testing.T) {
		c.Reset()
		_, err := queryset.New[Book](db).PrefetchRelated("author").All(ctx)
		require.NoError(t, err)
		args := c.Events()[1].Args
		require.Len(t, args, 1, "one parameter whatever the number of keys")
		assert.ElementsMatch(t, []int64{1, 2}, args[0])
	})

	t.Run("siblings share one round trip", func(t *testing.T) {
		c.Reset()
		_, err := queryset.New[Author](db).PrefetchRelated("books", "awards", "mentees", "books__reviews").All(ctx)
		require.NoError(t, err)
		events := c.Events()
		require.Len(t, events, 5)
		for _, ev := range events[1:4] {
			assert.Equal(t, 3, ev.Batch, "%s", ev.SQL)
		}
		assert.Equal(t, 0, events[4].Batch, "the reviews level goes alone")
	})

	t.Run("inside RunInTx", func(t *testing.T) {
		c.Reset()
		err := db.RunInTx(ctx, func(ctx context.Context, tx *orm.DB) error {
			if _, err := tx.Exec(ctx, "INSERT INTO book VALUES (5, 'Epsilon', 10, NULL, 1, now(), 'novel', 3, NULL, NULL)"); err != nil {
				return err
			}
			authors, err := queryset.New[Author](tx).Filter(queryset.Q{"name": "Cy"}).PrefetchRelated("books").All(ctx)
			if err != nil {
				return err
			}
			bs, _ := authors[0].Books.All(ctx)
			assert.Len(t, bs, 1, "the prefetch sees the transaction's own row")
			return errors.New("roll back")
		})
		require.EqualError(t, err, "roll back")
		assert.Equal(t, 3, c.N())
	})
}

func TestIterPrefetchesPerChunk(t *testing.T) {
	ctx := context.Background()
	db, c, tdb := seeded(t)
	read := func(t *testing.T, db *orm.DB) []string {
		var got []string
		for a, err := range queryset.New[Author](db).OrderBy("id").PrefetchRelated("books").IterChunk(2).Iter(ctx) {
			require.NoError(t, err)
			bs, err := a.Books.All(ctx)
			require.NoError(t, err)
			got = append(got, fmt.Sprintf("%s:%d", a.Name, len(bs)))
		}
		return got
	}
	want := []string{"Ann:2", "Bob:2", "Cy:0"}

	t.Run("pool: a cursor on the one connection it holds, prefetch per chunk", func(t *testing.T) {
		c.Reset()
		assert.Equal(t, want, read(t, db))
		sqls := c.SQLs()
		assert.Contains(t, sqls[0], "DECLARE eager_iter_")
		assert.Equal(t, 5, len(sqls), "DECLARE, 2 FETCH + 2 prefetch; the COMMIT closes the cursor: %v", sqls)
	})
	t.Run("in a transaction: a cursor", func(t *testing.T) {
		c.Reset()
		require.NoError(t, db.RunInTx(ctx, func(ctx context.Context, tx *orm.DB) error {
			assert.Equal(t, want, read(t, tx))
			return nil
		}))
		sqls := c.SQLs()
		assert.Contains(t, sqls[0], "DECLARE eager_iter_")
		assert.Contains(t, sqls[1], "FETCH FORWARD 2 FROM eager_iter_")
		assert.Contains(t, sqls[len(sqls)-1], "CLOSE eager_iter_")
		assert.Equal(t, 6, len(sqls), "DECLARE, 2 FETCH + 2 prefetch, CLOSE: %v", sqls)
	})
	t.Run("single connection: a cursor in its own transaction", func(t *testing.T) {
		conn, err := pgx.Connect(ctx, tdb.DSN)
		require.NoError(t, err)
		defer conn.Close(ctx)
		cc := &counter{}
		assert.Equal(t, want, read(t, orm.New(conn, orm.WithHook(cc))))
		assert.Contains(t, cc.SQLs()[0], "DECLARE")
	})
	t.Run("break stops early", func(t *testing.T) {
		n := 0
		for _, err := range queryset.New[Author](db).PrefetchRelated("books").IterChunk(1).Iter(ctx) {
			require.NoError(t, err)
			n++
			break
		}
		assert.Equal(t, 1, n)
	})
}

// 100,000 parents: one statement per level, one array parameter (no
// 65,535-parameter ceiling).
func TestPrefetchHundredThousandParents(t *testing.T) {
	if testing.Short() {
		t.Skip("seeds 200,000 rows")
	}
	ctx := context.Background()
	tdb := pgtest.New(t)
	c := &counter{}
	db := orm.New(tdb.Pool, orm.WithHook(c))
	_, err := tdb.Pool.Exec(ctx, SchemaDDL+`
		INSERT INTO author SELECT i, 'a' || i, NULL, NULL FROM generate_series(1, 100000) i;
		INSERT INTO book SELECT i, 'b' || i, i % 500, NULL, 1, now(), 'novel', i, NULL, NULL FROM generate_series(1, 100000) i;`)
	require.NoError(t, err)
	c.Reset()
	authors, err := queryset.New[Author](db).PrefetchRelated("books").All(ctx)
	require.NoError(t, err)
	require.Len(t, authors, 100000)
	assert.Equal(t, 2, c.N())
	for _, a := range authors {
		bs, err := a.Books.All(ctx)
		require.NoError(t, err)
		require.Len(t, bs, 1)
		require.Equal(t, "b"+a.Name[1:], bs[0].Title)
	}
	assert.Equal(t, 2, c.N())

	c.Reset()
	books, err := queryset.New[Book](db).PrefetchRelated("author").All(ctx)
	require.NoError(t, err)
	assert.Len(t, books, 100000)
	assert.Equal(t, 2, c.N(), "the forward direction too")
}
