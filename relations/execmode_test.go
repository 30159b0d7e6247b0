package relations_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/eagerorm/eager/internal/pgtest"
	. "github.com/eagerorm/eager/internal/testdomain"
	"github.com/eagerorm/eager/orm"
	"github.com/eagerorm/eager/queryset"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Under pgx's text-format exec modes (exec, simple_protocol: what pgx
// recommends behind PgBouncer before 1.21) every column arrives as text,
// keys included. Every way of loading a relation must find the same rows in
// all five modes. (CI also runs the whole relations and queryset suites
// under each mode through EAGER_EXEC_MODE.)
func TestLoadsInEveryExecMode(t *testing.T) {
	_, _, tdb := seeded(t)
	for _, mode := range pgtest.ExecModes {
		t.Run(mode, func(t *testing.T) {
			ctx := context.Background()
			pc, err := pgxpool.ParseConfig(tdb.DSN)
			require.NoError(t, err)
			pc.ConnConfig.DefaultQueryExecMode = pgtest.ExecModeByName(mode)
			pool, err := pgxpool.NewWithConfig(ctx, pc)
			require.NoError(t, err)
			defer pool.Close()
			db := orm.New(pool)

			summary := func(authors []*Author) string {
				s := ""
				for _, a := range authors {
					bs, err := a.Books.All(ctx)
					require.NoError(t, err)
					aw, err := a.Awards.All(ctx)
					require.NoError(t, err)
					m, err := a.Mentor.Get(ctx)
					require.NoError(t, err)
					p, err := a.Profile.Get(ctx)
					require.NoError(t, err)
					s += fmt.Sprintf("%s:%d/%d/%s/%v ", a.Name, len(bs), len(aw), name(m), p != nil)
				}
				return s
			}
			const want = "Ann:2/2/<nil>/true Bob:2/1/Ann/true Cy:0/0/Bob/false "

			prefetched, err := queryset.New[Author](db).OrderBy("id").
				PrefetchRelated("books", "awards", "mentor", "profile").All(ctx)
			require.NoError(t, err)
			assert.Equal(t, want, summary(prefetched), "PrefetchRelated")

			lazy, err := queryset.New[Author](db).OrderBy("id").All(ctx)
			require.NoError(t, err)
			assert.Equal(t, want, summary(lazy), "lazy loads")

			peers, err := queryset.New[Author](db).WithLoadMode(orm.FetchPeers).OrderBy("id").All(ctx)
			require.NoError(t, err)
			assert.Equal(t, want, summary(peers), "FetchPeers")

			// To-many loads starting from rows SelectRelated filled.
			books, err := queryset.New[Book](db).SelectRelated("author").PrefetchRelated("author__books", "tags").OrderBy("id").All(ctx)
			require.NoError(t, err)
			var got []string
			for _, b := range books {
				a, err := b.Author.Get(ctx)
				require.NoError(t, err)
				bs, err := a.Books.All(ctx)
				require.NoError(t, err)
				tags, err := b.Tags.All(ctx)
				require.NoError(t, err)
				got = append(got, fmt.Sprintf("%s:%d:%d", a.Name, len(bs), len(tags)))
			}
			assert.Equal(t, []string{"Ann:2:2", "Ann:2:1", "Bob:2:0", "Bob:2:1"}, got)
			assert.Equal(t, int64(2), books[3].Author.ID(), "the key keeps T's key type")
		})
	}
}
