// Package oidctest is an OpenID Connect provider in the test process, for
// the sign-in tests of package web and the canary tests of package app:
// discovery, keys, an authorization endpoint that approves at once (the
// user is already signed in at the provider), a token endpoint that checks
// the client's credentials and the PKCE verifier, and a sign-out endpoint.
// ID tokens are signed with a generated RSA key by go-jose, as a real
// provider's are.
package oidctest

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
)

// Provider is the test provider. Change its fields under Set while Vger
// may be calling it.
type Provider struct {
	Server   *httptest.Server
	ClientID string
	Secret   string // the client secret; "" accepts a public client
	Now      func() time.Time

	mu             sync.Mutex
	User           map[string]any              // the claims of whoever signs in
	Tweak          func(claims map[string]any) // changes the next ID tokens
	BadState       bool                        // answer with another state
	WrongChallenge bool                        // remember another code challenge (the verifier then fails)
	NoEndSession   bool                        // no end_session_endpoint in the discovery document
	Authorized     []url.Values                // the authorization requests received
	TokenErrors    []string                    // why token requests were refused
	Ended          []url.Values                // the sign-out requests received
	codes          map[string]grant
}

type grant struct {
	challenge, nonce, redirectURI string
	claims                        map[string]any
}

// DefaultSecret is the client secret New sets.
const DefaultSecret = "provider-client-secret-123"

var key = sync.OnceValue(func() *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	return k
})

// New starts a provider for client "vger" with DefaultSecret, signing in
// Ann Example (ann@example.com, verified); now is its clock (nil: time.Now).
// It stops at the end of the test.
func New(t testing.TB, now func() time.Time) *Provider {
	if now == nil {
		now = time.Now
	}
	p := &Provider{ClientID: "vger", Secret: DefaultSecret, Now: now, codes: map[string]grant{},
		User: map[string]any{"sub": "u-ann", "email": "ann@example.com", "email_verified": true, "name": "Ann Example"}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", p.discovery)
	mux.HandleFunc("GET /jwks", p.jwks)
	mux.HandleFunc("GET /authorize", p.authorize)
	mux.HandleFunc("POST /token", p.token)
	mux.HandleFunc("GET /end_session", p.endSession)
	p.Server = httptest.NewServer(mux)
	t.Cleanup(p.Server.Close)
	return p
}

// Issuer is the provider's issuer URL (VGER_OIDC_ISSUER).
func (p *Provider) Issuer() string { return p.Server.URL }

// Set changes the provider under its lock.
func (p *Provider) Set(f func(p *Provider)) {
	p.mu.Lock()
	defer p.mu.Unlock()
	f(p)
}

func (p *Provider) discovery(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	defer p.mu.Unlock()
	m := map[string]any{
		"issuer":                                p.Issuer(),
		"authorization_endpoint":                p.Issuer() + "/authorize",
		"token_endpoint":                        p.Issuer() + "/token",
		"jwks_uri":                              p.Issuer() + "/jwks",
		"response_types_supported":              []string{"code"},
		"subject_types_supported":               []string{"public"},
		"id_token_signing_alg_values_supported": []string{"RS256"},
		"code_challenge_methods_supported":      []string{"S256"},
	}
	if !p.NoEndSession {
		m["end_session_endpoint"] = p.Issuer() + "/end_session"
	}
	json.NewEncoder(w).Encode(m)
}

func (p *Provider) jwks(w http.ResponseWriter, r *http.Request) {
	json.NewEncoder(w).Encode(jose.JSONWebKeySet{Keys: []jose.JSONWebKey{
		{Key: &key().PublicKey, KeyID: "k1", Algorithm: string(jose.RS256), Use: "sig"}}})
}

// authorize approves at once: the user is already signed in at the provider.
func (p *Provider) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	p.mu.Lock()
	defer p.mu.Unlock()
	p.Authorized = append(p.Authorized, q)
	if q.Get("client_id") != p.ClientID || q.Get("response_type") != "code" {
		http.Error(w, "unknown client", http.StatusBadRequest)
		return
	}
	challenge := q.Get("code_challenge")
	if p.WrongChallenge {
		sum := sha256.Sum256([]byte("some other verifier"))
		challenge = base64.RawURLEncoding.EncodeToString(sum[:])
	}
	code := rand.Text()
	claims := map[string]any{}
	for k, v := range p.User {
		claims[k] = v
	}
	p.codes[code] = grant{challenge: challenge, nonce: q.Get("nonce"), redirectURI: q.Get("redirect_uri"), claims: claims}
	state := q.Get("state")
	if p.BadState {
		state = "forged-" + state
	}
	to, _ := url.Parse(q.Get("redirect_uri"))
	to.RawQuery = url.Values{"code": {code}, "state": {state}}.Encode()
	http.Redirect(w, r, to.String(), http.StatusFound)
}

// token exchanges a code, once, for an ID token, if the client proves
// itself and the code verifier hashes to the challenge (PKCE S256).
func (p *Provider) token(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	defer p.mu.Unlock()
	refuse := func(code, why string) {
		p.TokenErrors = append(p.TokenErrors, why)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		json.NewEncoder(w).Encode(map[string]string{"error": code, "error_description": why})
	}
	if err := r.ParseForm(); err != nil {
		refuse("invalid_request", "bad form")
		return
	}
	id, secret, ok := r.BasicAuth()
	if !ok {
		id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	if id != p.ClientID || secret != p.Secret {
		refuse("invalid_client", "client authentication failed")
		return
	}
	g, ok := p.codes[r.PostForm.Get("code")]
	delete(p.codes, r.PostForm.Get("code"))
	switch {
	case r.PostForm.Get("grant_type") != "authorization_code" || !ok:
		refuse("invalid_grant", "unknown code")
		return
	case r.PostForm.Get("redirect_uri") != g.redirectURI:
		refuse("invalid_grant", "redirect_uri differs")
		return
	}
	sum := sha256.Sum256([]byte(r.PostForm.Get("code_verifier")))
	if r.PostForm.Get("code_verifier") == "" || base64.RawURLEncoding.EncodeToString(sum[:]) != g.challenge {
		refuse("invalid_grant", "PKCE verification failed")
		return
	}
	now := p.Now()
	claims := g.claims
	claims["iss"] = p.Issuer()
	claims["aud"] = p.ClientID
	claims["iat"] = now.Unix()
	claims["exp"] = now.Add(5 * time.Minute).Unix()
	claims["nonce"] = g.nonce
	if p.Tweak != nil {
		p.Tweak(claims)
	}
	payload, _ := json.Marshal(claims)
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: key()},
		(&jose.SignerOptions{}).WithType("JWT").WithHeader("kid", "k1"))
	if err != nil {
		panic(err)
	}
	jws, err := signer.Sign(payload)
	if err != nil {
		panic(err)
	}
	raw, _ := jws.CompactSerialize()
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]any{"access_token": rand.Text(), "token_type": "Bearer", "expires_in": 300, "id_token": raw})
}

// endSession records the sign-out and says so (a real provider would
// then send the browser to post_logout_redirect_uri).
func (p *Provider) endSession(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	p.Ended = append(p.Ended, r.URL.Query())
	p.mu.Unlock()
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Write([]byte(`<!doctype html><title>Signed out</title><p id="provider-signed-out">signed out at the provider</p>`))
}

// Clock is a settable clock to share between Vger and the provider.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// NewClock starts a clock at t.
func NewClock(t time.Time) *Clock { return &Clock{t: t} }

// Now reads the clock.
func (c *Clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

// Add moves the clock on.
func (c *Clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}
