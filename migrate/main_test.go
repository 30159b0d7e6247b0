package migrate_test

import (
	"bytes"
	"context"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/eagerorm/eager/internal/pgtest"
	"github.com/eagerorm/eager/migrate"
	"github.com/eagerorm/eager/relations"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// The shop, version 1. Order's table is "order", a reserved word, so every
// statement has to quote it; Tag declares the through table from the other
// side too, and has an integer (not bigint) primary key.
type Customer struct {
	ID        int64                 `db:"id" orm:"pk"`
	Name      string                `db:"name"`
	Email     string                `db:"email" orm:"unique"`
	CreatedAt time.Time             `db:"created_at" orm:"default:now()"`
	Orders    relations.Many[Order] `orm:"reverse:Customer"`
}

type Order struct {
	ID       int64                          `db:"id" orm:"pk"`
	Status   string                         `db:"status" orm:"index,default:'new'"`
	Total    string                         `db:"total" orm:"type:numeric(10,2)"`
	Note     *string                        `db:"note"`
	Customer relations.ForeignKey[Customer] `db:"customer_id" orm:"on_delete:cascade"`
	Tags     relations.ManyToMany[Tag]      `orm:"through:order_tags,from:order_id,to:tag_id"`
}

func (Order) TableName() string { return "order" }

type Tag struct {
	ID     int32                       `db:"id" orm:"pk"`
	Name   string                      `db:"name" orm:"unique"`
	Orders relations.ManyToMany[Order] `orm:"through:order_tags,from:tag_id,to:order_id"`
}

// Version 2 of the same tables: a nullable phone, a new status default, an
// index on an existing table (built concurrently, in a migration of its
// own), and a new coupon table referencing customer.
type Customer2 struct {
	ID        int64     `db:"id" orm:"pk"`
	Name      string    `db:"name"`
	Email     string    `db:"email" orm:"unique"`
	CreatedAt time.Time `db:"created_at" orm:"default:now()"`
	Phone     *string   `db:"phone"`
}

func (Customer2) TableName() string { return "customer" }

type Order2 struct {
	ID       int64                           `db:"id" orm:"pk"`
	Status   string                          `db:"status" orm:"index,default:'open'"`
	Total    string                          `db:"total" orm:"type:numeric(10,2),index"`
	Note     *string                         `db:"note"`
	Customer relations.ForeignKey[Customer2] `db:"customer_id" orm:"on_delete:cascade"`
	Tags     relations.ManyToMany[Tag2]      `orm:"through:order_tags,from:order_id,to:tag_id"`
}

func (Order2) TableName() string { return "order" }

type Tag2 struct {
	ID   int32  `db:"id" orm:"pk"`
	Name string `db:"name" orm:"unique"`
}

func (Tag2) TableName() string { return "tag" }

type Coupon2 struct {
	ID       int64                           `db:"id" orm:"pk"`
	Code     string                          `db:"code" orm:"unique"`
	Percent  int16                           `db:"percent" orm:"default:10"`
	Customer relations.ForeignKey[Customer2] `db:"customer_id" orm:"null,on_delete:set_null"`
}

func (Coupon2) TableName() string { return "coupon" }

var (
	shopV1 = []any{Customer{}, Order{}, Tag{}}
	shopV2 = []any{Customer2{}, Order2{}, Tag2{}, Coupon2{}}
)

func newSet(t testing.TB, ms ...migrate.Migration) *migrate.Set {
	t.Helper()
	s, err := migrate.NewSet(ms)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// cli runs a command as `go run ./migrations` would, returning the exit
// status and what it printed.
func cli(t testing.TB, args []string, opts ...migrate.Option) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := migrate.Run(context.Background(), args, &out, &errOut, opts...)
	t.Logf("$ migrate %s -> %d\n%s%s", strings.Join(args, " "), code, out.String(), errOut.String())
	return code, out.String(), errOut.String()
}

// loadDir reads the migration files makemigrations wrote and evaluates them
// back into Migration values: it proves that the Go source says what the
// generator meant, without compiling a program per test.
func loadDir(t testing.TB, dir string) []migrate.Migration {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(dir, "[0-9]*.go"))
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(paths)
	var ms []migrate.Migration
	for _, p := range paths {
		ms = append(ms, loadFile(t, p))
	}
	return ms
}

var migrateTypes = map[string]reflect.Type{}

func init() {
	for _, v := range []any{migrate.Migration{}, migrate.Column{}, migrate.CreateTable{}, migrate.DropTable{},
		migrate.AddColumn{}, migrate.DropColumn{}, migrate.AlterColumn{}, migrate.RenameTable{},
		migrate.RenameColumn{}, migrate.AddIndex{}, migrate.DropIndex{}, migrate.AddConstraint{},
		migrate.DropConstraint{}, migrate.RunSQL{}} {
		migrateTypes[reflect.TypeOf(v).Name()] = reflect.TypeOf(v)
	}
}

func loadFile(t testing.TB, path string) migrate.Migration {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), path, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var found *ast.CompositeLit
	ast.Inspect(f, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if ok && len(call.Args) == 1 {
			if sel, ok := call.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "Register" {
				found, _ = call.Args[0].(*ast.CompositeLit)
			}
		}
		return true
	})
	if found == nil {
		t.Fatalf("%s: no migrate.Register(migrate.Migration{...})", path)
	}
	v := reflect.New(reflect.TypeFor[migrate.Migration]()).Elem()
	if err := evalInto(v, found); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return v.Interface().(migrate.Migration)
}

func evalInto(dst reflect.Value, e ast.Expr) error {
	switch e := e.(type) {
	case *ast.BasicLit:
		switch dst.Kind() {
		case reflect.String:
			s, err := strconv.Unquote(e.Value)
			if err != nil {
				return err
			}
			dst.SetString(s)
			return nil
		case reflect.Int, reflect.Int64:
			n, err := strconv.ParseInt(e.Value, 0, 64)
			if err != nil {
				return err
			}
			dst.SetInt(n)
			return nil
		}
	case *ast.Ident:
		if dst.Kind() == reflect.Bool && (e.Name == "true" || e.Name == "false") {
			dst.SetBool(e.Name == "true")
			return nil
		}
	case *ast.CompositeLit:
		typ := dst.Type()
		if sel, ok := e.Type.(*ast.SelectorExpr); ok {
			typ = migrateTypes[sel.Sel.Name]
			if typ == nil {
				return fmt.Errorf("unknown type migrate.%s", sel.Sel.Name)
			}
		}
		val := reflect.New(typ).Elem()
		switch typ.Kind() {
		case reflect.Struct:
			for _, el := range e.Elts {
				kv := el.(*ast.KeyValueExpr)
				name := kv.Key.(*ast.Ident).Name
				f := val.FieldByName(name)
				if !f.IsValid() {
					return fmt.Errorf("%s has no field %s", typ, name)
				}
				if err := evalInto(f, kv.Value); err != nil {
					return fmt.Errorf("%s.%s: %w", typ.Name(), name, err)
				}
			}
		case reflect.Slice:
			for _, el := range e.Elts {
				item := reflect.New(typ.Elem()).Elem()
				if err := evalInto(item, el); err != nil {
					return err
				}
				val = reflect.Append(val, item)
			}
		}
		dst.Set(val)
		return nil
	}
	return fmt.Errorf("cannot evaluate %T into %s", e, dst.Type())
}

// writeFile is os.WriteFile that fails the test.
func writeFile(t testing.TB, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}
