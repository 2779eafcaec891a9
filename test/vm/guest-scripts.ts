/**
 * Guest-side shell for the kernel-feature tests. The `workstation` is the namespace NovaNet manages (WS): its
 * `setup` builds only what surrounds NovaNet's objects (namespaces, cables, the far ends and their addresses),
 * kernel-features.test.ts then runs `novanet apply` of specs.ts in the guest, and each feature's `verify` proves it
 * with traffic. VRF, netem and fq_codel, which NovaNet has no words for yet, are whole raw `Scenario`s.
 * Verify scripts hold traffic and assertions only, so they stay valid whoever configured.
 * Every address is in 198.18.0.0/15 (RFC 2544 benchmarking) and lives in namespaces inside the guest.
 */
import { OVS_DB, OVS_DIR, WS } from './specs';

/** A feature configured by hand, from nothing to traffic. */
export interface Scenario {
  /** Test title. */
  title: string;
  setup: string;
  /** Prints one "ok"/"FAIL" line per check; exits non-zero when any check failed. */
  verify: string;
  cleanup: string;
}

/** A feature NovaNet configured: only the traffic proof. */
export interface TrafficCheck {
  title: string;
  verify: string;
}

/** Prepended to every verify script. Negative pings wait 1 s; positive ones allow 3 s for ARP under TCG. */
export const VERIFY_HELPERS = `fails=0
ok() { echo "ok   - $*"; }
bad() { echo "FAIL - $*"; fails=$((fails + 1)); }
check() { label=$1; shift; if "$@" >/dev/null 2>&1; then ok "$label"; else bad "$label"; fi; }
# reach NS ADDR LABEL [extra ping args]
reach() { ns=$1 addr=$2 label=$3; shift 3; check "$label" ip netns exec "$ns" ping -c 1 -W 3 "$@" "$addr"; }
noreach() {
  ns=$1 addr=$2 label=$3; shift 3
  if ip netns exec "$ns" ping -c 1 -W 1 "$@" "$addr" >/dev/null 2>&1; then bad "$label"; else ok "$label"; fi
}
counter() { ip netns exec "$1" cat "/sys/class/net/$2/statistics/$3"; }
`;
export const VERIFY_FOOTER = `\n[ "$fails" -eq 0 ] || { echo "$fails check(s) failed"; exit 1; }\n`;

export const verifyScript = (s: { verify: string }) => `${VERIFY_HELPERS}\n${s.verify}${VERIFY_FOOTER}`;

/** `ip netns del` for each name, ignoring the ones that do not exist. */
const delNs = (...names: string[]) => `for n in ${names.join(' ')}; do ip netns del "$n" 2>/dev/null; done; true`;

const FAR_ENDS = ['vf-a', 'vf-b', 'vf-c', 'vf-d', 'vf-t', 'q-2', 'bd-2', 'gn-2', 'ov-a', 'ov-b', 'ov-c'];

export const workstation = {
  setup: `set -e
ip netns add ${WS}
# A bridge NovaNet does not own: removing NovaNet's spec must leave it alone.
ip -n ${WS} link add foreign0 type bridge

# VLAN filtering: five cables into br0's future ports; the far ends play VMs on access ports and a trunk.
for n in a b c d t; do
  ip netns add vf-$n
  ip -n ${WS} link add p-$n type veth peer name eth0 netns vf-$n
  ip -n vf-$n link set eth0 up
done
ip -n vf-a addr add 198.18.10.1/24 dev eth0
ip -n vf-b addr add 198.18.10.2/24 dev eth0
# c shares a/b's subnet, so only the VLAN keeps them apart; its second address is for the trunk's VLAN 20.
ip -n vf-c addr add 198.18.10.3/24 dev eth0
ip -n vf-c addr add 198.18.20.3/24 dev eth0
ip -n vf-d addr add 198.18.99.5/24 dev eth0
# The trunk's far end: untagged frames belong to the native VLAN 99, tagged ones to its sub-interfaces.
ip -n vf-t addr add 198.18.99.4/24 dev eth0
for v in 10 20; do
  ip -n vf-t link add link eth0 name eth0.$v type vlan id $v
  ip -n vf-t addr add 198.18.$v.4/24 dev eth0.$v
  ip -n vf-t link set eth0.$v up
done

# 802.1Q: a cable to q-2, whose end is set up by hand: VID 100 as on ${WS}'s side, 201 where ${WS} has 200.
ip netns add q-2
ip -n ${WS} link add q0 type veth peer name eth0 netns q-2
ip -n ${WS} link set q0 up
ip -n q-2 link set eth0 up
for v in 100 201; do ip -n q-2 link add link eth0 name eth0.$v type vlan id $v; done
ip -n q-2 addr add 198.18.100.2/24 dev eth0.100
ip -n q-2 addr add 198.18.101.2/24 dev eth0.201
ip -n q-2 link set eth0.100 up
ip -n q-2 link set eth0.201 up

# Bond: two cables to bd-2, whose bridge answers at 198.18.50.2.
ip netns add bd-2
ip -n bd-2 link add br0 type bridge
ip -n bd-2 addr add 198.18.50.2/24 dev br0
ip -n bd-2 link set br0 up
for m in 1 2; do
  ip -n ${WS} link add m$m type veth peer name s$m netns bd-2
  ip -n bd-2 link set s$m master br0 up
done

# GENEVE: the underlay cable to gn-2 (NovaNet builds the overlay at both ends).
ip netns add gn-2
ip -n ${WS} link add u0 type veth peer name eth0 netns gn-2
ip -n ${WS} addr add 198.18.60.1/24 dev u0
ip -n ${WS} link set u0 up
ip -n gn-2 addr add 198.18.60.2/24 dev eth0
ip -n gn-2 link set eth0 up

# Open vSwitch: the daemons run inside ${WS}, as NovaNet's lab runs them, so the kernel datapath lives there.
D=${OVS_DIR}
export OVS_RUNDIR=$D OVS_LOGDIR=$D OVS_DBDIR=$D
mkdir -p $D
modprobe openvswitch
ovsdb-tool create $D/conf.db /usr/share/openvswitch/vswitch.ovsschema
ip netns exec ${WS} ovsdb-server $D/conf.db --remote=punix:$D/db.sock --pidfile=$D/ovsdb-server.pid \\
  --unixctl=$D/ovsdb-server.ctl --log-file=$D/ovsdb-server.log --detach --no-chdir
ovs-vsctl --db=${OVS_DB} --timeout=60 --no-wait init
ip netns exec ${WS} ovs-vswitchd ${OVS_DB} --pidfile=$D/ovs-vswitchd.pid --unixctl=$D/ovs-vswitchd.ctl \\
  --log-file=$D/ovs-vswitchd.log --detach --no-chdir
i=1
for n in a b c; do
  ip netns add ov-$n
  ip -n ${WS} link add ov-$n type veth peer name eth0 netns ov-$n
  ip -n ov-$n addr add 198.18.90.$i/24 dev eth0
  ip -n ov-$n link set eth0 up
  i=$((i + 1))
done`,
  /** Addresses where the spec has no word for them: on the VLAN sub-interfaces and the OVS internal port. */
  afterApply: `set -e
ip -n ${WS} addr add 198.18.100.1/24 dev q0.100
ip -n ${WS} addr add 198.18.101.1/24 dev q0.200
ip -n ${WS} addr add 198.18.90.9/24 dev ov-gw`,
  cleanup: `D=${OVS_DIR}
ovs-appctl -t $D/ovs-vswitchd.ctl exit --cleanup 2>/dev/null
ovs-appctl -t $D/ovsdb-server.ctl exit 2>/dev/null
${delNs(WS, ...FAR_ENDS)}
rm -rf $D; true`,
};

export const vlanFilteringTraffic: TrafficCheck = {
  title: 'bridge VLAN filtering: access ports isolate VLAN 10 from VLAN 20, a trunk carries both and a native VLAN',
  verify: `check "bridge reports vlan_filtering 1" sh -c 'ip -n ${WS} -d link show br0 | grep -q "vlan_filtering 1"'
reach vf-a 198.18.10.2 "VLAN 10 access: a -> b"
reach vf-b 198.18.10.1 "VLAN 10 access: b -> a"
noreach vf-c 198.18.10.1 "VLAN 20 access c does not reach a"
noreach vf-c 198.18.10.2 "VLAN 20 access c does not reach b"
noreach vf-a 198.18.10.3 "VLAN 10 access a does not reach c"
reach vf-t 198.18.10.1 "trunk eth0.10 -> a"
reach vf-t 198.18.10.2 "trunk eth0.10 -> b"
reach vf-t 198.18.20.3 "trunk eth0.20 -> c"
noreach vf-t 198.18.10.3 "trunk VLAN 10 does not reach c"
reach vf-t 198.18.99.5 "trunk untagged (native VLAN 99) -> d"`,
};

export const vlanSubinterfaceTraffic: TrafficCheck = {
  title: '802.1Q sub-interfaces pass tagged traffic and keep different VIDs apart',
  verify: `check "q0.100 is an 802.1Q device with id 100" sh -c 'ip -n ${WS} -d link show q0.100 | grep -q "vlan protocol 802.1Q id 100"'
check "q0.200 is an 802.1Q device with id 200" sh -c 'ip -n ${WS} -d link show q0.200 | grep -q "vlan protocol 802.1Q id 200"'
before=$(counter q-2 eth0.100 rx_packets)
reach ${WS} 198.18.100.2 "VLAN 100: ${WS} -> q-2"
after=$(counter q-2 eth0.100 rx_packets)
check "frames arrived on q-2's eth0.100 ($before -> $after)" test "$after" -gt "$before"
reach q-2 198.18.100.1 "VLAN 100: q-2 -> ${WS}"
noreach ${WS} 198.18.101.2 "VID 200 does not reach VID 201"`,
};

export const bondTraffic: TrafficCheck = {
  title: 'an active-backup bond uplink keeps pinging when its active member goes down',
  verify: `check "bond0 is in br-up, m1 and m2 in bond0" sh -c 'ip -n ${WS} -o link show bond0 | grep -q "master br-up" && [ "$(ip -n ${WS} -o link show master bond0 | wc -l)" = 2 ]'
reach ${WS} 198.18.50.2 "ping through the bond"
first=$(ip netns exec ${WS} cat /sys/class/net/bond0/bonding/active_slave)
ip netns exec ${WS} ping -c 30 -i 0.1 -W 1 198.18.50.2 >/tmp/bond-ping.txt 2>&1 &
pinger=$!
sleep 1
ip -n ${WS} link set "$first" down
wait $pinger
now=$(ip netns exec ${WS} cat /sys/class/net/bond0/bonding/active_slave)
check "failover: active member $first -> $now" test -n "$now" -a "$now" != "$first"
got=$(sed -n 's/.* \\([0-9]*\\) received.*/\\1/p' /tmp/bond-ping.txt)
check "pings survived the failover ($got of 30 answered)" test "\${got:-0}" -ge 20
reach ${WS} 198.18.50.2 "ping after $first went down"`,
};

export const geneveTraffic: TrafficCheck = {
  title: 'a GENEVE overlay between two namespaces carries pings over a veth underlay',
  verify: `check "gnv0 is a GENEVE device with VNI 42" sh -c 'ip -n ${WS} -d link show gnv0 | grep -q "geneve id 42"'
check "gnv0 is a port of br-t at both ends" sh -c 'ip -n ${WS} -o link show gnv0 | grep -q "master br-t" && ip -n gn-2 -o link show gnv0 | grep -q "master br-t"'
before=$(counter gn-2 gnv0 rx_packets)
reach ${WS} 198.18.61.2 "overlay ping ${WS} -> gn-2"
after=$(counter gn-2 gnv0 rx_packets)
check "frames decapsulated on gn-2's gnv0 ($before -> $after)" test "$after" -gt "$before"
reach gn-2 198.18.61.1 "overlay ping gn-2 -> ${WS}"`,
};

export const ovsTraffic: TrafficCheck = {
  title: 'Open vSwitch on the kernel datapath: VLAN 10 ports and an internal port talk, VLAN 20 is isolated',
  verify: `dp=$(ip netns exec ${WS} ovs-dpctl show)
check "the kernel datapath system@ovs-system exists" sh -c 'echo "$0" | grep -q "system@ovs-system"' "$dp"
check "ov-a is a port of the kernel datapath" sh -c 'echo "$0" | grep -q ": ov-a$"' "$dp"
check "ov-gw is an internal port of the kernel datapath" sh -c 'echo "$0" | grep -q ": ov-gw (internal)"' "$dp"
reach ov-a 198.18.90.2 "VLAN 10: a -> b"
reach ov-b 198.18.90.1 "VLAN 10: b -> a"
reach ov-a 198.18.90.9 "VLAN 10: a -> internal port ov-gw"
noreach ov-c 198.18.90.1 "VLAN 20: c does not reach a"
noreach ov-c 198.18.90.9 "VLAN 20: c does not reach ov-gw"
noreach ov-a 198.18.90.3 "VLAN 10: a does not reach c"`,
};

export const vrf: Scenario = {
  title: 'VRF device with an enslaved interface routes in its own table (raw commands: NovaNet has no VRF vocabulary)',
  setup: `set -e
ip netns add vr-1
ip netns add vr-2
ip -n vr-1 link add blue type vrf table 10
ip -n vr-1 link set blue up
ip -n vr-1 link add eth0 type veth peer name eth0 netns vr-2
ip -n vr-1 link set eth0 master blue
ip -n vr-1 addr add 198.18.70.1/24 dev eth0
ip -n vr-1 link set eth0 up
ip -n vr-2 addr add 198.18.70.2/24 dev eth0
ip -n vr-2 link set eth0 up`,
  verify: `check "eth0 is enslaved to VRF blue" sh -c 'ip -n vr-1 -o link show eth0 | grep -q "master blue"'
check "connected route is in VRF table 10" sh -c 'ip -n vr-1 route show vrf blue | grep -q "198.18.70.0/24"'
check "route is absent from the main table" sh -c '! ip -n vr-1 route show table main | grep -q "198.18.70.0/24"'
reach vr-1 198.18.70.2 "ping bound to VRF blue" -I blue
noreach vr-1 198.18.70.2 "ping outside the VRF has no route"`,
  cleanup: delNs('vr-1', 'vr-2'),
};

export const qdiscs: Scenario = {
  title: 'netem adds measurable delay and fq_codel attaches (raw commands: NovaNet has no qdisc vocabulary yet)',
  setup: `set -e
ip netns add qd-1
ip netns add qd-2
ip -n qd-1 link add eth0 type veth peer name eth0 netns qd-2
for n in 1 2; do
  ip -n qd-$n addr add 198.18.80.$n/24 dev eth0
  ip -n qd-$n link set eth0 up
done
tc -n qd-1 qdisc add dev eth0 root netem delay 100ms
tc -n qd-2 qdisc add dev eth0 root fq_codel`,
  verify: `check "netem is the root qdisc of qd-1's eth0" sh -c 'tc -n qd-1 qdisc show dev eth0 | grep -q netem'
check "fq_codel is the root qdisc of qd-2's eth0" sh -c 'tc -n qd-2 qdisc show dev eth0 | grep -q fq_codel'
out=$(ip netns exec qd-1 ping -c 3 -i 0.2 -W 3 198.18.80.2)
min=$(echo "$out" | sed -n 's#.* = \\([0-9.]*\\)/.*#\\1#p')
check "netem delay: minimum rtt \${min:-none} ms >= 100 ms" awk "BEGIN { exit !(\${min:-0} >= 100) }"`,
  cleanup: delNs('qd-1', 'qd-2'),
};
