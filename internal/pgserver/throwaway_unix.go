//go:build unix

package pgserver

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
)

// dirPrefix names the temp dirs of throwaway clusters, so that stale ones
// can be found.
const dirPrefix = "eager-pgtest-"

// throwaway is a PostgreSQL cluster created for one process.
type throwaway struct {
	dir          string // removed on stop; holds data/, the socket, the log and the owner's pid
	dsn          string
	pid          int            // the postmaster
	super        *exec.Cmd      // the supervisor: the shell whose child the postmaster is
	release      io.WriteCloser // closing it tells the supervisor to shut the cluster down
	fromTemplate bool           // data/ was copied from the cached initdb template
	exited       chan struct{}  // closed when the supervisor has exited
	stopOnce     sync.Once
}

// supervisorScript starts the postmaster and stays its parent. It waits for
// its standard input to close: the Go process closes it in stop, and the
// kernel closes it when that process ends in any way (SIGTERM, Ctrl-C,
// SIGKILL, a panic, os.Exit skipping deferred calls). Then it shuts the
// postmaster down at once (SIGQUIT: immediate shutdown, which ends every
// backend too) and removes the directory. The supervisor runs in a process
// group of its own, so the Ctrl-C a terminal sends to the foreground group
// reaches the Go process but not the supervisor, which must outlive it.
const supervisorScript = `dir=$1; shift
"$@" >"$dir/log" 2>&1 </dev/null &
pm=$!
echo "$pm"
while read -r line; do :; done
kill -QUIT "$pm" 2>/dev/null
wait "$pm"
rm -rf "$dir"
`

// postgresOptions: a disposable cluster needs no durability.
func postgresOptions(dir string, port int) []string {
	return []string{"-p", strconv.Itoa(port), "-k", dir, "-c", "listen_addresses=127.0.0.1", "-F",
		"-c", "max_connections=200", "-c", "full_page_writes=off", "-c", "synchronous_commit=off"}
}

func startThrowaway(bin string) (*throwaway, error) {
	cleanStale(os.TempDir())
	dir, err := os.MkdirTemp("", dirPrefix)
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(dir, "owner"), []byte(strconv.Itoa(os.Getpid())+"\n"), 0o644); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	// initdb and postgres refuse to run as root, so the cluster belongs to
	// an unprivileged user.
	var cred *syscall.Credential
	if os.Geteuid() == 0 {
		uid, gid := nobody()
		cred = &syscall.Credential{Uid: uid, Gid: gid}
		if err := os.Chown(dir, int(uid), int(gid)); err != nil {
			os.RemoveAll(dir)
			return nil, err
		}
	}
	data := filepath.Join(dir, "data")
	fromTemplate, err := prepareData(bin, data, cred)
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	port, err := freePort()
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	c, err := supervise(dir, filepath.Join(bin, "postgres"), append([]string{"-D", data}, postgresOptions(dir, port)...), cred)
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	c.fromTemplate = fromTemplate
	c.dsn = fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres", port)
	if err := c.waitReady(60 * time.Second); err != nil {
		c.stop()
		return nil, err
	}
	return c, nil
}

// supervise starts the supervisor running postgres with args and reads the
// postmaster's pid from it.
func supervise(dir, postgres string, args []string, cred *syscall.Credential) (*throwaway, error) {
	cmd := exec.Command("/bin/sh", append([]string{"-c", supervisorScript, "sh", dir, postgres}, args...)...)
	cmd.Dir = dir
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Credential: cred}
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting the supervisor shell: %w", err)
	}
	c := &throwaway{dir: dir, super: cmd, release: stdin, exited: make(chan struct{})}
	line, err := bufio.NewReader(stdout).ReadString('\n')
	// Wait closes stdout: read the pid before letting it run.
	go func() { _ = cmd.Wait(); close(c.exited) }()
	if err == nil {
		c.pid, err = strconv.Atoi(strings.TrimSpace(line))
	}
	if err != nil {
		c.stop()
		return nil, fmt.Errorf("starting postgres under the supervisor shell: %v", err)
	}
	return c, nil
}

// waitReady polls until the server accepts a connection, the postmaster
// dies (the log says why) or the timeout passes.
func (c *throwaway) waitReady(timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		conn, err := pgconn.Connect(ctx, c.dsn+"?connect_timeout=2")
		cancel()
		if err == nil {
			conn.Close(context.Background())
			return nil
		}
		if !alive(c.pid) {
			log, _ := os.ReadFile(filepath.Join(c.dir, "log"))
			return fmt.Errorf("postgres exited at start: %s", strings.TrimSpace(string(log)))
		}
		if time.Now().After(deadline) {
			log, _ := os.ReadFile(filepath.Join(c.dir, "log"))
			return fmt.Errorf("postgres did not accept connections within %v (%v): %s", timeout, err, strings.TrimSpace(string(log)))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// stop shuts the cluster down at once (its data is disposable) and waits
// until every file it had is gone. The supervisor does the work; if it
// does not finish in time, its whole process group is killed and the
// directory removed from here.
func (c *throwaway) stop() {
	if c == nil {
		return
	}
	c.stopOnce.Do(func() {
		c.release.Close()
		select {
		case <-c.exited:
		case <-time.After(30 * time.Second):
			_ = syscall.Kill(-c.super.Process.Pid, syscall.SIGKILL)
			if c.pid > 0 {
				_ = syscall.Kill(c.pid, syscall.SIGKILL)
			}
			<-c.exited
		}
		os.RemoveAll(c.dir)
	})
}

// alive reports whether a process exists (EPERM: it does, as another user).
func alive(pid int) bool {
	if pid <= 0 {
		return false
	}
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}

func run(cred *syscall.Credential, dir, name string, args ...string) (string, error) {
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	if cred != nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	}
	out, err := cmd.CombinedOutput()
	return strings.TrimSpace(string(out)), err
}

func nobody() (uint32, uint32) {
	if u, err := user.Lookup("nobody"); err == nil {
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		return uint32(uid), uint32(gid)
	}
	return 65534, 65534
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
