package ormtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/eagerorm/eager/internal/pgserver"
	"github.com/eagerorm/eager/internal/sqlgen"
	"github.com/eagerorm/eager/migrate"
	"github.com/eagerorm/eager/orm"
	"github.com/jackc/pgx/v5"
)

// Schema is a PostgreSQL schema of its own for one test: created empty on
// the test server (see Main), filled with the models' tables, dropped with
// everything in it by Close.
type Schema struct {
	// DB is a pool whose connections work in the schema (their search_path).
	DB *orm.DB
	// Name is the schema's name: the test's, lower-cased, and a random suffix.
	Name string
	// DSN connects to the schema, for code under test that opens its own
	// connections (orm.Open, a migrate command's -dsn).
	DSN string
	// server is the server's DSN, for dropping the schema.
	server string
}

// NewDB gives the test a DB on a schema of its own with the models' tables
// (migrate.CreateModels: keys, constraints, indexes, through tables; models
// reached through relations come along), dropped when the test ends:
//
//	db := ormtest.NewDB(t, Customer{}, Order{})
//
// Tests using it can run in parallel. Without a database it skips the test,
// or fails it when CI=true. Derive a DB with another load mode or hooks
// from it (db.WithLoadMode(orm.Strict)).
func NewDB(tb testing.TB, models ...any) *orm.DB {
	tb.Helper()
	return NewSchema(tb, models...).DB
}

// NewSchema is NewDB for a test that needs the schema's name or DSN too.
func NewSchema(tb testing.TB, models ...any) *Schema {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	requireServer(ctx, tb)
	s, err := OpenSchema(ctx, tb.Name(), models...)
	if err != nil {
		tb.Fatalf("%v", err)
	}
	tb.Cleanup(func() {
		if err := s.Close(); err != nil {
			tb.Errorf("%v", err)
		}
	})
	return s
}

// OpenSchema is NewSchema for code without a testing.TB, such as an
// Example: it creates a schema named after name on the test server, applies
// the models' schema and returns it open; Close drops it.
func OpenSchema(ctx context.Context, name string, models ...any) (*Schema, error) {
	srv, err := serverDSN(ctx)
	if err != nil {
		return nil, err
	}
	s := &Schema{Name: schemaName(name), server: srv}
	if err := admin(ctx, srv, "CREATE SCHEMA "+sqlgen.Quote(s.Name)); err != nil {
		return nil, err
	}
	s.DSN = pgserver.WithSearchPath(srv, s.Name)
	if s.DB, err = orm.Open(ctx, s.DSN); err != nil {
		return nil, errors.Join(fmt.Errorf("ormtest: %w", err), s.Close())
	}
	if len(models) > 0 {
		if err := migrate.CreateModels(ctx, s.DB, models...); err != nil {
			return nil, errors.Join(fmt.Errorf("ormtest: %w", err), s.Close())
		}
	}
	return s, nil
}

// Close closes the schema's pool and drops the schema with everything in it.
func (s *Schema) Close() error {
	if s.DB != nil {
		s.DB.Close()
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	return admin(ctx, s.server, "DROP SCHEMA IF EXISTS "+sqlgen.Quote(s.Name)+" CASCADE")
}

// admin runs one statement on a connection of its own, outside any schema's
// pool.
func admin(ctx context.Context, dsn, sql string) error {
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return fmt.Errorf("ormtest: %w", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, sql); err != nil {
		return fmt.Errorf("ormtest: %s: %w", sql, err)
	}
	return nil
}

var unsafeChars = regexp.MustCompile(`[^a-z0-9_]+`)

// schemaName is readable in pg_namespace (the test's name) and unique
// across parallel tests and test binaries (a random suffix).
func schemaName(name string) string {
	name = strings.Trim(unsafeChars.ReplaceAllString(strings.ToLower(name), "_"), "_")
	if len(name) > 40 {
		name = name[:40]
	}
	var b [4]byte
	_, _ = rand.Read(b[:])
	return fmt.Sprintf("t_%s_%s", name, hex.EncodeToString(b[:]))
}
