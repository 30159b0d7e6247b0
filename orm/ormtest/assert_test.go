package ormtest_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	. "github.com/eagerorm/eager/internal/testdomain"
	"github.com/eagerorm/eager/orm"
	"github.com/eagerorm/eager/orm/ormtest"
	"github.com/eagerorm/eager/queryset"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMain(m *testing.M) { ormtest.Main(m) }

// fakeTB records failures instead of failing the real test.
type fakeTB struct {
	testing.TB
	failures []string
}

func (f *fakeTB) Helper() {}
func (f *fakeTB) Errorf(format string, args ...any) {
	f.failures = append(f.failures, fmt.Sprintf(format, args...))
}

func seeded(t *testing.T) *orm.DB {
	db := ormtest.NewDB(t)
	_, err := db.Exec(context.Background(), SchemaDDL+SeedSQL)
	require.NoError(t, err)
	return db
}

func naiveLoop(db *orm.DB) func(ctx context.Context) {
	return func(ctx context.Context) {
		books, _ := queryset.New[Book](db).OrderBy("id").All(ctx)
		for _, b := range books {
			_, _ = b.Author.Get(ctx)
		}
	}
}

func TestAssertNumQueries(t *testing.T) {
	db := seeded(t)
	log := ormtest.AssertNumQueries(t, 1, func(ctx context.Context) {
		books, err := queryset.New[Book](db).SelectRelated("author").All(ctx)
		require.NoError(t, err)
		for _, b := range books {
			_, _ = b.Author.Get(ctx)
		}
	})
	assert.Equal(t, 1, log.Count())

	// Transaction control does not count.
	ormtest.AssertNumQueries(t, 1, func(ctx context.Context) {
		require.NoError(t, db.RunInTx(ctx, func(ctx context.Context, tx *orm.DB) error {
			_, err := queryset.New[Book](tx).Count(ctx)
			return err
		}))
	})

	fake := &fakeTB{TB: t}
	ormtest.AssertNumQueries(fake, 1, naiveLoop(db))
	require.Len(t, fake.failures, 1)
	msg := fake.failures[0]
	assert.True(t, strings.HasPrefix(msg, "5 queries executed, 1 expected\nCaptured queries were:\n1. SELECT \"book\".\"id\""), msg)
	assert.Contains(t, msg, "\n5. SELECT \"author\".\"id\"")
	assert.Contains(t, msg, "-- ormtest/assert_test.go:", "each query says where it came from")
}

func TestAssertNoNPlusOne(t *testing.T) {
	db := seeded(t)
	fake := &fakeTB{TB: t}
	ormtest.AssertNoNPlusOne(fake, naiveLoop(db))
	require.Len(t, fake.failures, 1)
	assert.Contains(t, fake.failures[0], "N+1 queries detected")
	assert.Contains(t, fake.failures[0], `fix: add .SelectRelated("author") to the QuerySet[Book]`)

	fake = &fakeTB{TB: t}
	ormtest.AssertNoNPlusOne(fake, func(ctx context.Context) {
		books, _ := queryset.New[Book](db).SelectRelated("author").All(ctx)
		for _, b := range books {
			_, _ = b.Author.Get(ctx)
		}
	})
	assert.Empty(t, fake.failures)
}
