//go:build unix

package pgserver

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

// deadPID is the pid of a process that has exited.
func deadPID(t *testing.T) int {
	t.Helper()
	cmd := exec.Command("true")
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	return cmd.Process.Pid
}

// TestCleanStale: a cluster dir is removed only when both its owner
// process and its postmaster are gone; a dir without an owner file (older
// versions, or one being made) only once it is a minute old.
func TestCleanStale(t *testing.T) {
	tmp := t.TempDir()
	dead, me := deadPID(t), os.Getpid()
	mk := func(name string, owner, postmaster int, age time.Duration) string {
		d := filepath.Join(tmp, dirPrefix+name)
		if err := os.MkdirAll(filepath.Join(d, "data"), 0o700); err != nil {
			t.Fatal(err)
		}
		if owner != 0 {
			os.WriteFile(filepath.Join(d, "owner"), []byte(strconv.Itoa(owner)+"\n"), 0o644)
		}
		if postmaster != 0 {
			os.WriteFile(filepath.Join(d, "data", "postmaster.pid"), []byte(strconv.Itoa(postmaster)+"\n/some/dir\n"), 0o600)
		}
		old := time.Now().Add(-age)
		os.Chtimes(d, old, old)
		return d
	}
	gone := []string{
		mk("dead-owner-dead-postmaster", dead, dead, 0),
		mk("dead-owner-never-started", dead, 0, 0),
		mk("old-without-owner", 0, dead, time.Hour),
	}
	kept := []string{
		mk("live-owner", me, dead, time.Hour),
		mk("live-postmaster", dead, me, time.Hour),
		mk("new-without-owner", 0, 0, 0),
	}
	other := filepath.Join(tmp, "not-ours")
	os.Mkdir(other, 0o700)
	cleanStale(tmp)
	for _, d := range gone {
		if _, err := os.Stat(d); !os.IsNotExist(err) {
			t.Errorf("%s should be removed", filepath.Base(d))
		}
	}
	for _, d := range append(kept, other) {
		if _, err := os.Stat(d); err != nil {
			t.Errorf("%s should stay: %v", filepath.Base(d), err)
		}
	}
}
