package relations_test

import (
	"context"
	"errors"
	"testing"
	"time"

	. "github.com/eagerorm/eager/internal/testdomain"
	"github.com/eagerorm/eager/orm"
	"github.com/eagerorm/eager/queryset"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Strict as a policy (issue 13 item 8). A DB opened with
// orm.WithLoadModeFloor(orm.Strict) is probed with every way code might
// loosen it; each probe reads rows and then accesses an unloaded relation of
// a row from a multi-row result. Under the floor every one panics with
// *orm.LazyLoadError before a lazy statement is sent. (Before the floor,
// with orm.WithLoadMode(orm.Strict), a default, 14 of these 15 ran lazy
// statements; the 15th says nothing without a floor.)
func TestStrictFloorEscapeProbes(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	floor := orm.WithLoadModeFloor(orm.Strict)
	db, _, tdb := seeded(t, floor)
	books := func(db *orm.DB) queryset.QuerySet[Book] { return queryset.New[Book](db).OrderBy("id") }
	first := func(rows []*Book, err error) *Book {
		require.NoError(t, err)
		require.Len(t, rows, 4)
		return rows[0]
	}
	// escaped is the context of an AllowLazy callback that has returned.
	escaped := func() context.Context {
		var saved context.Context
		require.NoError(t, orm.AllowLazy(ctx, func(ctx context.Context) error { saved = ctx; return nil }))
		return saved
	}

	probes := []struct {
		name string
		run  func(ctx context.Context) // ctx carries the capture
	}{
		{"ContextWithLoadMode(Lazy) on the query", func(ctx context.Context) {
			ctx = orm.ContextWithLoadMode(ctx, orm.Lazy)
			_, _ = first(books(db).All(ctx)).Author.Get(ctx)
		}},
		{"ContextWithLoadMode(FetchPeers) on the query", func(ctx context.Context) {
			ctx = orm.ContextWithLoadMode(ctx, orm.FetchPeers)
			_, _ = first(books(db).All(ctx)).Author.Get(ctx)
		}},
		{"QuerySet.WithLoadMode(Lazy)", func(ctx context.Context) {
			_, _ = first(books(db).WithLoadMode(orm.Lazy).All(ctx)).Author.Get(ctx)
		}},
		{"QuerySet.WithLoadMode(FetchPeers)", func(ctx context.Context) {
			_, _ = first(books(db).WithLoadMode(orm.FetchPeers).All(ctx)).Tags.All(ctx)
		}},
		{"a Prefetch queryset's own mode", func(ctx context.Context) {
			authors, err := queryset.New[Author](db).OrderBy("id").
				PrefetchRelated(queryset.Prefetch("books", queryset.New[Book](db).WithLoadMode(orm.Lazy))).All(ctx)
			require.NoError(t, err)
			bs, err := authors[0].Books.All(ctx)
			require.NoError(t, err)
			_, _ = bs[0].Reviews.All(ctx)
		}},
		{"a Prefetch queryset built on a DB without the floor", func(ctx context.Context) {
			other := orm.New(tdb.Pool)
			authors, err := queryset.New[Author](db).OrderBy("id").
				PrefetchRelated(queryset.Prefetch("books", queryset.New[Book](other).WithLoadMode(orm.Lazy))).All(ctx)
			require.NoError(t, err)
			bs, err := authors[0].Books.All(ctx)
			require.NoError(t, err)
			_, _ = bs[0].Tags.All(ctx)
		}},
		{"a DB derived with WithLoadMode(Lazy)", func(ctx context.Context) {
			_, _ = first(books(db.WithLoadMode(orm.Lazy)).All(ctx)).Author.Get(ctx)
		}},
		{"a DB whose default is FetchPeers", func(ctx context.Context) {
			fp := orm.New(tdb.Pool, orm.WithLoadMode(orm.FetchPeers), floor)
			_, _ = first(books(fp).All(ctx)).Author.Get(ctx)
		}},
		{"a transaction asking for Lazy", func(ctx context.Context) {
			_ = db.RunInTx(ctx, func(ctx context.Context, tx *orm.DB) error {
				_, err := first(books(tx).WithLoadMode(orm.Lazy).All(ctx)).Author.Get(ctx)
				return err
			})
		}},
		{"Iter with ContextWithLoadMode(Lazy)", func(ctx context.Context) {
			ctx = orm.ContextWithLoadMode(ctx, orm.Lazy)
			for b, err := range books(db).Iter(ctx) {
				require.NoError(t, err)
				_, _ = b.Author.Get(ctx)
				break
			}
		}},
		{"SelectRelated rows of a Lazy QuerySet", func(ctx context.Context) {
			rows, err := books(db).SelectRelated("author").WithLoadMode(orm.Lazy).All(ctx)
			require.NoError(t, err)
			bob, err := rows[2].Author.Get(ctx) // joined: no statement
			require.NoError(t, err)
			_, _ = bob.Mentor.Get(ctx)
		}},
		{"a context saved from inside AllowLazy", func(ctx context.Context) {
			b := first(books(db).All(ctx))
			_, _ = b.Author.Get(escaped())
		}},
		{"a context saved from inside AllowLazy, for the query too", func(ctx context.Context) {
			saved := escaped()
			_, _ = first(books(db).All(saved)).Author.Get(saved)
		}},
		{"rows read inside AllowLazy with ContextWithLoadMode(Lazy), used after", func(ctx context.Context) {
			var b *Book
			require.NoError(t, orm.AllowLazy(ctx, func(ctx context.Context) error {
				b = first(books(db).All(orm.ContextWithLoadMode(ctx, orm.Lazy)))
				return nil
			}))
			_, _ = b.Author.Get(ctx)
		}},
		{"a goroutine that outlives AllowLazy", func(ctx context.Context) {
			b := first(books(db).All(ctx))
			release, done := make(chan struct{}), make(chan any, 1)
			require.NoError(t, orm.AllowLazy(ctx, func(ctx context.Context) error {
				go func() {
					defer func() { done <- recover() }()
					<-release
					_, _ = b.Author.Get(ctx)
				}()
				return nil
			}))
			close(release)
			select {
			case p := <-done:
				if p != nil {
					panic(p)
				}
			case <-ctx.Done():
				t.Fatal("the goroutine did not finish")
			}
		}},
	}
	require.Len(t, probes, 15)
	for _, p := range probes {
		t.Run(p.name, func(t *testing.T) {
			cctx, log := orm.Capture(ctx)
			le := lazyPanic(t, func() { p.run(cctx) })
			assert.Equal(t, orm.Strict, le.Mode)
			for _, q := range log.Queries() {
				assert.Nil(t, q.Load, "a lazy statement ran: %s", q.SQL)
			}
		})
	}

	t.Run("AllowLazy loosens it inside its callback", func(t *testing.T) {
		b := first(books(db).All(ctx))
		cctx, log := orm.Capture(ctx)
		require.NoError(t, orm.AllowLazy(cctx, func(ctx context.Context) error {
			a, err := b.Author.Get(ctx)
			require.NoError(t, err)
			assert.Equal(t, "Ann", a.Name)
			return nil
		}))
		assert.Equal(t, 1, log.Count())
	})
	t.Run("a single-row result still loads lazily (Strict, not StrictAll)", func(t *testing.T) {
		b, err := queryset.New[Book](db).Get(ctx, queryset.Q{"pk": 1})
		require.NoError(t, err)
		_, err = b.Author.Get(ctx)
		require.NoError(t, err)
	})
	t.Run("stricter than the floor is kept", func(t *testing.T) {
		b, err := queryset.New[Book](db).WithLoadMode(orm.StrictAll).Get(ctx, queryset.Q{"pk": 1})
		require.NoError(t, err)
		le := lazyPanic(t, func() { _, _ = b.Author.Get(ctx) })
		assert.Equal(t, orm.StrictAll, le.Mode)
		assert.Equal(t, orm.Strict, db.LoadMode())
		assert.Equal(t, orm.Strict, db.WithLoadMode(orm.Lazy).LoadMode())
		assert.Equal(t, orm.Strict, db.LoadModeFloor())
	})
	t.Run("without a floor, Strict is a default the QuerySet may change", func(t *testing.T) {
		plain := orm.New(tdb.Pool, orm.WithLoadMode(orm.Strict))
		b := first(books(plain).WithLoadMode(orm.Lazy).All(ctx))
		_, err := b.Author.Get(ctx)
		require.NoError(t, err)
		assert.False(t, errors.Is(err, context.Canceled))
	})
}
