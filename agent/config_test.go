package agent_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"karta/agent"
)

// TestExampleConfig keeps deploy/agent.example.toml loadable.
func TestExampleConfig(t *testing.T) {
	c, err := agent.LoadConfig(filepath.Join("..", "deploy", "agent.example.toml"))
	if err != nil {
		t.Fatal(err)
	}
	if c.DeviceID != "bus-0042" || c.Rules.Role != agent.RoleBus || c.Hardware.Pins["green"] != "GPIO17" || c.JournalPath() != "/var/lib/karta/journal.db" ||
		c.Sync.Broker != "ssl://central.example:8883" || c.Sync.MaxBackoff.Duration != 30*time.Second {
		t.Errorf("example config read as %+v", c)
	}
}

func TestConfigErrors(t *testing.T) {
	tests := map[string]string{
		"unknown key":    "device_id = \"x\"\ncolour = \"red\"\n",
		"missing fields": "device_id = \"x\"\n",
		"bad rules":      "device_id=\"x\"\ndata_dir=\"d\"\ntoken_key=\"k\"\nlist_keys=[\"p\"]\n[[readers]]\nname=\"a\"\ndriver=\"sim\"\n[rules]\nrole=\"ferry\"\nlists=[\"l\"]\n",
		"not TOML":       "device_id = \n",
		"turnstile dir":  "device_id=\"x\"\ndata_dir=\"d\"\ntoken_key=\"k\"\nlist_keys=[\"p\"]\n[[readers]]\nname=\"a\"\ndriver=\"sim\"\n[rules]\nrole=\"turnstile\"\nlists=[\"l\"]\n[rules.school]\nschool=\"s\"\n",
	}
	for name, text := range tests {
		path := filepath.Join(t.TempDir(), "agent.toml")
		if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := agent.LoadConfig(path); err == nil || !strings.Contains(err.Error(), "agent: config") {
			t.Errorf("%s: LoadConfig = %v", name, err)
		}
	}
}
