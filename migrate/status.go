package migrate

import (
	"context"
	"slices"
	"time"
)

// MigrationStatus is one line of Status.
type MigrationStatus struct {
	Name string
	// Status is StatusApplied, StatusFailed, StatusPending, StatusEdited (applied,
	// but the file changed since) or StatusUnknown (in the history table, but
	// this program has no such migration).
	Status    string
	AppliedAt time.Time // when it was applied or failed
	Duration  time.Duration
	Error     string // why it failed
	Checksum  string // of the file ("" for an unknown migration)
}

// Status reports every migration of the set and every history row, in
// order. It takes no lock and changes nothing.
func (r *Runner) Status(ctx context.Context) ([]MigrationStatus, error) {
	s, err := r.open(ctx, false)
	if err != nil {
		return nil, err
	}
	rows, err := s.hist.read(ctx, r.DB)
	if err != nil {
		return nil, err
	}
	var out []MigrationStatus
	for _, c := range r.Set.list {
		st := MigrationStatus{Name: c.Name, Status: StatusPending, Checksum: c.checksum}
		if row, ok := rows[c.Name]; ok {
			st.Status, st.AppliedAt, st.Duration, st.Error = row.Status, row.AppliedAt, row.Duration, row.Error
			if row.Status == StatusApplied && row.Checksum != c.checksum {
				st.Status = StatusEdited
			}
		}
		out = append(out, st)
	}
	for name, row := range rows {
		if _, ok := r.Set.byName[name]; !ok {
			out = append(out, MigrationStatus{Name: name, Status: StatusUnknown, AppliedAt: row.AppliedAt,
				Duration: row.Duration, Error: row.Error})
		}
	}
	slices.SortStableFunc(out, func(a, b MigrationStatus) int {
		na, _ := nameNumber(a.Name)
		nb, _ := nameNumber(b.Name)
		return na - nb
	})
	return out, nil
}

// Plan returns the scripts Migrate would run to reach target, without
// taking the lock or changing anything: what --dry-run prints.
func (r *Runner) Plan(ctx context.Context, target string) ([]*Script, error) {
	s, err := r.open(ctx, false)
	if err != nil {
		return nil, err
	}
	rows, err := s.hist.read(ctx, r.DB)
	if err != nil {
		return nil, err
	}
	if err := r.checkEdits(s, rows); err != nil {
		return nil, err
	}
	todo, err := r.pending(rows, target)
	if err != nil {
		return nil, err
	}
	var out []*Script
	for _, c := range todo {
		sc, _ := r.Set.Script(c.Name)
		out = append(out, sc)
	}
	return out, nil
}

// RollbackPlan returns the scripts Rollback would run (their Backward SQL
// applies), newest first, without changing anything.
func (r *Runner) RollbackPlan(ctx context.Context, target string) ([]*Script, error) {
	s, err := r.open(ctx, false)
	if err != nil {
		return nil, err
	}
	rows, err := s.hist.read(ctx, r.DB)
	if err != nil {
		return nil, err
	}
	todo, err := r.toRollBack(rows, target)
	if err != nil {
		return nil, err
	}
	var out []*Script
	for _, c := range todo {
		sc, _ := r.Set.Script(c.Name)
		out = append(out, sc)
	}
	return out, nil
}
