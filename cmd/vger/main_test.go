package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/vger-dev/vger/internal/pglocal"
	"github.com/vger-dev/vger/internal/pgtest"
)

var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "vger-bin-")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "vger")
	out, err := exec.Command("go", "build", "-o", binary, ".").CombinedOutput()
	if err != nil {
		fmt.Fprintf(os.Stderr, "build vger: %v\n%s", err, out)
		os.Exit(1)
	}
	defer os.RemoveAll(dir)
	pgtest.Main(m) // runs the tests, stops the test database cluster, exits
}

// vger runs the binary with a clean environment plus env.
func vger(t *testing.T, env []string, args ...string) (string, int) {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir()}, env...)
	out, err := cmd.CombinedOutput()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return string(out), code
}

func TestBadConfigurationIsOneClearLine(t *testing.T) {
	t.Parallel()
	out, code := vger(t, []string{"VGER_ADDR=notanaddress"}, "serve")
	if code != exitUsage || !strings.Contains(out, "VGER_ADDR") || strings.Count(strings.TrimSpace(out), "\n") != 0 {
		t.Fatalf("exit %d, output %q", code, out)
	}
	out, code = vger(t, []string{"DATABASE_URL=postgres://nope:1/x"}, "serve")
	if code != exitFailure || !strings.Contains(out, "not reachable") || strings.Contains(out, "goroutine") {
		t.Fatalf("exit %d, output %q", code, out)
	}
}

// Without sign-in, the server refuses an address other machines reach,
// in one line saying what to do, before it opens anything.
func TestServeRefusesAnonymousAccessOffLoopback(t *testing.T) {
	t.Parallel()
	out, code := vger(t, []string{"VGER_ADDR=0.0.0.0:0", "DATABASE_URL=postgres://nope:1/x"}, "serve")
	if code != exitUsage || !strings.Contains(out, "VGER_AUTH") || !strings.Contains(out, "VGER_ALLOW_ANONYMOUS=true") ||
		strings.Count(strings.TrimSpace(out), "\n") != 0 {
		t.Fatalf("exit %d, output %q", code, out)
	}
	out, code = vger(t, []string{"VGER_AUTH=proxy", "VGER_ADDR=0.0.0.0:0"}, "serve")
	if code != exitUsage || !strings.Contains(out, "VGER_TRUSTED_PROXIES") {
		t.Fatalf("proxy without its addresses: exit %d, output %q", code, out)
	}
}

// VGER_AUTH=oidc without what it needs stops at start in one line naming
// the missing variable; complete, it passes the access check.
func TestServeOIDCConfiguration(t *testing.T) {
	t.Parallel()
	oidc := []string{"VGER_AUTH=oidc", "VGER_ADDR=0.0.0.0:0", "DATABASE_URL=postgres://nope:1/x"}
	for _, tc := range []struct {
		env     []string
		wantVar string
	}{
		{nil, "VGER_OIDC_ISSUER"},
		{[]string{"VGER_OIDC_ISSUER=https://login.example.com"}, "VGER_OIDC_CLIENT_ID"},
		{[]string{"VGER_OIDC_ISSUER=https://login.example.com", "VGER_OIDC_CLIENT_ID=vger"}, "VGER_OIDC_REDIRECT_URL"},
		{[]string{"VGER_OIDC_ISSUER=https://login.example.com", "VGER_OIDC_CLIENT_ID=vger", "VGER_OIDC_REDIRECT_URL=https://vger.example.com/auth/callback"}, "VGER_SESSION_KEY"},
		{[]string{"VGER_OIDC_ISSUER=https://login.example.com", "VGER_OIDC_CLIENT_ID=vger", "VGER_OIDC_REDIRECT_URL=https://vger.example.com/callback"}, "VGER_OIDC_REDIRECT_URL"},
	} {
		out, code := vger(t, append(append([]string{}, oidc...), tc.env...), "serve")
		if code != exitUsage || !strings.Contains(out, tc.wantVar) || strings.Count(strings.TrimSpace(out), "\n") != 0 {
			t.Errorf("%v: exit %d, output %q (want exit 2 naming %s)", tc.env, code, out, tc.wantVar)
		}
	}
	// Complete: the access check passes and the database is what fails.
	out, code := vger(t, append(oidc, "VGER_OIDC_ISSUER=https://login.example.com", "VGER_OIDC_CLIENT_ID=vger",
		"VGER_OIDC_CLIENT_SECRET=0123456789abcdef0123", "VGER_OIDC_REDIRECT_URL=https://vger.example.com/auth/callback"), "serve")
	if code != exitFailure || !strings.Contains(out, "not reachable") || strings.Contains(out, "0123456789abcdef0123") {
		t.Fatalf("complete oidc: exit %d, output %q", code, out)
	}
}

func TestUsageErrors(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{
		{"sync"}, {"sync", "--board", "1", "--all"}, {"sync", "--repo", "nonsense"},
		{"board"}, {"board", "add"}, {"board", "add", "--jira-board", "3"},
		{"repo", "add", "acme"}, {"repo", "add", "acme/api"}, {"status", "--bogus"},
	} {
		out, code := vger(t, nil, args...)
		if code != exitUsage || strings.Count(strings.TrimSpace(out), "\n") != 0 {
			t.Errorf("%v: exit %d, %q (want exit 2 and one line)", args, code, out)
		}
	}
	if out, code := vger(t, nil, "frobnicate"); code != exitUsage || !strings.Contains(out, "unknown command") {
		t.Errorf("unknown: exit %d, %q", code, out)
	}
}

func TestHelpConfigMasksSecrets(t *testing.T) {
	t.Parallel()
	const canary = "canary-7f3a9d-secret"
	out, code := vger(t, []string{"GITHUB_TOKEN=" + canary, "DATABASE_URL=postgres://u:" + canary + "@db/x"}, "help", "config")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, out)
	}
	if strings.Contains(out, canary) {
		t.Fatalf("secret printed:\n%s", out)
	}
	for _, v := range []string{"DATABASE_URL", "VGER_ADDR", "JIRA_URL", "GITHUB_TOKEN", "VGER_SYNC_INTERVAL", "127.0.0.1:8080", "postgres://u:xxxxx@db/x"} {
		if !strings.Contains(out, v) {
			t.Errorf("help config lacks %q", v)
		}
	}
}

func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// needPostgresBinaries skips a test of the private cluster where the
// PostgreSQL binaries are missing, and fails it in CI.
func needPostgresBinaries(t *testing.T) {
	t.Helper()
	if _, err := pglocal.FindBinaries(0); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal(err)
		}
		t.Skip(err)
	}
}

// TestEmbeddedDatabaseLifecycle is the foundation's promise end to end: no
// DATABASE_URL, `vger migrate` then `vger serve` run a private cluster, the
// server answers, and SIGTERM stops the server and the cluster.
func TestEmbeddedDatabaseLifecycle(t *testing.T) {
	t.Parallel()
	needPostgresBinaries(t)
	dataDir := filepath.Join(t.TempDir(), "data")
	env := []string{"VGER_DATA_DIR=" + dataDir}
	t.Cleanup(func() { removeCluster(dataDir) })

	// serve refuses an unmigrated database and says what to do.
	out, code := vger(t, env, "serve", "--addr", freePort(t))
	if code == 0 || !strings.Contains(out, "vger migrate") {
		t.Fatalf("serve before migrate: exit %d %q", code, out)
	}
	if out, code := vger(t, env, "migrate"); code != 0 || !strings.Contains(out, "0001_initial.sql") {
		t.Fatalf("migrate: exit %d %q", code, out)
	}
	if out, code := vger(t, env, "migrate"); code != 0 || !strings.Contains(out, "up to date") {
		t.Fatalf("second migrate: exit %d %q", code, out)
	}

	addr := freePort(t)
	cmd := exec.Command(binary, "serve", "--addr", addr)
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "VGER_LOG_FORMAT=json"}, env...)
	stderr, _ := cmd.StderrPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := make(chan string, 100)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	waitFor(t, lines, `"msg":"serving"`)

	for path, want := range map[string]string{"/readyz": "ready", "/": `data-testid="page-title"`} {
		res, err := http.Get("http://" + addr + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != 200 || !strings.Contains(string(body), want) {
			t.Fatalf("%s: %d %q", path, res.StatusCode, body)
		}
	}
	pid, _ := clusterPID(dataDir)
	if pid == 0 {
		t.Fatal("no postmaster.pid while serving")
	}
	cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serve exited with %v", err)
		}
	case <-time.After(60 * time.Second):
		cmd.Process.Kill()
		t.Fatal("serve did not stop on SIGTERM")
	}
	// pg_ctl stop -w returns once the postmaster has removed its pid
	// file, a moment before the process itself is gone: give it a few
	// seconds (a loaded machine widens that moment), then it must be.
	if !gone(pid, 15*time.Second) {
		t.Fatalf("postgres %d still running after serve stopped", pid)
	}
}

// gone polls until process pid has exited (or is a zombie) or the
// deadline passes.
func gone(pid int, within time.Duration) bool {
	deadline := time.Now().Add(within)
	for {
		if err := syscall.Kill(pid, 0); err != nil || zombie(pid) {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func waitFor(t *testing.T, lines <-chan string, want string) {
	t.Helper()
	timeout := time.After(60 * time.Second)
	for {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatalf("process ended before %s", want)
			}
			if strings.Contains(l, want) {
				return
			}
		case <-timeout:
			t.Fatalf("timed out waiting for %s", want)
		}
	}
}

func clusterDir(dataDir string) string {
	b, err := os.ReadFile(filepath.Join(dataDir, "cluster.json"))
	if err != nil {
		return ""
	}
	i := strings.Index(string(b), `"cluster_dir": "`)
	if i < 0 {
		return ""
	}
	rest := string(b)[i+len(`"cluster_dir": "`):]
	return rest[:strings.IndexByte(rest, '"')]
}

func clusterPID(dataDir string) (int, error) {
	b, err := os.ReadFile(filepath.Join(clusterDir(dataDir), "postmaster.pid"))
	if err != nil {
		return 0, err
	}
	var pid int
	_, err = fmt.Sscanf(string(b), "%d", &pid)
	return pid, err
}

func zombie(pid int) bool {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return true
	}
	i := strings.LastIndexByte(string(b), ')')
	return i > 0 && i+2 < len(b) && b[i+2] == 'Z'
}

func removeCluster(dataDir string) {
	if d := clusterDir(dataDir); d != "" && !strings.HasPrefix(d, dataDir) {
		// as root the cluster lives outside the (0700) data dir
		exec.CommandContext(context.Background(), "pg_ctl", "stop", "-D", d, "-m", "immediate").Run()
		os.RemoveAll(d)
	}
}

// The binary's own error paths with canary secrets: every command that
// needs the database, given one that cannot be reached (or a bad setting),
// says so in its output without a secret. (internal/app's canary tests run
// the same commands against a real database and the simulator.)
func TestCommandsNeverPrintSecrets(t *testing.T) {
	t.Parallel()
	const jiraToken, ghToken, dbPass = "canary-bin-jira-71d3", "canary-bin-gh-93e0", "canary-bin-pg-2f6b"
	closed := freePort(t) // nothing listens there any more
	env := []string{"DATABASE_URL=postgres://vger:" + dbPass + "@" + closed + "/vger?connect_timeout=2",
		"JIRA_URL=http://" + closed + "/jira/", "JIRA_EMAIL=demo@example.com", "JIRA_API_TOKEN=" + jiraToken,
		"GITHUB_TOKEN=" + ghToken, "VGER_LOG_FORMAT=json", "VGER_LOG_LEVEL=debug", "VGER_ADDR=127.0.0.1:0"}
	for _, args := range [][]string{{"serve"}, {"worker"}, {"sync", "--all"}, {"status"}, {"migrate"},
		{"board", "add", "--jira-board", "1", "--team", "x"}, {"repo", "add", "acme/api", "--board", "1"}} {
		out, code := vger(t, env, args...)
		if code == 0 {
			t.Errorf("%v succeeded without a database: %s", args, out)
		}
		for _, s := range []string{jiraToken, ghToken, dbPass} {
			if strings.Contains(out, s) {
				t.Errorf("%v printed a secret:\n%s", args, out)
			}
		}
	}
	// A secret in the wrong variable, and a secret file next to its variable.
	for _, bad := range [][]string{{"GITHUB_API_URL=ftp://" + ghToken + "@x/"}, {"VGER_ADDR=" + jiraToken},
		{"JIRA_API_TOKEN_FILE=/nonexistent"}} {
		out, code := vger(t, append(append([]string{}, env...), bad...), "serve")
		if code != exitUsage || strings.Contains(out, jiraToken) || strings.Contains(out, ghToken) {
			t.Errorf("%v: exit %d %q", bad, code, out)
		}
	}
}
