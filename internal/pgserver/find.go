package pgserver

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strconv"
	"strings"
)

// searchGlobs are where packaged PostgreSQL servers live, looked at after
// PATH, since most packages do not put initdb on it.
var searchGlobs = []string{
	"/usr/lib/postgresql/*/bin",                          // Debian, Ubuntu
	"/usr/pgsql-*/bin",                                   // RHEL, Fedora, Rocky (PGDG packages)
	"/opt/homebrew/opt/postgresql@*/bin",                 // Homebrew on Apple silicon (keg-only versions)
	"/opt/homebrew/opt/postgresql/bin",                   //
	"/usr/local/opt/postgresql@*/bin",                    // Homebrew on Intel
	"/usr/local/opt/postgresql/bin",                      //
	"/Applications/Postgres.app/Contents/Versions/*/bin", // Postgres.app
	"/usr/local/pgsql/bin",                               // built from source
}

// findServerBinaries returns the directory holding initdb and postgres.
func findServerBinaries() (string, error) {
	return findBinaries(os.Getenv("PATH"), string(filepath.Separator))
}

// findBinaries looks in the PATH list first, then in searchGlobs under
// root, the newest version first.
func findBinaries(pathList, root string) (string, error) {
	for _, dir := range filepath.SplitList(pathList) {
		if dir != "" && hasServer(dir) {
			return dir, nil
		}
	}
	for _, g := range searchGlobs {
		dirs, _ := filepath.Glob(filepath.Join(root, g))
		sort.SliceStable(dirs, func(i, j int) bool { return versionOf(dirs[i]) > versionOf(dirs[j]) })
		for _, d := range dirs {
			if hasServer(d) {
				return d, nil
			}
		}
	}
	return "", fmt.Errorf("initdb not found (PostgreSQL's server programs, initdb and postgres, are neither in PATH nor in %s): %s; or set EAGER_DATABASE_URL to a server that runs",
		strings.Join(searchGlobs, ", "), installHint())
}

func installHint() string {
	switch runtime.GOOS {
	case "darwin":
		return "install them with Homebrew (brew install postgresql@17) or Postgres.app (https://postgresapp.com)"
	case "linux":
		return "install the server package (Debian/Ubuntu: apt-get install postgresql; Fedora/RHEL: dnf install postgresql-server)"
	}
	return "install PostgreSQL (https://www.postgresql.org/download/)"
}

func hasServer(dir string) bool {
	for _, name := range []string{"initdb", "postgres"} {
		fi, err := os.Stat(filepath.Join(dir, name))
		if err != nil || fi.IsDir() || fi.Mode().Perm()&0o111 == 0 {
			return false
		}
	}
	return true
}

var versionRE = regexp.MustCompile(`\d+(?:\.\d+)?`)

// versionOf reads the version in a bin directory's parent: 15 in
// /usr/lib/postgresql/15/bin, 16 in .../postgresql@16/bin or pgsql-16/bin;
// 0 when there is none.
func versionOf(binDir string) float64 {
	m := versionRE.FindAllString(filepath.Base(filepath.Dir(binDir)), -1)
	if len(m) == 0 {
		return 0
	}
	v, _ := strconv.ParseFloat(m[len(m)-1], 64)
	return v
}
