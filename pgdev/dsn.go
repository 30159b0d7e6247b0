package pgdev

import (
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
)

// urlVars are the variables holding a whole connection string, in order of
// precedence.
var urlVars = []string{"EAGER_DATABASE_URL", "DATABASE_URL"}

// serverVars are libpq's variables that name a server (rather than tune
// the connection to it).
var serverVars = []string{"PGHOST", "PGHOSTADDR", "PGPORT", "PGUSER", "PGDATABASE", "PGSERVICE"}

// DSN returns the connection string the environment names:
// $EAGER_DATABASE_URL, else $DATABASE_URL, else libpq's variables with
// their defaults, written out as host=... port=... user=... (dbname=...).
// A password is never written out: pgx reads $PGPASSWORD and the password
// file again when it connects, as it reads every other PG* variable the
// string does not set.
func DSN() (string, error) {
	for _, name := range urlVars {
		if v := os.Getenv(name); v != "" {
			return v, nil
		}
	}
	cfg, err := pgconn.ParseConfig("")
	if err != nil {
		return "", fmt.Errorf("pgdev: the PG* environment: %w", err)
	}
	kv := []string{"host=" + quote(cfg.Host), "port=" + strconv.Itoa(int(cfg.Port)), "user=" + quote(cfg.User)}
	if cfg.Database != "" {
		kv = append(kv, "dbname="+quote(cfg.Database))
	}
	return strings.Join(kv, " "), nil
}

// configured reports whether the environment names a server, rather than
// leaving it to libpq's defaults.
func configured() bool {
	for _, name := range append(append([]string(nil), urlVars...), serverVars...) {
		if os.Getenv(name) != "" {
			return true
		}
	}
	return false
}

// quote writes a keyword/value connection string value: quoted when it is
// empty or holds a space, a quote or a backslash.
func quote(v string) string {
	if v != "" && !strings.ContainsAny(v, ` '\`) {
		return v
	}
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(v) + "'"
}
