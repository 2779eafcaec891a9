/**
 * Guest-side shell for the kernel-feature tests. Each scenario splits into `configure` (builds the topology with
 * raw ip/bridge/tc/ovs commands; NovaNet's own `novanet apply -f spec.yaml --yes` can later take its place),
 * `verify` (traffic and assertions only, so it stays valid whoever configured) and `cleanup`.
 * Every address is in 198.18.0.0/15 (RFC 2544 benchmarking) and lives in namespaces inside the guest.
 */

export interface Scenario {
  /** Test title. */
  title: string;
  configure: string;
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
  title: 'bridge VLAN filtering: access ports isolate VLAN 10 from VLAN 20, a trunk carries both',
  configure: `set -e
ip netns add vf-sw
ip -n vf-sw link add br0 type bridge vlan_filtering 1 vlan_default_pvid 0
ip -n vf-sw link set br0 up
for n in a b c t; do
  ip netns add vf-$n
  ip -n vf-sw link add p-$n type veth peer name eth0 netns vf-$n
  ip -n vf-sw link set p-$n master br0 up
  ip -n vf-$n link set eth0 up
done
bridge -n vf-sw vlan add dev p-a vid 10 pvid untagged
bridge -n vf-sw vlan add dev p-b vid 10 pvid untagged
bridge -n vf-sw vlan add dev p-c vid 20 pvid untagged
bridge -n vf-sw vlan add dev p-t vid 10
bridge -n vf-sw vlan add dev p-t vid 20
ip -n vf-a addr add 198.18.10.1/24 dev eth0
ip -n vf-b addr add 198.18.10.2/24 dev eth0
# c shares a/b's subnet, so only the VLAN keeps them apart; its second address is for the trunk's VLAN 20.
ip -n vf-c addr add 198.18.10.3/24 dev eth0
ip -n vf-c addr add 198.18.20.3/24 dev eth0
for v in 10 20; do
  ip -n vf-t link add link eth0 name eth0.$v type vlan id $v
  ip -n vf-t addr add 198.18.$v.4/24 dev eth0.$v
  ip -n vf-t link set eth0.$v up
done`,
  verify: `check "bridge reports vlan_filtering 1" sh -c 'ip -n vf-sw -d link show br0 | grep -q "vlan_filtering 1"'
reach vf-a 198.18.10.2 "VLAN 10 access: a -> b"
reach vf-b 198.18.10.1 "VLAN 10 access: b -> a"
noreach vf-c 198.18.10.1 "VLAN 20 access c does not reach a"
noreach vf-c 198.18.10.2 "VLAN 20 access c does not reach b"
noreach vf-a 198.18.10.3 "VLAN 10 access a does not reach c"
reach vf-t 198.18.10.1 "trunk eth0.10 -> a"
reach vf-t 198.18.10.2 "trunk eth0.10 -> b"
reach vf-t 198.18.20.3 "trunk eth0.20 -> c"
noreach vf-t 198.18.10.3 "trunk VLAN 10 does not reach c"`,
  cleanup: delNs('vf-sw', 'vf-a', 'vf-b', 'vf-c', 'vf-t'),
};

export const vlan8021q: Scenario = {
  title: '802.1Q sub-interfaces pass tagged traffic and keep different VIDs apart',
  configure: `set -e
ip netns add q-1
ip netns add q-2
ip -n q-1 link add eth0 type veth peer name eth0 netns q-2
for n in 1 2; do
  ip -n q-$n link set eth0 up
  ip -n q-$n link add link eth0 name eth0.100 type vlan id 100
  ip -n q-$n addr add 198.18.100.$n/24 dev eth0.100
  ip -n q-$n link set eth0.100 up
done
ip -n q-1 link add link eth0 name eth0.200 type vlan id 200
ip -n q-2 link add link eth0 name eth0.201 type vlan id 201
ip -n q-1 addr add 198.18.101.1/24 dev eth0.200
ip -n q-2 addr add 198.18.101.2/24 dev eth0.201
ip -n q-1 link set eth0.200 up
ip -n q-2 link set eth0.201 up`,
  verify: `check "eth0.100 is an 802.1Q device with id 100" sh -c 'ip -n q-2 -d link show eth0.100 | grep -q "vlan protocol 802.1Q id 100"'
before=$(counter q-2 eth0.100 rx_packets)
reach q-1 198.18.100.2 "VLAN 100: q-1 -> q-2"
after=$(counter q-2 eth0.100 rx_packets)
check "frames arrived on q-2's eth0.100 ($before -> $after)" test "$after" -gt "$before"
noreach q-1 198.18.101.2 "VID 200 does not reach VID 201"`,
  cleanup: delNs('q-1', 'q-2'),
};

export const bonding: Scenario = {
  title: 'active-backup bond keeps pinging when its active member goes down',
  configure: `set -e
ip netns add bd-1
ip netns add bd-2
ip -n bd-2 link add br0 type bridge
ip -n bd-2 addr add 198.18.50.2/24 dev br0
ip -n bd-2 link set br0 up
ip -n bd-1 link add bond0 type bond mode active-backup miimon 50
for m in 1 2; do
  ip -n bd-1 link add m$m type veth peer name s$m netns bd-2
  ip -n bd-1 link set m$m master bond0
  ip -n bd-2 link set s$m master br0 up
done
ip -n bd-1 addr add 198.18.50.1/24 dev bond0
ip -n bd-1 link set bond0 up`,
  verify: `reach bd-1 198.18.50.2 "ping through the bond"
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
  title: 'GENEVE tunnel between two namespaces over a veth underlay',
  configure: `set -e
ip netns add gn-1
ip netns add gn-2
ip -n gn-1 link add eth0 type veth peer name eth0 netns gn-2
for n in 1 2; do
  ip -n gn-$n addr add 198.18.60.$n/24 dev eth0
  ip -n gn-$n link set eth0 up
done
ip -n gn-1 link add gnv0 type geneve id 42 remote 198.18.60.2
ip -n gn-2 link add gnv0 type geneve id 42 remote 198.18.60.1
for n in 1 2; do
  ip -n gn-$n addr add 198.18.61.$n/24 dev gnv0
  ip -n gn-$n link set gnv0 up
done`,
  verify: `check "gnv0 is a GENEVE device with VNI 42" sh -c 'ip -n gn-1 -d link show gnv0 | grep -q "geneve id 42"'
before=$(counter gn-2 gnv0 rx_packets)
reach gn-1 198.18.61.2 "overlay ping gn-1 -> gn-2"
after=$(counter gn-2 gnv0 rx_packets)
check "frames decapsulated on gn-2's gnv0 ($before -> $after)" test "$after" -gt "$before"`,
  cleanup: delNs('gn-1', 'gn-2'),
};

export const vrf: Scenario = {
  title: 'VRF device with an enslaved interface routes in its own table',
  configure: `set -e
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
  title: 'netem adds measurable delay and fq_codel attaches',
  configure: `set -e
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

const OVS = '/run/novanet-ovs';
export const ovsKernelDatapath: Scenario = {
  title: 'Open vSwitch on the kernel datapath: tag=10 ports talk, the tag=20 port is isolated',
  configure: `set -e
D=${OVS}
export OVS_RUNDIR=$D OVS_LOGDIR=$D OVS_DBDIR=$D
mkdir -p $D
modprobe openvswitch
ovsdb-tool create $D/conf.db /usr/share/openvswitch/vswitch.ovsschema
ovsdb-server $D/conf.db --remote=punix:$D/db.sock --pidfile=$D/ovsdb-server.pid --unixctl=$D/ovsdb-server.ctl \\
  --log-file=$D/ovsdb-server.log --detach --no-chdir
V="ovs-vsctl --db=unix:$D/db.sock --timeout=60"
$V --no-wait init
ovs-vswitchd unix:$D/db.sock --pidfile=$D/ovs-vswitchd.pid --unixctl=$D/ovs-vswitchd.ctl \\
  --log-file=$D/ovs-vswitchd.log --detach --no-chdir
$V add-br ovbr -- set bridge ovbr datapath_type=system
i=1
for n in a b c; do
  ip netns add ov-$n
  ip link add ov-$n type veth peer name eth0 netns ov-$n
  ip link set ov-$n up
  ip -n ov-$n addr add 198.18.90.$i/24 dev eth0
  ip -n ov-$n link set eth0 up
  i=$((i + 1))
done
$V add-port ovbr ov-a tag=10 -- add-port ovbr ov-b tag=10 -- add-port ovbr ov-c tag=20`,
  verify: `check "the kernel datapath system@ovs-system exists" sh -c 'ovs-dpctl show | grep -q "system@ovs-system"'
check "ov-a is a port of the kernel datapath" sh -c 'ovs-dpctl show | grep -q ": ov-a"'
reach ov-a 198.18.90.2 "tag 10: a -> b"
reach ov-b 198.18.90.1 "tag 10: b -> a"
noreach ov-c 198.18.90.1 "tag 20: c does not reach a"
noreach ov-a 198.18.90.3 "tag 10: a does not reach c"`,
  cleanup: `D=${OVS}
ovs-appctl -t $D/ovs-vswitchd.ctl exit --cleanup 2>/dev/null
ovs-appctl -t $D/ovsdb-server.ctl exit 2>/dev/null
${delNs('ov-a', 'ov-b', 'ov-c')}
rm -rf $D; true`,
};

export const scenarios: Scenario[] = [bridgeVlanFiltering, vlan8021q, bonding, geneve, vrf, qdiscs, ovsKernelDatapath];
