package shop_test

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/eagerorm/eager/examples/internal/shop"
	"github.com/eagerorm/eager/orm"
	"github.com/eagerorm/eager/orm/ormtest"
	"github.com/eagerorm/eager/queryset"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMain(m *testing.M) { ormtest.Main(m) }

// Open recreates the named schema and works in it; Setup creates the
// tables with migrate and seeds them.
func TestOpenAndSetup(t *testing.T) {
	ctx := context.Background()
	test := ormtest.NewSchema(t)
	name := test.Name + "_shop"
	t.Cleanup(func() {
		_, err := test.DB.Exec(context.Background(), "DROP SCHEMA IF EXISTS "+pgx.Identifier{name}.Sanitize()+" CASCADE")
		assert.NoError(t, err)
	})
	for run := range 2 { // the second run finds the first's tables and starts over
		db, server, stop, err := shop.Open(ctx, test.DSN, name)
		require.NoError(t, err)
		assert.Contains(t, server, "PostgreSQL at ")
		require.NoError(t, shop.Setup(ctx, db, 10), "run %d", run)
		var schema string
		require.NoError(t, db.QueryRow(ctx, "SELECT current_schema()").Scan(&schema))
		assert.Equal(t, name, schema)
		n, err := queryset.New[shop.Order](db).Count(ctx)
		require.NoError(t, err)
		assert.EqualValues(t, 10, n)
		n, err = queryset.New[shop.Customer](db).Count(ctx)
		require.NoError(t, err)
		assert.EqualValues(t, 2, n)
		stop()
	}
}

// A failed request answers a generic 500 and logs the constraint, not the
// row's values.
func TestInternalError(t *testing.T) {
	ctx := context.Background()
	db := ormtest.NewDB(t, shop.Models...)
	require.NoError(t, orm.Insert(ctx, db, &shop.Customer{Name: "Ann", Email: "ann@example.com"}))
	err := orm.Insert(ctx, db, &shop.Customer{Name: "Ann", Email: "ann@example.com"})
	require.ErrorContains(t, err, "ann@example.com")

	var logs bytes.Buffer
	rec := httptest.NewRecorder()
	shop.InternalError(rec, httptest.NewRequest(http.MethodPost, "/customers", nil), slog.New(slog.NewTextHandler(&logs, nil)), err)
	assert.Equal(t, http.StatusInternalServerError, rec.Code)
	assert.Equal(t, "Internal Server Error\n", rec.Body.String())
	assert.Contains(t, logs.String(), `msg="request failed" method=POST path=/customers err="orm: insert Customer: orm: unique violation on customer (constraint customer_email_key)"`)
	assert.NotContains(t, logs.String(), "ann@example.com")
}
