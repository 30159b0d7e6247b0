package doccheck

import (
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestElide(t *testing.T) {
	for in, want := range map[string]string{
		"if err != nil { ... }":               "if err != nil {     }",
		"qs.Filter(...)":                      "qs.Filter(   )",
		"x := []int{1, 2, ...}":               "x := []int{1, 2,    }",
		"a()\n...\nb()":                       "a()\n   \nb()",
		"f(args...)":                          "f(args...)",
		"var a = [...]int{1}":                 "var a = [...]int{1}",
		"func f(xs ...int) {}":                "func f(xs ...int) {}",
		"s := \"...\" // ... stays a comment": "s := \"...\" // ... stays a comment",
	} {
		assert.Equal(t, want, elide(in), in)
	}
}

func TestSplit(t *testing.T) {
	sn, err := split(`// A type.
type T struct{ A int }

func (T) TableName() string { return "t" }

db, err := orm.Open(ctx, "x")
if err != nil { return err }
var n int
func() { n++ }()`, 10)
	require.NoError(t, err)
	require.Len(t, sn.decls, 2)
	assert.Equal(t, []string{"T"}, sn.decls[0].names)
	assert.Equal(t, 10, sn.decls[0].line, "the comment belongs to the declaration")
	assert.Equal(t, []string{"T.TableName"}, sn.decls[1].names)
	require.Len(t, sn.stmts, 4, "a var beside statements is local; a called func literal is a statement")
	assert.Equal(t, 15, sn.stmts[0].line)

	sn, err = split("package main\n\nimport \"example.com/x/v2\"\n\nvar order Order\nconst n = 1", 1)
	require.NoError(t, err)
	assert.Empty(t, sn.stmts, "vars and consts alone are package-level")
	require.Len(t, sn.decls, 2)
	assert.Equal(t, map[string]string{"x": "example.com/x/v2"}, sn.imports)

	_, err = split("x := `unterminated", 7)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "line 7")
}

func TestInsertUses(t *testing.T) {
	src := `package p

func f() error {
	a, err := g()
	for i, v := range xs { }
	if x := 1; true { }
	switch y := 2; { case true: }
	var z int
	return nil
}
`
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "", src, 0)
	require.NoError(t, err)
	got := insertUses(fset, f, src)
	for _, want := range []string{"a, err := g(); _ = a; _ = err", "range xs { _ = i; _ = v; }",
		"true { _ = x; }", "case true: _ = y;", "var z int; _ = z"} {
		assert.Contains(t, got, want)
	}
	assert.Equal(t, strings.Count(src, "\n"), strings.Count(got, "\n"), "lines do not move")
}

func TestParse(t *testing.T) {
	d, err := Parse("docs/x.md", "# T\n"+
		"```go\nx := 1\n```\n\n```sql\nSELECT 1;\n```\n```output\n1\n```\n"+
		"<!-- doccheck: skip -->\n```go\nnot go\n```\n"+
		"<!-- doccheck\nvar v int\n-->\n"+
		"  ```go\n  y := 2\n  ```\n"+
		"<!-- doccheck: where Book -->\n| l | Go | SQL | args |\n|---|---|---|---|\n"+
		"| a | `queryset.Q{\"x__regex\": \"a\\|b\"}` | `WHERE x ~ $1` | `$1 = 'a\\|b'` |\n")
	require.NoError(t, err)
	require.Len(t, d.Blocks, 5)
	b := d.Blocks[0]
	assert.Equal(t, "x := 1", b.Code)
	assert.Equal(t, 3, b.Line)
	require.NotNil(t, b.SQL)
	assert.Equal(t, "SELECT 1;", b.SQL.Code)
	require.NotNil(t, b.Output, "an output block after the sql block belongs to the go block")
	assert.True(t, d.Blocks[2].Skip)
	assert.True(t, d.Blocks[3].Hidden)
	assert.Equal(t, "y := 2", d.Blocks[4].Code, "an indented fence's indentation is stripped")
	require.Len(t, d.Wheres, 1)
	r := d.Wheres[0].Rows[0]
	assert.Equal(t, `queryset.Q{"x__regex": "a|b"}`, r.Go)
	assert.Equal(t, `$1 = 'a|b'`, r.Args)

	text := d.Rewrite(map[*Block]string{b.SQL: "SELECT 2;\nSELECT 3;"}, map[*WhereRow][2]string{r: {"WHERE y", ""}})
	assert.Contains(t, text, "```sql\nSELECT 2;\nSELECT 3;\n```")
	assert.Contains(t, text, "| a | `queryset.Q{\"x__regex\": \"a\\|b\"}` | `WHERE y` |  |")

	for _, bad := range []string{"<!-- doccheck: skip -->\nprose\n```go\nx\n```\n", "<!-- doccheck: nosuch -->\n",
		"```go\nx\n", "text\n```output\n1\n```\n"} {
		_, err := Parse("bad.md", bad)
		assert.Error(t, err, bad)
	}
}

func TestFormat(t *testing.T) {
	sql := `SELECT "book"."id", "book"."title", "book"."pages", "book"."rating", "author"."id", "author"."name" FROM "book" ` +
		`INNER JOIN "author" ON "author"."id" = "book"."author_id" WHERE EXISTS (SELECT 1 FROM "review" WHERE "review"."stars" > $1) ORDER BY "book"."id" ASC`
	got := FormatStatements([]Statement{{SQL: sql, Args: []string{"4"}}, {SQL: "SELECT 1", Batch: 0}})
	assert.Equal(t, `SELECT "book".…, "author"."id", "author"."name"
  FROM "book"
  INNER JOIN "author" ON "author"."id" = "book"."author_id"
  WHERE EXISTS (SELECT 1 FROM "review" WHERE "review"."stars" > $1)
  ORDER BY "book"."id" ASC;
-- $1 = 4
SELECT 1;`, got)
	assert.Equal(t, Normalize(sql+"; -- $1 = 4 SELECT 1;"), Normalize(got), "whitespace and abbreviation do not matter")
	assert.Equal(t, `WHERE "a"."b" = $1`, AfterFrom(`SELECT "a"."b" FROM "a" WHERE "a"."b" = $1`))
	assert.Equal(t, NoStatement, FormatStatements(nil))
}

// TestCheckerCatchesMistakes: a snippet that does not compile is reported
// at its line in the doc.
func TestCheckerCatchesMistakes(t *testing.T) {
	root, module, err := Root(".")
	require.NoError(t, err)
	good, err := Parse("docs/good.md", "```go\ntype T struct{ ID int64 `db:\"id\" orm:\"pk\"` }\n```\n\n```go\nts, err := queryset.New[T](db).All(ctx)\n```\n")
	require.NoError(t, err)
	bad, err := Parse("docs/bad.md", "text\n\n```go\nn := queryset.New[Missing](db)\n```\n")
	require.NoError(t, err)
	known, err := KnownPackages(root, module)
	require.NoError(t, err)
	dir, err := os.MkdirTemp(filepath.Join(root, "internal", "doccheck"), "_gen")
	require.NoError(t, err)
	defer os.RemoveAll(dir)
	prog, err := Generate([]*Doc{good, bad}, root, module, dir, known)
	require.NoError(t, err)
	require.Empty(t, prog.Errors)
	build := exec.Command(goTool(), "build", "-o", filepath.Join(t.TempDir(), "x"), "./"+filepath.ToSlash(must(filepath.Rel(root, dir))))
	build.Dir = root
	out, err := build.CombinedOutput()
	require.Error(t, err)
	msgs := compileErrors(out)
	assert.Contains(t, msgs, "docs/bad.md:4")
	assert.Contains(t, msgs, "undefined: Missing")
	assert.NotContains(t, msgs, "good.md")
	stubbed, err := prog.Stub(msgs)
	require.NoError(t, err)
	assert.Equal(t, []string{"docs/bad.md"}, stubbed)
}
