package flow

// Opt is an optional value: OK is false when there is no value (drawn as a gap). It exists so
// that "no value" is never confused with 0 and so that facts for 100,000 issues need no
// per-value heap allocation (as *float64 would).
type Opt[T any] struct {
	V  T
	OK bool
}

// Some returns an Opt holding v.
func Some[T any](v T) Opt[T] { return Opt[T]{V: v, OK: true} }

// Get returns the value and whether there is one.
func (o Opt[T]) Get() (T, bool) { return o.V, o.OK }

// Ptr returns a pointer to a copy of the value, or nil without a value (handy for SQL NULLs).
func (o Opt[T]) Ptr() *T {
	if !o.OK {
		return nil
	}
	v := o.V
	return &v
}

// OptOf converts a pointer (nil = no value) into an Opt.
func OptOf[T any](p *T) Opt[T] {
	if p == nil {
		return Opt[T]{}
	}
	return Some(*p)
}
