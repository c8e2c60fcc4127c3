// Package pglocal runs a private PostgreSQL cluster from the machine's own
// server binaries: the embedded default when no DATABASE_URL is set, and the
// throwaway clusters of the test harness. It never downloads anything.
package pglocal

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// Binaries is a directory holding initdb, pg_ctl and postgres of one major version.
type Binaries struct {
	Dir   string
	Major int
}

// Path returns the full path of one server program.
func (b Binaries) Path(name string) string { return filepath.Join(b.Dir, name) }

// ErrNoBinaries says PostgreSQL's server programs are not installed.
var ErrNoBinaries = errors.New("PostgreSQL server binaries (initdb, pg_ctl, postgres) not found on PATH, in /usr/lib/postgresql/*/bin or Homebrew's paths: install the server package (Debian/Ubuntu: apt-get install postgresql; macOS: brew install postgresql@16) or set DATABASE_URL to use an existing server")

// searchDirs lists candidate binary directories, most preferred first.
func searchDirs() []string {
	var dirs []string
	if p, err := exec.LookPath("initdb"); err == nil {
		if r, err := filepath.EvalSymlinks(p); err == nil {
			dirs = append(dirs, filepath.Dir(r))
		}
		dirs = append(dirs, filepath.Dir(p))
	}
	for _, pattern := range []string{
		"/usr/lib/postgresql/*/bin",          // Debian, Ubuntu
		"/usr/pgsql-*/bin",                   // RHEL, Fedora (PGDG)
		"/opt/homebrew/opt/postgresql@*/bin", // Homebrew, Apple silicon
		"/usr/local/opt/postgresql@*/bin",    // Homebrew, Intel
		"/opt/homebrew/opt/postgresql/bin",
		"/usr/local/opt/postgresql/bin",
		"/usr/local/pgsql/bin",
	} {
		m, _ := filepath.Glob(pattern)
		// Newest major first.
		sort.Slice(m, func(i, j int) bool { return versionIn(m[i]) > versionIn(m[j]) })
		dirs = append(dirs, m...)
	}
	return dirs
}

var digits = regexp.MustCompile(`\d+`)

func versionIn(path string) int {
	n := 0
	for _, s := range digits.FindAllString(path, -1) {
		if v, err := strconv.Atoi(s); err == nil && v > n {
			n = v
		}
	}
	return n
}

// FindBinaries finds a complete set of server programs. With want > 0 it
// prefers that major version (the one that created an existing cluster).
func FindBinaries(want int) (Binaries, error) {
	var found []Binaries
	seen := map[string]bool{}
	for _, d := range searchDirs() {
		if seen[d] {
			continue
		}
		seen[d] = true
		if !isExec(filepath.Join(d, "initdb")) || !isExec(filepath.Join(d, "pg_ctl")) || !isExec(filepath.Join(d, "postgres")) {
			continue
		}
		major, err := majorVersion(filepath.Join(d, "postgres"))
		if err != nil {
			continue
		}
		b := Binaries{Dir: d, Major: major}
		if want == 0 || major == want {
			return b, nil
		}
		found = append(found, b)
	}
	if len(found) > 0 {
		return found[0], nil
	}
	return Binaries{}, ErrNoBinaries
}

func isExec(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0
}

// majorVersion runs `postgres --version` ("postgres (PostgreSQL) 15.18 (Debian ...)").
func majorVersion(postgres string) (int, error) {
	out, err := exec.Command(postgres, "--version").Output()
	if err != nil {
		return 0, fmt.Errorf("%s --version: %w", postgres, err)
	}
	return parseMajor(string(out))
}

var versionRE = regexp.MustCompile(`\(PostgreSQL\)\s+(\d+)(?:\.(\d+))?`)

func parseMajor(s string) (int, error) {
	m := versionRE.FindStringSubmatch(s)
	if m == nil {
		return 0, fmt.Errorf("unrecognised postgres version %q", strings.TrimSpace(s))
	}
	major, _ := strconv.Atoi(m[1])
	if major < 10 && m[2] != "" { // 9.6 style
		minor, _ := strconv.Atoi(m[2])
		major = major*10 + minor
	}
	return major, nil
}
