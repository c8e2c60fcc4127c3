package static

import (
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"sync"
)

var (
	hashesOnce sync.Once
	hashes     map[string]string
)

// URL is the address of the embedded file name ("css/vger.css") with its
// content's hash as the version ("/static/css/vger.css?v=1a2b3c4d5e6f"):
// browsers may keep it for good, and a new binary with a changed file
// gives a new address, so nobody sees stale CSS after an upgrade. A name
// that is not embedded gets its plain address.
func URL(name string) string {
	hashesOnce.Do(func() {
		hashes = map[string]string{}
		fs.WalkDir(FS, ".", func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			b, err := FS.ReadFile(p)
			if err != nil {
				return err
			}
			sum := sha256.Sum256(b)
			hashes[p] = hex.EncodeToString(sum[:6])
			return nil
		})
	})
	if v, ok := hashes[name]; ok {
		return "/static/" + name + "?v=" + v
	}
	return "/static/" + name
}

// Current reports whether v is the version URL gives name now.
func Current(name, v string) bool {
	URL(name)
	h, ok := hashes[name]
	return ok && v != "" && h == v
}
