package load

import (
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestEngineImportsNoPublicPackage holds the import rule ARCHITECTURE.md
// states: the packages under internal/ never import the public ones (orm,
// relations, queryset, migrate, pgdev); where the engine needs one, it
// declares an interface the public package implements. internal/testdomain
// is the exception: the model domain eager's own tests share, declared with
// the public relation types.
func TestEngineImportsNoPublicPackage(t *testing.T) {
	const module = "github.com/eagerorm/eager/"
	public := map[string]bool{}
	for _, p := range []string{"orm", "relations", "queryset", "migrate", "pgdev"} {
		public[module+p] = true
	}
	root := filepath.Join("..")
	checked := 0
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			// As the go tool does, skip testdata and dirs starting with _ or .
			// (doccheck generates packages in _gen* dirs while it runs).
			name := d.Name()
			if path != root && (name == "testdomain" || name == "testdata" || strings.HasPrefix(name, "_") || strings.HasPrefix(name, ".")) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		checked++
		for _, imp := range f.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			if public[p] || strings.HasPrefix(p, module+"orm/") {
				t.Errorf("%s imports %s: engine packages under internal/ may not import public ones", path, p)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked < 20 {
		t.Fatalf("checked only %d files under internal/: the walk did not find the engine", checked)
	}
}
