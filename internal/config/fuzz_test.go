package config

import (
	"errors"
	"strings"
	"testing"
)

// Any value in any setting: Load never panics; a refusal is a *config.Error
// naming a variable Vger reads, on one line, without the value of any
// secret; an accepted configuration prints (Rows) values that load back to
// the same configuration (durations, numbers, lists and addresses
// round-trip through their printed form).
func FuzzLoad(f *testing.F) {
	index := func(name string) uint8 {
		for i, s := range settings {
			if s.Name == name {
				return uint8(i)
			}
		}
		panic(name)
	}
	for i, s := range settings {
		if s.Default != "" {
			f.Add(uint8(i), s.Default, "")
		}
	}
	f.Add(index("VGER_SYNC_INTERVAL"), "90s", "")
	f.Add(index("VGER_SYNC_INTERVAL"), "1h0m0.5s", "")
	f.Add(index("VGER_REQUEST_TIMEOUT"), "9223372036s", "")
	f.Add(index("VGER_JIRA_RATE"), "1e-7", "")
	f.Add(index("VGER_GITHUB_RATE"), "0x1p-2", "")
	f.Add(index("VGER_TRUSTED_PROXIES"), "10.0.0.5, 10.1.0.0/16,::ffff:10.0.0.1", "")
	f.Add(index("VGER_EDITORS"), "A@Example.com, @corp.example ,*", "")
	f.Add(index("VGER_ADDR"), "[::1]:8080", "")
	f.Add(index("DATABASE_URL"), "postgres://u:canary-pw-1@db/x", "canary-pw-1")
	f.Add(index("GITHUB_API_URL"), "ftp://canary-tok-2@x/", "canary-tok-2")
	f.Add(index("JIRA_URL"), "canary-tok-3", "canary-tok-3")
	f.Fuzz(func(t *testing.T, which uint8, value, secret string) {
		name := settings[int(which)%len(settings)].Name
		env := map[string]string{name: value}
		if len(secret) >= 4 && name != "GITHUB_TOKEN" {
			env["GITHUB_TOKEN"] = secret
		}
		get := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
		c, err := Load(get)
		if err != nil {
			var ce *Error
			if !errors.As(err, &ce) {
				t.Fatalf("%s=%q: %T %v is not a *config.Error", name, value, err, err)
			}
			if ce.Var == "" || strings.Contains(err.Error(), "\n") && !strings.ContainsAny(value, "\n\r") {
				t.Fatalf("%s=%q: error %q names no variable or spans lines", name, value, err)
			}
			// (A "secret" the message holds anyway, such as "0 to", is no leak.)
			_, plain := Load(func(k string) (string, bool) { v, ok := map[string]string{name: value}[k]; return v, ok })
			if len(secret) >= 4 && strings.Contains(err.Error(), secret) && (plain == nil || !strings.Contains(plain.Error(), secret)) {
				t.Fatalf("%s=%q: error %q shows the secret", name, value, err)
			}
			return
		}
		printed := map[string]string{}
		for _, r := range c.Rows() {
			if !r.Secret && r.Value != "" {
				printed[r.Name] = r.Value
			}
		}
		for k, v := range env {
			if settingSecret(k) {
				printed[k] = v
			}
		}
		again, err := Load(func(k string) (string, bool) { v, ok := printed[k]; return v, ok })
		if err != nil {
			t.Fatalf("%s=%q loads, but its printed form %v does not: %v", name, value, printed, err)
		}
		for i, r := range again.Rows() {
			if want := c.Rows()[i]; r != want {
				t.Fatalf("%s=%q: printed and loaded again, %s is %q, was %q", name, value, r.Name, r.Value, want.Value)
			}
		}
	})
}

func settingSecret(name string) bool {
	for _, s := range settings {
		if s.Name == name {
			return s.Secret
		}
	}
	return false
}
