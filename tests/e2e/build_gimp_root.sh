#!/usr/bin/env bash
# Builds (once) a Debian trixie root with GIMP 3 and its Python support, for the real-GIMP tests.
# Usage: build_gimp_root.sh ROOT   -- reuses ROOT when its stamp file says it is complete.
set -euo pipefail
root=${1:?usage: build_gimp_root.sh ROOT}
stamp="$root/.inceptionism-gimp-root-v1"
[ -f "$stamp" ] && { echo "GIMP root ready: $root"; exit 0; }

# The Debian mirror this machine already uses (never a hard-coded host).
mirror=$(grep -h -E '^(URIs:|deb )' /etc/apt/sources.list /etc/apt/sources.list.d/* 2>/dev/null \
  | grep -m1 -E 'debian/?$|debian ' | sed -E 's/^URIs: *//; s/^deb (\[[^]]*\] )?//; s/ .*//' || true)
mirror=${mirror:-http://deb.debian.org/debian}
command -v debootstrap >/dev/null || { apt-get update -qq; apt-get install -y -qq debootstrap; }

rm -rf "$root"; mkdir -p "$(dirname "$root")"
debootstrap --variant=minbase trixie "$root" "$mirror"
cp /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true
unshare -m bash -c "
  mount -t proc proc '$root/proc'
  mount --rbind /dev '$root/dev'
  chroot '$root' bash -c 'export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends gimp python3-gi gir1.2-gimp-3.0 python3-numpy \
      dbus-user-session xvfb xauth imagemagick || apt-get -f install -y -qq'
"
touch "$stamp"
echo "GIMP root built: $root"
