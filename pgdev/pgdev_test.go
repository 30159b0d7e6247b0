package pgdev_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/eagerorm/eager/internal/pgtest"
	"github.com/eagerorm/eager/pgdev"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// clearEnv unsets, for the test, every variable DSN and Start read.
func clearEnv(t *testing.T) {
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(name, "PG") || name == "EAGER_DATABASE_URL" || name == "DATABASE_URL" {
			t.Setenv(name, "")
			os.Unsetenv(name) // t.Setenv restores it at cleanup
		}
	}
}

func TestDSN(t *testing.T) {
	clearEnv(t)
	t.Setenv("PGHOST", "db.example")
	t.Setenv("PGPORT", "6543")
	t.Setenv("PGUSER", `o'brien \x`)
	t.Setenv("PGDATABASE", "shop")
	t.Setenv("PGPASSWORD", "s3cret")
	dsn, err := pgdev.DSN()
	require.NoError(t, err)
	assert.Equal(t, `host=db.example port=6543 user='o\'brien \\x' dbname=shop`, dsn)
	assert.NotContains(t, dsn, "s3cret", "the password stays in the environment")
	cfg, err := pgconn.ParseConfig(dsn)
	require.NoError(t, err)
	assert.Equal(t, `o'brien \x`, cfg.User)
	assert.Equal(t, "s3cret", cfg.Password, "pgx still reads PGPASSWORD")

	t.Setenv("DATABASE_URL", "postgres://b@host-b/b")
	dsn, _ = pgdev.DSN()
	assert.Equal(t, "postgres://b@host-b/b", dsn, "DATABASE_URL before the PG* variables")
	t.Setenv("EAGER_DATABASE_URL", "postgres://a@host-a/a")
	dsn, _ = pgdev.DSN()
	assert.Equal(t, "postgres://a@host-a/a", dsn, "EAGER_DATABASE_URL first")
}

// A server that answers is used as it is; nothing is started.
func TestStartUsesTheServerThatAnswers(t *testing.T) {
	dsn := pgtest.Server(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	clearEnv(t)
	t.Setenv("EAGER_DATABASE_URL", dsn)
	srv, err := pgdev.Start(ctx, "")
	require.NoError(t, err)
	defer srv.Stop()
	assert.False(t, srv.Throwaway)
	assert.Equal(t, dsn, srv.DSN)
	cfg, err := pgconn.ParseConfig(dsn)
	require.NoError(t, err)
	assert.Equal(t, fmt.Sprintf("PostgreSQL at %s:%d", cfg.Host, cfg.Port), srv.String())
}

// A server the environment or the caller names is never replaced by a
// throwaway one: it answers, or Start says it does not (without the
// password).
func TestStartRefusesToReplaceANamedServer(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	clearEnv(t)
	dead := "postgres://app:s3cret@127.0.0.1:1/app"
	t.Setenv("DATABASE_URL", dead)
	_, err := pgdev.Start(ctx, "")
	require.ErrorContains(t, err, "pgdev: PostgreSQL at 127.0.0.1:1 does not answer: ")
	assert.NotContains(t, err.Error(), "s3cret")

	clearEnv(t)
	_, err = pgdev.Start(ctx, dead)
	require.ErrorContains(t, err, "pgdev: PostgreSQL at 127.0.0.1:1 does not answer: ")

	clearEnv(t)
	t.Setenv("PGPORT", "1")
	t.Setenv("PGHOST", "127.0.0.1")
	_, err = pgdev.Start(ctx, "")
	require.ErrorContains(t, err, "pgdev: PostgreSQL at 127.0.0.1:1 does not answer: ")
}
