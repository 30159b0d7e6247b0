package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/eagerorm/eager/examples/migrations/shop"
	"github.com/eagerorm/eager/migrate"
	"github.com/eagerorm/eager/orm/ormtest"
)

func TestMain(m *testing.M) { ormtest.Main(m) }

func run(t *testing.T, args ...string) string {
	t.Helper()
	var out, errOut bytes.Buffer
	code := migrate.Run(context.Background(), args, &out, &errOut, migrate.Models(shop.Models...), migrate.Dir("."))
	if code != 0 {
		t.Fatalf("migrate %s: exit %d\n%s%s", strings.Join(args, " "), code, out.String(), errOut.String())
	}
	return out.String()
}

// TestMigrationsMatchModels is what CI runs for a real project: the
// committed migrations describe shop's models exactly, and every lint
// finding in them is allowed (makemigrations --check).
func TestMigrationsMatchModels(t *testing.T) {
	run(t, "makemigrations", "--check")
}

// TestMigrationsApplyAndRollBack applies the committed migrations to an
// empty schema, rolls them all back and applies them again.
func TestMigrationsApplyAndRollBack(t *testing.T) {
	pg := ormtest.NewSchema(t) // an empty schema: the migrations create the tables
	run(t, "migrate", "-dsn", pg.DSN)
	if out := run(t, "status", "-dsn", pg.DSN); !strings.Contains(out, "3 applied\n") {
		t.Fatalf("status:\n%s", out)
	}
	run(t, "rollback", "zero", "-dsn", pg.DSN)
	if out := run(t, "status", "-dsn", pg.DSN); !strings.Contains(out, "3 pending\n") {
		t.Fatalf("status after rollback zero:\n%s", out)
	}
	run(t, "migrate", "-dsn", pg.DSN)
}
