package sim

import "strings"

// fieldDef describes one issue field as GET /rest/api/{2,3}/field lists it.
type fieldDef struct {
	id         string // Cloud id (custom fields differ on Data Center, see fieldID)
	name       string
	custom     bool
	navigable  bool
	orderable  bool
	searchable bool
	clauses    []string
	schemaType string
	items      string
	system     string // system name or custom type key
	customID   int64
}

// Custom fields: Cloud and Data Center sites number them differently, which is why clients must
// look custom fields up by name (GET /field) rather than hard-code ids.
const (
	cfFlagged = "flagged"
	cfRank    = "rank"
	cfSprint  = "sprint"
)

var customIDs = map[string][2]string{ // [cloud, datacenter]
	cfFlagged: {"customfield_10021", "customfield_10100"},
	cfRank:    {"customfield_10019", "customfield_10101"},
	cfSprint:  {"customfield_10020", "customfield_10102"},
}

func customFieldID(name string, cloud bool) string {
	if cloud {
		return customIDs[name][0]
	}
	return customIDs[name][1]
}

func sys(id, name, typ, items string, nav bool, clauses ...string) fieldDef {
	if len(clauses) == 0 {
		clauses = []string{id}
	}
	return fieldDef{id: id, name: name, navigable: nav, orderable: true, searchable: true, clauses: clauses, schemaType: typ, items: items, system: id}
}

// issueFields is the catalog in the order fields appear in rendered issues.
var issueFields = []fieldDef{
	sys("statuscategorychangedate", "Status Category Changed", "datetime", "", true, "statusCategoryChangedDate"),
	sys("issuetype", "Issue Type", "issuetype", "", true, "issuetype", "type"),
	sys("parent", "Parent", "any", "", true, "parent"),
	sys("timespent", "Time Spent", "number", "", true, "timespent"),
	sys("project", "Project", "project", "", true, "project"),
	sys("fixVersions", "Fix versions", "array", "version", true, "fixVersion"),
	sys("aggregatetimespent", "Σ Time Spent", "number", "", true),
	sys("resolution", "Resolution", "resolution", "", true, "resolution"),
	sys("resolutiondate", "Resolved", "datetime", "", true, "resolutiondate", "resolved"),
	sys("workratio", "Work Ratio", "number", "", true, "workratio"),
	sys("lastViewed", "Last Viewed", "datetime", "", true, "lastViewed"),
	sys("watches", "Watchers", "watches", "", true, "watchers"),
	sys("created", "Created", "datetime", "", true, "created", "createdDate"),
	{id: cfSprint, name: "Sprint", custom: true, navigable: true, searchable: true, clauses: []string{"Sprint"}, schemaType: "array", items: "json", system: "com.pyxis.greenhopper.jira:gh-sprint"},
	{id: cfFlagged, name: "Flagged", custom: true, navigable: true, orderable: true, searchable: true, clauses: []string{"Flagged", "Flagged[Checkboxes]"}, schemaType: "array", items: "option", system: "com.atlassian.jira.plugin.system.customfieldtypes:multicheckboxes"},
	sys("priority", "Priority", "priority", "", true, "priority"),
	sys("labels", "Labels", "array", "string", true, "labels"),
	{id: cfRank, name: "Rank", custom: true, navigable: true, orderable: true, searchable: true, clauses: []string{"Rank"}, schemaType: "any", system: "com.pyxis.greenhopper.jira:gh-lexo-rank"},
	sys("timeestimate", "Remaining Estimate", "number", "", true, "remainingEstimate", "timeestimate"),
	sys("aggregatetimeoriginalestimate", "Σ Original Estimate", "number", "", true),
	sys("versions", "Affects versions", "array", "version", true, "affectedVersion"),
	sys("issuelinks", "Linked Issues", "array", "issuelinks", true, "issueLink"),
	sys("assignee", "Assignee", "user", "", true, "assignee"),
	sys("updated", "Updated", "datetime", "", true, "updated", "updatedDate"),
	sys("status", "Status", "status", "", true, "status"),
	sys("components", "Components", "array", "component", true, "component"),
	sys("timeoriginalestimate", "Original estimate", "number", "", true, "originalEstimate", "timeoriginalestimate"),
	sys("description", "Description", "string", "", true, "description"),
	sys("timetracking", "Time tracking", "timetracking", "", false),
	sys("aggregatetimeestimate", "Σ Remaining Estimate", "number", "", true),
	sys("summary", "Summary", "string", "", true, "summary"),
	sys("creator", "Creator", "user", "", true, "creator"),
	sys("subtasks", "Sub-tasks", "array", "issuelinks", true, "subtasks"),
	sys("reporter", "Reporter", "user", "", true, "reporter"),
	sys("aggregateprogress", "Σ Progress", "progress", "", true),
	sys("environment", "Environment", "string", "", true, "environment"),
	sys("duedate", "Due date", "date", "", true, "due", "duedate"),
	sys("progress", "Progress", "progress", "", true, "progress"),
	sys("votes", "Votes", "votes", "", true, "votes"),
	sys("comment", "Comment", "comments-page", "", false, "comment"),
	sys("attachment", "Attachment", "array", "attachment", false, "attachments"),
	sys("worklog", "Log Work", "array", "worklog", false, "worklogDate"),
}

func init() {
	for i := range issueFields {
		issueFields[i].navigable = issueFields[i].navigable || issueFields[i].custom
	}
}

// fieldSel is the parsed `fields` parameter: a bit per issueFields entry.
type fieldSel struct {
	want []bool
	any  bool // at least one field besides id/key: render "fields"
}

// parseFields reads JIRA's `fields` syntax: names, *all, *navigable, -name exclusions. dflt is
// the endpoint's default ("id" on Cloud search/jql, "*navigable" on Data Center search, "*all"
// on issue GET).
func parseFields(params []string, dflt string, cloud bool) fieldSel {
	var toks []string
	for _, p := range params {
		for _, t := range strings.Split(p, ",") {
			if t = strings.TrimSpace(t); t != "" {
				toks = append(toks, t)
			}
		}
	}
	onlyExclusions := true
	for _, t := range toks {
		if !strings.HasPrefix(t, "-") {
			onlyExclusions = false
		}
	}
	if len(toks) == 0 {
		toks = []string{dflt}
	} else if onlyExclusions {
		// "-description" means: the default navigable set minus description.
		toks = append([]string{"*navigable"}, toks...)
	}
	sel := fieldSel{want: make([]bool, len(issueFields))}
	for _, t := range toks {
		neg := strings.HasPrefix(t, "-")
		name := strings.TrimPrefix(t, "-")
		for i, f := range issueFields {
			id := f.id
			if f.custom {
				id = customFieldID(f.id, cloud)
			}
			switch {
			case name == "*all", name == "*navigable" && f.navigable, strings.EqualFold(name, id):
				sel.want[i] = !neg
			}
		}
	}
	for _, w := range sel.want {
		sel.any = sel.any || w
	}
	return sel
}

// onlyIDs reports whether a selection asks for nothing beyond id/key (Cloud then allows 5000/page).
func onlyIDs(params []string) bool {
	for _, p := range params {
		for _, t := range strings.Split(p, ",") {
			if t = strings.TrimSpace(t); t != "" && t != "id" && t != "key" {
				return false
			}
		}
	}
	return true
}
