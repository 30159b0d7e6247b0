package migrate

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"go/parser"
	"go/token"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"syscall"
	"time"

	"github.com/eagerorm/eager/internal/pgserver"
	"github.com/eagerorm/eager/orm"
	"github.com/jackc/pgx/v5/pgxpool"
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

// DSN is the database when no -dsn flag is given. Without it the database is
// $EAGER_DATABASE_URL, else $DATABASE_URL, else the libpq variables (PGHOST,
// PGPORT, PGUSER, PGPASSWORD, PGDATABASE) defaulting to
// postgres://postgres@127.0.0.1:5432/test.
func DSN(dsn string) Option { return func(c *config) { c.dsn = dsn } }

// LockTimeout bounds the wait for another runner's migration lock (15
// minutes by default; the -lock-timeout flag overrides it).
func LockTimeout(d time.Duration) Option { return func(c *config) { c.lockTimeout = d } }

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
  -lock-timeout DUR   how long to wait for another runner (default 15m)
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
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprint(stderr, usage)
		if len(args) == 0 {
			return 2
		}
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

// errCheckFailed: --check found something; the details are already printed.
var errCheckFailed = errors.New("check failed")

type command struct {
	cfg            config
	stdout, stderr io.Writer
	name           string
	check, dryRun  bool
	fake           bool
	dsnFlag        string
	lockTimeout    time.Duration
}

func (c *command) dbFlags(fs *flag.FlagSet) {
	fs.StringVar(&c.dsnFlag, "dsn", "", "PostgreSQL URL (default $EAGER_DATABASE_URL, $DATABASE_URL, PG*)")
	fs.DurationVar(&c.lockTimeout, "lock-timeout", c.cfg.lockTimeout, "how long to wait for the migration lock")
}

func (c *command) set() (*Set, error) {
	ms := c.cfg.migrations
	if !c.cfg.ownSet {
		ms = Registered()
	}
	return NewSet(ms)
}

func (c *command) models() ([]*orm.Model, error) {
	if len(c.cfg.models) == 0 {
		return nil, errors.New("migrate: no models: pass them to Main with migrate.Models(...)")
	}
	return ModelsOf(c.cfg.models...)
}

func (c *command) printf(format string, args ...any) { fmt.Fprintf(c.stdout, format, args...) }

func (c *command) makemigrations(ctx context.Context, _ []string) error {
	set, err := c.set()
	if err != nil {
		return err
	}
	models, err := c.models()
	if err != nil {
		return err
	}
	files, pkg, err := c.scanDir(set)
	if err != nil {
		return err
	}
	next := 0
	for _, f := range files {
		if n, ok := nameNumber(strings.TrimSuffix(f, ".go")); ok && n >= next {
			next = n + 1
		}
	}
	if names := set.Names(); len(names) > 0 {
		if n, _ := nameNumber(names[len(names)-1]); n >= next {
			next = n + 1
		}
	}
	gens, err := MakeMigrations(set, models, MakeOptions{Package: pkg, Name: c.name, Next: next})
	if err != nil {
		return err
	}
	if c.check {
		failed := false
		for _, w := range set.Lint() {
			if !w.Allowed {
				if !failed {
					c.printf("Lint findings not allowed by their migration:\n")
				}
				failed = true
				c.printf("  %s\n    to accept it, add to %s: Allow: []string{%q},\n", w, w.Migration, w.Rule)
			}
		}
		if len(gens) > 0 {
			failed = true
			c.printf("Models have changes that no migration has yet (run makemigrations):\n")
			for _, g := range gens {
				for _, op := range g.Migration.Operations {
					c.printf("  - %s\n", op.Describe())
				}
			}
		}
		if failed {
			return errCheckFailed
		}
		c.printf("No changes detected.\n")
		return nil
	}
	if len(gens) == 0 {
		c.printf("No changes detected.\n")
		return nil
	}
	if !c.dryRun && c.cfg.dir == "" {
		return errors.New("migrate: makemigrations: no directory to write to: pass -dir (Main finds it from the caller's file, unless built with -trimpath)")
	}
	c.printf("Migrations for %s:\n", c.displayDir())
	for _, g := range gens {
		c.printf("  %s\n", g.File)
		for _, op := range g.Migration.Operations {
			c.printf("    - %s\n", op.Describe())
		}
		if g.NoTransaction != "" {
			c.printf("    (runs outside a transaction: %s)\n", g.NoTransaction)
		}
		for _, w := range g.Warnings {
			c.printf("    warning: operation %d, %s: [%s] %s\n", w.Index+1, w.Operation, w.Rule, w.Reason)
		}
		if len(g.Warnings) > 0 {
			c.printf("    If that is intended, add Allow: []string{%s} to the migration; until then --check fails.\n",
				quoteList(rulesOf(g.Warnings)))
		}
	}
	if c.dryRun {
		for _, g := range gens {
			c.printf("\n// %s\n%s", g.File, g.Source)
		}
		return nil
	}
	for _, g := range gens {
		path := filepath.Join(c.cfg.dir, g.File)
		if _, err := os.Stat(path); err == nil {
			return fmt.Errorf("migrate: %s already exists", path)
		}
		if err := os.WriteFile(path, g.Source, 0o644); err != nil {
			return fmt.Errorf("migrate: %w", err)
		}
	}
	return nil
}

func (c *command) displayDir() string {
	if c.cfg.dir == "" {
		return "(dry run)"
	}
	if wd, err := os.Getwd(); err == nil {
		if rel, err := filepath.Rel(wd, c.cfg.dir); err == nil && !strings.HasPrefix(rel, "..") {
			return rel
		}
	}
	return c.cfg.dir
}

var migrationFile = regexp.MustCompile(`^[0-9]+_[A-Za-z0-9_]+\.go$`)

// scanDir lists the migration files in the directory and the package they
// belong to. A numbered file the program did not register is an error: the
// file is not compiled in (a build tag, another package, a missing
// Register), and numbering or diffing past it would go wrong.
func (c *command) scanDir(set *Set) (files []string, pkg string, err error) {
	if c.cfg.dir == "" {
		return nil, "main", nil
	}
	entries, err := os.ReadDir(c.cfg.dir)
	if err != nil {
		return nil, "", fmt.Errorf("migrate: %w", err)
	}
	known := map[string]bool{}
	for _, n := range set.Names() {
		known[n] = true
	}
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			continue
		}
		if pkg == "" {
			if f, err := parser.ParseFile(token.NewFileSet(), filepath.Join(c.cfg.dir, name), nil, parser.PackageClauseOnly); err == nil {
				pkg = f.Name.Name
			}
		}
		if migrationFile.MatchString(name) {
			files = append(files, name)
			if !known[strings.TrimSuffix(name, ".go")] {
				return nil, "", fmt.Errorf("migrate: %s is in %s but not registered: is it in this package, and does its init call migrate.Register with Name %q?",
					name, c.displayDir(), strings.TrimSuffix(name, ".go"))
			}
		}
	}
	if pkg == "" {
		pkg = "main"
	}
	return files, pkg, nil
}

func (c *command) sqlmigrate(ctx context.Context, pos []string) error {
	set, err := c.set()
	if err != nil {
		return err
	}
	sc, err := set.Script(pos[0])
	if err != nil {
		return err
	}
	c.printf("%s", sc.Text())
	return nil
}

// runner opens the database and builds a Runner; close releases it.
func (c *command) runner(ctx context.Context) (r *Runner, close func(), err error) {
	set, err := c.set()
	if err != nil {
		return nil, nil, err
	}
	dsn := c.dsnFlag
	if dsn == "" {
		dsn = c.cfg.dsn
	}
	if dsn == "" {
		dsn = pgserver.ConfiguredDSN()
	}
	// Naming the connections shows the runner in pg_stat_activity, and in
	// the message of another runner waiting for its lock.
	db, err := orm.Open(ctx, dsn, orm.WithPoolConfig(func(pc *pgxpool.Config) {
		if _, set := pc.ConnConfig.RuntimeParams["application_name"]; !set {
			pc.ConnConfig.RuntimeParams["application_name"] = "eager migrate"
		}
	}))
	if err != nil {
		return nil, nil, fmt.Errorf("migrate: %w", err)
	}
	return &Runner{DB: db, Set: set, Table: c.cfg.table, LockTimeout: c.lockTimeout, Log: c.stdout}, db.Close, nil
}

func (c *command) migrate(ctx context.Context, pos []string) error {
	target := ""
	if len(pos) > 0 {
		target = pos[0]
	}
	r, closeDB, err := c.runner(ctx)
	if err != nil {
		return err
	}
	defer closeDB()
	if c.check || c.dryRun {
		plan, err := r.Plan(ctx, target)
		if err != nil {
			return err
		}
		if len(plan) == 0 {
			c.printf("No migrations to apply.\n")
			return nil
		}
		if c.check {
			c.printf("Pending migrations:\n")
			for _, sc := range plan {
				c.printf("  %s\n", sc.Name)
			}
			return errCheckFailed
		}
		for i, sc := range plan {
			if i > 0 {
				c.printf("\n")
			}
			c.printf("-- %s\n", sc.Name)
			var b strings.Builder
			sc.block(&b, sc.Forward)
			c.printf("%s", b.String())
		}
		return nil
	}
	c.warnUnknown(ctx, r)
	var done []string
	if c.fake {
		done, err = r.Fake(ctx, target)
	} else {
		done, err = r.Migrate(ctx, target)
	}
	if err != nil {
		return err
	}
	if len(done) == 0 {
		c.printf("No migrations to apply.\n")
	}
	c.warnModelChanges(r.Set)
	return nil
}

// warnUnknown mentions applied migrations this program does not have: a
// newer release has run, or a file was renamed.
func (c *command) warnUnknown(ctx context.Context, r *Runner) {
	st, err := r.Status(ctx)
	if err != nil {
		return
	}
	for _, s := range st {
		if s.Status == StatusUnknown {
			fmt.Fprintf(c.stderr, "warning: %s is in the history table but not in this program (applied by a newer release, or renamed?)\n", s.Name)
		}
	}
}

// warnModelChanges says so when the models have changes no migration has,
// as Django's migrate does: the schema just applied is not what the code
// expects.
func (c *command) warnModelChanges(set *Set) {
	if len(c.cfg.models) == 0 {
		return
	}
	models, err := c.models()
	if err != nil {
		return
	}
	target, err := FromModels(models...)
	if err != nil {
		return
	}
	if ops := Diff(set.State(), target); len(ops) > 0 {
		fmt.Fprintf(c.stderr, "warning: the models have %d change(s) that no migration has yet: run makemigrations\n", len(ops))
	}
}

func (c *command) status(ctx context.Context, _ []string) error {
	r, closeDB, err := c.runner(ctx)
	if err != nil {
		return err
	}
	defer closeDB()
	st, err := r.Status(ctx)
	if err != nil {
		return err
	}
	if sess, err := r.open(ctx, false); err == nil {
		c.printf("Schema %s, history in %s:\n", sess.hist.schema, sess.hist.ident())
	}
	if len(st) == 0 {
		c.printf("No migrations.\n")
		return nil
	}
	width := 0
	for _, s := range st {
		width = max(width, len(s.Name))
	}
	counts := map[string]int{}
	for _, s := range st {
		counts[s.Status]++
		mark := map[string]string{StatusApplied: "[X]", StatusPending: "[ ]", StatusFailed: "[!]",
			StatusEdited: "[E]", StatusUnknown: "[?]"}[s.Status]
		line := fmt.Sprintf("%s %-*s  %s", mark, width, s.Name, s.Status)
		switch s.Status {
		case StatusApplied:
			line += fmt.Sprintf("  %s  (%v)", s.AppliedAt.Local().Format("2006-01-02 15:04:05"), s.Duration.Round(time.Millisecond))
		case StatusFailed:
			line += fmt.Sprintf("  %s: %s", s.AppliedAt.Local().Format("2006-01-02 15:04:05"), firstLine(s.Error))
		case StatusEdited:
			line += fmt.Sprintf("  the file changed after it was applied on %s", s.AppliedAt.Local().Format("2006-01-02 15:04:05"))
		case StatusUnknown:
			line += "  in the history table, but not in this program"
		}
		c.printf("%s\n", line)
	}
	var summary []string
	for _, k := range []string{StatusApplied, StatusPending, StatusFailed, StatusEdited, StatusUnknown} {
		if counts[k] > 0 {
			summary = append(summary, fmt.Sprintf("%d %s", counts[k], k))
		}
	}
	c.printf("%s\n", strings.Join(summary, ", "))
	return nil
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

func (c *command) rollback(ctx context.Context, pos []string) error {
	r, closeDB, err := c.runner(ctx)
	if err != nil {
		return err
	}
	defer closeDB()
	if c.dryRun {
		plan, err := r.RollbackPlan(ctx, pos[0])
		if err != nil {
			return err
		}
		if len(plan) == 0 {
			c.printf("No migrations to roll back.\n")
		}
		for i, sc := range plan {
			if i > 0 {
				c.printf("\n")
			}
			c.printf("-- %s: backward\n", sc.Name)
			if sc.Irreversible != nil {
				c.printf("-- irreversible: %v\n", sc.Irreversible)
				continue
			}
			var b strings.Builder
			sc.block(&b, sc.Backward)
			c.printf("%s", b.String())
		}
		return nil
	}
	var done []string
	if c.fake {
		done, err = r.FakeRollback(ctx, pos[0])
	} else {
		done, err = r.Rollback(ctx, pos[0])
	}
	if err != nil {
		return err
	}
	if len(done) == 0 {
		c.printf("No migrations to roll back.\n")
	}
	return nil
}
