package web

import (
	"fmt"
	"html"
	"html/template"
	"strings"
	"time"

	"karta/central/store"
)

// chartLabels are the chart's words, in the page's language.
type chartLabels struct {
	Title, Taps, Hour, Allowed, Denied string
	Roles                              map[string]string // bus → "автобус"
}

// A series is one part of each bar: a role's allowed or denied taps.
type series struct {
	role    string
	allowed bool
	color   string
}

// chartSeries stack bottom up: each role's allowed taps in its color,
// then its denied ones in a lighter shade of it.
var chartSeries = []series{
	{"bus", true, "#2b6cb0"}, {"bus", false, "#90cdf4"},
	{"turnstile", true, "#2f855a"}, {"turnstile", false, "#9ae6b4"},
	{"canteen", true, "#c05621"}, {"canteen", false, "#fbd38d"},
}

// Geometry of the chart, in SVG units; it scales to its box.
const (
	chartW, chartH         = 720, 300
	padL, padR, padT, padB = 52, 12, 14, 92
	plotW, plotH           = chartW - padL - padR, chartH - padT - padB
)

// tapsChart draws hours bars from from (an hour's start), each stacking
// the counts of its hour by role and decision, with a y axis of taps, the
// hours in loc on the x axis and a legend. Counts of other hours or
// roles are left out.
func tapsChart(from time.Time, hours int, counts []store.HourCount, loc *time.Location, l chartLabels) template.HTML {
	stacks := make([][]int64, hours)
	for i := range stacks {
		stacks[i] = make([]int64, len(chartSeries))
	}
	for _, c := range counts {
		h := int(c.Hour.Sub(from) / time.Hour)
		k := seriesOf(c.Role, c.Allowed)
		if c.Hour.Before(from) || h >= hours || k < 0 {
			continue
		}
		stacks[h][k] += c.Taps
	}
	top := niceMax(stacks)
	var b strings.Builder
	fmt.Fprintf(&b, `<svg id="taps-per-hour" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" role="img" aria-labelledby="taps-per-hour-title">`, chartW, chartH)
	fmt.Fprintf(&b, "\n<title id=\"taps-per-hour-title\">%s</title>\n", esc(l.Title))
	yAxis(&b, top, l)
	slot := float64(plotW) / float64(hours)
	for i, st := range stacks {
		bar(&b, float64(padL)+float64(i)*slot, slot, st, top, from.Add(time.Duration(i)*time.Hour), loc, l)
		if h := from.Add(time.Duration(i) * time.Hour).In(loc); h.Hour()%3 == 0 {
			fmt.Fprintf(&b, `<text x="%.1f" y="%d" text-anchor="middle" font-size="11" fill="#4a5568">%02d</text>`+"\n",
				float64(padL)+(float64(i)+0.5)*slot, padT+plotH+15, h.Hour())
		}
	}
	fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="middle" font-size="11" fill="#4a5568">%s</text>`+"\n",
		padL+plotW/2, padT+plotH+32, esc(l.Hour))
	legend(&b, l)
	b.WriteString("</svg>")
	return template.HTML(b.String())
}

func seriesOf(role string, allowed bool) int {
	for i, s := range chartSeries {
		if s.role == role && s.allowed == allowed {
			return i
		}
	}
	return -1
}

// niceMax is the y axis's top: the tallest stack rounded up to 4, 8 or
// 20 times a power of ten, so that its quarters are round numbers.
func niceMax(stacks [][]int64) int64 {
	var most int64
	for _, st := range stacks {
		var sum int64
		for _, v := range st {
			sum += v
		}
		most = max(most, sum)
	}
	for p := int64(1); ; p *= 10 {
		for _, m := range []int64{4, 8, 20} {
			if m*p >= most {
				return m * p
			}
		}
	}
}

// yAxis draws the grid lines at quarters of top, their labels and the
// axis title.
func yAxis(b *strings.Builder, top int64, l chartLabels) {
	for q := int64(0); q <= 4; q++ {
		y := float64(padT+plotH) - float64(plotH)*float64(q)/4
		fmt.Fprintf(b, `<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="#e2e8f0" stroke-width="1"/>`+"\n", padL, y, padL+plotW, y)
		fmt.Fprintf(b, `<text x="%d" y="%.1f" text-anchor="end" font-size="11" fill="#4a5568">%d</text>`+"\n", padL-6, y+4, top*q/4)
	}
	fmt.Fprintf(b, `<text x="14" y="%d" text-anchor="middle" font-size="11" fill="#4a5568" transform="rotate(-90 14 %d)">%s</text>`+"\n",
		padT+plotH/2, padT+plotH/2, esc(l.Taps))
}

// bar draws one hour's stack, each part with a tooltip of its count.
func bar(b *strings.Builder, x, slot float64, st []int64, top int64, hour time.Time, loc *time.Location, l chartLabels) {
	y := float64(padT + plotH)
	for k, v := range st {
		if v == 0 {
			continue
		}
		h := float64(plotH) * float64(v) / float64(top)
		y -= h
		s := chartSeries[k]
		fmt.Fprintf(b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"><title>%s %s, %s: %d</title></rect>`+"\n",
			x+slot*0.15, y, slot*0.7, h, s.color, hour.In(loc).Format("15:04"), esc(l.Roles[s.role]), esc(decisionLabel(s.allowed, l)), v)
	}
}

// legend names each series in two rows under the x axis.
func legend(b *strings.Builder, l chartLabels) {
	for k, s := range chartSeries {
		x, y := padL+(k/2)*200, padT+plotH+50+(k%2)*18
		fmt.Fprintf(b, `<rect x="%d" y="%d" width="12" height="12" fill="%s"/>`+"\n", x, y-10, s.color)
		fmt.Fprintf(b, `<text x="%d" y="%d" font-size="12" fill="#1a202c">%s · %s</text>`+"\n", x+18, y, esc(l.Roles[s.role]), esc(decisionLabel(s.allowed, l)))
	}
}

func decisionLabel(allowed bool, l chartLabels) string {
	if allowed {
		return l.Allowed
	}
	return l.Denied
}

func esc(s string) string { return html.EscapeString(s) }
