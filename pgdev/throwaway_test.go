package pgdev

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// With nothing configured and nothing answering at libpq's defaults, Start
// starts a throwaway cluster, and Stop removes it. Whether libpq's defaults
// answer depends on the machine, so the test gives start a dead address as
// those defaults.
func TestStartThrowaway(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	srv, err := start(ctx, "host=127.0.0.1 port=1 user=nobody", true)
	if err != nil && os.Getenv("CI") != "true" && strings.Contains(err.Error(), "initdb not found") {
		t.Skipf("no PostgreSQL server binaries: %v", err)
	}
	require.NoError(t, err)
	defer srv.Stop()
	require.True(t, srv.Throwaway)
	assert.Equal(t, "a throwaway PostgreSQL cluster", srv.String())
	conn, err := pgx.Connect(ctx, srv.DSN)
	require.NoError(t, err)
	var one int
	require.NoError(t, conn.QueryRow(ctx, "SELECT 1").Scan(&one))
	conn.Close(ctx)

	srv.Stop()
	srv.Stop() // twice is fine
	_, err = pgx.Connect(ctx, srv.DSN)
	assert.Error(t, err, "stopped")
	var none *Server
	none.Stop()
	assert.Equal(t, "no PostgreSQL server", none.String())
}
