/**
 * Guest-side shell for the kernel-feature tests. Each scenario splits into `setup` (raw commands), the specs NovaNet
 * applies (`applies`, run by kernel-features.test.ts through `novanet apply` in the guest), `afterApply`, `verify`
 * (traffic and assertions only, so it stays valid whoever configured) and `cleanup`.
 * Where NovaNet has vocabulary for a feature, `setup` builds only what surrounds it: namespaces, cables, the far
 * ends and their addresses. Where it has none (VRF, netem, fq_codel), `setup` builds the whole topology by hand.
 * Every address is in 198.18.0.0/15 (RFC 2544 benchmarking) and lives in namespaces inside the guest.
 */
import {
  OVS_DB,
  OVS_DIR,
  bondUplinkSpec,
  geneveSpec,
  ovsSpec,
  vlanFilteringSpec,
  vlanSubinterfaceSpec,
  type SpecApply,
} from './specs';

export interface Scenario {
  /** Test title. */
  title: string;
  setup: string;
  /** Specs NovaNet applies, in order, after `setup`. */
  applies?: SpecApply[];
  /** Raw commands after the applies: addresses on interfaces NovaNet created, where the spec has no word for them. */
  afterApply?: string;
  /** Prints one "ok"/"FAIL" line per check; exits non-zero when any check failed. */
  verify: string;
  cleanup: string;
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

export const verifyScript = (s: Scenario) => `${VERIFY_HELPERS}\n${s.verify}${VERIFY_FOOTER}`;

/** `ip netns del` for each name, ignoring the ones that do not exist. */
const delNs = (...names: string[]) => `for n in ${names.join(' ')}; do ip netns del "$n" 2>/dev/null; done; true`;

export const bridgeVlanFiltering: Scenario = {
  title:
    'bridge VLAN filtering (novanet apply): access ports isolate VLAN 10 from VLAN 20, a trunk carries both and a native VLAN',
  setup: `set -e
ip netns add vf-sw
for n in a b c d t; do
  ip netns add vf-$n
  ip -n vf-sw link add p-$n type veth peer name eth0 netns vf-$n
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
done`,
  applies: [{ file: 'vf.yaml', spec: vlanFilteringSpec, netns: 'vf-sw' }],
  verify: `check "bridge reports vlan_filtering 1" sh -c 'ip -n vf-sw -d link show br0 | grep -q "vlan_filtering 1"'
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
  cleanup: delNs('vf-sw', 'vf-a', 'vf-b', 'vf-c', 'vf-d', 'vf-t'),
};

export const vlan8021q: Scenario = {
  title: '802.1Q sub-interfaces (novanet apply) pass tagged traffic and keep different VIDs apart',
  setup: `set -e
ip netns add q-1
ip netns add q-2
ip -n q-1 link add eth0 type veth peer name eth0 netns q-2
ip -n q-1 link set eth0 up
ip -n q-2 link set eth0 up
# The far end, by hand: VID 100 like q-1's, and 201 where q-1 has 200.
for v in 100 201; do ip -n q-2 link add link eth0 name eth0.$v type vlan id $v; done
ip -n q-2 addr add 198.18.100.2/24 dev eth0.100
ip -n q-2 addr add 198.18.101.2/24 dev eth0.201
ip -n q-2 link set eth0.100 up
ip -n q-2 link set eth0.201 up`,
  applies: [{ file: 'q.yaml', spec: vlanSubinterfaceSpec, netns: 'q-1' }],
  afterApply: `set -e
ip -n q-1 addr add 198.18.100.1/24 dev eth0.100
ip -n q-1 addr add 198.18.101.1/24 dev eth0.200`,
  verify: `check "q-1's eth0.100 is an 802.1Q device with id 100" sh -c 'ip -n q-1 -d link show eth0.100 | grep -q "vlan protocol 802.1Q id 100"'
check "q-1's eth0.200 is an 802.1Q device with id 200" sh -c 'ip -n q-1 -d link show eth0.200 | grep -q "vlan protocol 802.1Q id 200"'
before=$(counter q-2 eth0.100 rx_packets)
reach q-1 198.18.100.2 "VLAN 100: q-1 -> q-2"
after=$(counter q-2 eth0.100 rx_packets)
check "frames arrived on q-2's eth0.100 ($before -> $after)" test "$after" -gt "$before"
reach q-2 198.18.100.1 "VLAN 100: q-2 -> q-1"
noreach q-1 198.18.101.2 "VID 200 does not reach VID 201"`,
  cleanup: delNs('q-1', 'q-2'),
};

export const bonding: Scenario = {
  title: 'active-backup bond uplink (novanet apply) keeps pinging when its active member goes down',
  setup: `set -e
ip netns add bd-1
ip netns add bd-2
ip -n bd-2 link add br0 type bridge
ip -n bd-2 addr add 198.18.50.2/24 dev br0
ip -n bd-2 link set br0 up
for m in 1 2; do
  ip -n bd-1 link add m$m type veth peer name s$m netns bd-2
  ip -n bd-2 link set s$m master br0 up
done`,
  applies: [{ file: 'bd.yaml', spec: bondUplinkSpec, netns: 'bd-1' }],
  verify: `check "bond0 is in br-up, m1 and m2 in bond0" sh -c 'ip -n bd-1 -o link show bond0 | grep -q "master br-up" && [ "$(ip -n bd-1 -o link show master bond0 | wc -l)" = 2 ]'
reach bd-1 198.18.50.2 "ping through the bond"
first=$(ip netns exec bd-1 cat /sys/class/net/bond0/bonding/active_slave)
ip netns exec bd-1 ping -c 30 -i 0.1 -W 1 198.18.50.2 >/tmp/bond-ping.txt 2>&1 &
pinger=$!
sleep 1
ip -n bd-1 link set "$first" down
wait $pinger
now=$(ip netns exec bd-1 cat /sys/class/net/bond0/bonding/active_slave)
check "failover: active member $first -> $now" test -n "$now" -a "$now" != "$first"
got=$(sed -n 's/.* \\([0-9]*\\) received.*/\\1/p' /tmp/bond-ping.txt)
check "pings survived the failover ($got of 30 answered)" test "\${got:-0}" -ge 20
reach bd-1 198.18.50.2 "ping after $first went down"`,
  cleanup: delNs('bd-1', 'bd-2'),
};

export const geneve: Scenario = {
  title: 'GENEVE overlay (novanet apply at both ends) between two namespaces over a veth underlay',
  setup: `set -e
ip netns add gn-1
ip netns add gn-2
ip -n gn-1 link add eth0 type veth peer name eth0 netns gn-2
for n in 1 2; do
  ip -n gn-$n addr add 198.18.60.$n/24 dev eth0
  ip -n gn-$n link set eth0 up
done`,
  applies: [
    { file: 'gn-1.yaml', spec: geneveSpec(1), netns: 'gn-1' },
    { file: 'gn-2.yaml', spec: geneveSpec(2), netns: 'gn-2' },
  ],
  verify: `check "gnv0 is a GENEVE device with VNI 42" sh -c 'ip -n gn-1 -d link show gnv0 | grep -q "geneve id 42"'
check "gnv0 is a port of br-t at both ends" sh -c 'ip -n gn-1 -o link show gnv0 | grep -q "master br-t" && ip -n gn-2 -o link show gnv0 | grep -q "master br-t"'
before=$(counter gn-2 gnv0 rx_packets)
reach gn-1 198.18.61.2 "overlay ping gn-1 -> gn-2"
after=$(counter gn-2 gnv0 rx_packets)
check "frames decapsulated on gn-2's gnv0 ($before -> $after)" test "$after" -gt "$before"
reach gn-2 198.18.61.1 "overlay ping gn-2 -> gn-1"`,
  cleanup: delNs('gn-1', 'gn-2'),
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

export const ovsKernelDatapath: Scenario = {
  title:
    'Open vSwitch on the kernel datapath (novanet apply): VLAN 10 ports and an internal port talk, VLAN 20 is isolated',
  // The daemons run inside ov-sw, as NovaNet's lab runs them: their kernel datapath and devices live there.
  setup: `set -e
D=${OVS_DIR}
export OVS_RUNDIR=$D OVS_LOGDIR=$D OVS_DBDIR=$D
mkdir -p $D
modprobe openvswitch
ip netns add ov-sw
ovsdb-tool create $D/conf.db /usr/share/openvswitch/vswitch.ovsschema
ip netns exec ov-sw ovsdb-server $D/conf.db --remote=punix:$D/db.sock --pidfile=$D/ovsdb-server.pid \\
  --unixctl=$D/ovsdb-server.ctl --log-file=$D/ovsdb-server.log --detach --no-chdir
ovs-vsctl --db=${OVS_DB} --timeout=60 --no-wait init
ip netns exec ov-sw ovs-vswitchd ${OVS_DB} --pidfile=$D/ovs-vswitchd.pid --unixctl=$D/ovs-vswitchd.ctl \\
  --log-file=$D/ovs-vswitchd.log --detach --no-chdir
i=1
for n in a b c; do
  ip netns add ov-$n
  ip -n ov-sw link add ov-$n type veth peer name eth0 netns ov-$n
  ip -n ov-$n addr add 198.18.90.$i/24 dev eth0
  ip -n ov-$n link set eth0 up
  i=$((i + 1))
done`,
  applies: [{ file: 'ov.yaml', spec: ovsSpec, netns: 'ov-sw', ovsDb: OVS_DB }],
  afterApply: 'ip -n ov-sw addr add 198.18.90.9/24 dev ov-gw',
  verify: `dp=$(ip netns exec ov-sw ovs-dpctl show)
check "the kernel datapath system@ovs-system exists" sh -c 'echo "$0" | grep -q "system@ovs-system"' "$dp"
check "ov-a is a port of the kernel datapath" sh -c 'echo "$0" | grep -q ": ov-a$"' "$dp"
check "ov-gw is an internal port of the kernel datapath" sh -c 'echo "$0" | grep -q ": ov-gw (internal)"' "$dp"
reach ov-a 198.18.90.2 "VLAN 10: a -> b"
reach ov-b 198.18.90.1 "VLAN 10: b -> a"
reach ov-a 198.18.90.9 "VLAN 10: a -> internal port ov-gw"
noreach ov-c 198.18.90.1 "VLAN 20: c does not reach a"
noreach ov-c 198.18.90.9 "VLAN 20: c does not reach ov-gw"
noreach ov-a 198.18.90.3 "VLAN 10: a does not reach c"`,
  cleanup: `D=${OVS_DIR}
ovs-appctl -t $D/ovs-vswitchd.ctl exit --cleanup 2>/dev/null
ovs-appctl -t $D/ovsdb-server.ctl exit 2>/dev/null
${delNs('ov-sw', 'ov-a', 'ov-b', 'ov-c')}
rm -rf $D; true`,
};

export const scenarios: Scenario[] = [bridgeVlanFiltering, vlan8021q, bonding, geneve, vrf, qdiscs, ovsKernelDatapath];
