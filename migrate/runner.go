package migrate

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"time"

	"github.com/eagerorm/eager/orm"
)

// Runner applies and rolls back the migrations of a Set on a database.
//
//	r := &migrate.Runner{DB: db, Set: set, Log: os.Stdout}
//	applied, err := r.Migrate(ctx, "")
//
// Every run takes the schema's migration lock, so deployers started together
// take turns: the first applies, the others wait and then find nothing to do.
// Statements go through DB, so its hooks see them.
type Runner struct {
	DB  *orm.DB
	Set *Set
	// Table is the history table, DefaultHistoryTable when "".
	Table string
	// LockTimeout bounds the wait for the migration lock; 15 minutes when 0.
	LockTimeout time.Duration
	// DDLLockTimeout bounds how long a migration statement waits for a lock
	// on what it changes (PostgreSQL's lock_timeout, set for the migration's
	// transaction): DefaultDDLLockTimeout when 0, no bound when negative. A
	// statement waiting for an ACCESS EXCLUSIVE lock queues every later
	// reader of the table behind it, so it had better give up and retry.
	DDLLockTimeout time.Duration
	// DDLRetries is how many more times a migration (or, outside a
	// transaction, a statement) that gave up waiting for a lock is tried:
	// DefaultDDLRetries when 0, none when negative.
	DDLRetries int
	// DDLRetryWait is the pause before the first retry; each later one
	// doubles it, up to 30 seconds, plus some jitter. DefaultDDLRetryWait
	// when 0.
	DDLRetryWait time.Duration
	// Log receives one line per migration applied or rolled back; nil
	// discards them.
	Log io.Writer
}

func (r *Runner) lockTimeout() time.Duration {
	if r.LockTimeout > 0 {
		return r.LockTimeout
	}
	return 15 * time.Minute
}

func (r *Runner) logf(format string, args ...any) {
	if r.Log != nil {
		fmt.Fprintf(r.Log, format, args...)
	}
}

// session is what a run needs to know about the database.
type session struct {
	hist history
	key  int64
	lock *migrationLock // while the lock is held
}

// open checks the server and finds the schema the migrations run in. A
// standby is refused for runs that write; reading the history (status, dry
// runs) works on one.
func (r *Runner) open(ctx context.Context, write bool) (*session, error) {
	if r.DB == nil || r.Set == nil {
		return nil, errors.New("migrate: Runner needs a DB and a Set")
	}
	var schema *string
	var standby bool
	if err := r.DB.QueryRow(ctx, "SELECT current_schema(), pg_is_in_recovery()").Scan(&schema, &standby); err != nil {
		return nil, fmt.Errorf("migrate: %w", err)
	}
	if standby && write {
		return nil, ErrStandby
	}
	if schema == nil {
		var path string
		_ = r.DB.QueryRow(ctx, "SHOW search_path").Scan(&path)
		return nil, fmt.Errorf("migrate: no schema to work in: none of search_path (%s) exists; create it (CREATE SCHEMA ...) or change search_path", path)
	}
	table := r.Table
	if table == "" {
		table = DefaultHistoryTable
	}
	return &session{hist: history{schema: *schema, table: table}, key: lockKey(*schema, table)}, nil
}

// locked runs fn holding the migration lock, with the history table created
// and read, and applied migrations checked against their files.
func (r *Runner) locked(ctx context.Context, fn func(s *session, rows map[string]historyRow) error) (err error) {
	s, err := r.open(ctx, true)
	if err != nil {
		return err
	}
	l, err := r.acquireLock(ctx, s.key)
	if err != nil {
		return err
	}
	s.lock = l
	defer func() {
		if rerr := l.release(ctx); rerr != nil {
			err = errors.Join(err, rerr)
		}
	}()
	if err := s.hist.create(ctx, r.DB); err != nil {
		return err
	}
	rows, err := s.hist.read(ctx, r.DB)
	if err != nil {
		return err
	}
	if err := r.checkEdits(s, rows); err != nil {
		return err
	}
	return fn(s, rows)
}

func (r *Runner) checkEdits(s *session, rows map[string]historyRow) error {
	var edits []Edit
	for _, c := range r.Set.list {
		row, ok := rows[c.Name]
		if ok && row.Status == StatusApplied && row.Checksum != c.checksum {
			edits = append(edits, Edit{Name: c.Name, Applied: row.Checksum, Now: c.checksum, AppliedAt: row.AppliedAt})
		}
	}
	if len(edits) > 0 {
		return &EditedError{Edited: edits, Table: s.hist.ident()}
	}
	return nil
}

// pending lists the migrations to apply to reach target ("" for all), in
// order: those without an applied row, failed ones included.
func (r *Runner) pending(rows map[string]historyRow, target string) ([]*compiled, error) {
	limit := -1
	if target != "" {
		name, err := r.Set.Resolve(target)
		if err != nil {
			return nil, err
		}
		limit = r.Set.byName[name].number
	}
	var out []*compiled
	for _, c := range r.Set.list {
		if limit >= 0 && c.number > limit {
			break
		}
		if row, ok := rows[c.Name]; !ok || row.Status != StatusApplied {
			out = append(out, c)
		}
	}
	return out, nil
}

// Migrate applies the pending migrations up to and including target (a name
// or number; "" for all), in order, and returns the names it applied. A
// migration that fails is recorded as failed and stops the run; the ones
// before it stay applied.
func (r *Runner) Migrate(ctx context.Context, target string) ([]string, error) {
	return r.migrate(ctx, target, false)
}

// Fake records the pending migrations up to target as applied without
// running them: for a database whose schema was made some other way.
func (r *Runner) Fake(ctx context.Context, target string) ([]string, error) {
	return r.migrate(ctx, target, true)
}

func (r *Runner) migrate(ctx context.Context, target string, fake bool) ([]string, error) {
	var done []string
	err := r.locked(ctx, func(s *session, rows map[string]historyRow) error {
		todo, err := r.pending(rows, target)
		if err != nil {
			return err
		}
		if len(todo) > 0 {
			r.logf("Schema %s: %s %s\n", s.hist.schema, map[bool]string{false: "applying", true: "faking"}[fake], plural(len(todo), "migration"))
		}
		for _, c := range todo {
			if err := s.lock.check(ctx, c.Name); err != nil {
				return err
			}
			if fake {
				if err := s.hist.record(ctx, r.DB, c.Name, c.checksum, StatusApplied, 0, ""); err != nil {
					return err
				}
				r.logf("  Faking %s... OK\n", c.Name)
			} else if err := r.apply(ctx, s, c); err != nil {
				return err
			}
			done = append(done, c.Name)
		}
		return nil
	})
	return done, err
}

func (r *Runner) apply(ctx context.Context, s *session, c *compiled) error {
	r.logf("  Applying %s...", c.Name)
	start := time.Now()
	err := r.run(ctx, c, false, func(ctx context.Context, db *orm.DB) error {
		return s.hist.record(ctx, db, c.Name, c.checksum, StatusApplied, time.Since(start), "")
	})
	if err != nil {
		r.logf(" FAILED\n")
		// The failure is recorded outside the (rolled back) transaction, and
		// even if ctx was cancelled: the history must say what happened.
		rctx := context.WithoutCancel(ctx)
		if rerr := s.hist.record(rctx, r.DB, c.Name, c.checksum, StatusFailed, time.Since(start), err.Error()); rerr != nil {
			return errors.Join(err, rerr)
		}
		return err
	}
	r.logf(" OK (%v)\n", time.Since(start).Round(time.Millisecond))
	return nil
}

// run sends one direction of a migration, then calls finish (which
// updates the history) in the same transaction when there is one.
//
// In a transaction, lock_timeout bounds every statement's lock wait, and a
// migration that gave up waiting is rolled back and tried again. Outside
// one, the statements are sent one per Exec, each committing on its own
// (as CREATE INDEX CONCURRENTLY requires); those that could run in a
// transaction get a short one of their own, for lock_timeout, and are
// retried alone. The others (CONCURRENTLY, VACUUM, a RunSQL marked
// NoTransaction) run bare: they take no lock that blocks readers and
// writers, or their author chose to run them as they are.
func (r *Runner) run(ctx context.Context, c *compiled, backward bool, finish func(ctx context.Context, db *orm.DB) error) error {
	stmts, guard := c.forward, c.forwardGuard
	if backward {
		stmts, guard = c.backward, c.backwardGuard
	}
	if c.noTx == "" {
		attempts, err := r.withRetries(ctx, func() error {
			return r.DB.RunInTx(ctx, func(ctx context.Context, tx *orm.DB) error {
				if err := r.setLockTimeout(ctx, tx); err != nil {
					return err
				}
				for i, st := range stmts {
					if _, err := tx.Exec(ctx, st); err != nil {
						return &MigrationError{Name: c.Name, Backward: backward, Statement: st, Index: i + 1, Transactional: true, Err: err}
					}
				}
				return finish(ctx, tx)
			})
		})
		var me *MigrationError
		if errors.As(err, &me) {
			me.Attempts = attempts
		}
		return err
	}
	for i, st := range stmts {
		attempts, err := 1, error(nil)
		if guard[i] {
			attempts, err = r.withRetries(ctx, func() error {
				return r.DB.RunInTx(ctx, func(ctx context.Context, tx *orm.DB) error {
					if err := r.setLockTimeout(ctx, tx); err != nil {
						return err
					}
					_, err := tx.Exec(ctx, st)
					return err
				})
			})
		} else {
			_, err = r.DB.Exec(ctx, st)
		}
		if err != nil {
			return &MigrationError{Name: c.Name, Backward: backward, Statement: st, Index: i + 1, Attempts: attempts, Err: err}
		}
	}
	return finish(ctx, r.DB)
}

// Rollback unapplies, newest first, every applied migration after target, so
// that target is the last one applied ("zero" unapplies them all). It checks
// that each can be reversed before running any, and returns the names it
// rolled back. Reversing a drop restores the structure, not the data.
func (r *Runner) Rollback(ctx context.Context, target string) ([]string, error) {
	return r.rollback(ctx, target, false)
}

// FakeRollback removes the history rows Rollback would, without running
// any SQL.
func (r *Runner) FakeRollback(ctx context.Context, target string) ([]string, error) {
	return r.rollback(ctx, target, true)
}

func (r *Runner) rollback(ctx context.Context, target string, fake bool) ([]string, error) {
	var done []string
	err := r.locked(ctx, func(s *session, rows map[string]historyRow) error {
		todo, err := r.toRollBack(rows, target)
		if err != nil {
			return err
		}
		if !fake {
			for _, c := range todo {
				if c.backErr != nil {
					return fmt.Errorf("migrate: cannot roll back %s: %w", c.Name, c.backErr)
				}
			}
		}
		if len(todo) > 0 {
			r.logf("Schema %s: rolling back %s\n", s.hist.schema, plural(len(todo), "migration"))
		}
		for _, c := range todo {
			if err := s.lock.check(ctx, c.Name); err != nil {
				return err
			}
			if fake {
				if err := s.hist.remove(ctx, r.DB, c.Name); err != nil {
					return err
				}
				r.logf("  Faking the rollback of %s... OK\n", c.Name)
			} else if err := r.unapply(ctx, s, c); err != nil {
				return err
			}
			done = append(done, c.Name)
		}
		return nil
	})
	return done, err
}

func (r *Runner) toRollBack(rows map[string]historyRow, target string) ([]*compiled, error) {
	limit := -1
	if target != "zero" {
		if target == "" {
			return nil, errors.New(`migrate: rollback needs a target: the migration to return to, or "zero" for none`)
		}
		name, err := r.Set.Resolve(target)
		if err != nil {
			return nil, err
		}
		if row, ok := rows[name]; !ok || row.Status != StatusApplied {
			return nil, fmt.Errorf("migrate: cannot roll back to %s: it is not applied", name)
		}
		limit = r.Set.byName[name].number
	}
	for name, row := range rows {
		if _, known := r.Set.byName[name]; !known && row.Status == StatusApplied {
			if n, ok := nameNumber(name); ok && n > limit {
				return nil, fmt.Errorf("migrate: %s is applied but this program has no such migration: roll back with the release that has it", name)
			}
		}
	}
	var out []*compiled
	for _, c := range slices.Backward(r.Set.list) {
		if c.number <= limit {
			break
		}
		if row, ok := rows[c.Name]; ok && row.Status == StatusApplied {
			out = append(out, c)
		}
	}
	return out, nil
}

func nameNumber(name string) (int, bool) {
	m := nameRE.FindStringSubmatch(name)
	if m == nil {
		return 0, false
	}
	n, err := strconv.Atoi(m[1])
	return n, err == nil
}

func (r *Runner) unapply(ctx context.Context, s *session, c *compiled) error {
	r.logf("  Rolling back %s...", c.Name)
	start := time.Now()
	err := r.run(ctx, c, true, func(ctx context.Context, db *orm.DB) error {
		return s.hist.remove(ctx, db, c.Name)
	})
	if err != nil {
		r.logf(" FAILED\n")
		return err
	}
	r.logf(" OK (%v)\n", time.Since(start).Round(time.Millisecond))
	return nil
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}
