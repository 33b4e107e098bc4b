package sync

import (
	"fmt"
	"strings"
)

// Root is the prefix of every karta topic.
const Root = "karta/v1/"

// Topics of one device.
func TapsTopic(device string) string   { return Root + "dev/" + device + "/taps" }
func AckTopic(device string) string    { return Root + "dev/" + device + "/ack" }
func StatusTopic(device string) string { return Root + "dev/" + device + "/status" }
func ConfigTopic(device string) string { return Root + "dev/" + device + "/config" }
func CmdTopic(device string) string    { return Root + "dev/" + device + "/cmd" }

// ManifestTopic carries a list's offer (ListOffer), retained.
func ManifestTopic(list string) string { return Root + "lists/" + list + "/manifest" }

// ChunkTopic carries chunk i (from 0) of a list version (base 0: the
// snapshot), retained; a device subscribes to ChunksFilter.
func ChunkTopic(list string, version, base uint64, i int) string {
	return fmt.Sprintf("%slists/%s/%d/%d/%d", Root, list, version, base, i)
}

// ChunksFilter matches every chunk of one list version.
func ChunksFilter(list string, version, base uint64) string {
	return fmt.Sprintf("%slists/%s/%d/%d/+", Root, list, version, base)
}

// SharedTapsFilter is what central instances subscribe to: one shared
// subscription, so the broker splits the devices' taps between them.
const SharedTapsFilter = "$share/karta-central/" + Root + "dev/+/taps"

// DeviceOf returns the device id of a dev/{id}/... topic.
func DeviceOf(topic string) (string, bool) {
	rest, ok := strings.CutPrefix(topic, Root+"dev/")
	if !ok {
		return "", false
	}
	id, _, ok := strings.Cut(rest, "/")
	return id, ok && ValidDeviceID(id)
}

// ValidDeviceID: 1-64 of [a-z0-9-], no MQTT wildcards, no slashes.
func ValidDeviceID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for _, c := range id {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// ValidListName: 1-64 of [a-z0-9._-], not starting with a dot, as
// offline/bundle names lists; no MQTT wildcards, no slashes.
func ValidListName(list string) bool {
	return list != "" && len(list) <= 64 && list[0] != '.' &&
		strings.Trim(list, "abcdefghijklmnopqrstuvwxyz0123456789._-") == ""
}
