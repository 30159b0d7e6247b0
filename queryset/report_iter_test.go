package queryset_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/eagerorm/eager/internal/testdomain"
	"github.com/eagerorm/eager/orm"
	"github.com/eagerorm/eager/queryset"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Iter sends its FETCH and its chunk's prefetches once per chunk, by
// design: the capture report (and ormhttp's warning) does not count them
// as an N+1 loop, however many chunks there are, while a loop in the body
// that loads one row's relation at a time still is one.
func TestReportIgnoresIterChunks(t *testing.T) {
	db, _ := seeded(t)
	base, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	ctx, log := orm.Capture(base)
	n := 0
	loopSite := lineAfter()
	for b, err := range queryset.New[testdomain.Book](db).PrefetchRelated("reviews", "tags").IterChunk(1).Iter(ctx) {
		require.NoError(t, err)
		_, err := b.Reviews.All(ctx) // prefetched: no statement
		require.NoError(t, err)
		n++
	}
	require.Equal(t, 4, n)
	r := log.Report()
	// DECLARE, 5 FETCHes (the last one finds no row), 4 chunks x 2 prefetches.
	assert.Equal(t, 14, r.Statements, r.String())
	assert.Empty(t, r.NPlusOne, "per-chunk statements are not an N+1:\n%s", r)
	fetches := 0
	for _, s := range r.Shapes {
		if strings.HasPrefix(s.SQL, "FETCH FORWARD") {
			fetches += s.Count
		}
	}
	assert.Equal(t, 5, fetches, "the FETCHes are still shown among the shapes")
	for _, s := range r.Shapes {
		for _, site := range s.Sites {
			assert.Equal(t, loopSite, site.Site, "every statement is the loop's, not eager's own code: %s", s.SQL)
		}
	}

	ctx, log = orm.Capture(base)
	var site string
	for b, err := range queryset.New[testdomain.Book](db).IterChunk(1).Iter(ctx) {
		require.NoError(t, err)
		site = lineAfter()
		_, err := b.Reviews.All(ctx) // a lazy load per row: the real N+1
		require.NoError(t, err)
	}
	r = log.Report()
	require.Len(t, r.NPlusOne, 1, r.String())
	nplus := r.NPlusOne[0]
	assert.Equal(t, 4, nplus.Count)
	assert.Equal(t, site, nplus.Site)
	require.NotNil(t, nplus.Load)
	assert.Equal(t, "reviews", nplus.Load.Relation)
	assert.Contains(t, nplus.Suggestion, `.PrefetchRelated("reviews")`)
}
