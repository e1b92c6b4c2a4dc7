#!/usr/bin/env bash
# Runs .ci/run as on a bare machine: a minimal Debian bookworm (debootstrap) with only this
# machine's Node.js copied in, in a network namespace of its own, so none of this machine's
# services (Redis on :6379, PostgreSQL on :5432) answer and .ci/run must install and start its own.
#
#   sudo tools/bare-machine-ci.sh [COMMIT]     (default HEAD; needs debootstrap, iproute2, iptables)
#
# The root folder, the namespace and the NAT rule are removed at the end. Output goes to the
# terminal and to /tmp/bare-machine-ci.log.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
commit="${1:-HEAD}"
root="$(mktemp -d /tmp/bare-machine.XXXXXX)"
# mktemp makes the folder 0700; as the new machine's "/", it must let its own users (postgres) in.
chmod 755 "$root"
ns="bare$$"
net=10.201.0
log=/tmp/bare-machine-ci.log

cleanup() {
  set +e
  ip netns pids "$ns" 2>/dev/null | xargs -r kill 2>/dev/null
  sleep 1
  for m in proc sys dev; do umount -R "$root/$m" 2>/dev/null; done
  ip netns del "$ns" 2>/dev/null
  ip link del "v${ns}a" 2>/dev/null
  iptables -t nat -D POSTROUTING -s "$net.0/24" -j MASQUERADE 2>/dev/null
  rm -rf --one-file-system "$root"
}
trap cleanup EXIT

echo "== debootstrap into $root"
debootstrap --variant=minbase --include=ca-certificates,git bookworm "$root" http://deb.debian.org/debian >/dev/null

echo "== this machine's Node.js, npm settings and extra certificate authorities"
cp "$(command -v node)" "$root/usr/bin/node"
mkdir -p "$root/usr/lib/node_modules" "$root/usr/include"
cp -a "$(dirname "$(readlink -f "$(command -v npm)")")/.." "$root/usr/lib/node_modules/npm"
ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$root/usr/bin/npm"
ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$root/usr/bin/npx"
[ -d /usr/include/node ] && cp -r /usr/include/node "$root/usr/include/"
for f in /usr/etc/npmrc /etc/npmrc; do [ -f "$f" ] && mkdir -p "$root$(dirname "$f")" && cp "$f" "$root$f"; done
cp /usr/local/share/ca-certificates/*.crt "$root/usr/local/share/ca-certificates/" 2>/dev/null || true
chroot "$root" update-ca-certificates >/dev/null
cp /etc/resolv.conf "$root/etc/resolv.conf"
git clone -q "$repo" "$root/root/repo"
git -C "$root/root/repo" checkout -q "$commit"

echo "== network namespace $ns (its own loopback; outside reached through NAT)"
sysctl -qw net.ipv4.ip_forward=1
ip netns add "$ns"
ip link add "v${ns}a" type veth peer name "v${ns}b"
ip link set "v${ns}b" netns "$ns"
ip addr add "$net.1/24" dev "v${ns}a" && ip link set "v${ns}a" up
ip netns exec "$ns" ip addr add "$net.2/24" dev "v${ns}b"
ip netns exec "$ns" ip link set "v${ns}b" up
ip netns exec "$ns" ip link set lo up
ip netns exec "$ns" ip route add default via "$net.1"
iptables -t nat -A POSTROUTING -s "$net.0/24" -j MASQUERADE
mount -t proc proc "$root/proc"
mount -t sysfs sys "$root/sys"
mount --rbind /dev "$root/dev"

echo "== .ci/run (log: $log)"
ip netns exec "$ns" chroot "$root" env -i HOME=/root PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt bash -c 'cd /root/repo && .ci/run </dev/null' 2>&1 | tee "$log"
