package migrate

import (
	"errors"
	"os"
)

// errNoDatabase: nothing names the database. There is no default: a
// migration applied to whatever happens to answer on localhost is worse
// than an error.
var errNoDatabase = errors.New("migrate: no database given: pass -dsn URL, or set $EAGER_DATABASE_URL, $DATABASE_URL or the libpq variables (PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE)")

// libpqVars are the variables that, set alone, name a server the way psql
// reads them.
var libpqVars = []string{"PGHOST", "PGHOSTADDR", "PGPORT", "PGDATABASE", "PGUSER", "PGSERVICE"}

// resolveDSN picks the database: the -dsn flag, else the DSN option, else
// $EAGER_DATABASE_URL, else $DATABASE_URL, else the libpq variables (an
// empty DSN, which pgx completes from them as libpq does).
func resolveDSN(flag, option string) (string, error) {
	for _, dsn := range []string{flag, option, os.Getenv("EAGER_DATABASE_URL"), os.Getenv("DATABASE_URL")} {
		if dsn != "" {
			return dsn, nil
		}
	}
	for _, name := range libpqVars {
		if os.Getenv(name) != "" {
			return "", nil
		}
	}
	return "", errNoDatabase
}
