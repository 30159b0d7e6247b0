package main

import (
	"context"
	"strings"
	"testing"

	"github.com/eagerorm/eager/orm/ormtest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMain(m *testing.M) { ormtest.Main(m) }

func TestQuickstart(t *testing.T) {
	var out strings.Builder
	require.NoError(t, demo(context.Background(), ormtest.NewDB(t), &out))
	assert.Equal(t, `inserted Ann with id 1 (created_at filled by the database)
a second customer with Ann's email: refused by customer_email_key
customers:
  1  Ann  ann@example.com
  2  Bo   bo@example.com
  3  Cy   cy@example.com
`, out.String())
}
