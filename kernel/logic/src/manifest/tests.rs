//! Tests of the manifest compiler and reader: the example file, every
//! compile error, and the reader's checks against corrupt binaries.

use super::*;
use crate::privilege::MAX_IRQS;
use crate::testrng::Rng;
use molt_abi::kcall;

const EXAMPLE: &str = include_str!("../../tests/manifest.example.toml");

#[test]
fn example_compiles_and_reads_back() {
    let bin = compile_manifest(EXAMPLE).unwrap();
    let m = Manifest::parse(&bin).unwrap();
    let names: Vec<&str> = m.servers().map(|s| s.name).collect();
    assert_eq!(names, ["rs", "pm", "console", "vfs", "net", "init"]);
    assert_eq!(m.len(), 6);
    let boot: Vec<&str> = m.servers().filter(|s| s.boot).map(|s| s.name).collect();
    assert_eq!(boot, ["rs", "pm", "console", "init"]);

    let rs = m.find("rs").unwrap();
    assert_eq!(rs.privileges.id, 0);
    assert!((0..6).all(|id| rs.privileges.may_send(id)) && rs.privileges.may_send(USER_PRIV_ID));
    assert!(
        !rs.privileges.may_send(6),
        "'*' covers existing servers only"
    );
    assert!(rs.privileges.may_kcall(kcall::KC_SPAWN) && !rs.privileges.may_kcall(kcall::KC_FORK));
    assert!(rs.privileges.debug_write);
    assert_eq!((rs.priority, rs.tickets), (0, 200));

    let pm = m.find("pm").unwrap();
    assert_eq!(pm.privileges.id, 1);
    assert!(
        pm.privileges.may_send(0)
            && pm.privileges.may_send(3)
            && pm.privileges.may_send(USER_PRIV_ID)
    );
    assert!(!pm.privileges.may_send(2));
    assert!(pm.privileges.may_kcall(kcall::KC_FORK) && pm.privileges.may_kcall(kcall::KC_MAP_ANON));
    assert_eq!(
        pm.restart,
        RestartPolicy {
            heartbeat_ms: 1000,
            silence_limit_ms: 5000,
            max_restarts: 3,
            backoff_ms: 100
        }
    );
    assert_eq!(pm.tickets, 100, "default tickets");

    let console = m.find("console").unwrap();
    assert_eq!(console.module, "console");
    assert!(console.privileges.may_use_port(0x3f8) && console.privileges.may_use_port(0x2ff));
    assert!(!console.privileges.may_use_port(0x400));
    assert_eq!(console.privileges.io_ranges().count(), 2);
    assert!(
        console.privileges.may_use_irq(3)
            && console.privileges.may_use_irq(4)
            && !console.privileges.may_use_irq(5)
    );

    let net = m.find("net").unwrap();
    assert!(!net.boot, "boot defaults to false");
    assert_eq!(net.priority, 4);

    let user = m.user_privileges();
    assert_eq!(user.id, USER_PRIV_ID);
    assert!(
        user.may_send(0) && user.may_send(3) && !user.may_send(5) && !user.may_send(USER_PRIV_ID)
    );
    assert!(user.may_kcall(kcall::KC_UPTIME) && !user.may_kcall(kcall::KC_FORK));
    assert!(!user.debug_write);
    assert_eq!((m.user_priority(), m.user_tickets()), (10, 100));
    assert!(m.find("nobody").is_none());
    assert_eq!(m.server(5).unwrap().name, "init");
    assert!(m.server(6).is_none());
}

#[test]
fn modules_are_checked_against_the_archive() {
    let bin = compile_manifest(EXAMPLE).unwrap();
    let m = Manifest::parse(&bin).unwrap();
    let modules = ["rs", "pm", "console", "vfs", "net", "init"];
    let mut entries: Vec<(&str, &[u8])> = modules.iter().map(|&n| (n, &b"elf"[..])).collect();
    entries.push((ARCHIVE_ENTRY, &bin));
    let archive_bytes = crate::bootfs::write_archive(&entries).unwrap();
    let archive = Archive::parse(&archive_bytes).unwrap();
    assert!(m.missing_module(&archive).is_none());
    let from_archive = Manifest::parse(archive.get(ARCHIVE_ENTRY).unwrap()).unwrap();
    assert_eq!(from_archive.len(), 6);
    let without_net = crate::bootfs::write_archive(&[
        (ARCHIVE_ENTRY, &bin[..]),
        ("rs", b""),
        ("pm", b""),
        ("console", b""),
        ("vfs", b""),
        ("init", b""),
    ])
    .unwrap();
    let archive = Archive::parse(&without_net).unwrap();
    assert_eq!(m.missing_module(&archive).map(|s| s.name), Some("net"));
}

#[test]
fn minimal_manifest_uses_defaults() {
    let bin = compile_manifest("[[server]]\nname = \"a\"\nmodule = \"a.elf\"\n").unwrap();
    let m = Manifest::parse(&bin).unwrap();
    let a = m.find("a").unwrap();
    assert_eq!(a.module, "a.elf");
    assert!(!a.boot);
    assert_eq!((a.priority, a.tickets), (8, 100));
    assert_eq!(a.restart, RestartPolicy::default());
    assert_eq!(
        a.privileges,
        Privileges {
            id: 0,
            ..Privileges::NONE
        }
    );
    assert_eq!(m.user_privileges(), Privileges::NONE);
    let empty = compile_manifest("").unwrap();
    let m = Manifest::parse(&empty).unwrap();
    assert!(m.is_empty());
    assert_eq!(m.servers().count(), 0);
}

#[test]
fn device_ranges_control_and_exec_privileges_read_back() {
    let text = "[[server]]\nname = \"drv\"\nmodule = \"drv\"\ncontrol = true\nexec_privileges = true\n\
                device_ranges = [[0xfec0_0000, 0x1000], [0xf_ffff_f000, 0x1000]]\n";
    let bin = compile_manifest(text).unwrap();
    let m = Manifest::parse(&bin).unwrap();
    let p = m.find("drv").unwrap().privileges;
    assert!(p.control && p.exec_privileges);
    assert!(p.may_map_device(0xfec0_0000, 0x1000) && p.may_map_device(0xf_ffff_f000, 0x1000));
    assert!(!p.may_map_device(0xfec0_1000, 0x1000) && !p.may_map_device(0xfec0_0000, 0x2000));
    assert_eq!(p.devices[2..], [crate::privilege::DeviceRange::EMPTY; 6]);
    let bin = compile_manifest("[[server]]\nname = \"a\"\nmodule = \"a\"\n").unwrap();
    let plain = Manifest::parse(&bin).unwrap();
    let q = plain.find("a").unwrap().privileges;
    assert!(!q.control && !q.exec_privileges && !q.may_map_device(0xfec0_0000, 0x1000));
}

#[test]
fn every_kcall_name_is_accepted() {
    for &(n, full) in kcall::ALL {
        let short = full.strip_prefix("KC_").unwrap().to_ascii_lowercase();
        let text = format!("[user]\nkcalls = [\"{short}\"]\n");
        let m = compile_manifest(&text).unwrap();
        let p = Manifest::parse(&m).unwrap().user_privileges();
        assert_eq!(p.kcalls, 1 << n, "{short}");
    }
    let all = compile_manifest("[user]\nkcalls = [\"*\"]\n").unwrap();
    let p = Manifest::parse(&all).unwrap().user_privileges();
    assert!((0..kcall::KC_COUNT).all(|n| p.may_kcall(n)) && !p.may_kcall(kcall::KC_COUNT));
}

fn compile_error(text: &str) -> String {
    match compile_manifest(text) {
        Err(e) => e.to_string(),
        Ok(_) => panic!("compiled: {text}"),
    }
}

#[test]
fn compile_errors_say_what_is_wrong() {
    let srv = |extra: &str| format!("[[server]]\nname = \"a\"\nmodule = \"a\"\n{extra}\n");
    let cases: &[(String, &str)] = &[
        (srv("ipc_to = [\"b\"]"), "unknown server 'b'"),
        (
            srv("kcalls = [\"KC_FORK\"]"),
            "unknown kernel call 'KC_FORK'",
        ),
        (srv("kcalls = [\"Fork\"]"), "unknown kernel call 'Fork'"),
        (
            srv("kcalls = [\"teleport\"]"),
            "unknown kernel call 'teleport'",
        ),
        (
            srv("io_ports = [\"0x3ff-0x3f8\"]"),
            "bad io_ports range '0x3ff-0x3f8'",
        ),
        (srv("io_ports = [\"0x10000\"]"), "bad io_ports range"),
        (srv("io_ports = [\"port\"]"), "bad io_ports range"),
        (
            srv("io_ports = [\"1\", \"2\", \"3\", \"4\", \"5\"]"),
            "more than 4 io_ports",
        ),
        (srv("irqs = [32]"), "irq 32 out of range"),
        (srv("device_ranges = [[0x1001, 0x1000]]"), "bad device range [0x1001, 0x1000]"),
        (srv("device_ranges = [[0x1000, 0]]"), "bad device range"),
        (srv("device_ranges = [[0x1000, 0x10]]"), "bad device range"),
        (srv("device_ranges = [[-4096, 0x1000]]"), "bad device range"),
        (srv("device_ranges = [[0xfffff_ffff_f000, 0x2000]]"), "bad device range"),
        (
            srv(&format!("device_ranges = [{}[0, 4096]]", "[0, 4096], ".repeat(8))),
            "more than 8 device_ranges",
        ),
        (
            "[user]\nexec_privileges = true\n".into(),
            "'exec_privileges' is only for [[server]]",
        ),
        (srv("irqs = [-1]"), "irq -1 out of range"),
        (srv("priority = 16"), "priority 16 out of range"),
        (srv("priority = -1"), "priority -1 out of range"),
        (srv("tickets = 0"), "tickets 0"),
        (srv("max_restarts = -3"), "max_restarts -3 out of range"),
        (
            srv("heartbeat_ms = 5000000000"),
            "heartbeat_ms 5000000000 out of range",
        ),
        (srv("prority = 3"), "unknown field `prority`"),
        (srv("boot = \"yes\""), "boot"),
        (
            srv("[[server]]\nname = \"a\"\nmodule = \"b\""),
            "server 'a' is defined twice",
        ),
        ("[[server]]\nmodule = \"a\"\n".into(), "missing 'name'"),
        ("[[server]]\nname = \"a\"\n".into(), "missing 'module'"),
        (
            format!(
                "[[server]]\nname = \"{}\"\nmodule = \"a\"\n",
                "n".repeat(33)
            ),
            "name",
        ),
        (
            "[[server]]\nname = \"\"\nmodule = \"a\"\n".into(),
            "name '' must be",
        ),
        (
            "[user]\nname = \"u\"\n".into(),
            "[user]: 'name' is only for [[server]]",
        ),
        ("[user]\nboot = true\n".into(), "[user]: 'boot'"),
        (
            "[user]\nipc_to = [\"ghost\"]\n".into(),
            "[user]: ipc_to names unknown server 'ghost'",
        ),
        ("[users]\n".into(), "unknown field `users`"),
        ("this is not toml".into(), "manifest:"),
    ];
    for (text, want) in cases {
        let got = compile_error(text);
        assert!(
            got.contains(want),
            "for {text:?}: got {got:?}, want it to mention {want:?}"
        );
    }
    let many: String = (0..=MAX_SERVERS)
        .map(|i| format!("[[server]]\nname = \"s{i}\"\nmodule = \"m\"\n"))
        .collect();
    assert_eq!(compile_manifest(&many), Err(ManifestError::TooManyServers));
    let most: String = (0..MAX_SERVERS)
        .map(|i| format!("[[server]]\nname = \"s{i}\"\nmodule = \"m\"\nipc_to = [\"*\"]\n"))
        .collect();
    let bin = compile_manifest(&most).unwrap();
    let m = Manifest::parse(&bin).unwrap();
    assert_eq!(m.len(), MAX_SERVERS);
    assert!(m.find("s61").unwrap().privileges.may_send(61));
}

#[test]
fn ports_in_decimal_and_single() {
    let bin = compile_manifest(
        "[user]\nio_ports = [\"1016-1023\", \"0x60\", \" 0x64 - 0x64 \"]\nirqs = [0, 31]\n",
    )
    .unwrap();
    let p = Manifest::parse(&bin).unwrap().user_privileges();
    assert!(
        p.may_use_port(0x3f8)
            && p.may_use_port(0x3ff)
            && p.may_use_port(0x60)
            && p.may_use_port(0x64)
    );
    assert!(!p.may_use_port(0x61));
    assert!(p.may_use_irq(0) && p.may_use_irq(31) && !p.may_use_irq(MAX_IRQS));
}

fn example_bin() -> Vec<u8> {
    compile_manifest(EXAMPLE).unwrap()
}

#[test]
fn reader_refuses_corruption() {
    let good = example_bin();
    let rec = |i: usize| HEADER_SIZE + i * RECORD_SIZE;
    let check = |f: &dyn Fn(&mut Vec<u8>), want: ManifestError| {
        let mut b = good.clone();
        f(&mut b);
        assert_eq!(Manifest::parse(&b).map(|_| ()), Err(want));
    };
    let bad = |server: Option<usize>, what: &'static str| ManifestError::BadRecord { server, what };
    check(&|b| b.truncate(10), ManifestError::BadLength);
    check(&|b| b.truncate(b.len() - 1), ManifestError::BadLength);
    check(&|b| b.push(0), ManifestError::BadLength);
    check(&|b| b[0] = b'X', ManifestError::BadMagic);
    check(&|b| b[8] = 9, ManifestError::BadVersion);
    check(&|b| b[12] = 63, ManifestError::TooManyServers);
    check(&|b| b[12] = 5, ManifestError::BadLength);
    check(
        &|b| b[rec(0) + 3] = b'x',
        bad(None, "user record has a name"),
    );
    check(&|b| b[rec(0) + 64] = 0, bad(None, "wrong privilege id"));
    check(
        &|b| b[rec(0) + 65] = FLAG_BOOT,
        bad(None, "user record marked boot"),
    );
    check(&|b| b[rec(1) + 64] = 1, bad(Some(0), "wrong privilege id"));
    check(&|b| b[rec(1) + 65] = 0x10, bad(Some(0), "unknown flags"));
    check(
        &|b| b[rec(3) + 128] = 1,
        bad(Some(2), "bad device range"),
    );
    check(
        &|b| b[rec(3) + 128 + 16 + 8] = 0x10,
        bad(Some(2), "bad device range"),
    );
    check(
        &|b| b[rec(3) + 128 + 6] = 0x10,
        bad(Some(2), "bad device range"),
    );
    check(
        &|b| b[rec(2) + 66] = 16,
        bad(Some(1), "priority out of range"),
    );
    check(
        &|b| b[rec(2) + 67] = 1,
        bad(Some(1), "reserved bytes not zero"),
    );
    check(
        &|b| b[rec(2) + 127] = 1,
        bad(Some(1), "reserved bytes not zero"),
    );
    check(
        &|b| b[rec(2) + 72 + 7] |= 0x20,
        bad(Some(1), "ipc_to names a privilege id that does not exist"),
    );
    check(
        &|b| b[rec(2) + 72] |= 0x80,
        bad(Some(1), "ipc_to names a privilege id that does not exist"),
    );
    check(
        &|b| b[rec(2) + 80 + 7] = 1,
        bad(Some(1), "unknown kernel call"),
    );
    check(
        &|b| b[rec(3) + 89] = 0x04,
        bad(Some(2), "bad I/O port range"),
    );
    check(
        &|b| b[rec(3) + 104..rec(3) + 108].fill(0),
        bad(Some(2), "zero tickets"),
    );
    check(&|b| b[rec(1)] = 0, ManifestError::BadName { index: 0 });
    check(
        &|b| b[rec(1) + 32..rec(1) + 64].fill(0),
        ManifestError::BadName { index: 0 },
    );
    check(
        &|b| b[rec(2) + 40] = 0xff,
        ManifestError::BadName { index: 1 },
    );
    check(
        &|b| b[rec(2)..rec(2) + 2].copy_from_slice(b"rs"),
        ManifestError::DuplicateName { index: 1 },
    );
}

#[test]
fn random_corruption_never_panics() {
    let mut rng = Rng::new(4);
    let good = example_bin();
    let mut accepted = 0;
    for _ in 0..20_000 {
        let mut b = good.clone();
        for _ in 0..rng.below(4) + 1 {
            let i = rng.below(b.len() as u64) as usize;
            b[i] ^= 1 << rng.below(8);
        }
        if rng.below(10) == 0 {
            b.truncate(rng.below(b.len() as u64) as usize);
        }
        if let Ok(m) = Manifest::parse(&b) {
            accepted += 1;
            assert_eq!(
                m.servers().count(),
                m.len(),
                "every validated server decodes"
            );
            for s in m.servers() {
                assert_eq!(
                    m.find(s.name).map(|f| f.privileges.id),
                    Some(s.privileges.id)
                );
                assert!(usize::from(s.priority) < LEVELS && s.tickets >= 1);
            }
            let _ = m.user_privileges();
        }
    }
    assert!(
        accepted > 0,
        "flipping restart-policy bits keeps a manifest valid"
    );
}
