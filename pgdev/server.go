package pgdev

import (
	"context"
	"fmt"
	"time"

	"github.com/eagerorm/eager/internal/pgserver"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// Server is a PostgreSQL server to develop against.
type Server struct {
	// DSN connects to it: the DSN Start was given or the environment names,
	// or, for a throwaway cluster, a superuser's on its postgres database.
	DSN string
	// Throwaway is true when Start created the cluster; Stop removes it.
	Throwaway bool
	cluster   *pgserver.Server
}

// Start returns the server dsn names ("" for the one the environment names,
// see DSN) once it answers. When dsn is "", the environment names no
// server and nothing answers at libpq's defaults, it starts a throwaway
// cluster instead (a few seconds); Stop removes it. A server that is named
// but does not answer is an error: it is never silently replaced.
func Start(ctx context.Context, dsn string) (*Server, error) {
	fallback := dsn == "" && !configured()
	if dsn == "" {
		var err error
		if dsn, err = DSN(); err != nil {
			return nil, err
		}
	}
	return start(ctx, dsn, fallback)
}

// start is Start for a resolved dsn; fallback says whether a throwaway
// cluster may stand in for it.
func start(ctx context.Context, dsn string, fallback bool) (*Server, error) {
	pingErr := ping(ctx, dsn)
	if pingErr == nil {
		return &Server{DSN: dsn}, nil
	}
	if !fallback {
		return nil, fmt.Errorf("pgdev: %s does not answer: %w", describe(dsn), pingErr)
	}
	srv, err := pgserver.ResolveDSN(dsn)
	if err != nil {
		return nil, fmt.Errorf("pgdev: no server configured ($EAGER_DATABASE_URL, $DATABASE_URL, PG*), "+
			"none at libpq's defaults, and no throwaway cluster: %w", err)
	}
	return &Server{DSN: srv.DSN, Throwaway: srv.Throwaway, cluster: srv}, nil
}

// Stop shuts a throwaway cluster down and deletes its files; for any other
// server it does nothing. Safe on nil and more than once.
func (s *Server) Stop() {
	if s != nil {
		s.cluster.Stop()
	}
}

// String says which server it is, for a program's first line of output,
// without a password: "PostgreSQL at localhost:5432", "a throwaway
// PostgreSQL cluster".
func (s *Server) String() string {
	if s == nil {
		return "no PostgreSQL server"
	}
	if s.Throwaway {
		return "a throwaway PostgreSQL cluster"
	}
	return describe(s.DSN)
}

// describe names the server a DSN connects to: host and port (a socket
// directory for a local socket), never the password.
func describe(dsn string) string {
	cfg, err := pgconn.ParseConfig(dsn)
	if err != nil {
		return "PostgreSQL (a DSN that does not parse)"
	}
	return fmt.Sprintf("PostgreSQL at %s:%d", cfg.Host, cfg.Port)
}

// ping connects once and sends nothing but the startup, within a few
// seconds, as a quick answer to "is it there".
func ping(ctx context.Context, dsn string) error {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return err
	}
	if cfg.ConnectTimeout == 0 || cfg.ConnectTimeout > 5*time.Second {
		cfg.ConnectTimeout = 5 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	return conn.Ping(ctx)
}
