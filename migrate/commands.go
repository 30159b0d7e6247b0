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
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/eagerorm/eager/orm"
	"github.com/jackc/pgx/v5/pgxpool"
)

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
	ddlTimeout     time.Duration
	ddlRetries     int
}

func (c *command) dbFlags(fs *flag.FlagSet) {
	fs.StringVar(&c.dsnFlag, "dsn", "", "PostgreSQL URL (default $EAGER_DATABASE_URL, $DATABASE_URL, PG*)")
	fs.DurationVar(&c.lockTimeout, "lock-timeout", c.cfg.lockTimeout, "how long to wait for the migration lock")
	fs.DurationVar(&c.ddlTimeout, "ddl-lock-timeout", c.cfg.ddlTimeout, "how long a statement waits for a table lock before a retry")
	fs.IntVar(&c.ddlRetries, "ddl-retries", c.cfg.ddlRetries, "how many times to retry after a lock timeout")
}

func (c *command) set() (*Set, error) {
	ms := c.cfg.migrations
	if !c.cfg.ownSet {
		ms = Registered()
	}
	return NewSet(ms)
}

func (c *command) models() ([]any, error) {
	if len(c.cfg.models) == 0 {
		return nil, errors.New("migrate: no models: pass them to Main with migrate.Models(...)")
	}
	return c.cfg.models, nil
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
	dsn, err := resolveDSN(c.dsnFlag, c.cfg.dsn)
	if err != nil {
		return nil, nil, err
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
	return &Runner{DB: db, Set: set, Table: c.cfg.table, LockTimeout: c.lockTimeout,
		DDLLockTimeout: c.ddlTimeout, DDLRetries: c.ddlRetries, Log: c.stdout}, db.Close, nil
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
