package relfield

import (
	"testing"

	"github.com/jackc/pgx/v5/pgtype"
)

type textScanner interface{ ScanText(pgtype.Text) error }

// A key arriving as text (pgx's exec and simple_protocol modes) is read as
// the type of the primary key it points at: an integer key kept as a string
// would match no row.
func TestScanTextAsKeyType(t *testing.T) {
	uuid := "12345678-1234-1234-1234-123456789abc"
	var want pgtype.UUID
	if err := want.Scan(uuid); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		kt   KeyType
		text string
		arg  any
	}{
		{IntKeys, "42", int64(42)},
		{UUIDKeys, uuid, want},
		{TextKeys, "SKU-1", "SKU-1"},
	} {
		var k Key
		if err := Scanner(&k, c.kt).(textScanner).ScanText(pgtype.Text{String: c.text, Valid: true}); err != nil {
			t.Fatalf("%q: %v", c.text, err)
		}
		if got := k.Arg(); got != c.arg {
			t.Errorf("%q as %d: %#v, want %#v", c.text, c.kt, got, c.arg)
		}
		if err := Scanner(&k, c.kt).(textScanner).ScanText(pgtype.Text{}); err != nil || k.Valid() {
			t.Errorf("NULL as %d: valid=%v err=%v", c.kt, k.Valid(), err)
		}
	}
	var k Key
	if err := Scanner(&k, IntKeys).(textScanner).ScanText(pgtype.Text{String: "x", Valid: true}); err == nil {
		t.Error(`"x" read as an integer key`)
	}
}

func TestKeySame(t *testing.T) {
	var a, b, null Key
	a.Set(int32(7))
	b.Set(int64(7))
	if !a.Same(&b) || a != b {
		t.Error("integer keys of different Go types differ")
	}
	b.Set("7")
	if a.Same(&b) || a.Same(&null) || !null.Same(&Key{}) {
		t.Error("Same confuses an integer, a string and NULL")
	}
}
