package app_test

import (
	"testing"

	"github.com/vger-dev/vger/internal/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }
