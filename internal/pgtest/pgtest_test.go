package pgtest

import (
	"context"
	"testing"
)

func TestMain(m *testing.M) { Main(m) }

func TestNewGivesAnIsolatedSchema(t *testing.T) {
	a, b := New(t), New(t)
	ctx := context.Background()
	if _, err := a.Pool.Exec(ctx, "CREATE TABLE thing (id int)"); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Pool.Exec(ctx, "CREATE TABLE thing (id int)"); err != nil {
		t.Fatalf("second schema should not see the first's table: %v", err)
	}
	var schema string
	if err := a.Pool.QueryRow(ctx, "SELECT current_schema()").Scan(&schema); err != nil {
		t.Fatal(err)
	}
	if schema != a.Schema {
		t.Fatalf("current_schema() = %q, want %q", schema, a.Schema)
	}
}

func TestSchemaNameIsSafe(t *testing.T) {
	n := schemaName(`Test"; DROP/ x--y`)
	for _, r := range n {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_') {
			t.Fatalf("unsafe rune %q in %q", r, n)
		}
	}
}
