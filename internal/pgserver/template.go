//go:build unix

package pgserver

import (
	"crypto/sha256"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// initdbArgs make the cluster; they are part of the template's key.
var initdbArgs = []string{"-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"}

// prepareData fills data with a fresh cluster: a copy of the cached initdb
// template when there is one (initdb takes about 3 of the 5 seconds a
// start used to take; a copy takes a fraction of one), else initdb, whose
// result is then cached for the next start.
func prepareData(bin, data string, cred *syscall.Credential) (fromTemplate bool, err error) {
	tpl := templateDir(bin)
	if tpl != "" && isCluster(tpl) {
		if err := copyTree(tpl, data, cred); err == nil {
			return true, nil
		}
		os.RemoveAll(data)
	}
	if out, err := run(cred, filepath.Dir(data), filepath.Join(bin, "initdb"), append([]string{"-D", data}, initdbArgs...)...); err != nil {
		return false, fmt.Errorf("initdb: %v: %s", err, out)
	}
	if tpl != "" {
		saveTemplate(data, tpl)
	}
	return false, nil
}

// templateDir is where the template for these binaries is cached: under
// the user's cache dir, keyed by the server's version and the binaries'
// place (so an upgrade, or another installation, gets its own). "" when
// there is no cache dir or the version cannot be read.
func templateDir(bin string) string {
	cache, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	out, err := exec.Command(filepath.Join(bin, "postgres"), "--version").Output()
	if err != nil {
		return ""
	}
	version := strings.TrimSpace(string(out))
	sum := sha256.Sum256([]byte(bin + "\x00" + version + "\x00" + strings.Join(initdbArgs, " ")))
	name := "pg"
	if v := versionRE.FindString(version); v != "" {
		name += v
	}
	return filepath.Join(cache, "eager", "pgserver", fmt.Sprintf("%s-%x", name, sum[:6]))
}

func isCluster(dir string) bool {
	for _, f := range []string{"PG_VERSION", "global/pg_control"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			return false
		}
	}
	return true
}

// saveTemplate copies a fresh cluster into the cache, best effort: under a
// temporary name first, renamed when complete, so a concurrent start never
// copies half a template, and the first of two racing saves wins.
func saveTemplate(data, tpl string) {
	parent := filepath.Dir(tpl)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return
	}
	// Copies left by a process killed while saving.
	if old, _ := filepath.Glob(filepath.Join(parent, "*.tmp-*")); len(old) > 0 {
		for _, o := range old {
			if fi, err := os.Stat(o); err == nil && time.Since(fi.ModTime()) > 10*time.Minute {
				os.RemoveAll(o)
			}
		}
	}
	tmp, err := os.MkdirTemp(parent, filepath.Base(tpl)+".tmp-")
	if err != nil {
		return
	}
	if err := copyTree(data, tmp, nil); err != nil || os.Rename(tmp, tpl) != nil {
		os.RemoveAll(tmp)
	}
}

// copyTree copies the directory src to dst (which may exist), keeping
// modes, and, with cred, giving every file to that user.
func copyTree(src, dst string, cred *syscall.Credential) error {
	return filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		info, err := d.Info()
		if err != nil {
			return err
		}
		switch {
		case d.IsDir():
			if err := os.MkdirAll(target, info.Mode().Perm()); err != nil {
				return err
			}
			if err := os.Chmod(target, info.Mode().Perm()); err != nil {
				return err
			}
		case info.Mode().IsRegular():
			if err := copyFile(path, target, info.Mode().Perm()); err != nil {
				return err
			}
		default:
			return fmt.Errorf("%s: not a regular file or directory", path)
		}
		if cred != nil {
			return os.Lchown(target, int(cred.Uid), int(cred.Gid))
		}
		return nil
	})
}

func copyFile(src, dst string, perm fs.FileMode) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, perm)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
