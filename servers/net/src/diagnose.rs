//! Why the stack could not attach to its interface, said so that the user
//! knows what to do: a TAP device that does not exist, one that is a TUN
//! (not TAP) device, one that another process holds, or a user who may
//! not open it.
use std::path::Path;

use crate::bsd;
use crate::socket::Errno;

/// The message for `iface` (a TAP device name or `fd:N`) that could not be
/// opened with BSD errno `e`.
pub fn open_failed(iface: &str, e: i32) -> String {
    let made_by = format!("make it as root with `ip tuntap add dev {iface} mode tap && ip link set {iface} up`");
    let why = if iface.starts_with("fd:") {
        format!("not an inherited datagram socket descriptor ({})", Errno(e))
    } else {
        match e as u32 {
            bsd::ENXIO => format!("no such network device; {made_by}"),
            bsd::EPERM | bsd::EACCES => format!(
                "permission denied: attaching to a TAP device needs root (or CAP_NET_ADMIN); run as root, \
                 or make the device yours as root with `ip tuntap add dev {iface} mode tap user $USER`"
            ),
            bsd::EBUSY => "busy: another process is attached to this TAP device (another `molt net serve`?); stop it first".into(),
            bsd::ENOENT => "/dev/net/tun does not exist: load the TUN/TAP driver with `modprobe tun`".into(),
            bsd::EINVAL if is_tun_not_tap(iface) => format!("a TUN device, not a TAP one; {made_by}"),
            bsd::EINVAL => format!("not a valid TAP device name (at most {} bytes, no '/')", libc::IFNAMSIZ - 1),
            _ => format!("{}", Errno(e)),
        }
    };
    format!("molt net: cannot open {iface}: {why}")
}

/// Whether `iface` exists as a TUN (layer 3) device.
fn is_tun_not_tap(iface: &str) -> bool {
    let flags = std::fs::read_to_string(Path::new("/sys/class/net").join(iface).join("tun_flags")).unwrap_or_default();
    u32::from_str_radix(flags.trim().trim_start_matches("0x"), 16).is_ok_and(|f| f & libc::IFF_TAP as u32 == 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_device_says_how_to_make_it() {
        let m = open_failed("tap7", bsd::ENXIO as i32);
        assert_eq!(
            m,
            "molt net: cannot open tap7: no such network device; \
             make it as root with `ip tuntap add dev tap7 mode tap && ip link set tap7 up`"
        );
    }

    #[test]
    fn permission_denied_says_root_is_needed() {
        for e in [bsd::EPERM, bsd::EACCES] {
            let m = open_failed("tap7", e as i32);
            assert!(m.contains("needs root"), "{m}");
            assert!(m.contains("`ip tuntap add dev tap7 mode tap user $USER`"), "{m}");
        }
    }

    #[test]
    fn a_busy_device_and_a_missing_driver_are_named() {
        assert!(open_failed("tap7", bsd::EBUSY as i32).contains("another process is attached"));
        assert!(open_failed("tap7", bsd::ENOENT as i32).contains("modprobe tun"));
        assert!(open_failed("fd:9", bsd::EBADF as i32).contains("not an inherited datagram socket"));
    }
}
