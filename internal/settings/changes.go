package settings

import (
	"encoding/json"
	"reflect"
	"strings"
)

// labels name each document field for people, in document order.
var labels = map[string]string{
	"name": "name", "extra_jql": "extra JQL", "sync_since": "history", "time_zone": "time zone",
	"day_mode": "day mode", "holidays": "holidays", "states": "columns and status mapping", "lead_time": "lead-time start and end",
	"work_types": "work types", "invalid_resolutions": "invalid resolutions", "rolling_weeks": "rolling window",
	"fiscal_year_start_month": "fiscal year", "include_subtasks": "sub-tasks", "tag_pattern": "tag pattern",
	"pull_requests": "pull-request filters", "repos": "repositories",
}

// Changed lists, for people, the settings that differ between two
// documents, in document order ("columns and status mapping", "work types").
func Changed(before, after Document) []string {
	var out []string
	bv, av := reflect.ValueOf(before), reflect.ValueOf(after)
	t := bv.Type()
	for i := range t.NumField() {
		key, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		label, ok := labels[key]
		if !ok {
			continue // format, jira_board_id: never edited
		}
		b, _ := json.Marshal(bv.Field(i).Interface())
		a, _ := json.Marshal(av.Field(i).Interface())
		if string(a) != string(b) {
			out = append(out, label)
		}
	}
	return out
}
