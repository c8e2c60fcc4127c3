package pglocal

import (
	"fmt"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"syscall"
)

// owner is the account the server programs run as. initdb and postgres refuse
// to run as root, so a root process runs them as an unprivileged system user.
type owner struct {
	uid, gid uint32
	name     string
	cred     *syscall.Credential // nil: run as ourselves
}

func currentOwner() (owner, error) {
	if os.Geteuid() != 0 {
		return owner{uid: uint32(os.Geteuid()), gid: uint32(os.Getegid())}, nil
	}
	for _, name := range []string{"postgres", "nobody"} {
		u, err := user.Lookup(name)
		if err != nil {
			continue
		}
		uid, err1 := strconv.ParseUint(u.Uid, 10, 32)
		gid, err2 := strconv.ParseUint(u.Gid, 10, 32)
		if err1 != nil || err2 != nil || uid == 0 {
			continue
		}
		return owner{uid: uint32(uid), gid: uint32(gid), name: name,
			cred: &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid), NoSetGroups: true}}, nil
	}
	return owner{}, fmt.Errorf("running as root, PostgreSQL must run as an unprivileged user, but there is no 'postgres' system user (Debian's postgresql package creates it); create one, run vger as a normal user, or set DATABASE_URL")
}

// chown gives a path we created to the server's account.
func (o owner) chown(path string) error {
	if o.cred == nil {
		return nil
	}
	return os.Chown(path, int(o.uid), int(o.gid))
}

// canReach reports whether the server account can traverse to dir (every
// ancestor searchable) and write in it. Home directories and t.TempDir() are
// often mode 0700, which keeps the postgres user out.
func (o owner) canReach(dir string) bool {
	if o.cred == nil {
		return true
	}
	p := dir
	for {
		fi, err := os.Stat(p)
		if err != nil {
			return false
		}
		st, ok := fi.Sys().(*syscall.Stat_t)
		if !ok {
			return false
		}
		mode := fi.Mode().Perm()
		var bit os.FileMode = 0o001
		switch {
		case st.Uid == o.uid:
			bit = 0o100
		case st.Gid == o.gid:
			bit = 0o010
		}
		if mode&bit == 0 {
			return false
		}
		parent := filepath.Dir(p)
		if parent == p {
			return true
		}
		p = parent
	}
}
