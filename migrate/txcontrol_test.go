package migrate_test

import (
	"context"
	"testing"

	"github.com/eagerorm/eager/internal/pgtest"
	"github.com/eagerorm/eager/migrate"
	"github.com/stretchr/testify/require"
)

// TestRunSQLRefusesTransactionControl: a RunSQL that would commit, roll
// back or begin a transaction of its own is refused when the migrations
// load, before anything runs. Unrefused, "CREATE TABLE a; COMMIT; ...;
// <a failing statement>" left table a behind while the error said "rolled
// back, the schema is unchanged".
func TestRunSQLRefusesTransactionControl(t *testing.T) {
	for _, tc := range []struct{ sql, word string }{
		{"CREATE TABLE a (id int); COMMIT; CREATE TABLE b (id int)", "COMMIT"},
		{"commit and chain", "COMMIT"},
		{"CREATE TABLE a (id int); END", "END"},
		{"BEGIN; CREATE TABLE a (id int)", "BEGIN"},
		{"begin work", "BEGIN"},
		{"START TRANSACTION ISOLATION LEVEL SERIALIZABLE", "START TRANSACTION"},
		{"-- undo the first part\nROLLBACK", "ROLLBACK"},
		{"/* why */ abort", "ABORT"},
		{"SAVEPOINT s1; UPDATE item SET name = 'x'; ROLLBACK TO SAVEPOINT s1", "SAVEPOINT"},
		{"RELEASE SAVEPOINT s1", "RELEASE"},
		{"PREPARE TRANSACTION 'deploy'", "PREPARE TRANSACTION"},
		{"COMMIT PREPARED 'deploy'", "COMMIT"},
	} {
		for _, noTx := range []bool{false, true} {
			_, err := migrate.NewSet([]migrate.Migration{{Name: "0001_x", Operations: []migrate.Operation{
				migrate.RunSQL{Forward: tc.sql, Backward: migrate.Noop, NoTransaction: noTx}}}})
			require.Error(t, err, "%q", tc.sql)
			require.Contains(t, err.Error(), "migrate: migration 0001_x: operation 1, RunSQL", tc.sql)
			require.Contains(t, err.Error(), "Forward statement", tc.sql)
			require.Contains(t, err.Error(), " is "+tc.word+": the runner manages transactions", tc.sql)
		}
	}
	_, err := migrate.NewSet([]migrate.Migration{{Name: "0001_x", Operations: []migrate.Operation{
		migrate.RunSQL{Forward: "CREATE TABLE a (id int)", Backward: "DROP TABLE a; COMMIT"}}}})
	require.ErrorContains(t, err, "RunSQL \"CREATE TABLE a (id int)\": Backward statement 2 is COMMIT")

	// Bodies are not statements of the migration: a procedure may COMMIT
	// (when called outside a transaction), a DO block or function may say
	// BEGIN ... END, and words that only start like one are fine.
	_, err = migrate.NewSet([]migrate.Migration{{Name: "0001_x", Operations: []migrate.Operation{migrate.RunSQL{Forward: `
		CREATE PROCEDURE batch() LANGUAGE plpgsql AS $$ BEGIN COMMIT; END $$;
		DO $$ BEGIN PERFORM 1; END $$;
		CREATE FUNCTION one() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; END;
		COMMENT ON PROCEDURE batch() IS 'commit; rollback';
		CREATE TABLE endpoint (id int)`, Backward: migrate.Noop}}}})
	require.NoError(t, err)
}

// TestTransactionControlRunsNothing: through the command line, the refused
// migration runs nothing at all.
func TestTransactionControlRunsNothing(t *testing.T) {
	t.Parallel()
	pg := pgtest.New(t)
	code, _, stderr := cli(t, []string{"migrate", "-dsn", pg.DSN}, migrate.Migrations(migrate.Migration{Name: "0001_x", Operations: []migrate.Operation{
		migrate.RunSQL{Forward: "CREATE TABLE a (id int); COMMIT; CREATE TABLE b (id int); SELECT 1/0", Backward: migrate.Noop}}}))
	require.Equal(t, 1, code)
	require.Contains(t, stderr, "Forward statement 2 is COMMIT")
	require.NotContains(t, stderr, "the schema is unchanged")
	var n int
	require.NoError(t, pg.Pool.QueryRow(context.Background(), "SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()").Scan(&n))
	require.Zero(t, n, "no table, not even the history")
}
