// Package pgtest gives every test a real PostgreSQL: a fresh schema on the
// server named by the environment, or on a throwaway cluster it starts when
// none answers.
//
// The server is resolved once per test binary by package pgserver:
// $EAGER_DATABASE_URL, else $DATABASE_URL, else the libpq variables (PGHOST,
// PGPORT, PGUSER, PGDATABASE) defaulting to
// postgres://postgres@127.0.0.1:5432/test. If that does not answer and
// PostgreSQL's server binaries are installed (PATH or
// /usr/lib/postgresql/*/bin), a cluster is created in a temp dir, used, and
// removed when the test binary ends. With CI=true a missing database fails the
// test; otherwise it skips it.
//
// A package whose tests use pgtest declares:
//
//	func TestMain(m *testing.M) { pgtest.Main(m) }
//
// and each test asks for its own schema:
//
//	db := pgtest.New(t) // db.Pool's search_path is a schema dropped at cleanup
package pgtest
