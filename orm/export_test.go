package orm

import (
	"context"

	"github.com/eagerorm/eager/internal/load"
)

// The tests of package orm_test run batches as the loading engine does;
// runBatch is not part of orm's API, so they reach it through these
// test-only names.

// BatchQuery is one statement of a batch.
type BatchQuery = load.Statement

// RunBatch runs queries as one batch (see runBatch).
func (db *DB) RunBatch(ctx context.Context, queries []BatchQuery) error {
	return db.runBatch(ctx, queries)
}
