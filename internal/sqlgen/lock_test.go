package sqlgen_test

import (
	"testing"

	. "github.com/eagerorm/eager/internal/sqlgen"
)

func TestPostgresLock(t *testing.T) {
	cases := []struct {
		strength LockStrength
		of       []string
		wait     LockWait
		want     string
	}{
		{LockUpdate, nil, LockBlock, "FOR UPDATE"},
		{LockNoKeyUpdate, []string{`"book"`}, LockNoWait, `FOR NO KEY UPDATE OF "book" NOWAIT`},
		{LockShare, []string{`"book"`, `"T1"`}, LockSkipLocked, `FOR SHARE OF "book", "T1" SKIP LOCKED`},
		{LockKeyShare, nil, LockBlock, "FOR KEY SHARE"},
	}
	for _, c := range cases {
		if got := (Postgres{}).Lock(c.strength, c.of, c.wait); got != c.want {
			t.Errorf("Lock(%v, %v, %v) = %q, want %q", c.strength, c.of, c.wait, got, c.want)
		}
	}
}
