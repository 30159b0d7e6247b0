// Package pgdev finds a PostgreSQL server to develop against, and starts a
// throwaway one when there is none: what the tutorial, the examples and
// ormtest use, so that they run on a laptop with nothing configured.
//
//	srv, err := pgdev.Start(ctx, "") // the server the environment names, or a throwaway cluster
//	defer srv.Stop()
//	db, err := orm.Open(ctx, srv.DSN)
//
// The server is $EAGER_DATABASE_URL, else $DATABASE_URL, else the one
// libpq's variables name (PGHOST, PGPORT, PGUSER, PGDATABASE, PGPASSWORD,
// PGSSLMODE, ... with libpq's defaults: the local socket, the operating
// system user). When the environment names none of these and nothing
// answers at libpq's defaults, Start creates a cluster in a temporary
// directory with PostgreSQL's server binaries (initdb and pg_ctl, found in
// PATH or the usual install locations) and Stop removes it. A server the
// environment does name is never replaced: if it does not answer, Start
// says so.
//
// It is for development, tests and tutorials, not for production: a
// service reads its DSN from its own configuration and calls orm.Open.
package pgdev
