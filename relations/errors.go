package relations

import (
	"fmt"

	"github.com/eagerorm/eager/orm"
)

// MissingRowError is what Get returns for a to-one relation whose key column
// holds a key (not NULL) but whose row was not found: a dangling foreign key
// (possible only where the database has no foreign-key constraint), or a row
// a Prefetch queryset filtered out. It matches orm.ErrNoRows.
type MissingRowError struct {
	Model  string // the model of the row holding the key ("Book")
	Field  string // the relation ("author")
	Target string // the model the key points at ("Author")
	Key    any    // the key, as the target's primary-key type
}

func (e *MissingRowError) Error() string {
	return fmt.Sprintf("relations: %s.%s: no %s row with key %v was found (the key points at no row, or a Prefetch queryset filtered it out)",
		e.Model, e.Field, e.Target, e.Key)
}

// Unwrap makes errors.Is(err, orm.ErrNoRows) hold.
func (e *MissingRowError) Unwrap() error { return orm.ErrNoRows }

// errNotBound is the error for an unloaded relation of a row that was not
// read through a DB (built in Go, or inserted): there is nothing to load it with.
func errNotBound(target string) error {
	return fmt.Errorf("relations: the %s relation is not loaded, and its row was not read through a DB, so there is nothing to load it with (read the row with a QuerySet, or fill the relation with Set or SetLoaded)", target)
}
