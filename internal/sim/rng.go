package sim

import "math"

// Every random choice in the simulator comes from a stream derived from (seed, stream, item), never
// from a shared generator: issue i's history is then the same whether it is generated first, last,
// alone or in parallel, which is what makes lazy generation at 1M issues and byte-identical
// responses possible.

// Stream identifiers keep the independent choices about one item uncorrelated.
const (
	streamArrival uint64 = iota + 1
	streamHeader
	streamHistory
	streamMove
	streamDelete
	streamBlock
	streamWeek
	streamTrain
	streamFault
	streamSummary
	streamRank
	streamUser
)

// mix64 is the splitmix64 finalizer: a fast bijective mixer with good avalanche.
func mix64(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}

// hash3 derives one 64-bit value from a seed, a stream and an item number.
func hash3(seed int64, stream, item uint64) uint64 {
	return mix64(uint64(seed)*0x9e3779b97f4a7c15 ^ mix64(stream*0xd6e8feb86659fd93^mix64(item+0x632be59bd9b4e019)))
}

// unit maps a hash to [0,1).
func unit(h uint64) float64 { return float64(h>>11) / (1 << 53) }

// rng is a splitmix64 sequence: tiny, allocation-free and stable across Go releases (unlike the
// distribution methods of math/rand, whose output may change between versions).
type rng struct{ s uint64 }

func newRNG(seed int64, stream, item uint64) rng { return rng{s: hash3(seed, stream, item)} }

func (r *rng) next() uint64 {
	r.s += 0x9e3779b97f4a7c15
	return mix64(r.s)
}

func (r *rng) float() float64 { return unit(r.next()) }

func (r *rng) intn(n int) int {
	if n <= 1 {
		return 0
	}
	return int(r.next() % uint64(n))
}

func (r *rng) chance(p float64) bool { return r.float() < p }

// norm draws a standard normal value (Box-Muller).
func (r *rng) norm() float64 {
	u1 := r.float()
	for u1 == 0 {
		u1 = r.float()
	}
	u2 := r.float()
	return math.Sqrt(-2*math.Log(u1)) * math.Cos(2*math.Pi*u2)
}

// lognormal draws a heavy-tailed positive value with the given median: durations of real work
// are lognormal-ish, which is what gives lead times their long right tail.
func (r *rng) lognormal(median, sigma float64) float64 {
	return median * math.Exp(sigma*r.norm())
}

// pick returns an index with probability proportional to its weight.
func (r *rng) pick(weights []float64) int {
	total := 0.0
	for _, w := range weights {
		total += w
	}
	x := r.float() * total
	for i, w := range weights {
		if x < w {
			return i
		}
		x -= w
	}
	return len(weights) - 1
}
