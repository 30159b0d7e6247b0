package migrate

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"syscall"
	"time"
)

// Option configures Main and Run.
type Option func(*config)

type config struct {
	models      []any
	migrations  []Migration
	ownSet      bool // Migrations was given: do not use the registry
	dir         string
	table       string
	dsn         string
	lockTimeout time.Duration
	ddlTimeout  time.Duration
	ddlRetries  int
}

// Models are the models makemigrations compares with the migrations: values
// (Customer{}), pointers or reflect.Types. Models their relations reach are
// included.
func Models(models ...any) Option {
	return func(c *config) { c.models = append(c.models, models...) }
}

// Migrations replaces the registered migrations (Register) with these.
func Migrations(ms ...Migration) Option {
	return func(c *config) { c.migrations, c.ownSet = append(c.migrations, ms...), true }
}

// Dir is the directory makemigrations writes to. Main defaults it to the
// directory of the file that calls Main.
func Dir(dir string) Option { return func(c *config) { c.dir = dir } }

// HistoryTable names the history table (DefaultHistoryTable otherwise).
func HistoryTable(name string) Option { return func(c *config) { c.table = name } }

// DSN is the database when no -dsn flag is given. Without either, the
// database is $EAGER_DATABASE_URL, else $DATABASE_URL, else the one the
// libpq variables (PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE, ...)
// name; with none of those set, the commands that use a database fail
// rather than guess.
func DSN(dsn string) Option { return func(c *config) { c.dsn = dsn } }

// LockTimeout bounds the wait for another runner's migration lock (15
// minutes by default; the -lock-timeout flag overrides it).
func LockTimeout(d time.Duration) Option { return func(c *config) { c.lockTimeout = d } }

// DDLLockTimeout bounds each migration statement's wait for a lock (see
// Runner.DDLLockTimeout; the -ddl-lock-timeout flag overrides it).
func DDLLockTimeout(d time.Duration) Option { return func(c *config) { c.ddlTimeout = d } }

// DDLRetries is how many times a migration that gave up waiting for a lock
// is tried again (see Runner.DDLRetries; the -ddl-retries flag overrides it).
func DDLRetries(n int) Option { return func(c *config) { c.ddlRetries = n } }

// Main is the whole main function of a migrations program:
//
//	func main() { migrate.Main(migrate.Models(models.Customer{}, models.Order{})) }
//
// It runs the command in os.Args (see Run), on SIGINT or SIGTERM cancels it
// (releasing the lock), and exits with its status.
func Main(opts ...Option) {
	// The caller's file is in the migrations directory: that is where
	// makemigrations writes. go run builds with absolute paths; with
	// -trimpath there is none and -dir is needed.
	var callerDir []Option
	if _, file, _, ok := runtime.Caller(1); ok && filepath.IsAbs(file) {
		callerDir = append(callerDir, Dir(filepath.Dir(file)))
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := Run(ctx, os.Args[1:], os.Stdout, os.Stderr, append(callerDir, opts...)...)
	stop()
	os.Exit(code)
}

const usage = `usage: go run ./migrations COMMAND [flags]

commands:
  makemigrations [-name NAME] [--check] [--dry-run]
        write the next migration: the difference between the models and the
        migrations. --check writes nothing and exits 1 if there is one, or if
        a migration has a lint finding it does not allow.
  sqlmigrate NAME
        print the SQL of a migration, forward and backward.
  migrate [TARGET] [--fake] [--check] [--dry-run]
        apply pending migrations (up to TARGET). --fake records them without
        running them; --check exits 1 if any is pending; --dry-run prints
        their SQL.
  status
        list migrations: applied, pending, failed, edited.
  rollback TARGET [--fake] [--dry-run]
        unapply the migrations after TARGET ("zero": all of them).

flags for the commands that use the database:
  -dsn URL            default $EAGER_DATABASE_URL, $DATABASE_URL or PG*
                      (no default beyond those: without one, an error)
  -lock-timeout DUR   how long to wait for another runner (default 15m)
  -ddl-lock-timeout DUR
                      how long a migration statement waits for a table lock
                      before it gives up and is retried (default 5s; -1s: no limit)
  -ddl-retries N      how many times to retry after such a timeout (default 5; -1: none)
`

// Run runs one command (makemigrations, sqlmigrate, migrate, status,
// rollback) with its flags and returns the exit status: 0 on success, 1 on
// failure or a failed --check, 2 on a usage error. Output goes to stdout,
// errors to stderr. Main calls it; tests call it directly.
func Run(ctx context.Context, args []string, stdout, stderr io.Writer, opts ...Option) int {
	var cfg config
	for _, o := range opts {
		if o != nil {
			o(&cfg)
		}
	}
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	if args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprint(stdout, usage)
		return 0
	}
	cmd := &command{cfg: cfg, stdout: stdout, stderr: stderr}
	fs := flag.NewFlagSet(args[0], flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, usage) }
	var run func(ctx context.Context, pos []string) error
	var nargs [2]int // allowed positional arguments, min and max
	switch args[0] {
	case "makemigrations":
		fs.StringVar(&cmd.name, "name", "", "description for the migration's name")
		fs.BoolVar(&cmd.check, "check", false, "exit 1 if models have changes no migration has, or on a lint finding")
		fs.BoolVar(&cmd.dryRun, "dry-run", false, "print the migration instead of writing it")
		fs.StringVar(&cmd.cfg.dir, "dir", cfg.dir, "directory of the migration files")
		run = cmd.makemigrations
	case "sqlmigrate":
		run, nargs = cmd.sqlmigrate, [2]int{1, 1}
	case "migrate":
		cmd.dbFlags(fs)
		fs.BoolVar(&cmd.fake, "fake", false, "record as applied without running")
		fs.BoolVar(&cmd.check, "check", false, "exit 1 if a migration is pending")
		fs.BoolVar(&cmd.dryRun, "dry-run", false, "print the SQL instead of running it")
		run, nargs = cmd.migrate, [2]int{0, 1}
	case "status":
		cmd.dbFlags(fs)
		run = cmd.status
	case "rollback":
		cmd.dbFlags(fs)
		fs.BoolVar(&cmd.fake, "fake", false, "remove from the history without running")
		fs.BoolVar(&cmd.dryRun, "dry-run", false, "print the SQL instead of running it")
		run, nargs = cmd.rollback, [2]int{1, 1}
	default:
		fmt.Fprintf(stderr, "migrate: unknown command %q\n\n%s", args[0], usage)
		return 2
	}
	pos, err := parseInterspersed(fs, args[1:])
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if len(pos) < nargs[0] || len(pos) > nargs[1] {
		fmt.Fprintf(stderr, "migrate: %s takes %s, got %q\n\n%s", args[0], argCount(nargs), pos, usage)
		return 2
	}
	if err := run(ctx, pos); err != nil {
		if errors.Is(err, errCheckFailed) {
			return 1
		}
		fmt.Fprintf(stderr, "%v\n", err)
		return 1
	}
	return 0
}

func argCount(n [2]int) string {
	switch {
	case n[1] == 0:
		return "no arguments"
	case n[0] == n[1]:
		return "one argument"
	}
	return "at most one argument"
}

// parseInterspersed lets flags follow the positional argument
// (rollback 0001 --fake), which flag.Parse alone stops at.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}
