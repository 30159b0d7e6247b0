package relfield

import (
	"fmt"
	"strconv"
	"unsafe"

	"github.com/jackc/pgx/v5/pgtype"
)

// KeyType is the type of the primary key a key column holds, as far as
// reading the column needs it.
type KeyType uint8

const (
	TextKeys KeyType = iota // kept as the string the column sends
	IntKeys
	UUIDKeys
)

// Scanner returns the scan target (for pgx) of the key at p, for keys of
// type kt. The key is read whatever format the column arrives in: integers
// and uuids in binary, and every key as text under pgx's exec and
// simple_protocol modes, where it is parsed as kt (an integer key kept as a
// string would match no row). The target is the key itself, typed: it
// allocates nothing.
func Scanner(p *Key, kt KeyType) any {
	switch kt {
	case IntKeys:
		return (*intKey)(p)
	case UUIDKeys:
		return (*uuidKey)(p)
	}
	return (*textKey)(p)
}

// ScannerAt is Scanner for the key of the to-one relation field at p.
func ScannerAt(p unsafe.Pointer, kt KeyType) any { return Scanner(&ToOneAt(p).Key, kt) }

func (k *Key) scanInt64(v pgtype.Int8) error {
	*k = Key{}
	if v.Valid {
		k.setInt(v.Int64)
	}
	return nil
}

func (k *Key) scanUUID(v pgtype.UUID) error {
	*k = Key{}
	if v.Valid {
		k.setOther(v.Bytes)
	}
	return nil
}

func (k *Key) scanText(v pgtype.Text, kt KeyType) error {
	*k = Key{}
	if !v.Valid {
		return nil
	}
	switch kt {
	case IntKeys:
		i, err := strconv.ParseInt(v.String, 10, 64)
		if err != nil {
			return fmt.Errorf("relations: key %q is not an integer: %w", v.String, err)
		}
		k.setInt(i)
	case UUIDKeys:
		var u pgtype.UUID
		if err := u.Scan(v.String); err != nil {
			return fmt.Errorf("relations: key %q is not a uuid: %w", v.String, err)
		}
		k.setOther(u.Bytes)
	default:
		k.setOther(v.String)
	}
	return nil
}

// The scan targets: a Key that reads text as one type of key.
type (
	intKey  Key
	uuidKey Key
	textKey Key
)

func (k *intKey) ScanInt64(v pgtype.Int8) error  { return (*Key)(k).scanInt64(v) }
func (k *intKey) ScanUUID(v pgtype.UUID) error   { return (*Key)(k).scanUUID(v) }
func (k *intKey) ScanText(v pgtype.Text) error   { return (*Key)(k).scanText(v, IntKeys) }
func (k *uuidKey) ScanInt64(v pgtype.Int8) error { return (*Key)(k).scanInt64(v) }
func (k *uuidKey) ScanUUID(v pgtype.UUID) error  { return (*Key)(k).scanUUID(v) }
func (k *uuidKey) ScanText(v pgtype.Text) error  { return (*Key)(k).scanText(v, UUIDKeys) }
func (k *textKey) ScanInt64(v pgtype.Int8) error { return (*Key)(k).scanInt64(v) }
func (k *textKey) ScanUUID(v pgtype.UUID) error  { return (*Key)(k).scanUUID(v) }
func (k *textKey) ScanText(v pgtype.Text) error  { return (*Key)(k).scanText(v, TextKeys) }
