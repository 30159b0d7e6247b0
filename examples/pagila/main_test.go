package main

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/eagerorm/eager/orm"
	"github.com/eagerorm/eager/orm/ormtest"
	"github.com/eagerorm/eager/queryset"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMain(m *testing.M) { ormtest.Main(m) }

// TestPagila loads the real dataset into a schema of its own (never the
// example's database) and checks the example's three results: their
// statement counts and their values, against plain SQL.
func TestPagila(t *testing.T) {
	ctx := context.Background()
	tdb := ormtest.NewSchema(t) // empty: load creates Pagila's own schema in it
	conn, err := pgx.Connect(ctx, tdb.DSN)
	require.NoError(t, err)
	fresh, err := load(ctx, conn)
	if err == nil {
		assert.True(t, fresh, "the first load loads")
		fresh, err = load(ctx, conn)
		assert.False(t, fresh, "the second load finds the marker")
	}
	conn.Close(ctx)
	require.NoError(t, err)

	t.Run("dataset", func(t *testing.T) {
		for table, want := range map[string]int{"film": 1000, "actor": 200, "film_actor": 5462, "category": 16,
			"rental": 16044, "customer": 599, "payment": 16049, "inventory": 4581} {
			assert.Equal(t, want, count(t, tdb.DB, "SELECT count(*) FROM "+table), table)
		}
	})

	t.Run("report", func(t *testing.T) {
		var out strings.Builder
		n, err := report(ctx, &out, tdb.DB)
		require.NoError(t, err)
		assert.Equal(t, counts{rentals: 1, films: 3, categories: 1}, n, "statements per result")
		for _, want := range []string{"1 statement", "3 statements", "PHILIP CAUSEY", "Russian Federation",
			"ACADEMY DINOSAUR", "Games, New, Travel", "Sci-Fi       2490"} {
			assert.Contains(t, out.String(), want)
		}
		t.Log("\n" + out.String())
	})

	c2 := &counter{}
	db := tdb.DB.WithHooks(c2).WithLoadMode(orm.StrictAll)

	t.Run("latest rentals", func(t *testing.T) {
		c2.n.Store(0)
		rentals, err := latestRentals(ctx, db)
		require.NoError(t, err)
		require.Len(t, rentals, 10)
		assert.EqualValues(t, 1, c2.n.Load())
		r := rentals[0]
		assert.EqualValues(t, 16049, r.ID)
		cust, err := r.Customer.Get(ctx)
		require.NoError(t, err)
		addr, err := cust.Address.Get(ctx)
		require.NoError(t, err)
		city, err := addr.City.Get(ctx)
		require.NoError(t, err)
		country, err := city.Country.Get(ctx)
		require.NoError(t, err)
		assert.Equal(t, "PHILIP CAUSEY", cust.FirstName+" "+cust.LastName)
		assert.Equal(t, "Korolev", city.Name)
		assert.Equal(t, "Russian Federation", country.Name)
		assert.EqualValues(t, 1, c2.n.Load(), "reading the joined rows sends nothing")
	})

	t.Run("films with actors and categories", func(t *testing.T) {
		c2.n.Store(0)
		films, err := filmsWithCast(ctx, db)
		require.NoError(t, err)
		require.Len(t, films, 10)
		assert.EqualValues(t, 3, c2.n.Load())
		f := films[0]
		assert.Equal(t, "ACADEMY DINOSAUR", f.Title)
		assert.Equal(t, "PG", *f.Rating)
		assert.Equal(t, []string{"Deleted Scenes", "Behind the Scenes"}, f.SpecialFeatures)
		assert.Equal(t, "0.99", f.RentalRate)
		assert.Equal(t, 20.99, f.ReplacementCost)
		assert.EqualValues(t, 2012, *f.ReleaseYear)
		assert.Nil(t, f.OriginalLanguage.ID(), "original_language_id is NULL")
		lang, err := f.Language.Get(ctx)
		require.NoError(t, err)
		assert.Equal(t, "English", strings.TrimSpace(lang.Name))

		for _, f := range films {
			actors, err := f.Actors.All(ctx)
			require.NoError(t, err)
			var got []string
			for _, a := range actors {
				got = append(got, a.FirstName+" "+a.LastName)
			}
			want := strs(t, tdb.DB, `SELECT a.first_name || ' ' || a.last_name FROM actor a
				JOIN film_actor fa USING (actor_id) WHERE fa.film_id = $1 ORDER BY a.last_name, a.first_name`, f.ID)
			assert.Equal(t, want, got, "actors of %s", f.Title)

			cats, err := f.Categories.All(ctx)
			require.NoError(t, err)
			got = nil
			for _, c := range cats {
				got = append(got, c.Name)
			}
			want = strs(t, tdb.DB, `SELECT c.name FROM category c
				JOIN film_category fc USING (category_id) WHERE fc.film_id = $1 ORDER BY c.name`, f.ID)
			assert.Equal(t, want, got, "categories of %s", f.Title)
		}
		assert.EqualValues(t, 3, c2.n.Load(), "reading the prefetched lists sends nothing")
		assert.Contains(t, names(t, films[0]), "PENELOPE GUINESS")
	})

	t.Run("rentals per category", func(t *testing.T) {
		c2.n.Store(0)
		rows, err := rentalsPerCategory(ctx, db)
		require.NoError(t, err)
		assert.EqualValues(t, 1, c2.n.Load())
		require.Len(t, rows, 16)
		assert.Equal(t, map[string]any{"inventory__film__categories__name": "Sci-Fi", "rentals": int64(2490)}, rows[0])
		for _, row := range rows {
			want := count(t, tdb.DB, `SELECT count(*) FROM rental r JOIN inventory i USING (inventory_id)
				JOIN film_category fc USING (film_id) JOIN category c USING (category_id) WHERE c.name = $1`,
				row["inventory__film__categories__name"])
			assert.EqualValues(t, want, row["rentals"], row["inventory__film__categories__name"])
		}
	})

	// Every model maps its table: read a row of each, with its to-one
	// relations joined, including the one-to-one between store and staff.
	t.Run("every model reads", func(t *testing.T) {
		store, err := queryset.New[Store](db).SelectRelated("manager", "address__city").First(ctx)
		require.NoError(t, err)
		mgr, err := store.Manager.Get(ctx)
		require.NoError(t, err)
		assert.NotEmpty(t, mgr.Username)
		staff, err := queryset.New[Staff](db).SelectRelated("managed_store").Get(ctx, queryset.Q{"pk": mgr.ID})
		require.NoError(t, err)
		back, err := staff.ManagedStore.Get(ctx)
		require.NoError(t, err)
		assert.Equal(t, store.ID, back.ID)

		cust, err := queryset.New[Customer](db).SelectRelated("store").Get(ctx, queryset.Q{"pk": 1})
		require.NoError(t, err)
		assert.Equal(t, "MARY", cust.FirstName)
		assert.Equal(t, 2022, cust.CreateDate.Year())

		n, err := queryset.New[Rental](db).Filter(queryset.Q{"return_date": nil}).Count(ctx)
		require.NoError(t, err)
		assert.EqualValues(t, count(t, tdb.DB, "SELECT count(*) FROM rental WHERE return_date IS NULL"), n)

		n, err = queryset.New[Film](db).Filter(queryset.Q{"rating": "NC-17", "language__name": "English"}).Count(ctx)
		require.NoError(t, err)
		assert.EqualValues(t, count(t, tdb.DB, `SELECT count(*) FROM film JOIN language USING (language_id)
			WHERE rating = 'NC-17' AND language.name = 'English'`), n)

		inv, err := queryset.New[Inventory](db).PrefetchRelated("rentals").SelectRelated("film").Get(ctx, queryset.Q{"pk": 1})
		require.NoError(t, err)
		rentals, err := inv.Rentals.All(ctx)
		require.NoError(t, err)
		assert.Len(t, rentals, count(t, tdb.DB, "SELECT count(*) FROM rental WHERE inventory_id = 1"))

		actor, err := queryset.New[Actor](db).PrefetchRelated("films").Get(ctx, queryset.Q{"first_name": "PENELOPE", "last_name": "GUINESS"})
		require.NoError(t, err)
		films, err := actor.Films.All(ctx)
		require.NoError(t, err)
		assert.Len(t, films, count(t, tdb.DB, "SELECT count(*) FROM film_actor WHERE actor_id = $1", actor.ID))
	})
}

func names(t *testing.T, f *Film) []string {
	actors, err := f.Actors.All(context.Background())
	require.NoError(t, err)
	var out []string
	for _, a := range actors {
		out = append(out, a.FirstName+" "+a.LastName)
	}
	slices.Sort(out)
	return out
}

func count(t *testing.T, db *orm.DB, sql string, args ...any) int {
	t.Helper()
	var n int
	require.NoError(t, db.QueryRow(context.Background(), sql, args...).Scan(&n))
	return n
}

func strs(t *testing.T, db *orm.DB, sql string, args ...any) []string {
	t.Helper()
	rows, err := db.Query(context.Background(), sql, args...)
	require.NoError(t, err)
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		require.NoError(t, rows.Scan(&s))
		out = append(out, s)
	}
	require.NoError(t, rows.Err())
	return out
}
