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
			return Access{}, "", false, &config.Error{Var: "VGER_AUTH", Form: "oidc, proxy, or none with VGER_ALLOW_ANONYMOUS=true",
				Err: fmt.Errorf("none (no sign-in, everyone an editor) is allowed only on a loopback address, and %s is reachable from other machines: sign people in (VGER_AUTH=oidc or proxy), listen on 127.0.0.1, or set VGER_ALLOW_ANONYMOUS=true", addr)}
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
	case "oidc":
		key, keyVar := []byte(cfg.SessionKey), "VGER_SESSION_KEY"
		if len(key) == 0 {
			// Every web server has the client secret, so a key derived
			// from it is shared without any state (NewOIDC runs it
			// through HKDF; the label keeps it apart from the secret).
			key, keyVar = []byte("vger session key from client secret\x00"+cfg.OIDCClientSecret), "VGER_OIDC_CLIENT_SECRET"
		}
		o, err := NewOIDC(OIDCOptions{Issuer: cfg.OIDCIssuer, ClientID: cfg.OIDCClientID, ClientSecret: cfg.OIDCClientSecret,
			RedirectURL: cfg.OIDCRedirectURL, Scopes: cfg.OIDCScopes, GroupsClaim: cfg.OIDCGroupsClaim, EditorGroups: cfg.EditorGroups,
			SessionTTL: cfg.SessionTTL, Key: key})
		if err != nil {
			return Access{}, "", false, &config.Error{Var: "VGER_AUTH", Err: err}
		}
		var editors []string
		if len(cfg.Editors) > 0 {
			editors = append(editors, "VGER_EDITORS "+strings.Join(cfg.Editors, ", "))
		}
		if len(cfg.EditorGroups) > 0 {
			editors = append(editors, "members of "+strings.Join(cfg.EditorGroups, ", ")+" (claim "+cfg.OIDCGroupsClaim+")")
		}
		who := "nobody can change anything (VGER_EDITORS and VGER_EDITOR_GROUPS are empty)"
		if len(editors) > 0 {
			who = "editors: " + strings.Join(editors, "; ")
		}
		msg := fmt.Sprintf("sign-in by OpenID Connect (VGER_AUTH=oidc) at %s as client %s, callback %s, sessions of %s keyed by %s; every signed-in user can view; %s",
			cfg.OIDCIssuer, cfg.OIDCClientID, cfg.OIDCRedirectURL, cfg.SessionTTL, keyVar, who)
		return Access{Auth: o, Editors: cfg.Editors, EditorGroups: cfg.EditorGroups}, msg, len(editors) == 0, nil
	}
	return Access{}, "", false, &config.Error{Var: "VGER_AUTH", Form: "none, proxy or oidc", Err: fmt.Errorf("%q is not a sign-in mode", cfg.Auth)}
}

func isLoopback(addr net.Addr) bool {
	ta, ok := addr.(*net.TCPAddr)
	if ok {
		return ta.IP != nil && ta.IP.IsLoopback()
	}
	_, isUnix := addr.(*net.UnixAddr)
	return isUnix // a unix socket is only reachable on this machine
}
