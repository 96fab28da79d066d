#!/bin/sh
# make-fake-ko.sh VERSION [SIGNER] OUT.ko - a tiny but real kernel module
# file for fixture machines.
#
# The result is an ELF relocatable object (what a .ko is) whose .modinfo
# section holds version=VERSION, license, vermagic, name and depends, so
# libkmod's kmod_module_get_info() reads it like the real nvidia.ko. It
# holds no code and cannot be loaded.
#
# With SIGNER the file gets a module signature trailer that libkmod parses:
#   [module][signer][key id][signature][struct module_signature][magic]
# using the older X.509 id type (id_type 1), whose signer name is stored
# in clear. Real modules since Linux 4.3 use PKCS#7 (id_type 2), where
# libkmod takes the signer from the certificate's issuer; making a real
# PKCS#7 blob needs openssl and a key, so fixtures use the X.509 form:
# dlrig sees the same "signer" key either way. The signature bytes are
# fake: nothing here can pass a kernel's signature check.
#
# When OUT.ko lies in ROOT/lib/modules/KERNEL/..., its path relative to
# that folder is added to KERNEL/modules.dep ("updates/dkms/nvidia.ko:"),
# which is how dlrig finds the module (fixtures need no modules.dep.bin).
#
# Environment: CC (default cc), VERMAGIC (default "KERNEL SMP mod_unload
# modversions", KERNEL taken from the path or "6.8.0-generic"), LICENSE
# (default "NVIDIA"; the open modules say "Dual MIT/GPL").
set -eu

usage() {
        echo "usage: $0 VERSION [SIGNER] OUT.ko" >&2
        exit 2
}

case $# in
2) version=$1 signer= out=$2 ;;
3) version=$1 signer=$2 out=$3 ;;
*) usage ;;
esac
case $out in
*.ko) ;;
*) echo "make-fake-ko: '$out' must end in .ko" >&2; exit 2 ;;
esac

# Kernel release and relative path when OUT is inside a modules tree.
kernel= rel= depfile=
case $out in
*/lib/modules/*/*)
        after=${out#*/lib/modules/}
        kernel=${after%%/*}
        rel=${after#*/}
        depfile=${out%%/lib/modules/*}/lib/modules/$kernel/modules.dep
        ;;
esac
vermagic=${VERMAGIC:-"${kernel:-6.8.0-generic} SMP mod_unload modversions"}
license=${LICENSE:-NVIDIA}
name=$(basename "$out" .ko)

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

# Escapes a value for a C string literal.
cquote() {
        printf '%s' "$1" | sed 's/\\/\\\\/g; s/"/\\"/g'
}

cat >"$tmp/modinfo.c" <<CEOF
/* Each entry is "key=value" and a NUL, as the kernel's MODULE_INFO() emits. */
static const char fake_modinfo[] __attribute__((section(".modinfo"), used, aligned(1))) =
        "version=$(cquote "$version")\\0"
        "license=$(cquote "$license")\\0"
        "vermagic=$(cquote "$vermagic")\\0"
        "name=$(cquote "$name")\\0"
        "depends=";
CEOF
mkdir -p "$(dirname "$out")"
${CC:-cc} -c -O0 -g0 -o "$out" "$tmp/modinfo.c"

if [ -n "$signer" ]; then
        len=$(printf '%s' "$signer" | wc -c)
        if [ "$len" -gt 255 ]; then
                echo "make-fake-ko: signer longer than 255 bytes" >&2
                exit 2
        fi
        {
                printf '%s' "$signer"
                printf '\336\255\276\357'                 # key id, 4 bytes
                printf 'FAKESIG!'                         # signature, 8 bytes
                # algo RSA(1), hash sha256(4), id_type X.509(1), signer_len,
                # key_id_len 4, 3 pad bytes, sig_len 8 (big-endian u32).
                printf "\\001\\004\\001\\$(printf '%03o' "$len")\\004\\000\\000\\000"
                printf '\000\000\000\010'
                printf '~Module signature appended~\n'
        } >>"$out"
fi

if [ -n "$depfile" ]; then
        touch "$depfile"
        grep -q "^$rel:" "$depfile" || printf '%s:\n' "$rel" >>"$depfile"
fi
