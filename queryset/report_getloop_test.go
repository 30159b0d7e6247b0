package queryset_test

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/eagerorm/eager/internal/testdomain"
	"github.com/eagerorm/eager/orm"
	"github.com/eagerorm/eager/queryset"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func lineAfter() string {
	_, file, line, _ := runtime.Caller(1)
	return fmt.Sprintf("queryset/%s:%d", file[strings.LastIndex(file, "/")+1:], line+1)
}

// A loop of Get or First calls is an N+1 that strict mode allows (each is a
// single-row result): the capture report names it as one, with the batch
// read that replaces it, and shows the statement's placeholders as sent.
func TestReportFlagsLoopsOfGetAndFirst(t *testing.T) {
	db, _ := seeded(t)
	ctx, log := orm.Capture(context.Background())
	var getSite, firstSite string
	for _, id := range []int64{1, 2, 3, 4} {
		getSite = lineAfter()
		_, err := queryset.New[testdomain.Book](db).Get(ctx, queryset.Q{"pk": id})
		require.NoError(t, err)
	}
	for _, name := range []string{"Ann", "Bob", "Cy"} {
		firstSite = lineAfter()
		_, err := queryset.New[testdomain.Author](db).Filter(queryset.Q{"name": name}).First(ctx)
		require.NoError(t, err)
	}
	_, err := queryset.New[testdomain.Book](db).All(ctx) // once: not an N+1
	require.NoError(t, err)

	r := log.Report()
	require.Len(t, r.NPlusOne, 2, r.String())
	get, first := r.NPlusOne[0], r.NPlusOne[1]
	assert.Equal(t, 4, get.Count)
	assert.Equal(t, getSite, get.Site)
	assert.Equal(t, "Book", get.SingleRow)
	assert.Contains(t, get.SQL, `WHERE "book"."id" = $1`)
	assert.Contains(t, get.Suggestion, `Filter(queryset.Q{"pk__in": keys})`)
	assert.Equal(t, 3, first.Count)
	assert.Equal(t, firstSite, first.Site)
	assert.Equal(t, "Author", first.SingleRow)
	text := r.String()
	assert.Contains(t, text, "(a single-row Get/First of Book, once per iteration)")
	assert.NotContains(t, text, "= ?", "placeholders are shown as sent")
}
