package sim

import "strconv"

// Deterministic, plausible text for summaries and descriptions: enough variety that a demo looks
// like a real tracker, derived from (seed, issue) so it never needs storing.

var (
	verbs    = []string{"Add", "Fix", "Improve", "Refactor", "Remove", "Update", "Investigate", "Migrate", "Document", "Support", "Speed up", "Simplify"}
	objects  = []string{"retry logic", "login flow", "CSV export", "webhook handler", "search results", "billing page", "push notifications", "audit log", "rate limiter", "onboarding checklist", "settings screen", "cache invalidation", "release pipeline", "error messages", "API pagination", "dark mode", "payment reconciliation", "data retention job", "SSO integration", "dashboard filters", "invoice PDFs", "feature flags", "session timeout", "image uploads"}
	contexts = []string{"for enterprise accounts", "on Android", "on iOS", "in the admin console", "for the EU region", "after a timeout", "when offline", "in the nightly batch", "for new users", "behind the proxy", "", "", "", ""}
	services = []string{"checkout-api", "auth-service", "search-indexer", "payments-gateway", "notification-worker", "reporting-db", "edge-proxy", "media-store"}
	themes   = []string{"Checkout redesign", "Observability overhaul", "Self-serve onboarding", "Multi-region readiness", "Accessibility pass", "Pricing experiments", "Mobile offline mode", "Data platform migration", "Compliance audit", "Performance budget"}
	subtasks = []string{"Write tests", "Update docs", "Code review fixes", "Add metrics", "Backend changes", "Frontend changes", "Migration script", "Feature flag cleanup"}
)

func (g *generator) summary(i int32, typ uint8) string {
	r := newRNG(g.seed, streamSummary, uint64(i))
	obj := objects[r.intn(len(objects))]
	ctx := contexts[r.intn(len(contexts))]
	var s string
	switch typ {
	case tyEpic:
		s = themes[r.intn(len(themes))] + " (phase " + strconv.Itoa(1+r.intn(3)) + ")"
	case tySubtask:
		s = subtasks[r.intn(len(subtasks))] + " for " + obj
	case tyBug:
		switch r.intn(3) {
		case 0:
			s = capitalize(obj) + " fails " + ctx
		case 1:
			s = "Crash in " + obj + " " + ctx
		default:
			s = "Wrong totals in " + obj + " " + ctx
		}
	case tyIncident:
		svc := services[r.intn(len(services))]
		switch r.intn(3) {
		case 0:
			s = "Elevated 5xx on " + svc
		case 1:
			s = "Latency spike in " + svc
		default:
			s = svc + " degraded " + ctx
		}
	default:
		s = verbs[r.intn(len(verbs))] + " " + obj + " " + ctx
	}
	for len(s) > 0 && s[len(s)-1] == ' ' {
		s = s[:len(s)-1]
	}
	return withHostile(s, g.world.hostile, int(i))
}

func (g *generator) description(i int32, typ uint8) string {
	r := newRNG(g.seed, streamSummary, uint64(i)+1<<40)
	switch typ {
	case tyBug, tyIncident:
		return "Steps to reproduce: open the " + objects[r.intn(len(objects))] + " and retry twice. Expected it to succeed; it fails about " + strconv.Itoa(5+r.intn(60)) + "% of the time."
	case tyEpic:
		return "Goal: a measurable improvement for customers this quarter. Scope is tracked in the child issues."
	}
	return "As a customer I want the " + objects[r.intn(len(objects))] + " to just work, so that I do not have to contact support."
}

func capitalize(s string) string {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return s
	}
	return string(s[0]-32) + s[1:]
}
