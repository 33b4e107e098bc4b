package control_test

import (
	"errors"
	"strings"
	"testing"

	"karta/central/control"
)

func TestCheckRules(t *testing.T) {
	cases := []struct {
		name, text, role string
	}{
		{"bus", "role = \"bus\"\nlists = [\"bus-fleet\"]\n[bus]\nfull_fare = 4000\n", "bus"},
		{"canteen", "role = \"canteen\"\n[school]\nschool = \"school-39\"\n[[school.meals]]\nname = \"lunch\"\nfrom = \"12:00\"\nto = \"13:00\"\n", "canteen"},
		{"turnstile with policy", "role = \"turnstile\"\n[policy]\non_stale = \"closed\"\n", "turnstile"},
		{"not TOML", "role = bus", ""},
		{"with the [rules] header", "[rules]\nrole = \"bus\"\n", ""},
		{"unknown key", "role = \"bus\"\npolcy = 3\n", ""},
		{"no role", "lists = [\"bus-fleet\"]\n", ""},
		{"unknown role", "role = \"tram\"\n", ""},
		{"role not a string", "role = 3\n", ""},
		{"too long", "role = \"bus\"\n#" + strings.Repeat("x", control.MaxRules), ""},
		{"a long dotted key", "role = \"bus\"\n" + strings.Repeat("a.", 30000) + "b = 1\n", ""},
		{"deep inline tables", "role = \"bus\"\nx = " + strings.Repeat("{a=", 20000), ""},
		{"deep arrays", "role = \"bus\"\nx = " + strings.Repeat("[", 20000), ""},
		{"dots in strings, numbers and comments", "role = \"bus\" # a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q.r.s\n" +
			"[policy]\npinned = [\"k1.A\", \"k1.B\", \"k1.C\", \"k1.D\", \"k1.E\", \"k1.F\", \"k1.G\", \"k1.H\", \"k1.I\", \"k1.J\", \"k1.K\", \"k1.L\", \"k1.M\", \"k1.N\", \"k1.O\", \"k1.P\", \"k1.Q\"]\n" +
			"[school]\nholidays = ['2026.12.31', '''x.y.z.a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q''', \"\"\"a\\\".b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q.r\"\"\"]\n", "bus"},
		{"nested within the bounds", "role = \"bus\"\n[school.schedules.student]\nmon = [\"07:30-15:00\"]\n[policy]\nx.y.z = [[1.5, 2.5], [{a = {b = 1}}]]\n", "bus"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			role, err := control.CheckRules(c.text)
			if c.role == "" {
				if !errors.Is(err, control.ErrRules) || !strings.HasPrefix(err.Error(), "control: ") {
					t.Errorf("CheckRules = %q, %v; want ErrRules", role, err)
				}
				return
			}
			if err != nil || role != c.role {
				t.Errorf("CheckRules = %q, %v; want %q", role, err, c.role)
			}
		})
	}
}

// FuzzCheckRules: any text is refused with ErrRules or gives a known role.
func FuzzCheckRules(f *testing.F) {
	for _, s := range []string{"role = \"bus\"\n", "[rules]\nrole = \"bus\"", "role = \"canteen\"\n[school]\nholidays = [\"2026-12-31\"]", "a.b.c = 1", "x = [[1], {a = 2}]"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		role, err := control.CheckRules(text)
		if err != nil {
			if !errors.Is(err, control.ErrRules) {
				t.Fatalf("error without ErrRules: %v", err)
			}
			return
		}
		if role != "bus" && role != "turnstile" && role != "canteen" {
			t.Fatalf("role %q accepted", role)
		}
	})
}
