package queryset_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/eagerorm/eager/internal/pgtest"
	. "github.com/eagerorm/eager/internal/testdomain"
	"github.com/eagerorm/eager/orm"
	. "github.com/eagerorm/eager/queryset"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// lockCtx bounds everything a lock test does: a lock that is waited for by
// mistake fails the test instead of hanging it.
func lockCtx(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// lockNotAvailable reports whether err is PostgreSQL's 55P03, what NOWAIT
// gives on a row another transaction holds.
func lockNotAvailable(err error) bool {
	var pg *pgconn.PgError
	return errors.As(err, &pg) && pg.Code == "55P03"
}

// tryLock runs q (a NoWait query) in a transaction of its own, on another
// connection than the caller's transaction, and reports whether it got the
// rows' locks.
func tryLock[T any](t *testing.T, ctx context.Context, db *orm.DB, q func(*orm.DB) QuerySet[T]) bool {
	t.Helper()
	err := db.RunInTx(ctx, func(ctx context.Context, tx *orm.DB) error {
		_, err := q(tx).All(ctx)
		return err
	})
	if err != nil && !lockNotAvailable(err) {
		t.Fatalf("want a lock or 55P03, got %v", err)
	}
	return err == nil
}

func TestForUpdateNeedsTx(t *testing.T) {
	ctx := lockCtx(t)
	db, c := seeded(t)
	qs := New[Book](db).Filter(Q{"genre": "novel"}).ForUpdate()
	c.Reset()
	_, err := qs.All(ctx)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "queryset Book: ForUpdate needs a transaction: use db.RunInTx")
	_, err = qs.Get(ctx, Q{"pk": 1})
	assert.ErrorContains(t, err, "ForUpdate needs a transaction")
	_, err = qs.First(ctx)
	assert.ErrorContains(t, err, "ForUpdate needs a transaction")
	for _, err := range qs.Iter(ctx) {
		assert.ErrorContains(t, err, "ForUpdate needs a transaction")
	}
	assert.Equal(t, 0, c.N(), "nothing is sent outside a transaction")

	// Count and Exists do not lock (as in Django), so they need no transaction.
	n, err := qs.Count(ctx)
	require.NoError(t, err)
	assert.Equal(t, int64(2), n)
	ok, err := qs.Exists(ctx)
	require.NoError(t, err)
	assert.True(t, ok)
	assert.Equal(t, 2, c.N())
}

func TestForUpdateLocks(t *testing.T) {
	ctx := lockCtx(t)
	db, c := seeded(t)
	bookNoWait := func(id int64, opts ...LockOption) func(*orm.DB) QuerySet[Book] {
		return func(tx *orm.DB) QuerySet[Book] {
			return New[Book](tx).Filter(Q{"pk": id}).ForUpdate(append(opts, NoWait())...)
		}
	}
	authorNoWait := func(id int64) func(*orm.DB) QuerySet[Author] {
		return func(tx *orm.DB) QuerySet[Author] { return New[Author](tx).Filter(Q{"pk": id}).ForUpdate(NoWait()) }
	}

	t.Run("rows", func(t *testing.T) {
		err := db.RunInTx(ctx, func(ctx context.Context, tx *orm.DB) error {
			c.Reset()
			got, err := New[Book](tx).Filter(Q{"genre": "novel"}).OrderBy("id").ForUpdate().All(ctx)
			require.NoError(t, err)
			assert.Equal(t, []int64{1, 3}, bookIDs(got))
			assert.Equal(t, 1, c.N(), "the lock is part of the one SELECT")
			assert.Contains(t, c.SQLs()[0], "FOR UPDATE")
			assert.False(t, tryLock(t, ctx, db, bookNoWait(1)), "book 1 is locked")
			assert.False(t, tryLock(t, ctx, db, bookNoWait(3)), "book 3 is locked")
			assert.True(t, tryLock(t, ctx, db, bookNoWait(2)), "book 2 is not")
			return nil
		})
		require.NoError(t, err)
		assert.True(t, tryLock(t, ctx, db, bookNoWait(1)), "the commit released the lock")
	})

	t.Run("nowait", func(t *testing.T) {
		err := db.RunInTx(ctx, func(ctx context.Context, tx *orm.DB) error {
			_, err := New[Book](tx).Filter(Q{"pk": 1}).ForUpdate().Get(ctx)
			require.NoError(t, err)
			start := time.Now()
			err = db.RunInTx(ctx, func(ctx context.Context, tx2 *orm.DB) error {
				_, err := New[Book](tx2).Filter(Q{"pk": 1}).ForUpdate(NoWait()).Get(ctx)
				return err
			})
			require.Error(t, err)
			assert.True(t, lockNotAvailable(err), "55P03, got %v", err)
			assert.Contains(t, err.Error(), "Book")
			assert.Less(t, time.Since(start), 20*time.Second, "NOWAIT did not wait for the lock")
			return nil
		})
		require.NoError(t, err)
	})

	t.Run("skip_locked", func(t *testing.T) {
		err := db.RunInTx(ctx, func(ctx context.Context, tx *orm.DB) error {
			_, err := New[Book](tx).Filter(Q{"pk__in": []int64{1, 4}}).ForUpdate().All(ctx)
			require.NoError(t, err)
			return db.RunInTx(ctx, func(ctx context.Context, tx2 *orm.DB) error {
				got, err := New[Book](tx2).OrderBy("id").ForUpdate(SkipLocked()).All(ctx)
				require.NoError(t, err)
				assert.Equal(t, []int64{2, 3}, bookIDs(got), "the locked rows are skipped")
				return nil
			})
		})
		require.NoError(t, err)
	})

	t.Run("select_related_locks_the_rows_only", func(t *testing.T) {
		err := db.RunInTx(ctx, func(ctx context.Context, tx *orm.DB) error {
			c.Reset()
			b, err := New[Book](tx).SelectRelated("author", "publisher").Filter(Q{"pk": 3}).ForUpdate().Get(ctx)
			require.NoError(t, err)
			a, err := b.Author.Get(ctx)
			require.NoError(t, err)
			assert.Equal(t, "Bob", a.Name)
			assert.Equal(t, 1, c.N())
			assert.False(t, tryLock(t, ctx, db, bookNoWait(3)), "the book is locked")
			assert.True(t, tryLock(t, ctx, db, authorNoWait(2)), "its author is not")
			return nil
		})
		require.NoError(t, err)
	})

	t.Run("filter_join_locks_the_rows_only", func(t *testing.T) {
		err := db.RunInTx(ctx, func(ctx context.Context, tx *orm.DB) error {
			got, err := New[Book](tx).Filter(Q{"author__name": "Bob"}).ForUpdate().All(ctx)
			require.NoError(t, err)
			assert.Len(t, got, 2)
			assert.True(t, tryLock(t, ctx, db, authorNoWait(2)), "the author a filter joined is not locked")
			return nil
		})
		require.NoError(t, err)
	})

	t.Run("of_related", func(t *testing.T) {
		err := db.RunInTx(ctx, func(ctx context.Context, tx *orm.DB) error {
			c.Reset()
			b, err := New[Book](tx).SelectRelated("author").Filter(Q{"pk": 3}).ForUpdate(Of("self", "author")).Get(ctx)
			require.NoError(t, err)
			a, err := b.Author.Get(ctx)
			require.NoError(t, err)
			assert.Equal(t, "Bob", a.Name)
			assert.Equal(t, 1, c.N())
			assert.False(t, tryLock(t, ctx, db, bookNoWait(3)))
			assert.False(t, tryLock(t, ctx, db, authorNoWait(2)), "Of locks the author too")
			assert.True(t, tryLock(t, ctx, db, authorNoWait(1)))
			return nil
		})
		require.NoError(t, err)
	})

	t.Run("of_nullable_filtered", func(t *testing.T) {
		err := db.RunInTx(ctx, func(ctx context.Context, tx *orm.DB) error {
			got, err := New[Book](tx).Filter(Q{"publisher__name": "P2"}).SelectRelated("publisher").ForUpdate(Of("publisher")).All(ctx)
			require.NoError(t, err)
			assert.Equal(t, []int64{2}, bookIDs(got))
			assert.True(t, tryLock(t, ctx, db, bookNoWait(2)), "only the publisher is named")
			assert.False(t, tryLock(t, ctx, db, func(tx *orm.DB) QuerySet[Publisher] {
				return New[Publisher](tx).Filter(Q{"pk": 2}).ForUpdate(NoWait())
			}), "the publisher is locked")
			return nil
		})
		require.NoError(t, err)
	})

	t.Run("strengths", func(t *testing.T) {
		err := db.RunInTx(ctx, func(ctx context.Context, tx *orm.DB) error {
			_, err := New[Book](tx).Filter(Q{"pk": 1}).ForUpdate(KeyShare()).All(ctx)
			require.NoError(t, err)
			assert.True(t, tryLock(t, ctx, db, bookNoWait(1, NoKeyUpdate())), "KEY SHARE lets NO KEY UPDATE in")
			assert.True(t, tryLock(t, ctx, db, bookNoWait(1, Share())), "and SHARE")
			assert.False(t, tryLock(t, ctx, db, bookNoWait(1)), "not FOR UPDATE")
			return nil
		})
		require.NoError(t, err)
		err = db.RunInTx(ctx, func(ctx context.Context, tx *orm.DB) error {
			_, err := New[Book](tx).Filter(Q{"pk": 1}).ForUpdate(Share()).All(ctx)
			require.NoError(t, err)
			assert.True(t, tryLock(t, ctx, db, bookNoWait(1, Share())), "SHARE with SHARE")
			assert.True(t, tryLock(t, ctx, db, bookNoWait(1, KeyShare())))
			assert.False(t, tryLock(t, ctx, db, bookNoWait(1, NoKeyUpdate())), "SHARE keeps writers out")
			return nil
		})
		require.NoError(t, err)
		err = db.RunInTx(ctx, func(ctx context.Context, tx *orm.DB) error {
			_, err := New[Book](tx).Filter(Q{"pk": 1}).ForUpdate(NoKeyUpdate()).All(ctx)
			require.NoError(t, err)
			assert.True(t, tryLock(t, ctx, db, bookNoWait(1, KeyShare())), "NO KEY UPDATE lets KEY SHARE in")
			assert.False(t, tryLock(t, ctx, db, bookNoWait(1, Share())))
			return nil
		})
		require.NoError(t, err)
	})

	t.Run("values", func(t *testing.T) {
		qs := New[Book](db).Filter(Q{"pk": 2}).ForUpdate()
		_, err := Values(ctx, qs, "title")
		assert.ErrorContains(t, err, "queryset Book: ForUpdate needs a transaction")
		_, err = ValuesList[string](ctx, qs, "title")
		assert.ErrorContains(t, err, "queryset Book: ForUpdate needs a transaction")
		err = db.RunInTx(ctx, func(ctx context.Context, tx *orm.DB) error {
			c.Reset()
			rows, err := Values(ctx, New[Book](tx).Filter(Q{"pk": 2}).ForUpdate(), "title", "author__name")
			require.NoError(t, err)
			assert.Equal(t, []map[string]any{{"title": "Beta", "author__name": "Ann"}}, rows)
			assert.Equal(t, 1, c.N())
			assert.Contains(t, c.SQLs()[0], `FOR UPDATE OF "book"`)
			assert.False(t, tryLock(t, ctx, db, bookNoWait(2)), "Values locks the rows it reads")
			assert.True(t, tryLock(t, ctx, db, authorNoWait(1)), "not the joined author")
			titles, err := ValuesList[string](ctx, New[Book](tx).Filter(Q{"pk": 3}).ForUpdate(), "title")
			require.NoError(t, err)
			assert.Equal(t, []string{"Gamma 50%_"}, titles)
			assert.False(t, tryLock(t, ctx, db, bookNoWait(3)))
			_, err = Values(ctx, New[Book](tx).ForUpdate(Of("author")), "title")
			assert.ErrorContains(t, err, "queryset: Values on Book: ForUpdate with Of")
			return nil
		})
		require.NoError(t, err)
	})

	t.Run("iter", func(t *testing.T) {
		err := db.RunInTx(ctx, func(ctx context.Context, tx *orm.DB) error {
			var seen []int64
			for b, err := range New[Book](tx).OrderBy("id").ForUpdate().IterChunk(2).Iter(ctx) {
				require.NoError(t, err)
				seen = append(seen, b.ID)
			}
			assert.Equal(t, []int64{1, 2, 3, 4}, seen)
			assert.False(t, tryLock(t, ctx, db, bookNoWait(4)), "the rows the cursor read are locked")
			return nil
		})
		require.NoError(t, err)
	})
}

func bookIDs(bs []*Book) []int64 {
	out := make([]int64, len(bs))
	for i, b := range bs {
		out[i] = b.ID
	}
	return out
}

// Job is a row of a work queue.
type Job struct {
	ID     int64  `db:"id" orm:"pk"`
	State  string `db:"state"`
	Worker int32  `db:"worker"`
}

// TestForUpdateJobQueue: workers, each in its own transactions, take the
// next ready job with SkipLocked until none is left. Every job is handed out
// exactly once and done.
func TestForUpdateJobQueue(t *testing.T) {
	const jobs, workers = 40, 8
	ctx := lockCtx(t)
	tdb := pgtest.New(t)
	_, err := tdb.Pool.Exec(ctx, `CREATE TABLE job (id bigint PRIMARY KEY, state text NOT NULL, worker integer NOT NULL);
		INSERT INTO job SELECT i, 'ready', 0 FROM generate_series(1, `+fmt.Sprint(jobs)+`) i`)
	require.NoError(t, err)
	c := &counter{}
	db := orm.New(tdb.Pool, orm.WithHook(c))

	var mu sync.Mutex
	handed := map[int64]int{}
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := 1; w <= workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				var job *Job
				err := db.RunInTx(ctx, func(ctx context.Context, tx *orm.DB) error {
					next, err := New[Job](tx).Filter(Q{"state": "ready"}).OrderBy("id").ForUpdate(SkipLocked()).Limit(1).All(ctx)
					if err != nil || len(next) == 0 {
						return err
					}
					job = next[0]
					_, err = New[Job](tx).Filter(Q{"pk": job.ID}).Update(ctx, map[string]any{"state": "done", "worker": w})
					return err
				})
				if err != nil {
					errs <- err
					return
				}
				if job == nil {
					return // nothing ready that no other worker holds
				}
				mu.Lock()
				handed[job.ID]++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	require.Len(t, handed, jobs)
	for id, n := range handed {
		assert.Equal(t, 1, n, "job %d handed out %d times", id, n)
	}
	done, err := New[Job](db).Filter(Q{"state": "done"}).Count(ctx)
	require.NoError(t, err)
	assert.Equal(t, int64(jobs), done)
	assert.Equal(t, 2*jobs+workers+1, c.N(), "a SELECT and an UPDATE per job, one empty SELECT per worker, the count")
}
