package schema

import (
	"reflect"
	"unsafe"

	"github.com/eagerorm/eager/internal/relfield"
)

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

// markerKinds maps the marker that opens each relation field type (see
// package relfield) to the kind it declares.
var markerKinds = map[reflect.Type]RelationKind{
	reflect.TypeFor[relfield.ForeignKey](): ForeignKey,
	reflect.TypeFor[relfield.OneToOne]():   OneToOne,
	reflect.TypeFor[relfield.Many]():       Many,
	reflect.TypeFor[relfield.ManyToMany](): ManyToMany,
}

// relationOf recognises a relation field type (relations.ForeignKey[T] and
// the others) by its marker, without importing package relations: the kind
// it declares and T.
func relationOf(t reflect.Type) (RelationKind, reflect.Type, bool) {
	mark := relfield.Marker(t)
	if mark == nil {
		return NoRelation, nil, false
	}
	return markerKinds[mark], relfield.Target(t), true
}

func isRelation(t reflect.Type) bool { return relfield.Marker(t) != nil }

// relationLayout is the size of the layout a field of kind has: every
// relation field type is its layout with T in place of an unsafe.Pointer.
func relationLayout(kind RelationKind) uintptr {
	if kind.ToOne() {
		return unsafe.Sizeof(relfield.ToOne{})
	}
	return unsafe.Sizeof(relfield.ToMany{})
}

// Relation is the resolved link a relation field describes.
type Relation struct {
	Kind   RelationKind
	Field  *Field // the field on the source model
	Target *Model

	// Hops is the link from a source row to its related rows, described
	// once: joins, EXISTS subqueries, batched and lazy loads and DDL read
	// it rather than the kind. Each hop matches rows of FromTable with rows
	// of ToTable where FromColumn = ToColumn; the first starts at the
	// source model's table, the last ends at the target's:
	//
	//	ForeignKey, OneToOne:   (source, key column) -> (target, primary key)
	//	Many, reverse OneToOne: (source, primary key) -> (target, remote key column)
	//	ManyToMany:             (source, primary key) -> (join table, from column),
	//	                        (join table, to column) -> (target, primary key)
	Hops []Hop
	// From is the source model's field whose column starts the link
	// (Hops[0].FromColumn): the relation field itself when its own column
	// holds the key, else the primary key.
	From *Field
	// To is the target model's field whose column ends the link (the last
	// hop's ToColumn): its primary key, or the key column pointing back.
	To *Field
	// Back is the to-one relation on Target whose link is this one's
	// reversed (nil if Target declares none): a load of this relation fills
	// it on each loaded row with the row it was loaded for, so reading back
	// costs nothing. The foreign key of a Many, either side of a one-to-one.
	Back *Field

	// Remote is, for Many and ReverseOneToOne, the ForeignKey/OneToOne field
	// on Target that points back at the source model.
	Remote *Field

	// OnDelete is the foreign key's ON DELETE action for DDL ("CASCADE",
	// "SET NULL", "RESTRICT", "NO ACTION", "SET DEFAULT"); "" leaves it default.
	OnDelete string

	reverseName string // the reverse: tag option, resolved into Remote
	// through, throughFrom and throughTo are a ManyToMany's join table and
	// its key columns (of the source's and of the target's key), resolved
	// into Hops.
	through, throughFrom, throughTo string
}

// Hop is one step of a relation's link: a row of FromTable is linked to the
// rows of ToTable whose ToColumn equals its FromColumn.
type Hop struct{ FromTable, FromColumn, ToTable, ToColumn string }

// Multi reports whether the relation can yield several rows per source row.
func (r *Relation) Multi() bool { return !r.Kind.ToOne() }

// Optional reports whether following the relation from a row can find no
// row: a link that starts at a nullable key column, or at the row's own
// primary key (whose related rows exist only where another table points
// back at it).
func (r *Relation) Optional() bool { return r.From.PK || r.From.Nullable }
