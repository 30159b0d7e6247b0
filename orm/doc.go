// Package orm is eager's foundation: the database handle, query hooks,
// errors and single-object writes. Querysets (package queryset) and
// relation loading (package relations) are built on it; the model metadata
// they share is internal (internal/schema).
//
// A service opens one DB and shares it:
//
//	db, err := orm.Open(ctx, "postgres://app@db/app", orm.WithLoadMode(orm.Strict))
//	defer db.Close()
//
// Models are plain structs. The table is the snake_case type name unless the
// type has a TableName method; columns come from the db tag, else the
// snake_case field name. The orm tag adds options:
//
//	type Customer struct {
//	    ID    int64  `db:"id" orm:"pk"`
//	    Email string `db:"email" orm:"unique"`
//	    Note  *string // nullable: a pointer, sql.Null* or pgtype type
//	}
//
// Every statement eager sends passes through the DB's QueryHooks, so query
// counting, capture and strict mode see exactly what reaches PostgreSQL.
package orm
