package orm

import (
	"strings"
	"testing"
)

func TestNormalize(t *testing.T) {
	cases := map[string]string{
		`SELECT * FROM t WHERE id = $1`:                  `SELECT * FROM t WHERE id = ?`,
		"SELECT  *\n FROM t WHERE a = 'x''y' AND b = 42": `SELECT * FROM t WHERE a = ? AND b = ?`,
		`SELECT * FROM t WHERE id IN (1, 2, 3)`:          `SELECT * FROM t WHERE id IN (?...)`,
		`SELECT * FROM t WHERE id in ($1,$2)`:            `SELECT * FROM t WHERE id IN (?...)`,
		`SELECT * FROM "t2" WHERE "t2"."id" = ANY($1)`:   `SELECT * FROM "t2" WHERE "t2"."id" = ANY(?)`,
		`SELECT price FROM t WHERE price > 1.5 LIMIT 10`: `SELECT price FROM t WHERE price > ? LIMIT ?`,
	}
	for in, want := range cases {
		if got := Normalize(in); got != want {
			t.Errorf("Normalize(%q) = %q, want %q", in, got, want)
		}
	}
}

// The report shows statements with their placeholders as sent ($1, not ?);
// grouping still treats literals and IN lists of any length as one shape.
func TestReportShowsPlaceholdersAsSent(t *testing.T) {
	l := &QueryLog{queries: []CapturedQuery{
		{SQL: `SELECT "t"."id" FROM "t" WHERE "t"."id" = $1 LIMIT 21`, Site: "app/a.go:1"},
		{SQL: `SELECT "t"."id" FROM "t" WHERE "t"."id" = $1 LIMIT 21`, Site: "app/a.go:1"},
		{SQL: "SELECT *\n  FROM u WHERE name = 'ann' AND n > 2 AND x = $1", Site: "app/b.go:2"},
		{SQL: "SELECT * FROM u WHERE name = 'bob' AND n > 3 AND x = $1", Site: "app/b.go:2"},
		{SQL: `SELECT * FROM v WHERE id IN ($1, $2)`, Site: "app/c.go:3"},
		{SQL: `SELECT * FROM v WHERE id IN ($1, $2, $3)`, Site: "app/c.go:3"},
	}}
	r := l.Report()
	var sqls []string
	for _, s := range r.Shapes {
		sqls = append(sqls, s.SQL)
	}
	want := []string{
		`SELECT "t"."id" FROM "t" WHERE "t"."id" = $1 LIMIT ?`,
		`SELECT * FROM u WHERE name = ? AND n > ? AND x = $1`,
		`SELECT * FROM v WHERE id IN ($1, $2)`,
	}
	if len(sqls) != len(want) {
		t.Fatalf("shapes = %q", sqls)
	}
	for i := range want {
		if sqls[i] != want[i] {
			t.Errorf("shape %d = %q, want %q", i, sqls[i], want[i])
		}
	}
	if len(r.NPlusOne) != 3 || r.NPlusOne[0].SQL != want[0] {
		t.Fatalf("N+1 = %+v", r.NPlusOne)
	}
	if s := r.String(); !strings.Contains(s, `= $1 LIMIT ?`) {
		t.Errorf("report text shows rewritten placeholders:\n%s", s)
	}
}
