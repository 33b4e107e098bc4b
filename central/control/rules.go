package control

import (
	"fmt"
	"slices"
	"strings"

	"github.com/BurntSushi/toml"

	tapsync "karta/sync"
)

// MaxRules is the most bytes of rules a config carries (what
// tapsync.DecodeConfig accepts).
const MaxRules = 64 << 10

// RulesKeys are the top-level keys of an agent [rules] table (the toml
// tags of agent.Rules; a test in cmd/karta-central keeps them equal).
var RulesKeys = []string{"role", "lists", "policy", "bus", "school"}

// Roles are the device roles.
var Roles = []string{"bus", "turnstile", "canteen"}

// CheckRules checks the TOML of an agent's [rules] table and returns the
// role it names.
func CheckRules(text string) (role string, err error) {
	if len(text) > MaxRules {
		return "", fmt.Errorf("%w: %d bytes, at most %d", ErrRules, len(text), MaxRules)
	}
	if err := checkShape(text); err != nil {
		return "", err
	}
	var m map[string]any
	if _, err := toml.Decode(text, &m); err != nil {
		return "", fmt.Errorf("%w: %w", ErrRules, err)
	}
	if _, ok := m["rules"].(map[string]any); ok && len(m) == 1 {
		return "", fmt.Errorf("%w: give the contents of the [rules] table, without its header", ErrRules)
	}
	for k := range m {
		if !slices.Contains(RulesKeys, k) {
			return "", fmt.Errorf("%w: unknown key %q (known: %s)", ErrRules, k, strings.Join(RulesKeys, ", "))
		}
	}
	role, _ = m["role"].(string)
	if !slices.Contains(Roles, role) {
		return "", fmt.Errorf("%w: role %q (want one of %s)", ErrRules, role, strings.Join(Roles, ", "))
	}
	return role, nil
}

// validKind reports whether devices know a command kind.
func validKind(kind string) bool {
	return slices.Contains([]string{tapsync.CmdResync, tapsync.CmdSelftest, tapsync.CmdDiagnostics}, kind)
}
