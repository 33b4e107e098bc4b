package bundle

import (
	"bytes"
	"runtime"
	"sync"
	"sync/atomic"
)

// validate inflates and checks every chunk once, a chunk per CPU at a
// time, then checks that the tokens run on from chunk to chunk and that
// the ops add up. Of several bad chunks it names the first.
func (r *opReader) validate() error {
	sums := make([]summary, len(r.chunks))
	parallel(len(r.chunks), func() *opReader { return &opReader{m: r.m} }, func(c *opReader, i int) {
		c.chunks, c.first, c.next = r.chunks[i:i+1], i, 0
		if err := c.inflate(); err != nil {
			sums[i].err = err
			return
		}
		sums[i] = checkOps(r.m, i+1, c.rest)
	})
	ops := 0
	for i, s := range sums {
		if s.err != nil {
			return s.err
		}
		if i > 0 && s.first != nil && sums[i-1].last != nil && bytes.Compare(sums[i-1].last, s.first) >= 0 {
			return where{r.m, i + 1, 1}.refuse(ErrOrder, nil, "%s after %s", s.first, sums[i-1].last)
		}
		ops += s.ops
	}
	if ops != r.m.Ops {
		return r.m.refuse(ErrOpCount, nil, "chunks hold %d ops, the manifest says %d", ops, r.m.Ops)
	}
	return nil
}

// parallel calls work(w, i) for every i below n, on up to GOMAXPROCS
// goroutines that each make their own w. It returns when all are done.
func parallel[W any](n int, newWorker func() W, work func(w W, i int)) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), n) {
		wg.Go(func() {
			w := newWorker()
			for i := int(next.Add(1)) - 1; i < n; i = int(next.Add(1)) - 1 {
				work(w, i)
			}
		})
	}
	wg.Wait()
}
