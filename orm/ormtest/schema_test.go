package ormtest_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/eagerorm/eager/orm"
	"github.com/eagerorm/eager/orm/ormtest"
	"github.com/eagerorm/eager/queryset"
	"github.com/eagerorm/eager/relations"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type Team struct {
	ID      int64                  `db:"id" orm:"pk"`
	Name    string                 `db:"name" orm:"unique"`
	Players relations.Many[Player] `orm:"reverse:Team"`
}

type Player struct {
	ID   int64                      `db:"id" orm:"pk"`
	Name string                     `db:"name"`
	Team relations.ForeignKey[Team] `db:"team_id"`
}

func schemaExists(t *testing.T, db *orm.DB, name string) bool {
	t.Helper()
	var ok bool
	require.NoError(t, db.QueryRow(context.Background(),
		"SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1)", name).Scan(&ok))
	return ok
}

// NewDB: a schema of the test's own, the models' tables in it (Team comes
// with Player's foreign key, its unique constraint too), gone after the
// test.
func TestNewDB(t *testing.T) {
	ctx := context.Background()
	db := ormtest.NewDB(t, Player{})
	var schema string
	require.NoError(t, db.QueryRow(ctx, "SELECT current_schema()").Scan(&schema))
	assert.Regexp(t, `^t_testnewdb_[0-9a-f]{8}$`, schema)

	ducks := &Team{Name: "Ducks"}
	require.NoError(t, orm.Insert(ctx, db, ducks))
	ann := &Player{Name: "Ann"}
	ann.Team.Set(ducks)
	require.NoError(t, orm.Insert(ctx, db, ann))
	players, err := queryset.New[Player](db).SelectRelated("team").All(ctx)
	require.NoError(t, err)
	require.Len(t, players, 1)
	team, err := players[0].Team.Get(ctx)
	require.NoError(t, err)
	assert.Equal(t, "Ducks", team.Name)
	assert.ErrorIs(t, orm.Insert(ctx, db, &Team{Name: "Ducks"}), orm.ErrUniqueViolation, "the unique constraint exists")

	var inner string
	t.Run("dropped at cleanup", func(t *testing.T) {
		s := ormtest.NewSchema(t, Team{})
		inner = s.Name
		assert.True(t, schemaExists(t, db, inner))
		other, err := orm.Open(ctx, s.DSN)
		require.NoError(t, err)
		defer other.Close()
		n, err := queryset.New[Team](other).Count(ctx)
		require.NoError(t, err)
		assert.Zero(t, n, "the DSN connects to the test's own (empty) schema")
	})
	assert.False(t, schemaExists(t, db, inner), "the subtest's schema is dropped when it ends")
}

// Parallel tests each get their own tables.
func TestNewDBIsolatesParallelTests(t *testing.T) {
	for i := range 3 {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db := ormtest.NewDB(t, Team{})
			require.NoError(t, orm.Insert(ctx, db, &Team{Name: "Ducks"}))
			n, err := queryset.New[Team](db).Count(ctx)
			require.NoError(t, err)
			assert.EqualValues(t, 1, n)
		})
	}
}

// fatalTB records a Fatalf and stops the calling goroutine, as testing.T does.
type fatalTB struct {
	testing.TB
	fatal    string
	cleanups []func()
}

func (f *fatalTB) Helper()           {}
func (f *fatalTB) Name() string      { return "TestBroken" }
func (f *fatalTB) Cleanup(fn func()) { f.cleanups = append(f.cleanups, fn) }
func (f *fatalTB) Fatalf(format string, args ...any) {
	f.fatal = fmt.Sprintf(format, args...)
	runtime.Goexit()
}

// A model that cannot become a table fails the test with the reason, and
// the schema made for it is gone.
func TestNewDBFailsOnABadModel(t *testing.T) {
	type noKey struct {
		Name string `db:"name"`
	}
	before := ormtest.NewDB(t)
	count := func() int {
		var n int
		require.NoError(t, before.QueryRow(context.Background(),
			"SELECT count(*) FROM pg_namespace WHERE nspname LIKE 't_testbroken_%'").Scan(&n))
		return n
	}
	n := count()
	fake := &fatalTB{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		ormtest.NewDB(fake, noKey{})
	}()
	<-done
	assert.Contains(t, fake.fatal, "ormtest: migrate: CreateModels: ")
	assert.Empty(t, fake.cleanups, "nothing left to clean up")
	assert.Equal(t, n, count(), "the schema made for it was dropped")
}

// Without a database, tests using the helpers skip and the Examples are
// not run; under CI=true both fail. Checked by running this test binary
// again with a server that does not answer.
func TestWithoutADatabase(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if name != "CI" && name != "EAGER_DATABASE_URL" && name != "DATABASE_URL" {
			env = append(env, kv)
		}
	}
	env = append(env, "EAGER_DATABASE_URL=postgres://nobody@127.0.0.1:1/none")
	run := func(ci string) (string, error) {
		cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^(TestNewDB|ExampleOpenSchema)$", "-test.v", "-test.count=1")
		cmd.Env = append(env, "CI="+ci)
		out, err := cmd.CombinedOutput()
		return string(out), err
	}

	out, err := run("")
	require.NoError(t, err, out)
	assert.Contains(t, out, "--- SKIP: TestNewDB", out)
	assert.Contains(t, out, "the tests that need a database skip, and so do the Examples")
	assert.NotContains(t, out, "ExampleOpenSchema", "not run")

	out, err = run("true")
	require.Error(t, err, out)
	assert.Contains(t, out, "--- FAIL: TestNewDB", out)
	assert.Contains(t, out, "(CI=true: a missing database is a failure)")
	assert.Contains(t, out, "--- FAIL: ExampleOpenSchema")
}
