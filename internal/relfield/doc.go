// Package relfield is the memory layout of eager's relation fields, shared
// by the generic field types of package relations (ForeignKey[T],
// OneToOne[T], Many[T], ManyToMany[T]), the loader that fills them and the
// writes that read their keys, none of which knows T.
//
// A relation field type is a struct that opens with a zero-size marker (one
// per kind: ForeignKey, OneToOne, Many, ManyToMany), which is how model
// metadata recognises it, followed by a State and then, for a to-one field,
// a Key and the loaded row (obj *T), or, for a to-many field, the loaded
// rows (items []*T); these may sit in one embedded struct. ToOne and ToMany
// are that layout with T erased; code that has the address of a field reads
// and writes it through them.
//
//	r := relfield.ToOneAt(unsafe.Add(row, f.Offset))
//	if r.State.Loaded() { ... r.Obj ... }
package relfield
