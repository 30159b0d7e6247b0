// Package examples_test checks what every example promises: it can be
// copied into a module of its own.
package examples_test

import (
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// The examples use eager's public packages only: a module outside this
// repository cannot import eager/internal/... (examples/internal is the
// examples' own code, copied along with them).
func TestExamplesUsePublicAPIOnly(t *testing.T) {
	files := 0
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") {
			return err
		}
		files++
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		for _, imp := range f.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			if strings.HasPrefix(p, "github.com/eagerorm/eager/internal/") || p == "github.com/eagerorm/eager/internal" {
				t.Errorf("%s imports %s: examples use public packages only", path, p)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files < 10 {
		t.Fatalf("found %d Go files under examples/: walked the wrong directory?", files)
	}
}
