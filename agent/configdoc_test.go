package agent_test

import (
	"os"
	"reflect"
	"strings"
	"testing"

	"karta/agent"
)

// TestConfigReferenceCoversEveryKey keeps docs/CONFIG.md true: every key a
// device config may hold is named there.
func TestConfigReferenceCoversEveryKey(t *testing.T) {
	doc, err := os.ReadFile("../docs/CONFIG.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range tomlKeys(reflect.TypeFor[agent.Config](), "") {
		leaf := key[strings.LastIndex(key, ".")+1:]
		if !mentioned(string(doc), leaf) {
			t.Errorf("docs/CONFIG.md does not mention %s", key)
		}
	}
}

// tomlKeys lists the toml keys of a struct type, nested ones dotted.
func tomlKeys(t reflect.Type, prefix string) []string {
	var keys []string
	for f := range t.Fields() {
		name, _, _ := strings.Cut(f.Tag.Get("toml"), ",")
		if name == "" || name == "-" {
			continue
		}
		keys = append(keys, prefix+name)
		ft := f.Type
		for ft.Kind() == reflect.Slice || ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		if ft.Kind() == reflect.Struct && ft != reflect.TypeFor[agent.Duration]() {
			keys = append(keys, tomlKeys(ft, prefix+name+".")...)
		}
	}
	return keys
}

// mentioned says whether doc names key in code: alone or as a part of a
// dotted key (`policy.stale_after` names policy and stale_after) or a
// table header (`[sync]`).
func mentioned(doc, key string) bool {
	for _, before := range []string{"`", ".", "["} {
		for _, after := range []string{"`", ".", "]"} {
			if strings.Contains(doc, before+key+after) {
				return true
			}
		}
	}
	return false
}
