package sim

import (
	"bytes"
	"testing"
)

func truthOf(t testing.TB, s *Sim) *Truth {
	t.Helper()
	var b bytes.Buffer
	if err := s.Truth(&b); err != nil {
		t.Fatal(err)
	}
	tr, err := ReadTruth(&b)
	if err != nil {
		t.Fatal(err)
	}
	return tr
}
