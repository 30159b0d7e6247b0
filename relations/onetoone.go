package relations

import (
	"github.com/eagerorm/eager/internal/schema"
)

// ReverseOf returns the other side of one-to-one relation f, as declared on
// the model f points at (nil when that model does not declare it, and for
// other kinds): the reverse OneToOne of a forward one, and the forward
// OneToOne of a reverse one. A load of one side fills the other with it, so
// reading back costs nothing.
func ReverseOf(f *schema.Field) *schema.Field {
	switch f.Rel.Kind {
	case schema.ReverseOneToOne:
		return f.Rel.Remote
	case schema.OneToOne:
		for _, rf := range f.Rel.Target.Relations {
			if rf.Rel.Kind == schema.ReverseOneToOne && rf.Rel.Remote == f {
				return rf
			}
		}
	}
	return nil
}
