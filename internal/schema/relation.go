package schema

import "reflect"

// RelationKind says how a relation field links two models.
type RelationKind uint8

const (
	NoRelation RelationKind = iota
	// ForeignKey: this model's column holds the target's primary key (many-to-one).
	ForeignKey
	// OneToOne: like ForeignKey, unique. Declared with orm:"reverse:Field" and no
	// column, it is the reverse side (ReverseOneToOne) of the target's OneToOne.
	OneToOne
	// ReverseOneToOne: the target's OneToOne column points at this model.
	ReverseOneToOne
	// Many: the target's ForeignKey points at this model (reverse FK, has-many).
	Many
	// ManyToMany: rows linked through a join table.
	ManyToMany
)

func (k RelationKind) String() string {
	switch k {
	case ForeignKey:
		return "ForeignKey"
	case OneToOne:
		return "OneToOne"
	case ReverseOneToOne:
		return "reverse OneToOne"
	case Many:
		return "Many"
	case ManyToMany:
		return "ManyToMany"
	}
	return "none"
}

// ToOne reports whether the relation yields at most one row per source row.
func (k RelationKind) ToOne() bool {
	return k == ForeignKey || k == OneToOne || k == ReverseOneToOne
}

// RelationField is implemented by the field types of package relations
// (ForeignKey[T], OneToOne[T], Many[T], ManyToMany[T]); model metadata uses
// it to recognise a relation and its target without importing relations.
type RelationField interface {
	RelationKind() RelationKind
	RelationTarget() reflect.Type
}

// Relation is the resolved link a relation field describes.
type Relation struct {
	Kind   RelationKind
	Field  *Field // the field on the source model
	Target *Model

	// Remote is, for Many and ReverseOneToOne, the ForeignKey/OneToOne field
	// on Target that points back at the source model.
	Remote *Field

	// For ManyToMany: the join table and its columns holding the source's and
	// the target's keys.
	Through     string
	ThroughFrom string
	ThroughTo   string

	// OnDelete is the foreign key's ON DELETE action for DDL ("CASCADE",
	// "SET NULL", "RESTRICT", "NO ACTION", "SET DEFAULT"); "" leaves it default.
	OnDelete string

	reverseName string // the reverse: tag option, resolved into Remote
}

// Multi reports whether the relation can yield several rows per source row.
func (r *Relation) Multi() bool { return !r.Kind.ToOne() }

// LocalColumn is the column on the source row that the relation matches:
// the FK column for forward relations, the source primary key otherwise.
func (r *Relation) LocalColumn() string {
	if r.Kind == ForeignKey || r.Kind == OneToOne {
		return r.Field.Column
	}
	return r.Field.Model.PK.Column
}

// TargetColumn is the column on the target table that LocalColumn's values
// match: the target's primary key for forward relations, the remote FK column
// for reverse ones. For ManyToMany it is the target's primary key, reached
// through the join table.
func (r *Relation) TargetColumn() string {
	switch r.Kind {
	case Many, ReverseOneToOne:
		return r.Remote.Column
	}
	return r.Target.PK.Column
}

var relationFieldType = reflect.TypeFor[RelationField]()
