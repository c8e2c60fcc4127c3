package web

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"
)

// OIDC is VGER_AUTH=oidc: people sign in at an OpenID Connect identity
// provider (authorization code flow with PKCE, state and nonce), and Vger
// keeps who they are in a session cookie, encrypted and authenticated with
// a key every web server shares, so servers stay stateless.
type OIDC struct {
	issuer, clientID, clientSecret string
	redirectURL                    string
	scopes                         []string
	groupsClaim                    string
	editorGroups                   []string
	ttl                            time.Duration
	now                            func() time.Time
	client                         *http.Client
	aead                           cipher.AEAD
	secure                         bool // the redirect URL is https: cookies are Secure and __Host-

	mu   sync.Mutex
	disc *discovery // nil until the provider first answers
}

// OIDCOptions configures an OIDC sign-in.
type OIDCOptions struct {
	Issuer, ClientID string
	ClientSecret     string // empty: a public client (PKCE alone)
	RedirectURL      string // https://vger.example.com/auth/callback
	Scopes           []string
	GroupsClaim      string   // dotted path into the ID token's claims
	EditorGroups     []string // the only groups a session keeps (cookies stay small)
	SessionTTL       time.Duration
	// Key signs and encrypts the cookies; any length, at least 32 bytes
	// of entropy (a sub-key is derived from it).
	Key []byte
	// Now is the clock for session expiry and ID token checks (nil: time.Now).
	Now func() time.Time
	// HTTPClient calls the provider (nil: a client with a 10 s timeout).
	HTTPClient *http.Client
}

// discovery is what the provider's /.well-known/openid-configuration said.
type discovery struct {
	verifier   *oidc.IDTokenVerifier
	oauth      oauth2.Config
	endSession string
}

// NewOIDC checks the options and derives the cookie key. It does not call
// the provider: discovery happens on the first sign-in, so Vger starts
// even while the provider is down (and retries until it answers).
func NewOIDC(o OIDCOptions) (*OIDC, error) {
	if o.Issuer == "" || o.ClientID == "" || o.RedirectURL == "" {
		return nil, errors.New("oidc: issuer, client id and redirect URL are required")
	}
	if len(o.Key) < 16 {
		return nil, errors.New("oidc: the cookie key is too short")
	}
	k, err := hkdf.Key(sha256.New, o.Key, nil, "vger oidc cookies v1", 32)
	if err != nil {
		return nil, err
	}
	block, err := aes.NewCipher(k)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.HTTPClient == nil {
		o.HTTPClient = &http.Client{Timeout: 10 * time.Second}
	}
	if o.SessionTTL <= 0 {
		o.SessionTTL = 12 * time.Hour
	}
	if len(o.Scopes) == 0 {
		o.Scopes = []string{oidc.ScopeOpenID, "email", "profile"}
	}
	return &OIDC{
		issuer: o.Issuer, clientID: o.ClientID, clientSecret: o.ClientSecret, redirectURL: o.RedirectURL,
		scopes: o.Scopes, groupsClaim: o.GroupsClaim, editorGroups: o.EditorGroups, ttl: o.SessionTTL,
		now: o.Now, client: o.HTTPClient, aead: aead, secure: strings.HasPrefix(o.RedirectURL, "https://"),
	}, nil
}

// Errors the OIDC sign-in answers, for people.
var (
	ErrSignedOut      = errors.New("You are not signed in.")
	ErrSessionExpired = errors.New("Your sign-in has expired.")
)

// Cookie names. With an https redirect URL the __Host- prefix makes
// browsers insist on Secure, Path=/ and no Domain, so a sibling subdomain
// cannot plant or overwrite them.
func (o *OIDC) sessionCookie() string { return o.cookieName("vger_session") }
func (o *OIDC) loginCookie() string   { return o.cookieName("vger_login") }
func (o *OIDC) cookieName(n string) string {
	if o.secure {
		return "__Host-" + n
	}
	return n
}

// session is what the session cookie holds.
type session struct {
	Subject string   `json:"s"`
	Name    string   `json:"n,omitempty"`
	Email   string   `json:"e,omitempty"`
	Groups  []string `json:"g,omitempty"`
	Expires int64    `json:"x"` // unix seconds
}

// login is what the short-lived login cookie holds between the redirect
// to the provider and its callback.
type login struct {
	State    string `json:"s"`
	Nonce    string `json:"n"`
	Verifier string `json:"v"` // the PKCE code verifier
	Return   string `json:"r"` // a local path
	Expires  int64  `json:"x"`
}

// loginTTL is how long a person may take at the provider's sign-in page.
const loginTTL = 10 * time.Minute

// Identify reads the session cookie.
func (o *OIDC) Identify(r *http.Request) (Identity, error) {
	c, err := r.Cookie(o.sessionCookie())
	if err != nil {
		return Identity{}, ErrSignedOut
	}
	var s session
	if err := o.open("session", c.Value, &s); err != nil {
		return Identity{}, ErrSignedOut
	}
	if !o.now().Before(time.Unix(s.Expires, 0)) {
		return Identity{}, ErrSessionExpired
	}
	return Identity{Name: s.Name, Email: s.Email, Groups: s.Groups, SignOut: true}, nil
}

// Challenge sends a person who is not signed in to the provider, to come
// back to the page they asked for.
func (o *OIDC) Challenge(w http.ResponseWriter, r *http.Request) error {
	return o.begin(w, r, r.URL.RequestURI())
}

// begin redirects to the provider's authorization endpoint with a fresh
// state, nonce and PKCE verifier, kept in the login cookie.
func (o *OIDC) begin(w http.ResponseWriter, r *http.Request, ret string) error {
	d, err := o.discover(r.Context())
	if err != nil {
		return err
	}
	if !localPath(ret) {
		ret = "/"
	}
	l := login{State: randomString(), Nonce: randomString(), Verifier: oauth2.GenerateVerifier(), Return: ret,
		Expires: o.now().Add(loginTTL).Unix()}
	if err := o.setCookie(w, o.loginCookie(), "login", l, loginTTL); err != nil {
		return err
	}
	to := d.oauth.AuthCodeURL(l.State, oidc.Nonce(l.Nonce), oauth2.S256ChallengeOption(l.Verifier))
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, to, http.StatusFound)
	return nil
}

// finish completes a sign-in at the callback: it checks the state against
// the login cookie, exchanges the code with the PKCE verifier, verifies the
// ID token (signature, issuer, audience, expiry) and its nonce, and sets
// the session cookie. It answers the local path to return to.
func (o *OIDC) finish(w http.ResponseWriter, r *http.Request) (Identity, string, error) {
	q := r.URL.Query()
	lc, cerr := r.Cookie(o.loginCookie())
	// The login cookie is good for one callback, whatever happens next.
	o.clearCookie(w, o.loginCookie())
	if e := q.Get("error"); e != "" {
		msg := "The identity provider did not sign you in: " + clip(e, 80)
		if d := q.Get("error_description"); d != "" {
			msg += " (" + clip(d, 300) + ")"
		}
		return Identity{}, "", &Error{Status: http.StatusForbidden, Heading: "Sign-in refused", Message: msg + ".", SignIn: "/auth/login"}
	}
	var l login
	if cerr != nil || o.open("login", lc.Value, &l) != nil || !o.now().Before(time.Unix(l.Expires, 0)) {
		return Identity{}, "", signInFailed("This sign-in was not started here, or took longer than 10 minutes. Sign in again.")
	}
	if st := q.Get("state"); st == "" || subtle.ConstantTimeCompare([]byte(st), []byte(l.State)) != 1 {
		return Identity{}, "", signInFailed("The answer from the identity provider does not belong to the sign-in started in this browser (its state differs). Sign in again.")
	}
	code := q.Get("code")
	if code == "" {
		return Identity{}, "", signInFailed("The identity provider sent no authorization code. Sign in again.")
	}
	d, err := o.discover(r.Context())
	if err != nil {
		return Identity{}, "", err
	}
	ctx := oidc.ClientContext(r.Context(), o.client)
	tok, err := d.oauth.Exchange(ctx, code, oauth2.VerifierOption(l.Verifier))
	if err != nil {
		msg := "The identity provider refused to complete the sign-in"
		var re *oauth2.RetrieveError
		if errors.As(err, &re) && re.ErrorCode != "" {
			msg += ": " + clip(re.ErrorCode, 80)
			if re.ErrorDescription != "" {
				msg += " (" + clip(re.ErrorDescription, 300) + ")"
			}
		}
		return Identity{}, "", &Error{Status: http.StatusBadGateway, Heading: "Sign-in failed",
			Message: msg + ". Sign in again; if this persists, ask whoever runs Vger to check its registration at the identity provider.",
			SignIn:  "/auth/login", Err: fmt.Errorf("oidc token exchange: %w", err)}
	}
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		return Identity{}, "", &Error{Status: http.StatusBadGateway, Heading: "Sign-in failed",
			Message: "The identity provider answered without an ID token: check that Vger asks for the openid scope.", SignIn: "/auth/login",
			Err: errors.New("oidc: token response has no id_token")}
	}
	idt, err := d.verifier.Verify(r.Context(), raw)
	if err != nil {
		return Identity{}, "", tokenRefused("the ID token did not pass its checks (" + clip(strings.TrimPrefix(err.Error(), "oidc: "), 300) + ")")
	}
	if idt.Nonce == "" || subtle.ConstantTimeCompare([]byte(idt.Nonce), []byte(l.Nonce)) != 1 {
		return Identity{}, "", tokenRefused("the ID token was issued for another sign-in (its nonce differs)")
	}
	var claims map[string]any
	if err := idt.Claims(&claims); err != nil {
		return Identity{}, "", tokenRefused("its claims could not be read")
	}
	s := o.sessionFrom(idt.Subject, claims)
	if err := o.setCookie(w, o.sessionCookie(), "session", s, o.ttl); err != nil {
		return Identity{}, "", err
	}
	ret := l.Return
	if !localPath(ret) {
		ret = "/"
	}
	return Identity{Name: s.Name, Email: s.Email, Groups: s.Groups, SignOut: true}, ret, nil
}

func signInFailed(msg string) *Error {
	return &Error{Status: http.StatusBadRequest, Heading: "Sign-in failed", Message: msg, SignIn: "/auth/login"}
}

func tokenRefused(why string) *Error {
	return &Error{Status: http.StatusForbidden, Heading: "Sign-in refused",
		Message: "Vger did not accept the identity provider's answer: " + why + ". Sign in again; if this persists, ask whoever runs Vger to check VGER_OIDC_ISSUER, VGER_OIDC_CLIENT_ID and the clocks.",
		SignIn:  "/auth/login"}
}

// sessionFrom reads who signed in from the ID token's claims. An email
// the provider says it has not verified is dropped: the editors list
// matches emails, and some providers let people type any address.
func (o *OIDC) sessionFrom(sub string, claims map[string]any) session {
	s := session{Subject: sub, Expires: o.now().Add(o.ttl).Unix()}
	if e, ok := claims["email"].(string); ok && verified(claims["email_verified"]) {
		s.Email = strings.ToLower(cleanClaim(e))
	}
	for _, k := range []string{"name", "preferred_username"} {
		if n, ok := claims[k].(string); ok && cleanClaim(n) != "" {
			s.Name = cleanClaim(n)
			break
		}
	}
	if s.Name == "" {
		s.Name = s.Email
	}
	if s.Name == "" {
		s.Name = clip(sub, 100)
	}
	for _, g := range claimStrings(claims, o.groupsClaim) {
		if slices.Contains(o.editorGroups, g) && !slices.Contains(s.Groups, g) {
			s.Groups = append(s.Groups, g)
		}
	}
	return s
}

// verified is an email_verified claim: absent counts as verified (many
// providers only hand out addresses they own), false or "false" not.
func verified(v any) bool {
	switch v := v.(type) {
	case bool:
		return v
	case string:
		return !strings.EqualFold(v, "false")
	}
	return true
}

// claimStrings reads a claim holding a list of strings (or one string),
// following a dotted path into nested objects (Keycloak's realm_access.roles).
func claimStrings(claims map[string]any, path string) []string {
	if path == "" {
		return nil
	}
	var v any = claims
	if _, ok := claims[path]; ok {
		v = claims[path] // a claim whose name has dots (a URL, as Auth0 uses)
	} else {
		for _, p := range strings.Split(path, ".") {
			m, ok := v.(map[string]any)
			if !ok {
				return nil
			}
			v = m[p]
		}
	}
	switch v := v.(type) {
	case string:
		return []string{v}
	case []any:
		var out []string
		for _, e := range v {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// cleanClaim is a claim fit to show: no control characters, bounded.
func cleanClaim(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return -1
		}
		return r
	}, s)
	return clip(strings.TrimSpace(s), 200)
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8Start(s[n]) {
		n--
	}
	return s[:n] + "…"
}

func utf8Start(b byte) bool { return b&0xC0 != 0x80 }

// signOut clears the session and answers where the browser goes next: the
// provider's end_session_endpoint when it has one (so the provider's own
// session ends too), else "" (Vger shows its signed-out page).
func (o *OIDC) signOut(w http.ResponseWriter, r *http.Request) string {
	o.clearCookie(w, o.sessionCookie())
	o.clearCookie(w, o.loginCookie())
	d, err := o.discover(r.Context())
	if err != nil || d.endSession == "" {
		return ""
	}
	u, err := url.Parse(d.endSession)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") {
		return ""
	}
	q := u.Query()
	q.Set("client_id", o.clientID)
	q.Set("post_logout_redirect_uri", o.siteURL()+"/")
	u.RawQuery = q.Encode()
	return u.String()
}

// formActionOrigins are the provider's origins a sign-out form may be
// redirected to: the issuer's, and the end_session_endpoint's once
// discovery has read it (usually the same).
func (o *OIDC) formActionOrigins() []string {
	var out []string
	add := func(raw string) {
		u, err := url.Parse(raw)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" ||
			strings.ContainsAny(u.Host, " ;,'\"") {
			return
		}
		if origin := u.Scheme + "://" + u.Host; !slices.Contains(out, origin) {
			out = append(out, origin)
		}
	}
	add(o.issuer)
	o.mu.Lock()
	if o.disc != nil {
		add(o.disc.endSession)
	}
	o.mu.Unlock()
	return out
}

// siteURL is Vger's own origin, from the redirect URL.
func (o *OIDC) siteURL() string {
	return strings.TrimSuffix(o.redirectURL, "/auth/callback")
}

// discover reads the provider's configuration once; until it succeeds,
// every sign-in tries again.
func (o *OIDC) discover(ctx context.Context) (*discovery, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.disc != nil {
		return o.disc, nil
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	p, err := oidc.NewProvider(oidc.ClientContext(ctx, o.client), o.issuer)
	if err != nil {
		return nil, &Error{Status: http.StatusServiceUnavailable, Heading: "Sign-in unavailable",
			Message: "Vger could not reach the identity provider to sign you in. Try again in a moment; if this persists, ask whoever runs Vger to check VGER_OIDC_ISSUER.",
			Err:     fmt.Errorf("oidc discovery at %s: %w", o.issuer, err)}
	}
	var meta struct {
		EndSession  string   `json:"end_session_endpoint"`
		AuthMethods []string `json:"token_endpoint_auth_methods_supported"`
	}
	_ = p.Claims(&meta) // both are optional
	ep := p.Endpoint()
	// Say how the client authenticates rather than let x/oauth2 guess: its
	// guess retries a refused exchange, and a provider that has spent the
	// code would then hide the real reason. client_secret_basic is the
	// default when the provider names none; a public client sends its id.
	ep.AuthStyle = oauth2.AuthStyleInHeader
	if o.clientSecret == "" || (len(meta.AuthMethods) > 0 && !slices.Contains(meta.AuthMethods, "client_secret_basic") &&
		slices.Contains(meta.AuthMethods, "client_secret_post")) {
		ep.AuthStyle = oauth2.AuthStyleInParams
	}
	o.disc = &discovery{
		verifier: p.Verifier(&oidc.Config{ClientID: o.clientID, Now: o.now}),
		oauth: oauth2.Config{ClientID: o.clientID, ClientSecret: o.clientSecret, Endpoint: ep,
			RedirectURL: o.redirectURL, Scopes: o.scopes},
		endSession: meta.EndSession,
	}
	return o.disc, nil
}

// setCookie seals v into an HttpOnly, SameSite=Lax cookie for the whole
// site. Lax: the provider's redirect back is a top-level GET from another
// site, which must carry the login cookie.
func (o *OIDC) setCookie(w http.ResponseWriter, name, purpose string, v any, ttl time.Duration) error {
	val, err := o.seal(purpose, v)
	if err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{Name: name, Value: val, Path: "/", MaxAge: int(ttl.Seconds()),
		Expires: o.now().Add(ttl), HttpOnly: true, Secure: o.secure, SameSite: http.SameSiteLaxMode})
	return nil
}

func (o *OIDC) clearCookie(w http.ResponseWriter, name string) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: o.secure, SameSite: http.SameSiteLaxMode})
}

// seal encrypts and authenticates v (AES-GCM); the purpose is bound in as
// additional data, so a login cookie cannot pass for a session.
func (o *OIDC) seal(purpose string, v any) (string, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", err
	}
	nonce := make([]byte, o.aead.NonceSize())
	rand.Read(nonce)
	return base64.RawURLEncoding.EncodeToString(o.aead.Seal(nonce, nonce, b, []byte(purpose))), nil
}

func (o *OIDC) open(purpose, val string, v any) error {
	b, err := base64.RawURLEncoding.DecodeString(val)
	if err != nil || len(b) < o.aead.NonceSize() {
		return errors.New("malformed cookie")
	}
	n := o.aead.NonceSize()
	plain, err := o.aead.Open(nil, b[:n], b[n:], []byte(purpose))
	if err != nil {
		return err
	}
	return json.Unmarshal(plain, v)
}

func randomString() string {
	b := make([]byte, 24)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}
