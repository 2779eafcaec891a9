/**
 * The two shell programs the test VM runs as PID 1. They are part of the initramfs cache key, so any edit here
 * rebuilds the initramfs on the next run.
 *
 * Channel design: the host writes each command to a file in a small writable 9p share (the "job" directory),
 * then tells the agent its number and timeout over ttyS1; the agent answers with one framed line when the
 * command has ended. Bulk data goes through 9p (fast, no escaping); the serial line only carries numbers, so a
 * command's output can never be mistaken for a protocol message. ttyS0 is the kernel console, logged to a file.
 */

/** Where the job share is mounted in the guest; guest commands also see it as $NOVANET_JOB. */
export const GUEST_JOB_DIR = '/run/novanet/job';
/** The static busybox copied to tmpfs, so the agent never depends on the host's /bin layout. */
const GUEST_BUSYBOX = '/run/novanet/busybox';

export const READY_MARK = 'NOVANET-READY';
export const DONE_MARK = 'NOVANET-DONE';

/** /init inside the initramfs: load the 9p stack from /modules, mount the host's root read-only, hand over. */
export const INIT_SCRIPT = `#!/bin/busybox sh
B=/bin/busybox
fail() { echo "novanet-init: $*"; $B sleep 1; $B poweroff -f; }
$B mount -t proc proc /proc
$B mount -t sysfs sysfs /sys
$B mount -t devtmpfs devtmpfs /dev
for m in $($B cat /modules.order); do $B insmod "/modules/$m.ko" || fail "insmod $m failed"; done
R=/newroot
# cache=loose keeps executables in the guest's page cache (each exec re-reads them over 9p otherwise, several
# times slower under TCG). The price: a host file changed during a session may look stale; hand such files over
# in the job share, which stays uncached.
$B mount -t 9p -o trans=virtio,version=9p2000.L,ro,msize=512000,cache=loose root $R || fail "cannot mount the host's root over 9p"
# The shared root is read-only: everything a tool writes must land on tmpfs.
for d in tmp run var/tmp var/log; do $B mount -t tmpfs -o mode=1777 tmpfs "$R/$d" || fail "tmpfs on /$d"; done
$B mkdir -p $R${GUEST_JOB_DIR}
$B mount -t 9p -o trans=virtio,version=9p2000.L,msize=512000 job $R${GUEST_JOB_DIR} || fail "cannot mount the job share"
# The project may live under a path the guest covers with tmpfs (a CI checkout in /tmp): it gets its own share,
# read-only, at the same path.
P=$($B cat $R${GUEST_JOB_DIR}/project-dir 2>/dev/null)
if [ -n "$P" ]; then
  $B mkdir -p "$R$P" 2>/dev/null
  $B mount -t 9p -o trans=virtio,version=9p2000.L,ro,msize=512000,cache=loose proj "$R$P" || fail "cannot mount the project share at $P"
fi
$B cp $B $R${GUEST_BUSYBOX}
$B cp /agent.sh $R/run/novanet/agent.sh
$B mount --move /proc $R/proc
$B mount --move /sys $R/sys
$B mount --move /dev $R/dev
exec $B switch_root $R ${GUEST_BUSYBOX} sh /run/novanet/agent.sh
`;

/**
 * PID 1 after switch_root. Each job runs in its own session so a timeout can kill its whole process group;
 * the watchdog is a separate session too, so ending it cannot leave a stray 'sleep' that later kills a
 * recycled process group. fd 3 (the control line) is closed for jobs so no command can read or write it.
 */
export const AGENT_SCRIPT = `B=${GUEST_BUSYBOX}
J=${GUEST_JOB_DIR}
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/tmp LC_ALL=C TERM=dumb
export NOVANET_VM=1 NOVANET_JOB=$J
$B mkdir -p /dev/pts /dev/shm /dev/net /run/lock
$B mount -t devpts devpts /dev/pts
$B mount -t tmpfs -o mode=1777 tmpfs /dev/shm
# A static node, as kmod static-nodes makes on a real system; opening it autoloads tun.
[ -e /dev/net/tun ] || $B mknod /dev/net/tun c 10 200
$B hostname novanet-vm
$B ip link set lo up
$B stty -F /dev/ttyS1 raw -echo
exec 3<>/dev/ttyS1
echo "${READY_MARK} $($B uname -r)" >&3
while read -r id secs <&3; do
  case "$id" in
    poweroff) $B sync; $B poweroff -f ;;
    ''|*[!0-9]*) continue ;;
  esac
  case "$secs" in ''|*[!0-9.]*) echo "${DONE_MARK} $id 126 0" >&3; continue ;; esac
  $B setsid /bin/sh "$J/$id.sh" </dev/null >"$J/$id.out" 2>"$J/$id.err" 3>&- &
  pid=$!
  $B setsid $B sh -c "$B sleep $secs; : >$J/$id.timeout; $B kill -KILL -$pid" </dev/null >/dev/null 2>&1 3>&- &
  wd=$!
  wait $pid
  rc=$?
  $B kill -KILL -$wd 2>/dev/null
  wait $wd 2>/dev/null
  to=0
  [ -e "$J/$id.timeout" ] && to=1
  echo "${DONE_MARK} $id $rc $to" >&3
done
$B poweroff -f
`;
