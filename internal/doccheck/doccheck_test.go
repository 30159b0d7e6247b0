package doccheck

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/eagerorm/eager/internal/pgtest"
)

// TestDocs compiles every Go snippet of README.md and docs/ and checks the
// SQL the docs show against what the code sends. The conventions are in
// doc.go. go test ./internal/doccheck -update rewrites the sql blocks and
// where-table cells that differ.

var update = flag.Bool("update", false, "rewrite the docs' sql blocks and where-table cells from what the code sends")

func TestMain(m *testing.M) { pgtest.Main(m) }

type result struct {
	ID         int
	Statements []Statement
	Output     string
	Err        string
}

func TestDocs(t *testing.T) {
	root, module, err := Root(".")
	if err != nil {
		t.Fatal(err)
	}
	files, err := DocFiles(root)
	if err != nil {
		t.Fatal(err)
	}
	var docs []*Doc
	for _, f := range files {
		d, err := ParseFile(root, f)
		if err != nil {
			t.Error(err)
			continue
		}
		docs = append(docs, d)
	}
	known, err := KnownPackages(root, module)
	if err != nil {
		t.Fatal(err)
	}
	dir, err := os.MkdirTemp(filepath.Join(root, "internal", "doccheck"), "_gen")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	prog, err := Generate(docs, root, module, dir, known)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range prog.Errors {
		t.Errorf("%s\n(not meant to be Go? use a ```text fence, or <!-- doccheck: skip --> before the block; conventions: internal/doccheck/doc.go)", e)
	}

	// Build; when a doc does not compile, report it, replace its code by a
	// stub and build again, so that the other docs are still checked.
	bin := filepath.Join(t.TempDir(), "doccheck")
	for {
		// -e: every error, not the first ten, in the generated packages only.
		build := exec.Command(goTool(), "build", "-gcflags="+prog.Pkg+"/...=-e", "-o", bin, "./"+filepath.ToSlash(must(filepath.Rel(root, dir))))
		build.Dir = root
		out, err := build.CombinedOutput()
		if err == nil {
			break
		}
		msgs := compileErrors(out)
		stubbed, serr := prog.Stub(msgs)
		if serr != nil || len(stubbed) == 0 {
			t.Fatalf("the docs' Go code does not compile (conventions: internal/doccheck/doc.go):\n%s", msgs)
		}
		t.Errorf("%s: the Go code does not compile (conventions: internal/doccheck/doc.go):\n%s", strings.Join(stubbed, ", "), msgs)
	}

	fixes := map[*Doc]*fix{}
	fixFor := func(d *Doc) *fix {
		if fixes[d] == nil {
			fixes[d] = &fix{blocks: map[*Block]string{}, rows: map[*WhereRow][2]string{}}
		}
		return fixes[d]
	}
	checks := map[int]*Check{}
	for _, c := range prog.Checks {
		checks[c.ID] = c
	}

	// Where tables need no database.
	for _, res := range runChecks(t, bin) {
		c := checks[res.ID]
		if c == nil || c.Row == nil {
			continue
		}
		r := c.Row
		if prog.Stubbed(c.Doc) {
			continue
		}
		if res.Err != "" {
			t.Errorf("%s:%d: %s", c.Doc.Path, r.Line, res.Err)
			continue
		}
		gotSQL, gotArgs := Abbreviate(AfterFrom(res.Statements[0].SQL)), FormatArgs(res.Statements[0].Args)
		if Normalize(gotSQL) != Normalize(r.SQL) || Normalize(gotArgs) != Normalize(r.Args) {
			if *update {
				fixFor(c.Doc).rows[r] = [2]string{gotSQL, gotArgs}
				continue
			}
			t.Errorf("%s:%d: %s compiles to\n\t%s\n\t%s\nnot\n\t%s\n\t%s\n(go test ./internal/doccheck -update rewrites it)",
				c.Doc.Path, r.Line, r.Go, gotSQL, gotArgs, r.SQL, r.Args)
		}
	}

	// Go blocks with a sql block run against a schema per doc.
	t.Run("sql", func(t *testing.T) {
		var args []string
		for _, d := range docs {
			for _, c := range prog.Checks {
				if c.Doc == d && c.Block != nil {
					tdb := pgtest.New(t)
					args = append(args, d.Path+"="+tdb.DSN)
					break
				}
			}
		}
		if len(args) == 0 {
			return
		}
		for _, res := range runChecks(t, bin, args...) {
			c := checks[res.ID]
			if c == nil || c.Block == nil {
				continue
			}
			b := c.Block
			if prog.Stubbed(c.Doc) {
				continue
			}
			if res.Err != "" {
				t.Errorf("%s:%d: the Go block fails: %s", c.Doc.Path, b.Line, res.Err)
				continue
			}
			if got := FormatStatements(res.Statements); b.SQL != nil && Normalize(got) != Normalize(b.SQL.Code) {
				if *update {
					fixFor(c.Doc).blocks[b.SQL] = got
				} else {
					t.Errorf("%s:%d: the Go block sends\n%s\n\nbut the sql block at line %d shows\n%s\n(go test ./internal/doccheck -update rewrites it)",
						c.Doc.Path, b.Line, indent(got), b.SQL.Line, indent(b.SQL.Code))
				}
			}
			if got := trimLines(res.Output); b.Output != nil && got != trimLines(b.Output.Code) {
				if *update {
					fixFor(c.Doc).blocks[b.Output] = got
				} else {
					t.Errorf("%s:%d: the Go block prints\n%s\n\nbut the output block at line %d shows\n%s\n(go test ./internal/doccheck -update rewrites it)",
						c.Doc.Path, b.Line, indent(got), b.Output.Line, indent(b.Output.Code))
				}
			}
		}
	})

	for d, f := range fixes {
		text := d.Rewrite(f.blocks, f.rows)
		if err := os.WriteFile(filepath.Join(root, filepath.FromSlash(d.Path)), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: rewrote %d blocks and %d table rows", d.Path, len(f.blocks), len(f.rows))
	}
}

type fix struct {
	blocks map[*Block]string
	rows   map[*WhereRow][2]string
}

// runChecks runs the generated program and decodes its results.
func runChecks(t *testing.T, bin string, args ...string) []result {
	t.Helper()
	cmd := exec.Command(bin, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("running the docs' checks: %v\n%s", err, stderr.String())
	}
	var results []result
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 1<<24)
	for sc.Scan() {
		var r result
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("reading the checks' output: %v: %s", err, sc.Text())
		}
		results = append(results, r)
	}
	return results
}

// compileErrors keeps the compiler's messages (they name the docs' lines)
// and drops the "# package" headers of generated packages.
func compileErrors(out []byte) string {
	var lines []string
	for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if strings.HasPrefix(l, "# ") {
			continue
		}
		lines = append(lines, l)
	}
	return strings.Join(lines, "\n")
}

// trimLines drops trailing spaces and blank lines at the end.
func trimLines(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " \t")
	}
	return strings.TrimRight(strings.Join(lines, "\n"), "\n")
}

func indent(s string) string {
	return "\t" + strings.ReplaceAll(s, "\n", "\n\t")
}

func goTool() string {
	if p, err := exec.LookPath("go"); err == nil {
		return p
	}
	return "go" // not on PATH: let exec report it
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(fmt.Sprint(err))
	}
	return v
}
