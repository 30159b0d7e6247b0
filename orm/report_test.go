package orm

import "testing"

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
