package broker_test

import (
	"strings"
	"testing"

	"karta/central/broker"
)

// TestMosquittoDeviceACL: a user block per device in service with only
// its own topics, central's block, no pattern that would reach any other
// certificate; an id that cannot be a user block is refused.
func TestMosquittoDeviceACL(t *testing.T) {
	acl, err := broker.MosquittoDeviceACL("", []string{"bus-0042", "gate-7"})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"user bus-0042\ntopic write karta/v1/dev/bus-0042/taps\ntopic write karta/v1/dev/bus-0042/status\n" +
			"topic read karta/v1/dev/bus-0042/ack\ntopic read karta/v1/dev/bus-0042/config\ntopic read karta/v1/dev/bus-0042/cmd\n" +
			"topic read karta/v1/lists/#\n",
		"user gate-7\n",
		"user karta-central\ntopic readwrite karta/v1/#\n",
	} {
		if !strings.Contains(acl, want) {
			t.Errorf("the ACL lacks %q:\n%s", want, acl)
		}
	}
	if strings.Contains(acl, "pattern") || strings.Contains(acl, "%u") {
		t.Errorf("the ACL has a pattern, which reaches every certificate:\n%s", acl)
	}
	if first := acl[:strings.Index(acl, "user ")]; strings.Contains(first, "topic") {
		t.Errorf("topics before the first user block are every client's:\n%s", first)
	}
	for _, tt := range []struct {
		central string
		devices []string
	}{
		{"", []string{"bus-1\ntopic readwrite #"}},
		{"", []string{"Bus 1"}},
		{"", []string{"karta-central"}},
		{"central-a", []string{"central-a"}},
	} {
		if acl, err := broker.MosquittoDeviceACL(tt.central, tt.devices); err == nil {
			t.Errorf("%q with central %q accepted:\n%s", tt.devices, tt.central, acl)
		}
	}
}
