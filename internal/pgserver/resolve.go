package pgserver

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"time"

	"github.com/jackc/pgx/v5"
)

// Server is a PostgreSQL server to connect to.
type Server struct {
	// DSN connects to it as a superuser.
	DSN string
	// Throwaway is true when Resolve started the cluster itself.
	Throwaway bool
	cluster   *throwaway
}

// Resolve returns the configured server if it answers, else starts a
// throwaway cluster. It fails when neither is possible, saying why.
func Resolve() (*Server, error) { return resolve(ConfiguredDSN()) }

// ResolveDSN is Resolve for an explicit DSN (a -dsn flag): "" means the
// configured one.
func ResolveDSN(dsn string) (*Server, error) {
	if dsn == "" {
		dsn = ConfiguredDSN()
	}
	return resolve(dsn)
}

func resolve(dsn string) (*Server, error) {
	pingErr := ping(dsn)
	if pingErr == nil {
		return &Server{DSN: dsn}, nil
	}
	bin, err := findServerBinaries()
	if err != nil {
		return nil, fmt.Errorf("pgserver: %s does not answer (%v) and no PostgreSQL server binaries to start one: %w",
			redact(dsn), pingErr, err)
	}
	c, err := startThrowaway(bin)
	if err != nil {
		return nil, fmt.Errorf("pgserver: %s does not answer (%v); starting a throwaway cluster failed: %w",
			redact(dsn), pingErr, err)
	}
	return &Server{DSN: c.dsn, Throwaway: true, cluster: c}, nil
}

// Stop shuts a throwaway cluster down and removes its files; for a server
// that was already running it does nothing. Safe on nil.
func (s *Server) Stop() {
	if s != nil {
		s.cluster.stop()
	}
}

// ConfiguredDSN is the server named by the environment, in the documented
// order of precedence.
func ConfiguredDSN() string {
	for _, name := range []string{"EAGER_DATABASE_URL", "DATABASE_URL"} {
		if v := os.Getenv(name); v != "" {
			return v
		}
	}
	u := url.URL{Scheme: "postgres", Host: envOr("PGHOST", "127.0.0.1") + ":" + envOr("PGPORT", "5432"),
		User: url.User(envOr("PGUSER", "postgres")), Path: "/" + envOr("PGDATABASE", "test")}
	if pw := os.Getenv("PGPASSWORD"); pw != "" {
		u.User = url.UserPassword(u.User.Username(), pw)
	}
	return u.String()
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

func ping(dsn string) error {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return err
	}
	if cfg.ConnectTimeout == 0 || cfg.ConnectTimeout > 3*time.Second {
		cfg.ConnectTimeout = 3 * time.Second
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	return conn.Ping(ctx)
}

// redact hides a password before a DSN appears in an error message.
func redact(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil || u.User == nil {
		return dsn
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}

// WithSearchPath returns dsn with search_path set, sent as a startup
// parameter, so every connection works in that schema.
func WithSearchPath(dsn, schema string) string {
	if u, err := url.Parse(dsn); err == nil && u.Scheme != "" {
		q := u.Query()
		q.Set("search_path", schema)
		u.RawQuery = q.Encode()
		return u.String()
	}
	return dsn + " search_path=" + schema
}
