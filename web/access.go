package web

import (
	"fmt"
	"net"
	"strings"

	"github.com/vger-dev/vger/internal/config"
)

// AccessFromConfig builds the sign-in and roles of VGER_AUTH for a server
// listening on addr, and says in one line how people get in (the server
// logs it at start; warn: as a warning). VGER_AUTH=none is refused on an
// address other machines can reach, unless VGER_ALLOW_ANONYMOUS=true.
func AccessFromConfig(cfg *config.Config, addr net.Addr) (a Access, how string, warn bool, err error) {
	switch cfg.Auth {
	case "none", "":
		loop := isLoopback(addr)
		if !loop && !cfg.AllowAnonymous {
			return Access{}, "", false, &config.Error{Var: "VGER_AUTH", Form: "proxy, or none with VGER_ALLOW_ANONYMOUS=true",
				Err: fmt.Errorf("none (no sign-in, everyone an editor) is allowed only on a loopback address, and %s is reachable from other machines: put Vger behind a sign-in proxy (VGER_AUTH=proxy), listen on 127.0.0.1, or set VGER_ALLOW_ANONYMOUS=true", addr)}
		}
		msg := "sign-in is off (VGER_AUTH=none): everyone who can reach this server is an editor"
		if !loop {
			msg += "; VGER_ALLOW_ANONYMOUS=true lets in anyone who can reach " + addr.String()
		}
		return Access{Auth: Anonymous{}}, msg, !loop, nil
	case "proxy":
		var trusted []string
		for _, p := range cfg.TrustedProxies {
			trusted = append(trusted, p.String())
		}
		editors := "nobody can change anything (VGER_EDITORS is empty)"
		if len(cfg.Editors) > 0 {
			editors = "editors: " + strings.Join(cfg.Editors, ", ")
		}
		msg := fmt.Sprintf("sign-in by proxy (VGER_AUTH=proxy): %s and %s from %s; every signed-in user can view; %s",
			cfg.AuthProxyUserHeader, cfg.AuthProxyHeader, strings.Join(trusted, ", "), editors)
		return Access{Auth: Proxy{Trusted: cfg.TrustedProxies, UserHeader: cfg.AuthProxyUserHeader, EmailHeader: cfg.AuthProxyHeader},
			Editors: cfg.Editors}, msg, len(cfg.Editors) == 0, nil
	}
	return Access{}, "", false, &config.Error{Var: "VGER_AUTH", Form: "none or proxy", Err: fmt.Errorf("%s sign-in is not built yet", cfg.Auth)}
}

func isLoopback(addr net.Addr) bool {
	ta, ok := addr.(*net.TCPAddr)
	if ok {
		return ta.IP != nil && ta.IP.IsLoopback()
	}
	_, isUnix := addr.(*net.UnixAddr)
	return isUnix // a unix socket is only reachable on this machine
}
