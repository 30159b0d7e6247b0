// Package pgserver finds the PostgreSQL server that tests and examples use,
// and starts a throwaway cluster when none answers.
//
// The server is $EAGER_DATABASE_URL, else $DATABASE_URL, else the libpq
// variables (PGHOST, PGPORT, PGUSER, PGDATABASE, PGPASSWORD) defaulting to
// postgres://postgres@127.0.0.1:5432/test. If that does not answer and
// PostgreSQL's server binaries are installed (PATH or
// /usr/lib/postgresql/*/bin), a cluster is created in a temp dir; Stop
// removes it.
//
//	srv, err := pgserver.Resolve()
//	defer srv.Stop()
package pgserver
