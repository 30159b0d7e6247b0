package doccheck

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestLineReferences: every file.go:NN the docs quote (a capture report's
// call site, a panic's line) is a line of this repository that holds what
// the doc's lines block says it holds. -update renumbers the quotes whose
// line moved.
func TestLineReferences(t *testing.T) {
	root, _, err := Root(".")
	require.NoError(t, err)
	docs, err := DocFiles(root)
	require.NoError(t, err)
	files, err := GoFiles(root)
	require.NoError(t, err)
	for _, path := range docs {
		d, err := ParseFile(root, path)
		if err != nil {
			t.Error(err)
			continue
		}
		problems, renumber := CheckLines(root, d, files)
		if *update && len(renumber) > 0 {
			require.NoError(t, os.WriteFile(filepath.Join(root, filepath.FromSlash(path)), []byte(d.Renumber(renumber)), 0o644))
			t.Logf("%s: renumbered %d quoted lines", path, len(renumber))
			d, err = ParseFile(root, path)
			require.NoError(t, err)
			problems, _ = CheckLines(root, d, files)
		}
		for _, p := range problems {
			t.Error(p)
		}
	}
}

func TestCheckLines(t *testing.T) {
	root := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(root, "examples", "demo"), 0o755))
	require.NoError(t, os.MkdirAll(filepath.Join(root, "other", "demo"), 0o755))
	code := "package main\n\nfunc main() {\n\tload() // the N+1\n}\n"
	require.NoError(t, os.WriteFile(filepath.Join(root, "examples", "demo", "main.go"), []byte(code), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(root, "other", "demo", "main.go"), []byte(code), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(root, "examples", "demo", "run.go"), []byte(code), 0o644))
	files, err := GoFiles(root)
	require.NoError(t, err)
	assert.Equal(t, []string{"examples/demo/main.go", "examples/demo/run.go", "other/demo/main.go"}, files)

	check := func(doc string) ([]string, map[string]string, *Doc) {
		d, err := Parse("docs/x.md", doc)
		require.NoError(t, err)
		p, r := CheckLines(root, d, files)
		return p, r, d
	}

	problems, _, _ := check("panic at examples/demo/main.go:4 (see [run.go:4 x500])\n\n<!-- doccheck: lines\nexamples/demo/main.go:4 load() // the N+1\nrun.go:4 load()\n-->\n")
	assert.Empty(t, problems, "true quotes")

	doc := "at examples/demo/main.go:3, twice: examples/demo/main.go:3.\n<!-- doccheck: lines\nexamples/demo/main.go:3 load()\n-->\n"
	problems, renumber, d := check(doc)
	assert.Equal(t, []string{`docs/x.md:3: examples/demo/main.go:3 does not hold "load()"; line 4 does (go test ./internal/doccheck -update renumbers it)`}, problems)
	assert.Equal(t, "at examples/demo/main.go:4, twice: examples/demo/main.go:4.\n<!-- doccheck: lines\nexamples/demo/main.go:4 load()\n-->\n", d.Renumber(renumber))

	problems, _, _ = check("at demo/main.go:4 and nosuch.go:1 and examples/demo/main.go:2\n<!-- doccheck: lines\ndemo/main.go:4 load()\nnosuch.go:1 x\nexamples/demo/run.go:1 package\nexamples/demo/main.go:2 nothing like it\n-->\n")
	assert.Equal(t, []string{
		"docs/x.md:3: demo/main.go names several files (examples/demo/main.go, other/demo/main.go): quote more of the path of this repository",
		"docs/x.md:4: nosuch.go names no file of this repository",
		"docs/x.md:5: the lines entry examples/demo/run.go:1 is quoted nowhere in the doc",
		`docs/x.md:6: examples/demo/main.go:2 does not hold "nothing like it"; no line of the file does`,
	}, problems)

	problems, _, _ = check("the line examples/demo/run.go:4\n")
	require.Len(t, problems, 1)
	assert.Contains(t, problems[0], "docs/x.md:1: examples/demo/run.go:4 is quoted, but no <!-- doccheck: lines --> entry says what that line holds")

	_, err = Parse("docs/x.md", "<!-- doccheck: lines\nnot an entry\n-->\n")
	assert.EqualError(t, err, `docs/x.md:2: a doccheck lines entry is "file.go:NN text the line holds"`)
}

// TestGoVersion: the Go version the docs ask for is go.mod's.
func TestGoVersion(t *testing.T) {
	root, _, err := Root(".")
	require.NoError(t, err)
	mod, err := os.ReadFile(filepath.Join(root, "go.mod"))
	require.NoError(t, err)
	m := regexp.MustCompile(`(?m)^go (\d+\.\d+)`).FindSubmatch(mod)
	require.NotNil(t, m, "go.mod has a go line")
	want := string(m[1])
	docs, err := DocFiles(root)
	require.NoError(t, err)
	asks := regexp.MustCompile(`\bGo (\d+\.\d+)(?:\.\d+)?(?:\+| or newer| or later)`)
	found := 0
	for _, path := range docs {
		b, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(path)))
		require.NoError(t, err)
		for i, line := range strings.Split(string(b), "\n") {
			for _, m := range asks.FindAllStringSubmatch(line, -1) {
				found++
				if m[1] != want {
					t.Errorf("%s:%d: %q, but go.mod says go %s", path, i+1, m[0], want)
				}
			}
		}
	}
	assert.NotZero(t, found, "README.md says which Go it needs")
}
