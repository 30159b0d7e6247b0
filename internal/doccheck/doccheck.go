package doccheck

import (
	"bufio"
	"errors"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Root returns the module root above dir and the module path.
func Root(dir string) (root, module string, err error) {
	dir, err = filepath.Abs(dir)
	if err != nil {
		return "", "", err
	}
	for {
		f, err := os.Open(filepath.Join(dir, "go.mod"))
		if err == nil {
			defer f.Close()
			sc := bufio.NewScanner(f)
			for sc.Scan() {
				if m, ok := strings.CutPrefix(strings.TrimSpace(sc.Text()), "module "); ok {
					return dir, strings.Trim(strings.TrimSpace(m), `"`), nil
				}
			}
			return "", "", errors.New("no module line in " + f.Name())
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", "", errors.New("no go.mod above the working directory")
		}
		dir = parent
	}
}

// DocFiles lists the markdown files whose snippets are checked: README.md
// and every .md file under docs/, as slash paths relative to root.
func DocFiles(root string) ([]string, error) {
	var out []string
	if _, err := os.Stat(filepath.Join(root, "README.md")); err == nil {
		out = append(out, "README.md")
	}
	err := filepath.WalkDir(filepath.Join(root, "docs"), func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		if !d.IsDir() && strings.HasSuffix(path, ".md") {
			rel, err := filepath.Rel(root, path)
			if err != nil {
				return err
			}
			out = append(out, filepath.ToSlash(rel))
		}
		return nil
	})
	sort.Strings(out[min(1, len(out)):])
	return out, err
}

// standard are the packages a snippet may use without importing them: the
// standard library's common ones and the module's dependencies, by name.
var standard = map[string]string{
	"bytes": "bytes", "context": "context", "errors": "errors", "fmt": "fmt", "io": "io", "iter": "iter",
	"log": "log", "slog": "log/slog", "maps": "maps", "math": "math", "http": "net/http",
	"httptest": "net/http/httptest", "os": "os", "signal": "os/signal", "filepath": "path/filepath",
	"reflect": "reflect", "slices": "slices", "sort": "sort", "strconv": "strconv", "strings": "strings",
	"sync": "sync", "atomic": "sync/atomic", "testing": "testing", "time": "time", "json": "encoding/json",
	"sql": "database/sql", "flag": "flag", "syscall": "syscall", "runtime": "runtime",
	"pgx": "github.com/jackc/pgx/v5", "pgxpool": "github.com/jackc/pgx/v5/pgxpool",
	"pgconn": "github.com/jackc/pgx/v5/pgconn", "pgtype": "github.com/jackc/pgx/v5/pgtype",
	"assert": "github.com/stretchr/testify/assert", "require": "github.com/stretchr/testify/require",
}

// KnownPackages maps package names to import paths: the standard set plus
// every package of the module (orm, queryset, relations, ormtest, ...; a
// name two packages share is left out), so that a snippet can use
// orm.Open without an import line.
func KnownPackages(root, module string) (map[string]string, error) {
	known := map[string]string{}
	for k, v := range standard {
		known[k] = v
	}
	seen := map[string]string{}
	dup := map[string]bool{}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			name := d.Name()
			if path != root && (strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") || name == "testdata" ||
				name == "examples" || name == "docs") {
				return filepath.SkipDir
			}
			if _, err := os.Stat(filepath.Join(path, "go.mod")); err == nil && path != root {
				return filepath.SkipDir // another module
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		dir := filepath.Dir(path)
		rel, _ := filepath.Rel(root, dir)
		if rel == "." {
			return nil
		}
		imp := module + "/" + filepath.ToSlash(rel)
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.PackageClauseOnly)
		if err != nil || f.Name.Name == "main" {
			return nil
		}
		name := f.Name.Name
		if prev, ok := seen[name]; ok && prev != imp {
			dup[name] = true
		}
		seen[name] = imp
		return nil
	})
	for name, imp := range seen {
		if !dup[name] {
			known[name] = imp
		}
	}
	return known, err
}

// Rewrite replaces, in a doc's lines, each given block's code and each
// given where row's SQL and argument cells, and returns the new text.
func (d *Doc) Rewrite(blocks map[*Block]string, rows map[*WhereRow][2]string) string {
	lines := append([]string(nil), d.Lines...)
	for r, cells := range rows {
		lines[r.idx] = rewriteRow(lines[r.idx], cells[0], cells[1])
	}
	// Replace blocks from the last, so earlier line indexes stay valid.
	var order []*Block
	for b := range blocks {
		order = append(order, b)
	}
	sort.Slice(order, func(i, j int) bool { return order[i].first > order[j].first })
	for _, b := range order {
		var code []string
		for _, l := range strings.Split(blocks[b], "\n") {
			code = append(code, b.indent+l)
		}
		lines = append(lines[:b.first], append(code, lines[b.end:]...)...)
	}
	return strings.Join(lines, "\n")
}

// rewriteRow sets the third and fourth cells of a table row.
func rewriteRow(line, sql, args string) string {
	cells := splitRow(line)
	for len(cells) < 4 {
		cells = append(cells, "")
	}
	for i, c := range cells {
		cells[i] = strings.ReplaceAll(c, "|", `\|`) // splitRow unescaped them
	}
	cells[2], cells[3] = codeSpan(sql), codeSpan(args)
	return "| " + strings.Join(cells, " | ") + " |"
}
