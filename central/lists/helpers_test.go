package lists_test

import (
	"slices"
	"strings"

	"karta/offline"
)

func entriesOf(ops []offline.Op) []*offline.Entry {
	es := make([]*offline.Entry, 0, len(ops))
	for _, op := range ops {
		es = append(es, op.Entry)
	}
	return es
}

func sortOps(ops []offline.Op) {
	slices.SortFunc(ops, func(a, b offline.Op) int { return strings.Compare(a.Token, b.Token) })
}
