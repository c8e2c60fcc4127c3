// Package migrations holds Vger's schema as plain, append-only SQL files
// (goose format), embedded in the binary. River's own tables are migrated
// by River's migrator beside these (see internal/store).
package migrations

import "embed"

// FS holds every NNNN_name.sql migration.
//
//go:embed *.sql
var FS embed.FS
