package main

import (
	"fmt"
	"math"
	"time"

	"karta/offline/bundle"
)

// when shows a time in UTC to the minute.
func when(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 UTC") }

func untilExpiry(t time.Time) string {
	d := t.Sub(now())
	if d < 0 {
		return "EXPIRED " + days(-d) + " ago"
	}
	return "in " + days(d)
}

func days(d time.Duration) string {
	if d < 48*time.Hour {
		return d.Round(time.Minute).String()
	}
	return plural(int(math.Round(d.Hours()/24)), "day")
}

func chunkSummary(b *bundle.Bundle) string {
	size := 0
	for _, c := range b.Chunks {
		size += len(c)
	}
	return fmt.Sprintf("%s, %s compressed", plural(len(b.Chunks), "chunk"), kib(size))
}

// plural says "1 chunk", "2 chunks".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

func kib(n int) string {
	if n < 10<<10 {
		return fmt.Sprintf("%d bytes", n)
	}
	return fmt.Sprintf("%.1f KiB", float64(n)/1024)
}
