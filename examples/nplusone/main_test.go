package main

import (
	"bytes"
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/eagerorm/eager/examples/internal/shop"
	"github.com/eagerorm/eager/orm/ormtest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMain(m *testing.M) { ormtest.Main(m) }

// The tutorial's promise: 501, 1, 2 and 2 statements for 500 orders, the
// same listing every way, the strict-mode fix and the report's N+1 line.
func TestTutorial(t *testing.T) {
	ctx := context.Background()
	db := ormtest.NewDB(t)
	require.NoError(t, shop.Setup(ctx, db, 500))

	results, err := measure(ctx, db)
	require.NoError(t, err)
	counts := map[string]int{}
	for _, r := range results {
		counts[r.Label] = r.Statements
	}
	assert.Equal(t, map[string]int{"naive loop": 501, "SelectRelated": 1, "PrefetchRelated": 2, "FetchPeers": 2}, counts)

	var out bytes.Buffer
	require.NoError(t, demo(ctx, &out, db))
	text := out.String()
	for _, label := range []string{"naive loop", "SelectRelated", "PrefetchRelated", "FetchPeers"} {
		assert.Regexp(t, regexp.MustCompile(`(?m)^\s*`+label+`\s+\d+\s+\S+\s+\d+\.\dx\s*$`), text)
	}
	assert.Regexp(t, `(?m)^\s*naive loop\s+501\s`, text)
	assert.Regexp(t, `(?m)^\s*SelectRelated\s+1\s`, text)
	assert.Contains(t, text, `orm: Strict mode: lazy load of Order.customer at nplusone/main.go:`)
	assert.Contains(t, text, `add .SelectRelated("customer") to the QuerySet[Order]`)
	assert.Contains(t, text, "N+1: 500 x SELECT")
	assert.Contains(t, text, "from nplusone/main.go:")
	assert.True(t, strings.Contains(text, "eager query report: 501 statements"), text)
}
