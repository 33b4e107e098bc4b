package bundletest

import (
	"encoding/base64"
	"encoding/binary"
	"fmt"

	"karta/offline"
)

// Token returns a well-formed token ("k1." and 20 base64url characters)
// for i: distinct for distinct i, in no particular order.
func Token(i int) string {
	var b [15]byte
	x := mix(uint64(i))
	binary.BigEndian.PutUint64(b[:8], x)
	binary.BigEndian.PutUint64(b[7:], mix(x))
	return "k1." + base64.RawURLEncoding.EncodeToString(b[:])
}

// mix is splitmix64's finalizer: a bijection, so tokens never collide.
func mix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ x>>30) * 0xbf58476d1ce4e5b9
	x = (x ^ x>>27) * 0x94d049bb133111eb
	return x ^ x>>31
}

// Entries returns n synthetic entries shaped like a regional list: mostly
// bus rights, some school passes with meals, a few stopped cards.
func Entries(n int) []*offline.Entry {
	es := make([]*offline.Entry, n)
	for i := range es {
		es[i] = Entry(i)
	}
	return es
}

// Entry returns synthetic entry i of Entries.
func Entry(i int) *offline.Entry {
	e := &offline.Entry{Token: Token(i), Category: "pensioner", From: 20260101, To: 20261231,
		Bus: &offline.BusRight{Discount: 100, MonthlyLimit: 60}}
	switch i % 10 {
	case 1, 2:
		school := fmt.Sprintf("school-%d", i%50)
		e.Category, e.Bus.Discount = "schoolchild", 50
		e.School = &offline.SchoolPass{School: school, Role: "student", Grade: uint8(1 + i%11)}
		e.Meals = &offline.MealRight{School: school, Meals: []string{"breakfast", "lunch"}}
	case 3:
		e.Stop = &offline.Stop{Reason: "lost", Since: 20261101}
	}
	return e
}
