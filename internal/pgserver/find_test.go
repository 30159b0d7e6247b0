package pgserver

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func fakeServer(t *testing.T, dir string, names ...string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, n := range names {
		if err := os.WriteFile(filepath.Join(dir, n), []byte("#!/bin/sh\n"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
}

// TestFindBinaries: PATH first, then the packaged layouts (Debian, PGDG,
// Homebrew, Postgres.app), the newest version first; a directory missing
// postgres or initdb does not count; none found gives an install hint.
func TestFindBinaries(t *testing.T) {
	root := t.TempDir()
	_, err := findBinaries("", root)
	if err == nil || !strings.Contains(err.Error(), "initdb not found (") ||
		!strings.Contains(err.Error(), "neither in PATH nor in /usr/lib/postgresql/*/bin") ||
		!strings.Contains(err.Error(), "/opt/homebrew/opt/postgresql@*/bin") ||
		!strings.Contains(err.Error(), "/Applications/Postgres.app/Contents/Versions/*/bin") ||
		!strings.Contains(err.Error(), "install") || !strings.Contains(err.Error(), "EAGER_DATABASE_URL") {
		t.Fatalf("no binaries: %v", err)
	}

	fakeServer(t, filepath.Join(root, "opt/homebrew/opt/postgresql@14/bin"), "initdb", "postgres")
	fakeServer(t, filepath.Join(root, "opt/homebrew/opt/postgresql@16/bin"), "initdb", "postgres")
	fakeServer(t, filepath.Join(root, "opt/homebrew/opt/postgresql@17/bin"), "initdb") // no postgres: incomplete
	fakeServer(t, filepath.Join(root, "Applications/Postgres.app/Contents/Versions/17/bin"), "initdb", "postgres")
	got, err := findBinaries("", root)
	if err != nil || got != filepath.Join(root, "opt/homebrew/opt/postgresql@16/bin") {
		t.Fatalf("Homebrew: got %q, %v; want the newest complete keg", got, err)
	}

	fakeServer(t, filepath.Join(root, "usr/lib/postgresql/13/bin"), "initdb", "postgres")
	fakeServer(t, filepath.Join(root, "usr/lib/postgresql/15/bin"), "initdb", "postgres")
	if got, _ := findBinaries("", root); got != filepath.Join(root, "usr/lib/postgresql/15/bin") {
		t.Fatalf("Debian's layout comes first: got %q", got)
	}

	onPath := filepath.Join(root, "somewhere/bin")
	fakeServer(t, onPath, "initdb", "postgres")
	if got, _ := findBinaries(strings.Join([]string{filepath.Join(root, "empty"), onPath}, string(filepath.ListSeparator)), root); got != onPath {
		t.Fatalf("PATH comes first: got %q", got)
	}

	if err := os.RemoveAll(filepath.Join(root, "usr")); err != nil {
		t.Fatal(err)
	}
	if err := os.RemoveAll(filepath.Join(root, "opt")); err != nil {
		t.Fatal(err)
	}
	if got, _ := findBinaries("", root); got != filepath.Join(root, "Applications/Postgres.app/Contents/Versions/17/bin") {
		t.Fatalf("Postgres.app: got %q", got)
	}
}
