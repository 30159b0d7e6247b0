//go:build unix

package pgserver

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// cleanStale removes the throwaway cluster dirs in tmp that nothing runs
// in any more: their owner process is gone and so is their postmaster. A
// cluster's supervisor removes its dir when its owner ends, but not when
// the supervisor itself is killed (kill -9 of its process group, a
// reboot), and versions before it left one behind on every SIGTERM.
func cleanStale(tmp string) {
	dirs, _ := filepath.Glob(filepath.Join(tmp, dirPrefix+"*"))
	for _, d := range dirs {
		if stale(d) {
			os.RemoveAll(d)
		}
	}
}

func stale(dir string) bool {
	fi, err := os.Lstat(dir)
	if err != nil || !fi.IsDir() {
		return false
	}
	owner, ownerErr := readPID(filepath.Join(dir, "owner"))
	if ownerErr == nil && alive(owner) {
		return false
	}
	if pm, err := readPID(filepath.Join(dir, "data", "postmaster.pid")); err == nil && alive(pm) {
		return false
	}
	// No owner file: a dir being made right now, or one from a version
	// that wrote none. Only an old one is stale.
	if ownerErr != nil && time.Since(fi.ModTime()) < time.Minute {
		return false
	}
	return true
}

// readPID reads the number on a file's first line (postmaster.pid has more
// lines after it).
func readPID(path string) (int, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	first, _, _ := strings.Cut(string(b), "\n")
	return strconv.Atoi(strings.TrimSpace(first))
}
