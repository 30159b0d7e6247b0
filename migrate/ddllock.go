package migrate

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/eagerorm/eager/orm"
	"github.com/jackc/pgx/v5/pgconn"
)

// Defaults for the lock waits of migration statements (Runner.DDLLockTimeout,
// DDLRetries, DDLRetryWait).
const (
	DefaultDDLLockTimeout = 5 * time.Second
	DefaultDDLRetries     = 5
	DefaultDDLRetryWait   = time.Second
)

// maxRetryWait caps the doubling pause between attempts.
const maxRetryWait = 30 * time.Second

func (r *Runner) ddlLockTimeout() time.Duration {
	if r.DDLLockTimeout == 0 {
		return DefaultDDLLockTimeout
	}
	return max(r.DDLLockTimeout, 0)
}

func (r *Runner) ddlRetries() int {
	if r.DDLRetries == 0 {
		return DefaultDDLRetries
	}
	return max(r.DDLRetries, 0)
}

// retryWait is the pause before retry n (from 1): DDLRetryWait doubled each
// time, capped, with up to a quarter of jitter so that runners that gave up
// together do not come back together.
func (r *Runner) retryWait(n int) time.Duration {
	w := r.DDLRetryWait
	if w <= 0 {
		w = DefaultDDLRetryWait
	}
	for i := 1; i < n && w < maxRetryWait; i++ {
		w *= 2
	}
	w = min(w, maxRetryWait)
	return w + rand.N(w/4+1)
}

// setLockTimeout bounds, for the rest of tx, how long a statement waits for
// a lock. An ALTER TABLE queued behind a long transaction holds up every
// later reader of the table for as long as it waits: better to give up and
// try again a little later.
func (r *Runner) setLockTimeout(ctx context.Context, tx *orm.DB) error {
	lt := r.ddlLockTimeout()
	if lt == 0 {
		return nil
	}
	if _, err := tx.Exec(ctx, fmt.Sprintf("SET LOCAL lock_timeout = '%dms'", max(lt.Milliseconds(), 1))); err != nil {
		return fmt.Errorf("migrate: setting lock_timeout: %w", err)
	}
	return nil
}

// lockNotAvailable reports a statement that gave up waiting for a lock
// (lock_timeout, or a NOWAIT of the migration's own).
func lockNotAvailable(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == "55P03"
}

// withRetries runs attempt until it succeeds, fails for another reason
// than a lock it could not get, or the retries are spent; it returns the
// last error and how many attempts ran. Each attempt must be atomic (a
// transaction that rolled back), so running it again is safe.
func (r *Runner) withRetries(ctx context.Context, attempt func() error) (int, error) {
	retries := r.ddlRetries()
	for n := 1; ; n++ {
		err := attempt()
		if err == nil || !lockNotAvailable(err) || n > retries {
			return n, err
		}
		wait := r.retryWait(n)
		r.logf(" lock_timeout (%v), retry %d of %d in %v...", r.ddlLockTimeout(), n, retries, wait.Round(time.Millisecond))
		select {
		case <-ctx.Done():
			return n, errors.Join(err, ctx.Err())
		case <-time.After(wait):
		}
	}
}

// guards says, for each of op's statements, whether it may run in a short
// transaction of its own under lock_timeout when its migration runs outside
// a transaction: not when PostgreSQL refuses it in one (CONCURRENTLY, ...),
// nor in a RunSQL marked NoTransaction, whose author chose to run it bare.
func guards(op Operation, stmts []string) []bool {
	out := make([]bool, len(stmts))
	if r, ok := op.(RunSQL); ok && r.NoTransaction {
		return out
	}
	for i, st := range stmts {
		out[i] = noTxStatement(st) == ""
	}
	return out
}
