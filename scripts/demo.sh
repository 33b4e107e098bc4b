#!/usr/bin/env bash
# make run: the whole system on embedded defaults. karta-central (MQTT broker,
# SQLite, HTTP API) imports a registry of the virtual cards (tokens only),
# builds and signs the lists; three devices — a bus validator, a school
# turnstile and a canteen till, each a real karta-agent run by karta-sim
# fleet — are provisioned from it and tap virtual cards, syncing every tap.
# Meanwhile ops report a card lost and raise the bus fare: the new list
# version and the new config reach the devices over MQTT within seconds.
#
# Central also serves the ops UI beside its API: a demo admin is made with a
# random password, printed once and kept in var/demo/admin.password.
#
# On a terminal central keeps running at the end (Ctrl-C stops it); otherwise,
# or with KARTA_DEMO_KEEP=0, the script stops it and exits non-zero unless
# every tap reached central and every device took the update.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=bin
DEMO=var/demo
KEYS=$DEMO/keys
DB=$DEMO/central.db
rm -rf "$DEMO"
mkdir -p "$KEYS"
keep=${KARTA_DEMO_KEEP:-}
[ -n "$keep" ] || { [ -t 0 ] && [ -t 1 ] && keep=1 || keep=0; }

echo "== Who the cards belong to (karta-sim demo; tokens from a throwaway key)"
"$BIN/karta-sim" demo
echo

echo "== Central: keys, the registry (tokens only), devices, signed lists"
"$BIN/karta" keys gen-token --id demo --out "$KEYS/token.key" >/dev/null
"$BIN/karta" keys gen-signing --id demo --out "$KEYS" >/dev/null
"$BIN/karta-sim" registry --token-key "$KEYS/token.key" -o "$DEMO/registry.jsonl"
"$BIN/karta-central" import --db "$DB" --token-key "$KEYS/token.key" "$DEMO/registry.jsonl" 2>&1 | sed 's/^/   /'
"$BIN/karta-central" device add --db "$DB" --id bus-demo --role bus --route 12 >/dev/null
"$BIN/karta-central" device add --db "$DB" --id turnstile-demo --role turnstile --school school-39 >/dev/null
"$BIN/karta-central" device add --db "$DB" --id canteen-demo --role canteen --school school-39 >/dev/null
"$BIN/karta-central" lists build --db "$DB" --signing-key "$KEYS/list-signing-demo.key" | sed 's/^/   /'
# The ops UI's demo admin: a random password, shown once, kept owner-only.
(umask 077 && head -c 18 /dev/urandom | base64 | tr -d '/+=\n' >"$DEMO/admin.password" && echo >>"$DEMO/admin.password")
"$BIN/karta-central" user add --db "$DB" --name admin --role admin --password-file "$DEMO/admin.password" | sed 's/^/   /'

echo
echo "== karta-central serve (embedded MQTT broker, SQLite, API and ops UI)"
"$BIN/karta-central" serve --db "$DB" --listen 127.0.0.1:0 --secret-file "$DEMO/central.secret" \
	--api 127.0.0.1:0 --token-key "$KEYS/token.key" >"$DEMO/central.out" 2>"$DEMO/central.log" &
central=$!
stop_central() { kill "$central" 2>/dev/null && wait "$central" 2>/dev/null || true; }
trap stop_central EXIT
for _ in $(seq 100); do
	broker=$(sed -n 's|.*mqtt://\([^ ]*\).*|\1|p' "$DEMO/central.out")
	api=$(sed -n 's|.*API at \(http://[^ ]*\).*|\1|p' "$DEMO/central.out")
	ui=$(sed -n 's|.*ops UI at \(http://[^ ]*\).*|\1|p' "$DEMO/central.out")
	[ -n "$broker" ] && [ -n "$api" ] && [ -n "$ui" ] && break
	sleep 0.1
done
[ -n "$broker" ] && [ -n "$api" ] && [ -n "$ui" ] || { echo "karta-central did not start:"; cat "$DEMO/central.log"; exit 1; }
echo "   devices connect to mqtt://$broker; the API is at $api (database $DB)"
echo "   ops UI: $ui — log in as admin, password $(cat "$DEMO/admin.password") (kept in $DEMO/admin.password)"

# device NAME ROLE LIST READERS-TOML RULES-TOML: provisioned as a technician
# would — its MQTT password, the list snapshot preloaded into its inbox.
# RULES-TOML is a [rules] table without its header, as `config set` takes it.
device() {
	local dir="$DEMO/$1"
	mkdir -p "$dir/data/inbox"
	"$BIN/karta-central" lists export --db "$DB" --list "$3" --out "$dir/data/inbox/$3.bundle" >/dev/null
	"$BIN/karta-central" device-password --secret-file "$DEMO/central.secret" --id "$1" >"$dir/mqtt.password"
	cat >"$dir/agent.toml" <<TOML
device_id = "$1"
data_dir = "data"
token_key = "../keys/token.key"
list_keys = ["../keys/list-public-demo.pub"]
clock = "trusted"
hardware = {driver = "console", gate_pulse = "2s"}
[sync]
broker = "tcp://$broker"
username = "$1"
password_file = "mqtt.password"
$4
[rules]
$(sed 's/^\[\(.*\)\]$/[rules.\1]/' <<<"$5")
TOML
}

sim_reader() { # NAME DIRECTION CARDS...
	local name=$1 dir=$2; shift 2
	local cards; cards=$(printf '"%s", ' "$@")
	printf '[[readers]]\nname = "%s"\ndriver = "sim"\ndirection = "%s"\nevery = "1s"\ncount = %d\ncards = [%s]\n' \
		"$name" "$dir" "$#" "${cards%, }"
}

bus_rules() { # FULL-FARE
	printf 'role = "bus"\nlists = ["bus-fleet"]\n[bus]\nfull_fare = %d\nrepeat_window = "20m"\n' "$1"
}

# The bus's last cards come after ops' changes have reached it: mir-debit
# (reported lost) is refused, visa pays the new fare.
device bus-demo bus bus-fleet \
	"$(sim_reader front "" mir-debit mir-debit mir-credit visa-gpo-track2 mir-maestro mir-expired mir-vanishing \
		mir-pay mir-par mir-track2 mir-credit mir-debit visa-gpo-track2)" \
	"$(bus_rules 4200)"
device turnstile-demo turnstile school-39 \
	"$(sim_reader in in mir-credit mir-track2 mir-pay mir-credit visa-gpo-track2)
$(sim_reader out out mir-credit mir-track2)" \
	$'role = "turnstile"\nlists = ["school-39"]\n[school]\nschool = "school-39"\nantipassback = true'
device canteen-demo canteen school-39 \
	"$(sim_reader till "" mir-credit mir-track2 mir-credit mir-par mir-debit)" \
	$'role = "canteen"\nlists = ["school-39"]\n[school]\nschool = "school-39"\nmeals = [{name = "breakfast", from = "00:00", to = "11:00"}, {name = "lunch", from = "11:00", to = "23:59"}]'

echo
echo "== karta-sim fleet: three real karta-agents tapping virtual cards (lights, beeps, gate and display)"
"$BIN/karta-sim" fleet --agent-bin "$BIN/karta-agent" \
	--agent "$DEMO/bus-demo/agent.toml" --agent "$DEMO/turnstile-demo/agent.toml" --agent "$DEMO/canteen-demo/agent.toml" &
fleet=$!

sleep 3
echo "== Ops, meanwhile: mir-debit's owner reports it lost; the bus fare goes up to 45.00"
sed -n "1s/}\$/,\"stop_reason\":\"lost\",\"stop_since\":\"$(date +%F)\"}/p" "$DEMO/registry.jsonl" >"$DEMO/lost.jsonl"
"$BIN/karta-central" import --db "$DB" --partial "$DEMO/lost.jsonl" 2>&1 | sed 's/^/   /'
"$BIN/karta-central" lists build --db "$DB" --signing-key "$KEYS/list-signing-demo.key" | sed 's/^/   /'
bus_rules 4500 >"$DEMO/bus-rules.toml"
"$BIN/karta-central" config set --db "$DB" --signing-key "$KEYS/list-signing-demo.key" --device bus-demo \
	--rules "$DEMO/bus-rules.toml" | sed 's/^/   /'

status=0
wait "$fleet" || status=1
echo
echo "== What each device journaled (karta-agent selftest)"
for d in bus-demo turnstile-demo canteen-demo; do
	echo "-- $d"
	"$BIN/karta-agent" selftest --config "$DEMO/$d/agent.toml" | sed 's/^/   /' || status=1
done
echo
echo "== What central stored (karta-central stats)"
"$BIN/karta-central" stats --db "$DB" | sed 's/^/   /' || status=1
echo
echo "== The bus's last taps at central (${api}taps?device=bus-demo&limit=3)"
curl -fsS "${api}taps?device=bus-demo&limit=3" 2>/dev/null | sed 's/},{/},\n{/g; s/^/   /' || echo "   (curl is not installed)"
echo
echo "== The ops UI ($ui): admin logs in and reads the overview"
if command -v curl >/dev/null; then
	jar=$DEMO/ui.cookies
	csrf=$(curl -fsS -c "$jar" "${ui}login" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -1)
	curl -fsS -b "$jar" -c "$jar" -o /dev/null -H "Origin: ${ui%/}" --data-urlencode "csrf=$csrf" --data-urlencode user=admin \
		--data-urlencode "password=$(cat "$DEMO/admin.password")" "${ui}login"
	curl -fsS -b "$jar" "$ui" | sed -n 's|.*id="devices-\(online\)" class="value[^"]*">\([0-9]*\)<.*|   devices \1: \2|p; s|.*id="devices-\(offline\)" class="value[^"]*">\([0-9]*\)<.*|   devices \1: \2|p; s|.*<svg id="taps-per-hour".*|   chart: taps per hour, last 24 h|p'
	rm -f "$jar"
else
	echo "   (curl is not installed)"
fi
echo
echo "Logs: $DEMO/*/agent.log, $DEMO/central.log."

# What the demo must show: every tap journaled reached central once, every
# journal is empty, and the bus took list v2 over MQTT.
selftests=$(for d in bus-demo turnstile-demo canteen-demo; do "$BIN/karta-agent" selftest --config "$DEMO/$d/agent.toml"; done)
journaled=$(sed -n 's/.*next seq \([0-9]*\).*/\1/p' <<<"$selftests" | awk '{ n += $1 - 1 } END { print n + 0 }')
unsynced=$(sed -n 's/.*journal *\([0-9]*\) unsynced.*/\1/p' <<<"$selftests" | awk '{ n += $1 } END { print n + 0 }')
stored=$("$BIN/karta-central" stats --db "$DB" | awk 'NR > 1 { n += $NF } END { print n + 0 }')
updated=no
grep -q 'bus-fleet v2' <<<"$selftests" && updated=yes
echo "Check: $journaled taps journaled, $stored stored at central, $unsynced unsynced; bus-demo runs bus-fleet v2: $updated"
[ "$journaled" -gt 0 ] && [ "$stored" -eq "$journaled" ] && [ "$unsynced" -eq 0 ] && [ $updated = yes ] || status=1

if [ "$keep" = 1 ] && [ $status -eq 0 ]; then
	echo
	echo "karta-central keeps running: ops UI $ui (user admin, password in $DEMO/admin.password),"
	echo "API $api (devices, taps, alerts), metrics ${api%api/v1/}metrics. Ctrl-C stops it."
	wait "$central" || true
fi
exit $status
