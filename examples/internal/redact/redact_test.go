package redact_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/eagerorm/eager/examples/internal/redact"
	"github.com/eagerorm/eager/orm"
	"github.com/eagerorm/eager/orm/ormtest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMain(m *testing.M) { ormtest.Main(m) }

type Member struct {
	ID    int64  `db:"id" orm:"pk"`
	Email string `db:"email" orm:"unique"`
	Age   int32  `db:"age"`
}

// The errors PostgreSQL gives for real rows: their text quotes the values,
// the redacted text names the constraint and keeps the program's context.
func TestError(t *testing.T) {
	ctx := context.Background()
	db := ormtest.NewDB(t, Member{})
	require.NoError(t, orm.Insert(ctx, db, &Member{Email: "ann@example.com"}))

	err := fmt.Errorf("signing up: %w", orm.Insert(ctx, db, &Member{Email: "ann@example.com"}))
	require.ErrorIs(t, err, orm.ErrUniqueViolation)
	require.Contains(t, err.Error(), "ann@example.com", "PostgreSQL's detail quotes the value")
	assert.Equal(t, "signing up: orm: insert Member: orm: unique violation on member (constraint member_email_key)", redact.Error(err))

	_, err = db.Exec(ctx, "INSERT INTO member (email, age) VALUES ('bo@example.com', NULL)")
	require.ErrorIs(t, err, orm.ErrNotNullViolation)
	require.Contains(t, err.Error(), "bo@example.com", "the failing row is quoted")
	assert.Equal(t, "orm: not null violation on member.age", redact.Error(err))

	_, err = db.Exec(ctx, "INSERT INTO member (email, age) VALUES ('cy@example.com', $1)", "12a")
	require.Error(t, err)
	require.Contains(t, err.Error(), "12a")
	assert.Equal(t, "PostgreSQL error 22P02 on a table", redact.Error(err))

	other := errors.New("orm: open: connection refused")
	assert.Equal(t, other.Error(), redact.Error(other), "other errors are kept")
	assert.Equal(t, "", redact.Error(nil))
}
