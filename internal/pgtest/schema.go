package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"flag"
	"fmt"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/eagerorm/eager/internal/pgserver"
	"github.com/eagerorm/eager/internal/sqlgen"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// DB is one test's schema on the test server.
type DB struct {
	// Pool's connections have search_path set to Schema. It is closed at cleanup.
	Pool *pgxpool.Pool
	// Schema is created for the test and dropped with everything in it at cleanup.
	Schema string
	// DSN connects to the same schema, for code under test that opens its own
	// connections (orm.Open, concurrent migrators).
	DSN string
}

var (
	resolveOnce sync.Once
	server      *pgserver.Server
	serverErr   error
)

// ServerDSN returns the DSN of the server this test binary uses, resolving it
// (and starting a throwaway cluster if need be) on first use.
func ServerDSN() (string, error) {
	resolveOnce.Do(func() { server, serverErr = pgserver.Resolve() })
	if serverErr != nil {
		return "", serverErr
	}
	return server.DSN, nil
}

// Main runs the package's tests and then stops any throwaway cluster, so no
// process or temp dir outlives the test binary. Without a server (and
// CI unset) the package's Examples do not run: an Example cannot skip
// itself, and without its database its output could only be wrong.
func Main(m *testing.M) {
	if _, err := ServerDSN(); err != nil && os.Getenv("CI") != "true" {
		fmt.Fprintf(os.Stderr, "pgtest: %v: the tests that need a database skip, and so do the Examples\n", err)
		skipExamples()
	}
	code := m.Run()
	server.Stop()
	os.Exit(code)
}

// skipExamples adds the Examples to -test.skip.
func skipExamples() {
	if !flag.Parsed() {
		flag.Parse() // m.Run would; -test.skip given on the command line is kept
	}
	if f := flag.Lookup("test.skip"); f != nil {
		pattern := "^Example"
		if v := f.Value.String(); v != "" {
			pattern += "|" + v
		}
		_ = f.Value.Set(pattern)
	}
}

// New creates a schema for the test and a pool bound to it. Without a server
// it fails when CI=true and skips otherwise.
func New(tb testing.TB) *DB {
	tb.Helper()
	Server(tb)
	db, drop, err := NewSchema(tb.Name())
	if err != nil {
		tb.Fatalf("%v", err)
	}
	tb.Cleanup(drop)
	return db
}

// NewSchema is New for code without a testing.TB (Examples): it creates a
// schema named after name and returns drop, which closes the pool and drops
// the schema.
func NewSchema(name string) (*DB, func(), error) {
	base, err := ServerDSN()
	if err != nil {
		return nil, nil, err
	}
	schema := schemaName(name)
	if err := admin(base, "CREATE SCHEMA "+sqlgen.Quote(schema)); err != nil {
		return nil, nil, err
	}
	dsn, err := withExecMode(pgserver.WithSearchPath(base, schema))
	if err != nil {
		return nil, nil, err
	}
	pool, err := pgxpool.New(context.Background(), dsn)
	if err != nil {
		return nil, nil, fmt.Errorf("pgtest: pool: %w", err)
	}
	drop := func() {
		pool.Close()
		if err := admin(base, "DROP SCHEMA IF EXISTS "+sqlgen.Quote(schema)+" CASCADE"); err != nil {
			fmt.Fprintln(os.Stderr, err)
		}
	}
	return &DB{Pool: pool, Schema: schema, DSN: dsn}, drop, nil
}

// Server returns the server DSN, failing (CI=true) or skipping the test when
// there is none.
func Server(tb testing.TB) string {
	tb.Helper()
	dsn, err := ServerDSN()
	if err != nil {
		if os.Getenv("CI") == "true" {
			tb.Fatalf("%v (CI=true: a missing database is a failure)", err)
		}
		tb.Skipf("%v", err)
	}
	return dsn
}

func admin(dsn, sql string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return fmt.Errorf("pgtest: connect: %w", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, sql); err != nil {
		return fmt.Errorf("pgtest: %s: %w", sql, err)
	}
	return nil
}

var unsafeChars = regexp.MustCompile(`[^a-z0-9_]+`)

// schemaName is readable in pg_namespace (the test's name) and unique across
// parallel test binaries (random suffix).
func schemaName(testName string) string {
	name := unsafeChars.ReplaceAllString(strings.ToLower(testName), "_")
	if len(name) > 40 {
		name = name[:40]
	}
	var b [4]byte
	rand.Read(b[:])
	return fmt.Sprintf("t_%s_%s", strings.Trim(name, "_"), hex.EncodeToString(b[:]))
}
