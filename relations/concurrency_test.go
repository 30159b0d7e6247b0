package relations_test

import (
	"context"
	"sync"
	"testing"
	"time"

	. "github.com/eagerorm/eager/internal/testdomain"
	"github.com/eagerorm/eager/orm"
	"github.com/eagerorm/eager/queryset"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A fan-out handler reads the relations of one result set from many
// goroutines. Run with -race (CI does): the loads, and the reads of what
// they filled, must not race, and each relation is still loaded once.
func TestConcurrentGetOverOneResultSet(t *testing.T) {
	for _, mode := range []orm.LoadMode{orm.FetchPeers, orm.Lazy} {
		t.Run(mode.String(), func(t *testing.T) {
			db, c, _ := seeded(t)
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			books, err := queryset.New[Book](db).WithLoadMode(mode).OrderBy("id").All(ctx)
			require.NoError(t, err)
			c.Reset()
			const goroutines = 8
			var wg sync.WaitGroup
			errs := make(chan error, goroutines*len(books)*4)
			start := make(chan struct{})
			for range goroutines {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					for _, b := range books {
						a, err := b.Author.Get(ctx)
						if err != nil {
							errs <- err
							continue
						}
						if a == nil || a.ID != b.Author.ID() {
							errs <- assert.AnError
						}
						if _, err := b.Publisher.Get(ctx); err != nil {
							errs <- err
						}
						if _, err := b.Tags.All(ctx); err != nil {
							errs <- err
						}
						if _, err := b.Reviews.All(ctx); err != nil {
							errs <- err
						}
						_ = b.Author.Loaded()
					}
				}()
			}
			close(start)
			wg.Wait()
			close(errs)
			for err := range errs {
				t.Error(err)
			}
			if mode == orm.FetchPeers {
				// author, publisher, tags, reviews: each once for the four books.
				assert.Equal(t, 4, c.N(), "%q", c.SQLs())
			} else {
				// Lazy: each relation of each row once (one NULL publisher sends nothing).
				assert.Equal(t, 4+3+4+4, c.N(), "%q", c.SQLs())
			}
		})
	}
}

// A copy of a row (a DTO-style value copy) either loads correctly or
// returns an error saying why: never nil with no error.
func TestCopiedRowLoads(t *testing.T) {
	for _, mode := range []orm.LoadMode{orm.FetchPeers, orm.Lazy} {
		t.Run(mode.String(), func(t *testing.T) {
			db, c, _ := seeded(t)
			ctx := context.Background()
			books, err := queryset.New[Book](db).WithLoadMode(mode).OrderBy("id").All(ctx)
			require.NoError(t, err)
			c.Reset()

			v := *books[3] // copied before anything is loaded
			a, err := v.Author.Get(ctx)
			require.NoError(t, err)
			require.NotNil(t, a, "a copy loads its relation")
			assert.Equal(t, "Bob", a.Name)
			tags, err := v.Tags.All(ctx)
			require.NoError(t, err)
			assert.Len(t, tags, 1)

			// The other copies, made before the load too, read what it loaded.
			for i, b := range books {
				w := *b
				a, err := w.Author.Get(ctx)
				require.NoError(t, err)
				require.NotNil(t, a, "book %d", i)
				assert.Equal(t, b.Author.ID(), a.ID)
			}
			if mode == orm.FetchPeers {
				assert.Equal(t, 2, c.N(), "one load per relation for the peers and the copies: %q", c.SQLs())
			}
		})
	}
}
