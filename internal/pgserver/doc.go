// Package pgserver finds the PostgreSQL server that tests and examples use,
// and starts a throwaway cluster when none answers.
//
// The server is $EAGER_DATABASE_URL, else $DATABASE_URL, else the libpq
// variables (PGHOST, PGPORT, PGUSER, PGDATABASE, PGPASSWORD) defaulting to
// postgres://postgres@127.0.0.1:5432/test. If that does not answer and
// PostgreSQL's server programs are installed (in PATH, or where Debian,
// PGDG, Homebrew or Postgres.app put them), a cluster is created in a temp
// dir; Stop removes it.
//
//	srv, err := pgserver.Resolve()
//	defer srv.Stop()
//
// The cluster cannot outlive its process: its postmaster runs under a
// small supervisor shell that shuts it down and removes its dir as soon as
// the process ends, however it ends (Stop, SIGTERM, Ctrl-C, SIGKILL, a
// panic, os.Exit). Dirs left by a supervisor that was itself killed are
// removed by the next start, once their owner and postmaster are gone. The
// first start caches the initdb result under the user's cache dir, keyed
// by the server's version; later starts copy it instead of running initdb.
// Unix only: elsewhere, point EAGER_DATABASE_URL at a server.
package pgserver
