//go:build unix

package pgserver

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// needBinaries skips the test without server binaries, except under
// CI=true, where their absence is a failure.
func needBinaries(t *testing.T) {
	t.Helper()
	if _, err := findServerBinaries(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%v (CI=true)", err)
		}
		t.Skip(err)
	}
}

// unreachable is a DSN nothing answers, so Resolve starts a throwaway
// cluster.
const unreachable = "postgres://postgres@127.0.0.1:1/none?connect_timeout=2"

// TestThrowawayChild is the child process of TestSignalLeavesNothing: it
// starts a throwaway cluster, says where, and waits to be killed.
func TestThrowawayChild(t *testing.T) {
	if os.Getenv("EAGER_PGSERVER_CHILD") != "1" {
		t.Skip("the child process of TestSignalLeavesNothing")
	}
	srv, err := Resolve()
	if err != nil {
		fmt.Printf("error: %v\n", err)
		os.Exit(3)
	}
	fmt.Printf("ready %s\n", srv.cluster.dir)
	time.Sleep(time.Hour)
}

// TestSignalLeavesNothing: a process that started a throwaway cluster and
// is then ended by SIGTERM, by Ctrl-C (SIGINT to its process group, as a
// terminal sends it) or by SIGKILL, none of which runs its deferred Stop,
// leaves no postmaster and no temp dir behind.
func TestSignalLeavesNothing(t *testing.T) {
	needBinaries(t)
	for _, tc := range []struct {
		name  string
		sig   syscall.Signal
		group bool
	}{
		{"SIGTERM", syscall.SIGTERM, false},
		{"Ctrl-C", syscall.SIGINT, true},
		{"SIGKILL", syscall.SIGKILL, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestThrowawayChild$")
			cmd.Env = append(os.Environ(), "EAGER_PGSERVER_CHILD=1", "EAGER_DATABASE_URL="+unreachable)
			cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true} // its own group, as a command run from a shell
			cmd.Stderr = os.Stderr
			out, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			defer cmd.Process.Kill()
			var dir string
			sc := bufio.NewScanner(out)
			for sc.Scan() {
				if d, ok := strings.CutPrefix(sc.Text(), "ready "); ok {
					dir = d
					break
				}
				t.Log(sc.Text())
			}
			if dir == "" {
				t.Fatal("the child did not start a cluster")
			}
			postmaster, err := readPID(filepath.Join(dir, "data", "postmaster.pid"))
			if err != nil || !alive(postmaster) {
				t.Fatalf("the cluster is not running: pid %d, %v", postmaster, err)
			}

			target := cmd.Process.Pid
			if tc.group {
				target = -target
			}
			if err := syscall.Kill(target, tc.sig); err != nil {
				t.Fatal(err)
			}
			_ = cmd.Wait()
			waitGone(t, ctx, postmaster, dir)
		})
	}
}

// waitGone polls until the postmaster has exited and the dir is removed;
// ctx's deadline turns a leak into a failure.
func waitGone(t *testing.T, ctx context.Context, postmaster int, dir string) {
	t.Helper()
	for {
		_, statErr := os.Stat(dir)
		if !alive(postmaster) && os.IsNotExist(statErr) {
			return
		}
		select {
		case <-ctx.Done():
			// Leave nothing behind even when failing.
			_ = syscall.Kill(postmaster, syscall.SIGKILL)
			os.RemoveAll(dir)
			t.Fatalf("postmaster %d alive: %v; dir %s exists: %v", postmaster, alive(postmaster), dir, statErr == nil)
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// TestStartFromTemplate: once a cluster has been made, the next start
// copies the cached initdb template instead of running initdb, and the
// copy is a working cluster of its own; Stop removes everything.
func TestStartFromTemplate(t *testing.T) {
	needBinaries(t)
	bin, _ := findServerBinaries()
	first, err := resolve(unreachable)
	if err != nil {
		t.Fatal(err)
	}
	defer first.Stop()
	tpl := templateDir(bin)
	if tpl == "" || !isCluster(tpl) {
		t.Fatalf("no template cached at %q after a start", tpl)
	}
	start := time.Now()
	second, err := resolve(unreachable)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("a start from the template took %v", time.Since(start))
	if !second.cluster.fromTemplate {
		t.Fatal("the second start ran initdb again")
	}
	if first.DSN == second.DSN || ping(first.DSN) != nil || ping(second.DSN) != nil {
		t.Fatalf("two working clusters expected: %s, %s", first.DSN, second.DSN)
	}
	for _, s := range []*Server{first, second} {
		dir, pid := s.cluster.dir, s.cluster.pid
		s.Stop()
		if _, err := os.Stat(dir); !os.IsNotExist(err) || alive(pid) {
			t.Fatalf("after Stop: dir %s (%v), postmaster %d alive %v", dir, err, pid, alive(pid))
		}
	}
}
