package ormtest

import (
	"context"
	"flag"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/eagerorm/eager/pgdev"
)

// The server a test binary's schemas live on, resolved once.
var server struct {
	mu       sync.Mutex
	main     bool // Main runs the tests: it may start a throwaway cluster, and stops it
	resolved bool
	srv      *pgdev.Server
	err      error
}

// Main runs a package's tests with a PostgreSQL server for NewDB, NewSchema
// and OpenSchema, and is meant to be the whole of TestMain:
//
//	func TestMain(m *testing.M) { ormtest.Main(m) }
//
// Before the tests it finds the server (pgdev.Start: $EAGER_DATABASE_URL,
// $DATABASE_URL or libpq's PG* variables), and when the environment names
// none and nothing answers at libpq's defaults it starts a throwaway
// cluster, which it removes after the tests. Without a server, the tests
// that need one skip and so do the package's Examples (they cannot skip
// themselves), unless CI=true, where a missing database fails them.
//
// Main is optional: without it the helpers use the server the environment
// names, and never start one.
func Main(m *testing.M) { os.Exit(runMain(m)) }

func runMain(m interface{ Run() int }) int {
	server.mu.Lock()
	server.main = true
	server.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	_, err := serverDSN(ctx)
	cancel()
	if err != nil {
		if os.Getenv("CI") == "true" {
			fmt.Fprintf(os.Stderr, "ormtest: %v (CI=true: a missing database is a failure)\n", err)
		} else {
			fmt.Fprintf(os.Stderr, "ormtest: %v: the tests that need a database skip, and so do the Examples\n", err)
			skipExamples()
		}
	}
	code := m.Run()
	server.mu.Lock()
	server.srv.Stop()
	server.mu.Unlock()
	return code
}

// skipExamples adds the Examples to -test.skip: an Example cannot skip
// itself, and without its database its output could only be wrong.
func skipExamples() {
	if !flag.Parsed() {
		flag.Parse() // m.Run would; -test.skip given on the command line is kept
	}
	f := flag.Lookup("test.skip")
	if f == nil {
		return
	}
	pattern := "^Example"
	if v := f.Value.String(); v != "" {
		pattern += "|" + v
	}
	_ = f.Value.Set(pattern)
}

// serverDSN returns the DSN of the test server, resolving it on first use.
func serverDSN(ctx context.Context) (string, error) {
	server.mu.Lock()
	defer server.mu.Unlock()
	if !server.resolved {
		server.resolved = true
		if server.main {
			server.srv, server.err = pgdev.Start(ctx, "")
		} else if dsn, err := pgdev.DSN(); err != nil {
			server.err = err
		} else if server.srv, server.err = pgdev.Start(ctx, dsn); server.err != nil {
			server.err = fmt.Errorf("%w (with ormtest.Main as TestMain, a throwaway cluster stands in when the environment names no server)", server.err)
		}
	}
	if server.err != nil {
		return "", server.err
	}
	return server.srv.DSN, nil
}

// requireServer fails tb (CI=true) or skips it when there is no server.
func requireServer(ctx context.Context, tb testing.TB) {
	tb.Helper()
	if _, err := serverDSN(ctx); err != nil {
		if os.Getenv("CI") == "true" {
			tb.Fatalf("ormtest: %v (CI=true: a missing database is a failure)", err)
		}
		tb.Skipf("ormtest: %v", err)
	}
}
