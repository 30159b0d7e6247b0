package relations_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	. "github.com/eagerorm/eager/internal/testdomain"
	"github.com/eagerorm/eager/orm"
	"github.com/eagerorm/eager/queryset"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// poolOf opens a pool of n connections on the test's schema.
func poolOf(t *testing.T, dsn string, n int32) *pgxpool.Pool {
	t.Helper()
	pc, err := pgxpool.ParseConfig(dsn)
	require.NoError(t, err)
	pc.MaxConns = n
	pool, err := pgxpool.NewWithConfig(context.Background(), pc)
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	return pool
}

// Iter holds one connection of the pool for the whole loop, and everything
// it and the rows it yields load runs on that connection: on a pool of one,
// no loop pattern waits for a second connection. Each runs under a
// deadline, so a hang fails the test instead of CI.
func TestIterOnPoolOfOne(t *testing.T) {
	_, _, tdb := seeded(t)
	pool := poolOf(t, tdb.DSN, 1)
	c := &counter{}
	db := orm.New(pool, orm.WithHook(c))
	books := queryset.New[Book](db).OrderBy("id").IterChunk(2)

	authorAndTags := func(ctx context.Context, b *Book) (string, error) {
		a, err := b.Author.Get(ctx)
		if err != nil {
			return "", err
		}
		tags, err := b.Tags.All(ctx)
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("%s:%s:%d", b.Title, a.Name, len(tags)), nil
	}
	full := []string{"Alpha:Ann:2", "Beta:Ann:1", "Gamma 50%_:Bob:0", "delta:Bob:1"}
	cases := []struct {
		name string
		qs   queryset.QuerySet[Book]
		body func(ctx context.Context, b *Book) (string, error)
		want []string
		// statements: DECLARE + FETCH per chunk (3 chunks of 2: the last
		// is empty) plus what the loads send
		statements int
	}{
		{"plain", books, func(_ context.Context, b *Book) (string, error) { return b.Title, nil },
			[]string{"Alpha", "Beta", "Gamma 50%_", "delta"}, 1 + 3},
		{"prefetch", books.PrefetchRelated("author", "tags"), authorAndTags, full, 1 + 3 + 2*2},
		{"FetchPeers", books.WithLoadMode(orm.FetchPeers), authorAndTags, full, 1 + 3 + 2*2},
		{"lazy", books, authorAndTags, full, 1 + 3 + 4*2},
		{"strict with AllowLazy", books.WithLoadMode(orm.Strict), func(ctx context.Context, b *Book) (s string, err error) {
			err = orm.AllowLazy(ctx, func(ctx context.Context) error {
				s, err = authorAndTags(ctx, b)
				return err
			})
			return s, err
		}, full, 1 + 3 + 4*2},
		{"select related, then prefetch below it", books.SelectRelated("author").PrefetchRelated("author__books"),
			func(ctx context.Context, b *Book) (string, error) {
				a, err := b.Author.Get(ctx)
				if err != nil {
					return "", err
				}
				bs, err := a.Books.All(ctx)
				return fmt.Sprintf("%s:%d", a.Name, len(bs)), err
			}, []string{"Ann:2", "Ann:2", "Bob:2", "Bob:2"}, 1 + 3 + 2},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			c.Reset()
			var got []string
			for b, err := range tc.qs.Iter(ctx) {
				require.NoError(t, err)
				s, err := tc.body(ctx, b)
				require.NoError(t, err)
				got = append(got, s)
			}
			assert.Equal(t, tc.want, got)
			assert.Equal(t, tc.statements, c.N(), "%q", c.SQLs())
			assert.Zero(t, pool.Stat().AcquiredConns(), "the connection is back in the pool")
		})
	}

	t.Run("rows kept after the loop load through the pool", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		var kept []*Book
		for b, err := range books.Iter(ctx) {
			require.NoError(t, err)
			kept = append(kept, b)
		}
		require.Len(t, kept, 4)
		a, err := kept[3].Author.Get(ctx)
		require.NoError(t, err)
		assert.Equal(t, "Bob", a.Name)
	})

	t.Run("break returns the connection", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		for b, err := range books.PrefetchRelated("tags").Iter(ctx) {
			require.NoError(t, err)
			_, err = b.Author.Get(ctx)
			require.NoError(t, err)
			break
		}
		assert.Zero(t, pool.Stat().AcquiredConns())
		n, err := queryset.New[Book](db).Count(ctx)
		require.NoError(t, err)
		assert.Equal(t, int64(4), n)
	})
}

// Many goroutines iterating with a prefetch on a small pool each hold one
// connection at a time, so they all finish.
func TestIterManyGoroutinesOnPoolOfTwo(t *testing.T) {
	_, _, tdb := seeded(t)
	pool := poolOf(t, tdb.DSN, 2)
	db := orm.New(pool)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	const workers = 50
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			total := 0
			for a, err := range queryset.New[Author](db).PrefetchRelated("books__tags").IterChunk(1).Iter(ctx) {
				if err != nil {
					errs <- err
					return
				}
				bs, err := a.Books.All(ctx)
				if err != nil {
					errs <- err
					return
				}
				total += len(bs)
			}
			if total != 4 {
				errs <- fmt.Errorf("%d books, want 4", total)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	assert.Zero(t, pool.Stat().AcquiredConns())
}
